"""Shadow IT per month: the cost of accounts no mapping names in a source no one owns, and
vendors paid (cost data, PO invoices, card statements) that are not in the vendor master or
are paid without a PO, their spellings matched by normalised name."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import PoStatus, VendorStatus
from domain.costs.card_statements import CardStatementError
from domain.invoicing import InvoiceRecord
from domain.purchase_order import PoView
from domain.vendor_names import normalised_vendor_name
from models import CostSourceOwner, PurchaseOrder, Vendor
from models.costs.loading import open_load, swap_in
from models.costs.shadow_it import ShadowSpend, shadow_it
from models.people.accounts import upsert_user
from models.purchase_orders.records import view_document
from tests.builders.requisitions import laptops
from tests.builders.uploads import import_statement

MARCH = date(2019, 3, 1)
_START = datetime(2019, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def world(engine: Engine) -> str:
    """Two sources' March 2019 lines, committed: one source unowned and unmapped, one owned.
    Returns the names' suffix."""
    tag = uuid.uuid4().hex[:6]
    unowned = _source(engine, f"shadow-{tag}")
    owned = _source(engine, f"owned-{tag}", owner=True)
    _load(
        engine,
        unowned,
        f"acct-{tag}",
        [
            (f"Zoomy{tag} Video Inc.", None, "10.00", None),
            (None, f"Contoso{tag} Software", "5.00", "PO-1"),
            (None, f"Contoso{tag} Software", "2.495", None),
        ],
    )
    _load(engine, owned, f"own-{tag}", [(f"ZOOMY{tag} VIDEO", None, "1.00", None)])
    return tag


def test_unowned_accounts_and_vendors_outside_procurement(session: Session, world: str) -> None:
    tag = world
    session.add(
        Vendor(name=f"Contoso{tag} Software GmbH", status=VendorStatus.APPROVED, country="DE")
    )
    _invoiced_po(session, f"Unlisted{tag} Consulting", 50_000)
    importer = upsert_user(session, f"cards-{tag}", roles=[])
    statement = (
        "date,merchant,amount,currency,card_holder,mcc,description\n"
        f"2019-03-05,SQ *ZOOMY{tag} VIDEO,12.00,USD,alex,4816,team plan\n"
        f"2019-03-09,Contoso{tag} Software,3.00,EUR,sam,5734,\n"
    )
    first = import_statement(session, statement, by=importer)
    again = import_statement(session, statement, by=importer)
    assert (first.added, again.added) == (2, 0)

    rows = {_key(r): r for r in shadow_it(session, MARCH, MARCH) if tag in r.name.lower()}

    assert rows[("unowned_account", "cost_data", f"shadow-{tag}")].amount_minor == 1750
    assert ("unowned_account", "cost_data", f"owned-{tag}") not in rows
    zoomy = rows[("vendor", "cost_data", f"zoomy{tag} video")]
    assert (zoomy.reasons, zoomy.amount_minor) == (("not_in_vendor_master", "no_po"), 1100)
    contoso = rows[("vendor", "cost_data", f"contoso{tag} software")]
    assert (contoso.reasons, contoso.detail, contoso.amount_minor) == (
        ("no_po",),
        f"Contoso{tag} Software GmbH",
        250,  # 2.495 rounded once, half to even
    )
    card = rows[("vendor", "card", f"zoomy{tag} video")]
    assert (card.currency, card.amount_minor) == ("USD", 1200)
    assert rows[("vendor", "card", f"contoso{tag} software")].reasons == ("no_po",)
    invoice = rows[("vendor", "invoice", f"unlisted{tag} consulting")]
    assert (invoice.reasons, invoice.amount_minor) == (("not_in_vendor_master",), 50_000)


def test_a_card_statement_with_a_wrong_row_stores_nothing(session: Session) -> None:
    importer = upsert_user(session, f"cards-{uuid.uuid4().hex[:6]}", roles=[])
    statement = "date,merchant,amount,currency,card_holder\n2019-03-05,Acme,1.001,EUR,alex\n"
    with pytest.raises(CardStatementError) as wrong:
        import_statement(session, statement, by=importer)
    assert (wrong.value.rule, wrong.value.row) == ("invalid_value", 1)
    assert session.scalar(text("SELECT count(*) FROM card_transactions")) == 0


def _key(row: ShadowSpend) -> tuple[str, str, str]:
    """A vendor by its normalised name (its spellings are one vendor), an account by source."""
    name = normalised_vendor_name(row.name) if row.kind == "vendor" else row.name
    return row.kind, row.paid_through, name


def _source(engine: Engine, name: str, *, owner: bool = False) -> int:
    with Session(engine) as session, session.begin():
        source = int(
            session.scalar(
                text(
                    "INSERT INTO cost_sources (name, format, provider, base_currency) "
                    "VALUES (:name, 'focus', 'Mixed', 'EUR') RETURNING id"
                ),
                {"name": name},
            )
        )
        if owner:
            user = upsert_user(session, f"owner-{name}", roles=[])
            session.add(CostSourceOwner(source_id=source, user_id=user.id))
    return source


def _load(
    engine: Engine,
    source: int,
    account: str,
    rows: list[tuple[str | None, str | None, str, str | None]],
) -> None:
    """Lines of March 2019: (publisher, provider, EUR cost, PO number)."""
    load_id = open_load(
        engine,
        source_id=source,
        billing_account_id=account,
        billing_period_start=_START,
        file_name="march.csv",
        file_hash=uuid.uuid4().hex,
    )
    with engine.begin() as connection:
        slice_id = connection.scalar(
            text("SELECT slice_id FROM cost_loads WHERE id = :l"), {"l": load_id}
        )
        for number, (publisher, provider, cost, po) in enumerate(rows, start=1):
            connection.execute(
                text(
                    f"INSERT INTO cost_partitions.cost_lines_load_{load_id} (slice_id, load_id, "
                    "file_row, billing_account_id, billing_period_start, billing_period_end, "
                    "publisher_name, provider_name, billed_cost, effective_cost, "
                    "billing_currency, base_currency, billed_cost_base, effective_cost_base, "
                    "po_number) VALUES (:slice, :load, :row, :account, :start, :end, :publisher, "
                    ":provider, :cost, :cost, 'EUR', 'EUR', :cost, :cost, :po)"
                ),
                {
                    "slice": slice_id,
                    "load": load_id,
                    "row": number,
                    "account": account,
                    "start": _START,
                    "end": datetime(2019, 4, 1, tzinfo=UTC),
                    "publisher": publisher,
                    "provider": provider,
                    "cost": Decimal(cost),
                    "po": po,
                },
            )
    swap_in(engine, load_id)


def _invoiced_po(session: Session, vendor: str, amount: int) -> None:
    number = f"PO-S{uuid.uuid4().hex[:6]}"
    requisition = replace(laptops(), vendor=vendor)
    invoice = InvoiceRecord("INV-9", date(2019, 3, 20), amount, amount, amount, "felix")
    view = PoView(number, 1, PoStatus.ISSUED, requisition, invoices=[invoice])
    session.add(
        PurchaseOrder(
            po_number=number,
            workflow_id=f"po-{number}",
            status=PoStatus.ISSUED,
            title="x",
            requester="alex",
            cost_center="IT",
            vendor=vendor,
            service_type=requisition.service_type,
            amount_minor=amount,
            currency="EUR",
            amount_base_minor=amount,
            base_currency="EUR",
            detail=view_document(view),
        )
    )
    session.flush()
