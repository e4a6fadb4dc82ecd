"""A corporate-card statement as CSV (its header and rows, as ``adapters.csv_table`` reads
them): ``date, merchant, amount, currency, card_holder`` and,
optionally, ``mcc`` (the merchant category code, four digits) and ``description``. Each row is
read into a transaction in integer minor units of its currency; the first wrong row is named
with the rule it broke."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import InvalidOperation

from domain.money import CurrencyError, Money

CARD_COLUMNS = ("date", "merchant", "amount", "currency", "card_holder", "mcc", "description")
_REQUIRED = CARD_COLUMNS[:5]


class CardStatementError(ValueError):
    """A statement that cannot be read: ``rule`` names the check, ``row`` the data row (1 is
    the first)."""

    def __init__(self, message: str, rule: str, row: int | None = None) -> None:
        super().__init__(f"row {row}: {message}" if row else message)
        self.rule = rule
        self.row = row


@dataclass(frozen=True)
class CardPayment:
    """One card transaction (a refund is negative)."""

    row: int
    day: date
    merchant: str
    amount: Money
    card_holder: str
    mcc: str = ""
    description: str = ""


def read_card_statement(
    header: Sequence[str], rows: Sequence[Mapping[str, str]]
) -> list[CardPayment]:
    """Every row of the statement, checked."""
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise CardStatementError(f"the header has no {', '.join(missing)} column", "missing_column")
    payments = [_payment(row, values) for row, values in enumerate(rows, start=1)]
    if not payments:
        raise CardStatementError("the statement holds no transaction", "empty_statement")
    return payments


def _payment(row: int, values: Mapping[str, str]) -> CardPayment:
    for column in _REQUIRED:
        if not values.get(column):
            raise CardStatementError(f"no {column}", "missing_value", row)
    mcc = values.get("mcc", "")
    if mcc and not (len(mcc) == 4 and mcc.isdigit()):
        raise CardStatementError(f"MCC {mcc!r} is not four digits", "invalid_mcc", row)
    try:
        day = date.fromisoformat(values["date"])
        amount = Money.parse(values["amount"], values["currency"])
    except (ValueError, InvalidOperation, CurrencyError) as error:
        raise CardStatementError(str(error) or "not a value", "invalid_value", row) from error
    return CardPayment(
        row,
        day,
        values["merchant"][:200],
        amount,
        values["card_holder"][:200],
        mcc,
        values.get("description", "")[:500],
    )
