"""A cost source is configured once, by finance or an admin: its format, provider, billing
accounts, currency, refresh cycle and latency threshold, the column mapping of a generic CSV,
the data-quality actions, where its files are found, and who owns it.

Guarantees: a setting that breaks a rule is refused (``CostRefused`` naming the rule and the
value) before anything is written; every change is recorded in the audit trail with what the
source was before."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from temporalio.client import Client

from domain.audit_chain import AuditEvent
from domain.costs.detect import FORMATS
from domain.costs.generic_format import MappingError, generic_mapping
from domain.costs.quality_rules import RULES_BY_ID, Action
from domain.money import CurrencyError, check_currency
from models.audit.trail import append_audit_entry
from models.costs.records import CostSource
from models.costs.source_settings import owner_names, replace_owners, source_named, users_named
from services.costs.refusals import CostRefused, SourceMissing
from workflows.costs.schedules import ensure_cost_schedules

# "focus" takes any FOCUS version and "azure" EA or MCA (the file's header says which); "csv"
# reads the source's column mapping.
SOURCE_FORMATS: tuple[str, ...] = ("focus", "azure", *sorted(FORMATS), "csv")
ACTIONS = tuple(action.value for action in Action)
# A name is part of workflow ids, schedule ids and upload paths: letters, digits, . _ -
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
_LOCATION_KEYS = {"folder": {"path"}, "s3": {"bucket", "prefix", "endpoint_url", "region"}}


@dataclass(frozen=True)
class SourceSettings:
    """What a source is configured with. ``column_mapping`` (FOCUS column -> the file's
    column) and ``constants`` (FOCUS column -> a fixed value) are for the ``csv`` format."""

    name: str
    format: str
    provider: str
    billing_accounts: tuple[str, ...] = ()
    base_currency: str = "EUR"
    refresh_cycle_hours: int = 24
    latency_threshold_hours: int = 72
    column_mapping: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    quality_actions: Mapping[str, str] = field(default_factory=dict)
    location: Mapping[str, str] = field(default_factory=dict)
    owners: tuple[str, ...] = ()
    tag_policy_keys: tuple[str, ...] = ()


def check_settings(settings: SourceSettings) -> None:
    """Refuses settings that break a rule, naming it: an unknown format, a mapping column
    FOCUS does not have, an unknown data-quality rule or action, a malformed location."""
    if not NAME.fullmatch(settings.name):
        raise CostRefused("invalid_name", "a source name is letters, digits, '.', '_' or '-'")
    if settings.format not in SOURCE_FORMATS:
        known = ", ".join(SOURCE_FORMATS)
        raise CostRefused("unknown_format", f"{settings.format!r} is not one of: {known}")
    try:
        check_currency(settings.base_currency)
    except CurrencyError as error:
        raise CostRefused("invalid_currency", str(error)) from error
    _check_mapping(settings)
    _check_quality_actions(settings.quality_actions)
    _check_location(settings.location)


def _check_mapping(settings: SourceSettings) -> None:
    given = bool(settings.column_mapping or settings.constants)
    if settings.format != "csv":
        if given:
            raise CostRefused("mapping_required", "only a csv source takes a column mapping")
        return
    try:
        generic_mapping(settings.column_mapping, settings.constants)
    except MappingError as error:
        rule = "unknown_column" if "not FOCUS columns" in str(error) else "mapping_required"
        raise CostRefused(rule, str(error)) from error


def _check_quality_actions(actions: Mapping[str, str]) -> None:
    unknown = sorted(set(actions) - set(RULES_BY_ID))
    if unknown:
        known = ", ".join(RULES_BY_ID)
        raise CostRefused(
            "unknown_quality_rule", f"no data-quality rule {', '.join(unknown)}; rules: {known}"
        )
    for rule, action in actions.items():
        if action not in ACTIONS:
            raise CostRefused("unknown_action", f"{rule}: {action!r} is not one of {ACTIONS}")


def _check_location(location: Mapping[str, str]) -> None:
    if not location:
        return
    kind = location.get("kind", "")
    allowed = _LOCATION_KEYS.get(kind)
    if allowed is None:
        raise CostRefused("invalid_location", "a location's kind is folder or s3")
    needed = "path" if kind == "folder" else "bucket"
    extra = sorted(set(location) - allowed - {"kind"})
    if not location.get(needed) or extra:
        detail = f"does not take {', '.join(extra)}" if extra else f"needs its {needed}"
        raise CostRefused("invalid_location", f"a {kind} location {detail}")


def _stored(settings: SourceSettings) -> dict[str, Any]:
    mapping = (
        {"columns": dict(settings.column_mapping), "constants": dict(settings.constants)}
        if settings.format == "csv"
        else {}
    )
    return {
        "format": settings.format,
        "provider": settings.provider,
        "billing_accounts": list(settings.billing_accounts),
        "base_currency": settings.base_currency,
        "refresh_cycle_hours": settings.refresh_cycle_hours,
        "latency_threshold_hours": settings.latency_threshold_hours,
        "column_mapping": mapping,
        "quality_actions": dict(settings.quality_actions),
        "location": dict(settings.location),
        "tag_policy_keys": list(settings.tag_policy_keys),
    }


def settings_of(session: Session, source: CostSource) -> SourceSettings:
    """The settings a stored source holds."""
    mapping = source.column_mapping or {}
    return SourceSettings(
        name=source.name,
        format=source.format,
        provider=source.provider,
        billing_accounts=tuple(source.billing_accounts),
        base_currency=source.base_currency,
        refresh_cycle_hours=source.refresh_cycle_hours,
        latency_threshold_hours=source.latency_threshold_hours,
        column_mapping=dict(mapping.get("columns", {})),
        constants=dict(mapping.get("constants", {})),
        quality_actions=dict(source.quality_actions),
        location=dict(source.location),
        owners=tuple(owner_names(session, source.id)),
        tag_policy_keys=tuple(source.tag_policy_keys),
    )


def existing_source(session: Session, name: str) -> CostSource:
    source = source_named(session, name)
    if source is None:
        raise SourceMissing(name)
    return source


def save_source(
    session: Session, settings: SourceSettings, actor: str, *, create: bool
) -> CostSource:
    """Creates the source (refused when one has the name) or changes it (``SourceMissing``
    when none has), with its owners, and records the change in the audit trail."""
    check_settings(settings)
    owners = _owner_ids(session, settings.owners)
    source = source_named(session, settings.name)
    if create and source is not None:
        raise CostRefused("source_exists", f"a cost source named {settings.name} exists")
    before = None
    if source is None:
        if not create:
            raise SourceMissing(settings.name)
        source = CostSource(name=settings.name, **_stored(settings))
        session.add(source)
        session.flush()
    else:
        before = _audited(settings_of(session, source))
        for key, value in _stored(settings).items():
            setattr(source, key, value)
    replace_owners(session, source.id, owners.values())
    session.flush()
    _audit(session, actor, "created" if before is None else "changed", settings, before)
    return source


async def configure_source(
    session: Session,
    temporal: Client,
    task_queue: str,
    settings: SourceSettings,
    actor: str,
    *,
    create: bool,
) -> None:
    """``save_source``, then the source's refresh schedule made to match its refresh cycle; the
    caller commits (a schedule that cannot be written fails the change)."""
    await asyncio.to_thread(save_source, session, settings, actor, create=create)
    await ensure_cost_schedules(temporal, task_queue, [settings])


def _owner_ids(session: Session, usernames: tuple[str, ...]) -> dict[str, int]:
    found = users_named(session, usernames)
    missing = sorted(set(usernames) - set(found))
    if missing:
        raise CostRefused("unknown_user", f"no user named {', '.join(missing)}")
    return found


def _audited(settings: SourceSettings) -> dict[str, Any]:
    return {**_stored(settings), "owners": sorted(settings.owners)}


def _audit(
    session: Session,
    actor: str,
    change: str,
    settings: SourceSettings,
    before: dict[str, Any] | None,
) -> None:
    event = AuditEvent(
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=f"cost_source.{change}",
        entity_type="cost_source",
        entity_id=settings.name,
        idempotency_key=f"cost-source:{settings.name}:{uuid.uuid4()}",
        before=before,
        after=_audited(settings),
    )
    append_audit_entry(session, event)
