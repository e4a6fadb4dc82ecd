"""Journals and GL balances over the ERP's REST API, and the answer of an ERP that has none.

``RestErpJournals`` posts a journal to ``/journals`` with its id as external reference and
``Idempotency-Key``, after looking it up by that reference, so a retried export posts it once.
Amounts travel as decimal strings in the currency's own digits, never floats. cXML
(OrderRequest) and the built-in ERP have no journal message: ``NoJournals`` refuses, naming why,
and the close records the journal as not exported."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from adapters import http
from domain.close.accruals import Journal
from domain.close.reconciliation import GlAmount
from domain.erp_messages import ErpReceipt
from domain.money import Money


class JournalsNotSupported(Exception):
    """The ERP poflow is configured with takes no journals; the message says why."""


@dataclass(frozen=True)
class RestErpJournals:
    """``ErpJournalPort`` over HTTP: ``base_url`` names the API root (``.../api/v1``)."""

    base_url: str
    token: str
    timeout_seconds: float = 10.0

    def post_journal(self, journal: Journal) -> ErpReceipt:
        with self._client() as client:
            found = client.get("/journals", params={"external_reference": journal.journal_id})
            found.raise_for_status()
            items: list[dict[str, Any]] = found.json()["items"]
            if items:
                return ErpReceipt(str(items[0]["id"]), created=False)
            response = client.post(
                "/journals",
                json=journal_body(journal),
                headers={"Idempotency-Key": journal.journal_id},
            )
            response.raise_for_status()
            return ErpReceipt(str(response.json()["id"]), created=response.status_code == 201)

    def gl_balances(self, period: str) -> list[GlAmount]:
        with self._client() as client:
            response = client.get("/gl-balances", params={"period": period})
            response.raise_for_status()
            return [
                GlAmount(
                    row["cost_center"],
                    row["gl_account"],
                    row["currency"],
                    Money.parse(Decimal(row["amount"]), row["currency"]).minor,
                )
                for row in response.json()["items"]
            ]

    def _client(self) -> httpx.Client:
        return http.client(
            base_url=self.base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout_seconds,
        )


def journal_body(journal: Journal) -> dict[str, Any]:
    """The journal as the ERP reads it: amounts as decimal strings of the line's currency."""

    def text(minor: int, currency: str) -> str:
        return format(Money(minor, currency).as_decimal(), "f")

    return {
        "external_reference": journal.journal_id,
        "period": journal.period,
        "kind": journal.kind,
        "posted_on": journal.posted_on.isoformat(),
        "lines": [
            {
                "gl_account": line.gl_account,
                "cost_center": line.cost_center,
                "currency": line.currency,
                "debit": text(line.debit_minor, line.currency),
                "credit": text(line.credit_minor, line.currency),
                "memo": line.memo,
            }
            for line in journal.lines
        ],
    }


@dataclass(frozen=True)
class NoJournals:
    """An ERP that takes no journals (cXML, the built-in one): every call refuses, saying why."""

    reason: str

    def post_journal(self, journal: Journal) -> ErpReceipt:
        raise JournalsNotSupported(self.reason)

    def gl_balances(self, period: str) -> list[GlAmount]:
        raise JournalsNotSupported(self.reason)
