"""A cost source's settings as the page's form sends them, and back: lists as comma-separated
text, a column mapping as one ``FocusColumn = file column`` per line, quality actions as one
select per rule, the location as its kind and fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.costs.quality_rules import RULES
from services.costs.refusals import CostRefused
from services.costs.sources import SourceSettings

LOCATION_FIELDS = ("path", "bucket", "prefix", "endpoint_url")


def listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace("\n", ",").split(",") if part.strip())


def pairs(text: str, field: str) -> dict[str, str]:
    """``A = b`` lines as {A: b}; a line without ``=`` is refused naming it."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, equals, value = line.partition("=")
        if not equals or not key.strip() or not value.strip():
            raise CostRefused(
                "mapping_required", f"{field}, line {number}: write FocusColumn = value"
            )
        found[key.strip()] = value.strip()
    return found


def _whole(text: str, field: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise CostRefused("invalid_request", f"{field} is a whole number of hours, at least 1")
    return int(text)


def settings_from_form(name: str, form: Mapping[str, Any]) -> SourceSettings:
    """The settings the form holds; a field that cannot be read is refused naming it."""
    kind = str(form.get("location_kind", ""))
    location = {"kind": kind} if kind else {}
    if kind:
        location |= {
            f: str(form[f]).strip() for f in LOCATION_FIELDS if str(form.get(f, "")).strip()
        }
    actions = {
        rule.id: str(form[f"rule_{rule.id}"]) for rule in RULES if form.get(f"rule_{rule.id}")
    }
    return SourceSettings(
        name=name.strip(),
        format=str(form.get("format", "")),
        provider=str(form.get("provider", "")).strip(),
        billing_accounts=listed(str(form.get("billing_accounts", ""))),
        base_currency=str(form.get("base_currency", "")).strip().upper(),
        refresh_cycle_hours=_whole(str(form.get("refresh_cycle_hours", "")), "Refresh cycle"),
        latency_threshold_hours=_whole(str(form.get("latency_threshold_hours", "")), "Latency"),
        column_mapping=pairs(str(form.get("column_mapping", "")), "Column mapping"),
        constants=pairs(str(form.get("constants", "")), "Constants"),
        quality_actions=actions,
        location=location,
        owners=listed(str(form.get("owners", ""))),
        tag_policy_keys=listed(str(form.get("tag_policy_keys", ""))),
    )


def form_of(settings: SourceSettings) -> dict[str, Any]:
    """What the form shows for ``settings``."""
    location = dict(settings.location)
    return {
        "name": settings.name,
        "format": settings.format,
        "provider": settings.provider,
        "billing_accounts": ", ".join(settings.billing_accounts),
        "base_currency": settings.base_currency,
        "refresh_cycle_hours": settings.refresh_cycle_hours,
        "latency_threshold_hours": settings.latency_threshold_hours,
        "column_mapping": "\n".join(f"{k} = {v}" for k, v in settings.column_mapping.items()),
        "constants": "\n".join(f"{k} = {v}" for k, v in settings.constants.items()),
        "quality_actions": dict(settings.quality_actions),
        "location_kind": location.pop("kind", ""),
        **{f: location.get(f, "") for f in LOCATION_FIELDS},
        "owners": ", ".join(settings.owners),
        "tag_policy_keys": ", ".join(settings.tag_policy_keys),
    }


NEW_SOURCE = form_of(SourceSettings(name="", format="focus", provider=""))
