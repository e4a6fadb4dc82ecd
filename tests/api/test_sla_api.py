"""SLA measurements and service credits through the JSON API on the whole stack: an issued SaaS
PO promising 99.9 % availability measures 99.5 % in its first month and an incident answered
late; each breach earns 5 % of the monthly charge and is escalated to the cost-center owner and
the vendor's NOC; posting the same measurements again changes nothing; a CSV with a bad row is
refused whole; a credit is marked received on a credit note."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from domain.sla.sheet import SHEET_COLUMNS
from models.integrations.outbound import OutboundMessage
from tests.api import e2e
from tests.api.e2e import Json, Stack, issued, issued_storage, subscription_body

stack = e2e.stack

SLA = {
    "availability_percent": "99.9",
    "response_minutes": 30,
    "resolution_minutes": 240,
    "credit_percent_per_breach": "5",
    "credit_cap_percent": "25",
    "escalation_contacts": ["Vendor duty manager, +44 20 7946 0000", "noc@contoso.example"],
}
HEADER = ",".join(SHEET_COLUMNS)


def _first_month() -> tuple[date, str]:
    start = date.today() + timedelta(days=7)  # subscription_body's service start
    return start, f"{start:%Y-%m}"


def _next_month(month: date) -> str:
    return f"{(month.replace(day=28) + timedelta(days=4)):%Y-%m}"


def _measurements(number: str) -> Json:
    start, month = _first_month()
    opened = f"{start.isoformat()}T09:00:00+00:00"
    return {
        "po_number": number,
        "availability": [{"month": month, "availability_percent": "99.5"}],
        "incidents": [
            {
                "incident_id": "INC0012345",
                "priority": "P1",
                "opened_at": opened,
                "responded_at": f"{start.isoformat()}T09:45:00+00:00",  # 45 minutes: late
                "resolved_at": f"{start.isoformat()}T11:00:00+00:00",  # 2 hours: in time
            }
        ],
    }


async def _post(stack: Stack, user: str, path: str, body: Json) -> tuple[int, Any]:
    response = await stack.post(user, path, body)
    return response.status_code, response.json()


async def test_a_month_below_the_target_earns_its_credit_once_and_escalates(stack: Stack) -> None:
    number = await issued(stack, subscription_body("1200.00", terms={"sla": SLA}))
    code, taken = await _post(stack, "felix", "/api/sla/measurements", _measurements(number))
    assert code == 200, taken
    # 1,200.00 EUR over 181 days is 120,000 minor units over 181 * 12 / 365.25 months.
    charge = Fraction(120_000 * 36525, 181 * 1200)
    first, both = round(charge * 5 / 100), round(charge * 10 / 100)
    assert [(c["breach"], c["amount_minor"]) for c in taken["credits"]] == [
        ("availability", first),
        ("response:INC0012345", both - first),
    ]
    assert taken["escalated_to"] == ["sam", "noc@contoso.example"] and taken["escalation_sent"]

    code, again = await _post(stack, "paul", "/api/sla/measurements", _measurements(number))
    assert code == 200, again
    assert (again["availability_stored"], again["availability_unchanged"]) == (0, 1)
    assert (again["incidents_stored"], again["incidents_unchanged"]) == (0, 1)
    assert again["credits"] == []
    owed = (await stack.get("felix", "/api/sla/credits", po=number, status="owed")).json()
    assert [c["amount_minor"] for c in owed] == [first, both - first]
    assert all(c["escalated_at"] for c in owed) and owed[0]["measured"] == "99.5"

    with stack.sessions() as session:
        told = session.scalars(
            select(OutboundMessage.recipient).where(
                OutboundMessage.po_number == number,
                OutboundMessage.body["kind"].astext == "sla_breach",
            )
        ).all()
    assert "noc@contoso.example" in told

    await _a_csv_with_a_bad_row_is_refused_whole(stack, number)
    await _a_credit_is_received_once(stack, number, owed[0]["id"])


async def _a_csv_with_a_bad_row_is_refused_whole(stack: Stack, number: str) -> None:
    start, _ = _first_month()
    good = f"{number},availability,{_next_month(start)},99.95,,,,,"
    late = f"{start.isoformat()}T10:00:00Z"
    bad = f"{number},incident,,,INC0099,P2,{late},{start.isoformat()}T09:00:00Z,{late}"
    code, refused = await _post(
        stack, "maria", "/api/sla/measurements.csv", {"csv": f"{HEADER}\n{good}\n{bad}\n"}
    )
    assert code == 422, refused
    assert (refused["rule"], refused["row"]) == ("incident_times_in_order", 2)
    code, refused = await _post(
        stack, "maria", "/api/sla/measurements.csv", {"csv": f"{HEADER}\n{good}\n{number},outage"}
    )
    assert (code, refused["rule"], refused["row"]) == (422, "invalid_kind", 2)

    code, taken = await _post(
        stack, "maria", "/api/sla/measurements.csv", {"csv": f"{HEADER}\n{good}\n"}
    )
    assert code == 200, taken
    assert [(t["availability_stored"], t["credits"]) for t in taken] == [(1, [])]  # 99.95: met


async def _a_credit_is_received_once(stack: Stack, number: str, credit_id: int) -> None:
    path = f"/api/sla/credits/{credit_id}/received"
    code, refused = await _post(
        stack, "felix", path, {"invoice_number": "INV-7", "credit_note": "CN-7"}
    )
    assert (code, refused["rule"]) == (422, "received_via_one")
    code, credit = await _post(stack, "felix", path, {"credit_note": "CN-2027-001"})
    assert code == 200, credit
    assert (credit["status"], credit["received_credit_note"], credit["received_by"]) == (
        "received",
        "CN-2027-001",
        "felix",
    )
    code, refused = await _post(stack, "felix", path, {"invoice_number": "INV-7"})
    assert (code, refused["rule"]) == (409, "credit_not_owed")
    owed = (await stack.get("felix", "/api/sla/credits", po=number, status="owed")).json()
    assert credit_id not in [c["id"] for c in owed] and len(owed) == 1
    code, missing = await _post(
        stack, "felix", "/api/sla/credits/999999999/received", {"credit_note": "CN"}
    )
    assert code == 404, missing


async def test_a_po_without_sla_terms_or_not_visible_takes_no_measurements(stack: Stack) -> None:
    number = await issued_storage(stack, 1)
    code, refused = await _post(stack, "felix", "/api/sla/measurements", _measurements(number))
    assert (code, refused["rule"]) == (422, "no_sla_terms")
    code, refused = await _post(stack, "alex", "/api/sla/measurements", _measurements(number))
    assert (code, refused["rule"]) == (403, "role_required")
    code, refused = await _post(stack, "felix", "/api/sla/measurements", _measurements("PO-999999"))
    assert code == 404, refused
