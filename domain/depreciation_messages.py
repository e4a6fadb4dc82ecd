"""What the monthly depreciation run and its activity exchange (money in integer minor units)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DepreciationRequest:
    """Book every month up to ``through`` (``YYYY-MM``; empty: the month before the run's
    start), registering first the capital purchases that have no asset yet; a PO whose GL
    account is not a capital one is registered on ``capex_gl`` when given."""

    through: str = ""
    capex_gl: str | None = None


@dataclass(frozen=True)
class DepreciationResult:
    through: str
    currency: str
    assets: int = 0
    entries_posted: int = 0
    booked_minor: int = 0
    assets_registered: list[str] = field(default_factory=list)


def month_before(year: int, month: int) -> str:
    """``YYYY-MM`` of the month before ``year``-``month``."""
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"
