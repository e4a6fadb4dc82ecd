"""The simulators' page as a new user reads it after `make run`: each mail with its text and
its links clickable, so a signed approval link can be followed from the page to poflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest

from devstack.outside_world import outside_world_app
from tests.api import e2e
from tests.integrations import world as world_fixture
from tests.integrations.world import World

world = world_fixture.world
pytestmark = pytest.mark.slow


@dataclass
class MailShown:
    summary: str = ""
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)


class MailsOnPage(HTMLParser):
    """The page's mails: each ``<details class="mail">``'s summary, body text and links."""

    def __init__(self) -> None:
        super().__init__()
        self.mails: list[MailShown] = []
        self._in: str | None = None
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details" and ("class", "mail") in attrs:
            self.mails.append(MailShown())
        elif self.mails and tag in ("summary", "pre"):
            self._in = tag
        elif self._in == "pre" and tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.mails[-1].links.append(("", self._href))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("summary", "pre"):
            self._in = None
        elif tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._in == "summary":
            self.mails[-1].summary += data
        elif self._in == "pre":
            mail = self.mails[-1]
            mail.text += data
            if self._href is not None:
                mail.links[-1] = (mail.links[-1][0] + data, self._href)


async def test_a_mail_on_the_simulators_page_shows_its_text_and_links_to_follow(
    world: World,
) -> None:
    number = await world.poflow.submit("alex", e2e.storage_body())
    await world.poflow.pending(number)
    await world.outside.mail.wait_for("approval_requested", number)

    transport = httpx.ASGITransport(app=outside_world_app(world.outside))
    async with httpx.AsyncClient(transport=transport, base_url="http://world.test") as client:
        page = MailsOnPage()
        page.feed((await client.get("/")).text)
    mails = [mail for mail in page.mails if number in mail.summary]
    assert len(mails) == 1 and "priya@example.org" in mails[0].summary, page.mails
    mail = mails[0]
    assert "Object storage for build caches" in mail.text
    assert mail.links and all(text == href for text, href in mail.links), mail.links
    approve = next(href for _, href in mail.links if f"Approve: {href}" in mail.text)
    assert approve.startswith(world.settings.app_url) and "/links/" in approve

    async with httpx.AsyncClient() as browser:
        opened = await browser.get(approve)
    assert opened.status_code == 200, opened.text
    assert f"Approve {number}?" in opened.text and 'name="confirm"' in opened.text
