"""SLA measurements exported as CSV (its header and rows as ``adapters.csv_table`` reads them),
one measurement a row, any number of POs:

``po_number, kind, month, availability_percent, incident_id, priority, opened_at,
responded_at, resolved_at``

``kind`` is ``availability`` (``month`` as YYYY-MM and ``availability_percent``) or
``incident`` (``incident_id``, ``priority`` and the three times as ISO 8601 with an offset);
cells another kind needs stay empty. Rows are numbered from 1, the first data row; a row that
cannot be read is named with its number and rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.sla.measurements import (
    AvailabilityMonth,
    Incident,
    SlaMeasurements,
    check_time_in_range,
)
from domain.text_limits import text_refusals

SHEET_COLUMNS = (
    "po_number",
    "kind",
    "month",
    "availability_percent",
    "incident_id",
    "priority",
    "opened_at",
    "responded_at",
    "resolved_at",
)
_NEEDS = {
    "availability": ("po_number", "month", "availability_percent"),
    "incident": (
        "po_number",
        "incident_id",
        "priority",
        "opened_at",
        "responded_at",
        "resolved_at",
    ),
}
INCIDENT_ID_TEXT, PRIORITY_TEXT, PO_NUMBER_TEXT = 80, 20, 40


class SheetError(ValueError):
    """A row that cannot be read: its number (None for the header) and the rule."""

    def __init__(self, message: str, rule: str, row: int | None = None) -> None:
        super().__init__(f"row {row}: {message}" if row else message)
        self.rule = rule
        self.row = row


@dataclass
class MeasurementSheet:
    """Each PO's measurements in the order of the sheet, and the row each entry came from under
    its place in its PO's batch (``availability[0]``, ``incidents[2]``)."""

    batches: dict[str, SlaMeasurements] = field(default_factory=dict)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)

    def row_of(self, po_number: str, where: str) -> int | None:
        """The row of a refusal's field (``incidents[2].month`` is ``incidents[2]``'s row)."""
        return self.rows.get((po_number, where.split(".")[0]))

    def add(self, row: int, po_number: str, entry: AvailabilityMonth | Incident) -> None:
        batch = self.batches.get(po_number, SlaMeasurements(po_number))
        if isinstance(entry, AvailabilityMonth):
            where = f"availability[{len(batch.availability)}]"
            batch = SlaMeasurements(po_number, (*batch.availability, entry), batch.incidents)
        else:
            where = f"incidents[{len(batch.incidents)}]"
            batch = SlaMeasurements(po_number, batch.availability, (*batch.incidents, entry))
        self.batches[po_number] = batch
        self.rows[(po_number, where)] = row


def read_measurement_sheet(
    header: Sequence[str], rows: Sequence[Mapping[str, str]]
) -> MeasurementSheet:
    missing = [column for column in SHEET_COLUMNS if column not in header]
    if missing:
        raise SheetError(f"the header has no {', '.join(missing)} column", "missing_column")
    if not rows:
        raise SheetError("the sheet has no measurement", "no_measurements")
    sheet = MeasurementSheet()
    for row, values in enumerate(rows, start=1):
        sheet.add(row, values["po_number"], _entry(row, values))
    return sheet


def _entry(row: int, values: Mapping[str, str]) -> AvailabilityMonth | Incident:
    kind = values["kind"]
    if kind not in _NEEDS:
        raise SheetError(
            f"kind is {kind[:20]!r}, not availability or incident", "invalid_kind", row
        )
    for column in _NEEDS[kind]:
        if not values[column]:
            raise SheetError(f"no {column}", "missing_value", row)
    for refusal in text_refusals("po_number", values["po_number"], PO_NUMBER_TEXT, False):
        raise SheetError(refusal.message, refusal.rule, row)
    if kind == "availability":
        return AvailabilityMonth(_month(values["month"], row), _percent(values, row))
    return _incident(values, row)


def _month(text: str, row: int) -> date:
    try:
        month = datetime.strptime(text, "%Y-%m").date()
    except ValueError as error:
        raise SheetError("month is not YYYY-MM", "invalid_month", row) from error
    return month


def _percent(values: Mapping[str, str], row: int) -> Decimal:
    try:
        percent = Decimal(values["availability_percent"])
    except InvalidOperation as error:
        raise SheetError("availability_percent is not a decimal", "invalid_percent", row) from error
    return percent


def _incident(values: Mapping[str, str], row: int) -> Incident:
    for column, limit in (("incident_id", INCIDENT_ID_TEXT), ("priority", PRIORITY_TEXT)):
        for refusal in text_refusals(column, values[column], limit, multiline=False):
            raise SheetError(refusal.message, refusal.rule, row)
    times = [_time(values, column, row) for column in ("opened_at", "responded_at", "resolved_at")]
    return Incident(values["incident_id"], values["priority"], *times)


def _time(values: Mapping[str, str], column: str, row: int) -> datetime:
    try:
        moment = datetime.fromisoformat(values[column])
    except ValueError as error:
        raise SheetError(f"{column} is not an ISO 8601 time", "invalid_time", row) from error
    if moment.tzinfo is None:
        raise SheetError(f"{column} has no UTC offset", "invalid_time", row)
    try:
        return check_time_in_range(moment)
    except ValueError as error:
        raise SheetError(f"{column}: {error}", "invalid_time", row) from error
