"""The tag policy in force, as plain values: which tag keys a cost line must carry where (per
provider, billing account and service), the values each key allows, the spellings that stand
for a key (aliases), how values are normalised before they are compared, and who owns each
key's values. Built from a document its JSON Schema accepted (models/costs/tag_policy_schema.json);
``policy_problems`` finds what the schema cannot (a required key no entry defines, a pattern
that does not compile, an allowed value that normalisation makes unreachable)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from domain.costs.tag_keys import normalised_key

ALL = "all"


class KeyOwner(StrEnum):
    """Who answers for a key's values, and so who fixes them."""

    FINANCE = "finance"
    IT_OPERATIONS = "it_operations"
    APPLICATION_TEAM = "application_team"


class Reference(StrEnum):
    """A value that must be the code of something poflow knows."""

    COST_CENTER = "cost_center"
    PROJECT = "project"
    IT_SERVICE = "it_service"


@dataclass(frozen=True)
class Allowed:
    """The values a key accepts: a list, a pattern (Python ``re``, whole value), or the code of
    a cost center, project or IT service. Values in the list are already normalised."""

    values: frozenset[str] = frozenset()
    pattern: str | None = None
    exists: Reference | None = None


@dataclass(frozen=True)
class TagKey:
    """A governed key under its normalised name; ``tag_key`` is the spelling enforced at the
    source. A hierarchical key's value is a path of ``levels`` joined by ``separator``, and its
    allowed values apply to the last level."""

    name: str
    owner: KeyOwner
    tag_key: str
    allowed: Allowed | None = None
    levels: tuple[str, ...] = ()
    separator: str = "/"


@dataclass(frozen=True)
class Scope:
    """Where a requirement applies; None is every provider, billing account or service."""

    provider: str | None = None
    billing_account: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Requirement:
    scope: Scope
    keys: tuple[str, ...]


@dataclass(frozen=True)
class TagPolicy:
    version: int
    keys: Mapping[str, TagKey]
    aliases: Mapping[str, str]  # normalised alias -> key
    case: str  # lower | upper | keep
    whitespace: str  # collapse | trim | keep
    requirements: tuple[Requirement, ...]
    aws_enforced_for: tuple[str, ...] = ()


def tag_policy(document: Mapping[str, Any], version: int) -> TagPolicy:
    """The policy of a document the schema accepted."""
    values = document.get("values", {})
    policy = TagPolicy(
        version=version,
        keys={},
        aliases={normalised_key(a): k for a, k in document.get("aliases", {}).items()},
        case=values.get("case", "lower"),
        whitespace=values.get("whitespace", "collapse"),
        requirements=tuple(
            Requirement(_scope(r.get("scope", {})), tuple(r["keys"])) for r in document["required"]
        ),
        aws_enforced_for=tuple(document.get("aws_enforced_for", ())),
    )
    keys = {name: _key(policy, name, entry) for name, entry in document["keys"].items()}
    return replace(policy, keys=keys)


def _scope(scope: Mapping[str, str]) -> Scope:
    def one(name: str) -> str | None:
        value = scope.get(name, ALL)
        return None if value == ALL else value

    return Scope(one("provider"), one("billing_account"), one("service"))


def _key(policy: TagPolicy, name: str, entry: Mapping[str, Any]) -> TagKey:
    allowed = entry.get("allowed")
    return TagKey(
        name=name,
        owner=KeyOwner(entry["owner"]),
        tag_key=entry.get("tag_key", name),
        allowed=None
        if allowed is None
        else Allowed(
            values=frozenset(normalised_value(policy, v) for v in allowed.get("values", ())),
            pattern=allowed.get("pattern"),
            exists=Reference(allowed["exists"]) if "exists" in allowed else None,
        ),
        levels=tuple(entry.get("levels", ())),
        separator=entry.get("separator", "/"),
    )


def normalised_value(policy: TagPolicy, value: object) -> str:
    """A tag value as the policy compares it: whitespace trimmed (and runs of it made one space,
    by default), then the policy's case."""
    text = "" if value is None else str(value)
    if policy.whitespace != "keep":
        text = text.strip()
    if policy.whitespace == "collapse":
        text = re.sub(r"\s+", " ", text)
    return {"lower": text.lower(), "upper": text.upper()}.get(policy.case, text)


def policy_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What a schema-valid document gets wrong that its schema cannot say, as (JSON path,
    sentence) pairs."""
    keys = document["keys"]
    problems = [
        (f"$.required[{i}].keys[{j}]", f"{key!r} is not one of the policy's keys")
        for i, requirement in enumerate(document["required"])
        for j, key in enumerate(requirement["keys"])
        if key not in keys
    ]
    for alias, key in document.get("aliases", {}).items():
        where = f"$.aliases.{alias}"
        if key not in keys:
            problems.append((where, f"stands for {key!r}, which is not one of the policy's keys"))
        elif normalised_key(alias) in keys and normalised_key(alias) != key:
            problems.append((where, f"{alias!r} is another key of the policy, not an alias"))
    policy = tag_policy(document, 0)
    for name, entry in keys.items():
        problems.extend(_key_problems(policy, name, entry.get("allowed", {})))
    return problems


def _key_problems(
    policy: TagPolicy, name: str, allowed: Mapping[str, Any]
) -> list[tuple[str, str]]:
    where = f"$.keys.{name}.allowed"
    if "pattern" in allowed:
        try:
            re.compile(allowed["pattern"])
        except re.error as error:
            return [(f"{where}.pattern", f"is not a regular expression: {error}")]
    return [
        (
            f"{where}.values[{i}]",
            f"{value!r} can never match: values are compared as "
            f"{normalised_value(policy, value)!r}",
        )
        for i, value in enumerate(allowed.get("values", ()))
        if normalised_value(policy, value) != value
    ]
