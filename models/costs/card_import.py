"""Importing a card statement: its transactions kept once per file and row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.costs.card_statements import CardPayment
from models.costs.card_transactions import CardTransaction
from models.people.records import User


@dataclass(frozen=True)
class CardImport:
    """The file's SHA-256, its transactions, and how many of them were new."""

    sha256: str
    transactions: int
    added: int


def import_card_statement(
    session: Session, payments: Sequence[CardPayment], *, digest: str, by: User
) -> CardImport:
    """Store the statement's transactions, each once by the file's SHA-256 (``digest``) and
    its row: the same file again adds nothing."""
    rows = [
        {
            "file_sha256": digest,
            "file_row": p.row,
            "transaction_date": p.day,
            "merchant": p.merchant,
            "amount_minor": p.amount.minor,
            "currency": p.amount.currency,
            "card_holder": p.card_holder,
            "mcc": p.mcc,
            "description": p.description,
            "imported_by_id": by.id,
        }
        for p in payments
    ]
    added = session.execute(
        insert(CardTransaction).values(rows).on_conflict_do_nothing().returning(CardTransaction.id)
    ).all()
    return CardImport(digest, len(rows), len(added))
