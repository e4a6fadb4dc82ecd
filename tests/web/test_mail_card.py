"""The decision card in the approval e-mail (text and HTML, through a real SMTP server on
loopback) and on the signed-link page before its confirm button: enough to decide from the mail,
the same facts the PO page shows."""

from __future__ import annotations

import re

from tests.api import e2e
from tests.web.pages import mail_client
from tests.web.smtp_catcher import MailInbox, links_in, text_of

stack = e2e.mailing_stack


async def test_the_approval_mail_and_its_link_page_carry_the_decision_card(
    stack: e2e.Stack, mail: tuple[MailInbox, int]
) -> None:
    body = e2e.subscription_body("900.00", cost_center="IT-INFRA", pii=True, dpia_ref="DPIA-7")
    number = await stack.submit("alex", body)  # no SaaS budget at IT-INFRA: over budget
    message = await mail[0].wait_for("approval_requested", number)
    text = text_of(message)
    assert "What:           1 x Diagram tool, 1 year, from Contoso Software" in text
    assert "Amount:         900.00 EUR" in text
    assert re.search(r"Budget: +Over budget by [\d,]+\.\d\d EUR on IT-INFRA · GL 6110", text)
    assert "Why:            Business case BC-2026-302" in text
    assert "Risk:           handles pii (DPIA DPIA-7)" in text
    approval = re.search(r"Approval: +(.*?)\r?$", text, re.MULTILINE)
    assert approval, text
    assert re.fullmatch(
        r"Tier 1 of 3: cost-center owner \(priya\), then risk review \(lee, nora\), "
        r"finance \([\w, -]*fiona[\w, -]*\) · due in 4[78] hours",  # finance: a role
        approval.group(1),
    ), approval.group(1)
    html = message.get_body(("html",))
    assert html is not None and "Over budget by" in html.get_content()

    page = (await mail_client(stack).get(links_in(message)["Approve"])).text
    card = page.index('id="decision-card"')
    assert card < page.index(f"Approve {number}</button>")
    assert "Over budget by" in page[card:] and "Tier 1 of 3: cost-center owner (you)" in page
