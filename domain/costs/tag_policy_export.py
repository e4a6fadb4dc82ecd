"""The tag policy rendered for enforcement at the source, so infrastructure-as-code pipelines
refuse what the policy forbids: an AWS Organizations tag policy and an Azure Policy definition.

Exported are the keys required of every line of the provider (a requirement scoped to "all" or
to that provider, with no billing account or service): a narrower scope belongs to a policy
attached to that account, not to one for the organisation. Each key is enforced in the spelling
``tag_key`` gives. Allowed values are exported where the provider can state them: a list, or the
codes of the cost centers, projects or IT services that exist (``codes``, as stored); a hierarchical
key's values as ``*<separator><value>`` (AWS's one wildcard). A pattern is a regular expression
neither provider evaluates, so its key is exported for its presence (Azure) and spelling (AWS)
only. AWS tag policies standardise keys and values but cannot demand a key; Azure's definition
denies a resource missing a key or carrying a value not allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.costs.tag_policy import Reference, TagKey, TagPolicy

AZURE_PROVIDERS = frozenset({"microsoft", "azure"})
Codes = Mapping[Reference, tuple[str, ...]]


def provider_keys(policy: TagPolicy, providers: frozenset[str]) -> list[TagKey]:
    """The keys every line of the provider must carry, in the policy's order."""
    names = (
        name
        for r in policy.requirements
        if r.scope.billing_account is None and r.scope.service is None
        if r.scope.provider is None or r.scope.provider.lower() in providers
        for name in r.keys
    )
    return [policy.keys[name] for name in dict.fromkeys(names)]


def allowed_values(key: TagKey, codes: Codes) -> list[str] | None:
    """The values the provider can be told, or None when any value is to be accepted."""
    allowed = key.allowed
    if allowed is None or allowed.pattern is not None:
        return None
    values = sorted(allowed.values) if allowed.values else []
    if allowed.exists is not None:
        values = sorted(codes.get(allowed.exists, ()))
    return [f"*{key.separator}{value}" for value in values] if key.levels else values


def aws_tag_policy(policy: TagPolicy, codes: Codes) -> dict[str, Any]:
    """An AWS Organizations tag policy (management-policy syntax, ``@@assign`` operators)."""
    tags: dict[str, Any] = {}
    for key in provider_keys(policy, frozenset({"aws"})):
        statement: dict[str, Any] = {"tag_key": {"@@assign": key.tag_key}}
        values = allowed_values(key, codes)
        if values:
            statement["tag_value"] = {"@@assign": values}
        if policy.aws_enforced_for:
            statement["enforced_for"] = {"@@assign": list(policy.aws_enforced_for)}
        tags[key.tag_key.lower()] = statement
    return {"tags": tags}


def azure_policy_definition(policy: TagPolicy, codes: Codes) -> dict[str, Any]:
    """An Azure Policy definition, mode Indexed: the effect (deny by default) when a required
    tag is missing or holds a value not allowed; the allowed values are parameters."""
    parameters: dict[str, Any] = {
        "effect": {
            "type": "String",
            "metadata": {"displayName": "Effect", "description": "Deny, audit or disable"},
            "allowedValues": ["Deny", "Audit", "Disabled"],
            "defaultValue": "Deny",
        }
    }
    conditions: list[dict[str, Any]] = []
    for key in provider_keys(policy, AZURE_PROVIDERS):
        field = f"tags['{key.tag_key}']"
        conditions.append({"field": field, "exists": "false"})
        values = allowed_values(key, codes)
        if values and not key.levels:
            name = f"allowed_{key.name}"
            parameters[name] = {
                "type": "Array",
                "metadata": {"displayName": f"Allowed values of {key.tag_key}"},
                "defaultValue": values,
            }
            conditions.append({"field": field, "notIn": f"[parameters('{name}')]"})
    return {
        "properties": {
            "displayName": f"Tag policy v{policy.version}: required tags and allowed values",
            "description": "Refuses resources missing a required tag or carrying a value the "
            "tag policy does not allow.",
            "policyType": "Custom",
            "mode": "Indexed",
            "metadata": {"category": "Tags", "version": f"{policy.version}.0.0"},
            "parameters": parameters,
            "policyRule": {
                "if": {"anyOf": conditions} if conditions else {"value": "true", "equals": "false"},
                "then": {"effect": "[parameters('effect')]"},
            },
        }
    }
