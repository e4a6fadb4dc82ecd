"""Work the vendor has done by others: who they are, and who answers for them."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass


@dataclass(frozen=True)
class Subcontracting:
    """``prime_accountable``: the vendor (the prime) answers for its subcontractors' work, as
    ``accountability_clause`` states; otherwise each subcontractor named answers for its own."""

    prime_accountable: bool
    accountability_clause: str | None = None
    subcontractors: tuple[str, ...] = ()
