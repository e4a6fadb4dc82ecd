"""The REST ERP adapter against the ERP simulator over real HTTP on loopback: one order per PO
revision, even when the ERP times out after committing and the activity retries."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from adapters.erp_rest import DEFAULT_FIELDS, RestErp
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from domain.erp_messages import ErpOrder
from settings import Settings
from worker import build_activities

TOKEN = "erp-test-token"


@pytest.fixture
def erp() -> Iterator[tuple[ErpBook, str]]:
    book = ErpBook(token=TOKEN)
    sock = loopback_socket()
    with served(erp_simulator_app(book), sock):
        yield book, f"{url_of(sock)}/api/v1"


def _order(revision: int = 1) -> ErpOrder:
    lines = [{"description": "Developer suite", "quantity": 1, "unit_price_minor": 12_000_000}]
    return ErpOrder(
        f"PO-7001:{revision}", "PO-7001", revision, "Contoso Software", "EUR", 12_000_000,
        "IT-APPS", "6110", lines,
    )  # fmt: skip


def test_an_order_is_created_once_with_the_mapped_fields(erp: tuple[ErpBook, str]) -> None:
    book, url = erp
    adapter = RestErp(url, TOKEN, fields={**DEFAULT_FIELDS, "cost_center": "kostenstelle"})
    first = adapter.create_purchase_order(_order())
    again = adapter.create_purchase_order(_order())
    assert first.created and not again.created and again.erp_reference == first.erp_reference
    [stored] = book.orders.values()
    assert stored["kostenstelle"] == "IT-APPS" and stored["supplier"] == "Contoso Software"
    assert stored["total_amount"] == "120000.00"  # a decimal string, never a float
    revised = adapter.create_purchase_order(_order(revision=2))
    assert revised.created and len(book.orders) == 2
    assert adapter.cancel_purchase_order(first.erp_reference) == "cancelled"
    assert adapter.status_of(first.erp_reference) == "cancelled"


def test_a_retry_after_a_timeout_past_the_commit_finds_the_first_order(
    erp: tuple[ErpBook, str],
) -> None:
    book, url = erp
    book.stall_after_commit = 3.0
    adapter = RestErp(url, TOKEN, timeout_seconds=0.5)
    with pytest.raises(httpx.TimeoutException):
        adapter.create_purchase_order(_order())  # committed, but the answer never came
    assert len(book.orders) == 1
    retried = adapter.create_purchase_order(_order())
    assert not retried.created and retried.erp_reference == next(iter(book.orders))
    assert len(book.orders) == 1 and book.creates_received == 1


def test_a_wrong_token_is_refused(erp: tuple[ErpBook, str]) -> None:
    _, url = erp
    with pytest.raises(httpx.HTTPStatusError) as refused:
        RestErp(url, "wrong").create_purchase_order(_order())
    assert refused.value.response.status_code == 401


def test_the_worker_issues_to_the_rest_erp_when_it_is_configured(
    erp: tuple[ErpBook, str], sessions: sessionmaker[Session]
) -> None:
    book, url = erp
    settings = Settings(_env_file=None, erp_url=url, erp_token=TOKEN)
    [issue] = [a for a in build_activities(sessions, settings) if a.__name__ == "issue_to_erp"]
    receipt = issue(_order())
    assert receipt.created and [*book.orders] == [receipt.erp_reference]
