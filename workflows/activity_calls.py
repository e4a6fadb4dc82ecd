"""How workflows call activities: every call states its timeout and retry policy.

Quick calls (Postgres, and messages) run as local activities: the worker runs them inside the
workflow task and records each result as a marker, with no round trip through a task queue. A
local activity may run again if the worker dies before the task completes, which every one of
them allows: each is keyed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.audit_chain import AuditEvent
    from domain.erp_messages import ErpOrder, ErpReceipt, FeedPage
    from domain.notifications import Notification
    from domain.purchase_order import (
        BudgetMovement,
        InvoicePosting,
        InvoiceResult,
        PoEvent,
        Preparation,
        PrepareRequest,
        ReservationResult,
    )
    from domain.renewal import ContractRenewal
    from domain.side_effects import NOT_DELIVERED
    from domain.temporal_names import Activity
    from domain.tickets import TicketUpdate


@dataclass(frozen=True)
class CallOptions:
    timeout: timedelta
    retry: RetryPolicy
    local: bool = False  # run inside the workflow task (see above)
    # A local activity whose next try is further off than this waits on a workflow timer, not
    # inside the workflow task: a failing step holds no task slot between tries.
    local_retry_threshold: timedelta = timedelta(seconds=5)
    # A step failed for good holds the PO for an operator; a side effect never does.
    holds: bool = True


# Postgres work: quick, retried until it succeeds (it is idempotent), unless the activity says
# it never can (``activities.failures``).
DATABASE = CallOptions(
    timedelta(seconds=30), RetryPolicy(maximum_interval=timedelta(minutes=2)), local=True
)
# Outside systems: slower, retried with a longer back-off.
OUTSIDE = CallOptions(timedelta(seconds=60), RetryPolicy(maximum_interval=timedelta(minutes=5)))
# A detection over a day's or month's cost data (spend anomalies, recommendations): minutes, not
# seconds, on a large estate, so a regular activity; retried until it succeeds (each stores a
# finding once).
DETECTION = CallOptions(
    timedelta(minutes=10), RetryPolicy(maximum_interval=timedelta(minutes=5)), holds=False
)
# Notifications: a few tries; a message that cannot be sent never blocks a PO.
MESSAGE = CallOptions(
    timedelta(seconds=30),
    RetryPolicy(maximum_attempts=5, maximum_interval=timedelta(minutes=1)),
    local=True,
    holds=False,
)
# The ticket's update at issue: retried like an outside call until the ticket takes it, but one
# the ITSM tool refuses for good is left undelivered, as any other write-back.
TICKET = CallOptions(OUTSIDE.timeout, OUTSIDE.retry, holds=False)
# The digest: one call e-mails everyone who chose it, so it may take minutes; retried like any
# message, and what is still held goes out in the next day's digest.
DIGEST = CallOptions(timedelta(minutes=10), MESSAGE.retry, holds=False)


@runtime_checkable
class StepHolder(Protocol):
    """A workflow that can hold a step failed for good for an operator (the PO): it returns
    when the step is to run again, or raises."""

    async def hold_failed_step(self, step: str, error: FailureError) -> None: ...


async def call(name: str, args: list[Any], options: CallOptions, result: type | None = None) -> Any:
    """Run the activity; a Postgres or outside-system step that failed for good (its retries
    are unlimited, so the activity said no retry can cure it) is held by a ``StepHolder``
    workflow and run again when an operator asks. Side effects are never held (``holds``)."""
    while True:
        try:
            return await _execute(name, args, options, result)
        except FailureError as error:
            owner = workflow.instance()
            if not options.holds or not isinstance(owner, StepHolder):
                raise
            await owner.hold_failed_step(name, error)


async def _execute(name: str, args: list[Any], options: CallOptions, result: type | None) -> Any:
    execute: Callable[..., Awaitable[Any]] = (
        workflow.execute_local_activity if options.local else workflow.execute_activity
    )
    return await execute(
        name,
        args=args,
        result_type=result,
        start_to_close_timeout=options.timeout,
        retry_policy=options.retry,
        **({"local_retry_threshold": options.local_retry_threshold} if options.local else {}),
    )


async def prepare(request: PrepareRequest) -> Preparation:
    prepared: Preparation = await call(
        Activity.PREPARE_REQUISITION, [request], DATABASE, Preparation
    )
    return prepared


async def reserve(movement: BudgetMovement) -> ReservationResult:
    result: ReservationResult = await call(
        Activity.RESERVE_BUDGET, [movement], DATABASE, ReservationResult
    )
    return result


async def commit_budget(movement: BudgetMovement) -> None:
    """The reservation becomes a commitment (at issue)."""
    await call(Activity.COMMIT_BUDGET, [movement], DATABASE)


async def release_budget(movement: BudgetMovement) -> None:
    """What the PO still holds, reserved or committed, is released."""
    await call(Activity.RELEASE_BUDGET, [movement], DATABASE)


async def release_reservation(movement: BudgetMovement) -> None:
    """A reservation not yet committed (a change order's increase) is released."""
    await call(Activity.RELEASE_RESERVATION_BUDGET, [movement], DATABASE)


async def change_order(movement: BudgetMovement) -> ReservationResult:
    """Move the commitment by a change order; refused when policy forbids going over budget."""
    result: ReservationResult = await call(
        Activity.CHANGE_ORDER_BUDGET, [movement], DATABASE, ReservationResult
    )
    return result


async def post_invoice(posting: InvoicePosting) -> InvoiceResult:
    result: InvoiceResult = await call(Activity.INVOICE_BUDGET, [posting], DATABASE, InvoiceResult)
    return result


async def project_together(events: list[PoEvent]) -> None:
    await call(Activity.PROJECT_PO_CHANGES, [events], DATABASE)


async def record_emergency_exception(event: PoEvent) -> None:
    await call(Activity.RECORD_EMERGENCY_EXCEPTION, [event], DATABASE)


async def audit(event: AuditEvent) -> None:
    await call(Activity.RECORD_AUDIT_EVENT, [event], DATABASE)


async def issue_to_erp(order: ErpOrder) -> ErpReceipt:
    receipt: ErpReceipt = await call(Activity.ISSUE_TO_ERP, [order], OUTSIDE, ErpReceipt)
    return receipt


async def update_ticket(update: TicketUpdate) -> str | None:
    """Retried until the ticket takes it, unless refused for good: then why, else None."""
    return await _write_ticket(update, TICKET)


async def write_back(update: TicketUpdate) -> str | None:
    """A ticket update that may fail (after a few tries) without failing the PO: why it was
    not written, or None once it was."""
    return await _write_ticket(update, MESSAGE)


async def _write_ticket(update: TicketUpdate, options: CallOptions) -> str | None:
    try:
        await call(Activity.UPDATE_ITSM_TICKET, [update], options)
    except FailureError as error:
        workflow.logger.warning("ticket update %s not written", update.idempotency_key)
        return reason_of(error)
    return None


async def change_ticket_approved(change_ticket: str) -> bool:
    approved: bool = await call(Activity.CHANGE_APPROVED, [change_ticket], OUTSIDE, bool)
    return approved


async def read_erp_events() -> FeedPage:
    page: FeedPage = await call(Activity.READ_ERP_EVENTS, [], OUTSIDE, FeedPage)
    return page


async def save_erp_cursor(cursor: str | None) -> None:
    await call(Activity.SAVE_ERP_CURSOR, [cursor], DATABASE)


async def send_notification(notification: Notification) -> str | None:
    """Never fails the caller, whatever failed (a local activity's last failure arrives as the
    activity's own error, not wrapped in an ``ActivityError``): why the message did not go out
    after its retries, or None once it did."""
    failed = await _send(Activity.SEND_NOTIFICATION, [notification], [notification])
    return failed.get(notification.idempotency_key)


async def send_notifications(notifications: list[Notification]) -> dict[str, str]:
    """Each message is sent once even when the activity is retried; the ones that did not go
    out after the retries, by key, with the reason (see ``send_notification``)."""
    return await _send(Activity.SEND_NOTIFICATIONS, [notifications], notifications)


async def _send(
    activity: str, args: list[Any], notifications: list[Notification]
) -> dict[str, str]:
    try:
        await call(activity, args, MESSAGE)
    except FailureError as error:
        failed = _undelivered_keys(error) or [n.idempotency_key for n in notifications]
        workflow.logger.warning("notifications %s not sent", ", ".join(failed))
        return dict.fromkeys(failed, reason_of(error))
    return {}


def reason_of(error: BaseException) -> str:
    """The innermost failure's message: what the outside system or database said."""
    while isinstance(error.__cause__, FailureError):
        error = error.__cause__
    return str(error)[:500]


def _undelivered_keys(error: BaseException) -> list[str]:
    """The keys a failed batch names as not delivered (``NOT_DELIVERED``'s details)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type == NOT_DELIVERED and cause.details:
            return [str(key) for key in cause.details[0]]
        cause = cause.__cause__
    return []


async def send_digests(now: datetime) -> int:
    """E-mail the digests of messages held up to ``now``; the number sent."""
    sent: int = await call(Activity.SEND_DIGESTS, [now], DIGEST, int)
    return sent


async def allocate_po_number() -> str:
    number: str = await call(Activity.ALLOCATE_PO_NUMBER, [], DATABASE, str)
    return number


async def renew_contract(renewal: ContractRenewal) -> None:
    await call(Activity.RENEW_CONTRACT, [renewal], DATABASE)


async def po_consumption(po_number: str, base_currency: str) -> int:
    """What the cost data drew against the PO so far, in base-currency minor units."""
    consumed: int = await call(Activity.PO_CONSUMPTION, [po_number, base_currency], DATABASE, int)
    return consumed
