"""The rules on a requisition's vendor, its MSA and the MSA's catalog. A rule that needs facts
another found missing (unknown vendor, no known MSA) is skipped, not reported twice."""

from collections.abc import Iterator

from domain.catalog import VendorStatus
from domain.requisition import LineItem, Requisition
from domain.validation import (
    CatalogPrice,
    ContractFacts,
    FieldRefusal,
    ReferenceData,
    amount_text,
)


def vendor_and_msa_refusals(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    """Every refusal about the vendor, the MSA and its catalog, in the order a requester reads
    them; a price above the MSA is ``prices_above_msa``'s, as the policy decides its weight."""
    yield from _vendor_known(req, ref)
    yield from _vendor_approved(ref)
    yield from _msa_present(req)
    yield from _msa_known(req, ref)
    yield from _msa_of_vendor(req, ref)
    yield from _msa_valid_for_service_period(req, ref)
    yield from _catalog_item_known(req, ref)
    yield from _catalog_currency_matches(req, ref)


def _vendor_known(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    if ref.vendor is None:
        yield FieldRefusal(
            "vendor_known", "vendor", f"{req.vendor} is not a known vendor; choose a listed one."
        )


def _vendor_approved(ref: ReferenceData) -> Iterator[FieldRefusal]:
    if ref.vendor is not None and ref.vendor.status is not VendorStatus.APPROVED:
        yield FieldRefusal(
            "vendor_approved",
            "vendor",
            f"{ref.vendor.name} is {ref.vendor.status.value}; choose an approved vendor.",
        )


def _known_contract(req: Requisition, ref: ReferenceData) -> ContractFacts | None:
    """The MSA the requisition names, when the reference data knows it."""
    if req.contract is None or ref.contract is None or ref.contract.reference != req.contract:
        return None
    return ref.contract


def _msa_present(req: Requisition) -> Iterator[FieldRefusal]:
    if req.contract is None:
        yield FieldRefusal(
            "msa_present",
            "contract",
            f"Every purchase order falls under an MSA; name the MSA with {req.vendor}.",
        )


def _msa_known(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    if req.contract is not None and _known_contract(req, ref) is None:
        yield FieldRefusal("msa_known", "contract", f"{req.contract} is not a known MSA.")


def _msa_of_vendor(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    contract = _known_contract(req, ref)
    if contract is not None and contract.vendor != req.vendor:
        yield FieldRefusal(
            "msa_of_vendor",
            "contract",
            f"{contract.reference} is an MSA with {contract.vendor}, not with {req.vendor}.",
        )


def _msa_valid_for_service_period(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    contract = _known_contract(req, ref)
    if contract is None or not req.lines:
        return
    start, end = req.service_start, req.service_end
    if contract.start_date <= start and (contract.end_date is None or contract.end_date >= end):
        return
    until = "open-ended" if contract.end_date is None else contract.end_date.isoformat()
    yield FieldRefusal(
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


def _catalog_item_known(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    for index, _line, sku, price in _catalog_lines(req, ref):
        if price is None:
            yield FieldRefusal(
                "catalog_item_known",
                f"lines[{index}].catalog_sku",
                f"Catalog item {sku} is not in the catalog of {req.contract}.",
            )


def _catalog_currency_matches(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    for _index, _line, sku, price in _catalog_lines(req, ref):
        if price is not None and price.currency != req.currency:
            yield FieldRefusal(
                "catalog_currency_matches",
                "currency",
                f"Catalog item {sku} of {price.contract} is priced in {price.currency}, "
                f"but this requisition is in {req.currency}.",
            )


def prices_above_msa(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    for index, line, sku, price in _catalog_lines(req, ref):
        if price is None or price.currency != req.currency:
            continue  # catalog_item_known / catalog_currency_matches report these
        if line.unit_price_minor > price.unit_price_minor:
            paid = amount_text(line.unit_price_minor, req.currency)
            yield FieldRefusal(
                "price_above_msa",
                f"lines[{index}].unit_price_minor",
                f"Line {index + 1} costs {paid} a unit, above the {price.contract} price of "
                f"{amount_text(price.unit_price_minor, price.currency)} for {sku}.",
            )
