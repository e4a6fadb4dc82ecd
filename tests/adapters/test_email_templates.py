"""Every kind of notification poflow sends has an HTML and a text e-mail template of its own, and
both render the facts the sender puts in it: a template that prints a fact the sender does not
send fails here instead of mailing a blank."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from typing import Any

import pytest
from jinja2 import Undefined, UndefinedError

from adapters.smtp_mail import EMAIL_TEMPLATES, SmtpMailer, email_templates
from domain.catalog import Decision
from domain.notifications import Notification, PoBrief, Recipient
from settings import Settings

APP_URL = "https://poflow.example.org"
PO = PoBrief("PO-4711", "Object storage for build caches", "Hetzner", 1_234_500, "EUR")
PRIYA = Recipient("priya@example.org", "Priya Shah", "priya")
VENDOR = Recipient("orders@hetzner.example", "orders@hetzner.example", None)


class PrintingUndefinedFails(Undefined):
    """An optional fact may be tested (``{% if facts.comment %}``); printing one that is not
    there fails."""

    __slots__ = ()

    def __str__(self) -> str:
        self._fail_with_undefined_error()


@dataclass(frozen=True)
class Case:
    kind: str
    facts: dict[str, Any]
    shows: tuple[str, ...]
    person: Recipient = PRIYA
    po: PoBrief | None = PO
    subject: str = "PO-4711: something happened"
    hides: tuple[str, ...] = field(default=())


# Each kind with the facts its sender puts in it (workflows/, activities/budget.py,
# activities/digest.py).
CASES = {
    "approval_requested": Case(
        "approval_requested",
        {"tier": "cost-center owner", "amount_base_minor": 1_234_500},
        ("waits on your decision", "cost-center owner", f"{APP_URL}/links/approve-"),
    ),
    "reminder": Case(
        "reminder", {"tier": "security"}, ("still waits on your decision", "security")
    ),
    "escalation": Case(
        "escalation", {"tier": "finance"}, ("finance", "passed its deadline", "/links/reject-")
    ),
    "escalation of an overdue emergency PO": Case(
        "escalation", {}, ("Its decision is overdue",), subject="PO-4711: emergency overdue"
    ),
    "information_requested": Case(
        "information_requested", {"question": "Which region?"}, ("Which region?",)
    ),
    "information_answered": Case(
        "information_answered",
        {"question": "Which region?", "answer": "Frankfurt only"},
        ("Which region?", "Frankfurt only", "answered your question"),
    ),
    "rejected": Case(
        "rejected",
        {"by": "priya", "comment": "Too expensive for a pilot"},
        ("rejected by priya", "Too expensive for a pilot"),
    ),
    "refused": Case(
        "refused",
        {"refusals": ["The vendor is blocked", "A DPIA is required"]},
        ("The vendor is blocked", "A DPIA is required"),
    ),
    "cancelled": Case("cancelled", {}, ("PO-4711 was cancelled",)),
    "issue_held": Case(
        "issue_held",
        {"change_ticket": "servicenow:CHG0030042"},
        ("is approved", "servicenow:CHG0030042", "every hour"),
    ),
    "issued": Case("issued", {"erp_reference": "ERP-000042"}, ("issued", "ERP-000042")),
    "purchase_order": Case(
        "purchase_order",
        {"erp_reference": "ERP-000042"},
        ("purchase order PO-4711", "ERP-000042", "12,345.00 EUR"),
        person=VENDOR,
        hides=("/po/", "/links/"),
    ),
    "change_order": Case(
        "change_order",
        {"revision": 2, "reason": "Two more racks", "detail": "revision 2"},
        ("Revision: 2", "Two more racks", "revision 2"),
    ),
    "call_off": Case(
        "call_off",
        {"description": "Ten more seats", "amount_minor": 150_000},
        ("Ten more seats", "1,500.00 EUR", "PO-4711"),
        person=VENDOR,
        hides=("/po/",),
    ),
    "renewal_window": Case(
        "renewal_window",
        {
            "contract_end": "2027-03-31",
            "notice_deadline": "2027-01-30",
            "auto_renew": True,
            "committed_base_minor": 12_000_000,
            "base_currency": "EUR",
        },
        ("2027-03-31", "Decide by", "2027-01-30", "renews automatically", "120,000.00 EUR"),
    ),
    "renewal": Case(
        "renewal", {}, ("MSA-2024-07: terminated", "PO-4711"), subject="MSA-2024-07: terminated"
    ),
    "budget_alert": Case(
        "budget_alert",
        {
            "line": "IT-OPS/6100 FY2026 period 3",
            "threshold_percent": 80,
            "budget_minor": 1_000_000,
            "consumed_minor": 850_000,
            "currency": "EUR",
        },
        ("IT-OPS/6100 FY2026 period 3", "80 %", "10,000.00 EUR", "1,500.00 EUR"),
        po=None,
        subject="Budget IT-OPS/6100 FY2026 period 3 at 80 %",
    ),
    "digest": Case(
        "digest",
        {
            "items": [
                {
                    "kind": "issued",
                    "subject": "PO-4711 issued",
                    "po_number": "PO-4711",
                    "held_at": "2026-12-01T09:00:00+00:00",
                },
                {
                    "kind": "budget_alert",
                    "subject": "Budget IT-OPS/6100 at 80 %",
                    "po_number": None,
                    "held_at": "2026-12-01T10:00:00+00:00",
                },
            ]
        },
        ("2 updates", "PO-4711 issued", f"{APP_URL}/po/PO-4711", "Budget IT-OPS/6100 at 80 %"),
        po=None,
        subject="poflow digest: 2 updates",
    ),
}


def _link(po_number: str, approver: str, action: Decision, tier: str, link_id: str) -> str:
    return f"{APP_URL}/links/{action.value}-{link_id}"


@pytest.fixture(scope="module")
def mailer() -> SmtpMailer:
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", public_url=APP_URL)
    return SmtpMailer(settings.smtp, _link, email_templates(PrintingUndefinedFails))


def _as_received(message: Message) -> EmailMessage:
    received = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(received, EmailMessage)
    return received


def _parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


@pytest.mark.parametrize("kind", sorted({case.kind for case in CASES.values()}))
def test_each_kind_has_its_own_html_and_text_template(kind: str) -> None:
    assert (EMAIL_TEMPLATES / f"{kind}.html").is_file()
    assert (EMAIL_TEMPLATES / f"{kind}.txt").is_file()


@pytest.mark.parametrize("name", list(CASES))
def test_each_kind_renders_its_facts_in_html_and_text(mailer: SmtpMailer, name: str) -> None:
    case = CASES[name]
    notification = Notification(
        case.person.username or case.person.email,
        case.kind,
        case.subject,
        None if case.kind in {"budget_alert", "digest"} else "PO-4711",
        f"test:{name}",
        case.facts,
    )
    message = _as_received(mailer.compose(notification, case.person, case.po))
    text, html = _parts(message)
    assert message["X-Poflow-Kind"] == case.kind and message["Subject"] == case.subject
    for part in (text, html):
        assert f"Hello {case.person.display_name}" in part
        for shown in case.shows:
            assert shown in part, f"{name}: {shown!r} missing from\n{part}"
        for hidden in case.hides:
            assert hidden not in part, f"{name}: {hidden!r} must not be in\n{part}"


def test_a_template_that_prints_a_fact_never_sent_fails_here(mailer: SmtpMailer) -> None:
    notification = Notification("priya", "issued", "PO-4711 issued", "PO-4711", "k", {})
    with pytest.raises(UndefinedError, match="erp_reference"):
        mailer.compose(notification, PRIYA, PO)


def test_names_and_subjects_beyond_ascii_arrive_intact(mailer: SmtpMailer) -> None:
    person = Recipient("zoe@example.org", "Zoë Ødegård, Jr.", "zoe")
    subject = "PO-4711 issued — €12,345.00 für Zoë"
    facts: dict[str, object] = {"erp_reference": "ERP-000042"}
    notification = Notification("zoe", "issued", subject, "PO-4711", "k-utf8", facts)
    message = _as_received(mailer.compose(notification, person, PO))
    assert message["Subject"] == subject
    assert message["To"].addresses[0].display_name == "Zoë Ødegård, Jr."
    text, html = _parts(message)
    assert "Hello Zoë Ødegård, Jr." in text and "ERP-000042" in html
