"""Google OAuth web-server flow helpers against the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from emulators.google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from services.exceptions import AuthorizationError
from services.google_client import GoogleCalendarClient
from services.google_oauth import authorization_url, exchange_code, revoke_token
from services.oauth_state import new_pkce_pair

REDIRECT = "http://localhost:8069/google_account/authentication"


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_authorization_url_asks_offline_access_forced_consent_and_pkce():
    url = authorization_url(
        "https://accounts.google.com/o/oauth2/auth", "cid", REDIRECT, "st", "chal"
    )
    assert url.startswith("https://accounts.google.com/o/oauth2/auth?")
    assert query_of(url) == {
        "response_type": "code",
        "client_id": "cid",
        "redirect_uri": REDIRECT,
        "scope": "https://www.googleapis.com/auth/calendar",
        "state": "st",
        "access_type": "offline",
        "prompt": "consent",
        "code_challenge": "chal",
        "code_challenge_method": "S256",
    }


def test_authorization_url_never_widens_the_token_to_earlier_granted_scopes():
    url = authorization_url(
        "https://accounts.google.com/o/oauth2/auth", "cid", REDIRECT, "st", "chal"
    )
    query = query_of(url)
    assert "include_granted_scopes" not in query
    assert query["scope"].split() == ["https://www.googleapis.com/auth/calendar"]


def consent(emu, verifier_challenge):
    emu.auto_consent = True
    url = authorization_url(
        emu.auth_uri, DEFAULT_CLIENT_ID, REDIRECT, "st", verifier_challenge[1]
    )
    response = requests.get(url, allow_redirects=False, timeout=10)
    return query_of(response.headers["Location"])


def test_full_dance_gives_tokens_that_work_with_the_client(google_emulator):
    pair = new_pkce_pair()
    back = consent(google_emulator, pair)
    assert back["state"] == "st"
    now = datetime(2024, 1, 1, 12, 0)
    tokens = exchange_code(
        google_emulator.token_uri,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        back["code"],
        REDIRECT,
        pair[0],
        now=now,
    )
    assert tokens["refresh_token"]
    assert tokens["expiry"] == now + timedelta(seconds=3599)
    client = GoogleCalendarClient(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_uri=google_emulator.token_uri,
        api_root=google_emulator.api_root,
    )
    assert client.get_primary_calendar()["id"] == google_emulator.default_account


def test_code_exchange_with_a_wrong_verifier_raises_authorization_error(
    google_emulator,
):
    back = consent(google_emulator, new_pkce_pair())
    with pytest.raises(AuthorizationError) as info:
        exchange_code(
            google_emulator.token_uri,
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            back["code"],
            REDIRECT,
            new_pkce_pair()[0],
        )
    assert (info.value.provider, info.value.error) == ("google", "invalid_grant")


def test_code_exchange_with_a_wrong_secret_raises_invalid_client(google_emulator):
    pair = new_pkce_pair()
    back = consent(google_emulator, pair)
    with pytest.raises(AuthorizationError) as info:
        exchange_code(
            google_emulator.token_uri,
            DEFAULT_CLIENT_ID,
            "wrong",
            back["code"],
            REDIRECT,
            pair[0],
        )
    assert info.value.error == "invalid_client"


def test_unreachable_token_endpoint_raises_authorization_error():
    with pytest.raises(AuthorizationError) as info:
        exchange_code(
            "http://127.0.0.1:9/token", "c", "s", "code", REDIRECT, "v", timeout=2
        )
    assert info.value.error == "network_error"


def test_revoke_token_revokes_the_refresh_token(google_emulator, google_tokens):
    assert revoke_token(google_emulator.revoke_uri, google_tokens["refresh_token"])
    assert not revoke_token(google_emulator.revoke_uri, google_tokens["refresh_token"])
