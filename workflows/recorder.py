"""How the PO records a change and sends a message: every change is one audit entry (with the
status before and after it), projected to Postgres and shown to operators; messages that cannot
go out are kept on the PO as undelivered, and the PO goes on."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.notifications import Notification
    from domain.purchase_order import PoEvent, PoView, StateAfter
    from domain.side_effects import MESSAGE, Undelivered
    from workflows import activity_calls as calls
    from workflows.operator_view import publish
    from workflows.po_state import PoState
    from workflows.projector import Projector


class Recorder:
    """The PO's changes and messages, for its run, its handlers and its steps."""

    def __init__(self, state: PoState) -> None:
        self.state = state
        self.projector = Projector()
        # The status the last recorded change left (a new PO's first change has none before).
        self._status_recorded = state.view.status if state.sequence else None

    @property
    def view(self) -> PoView:
        return self.state.view

    async def record(
        self, action: str, actor: str, *, with_next: bool = False, **extra: object
    ) -> None:
        """Project the event to Postgres and the audit trail, and to the Temporal UI
        (``with_next``: together with the event recorded next, see ``Projector``)."""
        change = self.next_change(action, actor, **extra)
        await self.projector.project(change, with_next=with_next)

    def next_change(self, action: str, actor: str, **extra: object) -> PoEvent:
        """The next change, counted and shown to operators; the caller projects it."""
        state = self.state
        state.sequence += 1
        routed = state.routed
        if routed is not None:
            state.view.tier_index = routed.approval.tier_index
        publish(state.view)
        before, self._status_recorded = self._status_recorded, state.view.status
        return self._change(action, actor, before, **extra)

    def uncounted_change(self, action: str, actor: str) -> PoEvent:
        """The PO as it stands, for an activity that takes a change but records no audit entry
        of it (the emergency exception): it takes no sequence number of its own."""
        return self._change(action, actor, self._status_recorded)

    def _change(self, action: str, actor: str, before: PoStatus | None, **extra: object) -> PoEvent:
        state, info = self.state, workflow.info()
        return PoEvent(
            sequence=state.sequence,
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            occurred_at=workflow.now(),
            action=action,
            actor=actor,
            view=state.view,
            before_status=before,
            state_after=StateAfter.of(state.view),
            **extra,  # type: ignore[arg-type]
        )

    async def flush(self) -> None:
        await self.projector.flush()

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        await self.notify_all([self.notification(person, kind, subject, facts)])

    def notification(
        self, person: str, kind: str, subject: str, facts: dict[str, object]
    ) -> Notification:
        key = f"{workflow.info().workflow_id}:{self.state.sequence}:{kind}:{person}"
        return Notification(person, kind, subject, self.state.view.po_number, key, facts)

    async def notify_all(self, notifications: list[Notification]) -> None:
        """Several messages in one activity, one alone in its own. What does not go out is
        kept as undelivered, and the PO goes on."""
        failed: dict[str, str] = {}
        if len(notifications) > 1:
            failed = await calls.send_notifications(notifications)
        else:
            for notification in notifications:
                reason = await calls.send_notification(notification)
                if reason is not None:
                    failed[notification.idempotency_key] = reason
        now = workflow.now()
        await self.keep_undelivered(
            [
                Undelivered(MESSAGE, n.idempotency_key, n.recipient, n.subject, reason, now)
                for n in notifications
                if (reason := failed.get(n.idempotency_key)) is not None
            ]
        )

    async def keep_undelivered(self, items: list[Undelivered]) -> None:
        """On the PO, for its page and the undelivered report."""
        if not items:
            return
        self.state.view.undelivered.extend(items)
        what = "; ".join(f"{item.subject} to {item.recipient}" for item in items)
        await self.record("side_effect.undelivered", "poflow", comment=what)
