"""Shadow IT: spend no one in IT governs, per month.

- **Unowned accounts**: cost lines of a billing account or sub-account that no account mapping
  names, of a source that has no owner: nobody is told of them, and no cost center carries them.
- **Vendors paid outside procurement**: a vendor paid through the cost data (its
  ``PublisherName``, else its ``ProviderName``), through a PO's invoices, or by corporate card,
  that is not in the vendor master (``not_in_vendor_master``) or that is paid without a PO
  (``no_po``: cost lines naming no PO; card payments to a vendor with no issued or closed PO).
  Names match the vendor master by their normalised form (``domain.vendor_names``).

Amounts are in minor units of the currency they were paid in (base currency for cost data and
invoices), each row rounded once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.settlement import to_minor
from domain.vendor_names import normalised_vendor_name

NO_PO = "no_po"
NOT_IN_VENDOR_MASTER = "not_in_vendor_master"
UNOWNED = "unowned_account"

_UNOWNED = text(
    """
    SELECT date_trunc('month', l.billing_period_start AT TIME ZONE 'UTC')::date AS month,
           src.name AS source, l.billing_account_id AS account, l.sub_account_id AS sub_account,
           l.base_currency AS currency, sum(l.effective_cost_base) AS amount
    FROM cost_lines l
    JOIN cost_slices s ON s.id = l.slice_id JOIN cost_sources src ON src.id = s.source_id
    WHERE l.billing_period_start >= :first AND l.billing_period_start < :until
      AND l.effective_cost_base IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM cost_source_owners o WHERE o.source_id = src.id)
      AND NOT EXISTS (
        SELECT 1 FROM cost_account_mappings m WHERE m.source_id = src.id AND (
          (m.account_kind = 'billing_account' AND m.account_id = l.billing_account_id)
          OR (m.account_kind = 'sub_account' AND m.account_id = l.sub_account_id)))
    GROUP BY 1, 2, 3, 4, 5
    """
)
_COST_VENDORS = text(
    """
    SELECT date_trunc('month', l.billing_period_start AT TIME ZONE 'UTC')::date AS month,
           COALESCE(NULLIF(l.publisher_name, ''), l.provider_name) AS vendor,
           l.base_currency AS currency, (l.po_number IS NULL) AS without_po,
           sum(l.effective_cost_base) AS amount
    FROM cost_lines l
    WHERE l.billing_period_start >= :first AND l.billing_period_start < :until
      AND l.effective_cost_base IS NOT NULL
      AND COALESCE(NULLIF(l.publisher_name, ''), l.provider_name) IS NOT NULL
    GROUP BY 1, 2, 3, 4
    """
)
_INVOICES = text(
    """
    SELECT date_trunc('month', (i ->> 'invoice_date')::date)::date AS month, po.vendor,
           po.base_currency AS currency, sum((i ->> 'amount_base_minor')::bigint) AS minor
    FROM purchase_orders po, jsonb_array_elements(COALESCE(po.detail -> 'invoices', '[]')) i
    WHERE (i ->> 'invoice_date')::date >= :first AND (i ->> 'invoice_date')::date < :until
    GROUP BY 1, 2, 3
    """
)
_CARDS = text(
    """
    SELECT date_trunc('month', transaction_date)::date AS month, merchant AS vendor, currency,
           sum(amount_minor) AS minor
    FROM card_transactions
    WHERE transaction_date >= :first AND transaction_date < :until
    GROUP BY 1, 2, 3
    """
)
_VENDORS = text(
    """
    SELECT v.name, EXISTS (SELECT 1 FROM purchase_orders po
                           WHERE (po.vendor_id = v.id OR po.vendor = v.name)
                             AND po.status IN ('issued', 'closed')) AS has_po
    FROM vendors v
    """
)


@dataclass(frozen=True)
class ShadowSpend:
    """A month's spend that no one in IT governs: an unowned account's (``name`` is the
    source, ``detail`` the account and sub-account) or a vendor's (``detail`` the vendor of
    the master it matched, if any), with why."""

    month: date
    kind: str  # unowned_account or vendor
    paid_through: str  # cost_data, invoice or card
    name: str
    detail: str
    reasons: tuple[str, ...]
    currency: str
    amount_minor: int


def shadow_it(session: Session, first: date, last: date) -> list[ShadowSpend]:
    """Shadow IT spend of the months ``first`` to ``last`` (first days), by month, then
    largest amount first."""
    window = {"first": first, "until": _next_month(last)}
    rows = [*_unowned(session, window), *_vendors(session, window)]
    return sorted(rows, key=lambda r: (r.month, -r.amount_minor, r.kind, r.name))


def _unowned(session: Session, window: dict[str, date]) -> list[ShadowSpend]:
    return [
        ShadowSpend(
            row.month,
            UNOWNED,
            "cost_data",
            row.source,
            f"{row.account} / {row.sub_account}" if row.sub_account else row.account,
            (UNOWNED,),
            row.currency,
            to_minor(Decimal(row.amount), row.currency),
        )
        for row in session.execute(_UNOWNED, window)
    ]


def _vendors(session: Session, window: dict[str, date]) -> list[ShadowSpend]:
    master = {normalised_vendor_name(r.name): (r.name, r.has_po) for r in session.execute(_VENDORS)}
    paid: dict[tuple[date, str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    names: dict[str, str] = {}  # normalised name -> its first spelling in sort order
    for row in session.execute(_COST_VENDORS, window):
        key = (row.month, "cost_data", _named(names, row.vendor), row.currency)
        paid[key][0 if row.without_po else 1] += row.amount
    for through, query in (("invoice", _INVOICES), ("card", _CARDS)):
        for row in session.execute(query, window):
            # Invoices are a PO's; card payments count as without a PO unless the vendor has one.
            key = (row.month, through, _named(names, row.vendor), row.currency)
            paid[key][1 if through == "invoice" else 0] += Decimal(row.minor)
    found = []
    for (month, through, vendor, currency), (without_po, with_po) in paid.items():
        matched = master.get(vendor)
        reasons, amount = _reasons(through, matched, without_po, with_po)
        if reasons:
            minor = to_minor(amount, currency) if through == "cost_data" else int(amount)
            detail = matched[0] if matched else ""
            found.append(
                ShadowSpend(
                    month, "vendor", through, names[vendor], detail, reasons, currency, minor
                )
            )
    return found


def _named(names: dict[str, str], name: str) -> str:
    key = normalised_vendor_name(name)
    names[key] = min(names.get(key, name), name)
    return key


def _reasons(
    through: str, matched: tuple[str, bool] | None, without_po: Decimal, with_po: Decimal
) -> tuple[tuple[str, ...], Decimal]:
    """Why the vendor's spend is shadow IT, and how much of it is: all of it when the vendor
    is not in the master, else what was paid without a PO."""
    if matched is None:
        return (NOT_IN_VENDOR_MASTER, *((NO_PO,) if without_po else ())), without_po + with_po
    has_po = matched[1]
    if through == "card" and has_po:
        return (), Decimal(0)
    return ((NO_PO,), without_po) if without_po else ((), Decimal(0))


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
