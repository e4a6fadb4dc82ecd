"""The budget ledger keeps its books whatever order POs move in: a Hypothesis state machine drives
models/budgets/commitments.py against the real Postgres database over random requisitions,
approvals, change orders (increase, decrease, delay), releases, cancellations, invoices and retried
steps, and checks the invariants after every step. Each example runs in its own rolled-back
transaction (the ledger is append-only: nothing can be deleted between examples)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.budget import spread
from domain.catalog import Role
from domain.fiscal import FiscalPeriod, fiscal_period
from domain.purchase_order import BudgetMovement, InvoicePosting, ReservationResult
from models import BudgetLine, CostCenter, GlAccount
from models.budgets.commitments import (
    change_order,
    commit,
    invoice,
    release,
    release_reservation,
    reserve,
)
from models.budgets.postings import account, line_balance, po_holdings, posted
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


class LedgerMachine(RuleBasedStateMachine):
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

    @initialize(budgets=st.lists(budgets, min_size=24, max_size=24))
    def grant_budgets(self, budgets: list[int | None]) -> None:
        for index, amount in enumerate(budgets):
            if amount is None:
                continue  # no line granted: a budget of 0
            acct = self.accounts[(REFUSING, AT_INVOICE)[index // 12]]
            period = fiscal_period(MONTHS[index % 12], START_MONTH)
            self.session.add(
                BudgetLine(
                    cost_center_id=acct.cost_center_id,
                    gl_account_id=acct.gl_account_id,
                    fiscal_year=period.fiscal_year,
                    period=period.period,
                    amount_minor=amount,
                    currency="EUR",
                    created_by_id=self.owner_id,
                )
            )
        self.session.flush()
        self.available = self._refusing_available()

    # -- steps -----------------------------------------------------------------------------------

    @rule(
        center=st.sampled_from([REFUSING, REFUSING, AT_INVOICE]),
        amount=amounts | st.just("fill"),
        service=service_periods,
        allow_over=st.booleans(),
    )
    def requisition(
        self, center: str, amount: int | str, service: tuple[date, date], allow_over: bool
    ) -> None:
        """A requisition reserves its amount; "fill" asks for exactly what a day's line has left,
        so that lines run full and later steps meet their edge."""
        if amount == "fill":
            day = fiscal_period(service[0], START_MONTH)
            left = line_balance(self.session, self.accounts[center], day).available_minor
            amount, service = max(left, 1), (service[0], service[0])
        assert isinstance(amount, int)
        po = Po(f"PO-{len(self.pos) + 1}", center, *service, amount=amount)
        allow_over = allow_over and center == AT_INVOICE  # the refusing center never goes over
        movement = self._movement(po, "reserve", allow_over_budget=allow_over)
        fits = self._fits(movement)
        result = self._step("reserve", movement.idempotency_key, self._reserve(movement))
        assert (result.reserved, result.over_budget) == (fits or allow_over, not fits)
        po.status = "reserved" if result.reserved else "refused"
        self.pos[po.number] = po

    @precondition(lambda self: self._with("reserved"))
    @rule(data=st.data())
    def approve(self, data: st.DataObject) -> None:
        po = data.draw(st.sampled_from(self._with("reserved")))
        movement = self._movement(po, "commit")
        self._step(
            "commit", movement.idempotency_key, lambda: commit(self.session, movement, START_MONTH)
        )
        po.status = "committed"
        po.approved = po.amount if po.holds_budget else 0

    @precondition(lambda self: self._with("committed"))
    @rule(data=st.data(), delta=amounts, as_of=days_2026, rejected=st.booleans())
    def increase(self, data: st.DataObject, delta: int, as_of: date, rejected: bool) -> None:
        """Reserve the increase; then apply it, or drop it when approval rejects it."""
        po = data.draw(st.sampled_from(self._with("committed")))
        po.revision += 1
        asked = self._movement(po, "reserve-increase", amount=delta)
        fits = self._fits(asked)
        result = self._step("reserve", asked.idempotency_key, self._reserve(asked))
        assert result.reserved == fits
        if not result.reserved:
            return
        if rejected:
            dropped = self._movement(po, "drop-increase")
            self._step(
                "release",
                dropped.idempotency_key,
                lambda: release_reservation(self.session, dropped),
            )
            return
        before = replace(po)
        po.amount += delta
        po.approved += delta if po.holds_budget else 0
        if not self._change(po, delta, as_of):
            self._undo(po, before)
            dropped = self._movement(po, "drop-increase")
            self._step(
                "release",
                dropped.idempotency_key,
                lambda: release_reservation(self.session, dropped),
            )

    @precondition(lambda self: self._with("committed"))
    @rule(data=st.data(), as_of=days_2026)
    def decrease(self, data: st.DataObject, as_of: date) -> None:
        po = data.draw(st.sampled_from(self._with("committed")))
        cut = data.draw(st.integers(1, max(po.amount, 1)))
        before = replace(po)
        po.amount -= cut
        po.released += min(cut, po.open)
        po.revision += 1
        if not self._change(po, -cut, as_of):
            self._undo(po, before)

    @precondition(lambda self: self._with("committed"))
    @rule(data=st.data(), service=service_periods, as_of=days_2026)
    def delay(self, data: st.DataObject, service: tuple[date, date], as_of: date) -> None:
        po = data.draw(st.sampled_from(self._with("committed")))
        before = replace(po)
        po.start, po.end = service
        po.revision += 1
        if not self._change(po, 0, as_of):
            self._undo(po, before)

    @precondition(lambda self: self._with("committed"))
    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        """The PO expired or was terminated: release its unused commitment."""
        self._release(data.draw(st.sampled_from(self._with("committed"))), "closed")

    @precondition(lambda self: self._with("reserved", "committed"))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        self._release(data.draw(st.sampled_from(self._with("reserved", "committed"))), "cancelled")

    @precondition(lambda self: self._with("committed", "closed"))
    @rule(data=st.data(), kind=st.sampled_from(["partial", "full", "above"]), day=days_2026)
    def book_invoice(self, data: st.DataObject, kind: str, day: date) -> None:
        po = data.draw(st.sampled_from(self._with("committed", "closed")))
        left = max(po.amount - po.invoiced, 1)
        amount = {
            "partial": data.draw(st.integers(1, left)),
            "full": left,
            "above": left + data.draw(st.integers(1, 1_000)),
        }[kind]
        relieved = min(amount, po.open)
        po.invoiced += amount
        po.relieved += relieved
        posting = InvoicePosting(
            po.number, po.revision, po.cost_center, GL, f"INV-{po.invoiced}", day,
            amount, "EUR", amount, "EUR", "1", None, "prop-ap",
        )  # fmt: skip
        self.touched = po.number
        result = self._step(
            "invoice", posting.idempotency_key, lambda: invoice(self.session, posting, START_MONTH)
        )
        assert (result.relieved_minor, result.actual_minor) == (relieved, amount)

    @precondition(lambda self: any(step.posted for step in self.steps))
    @rule(data=st.data())
    def retry_an_earlier_step(self, data: st.DataObject) -> None:
        """A late attempt of a step that posted, after other steps: it posts nothing."""
        step = data.draw(st.sampled_from([step for step in self.steps if step.posted]))
        answer = self._retried(step)
        if step.kind == "invoice":
            assert answer == step.answer
        if step.kind == "reserve":
            assert getattr(answer, "reserved", None) is True
        self.last_kind = "retry"

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def balances_are_the_sums_of_the_entries(self) -> None:
        """Every line's balance is its budget in force and the raw sums of its entries."""
        sums = self._sums()
        budgets = self._budgets()
        for line in set(sums) | set(budgets):
            raw = (budgets.get(line, 0), sums.get(line, (0, 0, 0, 0)))
            if self.checked.get(line) == raw:
                continue  # nothing on the line changed since it was checked
            balance = line_balance(self.session, self.by_id[line[0]], line[1])
            figures = (balance.reserved_minor, balance.committed_minor, balance.actual_minor)
            assert (balance.budget_minor, figures) == (raw[0], raw[1][:3]), line
            assert balance.available_minor == raw[0] - sum(figures)
            self.checked[line] = raw

    @invariant()
    def only_invoices_overdraw_a_refusing_line(self) -> None:
        """Invoices are facts and may overspend. No other step takes a line of the refusing cost
        center below zero or deeper below it: a change order that would is refused whole."""
        now = self._refusing_available()
        if self.last_kind != "invoice":
            for line, available in now.items():
                floor = min(0, self.available.get(line, 0))
                assert available >= floor, (line, self.last_kind, available, floor)
        self.available = now

    @invariant()
    def each_po_holds_what_the_model_expects(self) -> None:
        """Commitment = approved - relieved - released, never negative on any period."""
        rows = self.session.execute(
            text(
                "SELECT po_number, fiscal_year, period, sum(reserved_delta_minor),"
                " sum(committed_delta_minor) FROM ledger_entries"
                " WHERE po_number IS NOT NULL AND cost_center_id = ANY(:ours) GROUP BY 1, 2, 3"
            ),
            {"ours": list(self.by_id)},
        ).all()
        held = {number: [0, 0] for number in self.pos}
        for number, _, _, reserved, committed in rows:
            assert reserved >= 0 and committed >= 0, (number, reserved, committed)
            held[number][0] += reserved
            held[number][1] += committed
        for number, po in self.pos.items():
            assert held[number] == [po.reserved, po.open], po
        if self.touched:
            reserved_by, committed_by = po_holdings(self.session, self.touched)
            assert sum(reserved_by.values()) == held[self.touched][0]
            assert sum(committed_by.values()) == held[self.touched][1]

    @invariant()
    def nothing_is_reserved_or_committed_at_invoice(self) -> None:
        held = self.session.execute(
            text(
                "SELECT count(*) FROM ledger_entries WHERE cost_center_id = :cc"
                " AND (kind <> 'actual' OR reserved_delta_minor <> 0"
                " OR committed_delta_minor <> 0)"
            ),
            {"cc": self.accounts[AT_INVOICE].cost_center_id},
        ).scalar_one()
        assert held == 0

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


def test_the_ledger_keeps_its_invariants_over_random_po_histories(engine: Engine) -> None:
    class OnTheTestDatabase(LedgerMachine):
        database = engine

    run_state_machine_as_test(
        OnTheTestDatabase,
        settings=settings(
            max_examples=50,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
