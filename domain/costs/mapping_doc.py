"""The mapping tables of docs/cost-formats.md, written from the mappings themselves, so the
document cannot say something the code does not do (a test compares the two)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.costs.aws_formats import AWS_CUR, AWS_CUR_2
from domain.costs.aws_service_categories import AWS_PRODUCT_CATEGORY
from domain.costs.azure_formats import AZURE_EA, AZURE_MCA
from domain.costs.azure_service_categories import AZURE_CONSUMED_SERVICE_CATEGORY
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.focus_formats import FOCUS_FORMATS
from domain.costs.mapping import (
    AnyOf,
    Column,
    Constant,
    DayAfter,
    FirstValue,
    FormatMapping,
    Lookup,
    MapKey,
    PickColumn,
    Product,
    Rule,
    TagColumns,
    TagText,
    Translate,
)


def describe(rule: Rule | None) -> str:
    """One table cell: where the FOCUS value comes from."""
    match rule:
        case None:
            return "—"
        case Column(source):
            return f"`{source}`"
        case AnyOf(sources):
            return "the first the file has of " + ", ".join(f"`{s}`" for s in sources)
        case Constant(value):
            return f'"{value}"'
        case Translate(source, table):
            pairs = ", ".join(f"{a}→{b}" for a, b in table if a != b)
            return f"`{source}` translated ({pairs}; others as written)"
        case Lookup(source, table, default, any_case):
            return _describe_lookup(source, table, default, any_case)
        case FirstValue(rules):
            return ", else ".join(describe(each) for each in rules)
        case PickColumn(switch, choices, default):
            picks = "; ".join(f"`{column}` when `{switch}` is {value}" for value, column in choices)
            return f"`{default}`, or {picks}"
        case Product(left, right):
            return f"`{left}` times `{right}`"
        case DayAfter(source):
            return f"`{source}` + 1 day"
        case MapKey(source, key):
            return f"`{source}['{key}']`"
        case TagColumns(prefix):
            return f"every `{prefix}…` column, keyed by the rest of its name"
        case TagText(source):
            return f'`{source}` (JSON, or `"k": "v"` pairs without braces)'
    raise AssertionError(f"no description for {rule!r}")


# The lookup tables too long for a cell, each documented in a table of its own.
LOOKUP_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "aws_service_categories": AWS_PRODUCT_CATEGORY,
    "azure_service_categories": AZURE_CONSUMED_SERVICE_CATEGORY,
}


def _describe_lookup(
    source: str, table: tuple[tuple[str, str], ...], default: str | None, any_case: bool
) -> str:
    named = next((name for name, listed in LOOKUP_TABLES.items() if listed is table), None)
    if named is not None:
        found = f"looked up in the {named} table"
    else:
        changed = [f"{a}→{b}" for a, b in table if a != b]
        kept = [a for a, b in table if a == b]
        found = "looked up (" + ", ".join(changed)
        found += f"; as written: {', '.join(kept)})" if kept else ")"
    case = ", any case" if any_case else ""
    otherwise = f'; others: "{default}"' if default is not None else ""
    return f"`{source}` {found}{case}{otherwise}"


def lookup_table(table: tuple[tuple[str, str], ...]) -> str:
    """A Markdown table: each FOCUS value and the source values that give it."""
    values = sorted({value for _, value in table})
    lines = ["| FOCUS value | source values |", "|---|---|"]
    for value in values:
        codes = ", ".join(f"`{code}`" for code, given in table if given == value)
        lines.append(f"| {value} | {codes} |")
    return "\n".join(lines)


def mapping_table(mappings: Sequence[FormatMapping]) -> str:
    """A Markdown table: one row per FOCUS column any of the mappings fills, one column each."""
    names = [c.name for c in FOCUS_COLUMNS if any(c.name in m.rules for m in mappings)]
    lines = [
        "| FOCUS column | " + " | ".join(m.title for m in mappings) + " |",
        "|---" * (len(mappings) + 1) + "|",
    ]
    for name in names:
        cells = [describe(m.rules.get(name)).replace("|", "\\|") for m in mappings]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def documented_tables() -> dict[str, str]:
    """Each table of docs/cost-formats.md by the name its `<!-- mapping table: NAME -->`
    marker gives it."""
    return {
        "focus": mapping_table(FOCUS_FORMATS),
        "aws": mapping_table((AWS_CUR, AWS_CUR_2)),
        "azure": mapping_table((AZURE_EA, AZURE_MCA)),
        **{name: lookup_table(table) for name, table in LOOKUP_TABLES.items()},
    }
