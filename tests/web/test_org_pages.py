"""The org, asset and shadow-IT pages as finance opens them: a capital purchase's PO page shows
its depreciation schedule with the booked months; the restatement page shows a month under
the old and the new business unit; shadow IT lists a card merchant, and its CSV has it."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from domain.fiscal import FiscalPeriod
from domain.purchase_order import PoView
from models import CostCenter, GlAccount, PurchaseOrder
from models.budgets.asset_store import register_po_assets
from models.budgets.depreciation import book_depreciation
from models.budgets.org_history import OrgImport, import_org
from models.budgets.postings import Posting, account, append
from models.people.accounts import find_user
from models.purchase_orders.records import view_document
from tests.api.report_client import Reporting, page, reporting
from tests.builders.requisitions import laptops
from tests.builders.uploads import import_statement

__all__ = ["reporting"]
AT = datetime(2031, 1, 5, tzinfo=UTC)


def test_a_capital_purchase_shows_its_depreciation_on_the_po_page(
    reporting: Reporting, session: Session
) -> None:
    org = reporting.org
    tag = f"LT-{org.tag}"
    number = f"PO-W{uuid.uuid4().hex[:6]}"
    center = session.scalar(select(CostCenter).where(CostCenter.code == org.child))
    assert center is not None
    gl = GlAccount(code=f"HW-{org.tag}", name="IT hardware", capex=True)
    session.add(gl)
    session.flush()
    requisition = replace(laptops(), cost_center=org.child, asset_tag=tag)
    view = PoView(number, 1, PoStatus.ISSUED, requisition, amount_base_minor=360_000)
    session.add(
        PurchaseOrder(
            po_number=number,
            workflow_id=f"po-{number}",
            status=PoStatus.ISSUED,
            title="Laptops",
            requester="alex",
            cost_center=org.child,
            cost_center_id=center.id,
            gl_account_id=gl.id,
            vendor=requisition.vendor,
            service_type=requisition.service_type,
            amount_minor=360_000,
            currency="EUR",
            amount_base_minor=360_000,
            base_currency="EUR",
            detail=view_document(view),
        )
    )
    session.flush()
    finance = find_user(session, reporting.finance)
    assert finance is not None
    [asset] = register_po_assets(session, capex_gl=None, by=finance, at=AT)
    first = asset.in_service.replace(day=1)
    book_depreciation(session, first, currency="EUR", start_month=1, tag=tag)

    reporting.sign_in(reporting.finance)
    html = page(reporting, f"/po/{number}")
    section = re.search(rf'<details[^>]*id="depreciation-{tag}".*?</details>', html, re.S)
    assert section, "the PO page shows no depreciation"
    assert f"on {org.child} / HW-{org.tag}: 100.00 EUR booked" in section.group(0)
    rows = re.findall(
        r"<tr><td>(\d{4}-\d\d)</td>.*?<td>(booked)?</td></tr>", section.group(0), re.S
    )
    assert len(rows) == 36 and rows[0] == (f"{first:%Y-%m}", "booked") and rows[1][1] == ""
    assets = page(reporting, "/reports/assets", tag=tag)
    assert f'<a href="/po/{number}">{number}</a>' in assets and "Schedule of " + tag in assets


def test_the_restatement_page_shows_both_business_units(
    reporting: Reporting, session: Session
) -> None:
    org = reporting.org
    finance = find_user(session, reporting.finance)
    assert finance is not None
    line = account(session, org.grand, org.gl1)
    append(
        session,
        [Posting("actual", line, FiscalPeriod(2031, 2), "EUR", f"t:{org.tag}", actual=12_345)],
    )
    import_org(session, OrgImport(date(2031, 3, 1), "csv", {org.child: None}), by=finance, at=AT)

    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/restatement", **{"from": "2031-02", "as_of": "2031-03-01"})
    money = r'\s*<td class="money">([^<]+)</td>'
    cells = rf'<th scope="row">([^<]+)</th>{money}{money}'
    amounts = {unit: (was, now) for unit, was, now in re.findall(cells, html)}
    assert amounts[org.parent] == ("123.45 EUR", "0.00 EUR")
    assert amounts[org.child] == ("0.00 EUR", "123.45 EUR")


def test_shadow_it_page_and_csv(reporting: Reporting, session: Session) -> None:
    finance = find_user(session, reporting.finance)
    assert finance is not None
    merchant = f"Quillwork {reporting.org.tag}"
    statement = f"date,merchant,amount,currency,card_holder\n2031-06-02,{merchant},7.50,EUR,bob\n"
    import_statement(session, statement, by=finance)

    reporting.sign_in(reporting.finance)
    html = page(reporting, "/costs/shadow-it", **{"from": "2031-06", "to": "2031-06"})
    assert f'<th scope="row">{merchant}</th>' in html and "not in vendor master, no po" in html
    assert 'href="/costs/shadow-it.csv?from=2031-06&amp;to=2031-06"' in html
    csv_text = reporting.client.get("/costs/shadow-it.csv", params={"from": "2031-06"}).text
    assert f"2031-06,vendor,card,{merchant},,not_in_vendor_master no_po,EUR,7.50" in csv_text
