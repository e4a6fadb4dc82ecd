"""A CSV cost file ingested inside Postgres: its bytes COPYed as they are into a temporary
table of text columns, typed and checked there (models/costs/raw_lines.py), and each slice's
lines written into its load's staging table by one ``INSERT ... SELECT``.

Everything happens in one transaction of the caller's connection; the temporary tables are
dropped at its end (commit or rollback), so memory in the worker stays one COPY chunk and the
rows of one quarantine batch, whatever the file's size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from psycopg import Connection as PgConnection
from psycopg import sql

from domain.costs.conversion import COST_COLUMNS, converted_sql
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.quality_rules import DUPLICATE, Expectations
from models.costs.lines import BASE_AMOUNTS, PARTITION_SCHEMA, column_name
from models.costs.raw_lines import (
    account_currencies_sql,
    datetimes_readable_sql,
    raw_column,
    row_text_sql,
    typed_table_sql,
)
from models.costs.source_config import SourceConfig
from models.costs.staging import INGEST_COLUMNS

# A row with its flags (the duplicate rule's first) and whether a quarantining rule is among them.
_CHECKED = (
    "(SELECT t.*, CASE WHEN d.file_row IS NULL THEN t.row_flags "
    "ELSE {duplicate}::text || t.row_flags END AS flags FROM cost_typed t "
    "LEFT JOIN cost_dups d USING (file_row))"
)
_DAY = "coalesce(c.charge_period_start, c.billing_period_start)::date"
_SLICE = (
    "coalesce(c.billing_account_id, '') = %(account)s "
    "AND coalesce(c.billing_period_start, %(period)s) = %(start)s"
)

# The source's commitment spans (SourceConfig.commitments), at most one of which covers a line.
_COMMITMENT_JOIN = (
    "LEFT JOIN unnest(%(commitment_ids)s::text[], %(commitment_from)s::date[], "
    "%(commitment_until)s::date[], %(commitment_pos)s::text[]) "
    "AS cd(discount_id, from_day, until_day, po_number) "
    f"ON cd.discount_id = c.commitment_discount_id AND {_DAY} >= cd.from_day "
    f"AND ({_DAY} < cd.until_day OR cd.until_day IS NULL)"
)


@dataclass(frozen=True)
class RawSlice:
    """One (billing account, billing period) of the file and its rows' fate."""

    billing_account_id: str
    billing_period_start: datetime | None
    first_row: int
    rows_loaded: int
    rows_quarantined: int
    rows_flagged: int


@dataclass(frozen=True)
class QuarantinedRaw:
    """A quarantined row as read: its number, slice key (billing account, billing period),
    whether it repeats an earlier row, its billing account's currency, and its cells."""

    file_row: int
    slice_key: tuple[str, datetime | None]
    repeated: bool
    account_currency: str | None
    values: dict[str, str | None]


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    rows: int
    billed_cost: Decimal
    sample_rows: tuple[int, ...]


class RawCostFile:
    def __init__(self, raw: PgConnection, header: Sequence[str], quarantine_rules: Iterable[str]):
        self._raw = raw
        self._header = tuple(header)
        rules = ", ".join(f"'{rule}'" for rule in sorted(quarantine_rules))
        checked = _CHECKED.format(duplicate=f"'{DUPLICATE.id}'")
        self._checked = (
            f"(SELECT k.*, k.flags && ARRAY[{rules}]::text[] AS quarantined FROM {checked} k)"
        )

    def copy(self, chunks: Iterable[bytes]) -> int:
        """COPY the CSV's bytes (header line first) into ``cost_raw``; the data rows copied. A
        file Postgres cannot read as CSV (another cell count, not UTF-8) raises psycopg's error."""
        columns = [raw_column(i) for i in range(len(self._header))]
        self._raw.execute("SET LOCAL TimeZone = 'UTC'")
        self._raw.execute(
            sql.SQL(
                "CREATE TEMP TABLE cost_raw (file_row bigint GENERATED ALWAYS AS IDENTITY, {}) "
                "ON COMMIT DROP"
            ).format(
                sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns)
            )
        )
        statement = sql.SQL(
            "COPY cost_raw ({}) FROM STDIN (FORMAT csv, HEADER true, FORCE_NOT_NULL *)"
        ).format(sql.SQL(", ").join(map(sql.Identifier, columns)))
        with self._raw.cursor() as cursor, cursor.copy(statement) as copy:
            for chunk in chunks:
                copy.write(chunk)
        return self._count("SELECT count(*) FROM cost_raw")

    def type(
        self, sources: dict[str, str], extra_columns: Sequence[str], expect: Expectations
    ) -> bool:
        """Make ``cost_typed`` and ``cost_dups``; False when a cell is one SQL does not read as
        the Python readers do (the file is then read by them)."""
        dates = self._raw.execute(datetimes_readable_sql(self._header, sources)).fetchone()
        if dates is None or not dates[0]:
            return False
        self._raw.execute(account_currencies_sql(self._header, sources))
        self._raw.execute(typed_table_sql(self._header, sources, extra_columns, expect))
        if self._count("SELECT count(*) FROM cost_typed WHERE NOT readable"):
            return False
        row = row_text_sql("t")
        self._raw.execute(
            "CREATE TEMP TABLE cost_dups ON COMMIT DROP AS SELECT file_row FROM ("
            f"SELECT file_row, row_number() OVER (PARTITION BY digest, {row} ORDER BY file_row) "
            "AS n FROM cost_typed t WHERE digest IN (SELECT digest FROM cost_typed "
            "GROUP BY digest HAVING count(*) > 1)) d WHERE n > 1"
        )
        return True

    def slices(self, period: datetime | None) -> list[RawSlice]:
        """The file's slices in the order of their first row (a row naming no billing period
        is in ``period``'s)."""
        rows = self._raw.execute(
            "SELECT coalesce(c.billing_account_id, ''), coalesce(c.billing_period_start, %s), "
            "min(c.file_row), count(*) FILTER (WHERE NOT quarantined), "
            "count(*) FILTER (WHERE quarantined), "
            "count(*) FILTER (WHERE NOT quarantined AND flags <> '{}') "
            f"FROM {self._checked} c GROUP BY 1, 2 ORDER BY 3",
            (period,),
        ).fetchall()
        return [RawSlice(*row) for row in rows]

    def charge_days(self) -> list[tuple[str, date]]:
        """The (currency, charge date) of the lines to be stored, each once."""
        rows = self._raw.execute(
            f"SELECT DISTINCT c.billing_currency, {_DAY} FROM {self._checked} c "
            f"WHERE NOT quarantined AND c.billing_currency IS NOT NULL AND {_DAY} IS NOT NULL"
        ).fetchall()
        return [(currency, day) for currency, day in rows]

    def add_rates(self, rates: Iterable[tuple[str, date, Decimal, date]]) -> None:
        self._raw.execute(
            "CREATE TEMP TABLE cost_rates (currency text, charge_date date, rate numeric, "
            "rate_date date, PRIMARY KEY (currency, charge_date)) ON COMMIT DROP"
        )
        with self._raw.cursor() as cursor, cursor.copy("COPY cost_rates FROM STDIN") as copy:
            for rate in rates:
                copy.write_row(rate)

    def insert_lines(
        self,
        slice_id: int,
        load_id: int,
        key: tuple[str, datetime | None],
        start: datetime,
        config: SourceConfig,
        file_index: int = 0,
    ) -> None:
        """One INSERT ... SELECT of the slice's stored lines into its load's staging table, as
        the lines of the load's file ``file_index``."""
        target = sql.SQL("INSERT INTO {}.{} ({}) ").format(
            sql.Identifier(PARTITION_SCHEMA),
            sql.Identifier(f"cost_lines_load_{load_id}"),
            sql.SQL(", ").join(map(sql.Identifier, INGEST_COLUMNS)),
        )
        self._raw.execute(
            target + sql.SQL(_insert_select(self._checked)),
            {
                "slice": slice_id,
                "load": load_id,
                "file_index": file_index,
                "account": key[0],
                "period": key[1],
                "start": start,
                "source": config.id,
                "base": config.base_currency,
                "cost_center": config.default.cost_center_id,
                "gl_account": config.default.gl_account_id,
                "po_number": config.default.po_number,
                "commitment_ids": [c.discount_id for c in config.commitments],
                "commitment_from": [c.from_day for c in config.commitments],
                "commitment_until": [c.until_day for c in config.commitments],
                "commitment_pos": [c.po_number for c in config.commitments],
            },
        )

    def quality(self) -> dict[str, RuleCount]:
        rows = self._raw.execute(
            "SELECT rule, count(*), coalesce(sum(c.billed_cost), 0), "
            "(array_agg(c.file_row ORDER BY c.file_row))[1:5] "
            f"FROM {self._checked} c, unnest(c.flags) AS rule GROUP BY rule"
        ).fetchall()
        return {r[0]: RuleCount(r[0], r[1], r[2], tuple(r[3])) for r in rows}

    def tax(self) -> dict[str, tuple[dict[str, Decimal], dict[str, Decimal]]]:
        """Per billing currency, each cost column over the stored lines, with and without tax."""
        columns = [column_name(c) for c in COST_COLUMNS]
        sums = [f"coalesce(sum(c.{c}), 0)" for c in columns] + [
            f"coalesce(sum(c.{c}) FILTER (WHERE c.charge_category IS DISTINCT FROM 'Tax'), 0)"
            for c in columns
        ]
        rows = self._raw.execute(
            f"SELECT c.billing_currency, {', '.join(sums)} FROM {self._checked} c "
            "WHERE NOT quarantined AND c.billing_currency IS NOT NULL GROUP BY 1"
        ).fetchall()
        n = len(COST_COLUMNS)
        return {
            row[0]: (
                dict(zip(COST_COLUMNS, row[1 : n + 1], strict=True)),
                dict(zip(COST_COLUMNS, row[n + 1 :], strict=True)),
            )
            for row in rows
        }

    def quarantined(self, period: datetime | None, batch_rows: int) -> Iterator[QuarantinedRaw]:
        """Each quarantined row in file order: its number, slice key, whether it repeats an
        earlier row, its billing account's currency, and its cells as read."""
        cells = ", ".join(f"r.{raw_column(i)}" for i in range(len(self._header)))
        query = (
            "SELECT c.file_row, coalesce(c.billing_account_id, ''), "
            f"coalesce(c.billing_period_start, %s), c.flags[1] = '{DUPLICATE.id}', "
            f"c.account_currency, {cells} "
            f"FROM {self._checked} c JOIN cost_raw r USING (file_row) WHERE quarantined "
            "ORDER BY c.file_row"
        )
        with self._raw.cursor(name="cost_quarantined") as cursor:
            cursor.itersize = batch_rows
            for row in cursor.execute(query, (period,)):
                values = dict(zip(self._header, row[5:], strict=True))
                yield QuarantinedRaw(row[0], (row[1], row[2]), bool(row[3]), row[4], values)

    def _count(self, query: str) -> int:
        row = self._raw.execute(query).fetchone()
        assert row is not None
        return int(row[0])


def _insert_select(checked: str) -> str:
    # A line naming no billing period (a generic statement's) is stored in its slice's.
    focus = [
        "coalesce(c.billing_period_start, %(start)s)"
        if c.name == "BillingPeriodStart"
        else f"c.{column_name(c.name)}"
        for c in FOCUS_COLUMNS
    ]
    amounts = [
        f"CASE WHEN r.rate IS NULL THEN NULL WHEN c.billing_currency = %(base)s THEN c.{column} "
        f"ELSE {converted_sql(f'c.{column}', 'r.rate')} END"
        for column in (column_name(focus) for focus, _ in BASE_AMOUNTS)
    ]
    allocation = [
        f"CASE WHEN ms.account_id IS NOT NULL THEN ms.{c} WHEN mb.account_id IS NOT NULL "
        f"THEN mb.{c} ELSE %({d})s END"
        for c, d in (("cost_center_id", "cost_center"), ("gl_account_id", "gl_account"))
    ]
    mapped_po = (
        "CASE WHEN ms.account_id IS NOT NULL THEN ms.po_number WHEN mb.account_id IS NOT NULL "
        "THEN mb.po_number ELSE %(po_number)s END"
    )
    po = (
        "CASE WHEN jsonb_typeof(c.tags_normalised -> 'po_number') = 'string' AND "
        "c.tags_normalised ->> 'po_number' <> '' THEN c.tags_normalised ->> 'po_number' "
        f"WHEN cd.po_number IS NOT NULL THEN cd.po_number ELSE {mapped_po} END"
    )
    return (
        f"SELECT %(slice)s, %(load)s, %(file_index)s, c.file_row, {', '.join(focus)}, "
        "c.tags_normalised, c.extras, CASE WHEN r.rate IS NOT NULL THEN %(base)s END, "
        "r.rate, r.rate_date, "
        f"{', '.join(amounts)}, NULLIF(c.flags, '{{}}'), {', '.join(allocation)}, {po} "
        f"FROM {checked} c LEFT JOIN cost_rates r ON r.currency = c.billing_currency "
        f"AND r.charge_date = {_DAY} "
        "LEFT JOIN cost_account_mappings ms ON ms.source_id = %(source)s AND "
        "ms.account_kind = 'sub_account' AND ms.account_id = c.sub_account_id "
        "LEFT JOIN cost_account_mappings mb ON mb.source_id = %(source)s AND "
        "mb.account_kind = 'billing_account' AND mb.account_id = c.billing_account_id "
        f"{_COMMITMENT_JOIN} WHERE NOT c.quarantined AND {_SLICE}"
    )
