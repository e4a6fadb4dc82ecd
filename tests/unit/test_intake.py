"""The limits a requisition must keep before anything is stored: texts, characters, amounts."""

from __future__ import annotations

from dataclasses import replace

from domain.intake import MAX_AMOUNT_MINOR, MAX_QUANTITY, intake_refusals, text_problem
from domain.validation import FieldRefusal
from tests.builders.requisitions import LINE, check, valid_requisition


def _rules(refusals: tuple[FieldRefusal, ...]) -> set[tuple[str, str]]:
    return {(refusal.rule, refusal.field) for refusal in refusals}


def test_a_requisition_within_every_limit_passes() -> None:
    assert intake_refusals(valid_requisition()) == ()


def test_control_characters_are_refused_and_line_breaks_allowed_only_in_long_texts() -> None:
    assert text_problem("a\x00b") is not None
    assert text_problem("a\x7fb") is not None
    assert text_problem("a\ud800b") is not None
    assert text_problem("a\tb") is not None
    assert text_problem("a\r\n\tb", multiline=True) is None
    assert text_problem("a\x00b", multiline=True) is not None
    requisition = replace(valid_requisition(), title="x\x00", sla_terms="line one\nline two")
    assert _rules(intake_refusals(requisition)) == {("text_characters", "title")}


def test_a_message_never_repeats_an_overlong_text() -> None:
    title = "T" * 1_000_000
    refusals = intake_refusals(replace(valid_requisition(), title=title))
    assert _rules(refusals) == {("text_length", "title")}
    assert all(len(refusal.message) < 200 for refusal in refusals)


def test_amounts_and_quantities_stay_far_inside_bigint() -> None:
    at_most = replace(LINE, quantity=1, unit_price_minor=MAX_AMOUNT_MINOR)
    assert intake_refusals(replace(valid_requisition(), lines=(at_most,))) == ()
    too_many = replace(LINE, quantity=MAX_QUANTITY + 1)
    too_dear = replace(LINE, quantity=10, unit_price_minor=MAX_AMOUNT_MINOR)
    two_halves = replace(LINE, quantity=1, unit_price_minor=MAX_AMOUNT_MINOR // 2 + 1)
    requisition = replace(valid_requisition(), lines=(too_many, too_dear, two_halves, two_halves))
    assert _rules(intake_refusals(requisition)) == {
        ("quantity_in_range", "lines[0].quantity"),
        ("amount_in_range", "lines[1].total_minor"),
        ("amount_in_range", "lines.total_minor"),
    }


def test_a_currency_without_a_published_rate_is_refused() -> None:
    requisition = replace(valid_requisition(), currency="XXX")
    assert ("currency_known", "currency") in _rules(check(requisition).refusals)
