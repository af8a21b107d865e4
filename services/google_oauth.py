"""Google OAuth 2.0 web-server flow (authorization URL and code exchange)
========================================================================

Pure helpers over ``requests`` (explicit timeouts). The PKCE verifier and the
signed ``state`` come from :mod:`.oauth_state`; the caller persists the verifier
between the redirect and the callback. Token *refresh* is not done here but by
google-auth inside :mod:`.google_client`.

Public API::

    authorization_url(auth_uri, client_id, redirect_uri, state, code_challenge,
                      scope=CALENDAR_SCOPE, login_hint=None) -> str
    exchange_code(token_uri, client_id, client_secret, code, redirect_uri,
                  code_verifier, timeout=20, now=None) -> dict
        # {"access_token", "refresh_token" (or None), "expiry" (naive UTC),
        #  "scope", "token_type"}
    revoke_token(revoke_uri, token, timeout=20) -> bool

Every failure raises :class:`.exceptions.AuthorizationError` with ``provider``,
``error`` (Google's code, or ``network_error``/``server_error``) and ``description``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import requests

from .exceptions import AuthorizationError

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"


def authorization_url(
    auth_uri: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
    scope: str = CALENDAR_SCOPE,
    login_hint: str | None = None,
) -> str:
    """The URL to send the user's browser to (offline access, forced consent, PKCE).

    Only ``scope`` is asked for: no ``include_granted_scopes``, which would give
    the token every scope the user granted earlier to the same OAuth client
    (another app sharing it), so the stored token could do more than Calendar.
    """
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "access_type": "offline",
        "prompt": "consent",
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    separator = "&" if "?" in auth_uri else "?"
    return auth_uri + separator + urlencode(params)


def _fail(error: str, description: str) -> AuthorizationError:
    return AuthorizationError(
        f"Google authorization failed: {error}: {description}",
        provider="google",
        error=error,
        description=description,
    )


def exchange_code(
    token_uri: str,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    timeout: float = 20,
    now: datetime | None = None,
) -> dict:
    """Trade an authorization code for tokens."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
        "code_verifier": code_verifier,
    }
    try:
        response = requests.post(token_uri, data=data, timeout=timeout)
    except requests.RequestException as exc:
        raise _fail("network_error", str(exc)) from exc
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    if response.status_code != 200 or "access_token" not in payload:
        error = payload.get("error") or (
            "server_error" if response.status_code >= 500 else "invalid_response"
        )
        description = payload.get("error_description") or f"HTTP {response.status_code}"
        raise _fail(str(error), str(description))
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    expires_in = int(payload.get("expires_in") or 3599)
    return {
        "access_token": payload["access_token"],
        "refresh_token": payload.get("refresh_token"),
        "expiry": now + timedelta(seconds=expires_in),
        "scope": payload.get("scope", ""),
        "token_type": payload.get("token_type", "Bearer"),
    }


def revoke_token(revoke_uri: str, token: str, timeout: float = 20) -> bool:
    """Revoke a refresh or access token; True when Google accepted it."""
    try:
        response = requests.post(
            revoke_uri,
            data={"token": token},
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
        )
    except requests.RequestException:
        return False
    return response.status_code == 200
