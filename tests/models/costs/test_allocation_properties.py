"""Whatever the rules, drivers, lines and ledger actuals, an allocation run loses nothing and
counts nothing twice: per currency its amounts (unallocated included) sum to the period's cost
rounded to the currency's minor unit plus the ledger entries its ledger pools take, every line
is traced once, to the first rule it matches, every ledger entry of the period to the first
ledger pool it belongs to (never a cloud actual or a chargeback posting to an ``actuals``
pool), and a re-run allocates the same amounts (hypothesis, on real Postgres)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.money import minor_digits
from models.costs.allocation_runs import allocated_amounts
from services.costs.allocation import record_drivers, run_allocation
from tests.builders.allocation import (
    AllocationOrg,
    CostLine,
    a_period,
    allocation_org,
    book_actual,
    load_lines,
    model_in_force,
)

AT = datetime(2031, 1, 1, tzinfo=UTC)
START_MONTH = 4
CURRENCIES = ("EUR", "EUR", "USD", "JPY")
# Who booked an actual, by its key's prefix: depreciation, a cost load, a chargeback, the ERP.
BOOKERS = ("depreciation:", "cost-load:", "chargeback:", "erp-gl:")
SERVICES = ("Amazon EC2", "Amazon VPC", "Azure AD")
AMOUNT = st.decimals(min_value=Decimal("-50"), max_value=Decimal("5000"), places=6)
QUANTITY = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)


@st.composite
def cost_lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Lines as plain values; a tag value is an index of the org's cost centers, or unknown."""
    line = st.fixed_dictionaries(
        {
            "amount": AMOUNT,
            "account": st.sampled_from(("111", "222")),
            "service": st.sampled_from(SERVICES),
            "center": st.one_of(st.none(), st.integers(0, 3), st.just(-1)),
            "quantity": QUANTITY,
            "currency": st.sampled_from(CURRENCIES),
        }
    )
    return draw(st.lists(line, min_size=1, max_size=25))


LEDGER_ACTUAL = st.fixed_dictionaries(
    {
        "center": st.integers(0, 3),
        "gl": st.integers(0, 1),
        "booker": st.sampled_from(BOOKERS),
        "minor": st.integers(-5_000, 500_000).filter(bool),  # the ledger books no zero
        "currency": st.sampled_from(CURRENCIES),
        "next_month": st.booleans(),  # another period's: no pool of this one takes it
    }
)


MATCH = st.one_of(
    st.just({}),
    st.builds(lambda s: {"service": s}, st.sampled_from(SERVICES)),
    st.builds(lambda a: {"billing_account": [a]}, st.sampled_from(("111", "222"))),
)
TARGETS = st.lists(st.integers(0, 3), min_size=1, max_size=4, unique=True)
RULE = st.one_of(
    st.fixed_dictionaries({"kind": st.just("tag")}),
    st.fixed_dictionaries({"kind": st.just("direct"), "match": MATCH, "to": st.integers(0, 3)}),
    st.fixed_dictionaries(
        {
            "kind": st.just("shared"),
            "match": MATCH,
            "by": st.sampled_from(("even", "percentages", "usage", "headcount")),
            "targets": TARGETS,
        }
    ),
    st.fixed_dictionaries({"kind": st.just("activity"), "match": MATCH}),
    st.fixed_dictionaries(
        {
            "kind": st.just("ledger"),
            "entries": st.sampled_from(("depreciation", "actuals")),
            "centers": TARGETS,
            "gl": st.one_of(st.none(), st.integers(0, 1)),
            "by": st.sampled_from(("even", "usage", "headcount")),
            "targets": TARGETS,
        }
    ),
)


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Session]:
    """A session in a transaction rolled back after the example (its lines stay, committed)."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        outer.rollback()


def _model(org: AllocationOrg, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rules = []
    for n, spec in enumerate(specs):
        name = f"rule {n}"
        kind = spec["kind"]
        if kind == "tag":
            rules.append({"name": name, "kind": "direct", "to": {"cost_center_tag": "cost_center"}})
        elif kind == "direct":
            to = {"cost_center": org.centers[spec["to"]]}
            rules.append({"name": name, "kind": "direct", "match": spec["match"], "to": to})
        elif kind == "activity":
            rules.append({"name": name, "kind": "activity", "match": spec["match"], "driver": "vm"})
        elif kind == "ledger":
            rules.append(
                {
                    "name": name,
                    "kind": "shared",
                    "from_ledger": _pool(org, spec),
                    "key": _key(org, spec),
                }
            )
        else:
            rules.append(
                {"name": name, "kind": "shared", "match": spec["match"], "key": _key(org, spec)}
            )
    return rules


def _pool(org: AllocationOrg, spec: dict[str, Any]) -> dict[str, Any]:
    pool = {"entries": spec["entries"], "cost_center": [org.centers[i] for i in spec["centers"]]}
    return pool if spec["gl"] is None else {**pool, "gl_account": org.gl_accounts[spec["gl"]]}


def _key(org: AllocationOrg, spec: dict[str, Any]) -> dict[str, Any]:
    targets = [{"cost_center": org.centers[i]} for i in spec["targets"]]
    if spec["by"] == "percentages":
        shares = _percents(len(targets))
        targets = [{**t, "percent": share} for t, share in zip(targets, shares, strict=True)]
    return {"by": spec["by"], "targets": targets}


def _percents(count: int) -> list[str]:
    base = Decimal(100) / count
    shares = [base.quantize(Decimal("0.01")) for _ in range(count - 1)]
    return [str(s) for s in shares] + [str(Decimal(100) - sum(shares, Decimal(0)))]


def _first_rule(line: dict[str, Any], specs: list[dict[str, Any]]) -> int | None:
    """Which rule takes the line, worked out apart from the SQL."""
    for n, spec in enumerate(specs):
        if spec["kind"] == "ledger":
            continue  # a ledger pool takes no line
        if spec["kind"] == "tag":
            if line["center"] is not None and line["center"] >= 0:
                return n
            continue
        match = spec["match"]
        if match.get("service", line["service"]) != line["service"]:
            continue
        if line["account"] not in match.get("billing_account", [line["account"]]):
            continue
        return n
    return None


def _first_pool(actual: dict[str, Any], specs: list[dict[str, Any]]) -> int | None:
    """Which ledger pool takes the entry, worked out apart from the SQL."""
    if actual["next_month"]:
        return None
    for n, spec in enumerate(specs):
        if spec["kind"] != "ledger" or actual["center"] not in spec["centers"]:
            continue
        if spec["gl"] is not None and spec["gl"] != actual["gl"]:
            continue
        booker = actual["booker"]
        if spec["entries"] == "depreciation" and booker != "depreciation:":
            continue
        if spec["entries"] == "actuals" and booker in ("cost-load:", "chargeback:"):
            continue
        return n
    return None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=cost_lines(),
    specs=st.lists(RULE, min_size=1, max_size=6),
    headcount=st.lists(QUANTITY, min_size=4, max_size=4),
    vm_hours=st.lists(QUANTITY, min_size=2, max_size=2),
    actuals=st.lists(LEDGER_ACTUAL, max_size=8),
)
def test_a_run_allocates_every_cent_once_and_again_alike(
    engine: Engine,
    lines: list[dict[str, Any]],
    specs: list[dict[str, Any]],
    headcount: list[Decimal],
    vm_hours: list[Decimal],
    actuals: list[dict[str, Any]],
) -> None:
    with rolled_back(engine) as session:
        org = allocation_org(session)
        period = a_period()
        load_lines(engine, period, [_cost_line(org, line) for line in lines])
        record_drivers(
            session, period, "headcount", dict(zip(org.centers, headcount, strict=True)), org.author
        )
        record_drivers(
            session, period, "vm", dict(zip(org.services, vm_hours, strict=True)), org.author
        )
        entries = [_booked(session, org, period, actual) for actual in actuals]
        model_in_force(session, org, _model(org, specs), AT)
        first = run_allocation(session, period, org.author, at=AT, start_month=START_MONTH)
        second = run_allocation(session, period, org.author, at=AT, start_month=START_MONTH)

        amounts = allocated_amounts(session, first.id)
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in amounts:
            totals[row.currency] += row.amount
        assert dict(totals) == _period_cost(lines, actuals, specs)
        assert amounts == allocated_amounts(session, second.id)
        assert _traced_rules(session, first.id) == _expected_by_account(lines, specs)
        expected_pools = {
            (entry, pool)
            for entry, actual in zip(entries, actuals, strict=True)
            if (pool := _first_pool(actual, specs)) is not None
        }
        assert _traced_entries(session, first.id) == expected_pools


def _booked(session: Session, org: AllocationOrg, period: date, actual: dict[str, Any]) -> int:
    month = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return book_actual(
        session,
        org.centers[actual["center"]],
        org.gl_accounts[actual["gl"]],
        month if actual["next_month"] else period,
        actual["minor"],
        key=actual["booker"],
        currency=actual["currency"],
        start_month=START_MONTH,
    )


def _cost_line(org: AllocationOrg, line: dict[str, Any]) -> CostLine:
    center = line["center"]
    tags = {} if center is None else {"CostCenter": org.centers[center] if center >= 0 else "??"}
    return CostLine(
        line["amount"],
        account=line["account"],
        service=line["service"],
        tags=tags,
        quantity=line["quantity"],
        currency=line["currency"],
    )


def _period_cost(
    lines: list[dict[str, Any]], actuals: list[dict[str, Any]], specs: list[dict[str, Any]]
) -> dict[str, Decimal]:
    """Per currency, the lines' cost rounded to the minor unit, plus the actuals pools take."""
    exact: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        exact[line["currency"]] += line["amount"]
    cost = {
        c: total.quantize(Decimal(1).scaleb(-minor_digits(c)), rounding=ROUND_HALF_EVEN)
        for c, total in exact.items()
    }
    for actual in actuals:
        if _first_pool(actual, specs) is not None:
            currency = actual["currency"]
            pooled = Decimal(actual["minor"]).scaleb(-minor_digits(currency))
            cost[currency] = cost.get(currency, Decimal(0)) + pooled
    return cost


def _expected_by_account(
    lines: list[dict[str, Any]], specs: list[dict[str, Any]]
) -> list[tuple[str, int, int | None]]:
    """Per account, its lines in file order (each account is one load), and each one's rule."""
    expected = []
    for account in ("111", "222"):
        mine = [line for line in lines if line["account"] == account]
        expected += [(account, n, _first_rule(line, specs)) for n, line in enumerate(mine, 1)]
    return expected


def _traced_rules(session: Session, run_id: int) -> list[tuple[str, int, int | None]]:
    rows = session.execute(
        text(
            "SELECT s.billing_account_id, g.file_row, g.rule_index FROM allocation_lineage g "
            "JOIN cost_loads l ON l.id = g.load_id JOIN cost_slices s ON s.id = l.slice_id "
            "WHERE g.run_id = :run ORDER BY 1, 2"
        ),
        {"run": run_id},
    ).tuples()
    return [(account, row, rule) for account, row, rule in rows]


def _traced_entries(session: Session, run_id: int) -> set[tuple[int, int]]:
    rows = session.execute(
        text(
            "SELECT ledger_entry_id, rule_index FROM allocation_ledger_lineage WHERE run_id = :run"
        ),
        {"run": run_id},
    ).tuples()
    return {(entry, rule) for entry, rule in rows}
