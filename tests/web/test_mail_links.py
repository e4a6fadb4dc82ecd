"""E-mailed decision links on the real app and worker, with mail going to a real SMTP server
(aiosmtpd) on loopback: the approval request arrives with signed links; opening one only asks
to confirm; confirming decides; a link works once; a changed link is refused."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.api import e2e
from tests.web.pages import csrf_of, mail_client
from tests.web.smtp_catcher import MailInbox, links_in, text_of

stack = e2e.mailing_stack


def form_of(page: str) -> dict[str, str]:
    confirm = re.search(r'name="confirm" value="([^"]+)"', page)
    assert confirm, "the confirmation page has no form"
    return {"csrf_token": csrf_of(page), "confirm": confirm.group(1)}


async def status_of(stack: e2e.Stack, number: str) -> dict[str, Any]:
    response = await stack.get("ines", f"/api/purchase-orders/{number}")
    assert response.status_code == 200, response.text
    po: dict[str, Any] = response.json()
    return po


async def test_a_mailed_link_asks_first_decides_once_and_refuses_a_changed_token(
    stack: e2e.Stack, mail: tuple[MailInbox, int]
) -> None:
    inbox = mail[0]
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)

    message = await inbox.wait_for("approval_requested", number)
    assert "priya@example.org" in str(message["To"]) and "Priya" in str(message["To"])
    html = message.get_body(("html",))
    assert html is not None and "/links/" in html.get_content()
    links = links_in(message)

    opened = await mail_client(stack).get(links["Approve"])
    assert opened.status_code == 200, opened.text
    assert f"Approve {number}?" in opened.text
    assert "Object storage for build caches" in opened.text and "cost-center owner" in opened.text
    await asyncio.sleep(0.5)
    still = await status_of(stack, number)
    assert still["status"] == "pending_approval" and still["detail"]["decisions"] == []

    person = mail_client(stack)
    page = await person.get(links["Approve"])
    decided = await person.post(links["Approve"], data={**form_of(page.text), "comment": "ok"})
    assert decided.status_code == 200, decided.text
    assert f"You approved {number}" in decided.text
    moved = await stack.po_when(number, lambda po: po["status"] != "pending_approval")
    assert [d["actor"] for d in moved["detail"]["decisions"]] == ["priya"]

    again = await mail_client(stack).get(links["Approve"])
    assert again.status_code == 409 and "already used" in again.text
    reposted = await person.post(links["Approve"], data={**form_of(page.text), "comment": "x"})
    assert reposted.status_code == 409 and "already used" in reposted.text
    sibling = await mail_client(stack).get(links["Reject"])
    assert "already used" in sibling.text, "one message's links share one use"

    token = links["Approve"].removeprefix("/links/")
    tampered = token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")
    refused = await mail_client(stack).get(f"/links/{tampered}")
    assert refused.status_code == 400 and "not valid" in refused.text


async def test_a_link_decides_only_through_its_confirmation_form(
    stack: e2e.Stack, mail: tuple[MailInbox, int]
) -> None:
    number = await stack.submit("alex", e2e.storage_body(2))
    await stack.pending(number)
    links = links_in(await mail[0].wait_for("approval_requested", number))

    bare = await mail_client(stack).post(links["Reject"], data={"comment": "no"})
    assert bare.status_code == 403 and "confirmed on its own page" in bare.text

    person = mail_client(stack)
    page = await person.get(links["Reject"])
    assert f"Reject {number}?" in page.text and "required" in page.text
    empty = await person.post(links["Reject"], data={**form_of(page.text), "comment": " "})
    assert empty.status_code == 422 and "needs a comment" in empty.text
    assert (await status_of(stack, number))["status"] == "pending_approval"

    rejected = await person.post(
        links["Reject"], data={**form_of(page.text), "comment": "Use the existing bucket."}
    )
    assert rejected.status_code == 200 and f"You rejected {number}" in rejected.text
    done = await stack.po_when(number, lambda po: po["status"] == "rejected")
    assert done["detail"]["decisions"][0]["comment"] == "Use the existing bucket."

    told = await mail[0].wait_for("rejected", number, containing="Use the existing bucket.")
    assert "rejected by priya" in text_of(told)
