"""A PO's events on their way to Postgres: the events recorded in the same workflow task (a
decision and the next tier's opening, say) go in one local activity, in the order they were
recorded, and each ``record`` returns once its own event is projected."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.purchase_order import PoEvent
    from workflows import activity_calls as calls


class Projector:
    def __init__(self) -> None:
        self._queue: list[PoEvent] = []
        self._projected = 0  # the highest sequence projected
        self._draining = False

    async def project(self, event: PoEvent, *, with_next: bool = False) -> None:
        """Returns once ``event`` is projected; ``with_next`` leaves it for the next event to
        take along (a step that always records another at once, like routing then opening the
        first tier)."""
        self._queue.append(event)
        if with_next:
            return
        if self._draining:
            await workflow.wait_condition(lambda: self._projected >= event.sequence)
            return
        await self.flush()

    async def flush(self) -> None:
        """Project what is queued (nothing when another coroutine is at it already)."""
        if not self._queue or self._draining:
            return
        self._draining = True
        try:
            await self._drain()
        finally:
            self._draining = False

    async def _drain(self) -> None:
        while self._queue:
            await self._gather()
            batch, self._queue = self._queue, []
            await calls.project_together(batch)
            self._projected = batch[-1].sequence

    async def _gather(self) -> None:
        """Let the coroutines woken with this one (the main run, when a decision ends a tier)
        run up to their own ``record`` first: a round of the workflow's conditions, then one
        more each time the batch grew."""
        await workflow.wait_condition(lambda: True)
        size = 0
        while size != len(self._queue):
            size = len(self._queue)
            await workflow.wait_condition(lambda: True)
