"""Integers the API takes in (path, query and body) bounded to what their Postgres columns hold,
so a number past the column is refused with 422 ``invalid_request`` instead of failing the query."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

INTEGER_MAX = 2**31 - 1  # Postgres integer
BIGINT_MAX = 2**63 - 1  # Postgres bigint

# A fiscal year, period or version: kept in integer columns.
Int32 = Annotated[int, Ge(-INTEGER_MAX - 1), Le(INTEGER_MAX)]
PositiveInt32 = Annotated[int, Ge(1), Le(INTEGER_MAX)]
# A row id (bigint), or how many rows to skip.
RowId = Annotated[int, Ge(1), Le(BIGINT_MAX)]
RowOffset = Annotated[int, Ge(0), Le(BIGINT_MAX)]
