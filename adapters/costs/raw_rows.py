"""What every cost-file reader yields: the file's header once, then its data rows one by one,
each with its 1-based row number and its cells as text (None for a missing cell)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RawCostRow:
    row_number: int
    values: dict[str, str | None]


class CostFileReader(Protocol):
    file: str
    header: tuple[str, ...]

    def rows(self) -> Iterator[RawCostRow]: ...
