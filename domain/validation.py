"""Validation of a requisition against reference data (docs/purchase-order.md, step 1).

Every rule is a small generator of ``RuleFailure``s; ``validate_requisition`` runs them all so a
requester sees every problem at once. Reference data and ``today`` come in as arguments.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from domain.catalog import ServiceType, VendorStatus
from domain.money import RATE_CURRENCIES, CurrencyError, Money, check_currency
from domain.policy import PriceAboveMsa
from domain.requisition import LineItem, PoType, Requisition, RiskFlag


@dataclass(frozen=True)
class VendorFacts:
    name: str
    status: VendorStatus


@dataclass(frozen=True)
class ContractFacts:
    reference: str
    vendor: str
    start_date: date
    end_date: date | None
    notice_days: int
    auto_renew: bool


@dataclass(frozen=True)
class CatalogPrice:
    contract: str
    sku: str
    unit_price_minor: int
    currency: str
    service_type: ServiceType
    gl_account: str


@dataclass(frozen=True)
class ReferenceData:
    """What Postgres knows that the rules need, looked up by the caller (an activity)."""

    requester_active: bool
    vendor: VendorFacts | None  # None: no vendor of that name
    contract: ContractFacts | None  # None: requisition names no MSA, or an unknown one
    catalog: tuple[CatalogPrice, ...]  # the catalog items of the named MSA
    cost_center_active: bool
    project_cost_center: str | None  # the named project's cost center; None if unknown/absent
    gl_account_active: bool | None  # None when the requisition names no GL account


@dataclass(frozen=True)
class RuleFailure:
    """A failed rule: a stable snake_case ``rule`` id, the requisition ``field`` path it concerns
    (e.g. ``lines[0].unit_price_minor``) and one plain sentence for the requester."""

    rule: str
    field: str
    message: str


@dataclass(frozen=True)
class ValidationOutcome:
    refusals: tuple[RuleFailure, ...]
    flags: tuple[RuleFailure, ...]  # allowed to proceed but noted (e.g. price above MSA, FLAG)

    @property
    def accepted(self) -> bool:
        """True when no rule refuses the requisition; flags do not stop it."""
        return not self.refusals


def validate_requisition(
    requisition: Requisition,
    reference: ReferenceData,
    *,
    today: date,
    price_above_msa: PriceAboveMsa,
) -> ValidationOutcome:
    """Check every step-2 rule and report every failure, not only the first.

    A price above the MSA catalog price is a refusal under ``PriceAboveMsa.REFUSE`` and a flag
    under ``PriceAboveMsa.FLAG``; every other failure is a refusal. A rule that needs facts another
    rule found missing (no lines, no known MSA, unknown vendor) is skipped, not reported twice.
    """
    req, ref = requisition, reference
    refusals = [
        *_requester_active(req, ref),
        *_currency_valid(req),
        *_blanket_ceiling(req),
        *_lines_present(req),
        *_line_rules(req),
        *_service_period_not_past(req, today),
        *_vendor_known(req, ref),
        *_vendor_approved(ref),
        *_msa_present(req),
        *_msa_known(req, ref),
        *_msa_of_vendor(req, ref),
        *_msa_valid_for_service_period(req, ref),
        *_catalog_item_known(req, ref),
        *_catalog_currency_matches(req, ref),
        *_cost_center_active(req, ref),
        *_project(req, ref),
        *_gl_account_active(req, ref),
        *_business_case_present(req),
        *_dpia_present(req),
        *_least_privilege_statement_present(req),
        *_emergency_justified(req),
    ]
    above = tuple(_price_above_msa(req, ref))
    if price_above_msa is PriceAboveMsa.REFUSE:
        return ValidationOutcome(refusals=(*refusals, *above), flags=())
    return ValidationOutcome(refusals=tuple(refusals), flags=above)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _currency_ok(currency: str) -> bool:
    try:
        check_currency(currency)
    except CurrencyError:
        return False
    return True


def _amount(minor: int, currency: str) -> str:
    """An amount as a requester reads it ("1,200.00 EUR"), or raw minor units if the code is bad."""
    return str(Money(minor, currency)) if _currency_ok(currency) else f"{minor} {currency}"


def _requester_active(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    if not ref.requester_active:
        yield RuleFailure(
            "requester_active", "requester", f"Requester {req.requester} is not an active user."
        )


def _currency_valid(req: Requisition) -> Iterator[RuleFailure]:
    if not _currency_ok(req.currency):
        yield RuleFailure(
            "currency_valid",
            "currency",
            f"Currency {req.currency!r} is not an ISO 4217 code such as EUR.",
        )
    elif req.currency not in RATE_CURRENCIES:
        yield RuleFailure(
            "currency_known",
            "currency",
            f"No exchange rate is published for {req.currency}; use one of "
            f"{', '.join(sorted(RATE_CURRENCIES))}.",
        )


def _blanket_ceiling(req: Requisition) -> Iterator[RuleFailure]:
    ceiling = req.blanket_ceiling_minor
    if req.po_type is PoType.BLANKET and (ceiling is None or ceiling <= 0):
        yield RuleFailure(
            "blanket_ceiling",
            "blanket_ceiling_minor",
            f"A blanket purchase order needs a positive ceiling, got {ceiling}.",
        )
    elif req.po_type is PoType.ONE_TIME and ceiling is not None:
        yield RuleFailure(
            "blanket_ceiling",
            "blanket_ceiling_minor",
            f"A one-time purchase order has no ceiling; remove the ceiling of "
            f"{_amount(ceiling, req.currency)}.",
        )


def _lines_present(req: Requisition) -> Iterator[RuleFailure]:
    if not req.lines:
        yield RuleFailure("lines_present", "lines", "A requisition needs at least one line.")


def _line_rules(req: Requisition) -> Iterator[RuleFailure]:
    for index, line in enumerate(req.lines):
        yield from _quantity_positive(index, line)
        yield from _unit_price_not_negative(index, line, req.currency)
        yield from _service_period_valid(index, line)


def _quantity_positive(index: int, line: LineItem) -> Iterator[RuleFailure]:
    if line.quantity <= 0:
        yield RuleFailure(
            "quantity_positive",
            f"lines[{index}].quantity",
            f"Line {index + 1} ({line.description}) has quantity {line.quantity}; "
            "it must be at least 1.",
        )


def _unit_price_not_negative(index: int, line: LineItem, currency: str) -> Iterator[RuleFailure]:
    if line.unit_price_minor < 0:
        yield RuleFailure(
            "unit_price_not_negative",
            f"lines[{index}].unit_price_minor",
            f"Line {index + 1} ({line.description}) has a negative unit price of "
            f"{_amount(line.unit_price_minor, currency)}.",
        )


def _service_period_valid(index: int, line: LineItem) -> Iterator[RuleFailure]:
    if line.service_end < line.service_start:
        yield RuleFailure(
            "service_period_valid",
            f"lines[{index}].service_end",
            f"Line {index + 1} ({line.description}) ends on {line.service_end.isoformat()}, "
            f"before it starts on {line.service_start.isoformat()}.",
        )


def _service_period_not_past(req: Requisition, today: date) -> Iterator[RuleFailure]:
    if req.lines and req.service_end < today:
        latest = max(range(len(req.lines)), key=lambda i: req.lines[i].service_end)
        yield RuleFailure(
            "service_period_not_past",
            f"lines[{latest}].service_end",
            f"The service period ended on {req.service_end.isoformat()}, "
            f"before today ({today.isoformat()}).",
        )


def _vendor_known(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    if ref.vendor is None:
        yield RuleFailure(
            "vendor_known", "vendor", f"{req.vendor} is not a known vendor; choose a listed one."
        )


def _vendor_approved(ref: ReferenceData) -> Iterator[RuleFailure]:
    if ref.vendor is not None and ref.vendor.status is not VendorStatus.APPROVED:
        yield RuleFailure(
            "vendor_approved",
            "vendor",
            f"{ref.vendor.name} is {ref.vendor.status.value}; choose an approved vendor.",
        )


def _known_contract(req: Requisition, ref: ReferenceData) -> ContractFacts | None:
    """The MSA the requisition names, when the reference data knows it."""
    if req.contract is None or ref.contract is None or ref.contract.reference != req.contract:
        return None
    return ref.contract


def _msa_present(req: Requisition) -> Iterator[RuleFailure]:
    if req.contract is None:
        yield RuleFailure(
            "msa_present",
            "contract",
            f"Every purchase order falls under an MSA; name the MSA with {req.vendor}.",
        )


def _msa_known(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    if req.contract is not None and _known_contract(req, ref) is None:
        yield RuleFailure("msa_known", "contract", f"{req.contract} is not a known MSA.")


def _msa_of_vendor(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    contract = _known_contract(req, ref)
    if contract is not None and contract.vendor != req.vendor:
        yield RuleFailure(
            "msa_of_vendor",
            "contract",
            f"{contract.reference} is an MSA with {contract.vendor}, not with {req.vendor}.",
        )


def _msa_valid_for_service_period(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    contract = _known_contract(req, ref)
    if contract is None or not req.lines:
        return
    start, end = req.service_start, req.service_end
    if contract.start_date <= start and (contract.end_date is None or contract.end_date >= end):
        return
    until = "open-ended" if contract.end_date is None else contract.end_date.isoformat()
    yield RuleFailure(
        "msa_valid_for_service_period",
        "contract",
        f"{contract.reference} runs from {contract.start_date.isoformat()} to {until}, "
        f"which does not cover the service period {start.isoformat()} to {end.isoformat()}.",
    )


def _catalog_lines(
    req: Requisition, ref: ReferenceData
) -> Iterator[tuple[int, LineItem, str, CatalogPrice | None]]:
    """Each line with a catalog SKU, the SKU, and its MSA catalog price (None: not listed)."""
    contract = _known_contract(req, ref)
    if contract is None:
        return  # msa_present / msa_known already refuse; there is no catalog to check against
    prices = {price.sku: price for price in ref.catalog if price.contract == contract.reference}
    for index, line in enumerate(req.lines):
        if line.catalog_sku is not None:
            yield index, line, line.catalog_sku, prices.get(line.catalog_sku)


def _catalog_item_known(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    for index, _line, sku, price in _catalog_lines(req, ref):
        if price is None:
            yield RuleFailure(
                "catalog_item_known",
                f"lines[{index}].catalog_sku",
                f"Catalog item {sku} is not in the catalog of {req.contract}.",
            )


def _catalog_currency_matches(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    for _index, _line, sku, price in _catalog_lines(req, ref):
        if price is not None and price.currency != req.currency:
            yield RuleFailure(
                "catalog_currency_matches",
                "currency",
                f"Catalog item {sku} of {price.contract} is priced in {price.currency}, "
                f"but this requisition is in {req.currency}.",
            )


def _price_above_msa(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    for index, line, sku, price in _catalog_lines(req, ref):
        if price is None or price.currency != req.currency:
            continue  # catalog_item_known / catalog_currency_matches report these
        if line.unit_price_minor > price.unit_price_minor:
            yield RuleFailure(
                "price_above_msa",
                f"lines[{index}].unit_price_minor",
                f"Line {index + 1} costs {_amount(line.unit_price_minor, req.currency)} a unit, "
                f"above the {price.contract} price of "
                f"{_amount(price.unit_price_minor, price.currency)} for {sku}.",
            )


def _cost_center_active(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    if not ref.cost_center_active:
        yield RuleFailure(
            "cost_center_active", "cost_center", f"Cost center {req.cost_center} is not active."
        )


def _project(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    """project_known, then project_of_cost_center; nothing when no project is named."""
    if req.project is None:
        return
    if ref.project_cost_center is None:
        yield RuleFailure("project_known", "project", f"{req.project} is not a known project.")
    elif ref.project_cost_center != req.cost_center:
        yield RuleFailure(
            "project_of_cost_center",
            "project",
            f"Project {req.project} belongs to cost center {ref.project_cost_center}, "
            f"not {req.cost_center}.",
        )


def _gl_account_active(req: Requisition, ref: ReferenceData) -> Iterator[RuleFailure]:
    # A named GL account the caller could not confirm (None) counts as not active.
    if req.gl_account is not None and ref.gl_account_active is not True:
        yield RuleFailure(
            "gl_account_active",
            "gl_account",
            f"GL account {req.gl_account} is not an active account.",
        )


def _business_case_present(req: Requisition) -> Iterator[RuleFailure]:
    if _blank(req.business_case_ref):
        yield RuleFailure(
            "business_case_present",
            "business_case_ref",
            f"{req.title} needs a business case reference.",
        )


def _dpia_present(req: Requisition) -> Iterator[RuleFailure]:
    if RiskFlag.HANDLES_PII in req.risk_flags and _blank(req.dpia_ref):
        yield RuleFailure(
            "dpia_present",
            "dpia_ref",
            f"{req.title} handles personal data, so it needs a DPIA reference.",
        )


def _least_privilege_statement_present(req: Requisition) -> Iterator[RuleFailure]:
    if RiskFlag.THIRD_PARTY_ACCESS in req.risk_flags and _blank(req.least_privilege_statement):
        yield RuleFailure(
            "least_privilege_statement_present",
            "least_privilege_statement",
            f"{req.title} gives {req.vendor} access to our systems, "
            "so it needs a least-privilege statement.",
        )


def _emergency_justified(req: Requisition) -> Iterator[RuleFailure]:
    """Two failures at most: a missing justification, and a missing incident or change ticket."""
    if not req.emergency:
        return
    if _blank(req.emergency_justification):
        yield RuleFailure(
            "emergency_justified",
            "emergency_justification",
            f"Emergency purchase order {req.title} needs a justification.",
        )
    if _blank(req.incident_ref) and _blank(req.change_ticket):
        yield RuleFailure(
            "emergency_justified",
            "incident_ref",
            f"Emergency purchase order {req.title} needs an incident or change ticket reference.",
        )
