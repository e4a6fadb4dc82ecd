"""`poflow org`, `poflow assets` and `poflow shadow-it` against the committed demo database, as
fiona (finance), on cost centers of the test's own and in far-off months so no other test's
figures move: a re-organisation, and the department it creates, show in the hierarchy from its
day, an asset's months are booked once, a card merchant outside the vendor master shows as
shadow IT; a refusal is one line naming its rule, exit status 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from domain.asset_register import REGISTER_COLUMNS
from domain.catalog import VendorStatus
from models import Vendor
from tests.cli.command import poflow
from tests.models.budget_org import BudgetOrg, budget_org


@pytest.fixture(scope="module")
def org(demo_sessions: sessionmaker[Session]) -> BudgetOrg:
    with demo_sessions.begin() as session:
        return budget_org(session, monthly=0)


def test_a_reorganisation_then_the_hierarchy_as_of_its_day(
    org: BudgetOrg, demo_database_url: str, tmp_path: Path
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return poflow(["org", *args], demo_database_url, tmp_path)

    new = f"N-{org.source}"
    (tmp_path / "units.csv").write_text(
        f"cost_center,parent,name,owner\n{org.target},{org.source},,\n"
        f"{new},{org.source},Data platform,fiona\n"
    )
    (tmp_path / "bad.csv").write_text("cost_center,parent\nNO-SUCH-CENTER,\n")
    imported = run(
        "import", "--effective", "2098-01-01", "--hierarchy", "units.csv", "--as", "fiona"
    )
    assert imported.returncode == 0, imported.stderr
    assert f"{org.target}: (business unit) -> {org.source}" in imported.stdout
    assert f"created cost centers: {new}" in imported.stdout

    before = run("hierarchy", "--as-of", "2097-12-31").stdout
    after = run("hierarchy", "--as-of", "2098-01-01").stdout
    assert f"unit {org.target}" in _line(before, org.target)
    assert f"unit {org.source}" in _line(after, org.target)
    assert new not in before and f"parent {org.source}" in _line(after, new)
    refused = run("import", "--effective", "2098-02-01", "--hierarchy", "bad.csv", "--as", "fiona")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "poflow: no cost center NO-SUCH-CENTER (a row with an owner creates one)"
        " (unknown_cost_center)"
    )


def test_an_asset_is_registered_and_depreciated_once(
    org: BudgetOrg, demo_database_url: str, tmp_path: Path
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return poflow(["assets", *args], demo_database_url, tmp_path)

    tag = f"SAN-{org.source}"
    row = f"{tag},Storage,{org.source},{org.gl},1000.00,EUR,100.00,straight_line,3,2001-01-15"
    (tmp_path / "register.csv").write_text(",".join(REGISTER_COLUMNS) + "\n" + row + "\n")
    registered = run("register", "register.csv", "--as", "fiona")
    assert registered.returncode == 0, registered.stderr
    first = run("depreciate", "--through", "2001-02", "--as", "fiona")
    assert first.stdout.strip().endswith("2 entries, 600.00 EUR"), first.stdout + first.stderr
    again = run("depreciate", "--through", "2001-02", "--as", "fiona")
    assert again.stdout.strip().endswith("0 entries, 0.00 EUR")
    assert run("schedule", tag).stdout.splitlines() == [
        "2001-01  300.00 EUR  book value 700.00 EUR  booked",
        "2001-02  300.00 EUR  book value 400.00 EUR  booked",
        "2001-03  300.00 EUR  book value 100.00 EUR",
    ]


def test_a_card_merchant_outside_the_vendor_master_is_shadow_it(
    org: BudgetOrg,
    demo_database_url: str,
    demo_sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return poflow(["shadow-it", *args], demo_database_url, tmp_path)

    merchant, listed = f"Pixelforge {org.source}", f"Inkwell {org.source}"
    with demo_sessions.begin() as session:  # in the master, and no PO with it
        session.add(Vendor(name=f"{listed} GmbH", status=VendorStatus.APPROVED, country="DE"))
    (tmp_path / "cards.csv").write_text(
        "date,merchant,amount,currency,card_holder,mcc,description\n"
        f"2002-05-04,{merchant},19.99,EUR,alex,5734,design tool\n"
        f"2002-05-06,{listed.upper()} INC.,5.00,EUR,sam,5734,\n"
    )
    imported = run("import-cards", "cards.csv", "--as", "fiona")
    assert imported.stdout.strip() == "2 transactions read, 2 new", imported.stderr
    rows = [
        json.loads(line)
        for line in run("report", "--from", "2002-05", "--json").stdout.splitlines()
    ]
    assert {
        "month": "2002-05",
        "kind": "vendor",
        "paid_through": "card",
        "name": merchant,
        "detail": "",
        "reasons": ["not_in_vendor_master", "no_po"],
        "currency": "EUR",
        "amount_minor": 1999,
    } in rows
    [inkwell] = [r for r in rows if r["name"] == f"{listed.upper()} INC."]
    assert (inkwell["detail"], inkwell["reasons"]) == (f"{listed} GmbH", ["no_po"])
    csv_out = run("report", "--from", "2002-05", "--csv").stdout
    assert f"2002-05,vendor,card,{merchant},,not_in_vendor_master no_po,EUR,19.99" in csv_out


def _line(output: str, code: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(code))
