"""Signing in with the company's OpenID Connect provider, when one is configured.

The authorization code flow (with PKCE and a nonce) through authlib, which checks the ID token's
signature against the provider's JWKS, its issuer, audience, expiry and nonce. The provider says
who someone is; poflow decides whether they may come in: only an existing, active account of that
name does (no account is created on the fly; admins create them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep, get_runtime
from api.web.auth_pages import local_path, login_form
from api.web.session import sign_in
from models.people.accounts import find_user
from settings import Settings

# authlib is loaded only when OIDC is configured: importing it warns on stderr, and the
# command line promises one clean line per problem.
if TYPE_CHECKING:
    from authlib.integrations.starlette_client import StarletteOAuth2App

router = APIRouter(include_in_schema=False)

CALLBACK_PATH = "/login/oidc/callback"
SCOPE = "openid email profile"
SESSION_NEXT = "oidc_next"
UNREACHABLE = "The company sign-in cannot be reached just now; try again or use a password."
UNTRUSTED = "The company sign-in answered with an ID token poflow cannot trust."


def company_sign_in(settings: Settings) -> StarletteOAuth2App:
    """authlib's client of the configured provider; its endpoints come from discovery."""
    from authlib.integrations.starlette_client import OAuth

    if not settings.oidc_issuer or not settings.oidc_client_id:
        raise ValueError("signing in with OIDC needs oidc_issuer and oidc_client_id")
    secret = settings.oidc_client_secret
    client_kwargs: dict[str, Any] = {"scope": SCOPE, "timeout": 10.0}
    if secret is None:  # a public client: PKCE alone binds the code to this browser
        client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 - a method name
    return OAuth().register(
        "company",
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        code_challenge_method="S256",
        client_kwargs=client_kwargs,
    )


@router.get("/login/oidc")
async def start_company_sign_in(request: Request, next: str = "/") -> Response:
    """Off to the provider; it sends the person back to the callback with a code."""
    provider = _provider(request)
    request.session[SESSION_NEXT] = local_path(next)
    callback = get_runtime(request).settings.app_url.rstrip("/") + CALLBACK_PATH
    try:
        redirect: Response = await provider.authorize_redirect(request, callback)
    except httpx.HTTPError:
        return login_form(request, next, error=UNREACHABLE, status_code=503)
    return redirect


@router.get(CALLBACK_PATH)
async def finish_company_sign_in(request: Request, session: SessionDep) -> Response:
    """Trade the code for tokens, check the ID token, and sign in the poflow user it names."""
    provider = _provider(request)
    settings = get_runtime(request).settings
    next_path = local_path(str(request.session.pop(SESSION_NEXT, "/")))
    expected = {
        "iss": {"essential": True, "value": settings.oidc_issuer},
        # authlib only checks `azp` by default; the token must be meant for poflow.
        "aud": {"essential": True, "value": settings.oidc_client_id},
    }
    from authlib.integrations.starlette_client import OAuthError
    from joserfc.errors import JoseError

    try:
        token = await provider.authorize_access_token(request, claims_options=expected)
    except OAuthError as error:
        return _refused(request, next_path, str(error.error))
    except JoseError:
        return login_form(request, next_path, error=UNTRUSTED, status_code=401)
    except httpx.HTTPError:
        return login_form(request, next_path, error=UNREACHABLE, status_code=503)
    username = (token.get("userinfo") or {}).get(settings.oidc_username_claim)
    if not isinstance(username, str) or not username:
        claim = settings.oidc_username_claim
        message = f"The company sign-in did not say who you are (no {claim} claim)."
        return login_form(request, next_path, error=message, status_code=401)
    user = await run_in_threadpool(find_user, session, username)
    if user is None or not user.active:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"No poflow account for {username}; ask an admin."
        )
    sign_in(request, user)
    return RedirectResponse(next_path, status_code=303)


def _provider(request: Request) -> StarletteOAuth2App:
    """The app's one client of the provider, made on first use (discovery is fetched then)."""
    settings = get_runtime(request).settings
    if not settings.oidc_enabled:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="Signing in with a company account is not set up."
        )
    state = request.app.state
    if getattr(state, "company_sign_in", None) is None:
        state.company_sign_in = company_sign_in(settings)
    return state.company_sign_in


def _refused(request: Request, next_path: str, error: str) -> Response:
    if error == "access_denied":
        message = "The company sign-in was cancelled or refused."
        return login_form(request, next_path, error=message, status_code=401)
    if error == "mismatching_state":
        message = "This sign-in expired or was started elsewhere; please start again."
        return login_form(request, next_path, error=message, status_code=400)
    message = f"The company sign-in failed ({error})."
    return login_form(request, next_path, error=message, status_code=400)
