"""The data-quality rules of a cost load: each rule finds the rows that break it and only those,
quarantines or flags as configured, and the report counts rows, cost and sample rows exactly."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from domain.costs.cost_row import CostRow, FocusValue
from domain.costs.quality import QualityChecker, QualityPolicy
from domain.costs.quality_rules import RULES, Action, Expectations

DOC = Path(__file__).resolve().parents[3] / "docs" / "costs.md"
SEPT = datetime(2024, 9, 1, tzinfo=UTC)
OCT = datetime(2024, 10, 1, tzinfo=UTC)


def _row(
    row_number: int = 1, extras: dict[str, str] | None = None, /, **changes: FocusValue
) -> CostRow:
    """A valid September usage line of an EUR account, tagged with a cost center."""
    focus: dict[str, FocusValue] = {
        "BilledCost": Decimal("12.345678"),
        "BillingAccountId": "acct-1",
        "BillingAccountName": "Main",
        "BillingCurrency": "EUR",
        "BillingPeriodEnd": OCT,
        "BillingPeriodStart": SEPT,
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeDescription": "compute",
        "ChargePeriodEnd": datetime(2024, 9, 19, tzinfo=UTC),
        "ChargePeriodStart": datetime(2024, 9, 18, tzinfo=UTC),
        "ContractedCost": Decimal("12.345678"),
        "EffectiveCost": Decimal("12.345678"),
        "InvoiceIssuerName": "Cloud Co",
        "ListCost": Decimal("13"),
        "PricingQuantity": Decimal("1"),
        "PricingUnit": "Hours",
        "ProviderName": "Cloud Co",
        "PublisherName": "Cloud Co",
        "ServiceCategory": "Compute",
        "ServiceName": "VMs",
        "Tags": {"CostCenter": "CC-100"},
    }
    focus.update(changes)
    return CostRow(focus, extras or {}, row_number)


POLICY = QualityPolicy(Expectations(currency="EUR", required_tags=("cost-center",)))


def _rule_ids(row: CostRow, policy: QualityPolicy = POLICY) -> list[str]:
    return [finding.rule_id for finding in QualityChecker(policy).check(row).findings]


def test_a_valid_row_breaks_no_rule() -> None:
    verdict = QualityChecker(POLICY).check(_row())
    assert verdict.findings == ()
    assert not verdict.quarantined


def test_zero_cost_rows_are_flagged() -> None:
    zero = _row(BilledCost=Decimal("0.000"), EffectiveCost=Decimal(0))
    assert _rule_ids(zero) == ["zero_cost"]
    assert _rule_ids(_row(BilledCost=Decimal(0))) == []  # still an effective cost


def test_an_exact_duplicate_is_flagged_and_the_first_kept() -> None:
    checker = QualityChecker(POLICY)
    first = checker.check(_row(1, {"lineItemId": "a"}))
    second = checker.check(_row(2, {"lineItemId": "a"}))
    other_extra = checker.check(_row(3, {"lineItemId": "b"}))
    other_value = checker.check(_row(4, {"lineItemId": "a"}, ResourceId="vm-2"))
    assert first.findings == ()
    assert [f.rule_id for f in second.findings] == ["duplicate"]
    assert other_extra.findings == () and other_value.findings == ()


def test_a_number_and_the_same_text_are_not_duplicates() -> None:
    checker = QualityChecker(POLICY)
    checker.check(_row(ResourceId="1"))
    assert checker.check(_row(ResourceId=Decimal(1))).findings == ()


def test_negative_cost_is_flagged_unless_a_credit_adjustment_or_correction() -> None:
    assert _rule_ids(_row(BilledCost=Decimal("-5"))) == ["negative_cost"]
    assert _rule_ids(_row(BilledCost=Decimal("-5"), ChargeCategory="Credit")) == []
    assert _rule_ids(_row(BilledCost=Decimal("-5"), ChargeCategory="Adjustment")) == []
    assert _rule_ids(_row(BilledCost=Decimal("-5"), ChargeClass="Correction")) == []


def test_a_charge_outside_the_billing_period_is_flagged() -> None:
    assert _rule_ids(_row(ChargePeriodStart=datetime(2024, 8, 31, 23, tzinfo=UTC))) == [
        "outside_billing_period"
    ]
    at_end = _row(ChargePeriodStart=OCT, ChargePeriodEnd=datetime(2024, 10, 2, tzinfo=UTC))
    assert _rule_ids(at_end) == ["outside_billing_period"]
    assert _rule_ids(_row(ChargePeriodStart=SEPT)) == []


def test_a_currency_not_the_sources_is_flagged() -> None:
    assert _rule_ids(_row(BillingCurrency="USD")) == ["foreign_currency"]
    any_currency = QualityPolicy(Expectations(required_tags=("cost-center",)))
    assert _rule_ids(_row(BillingCurrency="USD"), any_currency) == []


def test_without_a_configured_currency_a_line_in_another_than_its_accounts_is_flagged() -> None:
    checker = QualityChecker(QualityPolicy())
    lines = [
        _row(BillingAccountId="111", BillingCurrency="EUR"),
        _row(2, BillingAccountId="222", BillingCurrency="USD"),
        _row(3, BillingAccountId="111", BillingCurrency="USD"),
        _row(4, BillingAccountId="222", BillingCurrency="USD", BilledCost=Decimal(2)),
    ]
    verdicts = [checker.check(line) for line in lines]
    assert [[f.rule_id for f in v.findings] for v in verdicts] == [[], [], ["foreign_currency"], []]
    assert verdicts[2].findings[0].detail == (
        "BillingCurrency USD, billing account 111's first line is in EUR"
    )
    assert checker.report().of("foreign_currency").sample_rows == (3,)


def test_a_missing_mandatory_column_quarantines_the_row() -> None:
    verdict = QualityChecker(POLICY).check(_row(ServiceName=None))
    assert [f.rule_id for f in verdict.findings] == ["missing_mandatory"]
    assert "ServiceName" in verdict.findings[0].detail
    assert verdict.quarantined
    # BillingAccountName and ChargeClass are mandatory columns FOCUS allows to be null.
    assert _rule_ids(_row(BillingAccountName=None, ChargeClass=None)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"ChargeCategory": "Refund"},
        {"ChargeClass": "Reversal"},
        {"ChargePeriodEnd": datetime(2024, 9, 17, tzinfo=UTC)},
    ],
)
def test_an_invalid_value_quarantines_the_row(changes: dict[str, FocusValue]) -> None:
    verdict = QualityChecker(POLICY).check(_row(**changes))
    assert [f.rule_id for f in verdict.findings] == ["invalid_value"]
    assert verdict.quarantined


def test_a_missing_required_tag_is_flagged_whatever_its_spelling() -> None:
    assert _rule_ids(_row(Tags={"env": "prod"})) == ["missing_tag"]
    assert _rule_ids(_row(Tags=None)) == ["missing_tag"]
    assert _rule_ids(_row(Tags={"cost_center": "CC-1"})) == []


def test_tags_that_are_not_a_flat_text_map_are_malformed() -> None:
    nested = _row(Tags={"CostCenter": "CC-1", "owner": {"team": "a"}})
    assert _rule_ids(nested) == ["malformed_tags"]
    assert _rule_ids(_row(Tags={"CostCenter": "CC-1", "owner": "team-a"})) == []


def test_the_report_counts_rows_cost_and_the_first_five_sample_rows() -> None:
    checker = QualityChecker(POLICY)
    usd_costs = [Decimal("0.000305367"), Decimal("5.64902E-05"), Decimal("1"), Decimal("2")]
    for number in range(1, 8):
        billed = usd_costs[number - 1] if number <= 4 else Decimal(number)
        checker.check(_row(number, BilledCost=billed, BillingCurrency="USD"))
    checker.check(_row(8, ServiceName=None, BilledCost=Decimal("-1.5")))
    checker.check(_row(9))
    report = checker.report()
    assert (report.rows_checked, report.rows_quarantined) == (9, 1)
    usd = report.of("foreign_currency")
    assert usd.rows == 7
    assert usd.billed_cost == Decimal("3.0003618572") + Decimal(5 + 6 + 7)
    assert usd.sample_rows == (1, 2, 3, 4, 5)
    assert report.of("missing_mandatory").billed_cost == Decimal("-1.5")
    assert report.of("negative_cost").sample_rows == (8,)
    assert report.of("zero_cost").rows == 0
    assert [summary.rule_id for summary in report.rules] == [rule.id for rule in RULES]


def test_an_action_override_changes_what_is_quarantined() -> None:
    strict = QualityPolicy(
        POLICY.expectations,
        {"foreign_currency": Action.QUARANTINE, "missing_mandatory": Action.KEEP_AND_FLAG},
    )
    checker = QualityChecker(strict)
    assert checker.check(_row(1, BillingCurrency="USD")).quarantined
    assert not checker.check(_row(2, ServiceName=None)).quarantined
    assert checker.report().of("foreign_currency").action is Action.QUARANTINE


def test_an_override_of_an_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="zero_costs"):
        QualityPolicy(actions={"zero_costs": Action.QUARANTINE})


def test_the_cost_doc_lists_every_rule_with_its_default_action() -> None:
    section = DOC.read_text(encoding="utf-8").split("## Data quality\n")[1].split("\n## ")[0]
    listed = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| (\w[\w ]*\w) \|$", section, re.M))
    expected = {rule.id: rule.default_action.value.replace("_", " ") for rule in RULES}
    assert listed == expected
