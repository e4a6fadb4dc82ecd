"""The words people read for identifiers and broken constraints (domain/wording.py)."""

from __future__ import annotations

from domain.catalog import Decision, PoStatus
from domain.wording import DECISION_WORDS, as_sentence, broken_constraint, status_words


def test_every_decision_has_words_without_an_underscore() -> None:
    assert set(DECISION_WORDS) == set(Decision)
    assert all("_" not in words for words in DECISION_WORDS.values())
    assert status_words(PoStatus.PENDING_APPROVAL) == "pending approval"


def test_a_broken_constraint_is_a_sentence_naming_the_field_in_words() -> None:
    assert broken_constraint("lines[0].unit_price_minor", "minimum", 1) == (
        "Unit price must be at least 1."
    )
    assert broken_constraint("$.tiers[1]", "required", "approvers") == (
        "Entry 2 of tiers needs approvers."
    )
    assert broken_constraint("$", "minItems", 1) == "The document needs at least 1 entry."
    assert broken_constraint("note", "maxLength", 500) == "Note takes at most 500 characters."
    assert broken_constraint("$.x", "if", True) is None  # no wording: the schema's message stands


def test_a_refusal_message_becomes_a_sentence() -> None:
    assert as_sentence("a comment is required to reject here") == (
        "A comment is required to reject here."
    )
    assert as_sentence("Choose a decision.") == "Choose a decision."
