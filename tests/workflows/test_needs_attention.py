"""A step that fails for good holds no worker slot and spins no workflow task: requisitions whose
data Postgres refuses wait in ``needs_attention`` (status, search attribute)
until an operator retries the step, which runs again, or cancels the PO; a normal PO started
after them is decided and issued meanwhile."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from activities.failures import STEP_FAILED
from domain.catalog import Decision, PoStatus
from domain.purchase_order import CancelRequest, PoView
from domain.requisition import Requisition
from domain.side_effects import RetryRequest
from domain.temporal_names import PoUpdate
from tests.builders.requisitions import laptops
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import PoHandle, decide, keep_history, refused_rule
from workflows import search_attributes as sa


def needs_attention(view: PoView) -> bool:
    return view.status is PoStatus.NEEDS_ATTENTION


def poisons() -> list[Requisition]:
    """Requisitions that slipped past the API, which Postgres refuses to store."""
    normal = laptops()
    huge = replace(normal.lines[0], quantity=10**20)  # beyond Postgres bigint
    return [replace(normal, title="Laptops\x00"), replace(normal, lines=(huge,))]


async def test_poison_requisitions_wait_for_an_operator_while_others_flow(
    po_runner: PoRunner, db: Session
) -> None:
    held: list[PoHandle] = []
    for requisition in poisons():
        handle = await po_runner.start(requisition)
        view = await view_when(handle, needs_attention)
        assert view.attention is not None and view.attention.step == "project_po_events"
        assert "DataError" in view.attention.reason
        assert view.attention.status_before is PoStatus.VALIDATING
        described = await handle.describe()
        assert described.typed_search_attributes.get(sa.PO_STATUS) == "NeedsAttention"
        held.append(handle)

    normal = await po_runner.start(laptops())
    view = await view_when(normal, waiting)
    assert view.waiting_on() == ["priya"]
    decided = await decide(normal, "priya", Decision.APPROVE)
    assert [(d.actor, d.action) for d in decided.decisions] == [("priya", Decision.APPROVE)]
    # Issued, or on to its next tier when earlier tests left the budget line short.
    await view_when(
        normal,
        lambda v: v.status is PoStatus.ISSUED or (v.tier_index > 0 and bool(v.waiting_on())),
    )

    # The operator retries: the step runs again (and fails again, as nothing changed).
    retried = await held[1].execute_update(
        PoUpdate.RETRY_STEP, RetryRequest("ops-admin"), result_type=PoView
    )
    assert retried.attention is None
    again = await view_when(held[1], lambda v: needs_attention(v) and bool(v.attention.retries))  # type: ignore[union-attr]
    assert again.attention is not None and again.attention.retries == 1
    await keep_history(held[1], "needs_attention_retried")

    # No decision is taken while held; the requester cancels, and the PO ends.
    assert await refused_rule(held[0], "priya", Decision.APPROVE) == "not_waiting"
    await held[0].execute_update(
        PoUpdate.CANCEL, CancelRequest("alex", "bad title"), result_type=PoView
    )
    ended = await held[0].result()
    assert ended.status is PoStatus.CANCELLED and ended.attention is None
    await keep_history(held[0], "needs_attention_cancelled")


def test_refused_data_is_never_retried() -> None:
    """What the same input fails on every time is made non-retryable; a lost race is not."""
    from psycopg import errors as pg_errors
    from sqlalchemy import exc as sa_exc

    from activities.failures import never_succeeds

    assert STEP_FAILED
    refused = sa_exc.DataError("INSERT", {}, pg_errors.NumericValueOutOfRange("bigint"))
    assert never_succeeds(refused) and never_succeeds(ValueError("XXX is not a currency"))
    race = sa_exc.IntegrityError("INSERT", {}, pg_errors.UniqueViolation("duplicate key"))
    assert not never_succeeds(race)
    assert never_succeeds(sa_exc.IntegrityError("INSERT", {}, pg_errors.NotNullViolation("x")))
    assert not never_succeeds(sa_exc.OperationalError("connect", {}, OSError("refused")))
