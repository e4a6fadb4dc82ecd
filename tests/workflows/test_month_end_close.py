"""The month-end close on the time-skipping server, against the ERP simulator over loopback: it
waits for the period's end and grace, accrues the usage no received invoice covers, waits for
finance (not the one who started it; reminded), posts and exports the accrual, reverses it on the
next period's first day, and lists the GL differences; a second run posts nothing twice; an ERP
out of reach leaves the close "export pending" until it answers."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from domain.close.accruals import next_period_start
from domain.close.messages import CloseDecision, CloseStart, CloseStatus, CloseView
from domain.temporal_names import CloseUpdate, PoQuery, WorkflowType, close_workflow_id
from models import CostCenter, GlAccount, OutboundMessage
from models.close.ledger import accrued
from models.close.records import close_export_attempts, close_gl_differences, close_runs
from models.db import unit_of_work
from settings import Settings
from tests.builders.close_usage import Usage, load_usage
from tests.models.budget_org import BudgetOrg, budget_org
from tests.workflows.helpers import keep_history
from worker import build_worker

TOKEN = "close-test-token"
CloseHandle = WorkflowHandle[object, CloseView]


class CloseStack:
    """A worker on a queue of its own whose ERP is the simulator on ``sock`` (served or not)."""

    def __init__(self, env: WorkflowEnvironment, sessions: sessionmaker[Session]) -> None:
        self.env, self.sessions = env, sessions
        self.book = ErpBook(token=TOKEN)
        self.sock: socket.socket = loopback_socket()
        self.queue = f"close-{uuid.uuid4().hex[:8]}"
        self.settings = Settings(
            _env_file=None,
            temporal_task_queue=self.queue,
            erp_url=f"{url_of(self.sock)}/api/v1",
            erp_token=TOKEN,
        )

    async def start(self, period: str, by: str) -> CloseHandle:
        return await self.env.client.start_workflow(
            WorkflowType.MONTH_END_CLOSE,
            CloseStart(period, started_by=by),
            id=close_workflow_id(period),
            task_queue=self.queue,
            result_type=CloseView,
        )


@pytest.fixture
async def stack(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[CloseStack]:
    close = CloseStack(time_env, demo_sessions)
    async with build_worker(time_env.client, close.settings, demo_sessions):
        yield close


def _usage_of_a_period(sessions: sessionmaker[Session], period: date) -> tuple[str, BudgetOrg]:
    """Usage of ``period`` on a cost center of its own: 100.00 invoiced (total received),
    40.00 with no invoice id and 2.50 on an invoice not yet received on account A1; 10.00 with
    no invoice on B2."""
    with unit_of_work(sessions) as session:
        org = budget_org(session, monthly=0)
        center = session.scalar(select(CostCenter.id).where(CostCenter.code == org.source))
        gl = session.scalar(select(GlAccount.id).where(GlAccount.code == org.gl))
        # The demo database is shared: an active finance holder would join every finance tier.
        org.finance.active = False
    assert center is not None and gl is not None
    usage = [
        Usage("A1", Decimal("100.00"), "INV-1"),
        Usage("A1", Decimal("40.00")),
        Usage("A1", Decimal("2.50"), "INV-2"),
        Usage("B2", Decimal("10.00")),
    ]
    load_usage(sessions, period, center, gl, usage, received=[("INV-1", Decimal("100.00"))])
    return f"{period:%Y-%m}", org


async def _month(env: WorkflowEnvironment, ahead: int) -> date:
    """The first day of the test server's month, or of one ``ahead`` of it: a period that has
    not ended, so the close waits for it (each test closes a period of its own)."""
    now = await env.get_current_time()
    number = now.year * 12 + now.month - 1 + ahead
    return date(number // 12, number % 12 + 1, 1)


async def _past_the_period_and_grace(env: WorkflowEnvironment, period: str) -> None:
    """Skip time to the day after the close's grace (5 days into the next period)."""
    due = datetime.combine(next_period_start(period), time(), UTC) + timedelta(days=6)
    await env.sleep(due - await env.get_current_time())


async def _view_when(handle: CloseHandle, ready: Callable[[CloseView], bool]) -> CloseView:
    for _ in range(300):
        view: CloseView = await handle.query(PoQuery.VIEW, result_type=CloseView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"the close never got there; last: {view.status}")


async def _decide(env: WorkflowEnvironment, handle: CloseHandle, decision: CloseDecision) -> None:
    """Send the decision with the clock held: with time skipping on while the Update was on its
    way, the test server skipped to the reminder and at times never completed that task."""
    with env.auto_time_skipping_disabled():
        await handle.execute_update(CloseUpdate.DECIDE, decision, result_type=CloseView)


async def _asked(sessions: sessionmaker[Session], period: str, people: int) -> None:
    """Until every approver was asked: the close is then idle, waiting on them."""
    key = f"{close_workflow_id(period)}:%:approval_requested:%"
    count = 0
    for _ in range(300):
        with sessions() as session:
            asked = select(func.count()).where(OutboundMessage.idempotency_key.like(key))
            count = session.scalar(asked) or 0
        if count >= people:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} of {people} approvers asked")


async def _refused(env: WorkflowEnvironment, handle: CloseHandle, decision: CloseDecision) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await _decide(env, handle, decision)
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return str(cause.type)


def _journal_net(book: ErpBook, period: str, center: str) -> dict[str, Decimal]:
    """Debit less credit per GL on ``center`` over the ERP's journals of the close."""
    net: dict[str, Decimal] = {}
    for kind in ("accrual", "reversal"):
        for line in book.journals[f"close-{period}-{kind}"]["lines"]:
            if line["cost_center"] == center:
                amount = Decimal(line["debit"]) - Decimal(line["credit"])
                net[line["gl_account"]] = net.get(line["gl_account"], Decimal(0)) + amount
    return net


def _memo_entries(session: Session, period: str) -> list[tuple[str, int]]:
    rows = session.execute(
        text(
            "SELECT idempotency_key, source_amount_minor FROM ledger_entries "
            "WHERE reference = :ref ORDER BY id"
        ),
        {"ref": f"close:{period}"},
    )
    return [(row.idempotency_key, int(row.source_amount_minor)) for row in rows]


async def test_a_period_is_accrued_approved_exported_reversed_and_reconciled(
    stack: CloseStack, time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> None:
    period, org = _usage_of_a_period(demo_sessions, await _month(time_env, 0))
    starter = org.finance.username
    with served(erp_simulator_app(stack.book), stack.sock):
        handle = await stack.start(period, starter)
        view = await handle.query(PoQuery.VIEW, result_type=CloseView)
        assert view.status is CloseStatus.WAITING_FOR_PERIOD_END
        await _past_the_period_and_grace(time_env, period)
        view = await _view_when(handle, lambda v: v.status is CloseStatus.AWAITING_APPROVAL)
        assert starter not in view.waiting_on() and "fiona" in view.waiting_on()
        refused = CloseDecision(starter, approve=True)
        assert await _refused(time_env, handle, refused) == "segregation_of_duties"
        await time_env.sleep(timedelta(hours=25))
        with demo_sessions() as session:
            kinds = session.scalars(
                select(OutboundMessage.body["kind"].astext).where(
                    OutboundMessage.recipient == "fiona",
                    OutboundMessage.idempotency_key.startswith(close_workflow_id(period)),
                )
            ).all()
        assert "reminder" in kinds and "approval_requested" in kinds
        await _decide(time_env, handle, CloseDecision("fiona", True, "ok"))
        done = await handle.result()
    assert done.status is CloseStatus.REVERSED and done.approved_by == "fiona"
    accrual = stack.book.journals[f"close-{period}-accrual"]
    reversal = stack.book.journals[f"close-{period}-reversal"]
    assert accrual["posted_on"].startswith(period) and reversal["posted_on"].endswith("-01")
    assert _journal_net(stack.book, period, org.source) == {org.gl: 0, "2400": 0}
    mine = [line for line in accrual["lines"] if line["cost_center"] == org.source]
    assert sorted(line["debit"] for line in mine if line["gl_account"] == org.gl) == [
        "10.00",
        "42.50",
    ]
    with demo_sessions() as session:
        memo = _memo_entries(session, period)
        difference = session.execute(
            select(close_gl_differences).where(
                close_gl_differences.c.period == period,
                close_gl_differences.c.cost_center == org.source,
            )
        ).one()
        run = session.execute(select(close_runs).where(close_runs.c.period == period)).one()
    assert sum(amount for _, amount in memo) == 0 and len(memo) == 2
    with demo_sessions() as session:
        assert accrued(session, period, 1)[(org.source, org.gl)] == 5_250
        assert (
            accrued(session, f"{next_period_start(period):%Y-%m}", 1)[(org.source, org.gl)]
            == -5_250
        )
    # The ledger holds all 152.50 of cloud actuals; the ERP only the 52.50 accrued.
    assert (difference.ledger_minor, difference.erp_minor) == (15_250, 5_250)
    assert (run.status, run.approved_by, run.started_by) == ("reversed", "fiona", starter)
    await keep_history(handle, "month_end_close")

    again = await stack.start(period, "fiona")
    assert (await again.result()).status is CloseStatus.REVERSED
    with demo_sessions() as session:
        assert _memo_entries(session, period) == memo
    assert len(stack.book.journals) == 2


async def test_an_erp_out_of_reach_leaves_the_export_pending_until_it_answers(
    stack: CloseStack, time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> None:
    period, org = _usage_of_a_period(demo_sessions, await _month(time_env, 1))
    handle = await stack.start(period, org.finance.username)
    await _past_the_period_and_grace(time_env, period)
    asking = await _view_when(handle, lambda v: v.status is CloseStatus.AWAITING_APPROVAL)
    await _asked(demo_sessions, period, len(asking.waiting_on()))
    await time_env.sleep(timedelta(hours=25))  # decided the next day, after a reminder
    await _decide(time_env, handle, CloseDecision("fiona", True))
    pending = await _view_when(handle, lambda v: v.status is CloseStatus.EXPORT_PENDING)
    assert pending.export_error
    with demo_sessions() as session:
        failed = (
            session.execute(
                select(close_export_attempts.c.outcome).where(
                    close_export_attempts.c.period == period
                )
            )
            .scalars()
            .all()
        )
        assert failed and set(failed) == {"failed"}
        assert len(_memo_entries(session, period)) == 1  # the ledger has the accrual already
    with served(erp_simulator_app(stack.book), stack.sock):
        done = await handle.result()
    assert done.status is CloseStatus.REVERSED
    assert _journal_net(stack.book, period, org.source) == {org.gl: 0, "2400": 0}
