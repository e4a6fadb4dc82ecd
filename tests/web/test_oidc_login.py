"""Signing in with a company account: poflow and an OpenID Connect provider simulator, both served
over real HTTP on loopback, and one browser-like client following redirects between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from api.app import create_app
from devstack.serving import loopback_socket, served, url_of
from settings import Settings
from tests.web.oidc_provider import OidcProvider, Person
from tests.web.pages import DEMO_PASSWORD, csrf_of

PRIYA = Person("priya", "priya@example.org", "7d1c6a52-priya")
MALLORY = Person("mallory", "mallory@example.org", "0b9e4f11-mallory")


@dataclass
class Servers:
    app_url: str
    provider: OidcProvider


@pytest.fixture(scope="module")
def servers(demo_database_url: str) -> Iterator[Servers]:
    app_socket, provider_socket = loopback_socket(), loopback_socket()
    app_url, issuer = url_of(app_socket), url_of(provider_socket)
    provider = OidcProvider(issuer, "poflow", "s3cret", f"{app_url}/login/oidc/callback")
    settings = Settings(
        _env_file=None,
        environment="test",
        oidc_issuer=issuer,
        oidc_client_id="poflow",
        oidc_client_secret="s3cret",
        api_port=urlsplit(app_url).port,
        public_url=app_url,
    )
    app = create_app(settings, demo_database_url)
    with served(provider.app, provider_socket), served(app, app_socket):
        yield Servers(app_url, provider)


@pytest.fixture
def browser(servers: Servers) -> Iterator[httpx.Client]:
    """One person's browser: its own cookies, following redirects across both servers."""
    servers.provider.at_keyboard, servers.provider.audience = None, None
    with httpx.Client(base_url=servers.app_url, follow_redirects=True, timeout=15) as client:
        yield client


def test_the_login_page_offers_the_company_sign_in(browser: httpx.Client) -> None:
    page = browser.get("/login", params={"next": "/po/PO-1001"})
    assert page.status_code == 200
    assert "Sign in with your company account" in page.text
    assert 'href="/login/oidc?next=/po/PO-1001"' in page.text


def test_priya_signs_in_at_the_provider_and_lands_on_her_inbox(
    servers: Servers, browser: httpx.Client
) -> None:
    token_before = csrf_of(browser.get("/login").text)
    servers.provider.at_keyboard = PRIYA
    inbox = browser.get("/login/oidc", params={"next": "/inbox"})
    assert inbox.status_code == 200 and inbox.url == f"{servers.app_url}/inbox"
    assert "Priya Natarajan" in inbox.text
    assert any(step.url.path == "/authorize" for step in inbox.history)  # really went there
    token_after = csrf_of(inbox.text)
    assert token_after != token_before  # a new session, a new CSRF token
    signed_out = browser.post("/logout", data={"csrf_token": token_after})
    assert signed_out.url.path == "/login"


def test_only_local_paths_are_followed_after_signing_in(
    servers: Servers, browser: httpx.Client
) -> None:
    servers.provider.at_keyboard = PRIYA
    landed = browser.get("/login/oidc", params={"next": "https://evil.example/"})
    assert landed.url == f"{servers.app_url}/inbox"


def test_someone_without_a_poflow_account_is_turned_away(
    servers: Servers, browser: httpx.Client
) -> None:
    servers.provider.at_keyboard = MALLORY
    refused = browser.get("/login/oidc")
    assert refused.status_code == 403
    assert "No poflow account for mallory; ask an admin." in refused.text
    assert browser.get("/inbox").url.path == "/login"  # not signed in


def test_a_refusal_at_the_provider_shows_the_login_page(browser: httpx.Client) -> None:
    declined = browser.get("/login/oidc")  # nobody at the keyboard: access_denied
    assert declined.status_code == 401
    assert "cancelled or refused" in declined.text and 'action="/login"' in declined.text


def test_a_tampered_state_is_refused(servers: Servers, browser: httpx.Client) -> None:
    servers.provider.at_keyboard = PRIYA
    to_provider = browser.get("/login/oidc", follow_redirects=False)
    asked = parse_qs(urlsplit(to_provider.headers["location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"]
    back = browser.get(to_provider.headers["location"], follow_redirects=False)
    callback = urlsplit(back.headers["location"])
    answer = {key: values[0] for key, values in parse_qs(callback.query).items()}
    answer["state"] = answer["state"][::-1]
    refused = browser.get(f"{callback.path}?{urlencode(answer)}")
    assert refused.status_code == 400 and "please start again" in refused.text
    assert browser.get("/inbox").url.path == "/login"


def test_an_id_token_meant_for_another_client_is_refused(
    servers: Servers, browser: httpx.Client
) -> None:
    servers.provider.at_keyboard, servers.provider.audience = PRIYA, "another-app"
    refused = browser.get("/login/oidc")
    assert refused.status_code == 401 and "cannot trust" in refused.text
    assert browser.get("/inbox").url.path == "/login"


def test_a_local_password_still_signs_in(browser: httpx.Client) -> None:
    form = browser.get("/login")
    landed = browser.post(
        "/login",
        data={"username": "alex", "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert landed.status_code == 200 and landed.url.path == "/my-requests"  # a requester's page
    assert "Alex Kim" in landed.text
