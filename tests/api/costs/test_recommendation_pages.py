"""Costs → Recommendations as a page: its owner sees theirs with the totals of the saving still
open and realised, moves one with the form, and a refused move names its rule; the quarterly
review page of an IT service is for report readers and FinOps."""

from __future__ import annotations

import re

from tests.api.costs.test_recommendations_api import Api, api  # noqa: F401 (the fixture)


def _csrf(page: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    return token.group(1)


def test_the_owner_sees_totals_and_moves_a_recommendation_with_the_form(api: Api) -> None:  # noqa: F811
    row = api.recommendation("owner", saving=12_345)
    client = api.signed_in("owner")
    page = client.get("/costs/recommendations", params={"period": "2032-08"})
    assert page.status_code == 200
    assert f"/costs/recommendations/{row}/status" in page.text and "123.45" in page.text
    form = {"to": "accepted", "csrf_token": _csrf(page.text)}
    moved = client.post(f"/costs/recommendations/{row}/status", data=form, follow_redirects=False)
    assert moved.status_code == 303
    form = {"to": "done", "realised_saving": "100.50", "csrf_token": _csrf(page.text)}
    client.post(f"/costs/recommendations/{row}/status", data=form, follow_redirects=False)
    after = client.get("/costs/recommendations", params={"period": "2032-08", "status": "done"})
    assert "100.50" in after.text and f"/costs/recommendations/{row}/status" not in after.text
    again = client.post(
        f"/costs/recommendations/{row}/status",
        data={"to": "accepted", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert again.status_code == 409 and "a recommendation done cannot be accepted" in again.text


def test_the_quarterly_review_page_is_for_report_readers_and_finops(api: Api) -> None:  # noqa: F811
    refused = api.signed_in("owner").get("/reports/qbr/NOPE", params={"quarter": "2032-Q3"})
    assert refused.status_code == 403
