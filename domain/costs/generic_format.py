"""A generic CSV (on-premises billing, colocation, telecom, SaaS statements) read through a
column mapping stored with its source: FOCUS column -> the file's column, and FOCUS column ->
a constant for what the file does not say (the provider's name, the currency)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.costs.focus_columns import BY_NAME
from domain.costs.mapping import Column, Constant, FormatMapping, Rule, TagText


class MappingError(ValueError):
    """A source's column mapping names a column FOCUS does not have."""


def generic_mapping(
    columns: Mapping[str, str], constants: Mapping[str, str] | None = None
) -> FormatMapping:
    """The mapping a source's configuration describes; every mapped file column is required,
    so a file missing one fails on its header rather than loading without it."""
    given = {**(constants or {}), **columns}
    unknown = sorted(name for name in given if name not in BY_NAME)
    if unknown:
        raise MappingError(f"not FOCUS columns: {', '.join(unknown)}")
    if "BilledCost" not in columns:
        raise MappingError("the mapping must say which column holds BilledCost")
    rules: dict[str, Rule] = {name: Constant(value) for name, value in (constants or {}).items()}
    for focus, source in columns.items():
        rules[focus] = TagText(source) if focus == "Tags" else Column(source)
    return FormatMapping(
        name="csv",
        title="Generic CSV with a column mapping",
        rules=rules,
        signature=(),
        required=tuple(columns),
    )
