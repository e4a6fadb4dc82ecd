"""A calendar month in a query (``2024-09``) and a range of them, as their first days; a month
that is not ``YYYY-MM`` is a 422 from the parameter's pattern, a range that ends before it
starts a 422 ``month_range_reversed``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, status

from api.errors import Refused

MONTH_PATTERN = r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$"
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="a month, YYYY-MM")]
FromMonth = Annotated[
    str, Query(alias="from", pattern=MONTH_PATTERN, description="the first month, YYYY-MM")
]
ToMonth = Annotated[
    str | None,
    Query(alias="to", pattern=MONTH_PATTERN, description="the last month (the first unless given)"),
]


def first_day(month: str) -> date:
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def month_range(first: str, last: str | None) -> tuple[date, date]:
    """The first days of ``first`` and ``last`` (``first`` alone when none); 422 when reversed."""
    start, end = first_day(first), first_day(last or first)
    if end < start:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the range ends ({last}) before it starts ({first})",
            rule="month_range_reversed",
        )
    return start, end
