"""Journals and the GL export against the ERP simulator over loopback: a journal posted twice is
kept once, amounts travel as decimals in the currency's digits, the month's GL balances hold its
journal lines and the orders invoiced in it; an ERP without journals refuses, saying why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from adapters.erp_journals import JournalsNotSupported, NoJournals, RestErpJournals
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from domain.close.accruals import UninvoicedUsage, accrual_journal, reversal_of
from domain.close.reconciliation import GlAmount

TOKEN = "journal-test-token"


@pytest.fixture
def erp() -> Iterator[tuple[RestErpJournals, ErpBook]]:
    book = ErpBook(token=TOKEN)
    sock = loopback_socket()
    with served(erp_simulator_app(book), sock):
        yield RestErpJournals(f"{url_of(sock)}/api/v1", TOKEN), book


def test_a_journal_posted_twice_is_kept_once_and_the_gl_export_holds_it(
    erp: tuple[RestErpJournals, ErpBook],
) -> None:
    port, book = erp
    usage = [
        UninvoicedUsage("aws", "111", "IT-INFRA", "6100", "EUR", 4_250),
        UninvoicedUsage("aws", "111", "IT-APPS", "6110", "JPY", 700),
    ]
    journal = accrual_journal("2090-11", usage)
    first, again = port.post_journal(journal), port.post_journal(journal)
    assert first.created and not again.created and first.erp_reference == again.erp_reference
    kept = book.journals[journal.journal_id]
    assert [(line["debit"], line["credit"]) for line in kept["lines"]] == [
        ("700", "0"),
        ("0", "700"),
        ("42.50", "0.00"),
        ("0.00", "42.50"),
    ]
    port.post_journal(reversal_of(journal))
    order, _ = book.create(
        {
            "external_reference": "PO-9:1",
            "currency": "EUR",
            "total_amount": "100.00",
            "cost_center": "IT-INFRA",
            "gl_account": "6100",
        },
        "PO-9:1",
    )
    book.advance(order["id"], "invoiced")
    this_month = f"{datetime.now(UTC):%Y-%m}"
    assert port.gl_balances("2090-11") == [
        GlAmount("IT-APPS", "2400", "JPY", -700),
        GlAmount("IT-APPS", "6110", "JPY", 700),
        GlAmount("IT-INFRA", "2400", "EUR", -4_250),
        GlAmount("IT-INFRA", "6100", "EUR", 4_250),
    ]
    assert GlAmount("IT-INFRA", "6100", "EUR", 10_000) in port.gl_balances(this_month)
    assert port.gl_balances("2090-12") == [
        GlAmount("IT-APPS", "2400", "JPY", 700),
        GlAmount("IT-APPS", "6110", "JPY", -700),
        GlAmount("IT-INFRA", "2400", "EUR", 4_250),
        GlAmount("IT-INFRA", "6100", "EUR", -4_250),
    ]


def test_an_erp_without_journals_refuses_naming_why() -> None:
    port = NoJournals("cXML carries purchase orders only")
    with pytest.raises(JournalsNotSupported, match="cXML"):
        port.post_journal(accrual_journal("2026-11", []))
    with pytest.raises(JournalsNotSupported, match="cXML"):
        port.gl_balances("2026-11")
