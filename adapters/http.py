"""HTTP clients for the outside systems. Building a TLS context reads the whole CA bundle, which
costs more CPU than a request: every client shares one, built on first use. Callers that post
often (the chat webhooks) share a client kept open for the process's life, so a post reuses an
open connection instead of making one."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx


@cache
def tls() -> ssl.SSLContext:
    """The TLS context (certifi's CA bundle) every client verifies servers with."""
    return httpx.create_ssl_context()


def client(**options: Any) -> httpx.Client:
    """An ``httpx.Client`` over the shared TLS context; ``options`` as httpx takes them."""
    return httpx.Client(verify=tls(), **options)


@cache
def kept_open(timeout_seconds: float) -> httpx.Client:
    """A client with this timeout, shared by every caller and thread (httpx allows that), whose
    connections stay open between requests."""
    return client(timeout=timeout_seconds)
