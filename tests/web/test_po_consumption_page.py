"""The PO page shows what the cost data drew against the PO, month by month, next to what it
commits, with a chart; a PO no cost line draws on shows no consumption; a file's lines under a
commitment discount mapped to the PO's contract show on it once loaded."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models.db import build_engine
from models.vendors.records import Contract, Vendor
from tests.activities.costs.commitments import SAVINGS_PLAN, map_commitment
from tests.activities.costs.loads import a_cost_source, focus_file, load_file
from tests.api import e2e
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated
from tests.web.pages import person

stack = e2e.stack
AUGUST = datetime(2024, 8, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_engine(demo_database_url: str) -> Iterator[Engine]:
    engine = build_engine(demo_database_url, pool_size=1)
    yield engine
    engine.dispose()


def _rows(page: str) -> list[list[str]]:
    section = re.search(r'<details[^>]*id="consumption".*?</details>', page, re.S)
    assert section, "the PO page shows no consumption"
    body = re.search(r"<tbody>.*?</tbody>", section.group(0), re.S)
    assert body
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(0), re.S)
        )
    ]


def _draw_on(engine: Engine, number: str, *others: Allocated) -> None:
    """Lines of a source of their own drawing 120.004 EUR in August 2024 and 300.50 EUR in
    September on the PO, beside ``others``."""
    drawn = [
        Allocated("120.004", po_number=number, charged=AUGUST),
        Allocated("300.50", po_number=number),
    ]
    load_allocated(engine, a_eur_source(engine), "111", [*drawn, *others])


async def test_the_po_page_shows_committed_against_consumed_by_month(
    stack: e2e.Stack, demo_engine: Engine
) -> None:
    number = await stack.submit("alex", e2e.storage_body())
    po = await stack.pending(number)
    committed = f"{po['amount_base_minor'] / 100:,.2f} EUR"
    alex = await person(stack, "alex")
    assert 'id="consumption"' not in (await alex.get(f"/po/{number}")).text

    _draw_on(demo_engine, number, Allocated("99", po_number="PO-ELSEWHERE"))
    page = (await alex.get(f"/po/{number}")).text

    rows = _rows(page)
    assert [row[:4] for row in rows] == [
        ["2024-08", "120.00 EUR", "120.00 EUR", committed],
        ["2024-09", "300.50 EUR", "420.50 EUR", committed],
    ]
    assert "<svg" in page.split('id="consumption"')[1].split("</details>")[0]


def _savings_plan_contract(engine: Engine) -> str:
    """A Northwind contract of its own (committed), so no other PO is in force under it."""
    with Session(engine) as session:
        vendor = session.scalar(select(Vendor).where(Vendor.name == "Northwind Cloud Services"))
        assert vendor is not None
        today = date.today()
        contract = Contract(
            vendor_id=vendor.id,
            reference=f"MSA-SP-{uuid.uuid4().hex[:6]}",
            title="Compute Savings Plan",
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=400),
        )
        session.add(contract)
        session.commit()
        return contract.reference


async def test_spend_under_a_commitment_discount_shows_on_its_contracts_po(
    stack: e2e.Stack, demo_engine: Engine, tmp_path: Path
) -> None:
    contract = _savings_plan_contract(demo_engine)
    body = e2e.storage_body(contract=contract, gl_account="6100")
    del body["lines"][0]["catalog_sku"]
    number = await stack.submit("alex", body)
    await stack.pending(number)
    decided = await stack.post(
        "priya", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
    )
    assert decided.status_code == 200, decided.text
    po = await stack.po_when(number, lambda po: po["status"] == "issued")
    committed = f"{po['amount_base_minor'] / 100:,.2f} EUR"
    with demo_engine.connect() as connection:
        created = connection.scalar(
            text("SELECT created_at FROM purchase_orders WHERE po_number = :n"), {"n": number}
        )
    day = created.astimezone(UTC).date()
    month = day.replace(day=1)
    after = (month + timedelta(days=32)).replace(day=1)
    line = {
        "BillingPeriodStart": f"{month}T00:00:00Z",
        "BillingPeriodEnd": f"{after}T00:00:00Z",
        "ChargePeriodStart": f"{day}T00:00:00Z",
        "BillingCurrency": "EUR",
        "CommitmentDiscountId": SAVINGS_PLAN,
    }
    source = a_cost_source(demo_engine, "focus", base_currency="EUR")
    map_commitment(demo_engine, source, contract)
    usage = focus_file(
        tmp_path / "savings-plan.csv",
        {**line, "EffectiveCost": "120.004"},
        {**line, "EffectiveCost": "300.50"},
        {**line, "EffectiveCost": "99", "CommitmentDiscountId": ""},
    )
    load_file(demo_engine, source, usage)

    alex = await person(stack, "alex")
    rows = _rows((await alex.get(f"/po/{number}")).text)
    assert [row[:4] for row in rows] == [[f"{month:%Y-%m}", "420.50 EUR", "420.50 EUR", committed]]


async def test_the_api_answers_the_consumption_the_page_shows(
    stack: e2e.Stack, demo_engine: Engine
) -> None:
    number = await stack.submit("alex", e2e.storage_body())
    po = await stack.pending(number)
    path = f"/api/purchase-orders/{number}/consumption"
    before = (await stack.get("alex", path)).json()
    assert (before["consumed_minor"], before["months"]) == (0, [])

    _draw_on(demo_engine, number)
    answer = (await stack.get("alex", path)).json()

    committed = po["amount_base_minor"]
    assert answer == {
        "po_number": number,
        "currency": "EUR",
        "committed_minor": committed,
        "consumed_minor": 42050,
        "left_minor": committed - 42050,
        "months": [
            {"month": "2024-08-01", "consumed_minor": 12000, "to_date_minor": 12000},
            {"month": "2024-09-01", "consumed_minor": 30050, "to_date_minor": 42050},
        ],
    }
    unseen = await stack.get("nora", path)
    assert unseen.status_code == 404
