"""The built-in ERP and outbox record each order and message once per idempotency key."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from domain.erp_messages import ErpOrder
from domain.notifications import Notification
from models import BuiltinErpOrder, OutboundMessage
from models.integrations.builtin_erp import PostgresErp
from models.integrations.outbox import PostgresOutbox


def _order(key: str) -> ErpOrder:
    return ErpOrder(key, "PO-9001", 1, "Contoso Software", "EUR", 120_000_00, "IT-APPS", "6110")


def test_a_retried_issue_finds_the_order_it_already_created(
    sessions: sessionmaker[Session], session: Session
) -> None:
    erp = PostgresErp(sessions)
    first = erp.create_purchase_order(_order("PO-9001:1"))
    retried = erp.create_purchase_order(_order("PO-9001:1"))
    assert first.created and not retried.created
    assert retried.erp_reference == first.erp_reference
    assert session.scalar(select(func.count()).select_from(BuiltinErpOrder)) == 1
    revised = erp.create_purchase_order(_order("PO-9001:2"))
    assert revised.erp_reference != first.erp_reference


def test_a_message_is_delivered_once_per_key(
    sessions: sessionmaker[Session], session: Session
) -> None:
    outbox = PostgresOutbox(sessions)
    message = Notification("priya", "approval_requested", "PO-9001 waits on you", "PO-9001", "k1")
    outbox.send(message)
    outbox.send(message)
    sent = select(func.count()).where(OutboundMessage.subject == "PO-9001 waits on you")
    assert session.scalar(sent) == 1
