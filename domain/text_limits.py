"""How long each kind of text in a PO may be, and which characters it may hold: the checks
``domain.intake`` applies to a requisition's texts and ``domain.terms.limits`` to its terms."""

from collections.abc import Iterator

from domain.validation import FieldRefusal

SHORT_TEXT = 80  # references and codes: MSA, project, GL account, tickets, SKU, tax code
TITLE_TEXT = 300
VENDOR_TEXT = 200
LINE_TEXT = 500  # a line's description, a milestone, a call-off's description
LONG_TEXT = 4000  # statements, justifications, SLA terms, comments, reasons and answers

_LINE_BREAKS = frozenset("\t\n\r")


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored as typed, or None: Postgres holds no NUL, nor a lone
    surrogate, and no other control character belongs in a PO (tab and line breaks only in a
    text that may span lines)."""
    for char in text:
        point = ord(char)
        if 0xD800 <= point <= 0xDFFF:
            return "holds an invalid character (a lone UTF-16 surrogate)"
        control = point < 0x20 or 0x7F <= point <= 0x9F  # Unicode's category Cc
        if control and not (multiline and char in _LINE_BREAKS):
            allowed = "; only tab and line breaks are allowed" if multiline else ""
            return f"holds the control character U+{ord(char):04X}{allowed}"
    return None


def text_refusals(
    field: str, text: str | None, longest: int, multiline: bool
) -> Iterator[FieldRefusal]:
    """``text_length`` and ``text_characters`` for one text (nothing for None); the messages
    never repeat the text."""
    if text is None:
        return
    if len(text) > longest:
        yield FieldRefusal(
            "text_length", field, f"{field} has {len(text)} characters; at most {longest}."
        )
    problem = text_problem(text, multiline)
    if problem is not None:
        yield FieldRefusal("text_characters", field, f"{field} {problem}.")
