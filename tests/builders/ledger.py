"""The ledger's test world for the property tests of models/budgets/commitments.py: a cost center
that refuses overspending and one that books at invoice, random amounts and service periods, the
model of what each PO should hold, and the steps that post to the ledger (each retried once), on
one rolled-back transaction of the real Postgres database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
)
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.budget import spread
from domain.catalog import Role
from domain.fiscal import FiscalPeriod
from domain.purchase_order import BudgetMovement, ReservationResult
from models import CostCenter, GlAccount
from models.budgets.commitments import (
    change_order,
    release,
    reserve,
)
from models.budgets.postings import account, line_balance, posted
from models.people.accounts import upsert_user

START_MONTH = 4  # April: March and April 2026 fall in different fiscal years
REFUSING, AT_INVOICE, GL = "PROP-REFUSE", "PROP-INVOICE", "PROP-GL"
MONTHS = [date(2026, month, 1) for month in range(1, 13)]
Line = tuple[int, FiscalPeriod]  # cost center id, period
Figures = tuple[int, int, int, int]  # reserved, committed, actual, entry count
T = TypeVar("T")

amounts = st.integers(1, 2_500)
# a line's budget; None: no line granted (a budget of 0)
budgets = st.integers(-300, 2_000).map(lambda amount: None if amount < 0 else amount)
days_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))
service_periods = st.one_of(
    st.tuples(days_2026, st.integers(0, 120)),
    st.tuples(st.dates(date(2026, 3, 1), date(2026, 3, 31)), st.integers(1, 90)),  # FY crossing
).map(lambda drawn: (drawn[0], drawn[0] + timedelta(days=drawn[1])))


@dataclass(frozen=True)
class Step:
    """A step as first run, to run again under the same idempotency key."""

    kind: str
    run: Callable[[], object]
    answer: object
    posted: bool


@dataclass
class Po:
    """What the machine expects of one PO, kept apart from the ledger."""

    number: str
    cost_center: str
    start: date
    end: date
    amount: int
    status: str = "reserved"  # refused, reserved, committed, closed, cancelled
    approved: int = 0  # commitment made: the commit plus increases
    relieved: int = 0
    released: int = 0
    revision: int = 1
    invoiced: int = 0

    @property
    def holds_budget(self) -> bool:
        return self.cost_center == REFUSING

    @property
    def open(self) -> int:
        return self.approved - self.relieved - self.released

    @property
    def reserved(self) -> int:
        return self.amount if self.holds_budget and self.status == "reserved" else 0


class LedgerBooks(RuleBasedStateMachine):
    """The books the ledger machine plays on, and the steps and sums its rules and invariants use;
    the rules and invariants themselves are the test's."""

    database: ClassVar[Engine]

    def __init__(self) -> None:
        super().__init__()
        self.connection = self.database.connect()
        self.transaction = self.connection.begin()
        self.session = Session(bind=self.connection, join_transaction_mode="create_savepoint")
        self.pos: dict[str, Po] = {}
        self.steps: list[Step] = []
        self.last_kind = ""
        self.touched = ""  # the PO of the last step
        self.available: dict[Line, int] = {}  # refusing lines, as of the step before
        self.checked: dict[Line, tuple[int, Figures]] = {}  # lines whose balance was checked
        owner = upsert_user(self.session, "prop-owner", roles=[Role.APPROVER])
        self.owner_id = owner.id
        self.session.add_all(
            [
                CostCenter(code=REFUSING, name="Refuses overspend", owner_id=owner.id),
                CostCenter(
                    code=AT_INVOICE, name="At invoice", owner_id=owner.id, reserve_at="invoice"
                ),
                GlAccount(code=GL, name="IT services"),
            ]
        )
        self.session.flush()
        self.accounts = {code: account(self.session, code, GL) for code in (REFUSING, AT_INVOICE)}
        self.by_id = {acct.cost_center_id: acct for acct in self.accounts.values()}

    def teardown(self) -> None:
        self.session.close()
        self.transaction.rollback()
        self.connection.close()

    # -- helpers ---------------------------------------------------------------------------------

    def _with(self, *statuses: str) -> list[Po]:
        return [po for po in self.pos.values() if po.status in statuses]

    def _movement(
        self, po: Po, step: str, *, amount: int | None = None, allow_over_budget: bool = False
    ) -> BudgetMovement:
        self.touched = po.number
        return BudgetMovement(
            po_number=po.number,
            revision=po.revision,
            cost_center=po.cost_center,
            gl_account=GL,
            service_start=po.start,
            service_end=po.end,
            amount_base_minor=po.amount if amount is None else amount,
            base_currency="EUR",
            idempotency_key=f"{po.number}:{po.revision}:{step}",
            allow_over_budget=allow_over_budget,
        )

    def _reserve(self, movement: BudgetMovement) -> Callable[[], ReservationResult]:
        return lambda: reserve(self.session, movement, START_MONTH)

    def _change(self, po: Po, change: int, as_of: date) -> bool:
        """Post the change order; False when it was refused (and then it posted nothing)."""
        movement = replace(self._movement(po, "change-order"), change_minor=change, as_of=as_of)
        before = self._sums()
        result = self._step(
            "change",
            movement.idempotency_key,
            lambda: change_order(self.session, movement, START_MONTH),
        )
        if not result.reserved:
            assert result.reason.startswith("insufficient budget: ")
            assert self._sums() == before
        return result.reserved

    @staticmethod
    def _undo(po: Po, before: Po) -> None:
        """The model as it was before a refused change order; its revision stays taken."""
        revision = po.revision
        vars(po).update(vars(before))
        po.revision = revision

    def _release(self, po: Po, status: str) -> None:
        po.released += po.open
        po.status = status
        movement = self._movement(po, f"release-{status}")
        self._step("release", movement.idempotency_key, lambda: release(self.session, movement))

    def _step(self, kind: str, key: str, run: Callable[[], T]) -> T:
        """Run a step, then retry it at once (its answer was lost): the retry posts nothing and
        answers the same."""
        self.last_kind = kind
        answer = run()
        self.steps.append(Step(kind, run, answer, posted(self.session, key)))
        assert self._retried(self.steps[-1]) == answer
        return answer

    def _retried(self, step: Step) -> object:
        before = self._sums()
        answer = step.run()
        assert self._sums() == before, step
        return answer

    def _fits(self, movement: BudgetMovement) -> bool:
        acct = self.accounts[movement.cost_center]
        wanted = spread(
            movement.amount_base_minor, movement.service_start, movement.last_day(), START_MONTH
        )
        return all(
            part <= line_balance(self.session, acct, period).available_minor
            for period, part in wanted.items()
        )

    def _sums(self) -> dict[Line, Figures]:
        rows = self.session.execute(
            text(
                "SELECT cost_center_id, fiscal_year, period, sum(reserved_delta_minor),"
                " sum(committed_delta_minor), sum(actual_delta_minor), count(*)"
                " FROM ledger_entries WHERE cost_center_id = ANY(:ours) GROUP BY 1, 2, 3"
            ),
            {"ours": list(self.by_id)},  # other tests of the session commit lines of their own
        ).all()
        return {
            (cc, FiscalPeriod(fy, p)): (int(r), int(c), int(a), n) for cc, fy, p, r, c, a, n in rows
        }

    def _budgets(self) -> dict[Line, int]:
        rows = self.session.execute(
            text(
                "SELECT DISTINCT ON (cost_center_id, fiscal_year, period)"
                " cost_center_id, fiscal_year, period, amount_minor FROM budget_lines"
                " WHERE cost_center_id = ANY(:ours)"
                " ORDER BY cost_center_id, fiscal_year, period, version DESC"
            ),
            {"ours": list(self.by_id)},
        ).all()
        return {(cc, FiscalPeriod(fy, p)): int(amount) for cc, fy, p, amount in rows}

    def _refusing_available(self) -> dict[Line, int]:
        refusing = self.accounts[REFUSING].cost_center_id
        lines = {line: amount for line, amount in self._budgets().items() if line[0] == refusing}
        for line, (r, c, a, _) in self._sums().items():
            if line[0] == refusing:
                lines[line] = lines.get(line, 0) - r - c - a
        return lines
