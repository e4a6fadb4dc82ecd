"""The SQL that reads a CSV cost file held as text in Postgres: its typed FOCUS values, its
extras, whether SQL reads every cell as the Python readers would, its row digest and the
row-by-row data-quality flags, all generated from the readers' and rules' own SQL (domain
values.py, tag_keys.py, quality_rules.py), never written twice.

The file's rows are in ``cost_raw`` (``file_row`` and one text column ``c<i>`` per header
position); ``typed_table_sql`` makes ``cost_typed`` of them, one row per file row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.costs.focus_columns import FOCUS_COLUMNS, DataType
from domain.costs.quality_rules import Expectations, row_predicates
from domain.costs.tag_keys import NORMALISED_TAGS_SQL
from domain.costs.values import (
    DATETIME_READABLE_SQL,
    DECIMAL_READABLE_SQL,
    DECIMAL_TEXT_SQL,
    JSON_READABLE_SQL,
    NULL_SQL,
    TRIMMED_SQL,
    on_cell,
)
from models.costs.lines import column_name

# The Postgres type each FOCUS data type is stored as.
PG_TYPES = {
    DataType.DECIMAL: "numeric",
    DataType.DATETIME: "timestamptz",
    DataType.JSON: "jsonb",
    DataType.STRING: "text",
}
_READABLE = {
    DataType.DECIMAL: DECIMAL_READABLE_SQL,
    DataType.DATETIME: DATETIME_READABLE_SQL,
    DataType.JSON: JSON_READABLE_SQL,
}
_EXTRAS_PER_CALL = 40  # jsonb_build_object takes at most 100 arguments


def raw_column(position: int) -> str:
    return f"c{position}"


# A number or date-time cell that starts with a digit and ends with one (or a date-time's Z):
# trimming it changes nothing and it is no null text, so it is read as it is, skipping the
# trims that most cells of a real export do not need.
_DIGIT_FIRST = "ascii({cell}) BETWEEN 48 AND 57"
_DIGIT_LAST = "ascii(right({cell}, 1)) BETWEEN 48 AND 57"
_PLAIN = {
    DataType.DECIMAL: f"{_DIGIT_FIRST} AND {_DIGIT_LAST}",
    DataType.DATETIME: f"{_DIGIT_FIRST} AND ({_DIGIT_LAST} OR right({{cell}}, 1) = 'Z')",
}


def _text(data_type: DataType, cell: str) -> str:
    """The cell's text as the Python reader of its type reads it, NULL for a null text."""
    if data_type is DataType.STRING:
        return f"CASE WHEN {on_cell(NULL_SQL, cell)} THEN NULL ELSE {cell} END"
    read = on_cell(DECIMAL_TEXT_SQL if data_type is DataType.DECIMAL else TRIMMED_SQL, cell)
    plain = f"WHEN {on_cell(_PLAIN[data_type], cell)} THEN {cell} " if data_type in _PLAIN else ""
    return f"CASE {plain}WHEN {on_cell(NULL_SQL, cell)} THEN NULL ELSE {read} END"


def _value(data_type: DataType, text: str) -> str:
    """The text as its FOCUS type (NULL where Postgres' input function refuses it: the file
    is then not ``readable``)."""
    if data_type is DataType.STRING:
        return text
    cast = PG_TYPES[data_type]
    return f"CASE WHEN pg_input_is_valid({text}, '{cast}') THEN ({text})::{cast} END"


def _readable(data_type: DataType, text: str) -> str:
    """Postgres' own check first: a CASE, as AND does not promise to evaluate it first."""
    return (
        f"({text} IS NULL OR CASE WHEN pg_input_is_valid({text}, '{PG_TYPES[data_type]}') "
        f"THEN {on_cell(_READABLE[data_type], text)} ELSE false END)"
    )


def _kinds(header: Sequence[str], sources: Mapping[str, str]) -> dict[int, DataType]:
    """Each header position's type: its FOCUS column's, text for any other."""
    at = {name: position for position, name in enumerate(header)}
    kinds = dict.fromkeys(range(len(header)), DataType.STRING)
    for column in FOCUS_COLUMNS:
        if column.name in sources:
            kinds[at[sources[column.name]]] = column.data_type
    return kinds


def datetimes_readable_sql(header: Sequence[str], sources: Mapping[str, str]) -> str:
    """Whether every date-time cell is one SQL reads as the Python reader does, checked on
    each distinct text once (a file repeats few dates on many rows), found in one scan."""
    positions = [i for i, kind in _kinds(header, sources).items() if kind is DataType.DATETIME]
    if not positions:
        return "SELECT true"
    columns = ", ".join(raw_column(i) for i in positions)
    cells = ", ".join(f"d.{raw_column(i)}" for i in positions)
    texts = (
        f"SELECT {_text(DataType.DATETIME, 'raw')} AS cell FROM "
        f"(SELECT DISTINCT {columns} FROM cost_raw) d, unnest(ARRAY[{cells}]) AS raw"
    )
    return (
        f"SELECT coalesce(bool_and({_readable(DataType.DATETIME, 'cell')}), true) FROM ({texts}) t"
    )


def account_currencies_sql(header: Sequence[str], sources: Mapping[str, str]) -> str:
    """``CREATE TEMP TABLE cost_account_currency``: each billing account's currency, that of
    its first line with one in file order (rows naming no account are account ''), read from
    the two narrow columns alone: ordering whole typed rows to find it would sort the file."""
    at = {name: position for position, name in enumerate(header)}

    def cell(focus_name: str) -> str:
        source = sources.get(focus_name)
        return "NULL::text" if source is None else _text(DataType.STRING, raw_column(at[source]))

    return (
        "CREATE TEMP TABLE cost_account_currency ON COMMIT DROP AS "
        "SELECT DISTINCT ON (account) account, currency FROM ("
        f"SELECT coalesce({cell('BillingAccountId')}, '') AS account, "
        f"{cell('BillingCurrency')} AS currency, file_row FROM cost_raw) r "
        "WHERE currency IS NOT NULL ORDER BY account, file_row"
    )


def typed_table_sql(
    header: Sequence[str],
    sources: Mapping[str, str],
    extra_columns: Sequence[str],
    expect: Expectations,
) -> str:
    """``CREATE TEMP TABLE cost_typed`` (after ``account_currencies_sql``): every catalogue
    column (NULL where the file has none) under its stored name, ``tags_normalised``,
    ``extras``, ``readable`` (of the numbers and JSON; date-times are checked by
    ``datetimes_readable_sql``), ``digest`` (of the FOCUS values and extras, as the duplicate
    rule compares rows) and ``row_flags`` (the row-by-row rules' ids, in report order).
    ``sources`` maps a FOCUS column to the header column it is read from."""
    at = {name: position for position, name in enumerate(header)}
    kinds = _kinds(header, sources)
    texts = ", ".join(
        f"{_text(kind, raw_column(i))} AS {raw_column(i)}" for i, kind in kinds.items()
    )
    values = []
    for column in FOCUS_COLUMNS:
        source = sources.get(column.name)
        stored = column_name(column.name)
        if source is None:
            values.append(f"NULL::{PG_TYPES[column.data_type]} AS {stored}")
        else:
            values.append(f"{_value(column.data_type, raw_column(at[source]))} AS {stored}")
    checks = [
        _readable(kind, raw_column(i))
        for i, kind in kinds.items()
        if kind in (DataType.DECIMAL, DataType.JSON)
    ]
    # OFFSET 0 keeps each level a subquery of its own: pulled up into the next, every use of a
    # value there would read its cell again.
    read = f"SELECT file_row, {texts} FROM cost_raw OFFSET 0"
    typed = (
        f"SELECT file_row, {', '.join(values)}, {_extras(at, extra_columns)} AS extras, "
        f"{' AND '.join(checks) or 'true'} AS readable FROM ({read}) r OFFSET 0"
    )
    stored_names = [column_name(c.name) for c in FOCUS_COLUMNS]
    tags = NORMALISED_TAGS_SQL.format(tags="t.tags")
    tagged = (
        f"SELECT t.*, CASE WHEN jsonb_typeof(t.tags) = 'object' THEN {tags} END "
        f"AS tags_normalised, hash_record_extended({_row('t', stored_names)}, 0) AS digest, "
        f"ac.currency AS account_currency FROM ({typed}) t LEFT JOIN cost_account_currency ac "
        "ON ac.account = coalesce(t.billing_account_id, '') OFFSET 0"
    )
    return (
        "CREATE TEMP TABLE cost_typed ON COMMIT DROP AS "
        f"SELECT f.*, {_flags('f', expect)} AS row_flags FROM ({tagged}) f"
    )


def _row(alias: str, stored_names: Sequence[str]) -> str:
    """The FOCUS values and extras as one record (hashed by each type's own hash: a numeric's
    ignores its scale, so equal hashes are only candidates, compared by ``_row_text``)."""
    return f"ROW({', '.join(f'{alias}.{name}' for name in stored_names)}, {alias}.extras)"


def _row_text(alias: str, stored_names: Sequence[str]) -> str:
    """The FOCUS values and extras as one text: numeric keeps its scale (as Decimal's text
    does), timestamps are UTC, jsonb is canonical; a record's text tells NULL from ''."""
    return f"ROW({', '.join(f'{alias}.{name}' for name in stored_names)}, {alias}.extras)::text"


def row_text_sql(alias: str) -> str:
    return _row_text(alias, [column_name(c.name) for c in FOCUS_COLUMNS])


def _extras(at: Mapping[str, int], extra_columns: Sequence[str]) -> str:
    """The extra columns with a value, as jsonb (NULL when none has one)."""
    if not extra_columns:
        return "NULL::jsonb"
    pairs = [f"{_literal(name)}, r.{raw_column(at[name])}" for name in extra_columns]
    calls = [
        f"jsonb_build_object({', '.join(pairs[i : i + _EXTRAS_PER_CALL])})"
        for i in range(0, len(pairs), _EXTRAS_PER_CALL)
    ]
    return f"NULLIF(jsonb_strip_nulls({' || '.join(calls)}), '{{}}'::jsonb)"


def _flags(alias: str, expect: Expectations) -> str:
    names = {c.name: f"{alias}.{column_name(c.name)}" for c in FOCUS_COLUMNS}
    names["tags_normalised"] = f"{alias}.tags_normalised"
    names["account_currency"] = f"{alias}.account_currency"
    cases = [
        f"CASE WHEN {predicate.format(**names)} THEN {_literal(rule_id)} END"
        for rule_id, predicate in row_predicates(expect)
    ]
    return f"array_remove(ARRAY[{', '.join(cases)}]::text[], NULL)"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
