"""The Slack and Teams webhook adapters against the chat simulator over real HTTP on loopback:
what a channel shows (the PO, whom it is for, a link to the PO page and never a decision link),
and a refused post raises so the activity retries."""

from __future__ import annotations

import httpx
import pytest

from adapters.chat_webhooks import SlackWebhook, TeamsWebhook, configured_chats
from devstack.simulators.chat import ChatChannel
from domain.notifications import Notification
from settings import Settings
from tests.builders.notifications import APP_URL, PO, approval_requested, slack_fields


def _budget_alert() -> Notification:
    facts = {
        "line": "IT-OPS/6100 FY2026 period 3",
        "threshold_percent": 80,
        "budget_minor": 1_000_000,
        "consumed_minor": 850_000,
        "currency": "EUR",
    }
    subject = "Budget IT-OPS/6100 FY2026 period 3 at 80 %"
    return Notification("finance", "budget_alert", subject, None, "budget-alert:7:finance", facts)


def test_slack_shows_the_po_whom_it_is_for_and_a_button_to_its_page(
    chat: tuple[ChatChannel, str],
) -> None:
    channel, url = chat
    SlackWebhook(f"{url}/slack/services/T0/B0/secret").post(approval_requested(), PO, APP_URL)
    [posted] = channel.posts_to("slack")
    assert "PO-4711 waits on you" in posted["text"] and "12,345.00 EUR" in posted["text"]
    [header] = [b for b in posted["blocks"] if b["type"] == "header"]
    assert header["text"] == {
        "type": "plain_text",
        "text": "PO-4711 waits on you: cost-center owner",
        "emoji": False,
    }
    fields = slack_fields(posted)
    assert "*PO number*\nPO-4711" in fields and "*Vendor*\nHetzner" in fields
    assert "*Amount*\n12,345.00 EUR" in fields and "*Tier*\ncost-center owner" in fields
    assert "*Title*\nCloud hosting &lt;March&gt; &amp; backups" in fields
    [actions] = [b for b in posted["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["url"] == "https://poflow.example.org/po/PO-4711"
    assert button["text"]["text"] == "Review PO-4711"
    assert "priya" in str(posted["blocks"]) and "/links/" not in str(posted)
    assert channel.received[0].path == "services/T0/B0/secret"


def test_teams_gets_an_adaptive_card_with_the_facts_and_an_open_url_action(
    chat: tuple[ChatChannel, str],
) -> None:
    channel, url = chat
    TeamsWebhook(f"{url}/teams/workflows/abc").post(approval_requested(), PO, APP_URL)
    [posted] = channel.posts_to("teams")
    assert posted["type"] == "message"
    [attachment] = posted["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "PO-4711 waits on you: cost-center owner"
    [fact_set] = [item for item in card["body"] if item["type"] == "FactSet"]
    facts = {fact["title"]: fact["value"] for fact in fact_set["facts"]}
    assert facts["PO number"] == "PO-4711" and facts["Amount"] == "12,345.00 EUR"
    assert facts["Title"] == "Cloud hosting <March> & backups" and facts["Vendor"] == "Hetzner"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Review PO-4711",
            "url": "https://poflow.example.org/po/PO-4711",
        }
    ]


def test_a_message_without_a_po_shows_its_facts_in_money_and_links_nowhere(
    chat: tuple[ChatChannel, str],
) -> None:
    channel, url = chat
    SlackWebhook(f"{url}/slack/hook").post(_budget_alert(), None, APP_URL)
    TeamsWebhook(f"{url}/teams/hook").post(_budget_alert(), None, APP_URL)
    [slack], [teams] = channel.posts_to("slack"), channel.posts_to("teams")
    assert "*Budget*\n10,000.00 EUR" in slack_fields(slack)
    assert "*Consumed*\n8,500.00 EUR" in slack_fields(slack)
    assert not [b for b in slack["blocks"] if b["type"] == "actions"]
    card = teams["attachments"][0]["content"]
    assert "actions" not in card
    assert {"title": "Threshold percent", "value": "80"} in card["body"][-1]["facts"]


@pytest.mark.parametrize("service", ["slack", "teams"])
def test_a_post_the_service_answers_500_raises_and_the_next_one_lands(
    chat: tuple[ChatChannel, str], service: str
) -> None:
    channel, url = chat
    webhook = (SlackWebhook if service == "slack" else TeamsWebhook)(f"{url}/{service}/hook")
    channel.fail_next = 1
    with pytest.raises(httpx.HTTPStatusError) as refused:
        webhook.post(approval_requested(), PO, APP_URL)
    assert refused.value.response.status_code == 500
    assert channel.received == []
    webhook.post(approval_requested(), PO, APP_URL)
    assert len(channel.posts_to(service)) == 1


def test_the_simulator_refuses_what_slack_and_teams_would_refuse(
    chat: tuple[ChatChannel, str],
) -> None:
    channel, url = chat
    empty = httpx.post(f"{url}/slack/hook", json={"username": "poflow"})
    assert (empty.status_code, empty.text) == (400, "invalid_payload")
    not_json = httpx.post(f"{url}/slack/hook", content=b"text=hello")
    assert (not_json.status_code, not_json.text) == (400, "invalid_payload")
    legacy_card = {"@type": "MessageCard", "text": "hello"}
    refused = httpx.post(f"{url}/teams/hook", json=legacy_card)
    assert refused.status_code == 400 and "message" in refused.text
    wrong_attachment = {
        "type": "message",
        "attachments": [{"contentType": "text/plain", "content": "hello"}],
    }
    assert httpx.post(f"{url}/teams/hook", json=wrong_attachment).status_code == 400
    assert channel.received == []
    accepted = httpx.post(f"{url}/slack/hook", json={"text": "hello"})
    assert (accepted.status_code, accepted.text) == (200, "ok")


def test_the_settings_name_the_channels_posted_to() -> None:
    assert configured_chats(Settings(_env_file=None).chats) == []
    both = Settings(
        _env_file=None,
        slack_webhook_url="https://hooks.slack.com/services/T0/B0/x",
        teams_webhook_url="https://prod.westeurope.logic.azure.com/workflows/1/triggers/manual",
    )
    assert configured_chats(both.chats) == [
        SlackWebhook("https://hooks.slack.com/services/T0/B0/x"),
        TeamsWebhook("https://prod.westeurope.logic.azure.com/workflows/1/triggers/manual"),
    ]
