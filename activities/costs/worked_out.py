"""A normalised line as the staging table stores it: lineage, its FOCUS values, its tags under
normalised keys and its extra columns, then what the load works out for it: the base-currency
amounts at the ECB rate of its charge date, the rules it was flagged by, and its direct
allocation (cost center, GL account, PO).

A line's PO is its ``po_number`` tag's, else its commitment discount's contract's PO in force
at its charge day, else its account mapping's, else none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from psycopg.types.json import Jsonb

from activities.costs.slices import StagedSlice
from domain.costs.conversion import (
    COST_COLUMNS,
    MissingRate,
    RateCache,
    charge_date,
    convert_line,
)
from domain.costs.cost_row import CostRow
from domain.costs.errors import CostFileError
from domain.costs.focus_columns import FOCUS_COLUMNS, DataType
from domain.costs.tag_keys import normalised_tags
from models.costs.source_config import SourceConfig

_FOCUS = tuple(c.name for c in FOCUS_COLUMNS)
_JSON_AT = tuple(i for i, c in enumerate(FOCUS_COLUMNS) if c.data_type is DataType.JSON)
_PERIOD_AT = _FOCUS.index("BillingPeriodStart")
PO_TAG = "po_number"  # the normalised tag key a line names the PO it draws on by


class LineWork:
    """Works out the stored row of each line of one file of ``config``'s source."""

    def __init__(self, file: str, config: SourceConfig, rates: RateCache) -> None:
        self._file = file
        self._config = config
        self._rates = rates

    def stored(
        self, staged: StagedSlice, row: CostRow, flags: list[str] | None
    ) -> tuple[object, ...]:
        """The row in ``INGEST_COLUMNS`` order; a line that names no billing period (a generic
        statement's) is stored in its slice's, the load's."""
        focus = row.focus
        values: list[object] = [focus.get(name) for name in _FOCUS]
        if values[_PERIOD_AT] is None:
            values[_PERIOD_AT] = staged.billing_period_start
        for at in _JSON_AT:
            if values[at] is not None:
                values[at] = Jsonb(values[at])
        tags = focus.get("Tags")
        tags_normalised = normalised_tags(tags) if isinstance(tags, Mapping) else None
        return (
            staged.slice_id,
            staged.load_id,
            staged.file_index,
            row.row_number,
            *values,
            Jsonb(tags_normalised) if tags_normalised is not None else None,
            Jsonb(row.extras) if row.extras else None,
            *self._base_amounts(row),
            flags or None,
            *self._allocation(row, tags_normalised),
        )

    def _base_amounts(self, row: CostRow) -> tuple[object, ...]:
        """base_currency, exchange_rate, rate_date and each cost column in the base currency;
        all NULL for a line without a currency or a date (quarantined unless a source keeps
        such lines)."""
        focus = row.focus
        has_date = focus.get("ChargePeriodStart") or focus.get("BillingPeriodStart")
        if not focus.get("BillingCurrency") or has_date is None:
            return (None,) * (3 + len(COST_COLUMNS))
        try:
            converted = convert_line(row, self._rates)
        except MissingRate as missing:
            raise CostFileError(
                self._file, row.row_number, "BillingCurrency", str(missing)
            ) from missing
        rate_date: date = converted.rate_date
        amounts: list[Decimal | None] = [converted.amounts[c] for c in COST_COLUMNS]
        return (converted.base_currency, converted.rate, rate_date, *amounts)

    def _allocation(
        self, row: CostRow, tags: Mapping[str, object] | None
    ) -> tuple[int | None, int | None, str | None]:
        account, sub = row.focus.get("BillingAccountId"), row.focus.get("SubAccountId")
        allocation = self._config.allocation(
            account if isinstance(account, str) else None, sub if isinstance(sub, str) else None
        )
        tagged = (tags or {}).get(PO_TAG)
        po_number = tagged if isinstance(tagged, str) and tagged else self._commitment_po(row)
        return (
            allocation.cost_center_id,
            allocation.gl_account_id,
            (po_number or allocation.po_number),
        )

    def _commitment_po(self, row: CostRow) -> str | None:
        discount = row.focus.get("CommitmentDiscountId")
        if not self._config.commitments or not isinstance(discount, str):
            return None
        try:
            day = charge_date(row)
        except ValueError:  # no date: kept only when the source keeps such lines
            return None
        return self._config.commitment_po(discount, day)
