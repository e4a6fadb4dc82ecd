"""The navigation's inbox count, one query, agrees with the inbox itself: POs waiting on the
person, on a delegator of theirs within the delegation's cost centers and amount, and their
own POs whose approver asked them for information; nothing a revoked, ended or out-of-scope
delegation covers, nor a PO decided already."""

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import event
from sqlalchemy.orm import Session

from domain.catalog import PoStatus, ServiceType
from models.people.records import User
from models.purchase_orders.governance import DelegationRow
from models.purchase_orders.inbox import inbox
from models.purchase_orders.records import PurchaseOrder
from models.purchase_orders.worklist import waiting_count

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
_numbers = count(1)


def _user(session: Session, username: str) -> User:
    user = User(username=username, display_name=username, email=f"{username}@example.com")
    session.add(user)
    session.flush()
    return user


def _po(
    session: Session,
    approvers: list[str],
    cost_center: str = "IT-INFRA",
    amount: int = 10_000,
    requester: str = "alex",
    status: PoStatus = PoStatus.PENDING_APPROVAL,
) -> None:
    number = f"PO-T{next(_numbers)}"
    session.add(
        PurchaseOrder(
            po_number=number,
            workflow_id=f"po-{number}",
            status=status,
            title="storage",
            requester=requester,
            cost_center=cost_center,
            vendor="Northwind",
            service_type=ServiceType.CLOUD_INFRASTRUCTURE,
            amount_minor=amount,
            currency="EUR",
            amount_base_minor=amount,
            base_currency="EUR",
            current_approvers=approvers,
            detail={},
        )
    )


def _delegation(session: Session, delegator: User, delegate: User, **scope: object) -> None:
    window = {"starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=1)}
    session.add(
        DelegationRow(delegator_id=delegator.id, delegate_id=delegate.id, **(window | scope))
    )


def test_the_count_is_what_the_inbox_lists_in_one_statement(session: Session) -> None:
    nina, otto, vera, rita = (_user(session, name) for name in ("nina", "otto", "vera", "rita"))
    _delegation(session, otto, nina, cost_centers=["IT-INFRA"], max_amount_base_minor=50_000)
    _delegation(session, vera, nina, revoked_at=NOW - timedelta(hours=1))
    _delegation(session, rita, nina, ends_at=NOW - timedelta(minutes=1))
    _po(session, ["nina"])  # hers
    _po(session, ["nina", "otto"])  # hers and otto's: once
    _po(session, ["otto"])  # otto's, in scope
    _po(session, ["otto"], cost_center="IT-APPS")  # otto's, another cost center
    _po(session, ["otto"], amount=50_001)  # otto's, above the delegation's amount
    _po(session, ["vera"])  # a revoked delegation
    _po(session, ["rita"])  # an ended one
    _po(session, [], requester="nina", status=PoStatus.INFORMATION_REQUESTED)  # asked
    _po(session, [], requester="nina", status=PoStatus.ISSUED)  # decided
    session.flush()

    statements: list[str] = []

    def record(*execution: object) -> None:
        statements.append(str(execution[2]))  # (connection, cursor, statement, ...)

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", record)
    try:
        counted = waiting_count(session, nina, NOW)
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert len(statements) == 1
    assert counted == len(inbox(session, nina, NOW)) == 4
