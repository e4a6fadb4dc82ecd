"""How much a PO's terms may hold, checked with the requisition's other limits
(``domain.intake``) before anything is stored: how many entries each list takes, how long each
text is and which characters it holds."""

from collections.abc import Iterator

from domain.terms.po_terms import PoTerms
from domain.text_limits import LINE_TEXT, LONG_TEXT, VENDOR_TEXT, text_refusals
from domain.validation import FieldRefusal

MAX_TERM_MILESTONES = 50
MAX_ENTRIES = 20  # escalation contacts, acceptance criteria of a milestone, subcontractors


def terms_limit_refusals(terms: PoTerms | None) -> Iterator[FieldRefusal]:
    """``entries_at_most``, ``text_length`` and ``text_characters`` for the terms' lists and
    texts (a list too long is not looked into)."""
    if terms is None:
        return
    if terms.sla is not None:
        contacts = terms.sla.escalation_contacts
        yield from _texts("terms.sla.escalation_contacts", contacts, LINE_TEXT)
    yield from _milestones(terms)
    if terms.licence is not None:
        use = terms.licence.permitted_use
        yield from text_refusals("terms.licence.permitted_use", use, LONG_TEXT, True)
    if terms.subcontracting is not None:
        sub = terms.subcontracting
        clause = sub.accountability_clause
        where = "terms.subcontracting"
        yield from text_refusals(f"{where}.accountability_clause", clause, LONG_TEXT, True)
        yield from _texts(f"{where}.subcontractors", sub.subcontractors, VENDOR_TEXT)


def _milestones(terms: PoTerms) -> Iterator[FieldRefusal]:
    if len(terms.milestones) > MAX_TERM_MILESTONES:
        yield _too_many("terms.milestones", len(terms.milestones), MAX_TERM_MILESTONES)
        return
    for index, milestone in enumerate(terms.milestones):
        where = f"terms.milestones[{index}]"
        yield from text_refusals(f"{where}.name", milestone.name, LINE_TEXT, False)
        criteria = milestone.acceptance_criteria
        yield from _texts(f"{where}.acceptance_criteria", criteria, LINE_TEXT)


def _texts(field: str, texts: tuple[str, ...], longest: int) -> Iterator[FieldRefusal]:
    if len(texts) > MAX_ENTRIES:
        yield _too_many(field, len(texts), MAX_ENTRIES)
        return
    for index, text in enumerate(texts):
        yield from text_refusals(f"{field}[{index}]", text, longest, False)


def _too_many(field: str, count: int, most: int) -> FieldRefusal:
    return FieldRefusal("entries_at_most", field, f"{field} has {count} entries; at most {most}.")
