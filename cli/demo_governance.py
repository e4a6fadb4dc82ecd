"""The demo's governance of its month of cloud cost, through the running app as its people: fiona
(finance) registers the data centre's servers as a fixed asset and books their depreciation
through the month, proposes the tag policy, the allocation model, the unit-cost model and the
rate card, and felix (finance) approves each in his review (change control: fiona may not); then
the month is allocated to Sales, Operations and IT by service (the servers' depreciation a pool
of its own, from the ledger), charged back at the internal rates, and each owner of untagged
resources gets a remediation task in their inbox. Idempotent: an asset registered, a document
in force, a run or a statement of the month is kept and nothing is added."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

# ``cost_center`` (``CostCenter`` an alias) must name a cost center on every line, and
# ``environment`` (``env``) be prod, test or dev on every Azure line: the real AWS sample carries
# no tags and the Azure sample only ``tagA``..``tagC``, so compliance shows real untagged spend.
DEMO_TAG_POLICY: dict[str, Any] = {
    "keys": {
        "cost_center": {
            "owner": "finance",
            "tag_key": "CostCenter",
            "allowed": {"exists": "cost_center"},
        },
        "environment": {
            "owner": "it_operations",
            "tag_key": "Environment",
            "allowed": {"values": ["prod", "test", "dev"]},
        },
    },
    "aliases": {"CostCenter": "cost_center", "env": "environment"},
    "required": [
        {"scope": {"provider": "all"}, "keys": ["cost_center"]},
        {"scope": {"provider": "Microsoft"}, "keys": ["environment"]},
    ],
    "aws_enforced_for": ["ec2:instance"],
}

# Receiving cost centers of the shared IT services, and their people for the headcount key.
RECEIVERS = {"SALES-EMEA": "40", "OPS-LOG": "25", "IT-APPS": "12"}
STORAGE = ["Amazon Simple Storage Service", "Amazon Elastic File System", "Storage"]
NETWORK = ["Virtual Network"]
COMPUTE = ["Virtual Machines"]
KEYS = ["AWS Key Management Service"]


# The data centre's servers, depreciated on Infrastructure's IT hardware account: a pool of the
# virtual-server service, from the ledger.
SERVER_TAG = "DEMO-SRV-01"
SERVER_COST = Decimal("36000.00")
SERVER_LIFE_MONTHS = 36
SERVERS_AT = ("IT-INFRA", "1610")


def _shared(name: str, services: list[str], service: str, by: str) -> dict[str, Any]:
    """A pool of ``services``' lines split by ``by`` over the receivers, as IT ``service``."""
    return {"name": name, "kind": "shared", "match": {"service": services}, **_key(service, by)}


def _key(service: str, by: str) -> dict[str, Any]:
    targets = [{"cost_center": center, "service": service} for center in RECEIVERS]
    return {"key": {"by": by, "targets": targets}}


SERVER_DEPRECIATION: dict[str, Any] = {
    "name": "server depreciation by headcount",
    "kind": "shared",
    "from_ledger": {
        "entries": "depreciation",
        "cost_center": SERVERS_AT[0],
        "gl_account": SERVERS_AT[1],
    },
    **_key("VM", "headcount"),
}


ALLOCATION_MODEL: dict[str, Any] = {
    "rules": [
        {"name": "tagged", "kind": "direct", "to": {"cost_center_tag": "cost_center"}},
        _shared("compute by headcount", COMPUTE, "VM", "headcount"),
        _shared("storage", STORAGE, "STO", "even"),
        _shared("network", NETWORK, "NET", "even"),
        _shared("key management by headcount", KEYS, "IDN", "headcount"),
        SERVER_DEPRECIATION,
    ]
}


def unit_cost_model(period: str) -> dict[str, Any]:
    """Each demo service's pools and consumption; identity is counted by its people served."""

    def lines(services: list[str]) -> dict[str, list[str]]:
        return {"service_name": services}

    def priced(code: str, unit: str, services: list[str], consumed: str) -> dict[str, Any]:
        return {
            "service": code,
            "unit": unit,
            "consumption": {"consumed_unit": consumed, "lines": lines(services)},
            "pools": [{"name": code.lower(), "part": "variable", "lines": lines(services)}],
        }

    return {
        "currency": "EUR",
        "services": [
            priced("VM", "Hour", COMPUTE, "1 Hour"),
            priced("STO", "GB-month", STORAGE, "GB-Mo"),
            priced("NET", "GB", NETWORK, "1 GB"),
            {
                "service": "IDN",
                "unit": "person",
                "consumption": {"driver": {period: "77"}},
                "pools": [{"name": "keys", "part": "fixed", "lines": lines(KEYS)}],
            },
        ],
    }


def rate_card(period: str) -> dict[str, Any]:
    def markup(service: str, percent: str, assumptions: str) -> dict[str, Any]:
        return {
            "service": service,
            "period": period,
            "basis": "markup",
            "markup_percent": percent,
            "assumptions": assumptions,
        }

    return {
        "currency": "EUR",
        "gl_account": "6400",
        "transfer_pricing": {"markup_percent": "5", "assumptions": "cost plus 5 %, arm's length"},
        "rates": [
            markup("VM", "8", "covers the platform team's time"),
            markup("STO", "5", "backups and lifecycle rules"),
            markup("NET", "3", "shared network operations"),
            markup("IDN", "0", "identity is run at cost"),
        ],
    }


async def govern_demo_month(api: DemoApi, month: date) -> str:
    """Put the demo's documents in force, allocate and charge back ``month``, and open its
    remediations; what was done, in one line."""
    period = f"{month:%Y-%m}"
    await _drivers(api, period)
    await _servers_depreciated(api, month)
    for kind, document in (
        ("tag_policy", DEMO_TAG_POLICY),
        ("allocation_model", ALLOCATION_MODEL),
        ("unit_cost_model", unit_cost_model(period)),
        ("rate_card", rate_card(period)),
    ):
        await _in_force(api, kind, document)
    allocated = await _once(api, f"/api/allocations/{period}", {})
    charged = await _once(api, f"/api/chargeback/{period}", {"mode": "chargeback"})
    started = await api.json("fiona", "POST", f"/api/costs/remediations/{period}")
    units = await api.json("fiona", "GET", f"/api/unit-costs/{period}")
    priced = ", ".join(f"{u['service']} {u['per_unit']}/{u['unit']}" for u in units["unit_costs"])
    return (
        f"demo governance: {period} allocated (v{allocated['version']}), charged back to "
        f"{len(charged['by_business_unit'])} business units (v{charged['version']}), "
        f"remediation tasks for {', '.join(started['owners']) or 'no one'}; unit costs {priced}"
    )


async def _drivers(api: DemoApi, period: str) -> None:
    body = {"quantities": RECEIVERS}
    await api.json("fiona", "POST", f"/api/allocations/{period}/drivers/headcount", json=body)


def server_register(month: date) -> str:
    """The asset register of the demo's servers, in service six months before ``month``."""
    index = month.year * 12 + month.month - 1 - 6
    in_service = date(index // 12, index % 12 + 1, 1)
    center, gl = SERVERS_AT
    return (
        "tag,description,cost_center,gl_account,cost,currency,salvage,method,life_months,"
        f"in_service\n{SERVER_TAG},Data-centre rack servers,{center},{gl},{SERVER_COST},EUR,0,"
        f"straight_line,{SERVER_LIFE_MONTHS},{in_service}\n"
    )


async def _servers_depreciated(api: DemoApi, month: date) -> None:
    """fiona registers the servers (unless registered) and books depreciation through
    ``month``; a month already booked is not booked again."""
    assets = await api.json("fiona", "GET", "/api/assets")
    if all(asset["tag"] != SERVER_TAG for asset in assets):
        body = {"csv": server_register(month)}
        await api.json("fiona", "POST", "/api/assets/register", json=body)
    await api.json("fiona", "POST", "/api/assets/depreciation", json={"through": f"{month:%Y-%m}"})


async def _in_force(api: DemoApi, kind: str, document: dict[str, Any]) -> None:
    """fiona proposes ``document`` unless a version of ``kind`` is in force, and felix approves
    it once his review task is open."""
    versions = await api.json("fiona", "GET", f"/api/costs/documents/{kind}")
    if any(version["status"] == "in_force" for version in versions):
        return
    proposed = await api.json(
        "fiona", "POST", f"/api/costs/documents/{kind}", json={"document": document, "note": "demo"}
    )
    path = f"/api/costs/documents/{kind}/versions/{proposed['version']}/decision"
    decision = {"action": "approve", "comment": "Reviewed for the demo"}
    for _ in range(120):  # the review routes to felix within moments of the proposal
        answer = await api.call("felix", "POST", path, json=decision)
        if answer.is_success:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{kind} v{proposed['version']}: {answer.status_code} {answer.text}")


async def _once(api: DemoApi, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The newest run at ``path``, run first when there is none."""
    found = await api.call("fiona", "GET", path)
    if found.status_code == 404:
        created: dict[str, Any] = await api.json("fiona", "POST", path, json=body)
        return created
    existing: dict[str, Any] = await api.json("fiona", "GET", path)
    return existing
