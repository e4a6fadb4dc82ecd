"""The demo's outside world kept in the data folder, so a restarted simulator remembers its
orders, requested items, mails and chat messages, and numbers on where it stopped."""

from __future__ import annotations

import json
import os
import threading
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devstack.simulators.chat import ChatPost

if TYPE_CHECKING:
    from devstack.outside_world import OutsideWorld


class WorldFile:
    """One JSON file, replaced whole on each save (written beside it, then renamed), so a
    crash mid-save leaves the previous state, never half of one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load_into(self, world: OutsideWorld) -> bool:
        """Restore ``world`` from the file; False when there is none yet."""
        if not self.path.exists():
            return False
        saved = json.loads(self.path.read_text(encoding="utf-8"))
        world.erp.restore(saved["erp"])
        world.servicenow.restore(saved["servicenow"])
        world.chat.received.extend(ChatPost(**post) for post in saved["chat"])
        world.mail.messages.extend(_message(raw) for raw in saved["mails"])
        world.deliveries.extend(saved["deliveries"])
        world.next_item = saved["next_item"]
        return True

    def save(self, world: OutsideWorld) -> None:
        with self._lock:
            text = json.dumps(_saved(world), indent=1)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".partial")
            with partial.open("w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, self.path)


def _saved(world: OutsideWorld) -> dict[str, Any]:
    return {
        "erp": world.erp.saved(),
        "servicenow": world.servicenow.saved(),
        "chat": [
            {"service": p.service, "path": p.path, "payload": p.payload}
            for p in list(world.chat.received)
        ],
        "mails": [message.as_string() for message in list(world.mail.messages)],
        "deliveries": list(world.deliveries),
        "next_item": world.next_item,
    }


def _message(raw: str) -> EmailMessage:
    return message_from_string(raw, policy=policy.default)
