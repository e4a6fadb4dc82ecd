"""An asset register exported as CSV (its header and rows, as ``adapters.csv_table`` reads
them; ``tag, description, cost_center, gl_account, cost,
currency, salvage, method, life_months, in_service[, po_number]``): each row read into the terms
of a fixed asset, amounts as exact decimals of the row's currency; the first wrong row is
named with its column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import InvalidOperation

from domain.depreciation import AssetTerms, DepreciationMethod, ScheduleError, check_terms
from domain.money import CurrencyError, Money

REGISTER_COLUMNS = (
    "tag",
    "description",
    "cost_center",
    "gl_account",
    "cost",
    "currency",
    "salvage",
    "method",
    "life_months",
    "in_service",
)


class RegisterError(ValueError):
    """A register row that cannot be read: its number (1 is the first data row), the column
    and the rule."""

    def __init__(self, message: str, rule: str, row: int | None = None) -> None:
        super().__init__(f"row {row}: {message}" if row else message)
        self.rule = rule
        self.row = row


@dataclass(frozen=True)
class RegisteredAsset:
    tag: str
    description: str
    cost_center: str
    gl_account: str
    currency: str
    terms: AssetTerms
    po_number: str | None = None


def read_asset_register(
    header: Sequence[str], rows: Sequence[Mapping[str, str]]
) -> list[RegisteredAsset]:
    """Every row of the register, checked; a tag listed twice is refused."""
    missing = [c for c in REGISTER_COLUMNS if c not in header]
    if missing:
        raise RegisterError(f"the header has no {', '.join(missing)} column", "missing_column")
    assets: list[RegisteredAsset] = []
    for row, values in enumerate(rows, start=1):
        asset = _asset(row, values)
        if any(a.tag == asset.tag for a in assets):
            raise RegisterError(f"asset {asset.tag} is listed twice", "duplicate_asset", row)
        assets.append(asset)
    return assets


def _asset(row: int, values: Mapping[str, str]) -> RegisteredAsset:
    for column in REGISTER_COLUMNS:
        if not values.get(column):
            raise RegisterError(f"no {column}", "missing_value", row)
    try:
        currency = values["currency"]
        terms = AssetTerms(
            cost_minor=Money.parse(values["cost"], currency).minor,
            salvage_minor=Money.parse(values["salvage"], currency).minor,
            life_months=int(values["life_months"]),
            method=DepreciationMethod(values["method"]),
            in_service=date.fromisoformat(values["in_service"]),
        )
        check_terms(terms)
    except ScheduleError as error:
        raise RegisterError(str(error), error.rule, row) from error
    except (ValueError, InvalidOperation, CurrencyError) as error:
        raise RegisterError(str(error) or "not a value", "invalid_value", row) from error
    return RegisteredAsset(
        values["tag"],
        values["description"],
        values["cost_center"],
        values["gl_account"],
        currency,
        terms,
        values.get("po_number") or None,
    )
