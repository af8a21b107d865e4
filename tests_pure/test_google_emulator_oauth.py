"""The Google emulator behaves like Google where our code can tell the difference:
OAuth (consent, code, tokens, refresh, revoke) and the API's authentication.

Driven with the real google-api-python-client / google-auth where possible, and
with raw ``requests`` for OAuth and wire-level edge cases.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.oauth2.credentials import Credentials
from google_emulator_helpers import api, service
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from emulators.google_emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize(emu, **params):
    query = {
        "response_type": "code",
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": "http://localhost/cb",
        "scope": "https://www.googleapis.com/auth/calendar",
        "state": "st4te",
        "access_type": "offline",
        "prompt": "consent",
        "code_challenge": challenge_of("v" * 50),
        "code_challenge_method": "S256",
    }
    query.update(params)
    return requests.get(emu.auth_uri, params=query, allow_redirects=False, timeout=10)


def code_from(response) -> dict:
    assert response.status_code == 302
    return {
        k: v[0]
        for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()
    }


def token_post(emu, **data):
    base = {
        "grant_type": "authorization_code",
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "redirect_uri": "http://localhost/cb",
        "code_verifier": "v" * 50,
    }
    base.update(data)
    return requests.post(emu.token_uri, data=base, timeout=10)


# ----------------------------------------------------------------------- OAuth


def test_authorize_renders_consent_page_whose_allow_button_posts_to_approve(
    google_emulator,
):
    page = authorize(google_emulator)
    assert page.status_code == 200
    assert 'id="emulator-consent-allow"' in page.text
    assert 'action="/o/oauth2/approve"' in page.text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    approved = requests.post(
        google_emulator.base_url + "/o/oauth2/approve",
        data={"request_id": request_id, "action": "allow"},
        allow_redirects=False,
        timeout=10,
    )
    query = code_from(approved)
    assert approved.headers["Location"].startswith("http://localhost/cb?")
    assert query["state"] == "st4te"
    assert query["scope"] == "https://www.googleapis.com/auth/calendar"
    assert query["code"]


def test_consent_denied_redirects_with_access_denied(google_emulator):
    page = authorize(google_emulator)
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    denied = requests.post(
        google_emulator.base_url + "/o/oauth2/approve",
        data={"request_id": request_id, "action": "deny"},
        allow_redirects=False,
        timeout=10,
    )
    assert code_from(denied) == {"error": "access_denied", "state": "st4te"}


def test_auto_consent_redirects_immediately_for_the_login_hint_account(
    google_emulator,
):
    google_emulator.auto_consent = True
    query = code_from(authorize(google_emulator, login_hint="Bob@Example.com"))
    tokens = token_post(google_emulator, code=query["code"]).json()
    calendar = api(
        google_emulator, tokens["access_token"], "GET", "/calendar/v3/calendars/primary"
    ).json()
    assert calendar == {
        **calendar,
        "kind": "calendar#calendar",
        "id": "bob@example.com",
        "summary": "bob@example.com",
        "timeZone": "Europe/Brussels",
    }


def test_code_exchange_with_pkce_returns_google_token_response(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    response = token_post(google_emulator, code=code)
    body = response.json()
    assert response.status_code == 200
    assert body["expires_in"] == 3599
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "https://www.googleapis.com/auth/calendar"
    assert body["refresh_token"] and body["access_token"]


def test_client_credentials_are_accepted_with_http_basic(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    response = requests.post(
        google_emulator.token_uri,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost/cb",
            "code_verifier": "v" * 50,
        },
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        timeout=10,
    )
    assert response.status_code == 200


def test_wrong_or_missing_pkce_verifier_is_invalid_grant(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    wrong = token_post(google_emulator, code=code, code_verifier="w" * 50)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    code = code_from(authorize(google_emulator))["code"]
    missing = token_post(google_emulator, code=code, code_verifier="")
    assert missing.json() == {
        "error": "invalid_grant",
        "error_description": "Missing code verifier.",
    }


def test_authorization_code_is_single_use(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    assert token_post(google_emulator, code=code).status_code == 200
    again = token_post(google_emulator, code=code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_authorize_request(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    response = token_post(google_emulator, code=code, redirect_uri="http://evil/cb")
    assert response.status_code == 400
    assert response.json()["error"] == "redirect_uri_mismatch"


def test_unknown_client_or_wrong_secret_is_invalid_client_401(google_emulator):
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator))["code"]
    wrong = token_post(google_emulator, code=code, client_secret="nope")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = token_post(google_emulator, code=code, client_id="other")
    assert unknown.status_code == 401
    assert authorize(google_emulator, client_id="other").status_code == 401


def test_missing_client_secret_is_400_invalid_request_after_the_client_id(
    google_emulator,
):
    # Google: {"error": "invalid_request", "error_description":
    # "client_secret is missing."}, but an unknown client id is reported first
    missing = token_post(google_emulator, code="4/x", client_secret="")
    assert missing.status_code == 400
    assert missing.json() == {
        "error": "invalid_request",
        "error_description": "client_secret is missing.",
    }
    unknown = token_post(
        google_emulator, code="4/x", client_id="other", client_secret=""
    )
    assert unknown.status_code == 401
    assert unknown.json()["error_description"] == "The OAuth client was not found."


def test_missing_client_id_is_400_invalid_request(google_emulator):
    response = token_post(google_emulator, code="4/x", client_id="")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Could not determine client ID from request.",
    }


def test_client_and_secret_are_checked_before_the_code(google_emulator):
    unknown = token_post(google_emulator, code="not-a-code", client_id="other")
    wrong = token_post(google_emulator, code="not-a-code", client_secret="nope")
    right = token_post(google_emulator, code="not-a-code")
    assert (unknown.status_code, unknown.json()["error"]) == (401, "invalid_client")
    assert wrong.json() == {
        "error": "invalid_client",
        "error_description": "Unauthorized",
    }
    assert right.status_code == 400
    assert right.json() == {
        "error": "invalid_grant",
        "error_description": "Malformed auth code.",
    }


def test_registered_client_can_authorize(google_emulator):
    google_emulator.register_client("odoo-client", "odoo-secret")
    google_emulator.auto_consent = True
    code = code_from(authorize(google_emulator, client_id="odoo-client"))["code"]
    response = token_post(
        google_emulator,
        code=code,
        client_id="odoo-client",
        client_secret="odoo-secret",
    )
    assert response.status_code == 200


def test_refresh_token_only_on_first_consent_or_when_prompt_is_consent(
    google_emulator,
):
    google_emulator.auto_consent = True

    def exchange(**params):
        return token_post(
            google_emulator,
            code=code_from(authorize(google_emulator, **params))["code"],
        ).json()

    assert "refresh_token" in exchange(prompt="")
    assert "refresh_token" not in exchange(prompt="")
    assert "refresh_token" in exchange(prompt="consent")
    assert "refresh_token" not in exchange(access_type="online")


def test_refresh_grant_returns_a_new_access_token(google_emulator, google_tokens):
    response = token_post(
        google_emulator,
        grant_type="refresh_token",
        refresh_token=google_tokens["refresh_token"],
    )
    body = response.json()
    assert response.status_code == 200
    assert body["access_token"] != google_tokens["access_token"]
    assert body["expires_in"] == 3599
    assert "refresh_token" not in body


def test_refresh_tokens_rotate_when_asked(google_emulator, google_tokens):
    google_emulator.rotate_refresh_tokens = True
    old = google_tokens["refresh_token"]
    body = token_post(
        google_emulator, grant_type="refresh_token", refresh_token=old
    ).json()
    assert body["refresh_token"] != old
    reuse = token_post(google_emulator, grant_type="refresh_token", refresh_token=old)
    assert reuse.status_code == 400


def test_revoked_refresh_token_answers_invalid_grant_exactly_like_google(
    google_emulator, google_tokens
):
    google_emulator.revoke_refresh_tokens(google_emulator.default_account)
    response = token_post(
        google_emulator,
        grant_type="refresh_token",
        refresh_token=google_tokens["refresh_token"],
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }


def test_revoke_endpoint_invalidates_the_refresh_token(google_emulator, google_tokens):
    ok = requests.post(
        google_emulator.revoke_uri,
        data={"token": google_tokens["refresh_token"]},
        timeout=10,
    )
    assert ok.status_code == 200
    again = requests.post(
        google_emulator.revoke_uri,
        data={"token": google_tokens["refresh_token"]},
        timeout=10,
    )
    assert again.status_code == 400


# ------------------------------------------------------------------ API auth


def test_api_call_without_valid_token_answers_401_auth_error(google_emulator):
    response = api(google_emulator, "bogus", "GET", "/calendar/v3/calendars/primary")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["errors"][0]["reason"] == "authError"


def test_expired_access_token_is_refreshed_by_google_auth_and_retried(
    google_emulator, google_tokens
):
    google_emulator.expire_access_tokens()
    creds = Credentials(
        token=google_tokens["access_token"],
        refresh_token=google_tokens["refresh_token"],
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        token_uri=google_emulator.token_uri,
    )
    svc = build(
        "calendar",
        "v3",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": google_emulator.api_root + "calendar/v3/"},
    )
    assert svc.calendars().get(calendarId="primary").execute()["id"] == (
        "user@example.com"
    )
    statuses = [(r["path"], r["status"]) for r in google_emulator.requests]
    assert statuses == [
        ("/calendar/v3/calendars/primary", 401),
        ("/token", 200),
        ("/calendar/v3/calendars/primary", 200),
    ]


def test_calendar_timezone_is_configurable_per_account(google_emulator):
    google_emulator.add_account("tokyo@example.com", timezone="Asia/Tokyo")
    token = google_emulator.issue_tokens("tokyo@example.com")["access_token"]
    cal = (
        service(google_emulator, token).calendars().get(calendarId="primary").execute()
    )
    assert (cal["id"], cal["timeZone"]) == ("tokyo@example.com", "Asia/Tokyo")


def test_calendar_of_another_account_is_not_found(svc):
    with pytest.raises(HttpError) as info:
        svc.events().list(calendarId="someone@else.com").execute()
    assert info.value.status_code == 404
