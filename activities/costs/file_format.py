"""The mapping a source's file is read by: the source's configured format, checked against the
file's header, or the format the header shows (``auto``); a generic CSV source's stored column
mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.costs.detect import FORMATS, detect_format
from domain.costs.errors import CostFileError
from domain.costs.generic_format import MappingError, generic_mapping
from domain.costs.mapping import FormatMapping

# A source's format names a family (``focus``, ``aws-cur``, ``azure``) or one format exactly.
FAMILIES = {"focus": "focus", "aws-cur": "aws", "azure": "azure"}
GENERIC = frozenset({"csv", "generic"})


def source_mapping(
    file: str, header: Sequence[str], source_format: str, column_mapping: Mapping[str, Any]
) -> FormatMapping:
    """The mapping for the file; a CostFileError naming the header when the file is of another
    format than the source's, or the source's column mapping is not usable."""
    if source_format in GENERIC:
        return _generic(file, column_mapping)
    if source_format == "auto" or source_format in FAMILIES:
        found = detect_format(file, header)
        if source_format != "auto" and _family(found) != FAMILIES[source_format]:
            problem = f"the header is of {found.title}, not of a {source_format} file"
            raise CostFileError(file, 0, "", problem)
        return found
    if source_format in FORMATS:
        return FORMATS[source_format]  # the normaliser refuses a header of another format
    raise CostFileError(file, 0, "", f"the source's format {source_format!r} is not known")


def _family(mapping: FormatMapping) -> str:
    return mapping.name.split("-")[0]


def _generic(file: str, column_mapping: Mapping[str, Any]) -> FormatMapping:
    """``{"columns": {FOCUS column: file column}, "constants": {FOCUS column: value}}``, or the
    columns alone as a flat object."""
    columns = column_mapping.get("columns", column_mapping)
    constants = column_mapping.get("constants", {})
    try:
        return generic_mapping(columns, constants)
    except MappingError as error:
        raise CostFileError(file, 0, "column_mapping", str(error)) from error
