"""Which format a file is in, from its header alone (`--format auto`), and the check that a
file given as one format is not another."""

from __future__ import annotations

from collections.abc import Sequence

from domain.costs.aws_formats import AWS_CUR, AWS_CUR_2
from domain.costs.azure_formats import AZURE_EA, AZURE_MCA
from domain.costs.errors import CostFileError
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.focus_formats import FOCUS_1_0, FOCUS_1_1, FOCUS_1_2
from domain.costs.mapping import FormatMapping

# Most specific first: an MCA header also carries every column of the EA signature.
DETECTABLE: tuple[FormatMapping, ...] = (AWS_CUR, AWS_CUR_2, AZURE_MCA, AZURE_EA, FOCUS_1_2)
FORMATS: dict[str, FormatMapping] = {
    f.name: f for f in (AWS_CUR, AWS_CUR_2, AZURE_EA, AZURE_MCA, FOCUS_1_0, FOCUS_1_1, FOCUS_1_2)
}


def _has_signature(mapping: FormatMapping, header: Sequence[str]) -> bool:
    if mapping.any_case:
        names = {name.lower() for name in header}
        return all(column.lower() in names for column in mapping.signature)
    return all(column in header for column in mapping.signature)


def focus_version(header: Sequence[str]) -> FormatMapping:
    """The newest FOCUS version whose own columns the header uses (1.0 when none is newer)."""
    names = {name.lower() for name in header}
    introduced = {c.introduced for c in FOCUS_COLUMNS if c.name.lower() in names}
    if "1.2" in introduced:
        return FOCUS_1_2
    return FOCUS_1_1 if "1.1" in introduced else FOCUS_1_0


def detect_format(file: str, header: Sequence[str]) -> FormatMapping:
    """The format the header shows, or a CostFileError saying none matched."""
    for mapping in DETECTABLE:
        if _has_signature(mapping, header):
            return focus_version(header) if mapping.name.startswith("focus") else mapping
    raise CostFileError(file, 0, "", "the header matches no known cost format")


def check_format(file: str, header: Sequence[str], expected: FormatMapping) -> None:
    """Refuses a file whose header is of another detectable format than the source's."""
    if not expected.signature:
        return
    try:
        found = detect_format(file, header)
    except CostFileError:
        found = None
    same_family = found is not None and found.name.split("-")[0] == expected.name.split("-")[0]
    if found is not None and not same_family:
        raise CostFileError(file, 0, "", f"the header is of {found.title}, not of {expected.title}")
