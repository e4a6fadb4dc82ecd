"""Who sees which costs: finance and FinOps everything; a cost-center owner only the lines
booked to a center they own or one below it, in sums and in lines alike; a requester nothing
(403), and neither FinOps nor a cost-center owner sees the loads. Bad filters are refused
with 422 naming the rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog import Role
from tests.api.costs.explore_client import Explorer

SUBSCRIPTIONS = {
    "parent": "e18e1552-c6dd-45d1-973c-999999999999",
    "child": "d275fcd5-3305-4a03-80c2-999999999999",
    "other": "372de65c-0928-4d94-b3b1-999999999999",
}


def _subscriptions(explorer: Explorer, user: str, source: str) -> set[str]:
    body = explorer.get(user, "/api/costs/summary", group_by="sub_account", source=source)
    return {group["group"]["sub_account"] for group in body["groups"]}


def test_a_cost_center_owner_sees_only_their_subtree(explorer: Explorer, azure_source: str) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    head, lead, other = (explorer.person(n, Role.APPROVER) for n in ("head", "lead", "other"))
    parent = explorer.center(f"P-{head}", head)
    child = explorer.center(f"C-{lead}", lead, parent=parent)
    elsewhere = explorer.center(f"O-{other}", other)
    for name, center in (("parent", parent), ("child", child), ("other", elsewhere)):
        explorer.allocate(azure_source, SUBSCRIPTIONS[name], center)
    assert _subscriptions(explorer, head, azure_source) == {
        SUBSCRIPTIONS["parent"],
        SUBSCRIPTIONS["child"],
    }
    assert _subscriptions(explorer, lead, azure_source) == {SUBSCRIPTIONS["child"]}
    assert len(_subscriptions(explorer, finance, azure_source)) > 3
    lines = explorer.get(lead, "/api/costs/lines", source=azure_source)["lines"]
    assert lines and {line["sub_account"] for line in lines} == {SUBSCRIPTIONS["child"]}
    by_center = explorer.get(
        finance,
        "/api/costs/summary",
        group_by="cost_center",
        source=azure_source,
        cost_center=f"P-{head}",
    )
    assert {g["group"]["cost_center"] for g in by_center["groups"]} == {f"P-{head}", f"C-{lead}"}
    mine = sum(Decimal(g["amounts"]["billed_cost"]["with_tax"]) for g in by_center["groups"])
    theirs = explorer.get(head, "/api/costs/summary", source=azure_source)["groups"]
    assert sum(Decimal(g["amounts"]["billed_cost"]["with_tax"]) for g in theirs) == mine


def test_readers_without_a_cost_role_or_center_are_refused(explorer: Explorer) -> None:
    requester = explorer.person("requester", Role.REQUESTER)
    owner = explorer.person("owner", Role.APPROVER)
    explorer.center(f"CC-{owner}", owner)
    auth = {"Authorization": f"Bearer {explorer.tokens[requester]}"}
    for path in ("/api/costs/summary", "/api/costs/lines"):
        response = explorer.client.get(path, headers=auth)
        assert response.status_code == 403 and response.json()["rule"] == "cost_reader_required"
    owner_auth = {"Authorization": f"Bearer {explorer.tokens[owner]}"}
    assert explorer.client.get("/api/costs/summary", headers=owner_auth).status_code == 200
    assert explorer.client.get("/api/costs/loads", headers=owner_auth).status_code == 403


def test_finops_reads_every_line_and_the_shadow_it_but_not_the_loads(
    explorer: Explorer, azure_source: str
) -> None:
    finops = explorer.person("finops", Role.FINOPS)
    finance = explorer.person("finance", Role.FINANCE)
    everything = _subscriptions(explorer, finance, azure_source)
    assert len(everything) > 3 and _subscriptions(explorer, finops, azure_source) == everything
    auth = {"Authorization": f"Bearer {explorer.tokens[finops]}"}
    shadow = explorer.client.get("/api/costs/shadow-it", params={"from": "2024-09"}, headers=auth)
    assert shadow.status_code == 200, shadow.text
    assert explorer.client.get("/api/costs/loads", headers=auth).status_code == 403


@pytest.mark.parametrize(
    ("path", "params", "rule"),
    [
        ("/api/costs/summary", {"group_by": "colour"}, "unknown_dimension"),
        ("/api/costs/summary", {"group_by": "service,service"}, "repeated_dimension"),
        ("/api/costs/summary", {"colour": "red"}, "unknown_filter"),
        ("/api/costs/summary", {"missing": "colour"}, "unknown_filter"),
        ("/api/costs/summary", {"period": "2024-13"}, "invalid_period"),
        ("/api/costs/summary", {"from": "2024-09-31"}, "invalid_date"),
        ("/api/costs/summary", {"from": "2024-09-10", "to": "2024-09-01"}, "date_range_reversed"),
        ("/api/costs/summary", {"tag.": "x"}, "empty_tag_key"),
        ("/api/costs/lines", {"cursor": "not-a-cursor"}, "invalid_cursor"),
        ("/api/costs/lines", {"limit": "0"}, "invalid_limit"),
    ],
)
def test_bad_filters_are_refused_naming_the_rule(
    explorer: Explorer, path: str, params: dict[str, str], rule: str
) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    response = explorer.client.get(
        path, params=params, headers={"Authorization": f"Bearer {explorer.tokens[finance]}"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == rule
