"""Chat, mail and the ITSM down past every retry while approvers decide: each PO still issues,
what could not go out is recorded as undelivered, and nothing is left failed or held."""

from __future__ import annotations

import asyncio

import pytest

from tests.api import e2e
from tests.faults.checks import all_in, approve, assert_nothing_lost, raise_all
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.slow
OUTAGE_SECONDS = 25  # longer than a message's retries take to run out


async def test_pos_issue_while_chat_mail_and_itsm_are_down(faults: FaultStack) -> None:
    numbers = await raise_all(faults, [e2e.storage_body(terabytes=n + 1) for n in range(10)])
    await faults.until(
        "every PO waiting on priya", lambda: all_in(faults, numbers, {"pending_approval"})
    )
    faults.systems_down.update({"/chat", "/servicenow"})
    faults.mail.stop()
    try:
        answers = await asyncio.gather(
            *(approve(faults, number, "priya", f"chat-down-{number}") for number in numbers)
        )
        assert answers == [200] * len(numbers)
        await asyncio.sleep(OUTAGE_SECONDS)
    finally:
        faults.systems_down.clear()
        faults.mail.start()
    await faults.until("every PO issued", lambda: all_in(faults, numbers, {"issued"}), 120)
    await assert_nothing_lost(faults, numbers)
