"""SLA breaches and the service credits they earn: exactly at a target is no breach and just
past it is one; a breach earns its percent of the monthly charge, rounded half to even to the
minor unit, the month's credits together never above the cap; and the measurement rules and
the CSV sheet name the entry or row that breaks them."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.sla.breaches import BreachKind, breaches_of
from domain.sla.credits import breach_credit_minor, month_credit_minor, monthly_charge
from domain.sla.escalation import BreachCredit, escalation_notices, escalation_recipients
from domain.sla.measurements import (
    AvailabilityMonth,
    Incident,
    SlaMeasurements,
    measurement_refusals,
)
from domain.sla.sheet import SHEET_COLUMNS, SheetError, read_measurement_sheet
from domain.terms.sla import SlaTerms

TERMS = SlaTerms(
    availability_percent=Decimal("99.9"),
    response_minutes=30,
    resolution_minutes=240,
    credit_percent_per_breach=Decimal("5"),
    credit_cap_percent=Decimal("12"),
    escalation_contacts=("Vendor duty manager, +44 20 7946 0000", "noc@contoso.example"),
)
OPENED = datetime(2027, 3, 10, 8, 0, tzinfo=UTC)
MARCH = date(2027, 3, 1)
PERCENTS = st.decimals(min_value=Decimal("0.001"), max_value=100, places=3)


def _month(percent: str | Decimal) -> SlaMeasurements:
    return SlaMeasurements("PO-1", availability=(AvailabilityMonth(MARCH, Decimal(percent)),))


def _incident(respond: timedelta, resolve: timedelta, opened: datetime = OPENED) -> Incident:
    return Incident("INC-1", "P1", opened, opened + respond, opened + resolve)


@given(PERCENTS)
def test_availability_at_the_target_is_no_breach_and_just_below_is_one(target: Decimal) -> None:
    terms = replace(TERMS, availability_percent=target)
    assert breaches_of(_month(target), terms) == []
    [breach] = breaches_of(_month(target - Decimal("0.001")), terms)
    assert (breach.kind, breach.key, breach.month) == (
        BreachKind.AVAILABILITY,
        "availability",
        MARCH,
    )
    assert breaches_of(_month(min(target + Decimal("0.001"), Decimal(100))), terms) == []


@given(st.integers(min_value=1, max_value=10_000))
def test_a_response_at_the_target_is_no_breach_and_a_second_later_is_one(minutes: int) -> None:
    terms = replace(TERMS, response_minutes=minutes, resolution_minutes=minutes * 2)
    at_target = timedelta(minutes=minutes)
    batch = SlaMeasurements("PO-1", incidents=(_incident(at_target, at_target * 2),))
    assert breaches_of(batch, terms) == []
    late = at_target + timedelta(seconds=1)
    batch = SlaMeasurements("PO-1", incidents=(_incident(late, at_target * 2),))
    assert [b.key for b in breaches_of(batch, terms)] == ["response:INC-1"]


def test_a_late_resolution_is_its_own_breach_and_both_count_in_the_month_opened() -> None:
    opened = datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # resolved in April
    incident = _incident(timedelta(minutes=45), timedelta(hours=5), opened)
    found = breaches_of(SlaMeasurements("PO-1", incidents=(incident,)), TERMS)
    assert [(b.kind, b.month, b.measured, b.target) for b in found] == [
        (BreachKind.RESPONSE, MARCH, Decimal("45.00"), Decimal(30)),
        (BreachKind.RESOLUTION, MARCH, Decimal("300.00"), Decimal(240)),
    ]


def test_a_breach_earns_its_percent_of_the_monthly_charge_rounded_half_to_even() -> None:
    # A period under a month counts as one month, so the charge is the amount itself.
    assert monthly_charge(1010, date(2027, 3, 1), date(2027, 3, 1)) == 1010
    assert breach_credit_minor(Fraction(1010), TERMS, 1) == 50  # 50.5 rounds to even: 50
    assert breach_credit_minor(Fraction(1030), TERMS, 1) == 52  # 51.5 rounds to even: 52
    assert breach_credit_minor(Fraction(1011), TERMS, 1) == 51  # 50.55 rounds to nearest


def test_the_monthly_charge_spreads_the_amount_over_the_service_period() -> None:
    # 12,000.00 EUR for 2027 (365 days, 11.99 average months): 1,000.68 EUR a month.
    charge = monthly_charge(1_200_000, date(2027, 1, 1), date(2027, 12, 31))
    assert charge == Fraction(1_200_000 * 36525, 365 * 1200)
    assert breach_credit_minor(charge, TERMS, 1) == 5003  # 5 % of 100,068.49… is 5,003.42…


def test_the_month_s_credits_stop_at_the_cap() -> None:
    charge = Fraction(10_000)  # 5 % a breach, at most 12 % a month
    assert [breach_credit_minor(charge, TERMS, n) for n in range(1, 5)] == [500, 500, 200, 0]
    assert month_credit_minor(charge, TERMS, 4) == 1200
    uncapped = replace(TERMS, credit_cap_percent=None)
    assert [breach_credit_minor(charge, uncapped, n) for n in range(1, 5)] == [500] * 4


@given(
    charge=st.fractions(min_value=0, max_value=10**12),
    per_breach=PERCENTS,
    cap=st.none() | PERCENTS,
    breaches=st.integers(min_value=1, max_value=40),
)
def test_the_credits_add_up_to_the_rounded_month_never_above_the_cap(
    charge: Fraction, per_breach: Decimal, cap: Decimal | None, breaches: int
) -> None:
    terms = replace(TERMS, credit_percent_per_breach=per_breach, credit_cap_percent=cap)
    each = [breach_credit_minor(charge, terms, n) for n in range(1, breaches + 1)]
    assert all(isinstance(c, int) and c >= 0 for c in each)
    assert sum(each) == month_credit_minor(charge, terms, breaches)
    if cap is not None:
        assert sum(each) <= round(Fraction(cap) / 100 * charge)


def test_measurements_out_of_range_out_of_order_or_outside_the_service_period_are_refused() -> None:
    batch = SlaMeasurements(
        "PO-1",
        availability=(
            AvailabilityMonth(MARCH, Decimal("100.1")),
            AvailabilityMonth(date(2027, 1, 1), Decimal("99")),  # before the service started
            AvailabilityMonth(date(2027, 2, 1), Decimal("99")),  # the month it starts in
        ),
        incidents=(_incident(timedelta(minutes=10), timedelta(minutes=5)),),
    )
    refusals = measurement_refusals(batch, date(2027, 2, 15), date(2027, 12, 31))
    assert [(r.rule, r.field) for r in refusals] == [
        ("availability_in_range", "availability[0].availability_percent"),
        ("month_in_service_period", "availability[1].month"),
        ("incident_times_in_order", "incidents[0].responded_at"),
    ]


def _sheet_row(**values: str) -> dict[str, str]:
    return {column: values.get(column, "") for column in SHEET_COLUMNS}


def test_the_sheet_groups_rows_by_po_and_remembers_each_entry_s_row() -> None:
    rows = [
        _sheet_row(
            po_number="PO-1", kind="availability", month="2027-03", availability_percent="99.5"
        ),
        _sheet_row(
            po_number="PO-2",
            kind="incident",
            incident_id="INC-7",
            priority="P2",
            opened_at="2027-03-10T08:00:00+01:00",
            responded_at="2027-03-10T08:20:00+01:00",
            resolved_at="2027-03-10T09:00:00+01:00",
        ),
        _sheet_row(
            po_number="PO-1", kind="availability", month="2027-04", availability_percent="99.95"
        ),
    ]
    sheet = read_measurement_sheet(SHEET_COLUMNS, rows)
    assert [m.month for m in sheet.batches["PO-1"].availability] == [MARCH, date(2027, 4, 1)]
    assert sheet.batches["PO-2"].incidents[0].opened_at == datetime(2027, 3, 10, 7, tzinfo=UTC)
    assert sheet.row_of("PO-1", "availability[1].availability_percent") == 3
    assert sheet.row_of("PO-2", "incidents[0].month") == 2


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        (_sheet_row(po_number="PO-1", kind="outage"), "invalid_kind"),
        (_sheet_row(po_number="PO-1", kind="availability", month="2027-03"), "missing_value"),
        (
            _sheet_row(
                po_number="PO-1", kind="availability", month="March", availability_percent="9"
            ),
            "invalid_month",
        ),
        (
            _sheet_row(
                po_number="PO-1", kind="availability", month="2027-03", availability_percent="x"
            ),
            "invalid_percent",
        ),
        (
            _sheet_row(
                po_number="PO-1",
                kind="incident",
                incident_id="INC-1",
                priority="P1",
                opened_at="2027-03-10T08:00:00",  # no offset
                responded_at="2027-03-10T08:20:00Z",
                resolved_at="2027-03-10T09:00:00Z",
            ),
            "invalid_time",
        ),
    ],
)
def test_a_row_that_cannot_be_read_is_named_with_its_number_and_rule(
    row: dict[str, str], rule: str
) -> None:
    good = _sheet_row(
        po_number="PO-1", kind="availability", month="2027-03", availability_percent="99"
    )
    with pytest.raises(SheetError) as refused:
        read_measurement_sheet(SHEET_COLUMNS, [good, row])
    assert (refused.value.rule, refused.value.row) == (rule, 2)


def test_a_sheet_without_a_column_is_refused_whole() -> None:
    with pytest.raises(SheetError, match="resolved_at") as refused:
        read_measurement_sheet(SHEET_COLUMNS[:-1], [])
    assert refused.value.rule == "missing_column"


def test_the_escalation_reaches_the_owner_and_the_contacts_that_are_addresses() -> None:
    recipients = escalation_recipients("sam", TERMS.escalation_contacts)
    assert recipients == ["sam", "noc@contoso.example"]
    credit = BreachCredit(7, "2027-03", "availability", "99.5 %", "99.9 %", 5001, "EUR")
    notices = escalation_notices("PO-1", recipients, TERMS.escalation_contacts, [credit])
    assert [n.recipient for n in notices] == recipients
    assert notices[0].facts["call"] == ["Vendor duty manager, +44 20 7946 0000"]
    assert notices[0].facts["credit_minor"] == 5001
    assert len({n.idempotency_key for n in notices}) == 2
    again = escalation_notices("PO-1", recipients, TERMS.escalation_contacts, [credit])
    assert [n.idempotency_key for n in again] == [n.idempotency_key for n in notices]
