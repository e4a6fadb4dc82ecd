"""The demo's month of cloud cost, loaded by ``poflow up`` through the running web app and worker:
the real AWS CUR and Azure EA samples (tests/data/costs), their dates moved into the last closed
month, mapped to IT-INFRA's cloud-services budget line, and the AWS account drawn against a demo
PO approved on the way, so the cost pages, the budget's cloud actuals and a PO's consumption
have something to show; then governed (cli/demo_governance.py). Idempotent: a second run finds
the PO and the loads and adds nothing."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from cli.demo_anomaly import demo_spend_anomaly
from cli.demo_close import close_demo_month
from cli.demo_cost_dates import demo_month, months_between, write_moved_copy
from cli.demo_dashboard import subscribe_demo_summaries
from cli.demo_finops import raise_demo_cloud_spend
from cli.demo_governance import govern_demo_month
from cli.demo_optimisation import demo_recommendations
from cli.demo_outliers import raise_demo_outlier
from cli.demo_variances import open_demo_variance
from models.db import unit_of_work
from models.people.accounts import find_user, issue_api_token
from models.purchase_orders.governance import first_used

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "costs"
DEMO_PO_KEY = "demo-cloud-consumption"
WAIT_SECONDS = 120


@dataclass(frozen=True)
class DemoSource:
    name: str
    format: str
    provider: str
    sample: str  # under tests/data/costs
    sample_month: date  # the month the sample's charges fall in
    billing_account: str
    draws_on_po: bool


DEMO_SOURCES = (
    DemoSource(
        "aws-demo",
        "aws-cur",
        "AWS",
        "aws-cur/sample-anonymous-aws-export-dataset.csv",
        date(2023, 11, 1),
        "123412340534",
        True,
    ),
    DemoSource(
        "azure-demo",
        "azure-ea",
        "Microsoft",
        "azure/azure-ea-cost-export-sample-anonymous.csv",
        date(2023, 9, 1),
        "12345678",
        False,
    ),
)


class DemoRefused(RuntimeError):
    """The web app refused a step of the demo."""


class DemoApi:
    """The web app's JSON API as the demo people use it."""

    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self._http = http
        self._tokens = tokens

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._tokens[who]}", **kwargs.pop("headers", {})}
        return await self._http.request(method, path, headers=headers, **kwargs)

    async def json(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(who, method, path, **kwargs)
        if response.is_error:
            raise DemoRefused(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()


def demo_tokens(sessions: sessionmaker[Session], names: tuple[str, ...]) -> dict[str, str]:
    with unit_of_work(sessions) as session:
        tokens = {}
        for name in names:
            user = find_user(session, name)
            if user is None:
                raise LookupError(f"the demo has no user {name}")
            tokens[name] = issue_api_token(session, user)
        return tokens


def load_demo_costs(sessions: sessionmaker[Session], api_url: str, today: date) -> str:
    """Raise and approve the demo PO, configure the demo sources and load their month; what
    was done, in one line."""
    tokens = demo_tokens(sessions, ("alex", "priya", "maria", "fiona", "felix", "sam", "olga"))
    return asyncio.run(_load(api_url, tokens, demo_day(sessions, today)))


def demo_day(sessions: sessionmaker[Session], today: date) -> date:
    """The day the demo was first loaded (today on a first run). Its POs' dates and its cost
    month follow from it, so a run on a later day raises the same requisitions under the same
    keys, finds them, and adds nothing."""
    with sessions() as session:
        first = first_used(session, DEMO_PO_KEY)
    return first.astimezone().date() if first else today


async def _load(api_url: str, tokens: dict[str, str], today: date) -> str:
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as http:
        api = DemoApi(http, tokens)
        month = demo_month(today)
        po_number = await _demo_po(api, month, today)
        loaded = [await demo_source(api, source, month, po_number) for source in DEMO_SOURCES]
        governed = await govern_demo_month(api, month)
        outlier = await raise_demo_outlier(api, today, _po_when)
        cloud = await raise_demo_cloud_spend(api, today, _po_when)
        subscribed = await subscribe_demo_summaries(api)
        varied = await open_demo_variance(api, month)
        anomalies = await demo_spend_anomaly(api, month)
        closed = await close_demo_month(api, month)
        recommended = await demo_recommendations(api, month)
    costs = f"demo costs: {month:%Y-%m} from {', '.join(loaded)}; {po_number} draws on AWS"
    lines = (costs, governed, outlier, cloud, subscribed, varied, anomalies, closed, recommended)
    return "\n".join(lines)


async def _demo_po(api: DemoApi, month: date, today: date) -> str:
    """The demo PO for cloud consumption: raised by alex (the same key: the same PO), approved
    by priya, issued."""
    end = max(date(month.year + 1, month.month, 1) - timedelta(days=1), today)
    requisition = {
        "title": "AWS consumption through Northwind (reseller)",
        "cost_center": "IT-INFRA",
        "vendor": "Northwind Cloud Services",
        "service_type": "cloud_infrastructure",
        "currency": "EUR",
        "contract": "MSA-NW-01",
        "gl_account": "6100",
        "business_case_ref": "BC-2026-201",
        "lines": [
            {
                "description": "AWS usage, billed monthly",
                "quantity": 1,
                "unit_price": "12000.00",
                "service_start": month.isoformat(),
                "service_end": end.isoformat(),
            }
        ],
    }
    headers = {"Idempotency-Key": DEMO_PO_KEY}
    raised = await api.json("alex", "POST", "/api/requisitions", json=requisition, headers=headers)
    number: str = raised["po_number"]
    po = await _po_when(api, number, lambda p: p["status"] != "validating")
    if po["status"] == "pending_approval":
        decision = {"action": "approve", "comment": "Cloud consumption for the year"}
        await api.json("priya", "POST", f"/api/purchase-orders/{number}/decisions", json=decision)
    await _po_when(api, number, lambda p: p["status"] in ("issued", "closed"))
    return number


async def _po_when(api: DemoApi, number: str, wanted: Any) -> dict[str, Any]:
    for _ in range(WAIT_SECONDS * 2):
        po: dict[str, Any] = await api.json("alex", "GET", f"/api/purchase-orders/{number}")
        if wanted(po):
            return po
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{number} is still {po['status']} after {WAIT_SECONDS}s")


async def demo_source(
    api: DemoApi, source: DemoSource, month: date, po_number: str | None, sample: Path | None = None
) -> str:
    """Configure the source (once), map its account, upload the moved sample (``sample`` instead
    of the source's, when given) and wait for the month's load (unless the month is loaded
    already)."""
    loads = await api.json("maria", "GET", "/api/costs/loads")
    period = f"{month:%Y-%m}"
    if any(
        load["source"] == source.name
        and load["billing_period"] == period
        and load["status"] == "current"
        for load in loads
    ):
        return source.name
    found = await api.call("maria", "GET", f"/api/costs/sources/{source.name}")
    if found.status_code == 404:
        settings = {
            "name": source.name,
            "format": source.format,
            "provider": source.provider,
            "base_currency": "EUR",
            "owners": ["priya", "fiona"],
            "refresh_cycle_hours": 24 * 31,  # uploads only: nothing to fetch on a schedule
            "latency_threshold_hours": 24 * 45,  # a sample month: never "late" in the demo
        }
        await api.json("maria", "POST", "/api/costs/sources", json=settings)
    mapping = {
        "account_kind": "billing_account",
        "account_id": source.billing_account,
        "cost_center": "IT-INFRA",
        "gl_account": "6100",
        "po_number": po_number if source.draws_on_po else None,
    }
    await api.json("maria", "PUT", f"/api/costs/sources/{source.name}/mappings", json=[mapping])
    with tempfile.TemporaryDirectory() as folder:
        moved = Path(folder) / f"{month:%Y-%m}-{Path(source.sample).name}"
        write_moved_copy(
            sample or SAMPLES / source.sample, moved, months_between(source.sample_month, month)
        )
        started = await api.json(
            "maria",
            "POST",
            f"/api/costs/sources/{source.name}/files",
            params={"filename": moved.name, "billing_period": f"{month:%Y-%m}"},
            content=moved.read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
    await _load_done(api, started["workflow_id"])
    return source.name


async def _load_done(api: DemoApi, workflow_id: str) -> None:
    for _ in range(WAIT_SECONDS * 2):
        loads = await api.json("maria", "GET", "/api/costs/loads")
        mine = [load for load in loads if load.get("workflow_id") == workflow_id]
        if mine and all(load["status"] != "loading" for load in mine):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the load {workflow_id} did not end within {WAIT_SECONDS}s")
