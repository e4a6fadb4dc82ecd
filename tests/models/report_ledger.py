"""A small organisation with a realistic ledger for the budget-report tests, posted through the
same functions the workflows use (reserve, commit, change order, invoice, release).

Cost centers: PARENT > CHILD > GRAND. GL accounts GL1, GL2. Fiscal year 2026, January start.
Budget lines: CHILD/GL1 500.00 every period (period 3 revised to 800.00), PARENT/GL1 P3 1000.00,
GRAND/GL1 P3 200.00, CHILD/GL2 P3 100.00.
On the ledger (amounts in EUR):
- PO A (CHILD/GL1, March): reserve 300, commit 300, change order +50, invoice 120 on 15 March.
- PO B (GRAND/GL1, March): reserve 50, never committed.
- PO C (CHILD/GL1, March): reserve 200, commit 200, cancelled (release 200).
- PO D (CHILD/GL2): reserve and commit 100 in March, delayed to May (moved).
- Actual without a PO: CHILD/GL1 P1 30, P2 60, P3 40; PARENT/GL1 P3 10.
- Alerts raised on CHILD/GL2 P5 (a commitment without a budget: 80 % and 100 %).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from domain.catalog import PoStatus, Role, ServiceType
from domain.fiscal import FiscalPeriod
from domain.purchase_order import BudgetMovement, InvoicePosting, PoView
from domain.requisition import LineItem, Requisition
from models import BudgetLine, CostCenter, GlAccount, PurchaseOrder
from models.budgets.alerts import raise_alerts
from models.budgets.commitments import change_order, commit, invoice, release, reserve
from models.budgets.postings import Posting, account, append
from models.people.accounts import upsert_user
from models.purchase_orders.records import view_document

FY = 2026
MARCH = date(2026, 3, 1)
END_OF_MARCH = date(2026, 3, 31)
MAY_END = date(2026, 5, 31)


@dataclass(frozen=True)
class Org:
    tag: str
    parent: str
    child: str
    grand: str
    gl1: str
    gl2: str

    def po(self, letter: str) -> str:
        return f"RPT-{self.tag}-{letter}"


def build(session: Session) -> Org:
    """The organisation and its ledger, in the test's transaction."""
    tag = uuid.uuid4().hex[:6].upper()
    org = Org(tag, f"RP-{tag}", f"RC-{tag}", f"RG-{tag}", f"G1-{tag}", f"G2-{tag}")
    owner = upsert_user(session, f"owner-{tag.lower()}", roles=[Role.APPROVER])
    parent = CostCenter(code=org.parent, name="IT parent", owner_id=owner.id)
    session.add(parent)
    session.flush()
    child = CostCenter(code=org.child, name="IT child", owner_id=owner.id, parent_id=parent.id)
    session.add(child)
    session.flush()
    grand = CostCenter(code=org.grand, name="IT grandchild", owner_id=owner.id, parent_id=child.id)
    gl1, gl2 = GlAccount(code=org.gl1, name="Cloud"), GlAccount(code=org.gl2, name="Licences")
    session.add_all([grand, gl1, gl2])
    session.flush()

    def grant(center: CostCenter, gl: GlAccount, period: int, eur: int, version: int = 1) -> None:
        session.add(
            BudgetLine(
                cost_center_id=center.id,
                gl_account_id=gl.id,
                fiscal_year=FY,
                period=period,
                version=version,
                amount_minor=eur * 100,
                currency="EUR",
                created_by_id=owner.id,
            )
        )

    for period in range(1, 13):
        grant(child, gl1, period, 500)
    grant(child, gl1, 3, 800, version=2)
    grant(parent, gl1, 3, 1000)
    grant(grand, gl1, 3, 200)
    grant(child, gl2, 3, 100)
    session.flush()
    _post_purchase_orders(session, org)
    _post_actuals(session, org)
    raise_alerts(session, account(session, org.child, org.gl2), [FiscalPeriod(FY, 5)], (80, 100))
    _read_model(session, org, owner.id)
    return org


def movement(
    org: Org,
    letter: str,
    step: str,
    eur: int,
    *,
    revision: int = 1,
    change_eur: int = 0,
    start: date = MARCH,
    end: date = END_OF_MARCH,
) -> BudgetMovement:
    """A movement of PO ``letter`` (B is GRAND's, D is on GL2, the others CHILD/GL1)."""
    return BudgetMovement(
        po_number=org.po(letter),
        revision=revision,
        cost_center=org.grand if letter == "B" else org.child,
        gl_account=org.gl2 if letter == "D" else org.gl1,
        service_start=start,
        service_end=end,
        amount_base_minor=eur * 100,
        base_currency="EUR",
        idempotency_key=f"{org.po(letter)}:{step}",
        change_minor=change_eur * 100,
        as_of=MARCH,
    )


def _post_purchase_orders(session: Session, org: Org) -> None:
    for letter, eur in (("A", 300), ("B", 50), ("C", 200), ("D", 100)):
        assert reserve(session, movement(org, letter, "reserve", eur), 1).reserved
    for letter, eur in (("A", 300), ("C", 200), ("D", 100)):
        commit(session, movement(org, letter, "commit", eur), 1)
    # The change orders go through as under a policy that routes over budget (D's delay
    # takes May's line over: an alert).
    raised = movement(org, "A", "change", 350, revision=2, change_eur=50)
    assert change_order(session, replace(raised, allow_over_budget=True), 1).reserved
    invoice(session, invoice_of(org, "A", "INV-1", 120, date(2026, 3, 15)), 1)
    release(session, movement(org, "C", "cancel", 200))
    may = movement(org, "D", "delay", 100, revision=2, start=date(2026, 5, 1), end=MAY_END)
    assert change_order(session, replace(may, allow_over_budget=True), 1).reserved


def invoice_of(org: Org, letter: str, number: str, eur: int, on: date) -> InvoicePosting:
    return InvoicePosting(
        po_number=org.po(letter),
        revision=1,
        cost_center=org.child,
        gl_account=org.gl1,
        invoice_number=number,
        invoice_date=on,
        amount_minor=eur * 100,
        currency="EUR",
        amount_base_minor=eur * 100,
        base_currency="EUR",
        rate="1",
        rate_date=None,
        posted_by="ap",
    )


def actual_without_po(session: Session, center: str, gl: str, period: int, eur: int) -> None:
    append(
        session,
        [
            Posting(
                kind="actual",
                account=account(session, center, gl),
                period=FiscalPeriod(FY, period),
                currency="EUR",
                idempotency_key=f"actual:{uuid.uuid4().hex}",
                actual=eur * 100,
                reference=f"JE-{period}",
                note="journal entry",
                posted_by="finance",
            )
        ],
    )


def _post_actuals(session: Session, org: Org) -> None:
    for period, eur in ((1, 30), (2, 60), (3, 40)):
        actual_without_po(session, org.child, org.gl1, period, eur)
    actual_without_po(session, org.parent, org.gl1, 3, 10)


def _read_model(session: Session, org: Org, owner_id: int) -> None:
    """PO A in the read model, so its title and vendor show; the others are not projected."""
    requisition = Requisition(
        requester="alex",
        title="Cloud hosting <March>",
        cost_center=org.child,
        vendor="Hetzner & Co",
        service_type=ServiceType.CLOUD_INFRASTRUCTURE,
        currency="EUR",
        gl_account=org.gl1,
        lines=(LineItem("Hosting, March", 1, 35_000, MARCH, END_OF_MARCH),),
    )
    view = PoView(org.po("A"), 2, PoStatus.ISSUED, requisition, amount_base_minor=35_000)
    session.add(
        PurchaseOrder(
            po_number=org.po("A"),
            workflow_id=f"po-{org.po('A')}",
            revision=2,
            status=PoStatus.ISSUED,
            title=requisition.title,
            requester="alex",
            cost_center=org.child,
            vendor=requisition.vendor,
            service_type=requisition.service_type,
            amount_minor=35_000,
            currency="EUR",
            amount_base_minor=35_000,
            base_currency="EUR",
            detail=view_document(view),
        )
    )
    session.flush()
