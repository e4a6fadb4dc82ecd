"""What the ingest works out per line: flagged or quarantined as the source's rule actions say,
the base-currency amounts at the ECB rate of the charge date (rate and rate date kept), the
direct allocation from the source's account mappings, and the load's report and progress."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from adapters.ecb_rates import EcbRates
from domain.costs.conversion import convert_amount
from models.costs.quarantine import quarantined_rows
from tests.activities.costs.loads import (
    a_cost_source,
    focus_file,
    ingest,
    load_file,
    loads_of,
    source_id,
    stored_lines,
)

ZERO = {"BilledCost": "0", "EffectiveCost": "0", "ListCost": "0", "ContractedCost": "0"}
BOGUS = {"ChargeCategory": "Bogus", "BilledCost": "7.5"}


def test_rows_are_flagged_or_quarantined_as_the_source_says(engine: Engine, tmp_path: Path) -> None:
    usage = focus_file(tmp_path / "usage.csv", {"BilledCost": "10"}, ZERO, BOGUS)
    defaults = a_cost_source(engine)
    outcome = load_file(engine, defaults, usage)
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (3, 2, 1)
    assert outcome.rows_flagged == 1
    stored = stored_lines(engine, defaults, "l.file_row, l.quality_flags")
    assert [(r.file_row, r.quality_flags) for r in stored] == [(1, None), (2, ["zero_cost"])]
    (kept,) = quarantined_rows(engine, outcome.load_ids[0])
    assert (kept.row_number, kept.rule) == (3, "invalid_value")
    assert kept.values["ChargeCategory"] == "Bogus" and kept.values["BilledCost"] == "7.5"
    report = outcome.report["quality"]
    assert report["invalid_value"] == {
        "action": "quarantine",
        "rows": 1,
        "billed_cost": "7.5",
        "sample_rows": [3],
    }

    reversed_ = a_cost_source(
        engine, quality_actions={"invalid_value": "keep_and_flag", "zero_cost": "quarantine"}
    )
    outcome = load_file(engine, reversed_, usage)
    stored = stored_lines(engine, reversed_, "l.file_row, l.quality_flags")
    assert [(r.file_row, r.quality_flags) for r in stored] == [(1, None), (3, ["invalid_value"])]
    assert [r.rule for r in quarantined_rows(engine, outcome.load_ids[0])] == ["zero_cost"]
    (load,) = loads_of(engine, reversed_)
    assert (load["rows_loaded"], load["rows_quarantined"], load["rows_flagged"]) == (2, 1, 1)


def test_lines_are_converted_at_the_rate_of_their_charge_date(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine, base_currency="EUR")
    usage = focus_file(
        tmp_path / "usage.csv",
        {"BilledCost": "0.000305367", "ChargePeriodStart": "2024-09-02T00:00:00Z"},
        {"BilledCost": "12.5", "ChargePeriodStart": "2024-09-07T10:00:00Z"},  # a Saturday
        {"BilledCost": "3", "BillingCurrency": "EUR"},
    )
    load_file(engine, source, usage)
    stored = stored_lines(
        engine,
        source,
        "l.billed_cost, l.billed_cost_base, l.exchange_rate, l.rate_date, l.base_currency",
    )
    monday = EcbRates().rate("USD", "EUR", date(2024, 9, 2))
    friday = EcbRates().rate("USD", "EUR", date(2024, 9, 7))
    assert friday[1] == date(2024, 9, 6)
    assert [tuple(r) for r in stored] == [
        (Decimal("0.000305367"), convert_amount(Decimal("0.000305367"), monday[0]), *monday, "EUR"),
        (Decimal("12.5"), convert_amount(Decimal("12.5"), friday[0]), *friday, "EUR"),
        (Decimal("3"), Decimal("3"), Decimal(1), date(2024, 9, 2), "EUR"),
    ]


def test_tax_is_reported_apart(engine: Engine, tmp_path: Path) -> None:
    source = a_cost_source(engine)
    usage = focus_file(
        tmp_path / "usage.csv",
        {"BilledCost": "100"},
        {"BilledCost": "19.5", "ChargeCategory": "Tax"},
    )
    tax = load_file(engine, source, usage).report["tax"]["USD"]
    assert (tax["with_tax"]["BilledCost"], tax["without_tax"]["BilledCost"]) == ("119.5", "100")


def test_lines_are_allocated_by_sub_account_then_billing_account_then_default(
    engine: Engine, tmp_path: Path
) -> None:
    (cc_sub, cc_account, cc_default), (gl_sub, gl_account, gl_default) = _org(engine)
    source = a_cost_source(
        engine, default_cost_center_id=cc_default, default_gl_account_id=gl_default
    )
    _map(engine, source, "billing_account", "111", cc_account, gl_account, "PO-ACCOUNT")
    _map(engine, source, "sub_account", "sub-2", cc_sub, gl_sub, None)
    usage = focus_file(
        tmp_path / "usage.csv",
        {"SubAccountId": "sub-1"},
        {"SubAccountId": "sub-2"},
        {"SubAccountId": "sub-1", "Tags": '{"PO-Number": "PO-TAGGED"}'},
        {"BillingAccountId": "222"},
    )
    load_file(engine, source, usage)
    stored = stored_lines(
        engine, source, "l.file_row, l.cost_center_id, l.gl_account_id, l.po_number"
    )
    assert [tuple(r) for r in stored] == [
        (1, cc_account, gl_account, "PO-ACCOUNT"),
        (2, cc_sub, gl_sub, None),
        (3, cc_account, gl_account, "PO-TAGGED"),
        (4, cc_default, gl_default, None),
    ]
    with engine.connect() as connection:
        daily = connection.execute(
            text(
                "SELECT cost_center_id, po_number, sum(billed_cost_base) AS base FROM cost_daily "
                "WHERE source_id = :source GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            {"source": source_id(engine, source)},
        )
        assert {(r.cost_center_id, r.po_number): r.base for r in daily} == {
            (cc_account, "PO-ACCOUNT"): Decimal("10"),
            (cc_account, "PO-TAGGED"): Decimal("10"),
            (cc_sub, None): Decimal("10"),
            (cc_default, None): Decimal("10"),
        }


def test_the_load_records_its_progress_and_heartbeats(engine: Engine, tmp_path: Path) -> None:
    source = a_cost_source(engine)
    lines = [
        {"BilledCost": str(n), "ChargePeriodStart": f"2024-09-{n:02d}T00:00:00Z"}
        for n in range(1, 8)
    ]
    usage = focus_file(tmp_path / "usage.csv", *lines)
    beats: list[object] = []
    ingest(engine, source, usage, batch_rows=3, heartbeats=beats)
    assert beats == [(3,), (6,), (7,)]
    (load,) = loads_of(engine, source)
    assert load["status"] == "loading"
    assert (load["rows_read"], load["rows_loaded"]) == (7, 7)
    assert load["bytes_read"] == load["bytes_total"] == usage.stat().st_size
    assert load["workflow_id"] == f"cost-load-{source}"
    assert load["report"]["rows_loaded"] == 7


def _org(engine: Engine) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    suffix = uuid.uuid4().hex[:8]
    with engine.begin() as connection:
        owner = connection.scalar(
            text(
                "INSERT INTO users (username, display_name, email) "
                "VALUES (:name, 'Owner', 'owner@example.com') RETURNING id"
            ),
            {"name": f"owner-{suffix}"},
        )
        centers = tuple(
            int(
                connection.scalar(
                    text(
                        "INSERT INTO cost_centers (code, name, owner_id) "
                        "VALUES (:c, :c, :o) RETURNING id"
                    ),
                    {"c": f"CC-{n}-{suffix}", "o": owner},
                )
            )
            for n in range(3)
        )
        accounts = tuple(
            int(
                connection.scalar(
                    text("INSERT INTO gl_accounts (code, name) VALUES (:c, :c) RETURNING id"),
                    {"c": f"GL-{n}-{suffix}"},
                )
            )
            for n in range(3)
        )
    return centers, accounts  # type: ignore[return-value]


def _map(
    engine: Engine, source: str, kind: str, account: str, center: int, gl: int, po: str | None
) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "cost_center_id, gl_account_id, po_number) VALUES (:s, :k, :a, :c, :g, :p)"
            ),
            {
                "s": source_id(engine, source),
                "k": kind,
                "a": account,
                "c": center,
                "g": gl,
                "p": po,
            },
        )
