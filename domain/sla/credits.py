"""The service credit a breach earns: ``credit_percent_per_breach`` of the PO's monthly charge,
the month's credits together at most ``credit_cap_percent`` of that charge.

The monthly charge is the PO's amount spread over its service period
(``domain.routing.monthly_run_rate``), an exact fraction of minor units. The n-th breach of a
month earns ``round(min(n * per_breach, cap)) - round(min((n - 1) * per_breach, cap))``: the
month's credits so far are rounded as a whole, half to even, to the minor unit, so the month's
credits add up to the rounded total and never pass the rounded cap, whatever order the breaches
come in. No float is involved: percents are exact decimals, the charge an exact fraction."""

from datetime import date
from fractions import Fraction

from domain.routing import monthly_run_rate
from domain.terms.sla import SlaTerms

HUNDRED = Fraction(100)


def monthly_charge(amount_minor: int, service_start: date, service_end: date) -> Fraction:
    """What the PO charges a month, in minor units (see ``monthly_run_rate``)."""
    return monthly_run_rate(amount_minor, service_start, service_end)


def breach_credit_minor(charge: Fraction, terms: SlaTerms, ordinal: int) -> int:
    """The credit of the month's ``ordinal``-th breach (1 is the first), in minor units; 0 once
    the month's cap is reached."""
    if ordinal < 1:
        raise ValueError(f"a breach is counted from 1, got {ordinal}")
    return _credits_so_far(charge, terms, ordinal) - _credits_so_far(charge, terms, ordinal - 1)


def month_credit_minor(charge: Fraction, terms: SlaTerms, breaches: int) -> int:
    """What a month with ``breaches`` breaches earns in all, in minor units."""
    return _credits_so_far(charge, terms, breaches)


def _credits_so_far(charge: Fraction, terms: SlaTerms, breaches: int) -> int:
    """The first ``breaches`` breaches' credit, capped, rounded half to even (Python's
    ``round`` of a ``Fraction``)."""
    earned = breaches * Fraction(terms.credit_percent_per_breach) / HUNDRED * charge
    if terms.credit_cap_percent is not None:
        earned = min(earned, Fraction(terms.credit_cap_percent) / HUNDRED * charge)
    return round(earned)
