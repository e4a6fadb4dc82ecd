"""Tag remediation from the pages, the JSON API and the CLI: start a period's remediations (one
workflow per resource owner), and map resources by hand with virtual tags. A virtual tag applies
to every period at once: each period it touches is allocated again (when it had been), and the
period's open remediations read their findings again, closing those it leaves nothing to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from anyio.to_thread import run_sync
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.catalog import Role
from domain.costs.governance import VirtualTagMatch
from domain.costs.remediation import Recheck, RemediationStart, remediation_workflow_id
from domain.temporal_names import RemediationSignal, WorkflowType
from models.costs.allocation_runs import latest_run
from models.costs.governance_tasks import GovernanceTaskRow, open_task_ids
from models.costs.noncompliant import noncompliant_resources
from models.costs.tag_judged import NoTagPolicy
from models.costs.virtual_tag_store import add_virtual_tag, periods_named, retire_virtual_tag
from models.costs.virtual_tags import VirtualTag
from models.db import unit_of_work
from models.people.records import User
from services.costs.allocation import allocation_period, run_allocation
from services.costs.refusals import CostRefused
from settings import Settings

REMEDIATION_TASK = "tag_remediation"
# Who may set any virtual tag; a resource's owner may set one on a resource their open
# remediation lists.
MAPS_ANY = frozenset({Role.FINANCE, Role.FINOPS, Role.ADMIN})


@dataclass(frozen=True)
class VirtualTagRequest:
    match: VirtualTagMatch
    match_value: str
    key: str
    value: str
    reason: str = ""


@dataclass(frozen=True)
class Remapped:
    """A virtual tag set or retired, the periods it touched and the allocation runs redone."""

    tag_id: int
    periods: list[str]
    reallocated: list[str]


async def start_remediations(
    temporal: Client, settings: Settings, sessions: sessionmaker[Session], period: str
) -> list[str]:
    """One remediation per owner of a resource breaking the tag policy in ``period``
    (``YYYY-MM``); one already running for an owner goes on. The owners, sorted."""
    owners = await run_sync(_owners, sessions, period)
    for owner in owners:
        await temporal.start_workflow(
            WorkflowType.TAG_REMEDIATION,
            RemediationStart(owner, period),
            id=remediation_workflow_id(owner, period),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            static_summary=f"tags of {owner}'s resources in {period}",
        )
    return owners


def _owners(sessions: sessionmaker[Session], period: str) -> list[str]:
    allocation_period(period)  # refuses a period that is not YYYY-MM
    with unit_of_work(sessions) as session:
        try:
            found = noncompliant_resources(session, period)
        except NoTagPolicy as error:
            raise CostRefused("no_tag_policy", "no tag policy is in force") from error
        return sorted({owner for resource in found for owner in resource.owners})


async def map_by_virtual_tag(
    temporal: Client,
    sessions: sessionmaker[Session],
    user: User,
    request: VirtualTagRequest,
    *,
    start_month: int,
) -> Remapped:
    """Set the virtual tag (audited), allocate again each period it touches (on the fiscal
    calendar starting in ``start_month``), and tell those periods' open remediations to look
    again."""
    remapped = await run_sync(_add, sessions, user, request, start_month)
    await _recheck(temporal, sessions, remapped.periods)
    return remapped


async def retire(
    temporal: Client, sessions: sessionmaker[Session], user: User, tag_id: int, *, start_month: int
) -> Remapped:
    """Retire a virtual tag (finance, FinOps, admins; audited), with the same consequences."""
    remapped = await run_sync(_retire, sessions, user, tag_id, start_month)
    await _recheck(temporal, sessions, remapped.periods)
    return remapped


def _add(
    sessions: sessionmaker[Session], user: User, request: VirtualTagRequest, start_month: int
) -> Remapped:
    _refuse_bad(request)
    with unit_of_work(sessions) as session:
        _refuse_unentitled(session, user, request)
        now = datetime.now(UTC)
        tag = add_virtual_tag(
            session,
            request.match,
            request.match_value,
            request.key.strip(),
            request.value.strip(),
            reason=request.reason,
            by=user,
            at=now,
        )
        return reallocate(session, tag, user, now, start_month)


def _retire(sessions: sessionmaker[Session], user: User, tag_id: int, start_month: int) -> Remapped:
    with unit_of_work(sessions) as session:
        if not user.role_names & MAPS_ANY:
            raise CostRefused("not_entitled", "finance, FinOps or an admin retires a virtual tag")
        tag = session.get(VirtualTag, tag_id)
        if tag is None:
            raise CostRefused("unknown_virtual_tag", f"no virtual tag {tag_id}")
        now = datetime.now(UTC)
        retire_virtual_tag(session, tag, by=user, at=now)
        return reallocate(session, tag, user, now, start_month)


def reallocate(
    session: Session, tag: VirtualTag, user: User, at: datetime, start_month: int
) -> Remapped:
    """Each period the tag touches that had been allocated is allocated again, as a new run."""
    periods = periods_named(session, tag)
    redone = [p for p in periods if latest_run(session, allocation_period(p)) is not None]
    for period in redone:
        run_allocation(session, period, user, at, start_month=start_month)
    return Remapped(tag.id, periods, redone)


async def _recheck(temporal: Client, sessions: sessionmaker[Session], periods: list[str]) -> None:
    for period in periods:
        ids = await run_sync(_open_remediations, sessions, period)
        for workflow_id in ids:
            handle = temporal.get_workflow_handle(workflow_id)
            await handle.signal(RemediationSignal.RECHECK, Recheck.VIRTUAL_TAG)


def _open_remediations(sessions: sessionmaker[Session], period: str) -> list[str]:
    with unit_of_work(sessions) as session:
        return open_task_ids(session, REMEDIATION_TASK, period)


def _refuse_bad(request: VirtualTagRequest) -> None:
    for name, given, limit in (
        ("match_value", request.match_value, 1000),
        ("key", request.key, 200),
        ("value", request.value, 1000),
    ):
        if not given.strip() or len(given) > limit:
            raise CostRefused("invalid_request", f"{name} is given, in at most {limit} characters")
    if len(request.reason) > 500:
        raise CostRefused("invalid_request", "reason has at most 500 characters")


def _refuse_unentitled(session: Session, user: User, request: VirtualTagRequest) -> None:
    if user.role_names & MAPS_ANY:
        return
    if request.match is VirtualTagMatch.RESOURCE and request.match_value in _listed_for(
        session, user.username
    ):
        return
    raise CostRefused(
        "not_entitled",
        "finance, FinOps and admins set virtual tags; an owner, on a resource their open "
        "remediation lists",
    )


def _listed_for(session: Session, owner: str) -> set[str]:
    facts = session.scalars(
        select(GovernanceTaskRow.facts).where(
            GovernanceTaskRow.kind == REMEDIATION_TASK,
            GovernanceTaskRow.outcome.is_(None),
            GovernanceTaskRow.facts["owner"].astext == owner,
        )
    )
    return {str(r["resource_id"]) for fact in facts for r in fact.get("resources", ())}
