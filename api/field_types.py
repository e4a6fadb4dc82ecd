"""The types request fields are declared with: money as decimal text, and texts that Postgres
and the audit trail can hold as typed. A refusal names its rule and never repeats the input."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from domain.intake import SHORT_TEXT, text_problem

_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
MONEY_AS_STRING = 'money is sent as a string of decimal digits such as "1234.50", not a number'
_MONEY_DIGITS = 24  # more than any amount in range needs (see domain.intake.MAX_AMOUNT_MINOR)


def _money_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(MONEY_AS_STRING)
    if len(value) > _MONEY_DIGITS:
        raise PydanticCustomError(
            "amount_in_range",
            "an amount has at most {digits} characters",
            {"digits": _MONEY_DIGITS},
        )
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"{value!r} is not a decimal amount; {MONEY_AS_STRING}")
    return value


PERCENT_AS_STRING = 'a percent is sent as a string of decimal digits such as "99.9", not a number'
_PERCENT_DIGITS = 12  # "99.999999999": more than any service level or credit needs


def _percent_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(PERCENT_AS_STRING)
    if len(value) > _PERCENT_DIGITS or not _DECIMAL.fullmatch(value):
        raise ValueError(f"at most {_PERCENT_DIGITS} characters; {PERCENT_AS_STRING}")
    return value


_QUANTITY = re.compile(r"\d{1,14}(\.\d{1,4})?")
QUANTITY_AS_TEXT = 'a quantity is a whole number or a string of decimal digits such as "2.5"'


def _quantity(value: object) -> Decimal:
    """A whole number, or decimal text with at most four places; never a float."""
    text = value if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    if text is None or not _QUANTITY.fullmatch(text):
        raise PydanticCustomError("invalid_quantity", QUANTITY_AS_TEXT)
    return Decimal(text)


def _single_line(value: str) -> str:
    return _plain(value, multiline=False)


def _multi_line(value: str) -> str:
    return _plain(value, multiline=True)


def _plain(value: str, *, multiline: bool) -> str:
    problem = text_problem(value, multiline)
    if problem is not None:
        raise PydanticCustomError("text_characters", "the text {problem}", {"problem": problem})
    return value


MoneyText = Annotated[str, BeforeValidator(_money_text)]
# A percent (of availability, of a monthly charge) as decimal text, read as a Decimal: never a
# float. Its range is the domain's rule to judge, so the refusal names it.
PercentText = Annotated[str, BeforeValidator(_percent_text)]


QuantityText = Annotated[Decimal, BeforeValidator(_quantity)]
# Text without NUL or other control characters (Postgres and the audit trail take them as typed);
# a multi-line text may hold tabs and line breaks. Each field states its longest length.
SingleLine = Annotated[str, AfterValidator(_single_line)]
MultiLine = Annotated[str, AfterValidator(_multi_line)]
Code = Annotated[SingleLine, Field(max_length=SHORT_TEXT)]
