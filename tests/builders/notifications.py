"""Notifications as poflow's activities hand them to the chat adapters, and what a posted chat
message shows."""

from __future__ import annotations

from typing import Any

from domain.notifications import Notification, PoBrief

APP_URL = "https://poflow.example.org/"
PO = PoBrief("PO-4711", "Cloud hosting <March> & backups", "Hetzner", 1_234_500, "EUR")


def approval_requested() -> Notification:
    """priya asked to decide PO-4711 at its cost-center owner tier."""
    facts = {"tier": "cost-center owner", "amount_base_minor": 1_234_500}
    return Notification(
        "priya", "approval_requested", "PO-4711 waits on you: cost-center owner", "PO-4711",
        "po-PO-4711:3:approval_requested:priya", facts,
    )  # fmt: skip


def slack_fields(slack: dict[str, Any]) -> list[str]:
    """The texts of the fields of a Slack message's one section."""
    [section] = [b for b in slack["blocks"] if b["type"] == "section"]
    return [field["text"] for field in section["fields"]]
