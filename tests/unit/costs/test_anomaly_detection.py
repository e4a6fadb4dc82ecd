"""Runaway spend in real daily series: the FOCUS sample's EC2 account (30 days of September
2024) and the AWS CUR sample's S3 (14 days of November 2023), as they are and with one day
multiplied."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from domain.costs.anomaly_detection import Thresholds, findings, judge_day
from domain.costs.settlement import to_minor

DATA = Path(__file__).resolve().parents[2] / "data" / "costs"
FOCUS = DATA / "focus-sample-data" / "focus_sample.csv"
AWS_CUR = DATA / "aws-cur" / "sample-anonymous-aws-export-dataset.csv"
EC2 = "Amazon Elastic Compute Cloud"
SPIKE = date(2024, 9, 27)


def _focus_series(service: str) -> dict[date, int]:
    """The service's daily effective cost in the FOCUS sample (all USD), in cents."""
    days: dict[date, Decimal] = defaultdict(Decimal)
    with FOCUS.open(newline="") as rows:
        for row in csv.DictReader(rows):
            if row["ServiceName"] == service and row["EffectiveCost"] != "NULL":
                days[date.fromisoformat(row["ChargePeriodStart"][:10])] += Decimal(
                    row["EffectiveCost"]
                )
    return {day: to_minor(cost, "USD") for day, cost in days.items()}


def _cur_series(product: str) -> dict[date, int]:
    """The product's daily unblended cost in the CUR sample, in hundredths of a cent (its
    days cost cents: the series still moves in whole units)."""
    days: dict[date, Decimal] = defaultdict(Decimal)
    with AWS_CUR.open(newline="") as rows:
        for row in csv.DictReader(rows):
            if row["lineItem/ProductCode"] == product:
                day = date.fromisoformat(row["lineItem/UsageStartDate"][:10])
                days[day] += Decimal(row["lineItem/UnblendedCost"])
    return {day: to_minor(cost * 100, "USD") for day, cost in days.items()}


def _multiplied(series: dict[date, int], day: date, factor: int) -> dict[date, int]:
    return {**series, day: series.get(day, 0) * factor}


def test_a_normal_month_of_real_spend_has_no_finding() -> None:
    ec2 = _focus_series(EC2)
    assert len(ec2) == 30 and sum(ec2.values()) > 0
    assert findings(ec2, min(ec2), max(ec2)) == []


def test_a_day_multiplied_tenfold_is_found_on_that_day_only() -> None:
    ec2 = _focus_series(EC2)
    spiked = _multiplied(ec2, SPIKE, 10)
    found = findings(spiked, min(ec2), max(ec2))
    assert [f.day for f in found] == [SPIKE]
    assert found[0].actual_minor == 10 * ec2[SPIKE]
    assert found[0].impact_minor == found[0].actual_minor - found[0].expected_minor
    assert found[0].actual_minor > found[0].upper_minor and found[0].score >= 3.5


def test_a_move_under_the_low_dollar_floor_is_ignored() -> None:
    ec2 = _focus_series(EC2)
    tripled = _multiplied(ec2, SPIKE, 3)
    judged = judge_day(tripled, SPIKE)
    assert judged.score >= 3.5, "an outlier by its score"
    assert judged.impact_minor < Thresholds().min_impact_minor
    assert findings(tripled, min(ec2), max(ec2)) == []
    lower_floor = Thresholds(min_impact_minor=judged.impact_minor)
    assert SPIKE in [f.day for f in findings(tripled, min(ec2), max(ec2), lower_floor)]


def test_two_weeks_of_history_are_needed_before_a_day_is_judged() -> None:
    s3 = _cur_series("AmazonS3")
    assert len(s3) == 14, "the CUR sample holds 14 days of S3"
    last = max(s3)
    spiked = _multiplied(s3, last, 1000)
    judged = judge_day(spiked, last, Thresholds(min_impact_minor=1))
    assert judged.history_days == 0 and not judged.anomalous
    assert findings(spiked, min(s3), last, Thresholds(min_impact_minor=1)) == []


def test_a_weekly_rhythm_is_expected_and_a_weekday_at_weekend_level_is_not() -> None:
    start = date(2024, 9, 2)  # a Monday
    weekly = {start + timedelta(d): 200_00 if d % 7 < 5 else 20_00 for d in range(35)}
    assert findings(weekly, start, max(weekly)) == []
    monday = start + timedelta(35)
    saturday = start + timedelta(33)
    assert judge_day({**weekly, monday: 200_00}, monday).expected_minor == 200_00
    assert judge_day(weekly, saturday).expected_minor == 20_00
    assert judge_day({**weekly, saturday: 200_00}, saturday).anomalous
