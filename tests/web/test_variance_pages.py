"""Reports → Variances and a variance's page: the owner finds it in their inbox, explains it
with the page's form (a refused form comes back naming what is missing, the text kept), finance
accepts it from the same page; the report lists it with its explanation for finance and the
owner, and nobody else sees it."""

from __future__ import annotations

import asyncio
import uuid

from tests.api import e2e
from tests.web.pages import person, post_form

stack = e2e.stack

PERIOD, CENTER, GL = "2027-10", "IT-SEC", "6110"  # budget 9,000.00 EUR a month
LINK = f"/reports/variances/{PERIOD}/{CENTER}/{GL}"


async def _detected(stack: e2e.Stack) -> None:
    bill = {
        "cost_center": CENTER,
        "gl_account": GL,
        "fiscal_year": 2027,
        "period": 10,
        "amount": "12000.00",
        "reference": f"VARIANCE-PAGE-{uuid.uuid4().hex[:8]}",
    }
    assert (await stack.post("fiona", "/api/ledger/actuals", bill)).status_code == 201
    found = await stack.post("fiona", "/api/variances/detect", {"period": PERIOD})
    assert found.status_code == 200, found.text
    for _ in range(150):
        shown = await stack.get("fiona", f"/api/variances/variance-{PERIOD}-{CENTER}-{GL}")
        if shown.status_code == 200 and shown.json()["waiting_on"]:
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the investigation never opened")


async def test_the_owner_explains_from_the_page_and_finance_accepts(stack: e2e.Stack) -> None:
    await _detected(stack)
    lee = await person(stack, "lee")
    assert f'href="{LINK}"' in (await lee.get("/inbox")).text
    page = await lee.get(LINK)
    assert page.status_code == 200 and 'action="' + LINK + '/explain"' in page.text

    refused = await post_form(lee, LINK, f"{LINK}/explain", {"category": "price", "text": " "})
    assert refused.status_code == 422 and "an explanation needs a comment" in refused.text
    said = {
        "category": "price",
        "text": "the SIEM vendor's new list price",
        "idempotency_key": "k1",
    }
    explained = await post_form(lee, LINK, f"{LINK}/explain", said)
    assert explained.status_code == 303

    sam = await person(stack, "sam")
    assert (await sam.get(LINK)).status_code == 404
    assert LINK not in (await sam.get("/reports/variances")).text
    fiona = await person(stack, "fiona")
    report = await fiona.get("/reports/variances", params={"period": PERIOD, "status": "explained"})
    assert LINK in report.text and "the SIEM vendor&#39;s new list price" in report.text
    accepted = await post_form(fiona, LINK, f"{LINK}/review", {"decision": "accept", "text": ""})
    assert accepted.status_code == 303
    for _ in range(100):
        shown = await lee.get(LINK)
        if ">accepted</span>" in shown.text:
            break
        await asyncio.sleep(0.2)
    assert ">accepted</span>" in shown.text and "fiona</strong> accepted" in shown.text
