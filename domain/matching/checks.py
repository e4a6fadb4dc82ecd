"""Each check of one invoice line against its PO line (and its receipt, 3-way): a ``Variance``
when the line is off, None when it is not. Billing below the PO (a lower unit price, a smaller
quantity) is never a variance."""

from decimal import ROUND_HALF_EVEN, Decimal

from domain.matching.lines import LineToMatch
from domain.matching.results import Variance, VarianceKind
from domain.matching.tolerances import Tolerance
from domain.matching.wording import money, price_limits, quantity, quantity_limits, share
from domain.money import Money, convert

# Tax computed per line and per invoice may differ by one minor unit of rounding.
TAX_ROUNDING_MINOR = 1


def within(
    over: Decimal,
    of: Decimal,
    percent: Decimal | None,
    limit_over: Decimal,
    limit: Decimal | int | None,
) -> bool:
    """Whether ``over`` is within ``percent`` of ``of`` and ``limit_over`` within ``limit``; a
    limit left out (None) does not constrain, and exactly at a limit is within."""
    if limit is not None and limit_over > limit:
        return False
    return percent is None or over * 100 <= percent * of


def currency_variance(line: LineToMatch) -> Variance | None:
    billed, ordered = line.invoice.currency, line.ordered.currency
    if billed == ordered:
        return None
    explanation = f"invoiced in {billed} but the PO is in {ordered}; the unit price is not compared"
    return Variance(VarianceKind.CURRENCY, explanation)


def price_variance(
    line: LineToMatch, tolerance: Tolerance, base_currency: str, po_rate: Decimal
) -> Variance | None:
    """A unit price above the PO's beyond the tolerance (the amount limit in base currency, at
    the PO's rate). Only in one currency: a currency variance is reported instead."""
    billed, ordered = line.invoice, line.ordered
    over = billed.unit_price_minor - ordered.unit_price_minor
    if over <= 0 or billed.currency != ordered.currency:
        return None
    over_base = convert(Money(over, ordered.currency), po_rate, base_currency).minor
    limit = tolerance.price_amount_minor
    if within(
        Decimal(over),
        Decimal(ordered.unit_price_minor),
        tolerance.price_percent,
        Decimal(over_base),
        limit,
    ):
        return None
    above = share(Decimal(over), Decimal(ordered.unit_price_minor)) or money(over, billed.currency)
    explanation = (
        f"unit price {money(billed.unit_price_minor, billed.currency)} is {above} above the "
        f"PO's {money(ordered.unit_price_minor, ordered.currency)}; "
        f"{price_limits(tolerance, base_currency)}"
    )
    return Variance(
        VarianceKind.PRICE,
        explanation,
        Decimal(ordered.unit_price_minor),
        Decimal(billed.unit_price_minor),
        Decimal(over),
        billed.currency,
    )


def quantity_variance(line: LineToMatch, tolerance: Tolerance) -> Variance | None:
    """The quantity invoiced so far (earlier invoices and this one) above the ordered quantity
    beyond the tolerance (percent of the ordered quantity, and units)."""
    billed, ordered = line.invoice.quantity, line.ordered
    over = ordered.invoiced_quantity + billed - ordered.quantity
    if over <= 0 or within(
        over, ordered.quantity, tolerance.quantity_percent, over, tolerance.quantity_units
    ):
        return None
    before = ordered.invoiced_quantity
    billing = f"quantity {quantity(billed)}" + (
        f" and the {quantity(before)} invoiced before are" if before else " is"
    )
    percent = share(over, ordered.quantity)
    explanation = (
        f"{billing} {quantity(over)} above the {quantity(ordered.quantity)} ordered"
        f"{f' ({percent})' if percent else ''}; {quantity_limits(tolerance)}"
    )
    expected = ordered.quantity - before
    return Variance(VarianceKind.QUANTITY, explanation, expected, billed, billed - expected)


def receipt_variance(line: LineToMatch) -> Variance | None:
    """3-way: the part of the invoiced quantity not received (received less what earlier
    invoices billed). No tolerance: what has not arrived is not paid."""
    billed, before = line.invoice.quantity, line.ordered.invoiced_quantity
    received = line.received_quantity or Decimal(0)
    open_received = max(received - before, Decimal(0))
    missing = billed - open_received
    if missing <= 0:
        return None
    if received == 0:
        explanation = f"quantity {quantity(billed)} is not received: nothing is received yet"
    else:
        explanation = (
            f"{quantity(missing)} of quantity {quantity(billed)} not received: "
            f"{quantity(received)} received, {quantity(before)} of it invoiced before"
        )
    return Variance(VarianceKind.NOT_RECEIVED, explanation, open_received, billed, missing)


def tax_variance(line: LineToMatch) -> Variance | None:
    """The invoice's tax against the PO line's tax rate on the invoiced net (quantity times unit
    price), rounded half to even; within one minor unit of rounding either way."""
    rate, billed = line.ordered.tax_percent, line.invoice
    if rate is None:
        return None
    net = billed.quantity * billed.unit_price_minor
    expected = int((net * rate / 100).quantize(Decimal(1), ROUND_HALF_EVEN))
    off = billed.tax_minor - expected
    if abs(off) <= TAX_ROUNDING_MINOR:
        return None
    net_minor = int(net.quantize(Decimal(1), ROUND_HALF_EVEN))
    explanation = (
        f"tax {money(billed.tax_minor, billed.currency)} is {money(abs(off), billed.currency)} "
        f"{'above' if off > 0 else 'below'} {quantity(rate)} % of the net "
        f"{money(net_minor, billed.currency)} ({money(expected, billed.currency)})"
    )
    return Variance(
        VarianceKind.TAX,
        explanation,
        Decimal(expected),
        Decimal(billed.tax_minor),
        Decimal(off),
        billed.currency,
    )
