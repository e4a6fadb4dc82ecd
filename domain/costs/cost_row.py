"""The normalised cost line every source format is turned into: FOCUS column name -> typed value,
the source's non-FOCUS columns kept under their own names, and the row's number in its file.

Values are typed by the FOCUS catalogue (focus_columns.py): DECIMAL columns hold `Decimal` at the
source's full precision (never a float), DATETIME columns hold timezone-aware UTC `datetime`,
JSON columns (Tags, SkuPriceDetails) hold a `dict[str, str]` / `dict[str, object]`, STRING
columns hold `str`. A column the source left empty (or `null` / `NULL`) holds `None`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

FocusValue = str | Decimal | datetime | dict[str, object] | None


@dataclass(frozen=True)
class CostRow:
    """One cost line of a file, normalised to FOCUS.

    `focus` keeps the catalogue's order (FOCUS_COLUMNS) and holds only columns the source gave
    or a mapping derived; `extras` holds every other column of the source row, as its raw text,
    under the source's header name; `row_number` is the data row's 1-based number in its file
    (the header is not counted), so a stored line can always be traced back to its source row.
    """

    focus: dict[str, FocusValue]
    extras: dict[str, str] = field(default_factory=dict)
    row_number: int = 0
