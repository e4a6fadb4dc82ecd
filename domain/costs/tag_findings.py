"""A cost line's tags judged against the tag policy: which required keys are missing, which
values are not allowed. Pure: the codes of cost centers, projects and IT services that exist
come in as an argument."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.costs.tag_keys import normalised_key
from domain.costs.tag_policy import KeyOwner, Reference, Scope, TagKey, TagPolicy, normalised_value

KnownCodes = Mapping[Reference, frozenset[str]]


class Problem(StrEnum):
    MISSING = "missing"  # absent, or present with an empty value
    NOT_ALLOWED = "not_allowed"  # a value the key does not accept (misclassified)


class Standing(StrEnum):
    """A line is compliant, untagged (a required key missing) or misclassified (every required
    key present, a value not allowed): the three add up to the whole cost."""

    COMPLIANT = "compliant"
    UNTAGGED = "untagged"
    MISCLASSIFIED = "misclassified"


@dataclass(frozen=True)
class LineScope:
    provider: str
    billing_account: str
    service: str


@dataclass(frozen=True)
class KeyFinding:
    key: str
    problem: Problem
    owner: KeyOwner
    value: str | None
    detail: str


def applies(scope: Scope, line: LineScope) -> bool:
    """Provider and service compare without regard to case; a billing account exactly."""
    return (
        (scope.provider is None or scope.provider.lower() == line.provider.lower())
        and (scope.billing_account is None or scope.billing_account == line.billing_account)
        and (scope.service is None or scope.service.lower() == line.service.lower())
    )


def required_keys(policy: TagPolicy, line: LineScope) -> tuple[str, ...]:
    """Every key a requirement applying to the line names, in the policy's order, once."""
    keys = (k for r in policy.requirements if applies(r.scope, line) for k in r.keys)
    return tuple(dict.fromkeys(keys))


def canonical_tags(policy: TagPolicy, tags: Mapping[str, object]) -> dict[str, str]:
    """The tags under the policy's keys (an alias stands for its key; the key itself wins over
    an alias) with normalised values."""
    found: dict[str, str] = {}
    for raw in sorted(tags, key=lambda k: normalised_key(k) in policy.aliases):
        key = normalised_key(raw)
        name = policy.aliases.get(key, key)
        found.setdefault(name, normalised_value(policy, tags[raw]))
    return found


def findings(
    policy: TagPolicy, tags: Mapping[str, object], line: LineScope, known: KnownCodes
) -> tuple[KeyFinding, ...]:
    """What is wrong with the line's tags, one finding per required key at most."""
    canonical = canonical_tags(policy, tags)
    result: list[KeyFinding] = []
    for name in required_keys(policy, line):
        key = policy.keys[name]
        value = canonical.get(name, "")
        if not value:
            result.append(KeyFinding(name, Problem.MISSING, key.owner, None, "no value"))
            continue
        wrong = _not_allowed(key, value, known)
        if wrong:
            result.append(KeyFinding(name, Problem.NOT_ALLOWED, key.owner, value, wrong))
    return tuple(result)


def standing(found: tuple[KeyFinding, ...]) -> Standing:
    if any(f.problem == Problem.MISSING for f in found):
        return Standing.UNTAGGED
    return Standing.MISCLASSIFIED if found else Standing.COMPLIANT


def _not_allowed(key: TagKey, value: str, known: KnownCodes) -> str | None:
    """Why the value is not allowed, or None."""
    if key.levels:
        parts = [part.strip() for part in value.split(key.separator)]
        if len(parts) != len(key.levels) or not all(parts):
            return f"not a path {key.separator.join(key.levels)}"
        value = parts[-1]
    allowed = key.allowed
    if allowed is None:
        return None
    if allowed.values and value not in allowed.values:
        return "not one of " + ", ".join(sorted(allowed.values))
    if allowed.pattern is not None and re.fullmatch(allowed.pattern, value) is None:
        return f"does not match {allowed.pattern}"
    if allowed.exists is not None and value not in known.get(allowed.exists, frozenset()):
        return f"no {allowed.exists.replace('_', ' ')} has the code {value}"
    return None
