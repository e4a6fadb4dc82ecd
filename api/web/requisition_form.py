"""The requisition web form: the catalog it offers, the values a requester entered, and how those
values become a ``Requisition`` (or errors shown next to the fields they concern)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from api.web.form_catalog import CatalogEntry, FormCatalog
from api.web.session import form_key
from domain.catalog import ServiceType
from domain.money import CurrencyError, Money, check_currency
from domain.requisition import LineItem, Requisition, RiskFlag
from domain.validation import FieldRefusal

FieldErrors = dict[str, list[str]]
_AMOUNT = re.compile(r"\d+(\.\d+)?")
_LINE_PATH = re.compile(r"^lines\[\d+\]\.")
# Longest text each field takes; the read model and the audit trail hold no more.
_MAX_LENGTH = {
    "title": 300,
    "description": 500,
    "business_case_ref": 80,
    "dpia_ref": 80,
    "itsm_ticket": 80,
    "change_ticket": 80,
    "incident_ref": 80,
    "least_privilege_statement": 4000,
    "emergency_justification": 4000,
}


@dataclass(frozen=True)
class RequisitionForm:
    """The values as entered, kept as text so a refused form shows them again unchanged."""

    title: str = ""
    vendor: str = ""
    contract: str = ""
    catalog_sku: str = ""
    description: str = ""
    unit_price: str = ""
    currency: str = "EUR"
    quantity: str = "1"
    service_start: str = ""
    service_end: str = ""
    cost_center: str = ""
    project: str = ""
    gl_account: str = ""
    service_type: str = ""
    business_case_ref: str = ""
    dpia_ref: str = ""
    least_privilege_statement: str = ""
    itsm_ticket: str = ""
    change_ticket: str = ""
    emergency_justification: str = ""
    incident_ref: str = ""
    idempotency_key: str = field(default_factory=lambda: form_key("form"))
    risk_flags: tuple[str, ...] = ()
    emergency: bool = False

    @classmethod
    def from_form(cls, posted: FormData) -> RequisitionForm:
        texts = {
            f.name: str(posted.get(f.name) or "").strip()
            for f in fields(cls)
            if f.type == "str" and f.name in posted
        }
        flags = tuple(str(flag) for flag in posted.getlist("risk_flags"))
        return cls(**texts, risk_flags=flags, emergency=posted.get("emergency") is not None)

    @property
    def key(self) -> str | None:
        """The form's idempotency key; one made by this page is never longer than 200."""
        return self.idempotency_key if 0 < len(self.idempotency_key) <= 200 else None


class FormInvalid(ValueError):
    """Values that cannot make a requisition at all (a date that is not a date, say)."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


FORM_FIELDS = frozenset(f.name for f in fields(RequisitionForm))


def to_requisition(form: RequisitionForm, catalog: FormCatalog, requester: str) -> Requisition:
    """The requisition the form describes: one line, priced from the chosen catalog item unless
    a unit price is entered; ``FormInvalid`` names each field that cannot be read."""
    item = catalog.item(form.contract, form.catalog_sku) if form.catalog_sku else None
    errors = _missing_or_too_long(form, item)
    currency = item.price.currency if item else form.currency
    line = _line(form, item, currency, errors)
    service_type = _service_type(form, item, errors)
    if errors or line is None or service_type is None:
        raise FormInvalid(errors)
    return Requisition(
        requester=requester,
        title=form.title,
        cost_center=form.cost_center,
        vendor=form.vendor,
        service_type=service_type,
        currency=currency,
        lines=(line,),
        contract=form.contract or None,
        project=form.project or None,
        gl_account=form.gl_account or None,
        risk_flags=tuple(RiskFlag(f) for f in RiskFlag if f.value in form.risk_flags),
        business_case_ref=form.business_case_ref or None,
        dpia_ref=form.dpia_ref or None,
        least_privilege_statement=form.least_privilege_statement or None,
        itsm_ticket=form.itsm_ticket or None,
        change_ticket=form.change_ticket or None,
        emergency=form.emergency,
        emergency_justification=form.emergency_justification or None,
        incident_ref=form.incident_ref or None,
    )


def placed(refusals: Sequence[FieldRefusal]) -> tuple[FieldErrors, list[str]]:
    """Each failed rule's message under the form field it concerns (``lines[0].unit_price_minor``
    is the unit price field); messages of rules about no field of the form, listed apart."""
    by_field: FieldErrors = {}
    elsewhere: list[str] = []
    for failure in refusals:
        name = _LINE_PATH.sub("", failure.field).removesuffix("_minor")
        if name in FORM_FIELDS:
            by_field.setdefault(name, []).append(failure.message)
        else:
            elsewhere.append(failure.message)
    return by_field, elsewhere


def _missing_or_too_long(form: RequisitionForm, item: CatalogEntry | None) -> FieldErrors:
    errors: FieldErrors = {}
    for name, longest in _MAX_LENGTH.items():
        if len(getattr(form, name)) > longest:
            errors.setdefault(name, []).append(f"Use at most {longest} characters.")
    required = [("title", "Enter a title."), ("vendor", "Choose a vendor.")]
    required.append(("cost_center", "Choose a cost center."))
    if item is None:
        required.append(("description", "Describe the line, or choose a catalog item."))
        required.append(("gl_account", "Choose a GL account; a catalog item maps one for you."))
    for name, message in required:
        if not getattr(form, name):
            errors.setdefault(name, []).append(message)
    return errors


def _line(
    form: RequisitionForm, item: CatalogEntry | None, currency: str, errors: FieldErrors
) -> LineItem | None:
    price = _unit_price(form, item, currency, errors)
    quantity = _quantity(form, errors)
    start = _date(form.service_start, "service_start", errors)
    end = _date(form.service_end, "service_end", errors)
    if price is None or quantity is None or start is None or end is None:
        return None
    return LineItem(
        description=form.description or (item.description if item else ""),
        quantity=quantity,
        unit_price_minor=price,
        service_start=start,
        service_end=end,
        catalog_sku=item.sku if item else (form.catalog_sku or None),
    )


def _unit_price(
    form: RequisitionForm, item: CatalogEntry | None, currency: str, errors: FieldErrors
) -> int | None:
    if not form.unit_price:
        if item is not None:
            return item.price.minor
        errors["unit_price"] = ["Enter a unit price such as 1234.50, or choose a catalog item."]
        return None
    try:
        check_currency(currency)
    except CurrencyError:
        errors["currency"] = ["Choose a currency such as EUR."]
        return None
    if not _AMOUNT.fullmatch(form.unit_price):
        errors["unit_price"] = [f"{form.unit_price!r} is not an amount such as 1234.50."]
        return None
    try:
        return Money.parse(Decimal(form.unit_price), currency).minor
    except (ValueError, InvalidOperation) as error:
        errors["unit_price"] = [str(error)]
        return None


def _quantity(form: RequisitionForm, errors: FieldErrors) -> int | None:
    if form.quantity.isdigit():
        return int(form.quantity)
    errors["quantity"] = ["Enter a whole number of units, such as 3."]
    return None


def _date(text: str, name: str, errors: FieldErrors) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = ["Enter a date (YYYY-MM-DD)."]
        return None


def _service_type(
    form: RequisitionForm, item: CatalogEntry | None, errors: FieldErrors
) -> ServiceType | None:
    if form.service_type in {s.value for s in ServiceType}:
        return ServiceType(form.service_type)
    if item is not None:
        return item.service_type
    errors["service_type"] = ["Choose a service type; a catalog item sets it for you."]
    return None
