"""Signed OAuth ``state`` values and PKCE pairs (stdlib only)
===========================================================

The ``state`` sent to the provider is ``base64url(json payload) "." base64url(hmac)``,
signed with the database secret. It binds the flow to a user, a database and a
provider, expires, and carries a random nonce; replay protection is the caller's
job (store the nonce when the state is consumed and refuse it the second time).

Public API::

    new_pkce_pair() -> (code_verifier, code_challenge)          # S256
    make_state(secret, user_id, dbname, provider, return_url, ttl=600, now=None) -> str
    read_state(secret, state, user_id, dbname, provider, now=None) -> dict
        # {"user_id", "dbname", "provider", "return_url", "nonce", "expires"}
        # raises InvalidOAuthState(reason=...) with reason in: malformed,
        # bad_signature, expired, wrong_user, wrong_database, wrong_provider
    safe_return_url(url, base_url) -> str    # same origin or "/path", else default

``now`` is seconds since the epoch (float) or an aware/naive-UTC datetime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .exceptions import InvalidOAuthState

DEFAULT_RETURN_URL = "/odoo/calendar"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def _timestamp(now: float | datetime | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.timestamp()
    return float(now)


def _sign(secret: str | bytes, body: str) -> str:
    digest = hmac.new(_key(secret), b"oauth-state:" + body.encode(), hashlib.sha256)
    return _b64(digest.digest())


def new_pkce_pair() -> tuple[str, str]:
    """A random ``code_verifier`` (86 chars) and its S256 ``code_challenge``."""
    verifier = secrets.token_urlsafe(64)
    challenge = _b64(hashlib.sha256(verifier.encode("ascii")).digest())
    return verifier, challenge


def make_state(
    secret: str | bytes,
    user_id: int,
    dbname: str,
    provider: str,
    return_url: str,
    ttl: int = 600,
    now: float | datetime | None = None,
) -> str:
    """An opaque, URL-safe, signed state carrying a fresh nonce."""
    payload = {
        "u": user_id,
        "d": dbname,
        "p": provider,
        "r": return_url,
        "n": secrets.token_urlsafe(16),
        "e": int(_timestamp(now) + ttl),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_sign(secret, body)}"


def _invalid(reason: str, message: str) -> InvalidOAuthState:
    return InvalidOAuthState(message, reason=reason)


def _decode(secret: str | bytes, state: str) -> dict:
    if not isinstance(state, str) or state.count(".") != 1:
        raise _invalid("malformed", "The OAuth state is malformed.")
    body, signature = state.split(".")
    if not hmac.compare_digest(_sign(secret, body), signature):
        raise _invalid("bad_signature", "The OAuth state signature is invalid.")
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        raise _invalid("malformed", "The OAuth state is malformed.") from None
    if not isinstance(payload, dict) or not {"u", "d", "p", "r", "n", "e"} <= set(
        payload
    ):
        raise _invalid("malformed", "The OAuth state is malformed.")
    return payload


def read_state(
    secret: str | bytes,
    state: str,
    user_id: int,
    dbname: str,
    provider: str,
    now: float | datetime | None = None,
) -> dict:
    """Check a state returned by the provider; the payload or InvalidOAuthState."""
    payload = _decode(secret, state)
    if _timestamp(now) > payload["e"]:
        raise _invalid("expired", "The OAuth state has expired.")
    if payload["u"] != user_id:
        raise _invalid("wrong_user", "The OAuth state belongs to another user.")
    if payload["d"] != dbname:
        raise _invalid("wrong_database", "The OAuth state belongs to another database.")
    if payload["p"] != provider:
        raise _invalid("wrong_provider", "The OAuth state is for another provider.")
    return {
        "user_id": payload["u"],
        "dbname": payload["d"],
        "provider": payload["p"],
        "return_url": payload["r"],
        "nonce": payload["n"],
        "expires": payload["e"],
    }


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.netloc or "").lower()


def safe_return_url(
    url: str | None, base_url: str, default: str = DEFAULT_RETURN_URL
) -> str:
    """``url`` if it stays on this site (same origin, or a "/path"), else default."""
    if not url or not isinstance(url, str):
        return default
    if any(ch in url for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in url):
        return default
    if url.startswith("/"):
        return default if url.startswith("//") else url
    scheme, netloc = _origin(url)
    if scheme not in ("http", "https") or not netloc:
        return default
    return url if (scheme, netloc) == _origin(base_url) else default
