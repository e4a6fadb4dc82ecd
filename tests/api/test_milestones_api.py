"""Milestones through the JSON API and on the PO page, on the whole stack: a
professional-services PO with two milestones, issued; a third person records both delivered;
the service owner (sam, who owns IT-APPS) and IT operations (priya, who owns IT services)
accept one, IT operations rejects the other with a comment; the requester and people of
neither side are refused."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from tests.api import e2e
from tests.api.e2e import Json, Stack, issued
from tests.web.pages import person

stack = e2e.stack


def _migration_body() -> Json:
    """Ten consultant days from Fabrikam for IT-APPS, in two milestones with their criteria."""
    start = date.today() + timedelta(days=3)
    end = start + timedelta(days=30)
    return {
        "title": "Mail archive migration",
        "cost_center": "IT-APPS",
        "vendor": "Fabrikam Consulting",
        "service_type": "professional_services",
        "currency": "EUR",
        "contract": "MSA-FB-01",
        "gl_account": "6130",
        "lines": [
            {
                "description": "Migration consultant, per day",
                "quantity": 10,
                "unit_price": "1350.00",
                "service_start": start.isoformat(),
                "service_end": end.isoformat(),
            }
        ],
        "business_case_ref": "BC-2026-520",
        "terms": {
            "milestones": [
                {"name": "Design", "due": start.isoformat(), "acceptance_criteria": ["runbook"]},
                {
                    "name": "Cut-over",
                    "due": end.isoformat(),
                    "acceptance_criteria": ["mail flows", "rollback tested"],
                },
            ]
        },
    }


async def _deliver(stack: Stack, number: str, milestone: str) -> None:
    body = {
        "kind": "milestone_delivered",
        "line": 1,
        "quantity": "5",
        "received_on": date.today().isoformat(),
        "milestone": milestone,
    }
    response = await stack.post("maria", f"/api/purchase-orders/{number}/receipts", body)
    assert response.status_code == 200, response.text


async def _decide(
    stack: Stack, user: str, number: str, milestone: str, body: Json
) -> tuple[int, Json]:
    path = f"/api/purchase-orders/{number}/milestones/{quote(milestone)}/decisions"
    response = await stack.post(user, path, body)
    return response.status_code, response.json()


async def test_one_milestone_accepted_by_both_sides_and_one_rejected(stack: Stack) -> None:
    number = await issued(stack, _migration_body())
    accept = {"verdict": "accept", "criteria": [{"criterion": "runbook", "met": True}]}
    code, refused = await _decide(stack, "sam", number, "Design", accept)
    assert (code, refused["rule"]) == (409, "not_delivered")
    await _deliver(stack, number, "Design")
    await _deliver(stack, number, "Cut-over")

    for who, expected in (
        ("alex", (403, "segregation_of_duties")),  # the requester
        ("felix", (403, "not_entitled")),  # finance: neither side
        ("ines", (403, "role_required")),  # an auditor decides nothing
    ):
        code, refused = await _decide(stack, who, number, "Design", accept)
        assert (code, refused["rule"]) == expected, who
    code, refused = await _decide(stack, "sam", number, "Go-live", accept)
    assert (code, refused["rule"]) == (422, "unknown_milestone")

    for who in ("sam", "priya"):
        code, view = await _decide(stack, who, number, "Design", accept)
        assert code == 200, view
    code, refused = await _decide(stack, "priya", number, "Cut-over", {"verdict": "reject"})
    assert (code, refused["rule"]) == (422, "comment_required")
    rejection = {
        "verdict": "reject",
        "comment": "rollback not tested",
        "criteria": [
            {"criterion": "mail flows", "met": True},
            {"criterion": "rollback tested", "met": False},
        ],
    }
    code, view = await _decide(stack, "priya", number, "Cut-over", rejection)
    assert code == 200 and view["status"] == "issued", view

    listed = (await stack.get("sam", f"/api/purchase-orders/{number}/milestones")).json()
    design, cut_over = listed["milestones"]
    assert (design["name"], design["state"], design["delivered_on"]) == (
        "Design",
        "accepted",
        date.today().isoformat(),
    )
    assert [(d["side"], d["actor"], d["verdict"]) for d in design["decisions"]] == [
        ("service_owner", "sam", "accept"),
        ("it_operations", "priya", "accept"),
    ]
    assert (cut_over["state"], cut_over["acceptance_criteria"]) == (
        "rejected",
        ["mail flows", "rollback tested"],
    )
    [rejected] = cut_over["decisions"]
    assert (rejected["actor"], rejected["comment"]) == ("priya", "rollback not tested")
    assert rejected["criteria"] == {"mail flows": True, "rollback tested": False}
    code, refused = await _decide(stack, "sam", number, "Cut-over", {"verdict": "accept"})
    assert (code, refused["rule"]) == (409, "milestone_decided")  # until delivered again
    page = (await (await person(stack, "sam")).get(f"/po/{number}")).text
    table = page.split("<h2>Milestones</h2>")[1].split("</table>")[0]
    assert "accepted by sam (service owner); accepted by priya (it operations)" in table
    assert "rejected by priya (it operations): rollback not tested" in table
