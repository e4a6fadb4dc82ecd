"""A small OpenID Connect provider on loopback: a test double of the company's identity provider
(Keycloak, Entra ID, ...) speaking the real protocol over HTTP. It serves discovery, the
authorization code flow with PKCE, client authentication at the token endpoint (basic or post),
RS256-signed ID tokens verifiable through its JWKS, and userinfo. Nobody types a password:
/authorize approves whoever the test put at the keyboard, or refuses (access_denied) if nobody.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import RSAKey

CLAIMS = ("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "preferred_username", "email")


@dataclass(frozen=True)
class Person:
    """Someone with an account at the provider (not necessarily at poflow)."""

    username: str
    email: str
    sub: str

    def claims(self) -> dict[str, Any]:
        return {"sub": self.sub, "preferred_username": self.username, "email": self.email}


@dataclass(frozen=True)
class _Grant:
    person: Person
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


class OidcProvider:
    """One registered client (id, secret, redirect URI) and one signing key."""

    def __init__(self, issuer: str, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.at_keyboard: Person | None = None  # who approves at /authorize; None declines
        self.audience: str | None = None  # set to issue ID tokens meant for another client
        self._key = RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256"}, auto_kid=True)
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, Person] = {}
        self.app = FastAPI(title="OIDC provider simulator")
        self.app.get("/.well-known/openid-configuration")(self.discovery)
        self.app.get("/authorize")(self.authorize)
        self.app.post("/token")(self.token)
        self.app.get("/jwks")(self.jwks)
        self.app.get("/userinfo")(self.userinfo)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": list(CLAIMS),
        }

    def authorize(
        self,
        response_type: str,
        client_id: str,
        redirect_uri: str,
        scope: str,
        state: str | None = None,
        nonce: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
    ) -> Response:
        if client_id != self.client_id or redirect_uri != self.redirect_uri:
            # Never redirect to a URI nobody registered (RFC 6749 4.1.2.1).
            return PlainTextResponse("unknown client or redirect_uri", status_code=400)
        answer: dict[str, str] = {}
        not_oidc_code_flow = response_type != "code" or "openid" not in scope.split()
        if not_oidc_code_flow or (code_challenge is not None and code_challenge_method != "S256"):
            answer["error"] = "invalid_request"
        elif self.at_keyboard is None:
            answer["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            self._grants[code] = _Grant(self.at_keyboard, redirect_uri, nonce, code_challenge)
            answer["code"] = code
        if state is not None:
            answer["state"] = state
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(redirect_uri + separator + urlencode(answer), status_code=302)

    async def token(self, request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        if _client_credentials(request, form) != (self.client_id, self.client_secret):
            return _oauth_error("invalid_client", 401)
        if form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type")
        grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error("invalid_grant")
        if grant.code_challenge is not None and grant.code_challenge != _s256(
            form.get("code_verifier", "")
        ):
            return _oauth_error("invalid_grant")
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = grant.person
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid email profile",
            "id_token": self._id_token(grant),
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._key.as_dict(private=False)]}

    def userinfo(self, request: Request) -> JSONResponse:
        scheme, _, access_token = request.headers.get("authorization", "").partition(" ")
        person = self._access_tokens.get(access_token) if scheme.lower() == "bearer" else None
        if person is None:
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return JSONResponse({"error": "invalid_token"}, status_code=401, headers=headers)
        return JSONResponse(person.claims())

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience or self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            **grant.person.claims(),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key)


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """client_secret_basic (form-encoded, then base64, RFC 6749 2.3.1) or client_secret_post."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        return unquote_plus(client_id), unquote_plus(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _oauth_error(error: str, status_code: int = 400) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code)
