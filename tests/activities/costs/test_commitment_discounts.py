"""Spend drawn through a commitment discount: a line whose CommitmentDiscountId is mapped to a
contract draws on the contract's newest issued or closed PO created by the line's charge day;
a ``po_number`` tag still wins, and with no such PO the line keeps its account mapping's PO.
Cost center and GL account stay those of the line's account. Both ingest paths alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from models.costs.consumption import consumed_to_date
from tests.activities.costs.commitments import SAVINGS_PLAN, a_contract, at, map_commitment
from tests.activities.costs.loads import (
    a_cost_source,
    cost_centers_and_gl_accounts,
    focus_file,
    load_file,
    stored_lines,
)
from tests.activities.costs.test_ingested_lines import _map

PATHS = pytest.mark.parametrize("set_based", [False, True], ids=["row-by-row", "set-based"])


def _mapped_source(engine: Engine) -> tuple[str, int, int]:
    """A source in USD whose billing account 111 is booked to a cost center and GL account and
    draws on PO-ACCOUNT; (name, cost center id, GL account id)."""
    (center, _, _), (gl, _, _) = cost_centers_and_gl_accounts(engine)
    source = a_cost_source(engine, "focus")
    _map(engine, source, "billing_account", "111", center, gl, "PO-ACCOUNT")
    return source, center, gl


def _charged(day: int, **line: str) -> dict[str, str]:
    return {"ChargePeriodStart": f"2024-09-{day:02d}T00:00:00Z", **line}


@PATHS
def test_lines_of_a_mapped_commitment_discount_draw_on_the_contracts_po_in_force(
    engine: Engine, tmp_path: Path, set_based: bool
) -> None:
    source, center, gl = _mapped_source(engine)
    contract, (august, replaced, renewed, approved, later) = a_contract(
        engine,
        (PoStatus.ISSUED, at(20, month=8)),
        (PoStatus.ISSUED, at(10, hour=9)),  # replaced the same day: never in force
        (PoStatus.CLOSED, at(10, hour=23)),  # closed since: still the one drawn on
        (PoStatus.APPROVED, at(12)),  # not issued: drawn on by nothing
        (PoStatus.ISSUED, at(30)),  # created after every line's day
    )
    map_commitment(engine, source, contract)
    usage = focus_file(
        tmp_path / "usage.csv",
        _charged(2, CommitmentDiscountId=SAVINGS_PLAN),
        _charged(10, CommitmentDiscountId=SAVINGS_PLAN),
        _charged(15, CommitmentDiscountId=SAVINGS_PLAN),
        _charged(15, CommitmentDiscountId=SAVINGS_PLAN, Tags='{"PO-Number": "PO-TAGGED"}'),
        _charged(15, CommitmentDiscountId="arn:aws:savingsplans::123456789012:savingsplan/sp-9"),
        _charged(15),
    )
    load_file(engine, source, usage, set_based=set_based)
    stored = stored_lines(engine, source, "l.cost_center_id, l.gl_account_id, l.po_number")
    assert [r.po_number for r in stored] == [
        august,
        renewed,
        renewed,
        "PO-TAGGED",
        "PO-ACCOUNT",
        "PO-ACCOUNT",
    ]
    assert {(r.cost_center_id, r.gl_account_id) for r in stored} == {(center, gl)}
    assert {replaced, approved, later}.isdisjoint(r.po_number for r in stored)


@PATHS
def test_a_contract_with_no_po_issued_by_the_charge_day_leaves_the_line_on_its_account(
    engine: Engine, tmp_path: Path, set_based: bool
) -> None:
    source, _, _ = _mapped_source(engine)
    contract, _ = a_contract(
        engine, (PoStatus.PENDING_APPROVAL, at(1)), (PoStatus.ISSUED, at(3, hour=0))
    )
    map_commitment(engine, source, contract)
    usage = focus_file(
        tmp_path / "usage.csv",
        _charged(2, CommitmentDiscountId=SAVINGS_PLAN),
        _charged(2, CommitmentDiscountId=SAVINGS_PLAN, BillingAccountId="222"),
    )
    load_file(engine, source, usage, set_based=set_based)
    assert [r.po_number for r in stored_lines(engine, source, "l.po_number")] == [
        "PO-ACCOUNT",
        None,
    ]


def test_a_pos_consumption_counts_the_lines_drawn_through_its_commitment_discount(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine, "focus", base_currency="USD")
    contract, (po,) = a_contract(engine, (PoStatus.ISSUED, at(1, hour=0)))
    map_commitment(engine, source, contract)
    usage = focus_file(
        tmp_path / "usage.csv",
        _charged(2, CommitmentDiscountId=SAVINGS_PLAN, EffectiveCost="120.004"),
        _charged(3, CommitmentDiscountId=SAVINGS_PLAN, EffectiveCost="300.50"),
        _charged(3, EffectiveCost="99"),
    )
    load_file(engine, source, usage)
    with Session(engine) as session:
        assert consumed_to_date(session, po, "USD") == 42050
