"""Cell values as real cost exports write them read to their FOCUS types, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.costs.errors import ValueProblem
from domain.costs.values import is_null, parse_datetime, parse_decimal, parse_tags

DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=None)
MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(DECIMALS)
def test_a_number_written_out_reads_back_equal_with_its_digits(amount: Decimal) -> None:
    for written in (str(amount), f"{amount:E}", f'"{amount}"', f" {amount} "):
        read = parse_decimal(written)
        assert read == amount
    assert parse_decimal(str(amount)).as_tuple() == amount.as_tuple()


@given(MOMENTS.map(lambda moment: moment.replace(microsecond=0)))
def test_a_moment_reads_the_same_with_or_without_t_and_z(moment: datetime) -> None:
    spaced = moment.strftime("%Y-%m-%d %H:%M:%S")
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    with_millis = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert parse_datetime(spaced) == parse_datetime(iso) == parse_datetime(with_millis) == moment


@given(MOMENTS)
def test_an_azure_ea_month_first_date_is_that_day_at_midnight_utc(moment: datetime) -> None:
    written = f"{moment.month}/{moment.day}/{moment.year}"
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    assert parse_datetime(written) == midnight


def test_an_offset_is_converted_to_utc() -> None:
    assert parse_datetime("2024-09-18T22:00:00+02:00") == datetime(2024, 9, 18, 20, tzinfo=UTC)
    assert parse_datetime("2024-09-18") + timedelta(hours=22) == parse_datetime(
        "2024-09-18 22:00:00"
    )


def test_the_exponent_forms_of_real_exports_are_exact() -> None:
    assert parse_decimal("5.64902E-05") == Decimal("0.0000564902")
    assert parse_decimal("1.81E-8") == Decimal("0.0000000181")
    assert parse_decimal("-0.01") == Decimal("-0.01")


@pytest.mark.parametrize("text", ["", "  ", "null", "NULL", "Null", None])
def test_empty_and_null_spellings_are_null(text: str | None) -> None:
    assert is_null(text)


@pytest.mark.parametrize("text", ["12,5", "1.2.3", "USD 3", "nan", "inf", "0x10", "--1"])
def test_text_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="is not a number"):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["2024-13-01", "13/2/2023", "yesterday", "2/30/2023"])
def test_text_that_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="is not a date"):
        parse_datetime(text)


def test_tags_as_json_or_as_azure_fragments_without_braces() -> None:
    fragment = '"tagA": "valueA","tagB": "valueB"'
    assert parse_tags(fragment) == {"tagA": "valueA", "tagB": "valueB"}
    assert parse_tags("{" + fragment + "}") == parse_tags(fragment)
    assert parse_tags('{"user:team": "data", "cost": 3}') == {"user:team": "data", "cost": 3}


@pytest.mark.parametrize("text", ["team=data", '["a", "b"]', '"a": '])
def test_tags_that_are_no_object_are_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="not a JSON object of tags"):
        parse_tags(text)
