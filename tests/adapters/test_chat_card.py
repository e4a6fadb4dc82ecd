"""The decision card in the chat message that asks to decide, through the chat simulator over
real HTTP on loopback: the same sentences as the PO page and the e-mail, on Slack and Teams."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from adapters.chat_webhooks import SlackWebhook, TeamsWebhook
from devstack.simulators.chat import ChatChannel
from domain.decision_card import BudgetFigure, decision_card
from domain.money import Money
from tests.builders.approvals import NOW, waiting_on_priya
from tests.builders.notifications import APP_URL, PO, approval_requested, slack_fields

OVER = BudgetFigure("IT-INFRA", "6100", Money(-45_050, "EUR"))
CARD = decision_card(waiting_on_priya(), OVER, NOW + timedelta(hours=1))
EXPECTED = {
    "PO number": "PO-1001: Backup storage",
    "What": "12 x Object storage, 1 TB-month and 1 more line, from Northwind Cloud",
    "Amount": "31,000.00 USD = 28,800.00 EUR",
    "Budget": "Over budget by 450.50 EUR on IT-INFRA · GL 6100",
    "Why": "Business case BC-2026-7",
    "Risk": "handles pii, third party access (DPIA DPIA-12; least-privilege statement missing)",
    "Approval": (
        "Tier 1 of 2: cost-center owner (priya), then IT leadership (tom) · due in 47 hours"
    ),
    "Requested by": "alex",
}


def test_slack_and_teams_carry_the_decision_card_of_a_po_waiting_on_a_decision(
    chat: tuple[ChatChannel, str],
) -> None:
    channel, url = chat
    po = replace(PO, card=CARD)
    SlackWebhook(f"{url}/slack/services/T0/B0/secret").post(approval_requested(), po, APP_URL)
    TeamsWebhook(f"{url}/teams/workflows/abc").post(approval_requested(), po, APP_URL)
    [slack], [teams] = channel.posts_to("slack"), channel.posts_to("teams")
    assert slack_fields(slack) == [f"*{label}*\n{value}" for label, value in EXPECTED.items()]
    card = teams["attachments"][0]["content"]
    [fact_set] = [item for item in card["body"] if item["type"] == "FactSet"]
    assert {fact["title"]: fact["value"] for fact in fact_set["facts"]} == EXPECTED
