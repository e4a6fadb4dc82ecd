"""The budget ledger keeps its books whatever order POs move in: a Hypothesis state machine drives
models/budgets/commitments.py against the real Postgres database over random requisitions,
approvals, change orders (increase, decrease, delay), releases, cancellations, invoices and retried
steps, and checks the invariants after every step. Each example runs in its own rolled-back
transaction (the ledger is append-only: nothing can be deleted between examples)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text

from domain.fiscal import fiscal_period
from domain.purchase_order import InvoicePosting
from models import BudgetLine
from models.budgets.commitments import (
    commit,
    invoice,
    release_reservation,
)
from models.budgets.postings import line_balance, po_holdings
from tests.builders.ledger import (
    AT_INVOICE,
    GL,
    MONTHS,
    REFUSING,
    START_MONTH,
    LedgerBooks,
    Po,
    amounts,
    budgets,
    days_2026,
    service_periods,
)


class LedgerMachine(LedgerBooks):
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
