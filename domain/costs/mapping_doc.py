"""The mapping tables of docs/cost-formats.md, written from the mappings themselves, so the
document cannot say something the code does not do (a test compares the two)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.costs.aws_formats import AWS_CUR, AWS_CUR_2
from domain.costs.azure_formats import AZURE_EA, AZURE_MCA
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.focus_formats import FOCUS_FORMATS
from domain.costs.mapping import (
    AnyOf,
    Column,
    Constant,
    DayAfter,
    FormatMapping,
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
    }
