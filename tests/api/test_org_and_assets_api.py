"""The org, fixed-asset and shadow-IT API: finance imports a re-organisation (creating the
department it names), a register and a card statement (others are refused), reads the
hierarchy, headcount, schedules and shadow IT; a file that cannot be read is a 422 naming its
rule and row, and stores nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import CardTransaction, FixedAsset, OrgVersion
from tests.api.report_client import Reporting, reporting

__all__ = ["reporting"]

REGISTER = (
    "tag,description,cost_center,gl_account,cost,currency,salvage,method,life_months,in_service\n"
)


def test_finance_imports_a_reorganisation_and_reads_it_back(reporting: Reporting) -> None:
    org, client, finance = reporting.org, reporting.client, reporting.auth(reporting.finance)
    body = {
        "effective_from": "2031-04-01",
        "hierarchy_csv": f"cost_center,parent\n{org.child},\n",
        "people_csv": f"person,cost_center,manager\nann,{org.child},\nbob,{org.grand},ann\n",
        "note": "carve-out",
    }
    refused = client.post(
        "/api/org/versions", json=body, headers=reporting.auth(reporting.requester)
    )
    assert refused.status_code == 403
    created = client.post("/api/org/versions", json=body, headers=finance)
    assert created.status_code == 201, created.text
    assert created.json()["moved"] == {org.child: [org.parent, None]}
    again = client.post("/api/org/versions", json=body, headers=finance)
    assert (again.status_code, again.json()["rule"]) == (409, "version_exists")

    def unit_of(code: str, day: str) -> str:
        answer = client.get("/api/org/hierarchy", params={"as_of": day}, headers=finance).json()
        return str(next(c["business_unit"] for c in answer["cost_centers"] if c["code"] == code))

    assert (unit_of(org.grand, "2031-03-31"), unit_of(org.grand, "2031-04-01")) == (
        org.parent,
        org.child,
    )
    counts = client.get("/api/org/headcount", params={"period": "2031-04"}, headers=finance)
    assert counts.json()["headcount"] == {org.child: 1, org.grand: 1}


def test_an_import_creates_the_department_it_names(reporting: Reporting) -> None:
    org, client, finance = reporting.org, reporting.client, reporting.auth(reporting.finance)
    dept = f"D-{org.child}"[:40]
    row = f"{dept},{org.parent},Data,{reporting.finance},DE01"
    csv = f"cost_center,parent,name,owner,legal_entity\n{row}\n"
    body = {"effective_from": "2031-06-01", "hierarchy_csv": csv}
    created = client.post("/api/org/versions", json=body, headers=finance)
    assert created.status_code == 201, created.text
    assert (created.json()["created"], created.json()["moved"]) == ([dept], {})

    def codes(day: str) -> dict[str, str]:
        answer = client.get("/api/org/hierarchy", params={"as_of": day}, headers=finance).json()
        return {c["code"]: c["business_unit"] for c in answer["cost_centers"]}

    assert dept not in codes("2031-05-31") and codes("2031-06-01")[dept] == org.parent
    listed = client.get("/api/cost-centers", headers=finance).json()
    assert any(center["code"] == dept for center in listed)
    second = f"E-{org.child}"[:40]
    other = f"{second},{org.parent},Data,nobody-{org.child},DE01"
    unknown_owner = {"effective_from": "2031-07-01", "hierarchy_csv": csv.replace(row, other)}
    refused = client.post("/api/org/versions", json=unknown_owner, headers=finance)
    assert (refused.status_code, refused.json()["rule"]) == (422, "unknown_owner")


def test_an_unreadable_or_unknown_org_is_refused_with_its_rule(
    reporting: Reporting, session: Session
) -> None:
    finance = reporting.auth(reporting.finance)
    for csv, rule, row in (
        ("cost_center,parent\nX-UNKNOWN,\n", "unknown_cost_center", None),
        ("cost_center,parent,owner\nX-NEW,X-UNKNOWN,fiona\n", "unknown_cost_center", None),
        (f"cost_center,parent,name\n{'X' * 41},,\n", "too_long", 1),
        ("cost_center,parent\n,X\n", "missing_value", 1),
        ("cost_center,parent\n,\n", "empty_file", None),
    ):
        body = {"effective_from": "2031-05-01", "hierarchy_csv": csv}
        answer = reporting.client.post("/api/org/versions", json=body, headers=finance)
        assert answer.status_code == 422 and answer.json()["rule"] == rule
        assert answer.json().get("row") == row
    assert session.scalar(select(func.count()).select_from(OrgVersion)) == 0


def test_finance_registers_an_asset_and_books_its_depreciation(
    reporting: Reporting, session: Session
) -> None:
    org, client, finance = reporting.org, reporting.client, reporting.auth(reporting.finance)
    row = f"SRV-{org.tag},Server,{org.child},{org.gl1},3600.00,EUR,0,straight_line,36,2031-01-10\n"
    bad = client.post(
        "/api/assets/register",
        json={"csv": REGISTER + row.replace("3600.00", "x")},
        headers=finance,
    )
    assert (bad.status_code, bad.json()["rule"], bad.json()["row"]) == (422, "invalid_value", 1)
    assert session.scalar(select(func.count()).select_from(FixedAsset)) == 0

    created = client.post("/api/assets/register", json={"csv": REGISTER + row}, headers=finance)
    assert created.status_code == 201, created.text
    run = client.post("/api/assets/depreciation", json={"through": "2031-03"}, headers=finance)
    assert run.status_code == 200, run.text
    assert (run.json()["entries_posted"], run.json()["booked_minor"]) == (3, 30_000)
    rerun = client.post("/api/assets/depreciation", json={"through": "2031-03"}, headers=finance)
    assert rerun.json()["entries_posted"] == 0
    schedule = client.get(f"/api/assets/SRV-{org.tag}/schedule", headers=finance).json()
    assert [c["booked"] for c in schedule[:4]] == [True, True, True, False]
    listed = {a["tag"]: a for a in client.get("/api/assets", headers=finance).json()}
    assert listed[f"SRV-{org.tag}"]["book_value_minor"] == 330_000


def test_a_card_statement_shows_in_shadow_it(reporting: Reporting, session: Session) -> None:
    client, finance = reporting.client, reporting.auth(reporting.finance)
    merchant = f"Gadgetry {reporting.org.tag}"
    statement = f"date,merchant,amount,currency,card_holder\n2031-02-03,{merchant},49.90,EUR,bob\n"
    bad = client.post(
        "/api/costs/card-statements", json={"csv": "date,merchant\n"}, headers=finance
    )
    assert (bad.status_code, bad.json()["rule"]) == (422, "missing_column")
    assert session.scalar(select(func.count()).select_from(CardTransaction)) == 0
    imported = client.post("/api/costs/card-statements", json={"csv": statement}, headers=finance)
    assert imported.status_code == 201 and imported.json()["added"] == 1

    rows = client.get("/api/costs/shadow-it", params={"from": "2031-02"}, headers=finance).json()
    assert {
        "month": "2031-02",
        "kind": "vendor",
        "paid_through": "card",
        "name": merchant,
        "detail": "",
        "reasons": ["not_in_vendor_master", "no_po"],
        "currency": "EUR",
        "amount_minor": 4990,
    } in rows
    reversed_ = client.get(
        "/api/costs/shadow-it", params={"from": "2031-02", "to": "2031-01"}, headers=finance
    )
    assert (reversed_.status_code, reversed_.json()["rule"]) == (422, "month_range_reversed")
    assert (
        client.get(
            "/api/costs/shadow-it",
            params={"from": "2031-02"},
            headers=reporting.auth(reporting.requester),
        ).status_code
        == 403
    )
