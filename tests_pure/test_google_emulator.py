"""The Google emulator behaves like Google where our code can tell the difference.

Driven with the real google-api-python-client / google-auth where possible, and
with raw ``requests`` for OAuth and wire-level edge cases.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from emulators.google_emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    GoogleEmulator,
)
from services.google_recurrence import to_google_recurrence
from services.neutral_event import utc_naive
from services.recurrence import expand

TIMED = {
    "start": {"dateTime": "2024-01-15T10:00:00+01:00", "timeZone": "Europe/Brussels"},
    "end": {"dateTime": "2024-01-15T11:00:00+01:00", "timeZone": "Europe/Brussels"},
}
WEEKLY = {
    **TIMED,
    "summary": "Weekly",
    "recurrence": [
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5",
        "EXDATE;TZID=Europe/Brussels:20240122T100000",
    ],
}


def service(emu: GoogleEmulator, token: str | None = None, **creds):
    if token is not None:
        credentials = Credentials(token=token)
    else:
        credentials = Credentials(token=None, **creds)
    return build(
        "calendar",
        "v3",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": emu.api_root + "calendar/v3/"},
    )


@pytest.fixture
def svc(google_emulator, google_tokens):
    return service(google_emulator, google_tokens["access_token"])


def api(emu, token, method, path, **kwargs):
    headers = kwargs.pop("headers", {})
    headers["Authorization"] = f"Bearer {token}"
    return requests.request(
        method, emu.base_url + path, headers=headers, timeout=10, **kwargs
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


# --------------------------------------------------------------------- insert


def test_insert_returns_the_full_google_event_resource(svc):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={
                **TIMED,
                "summary": "Hello",
                "attendees": [
                    {"email": "USER@example.com"},
                    {"email": "bob@y.com", "displayName": "Bob"},
                ],
                "extendedProperties": {"private": {"odoo_id": "42"}},
                "visibility": "default",
            },
        )
        .execute()
    )
    assert re.fullmatch(r"[a-v0-9]{5,1024}", event["id"])
    assert re.fullmatch(r'"\d+"', event["etag"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["updated"])
    assert event["created"] == event["updated"]
    assert event["kind"] == "calendar#event"
    assert event["status"] == "confirmed"
    assert event["sequence"] == 0
    assert event["iCalUID"] == event["id"] + "@google.com"
    assert event["organizer"] == {"email": "user@example.com", "self": True}
    assert event["creator"] == {"email": "user@example.com", "self": True}
    assert event["attendees"][0] == {
        "email": "user@example.com",
        "organizer": True,
        "self": True,
        "responseStatus": "needsAction",
    }
    assert event["attendees"][1]["responseStatus"] == "needsAction"
    assert event["extendedProperties"] == {"private": {"odoo_id": "42"}}
    assert event["reminders"] == {"useDefault": True}
    assert "visibility" not in event
    assert event["htmlLink"]


def test_insert_keeps_a_valid_client_supplied_id(svc):
    event = svc.events().insert(calendarId="primary", body={**TIMED, "id": "abc12345"})
    assert event.execute()["id"] == "abc12345"


@pytest.mark.parametrize("bad_id", ["abc", "ABCDEF", "abcdwxyz", "abc_12345"])
def test_insert_with_invalid_id_answers_400(svc, bad_id):
    with pytest.raises(HttpError) as info:
        svc.events().insert(
            calendarId="primary", body={**TIMED, "id": bad_id}
        ).execute()
    assert info.value.status_code == 400


def test_insert_with_existing_id_answers_409_duplicate(svc):
    svc.events().insert(
        calendarId="primary", body={**TIMED, "id": "dup12345"}
    ).execute()
    with pytest.raises(HttpError) as info:
        svc.events().insert(
            calendarId="primary", body={**TIMED, "id": "dup12345"}
        ).execute()
    assert info.value.status_code == 409
    assert info.value.error_details[0]["reason"] == "duplicate"


def test_insert_without_end_or_with_end_before_start_answers_400(svc):
    with pytest.raises(HttpError) as info:
        svc.events().insert(
            calendarId="primary", body={"start": TIMED["start"]}
        ).execute()
    assert info.value.status_code == 400
    body = {"start": TIMED["end"], "end": TIMED["start"]}
    with pytest.raises(HttpError) as info:
        svc.events().insert(calendarId="primary", body=body).execute()
    assert info.value.error_details[0]["reason"] == "timeRangeEmpty"


def test_recurring_event_without_start_timezone_answers_400(svc):
    body = {
        "start": {"dateTime": "2024-01-15T10:00:00+01:00"},
        "end": {"dateTime": "2024-01-15T11:00:00+01:00"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=2"],
    }
    with pytest.raises(HttpError) as info:
        svc.events().insert(calendarId="primary", body=body).execute()
    assert info.value.status_code == 400


def test_send_updates_of_every_write_is_recorded(svc, google_emulator):
    event = (
        svc.events()
        .insert(calendarId="primary", body=TIMED, sendUpdates="none")
        .execute()
    )
    svc.events().patch(
        calendarId="primary",
        eventId=event["id"],
        body={"summary": "x"},
        sendUpdates="all",
    ).execute()
    svc.events().delete(calendarId="primary", eventId=event["id"]).execute()
    writes = [r for r in google_emulator.requests if r["method"] != "GET"]
    assert [(r["method"], r["sendUpdates"]) for r in writes] == [
        ("POST", "none"),
        ("PATCH", "all"),
        ("DELETE", None),
    ]


def test_conference_create_request_needs_conference_data_version_1(svc):
    body = {
        **TIMED,
        "conferenceData": {
            "createRequest": {
                "requestId": "req-1",
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        },
    }
    ignored = svc.events().insert(calendarId="primary", body=body).execute()
    assert "conferenceData" not in ignored
    created = (
        svc.events()
        .insert(calendarId="primary", body=body, conferenceDataVersion=1)
        .execute()
    )
    assert created["hangoutLink"].startswith("https://meet.google.com/")
    data = created["conferenceData"]
    assert data["createRequest"]["status"]["statusCode"] == "success"
    assert data["entryPoints"][0]["uri"] == created["hangoutLink"]
    patched = (
        svc.events()
        .patch(calendarId="primary", eventId=created["id"], body={"summary": "s"})
        .execute()
    )
    assert patched["hangoutLink"] == created["hangoutLink"]


# ---------------------------------------------------------------- get / patch


def test_patch_bumps_etag_and_updated_and_sequence_only_on_time_change(svc):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    renamed = (
        svc.events()
        .patch(calendarId="primary", eventId=event["id"], body={"summary": "new"})
        .execute()
    )
    assert renamed["etag"] != event["etag"]
    assert renamed["updated"] > event["updated"]
    assert renamed["sequence"] == 0
    moved = (
        svc.events()
        .patch(
            calendarId="primary",
            eventId=event["id"],
            body={"end": {"dateTime": "2024-01-15T12:00:00+01:00"}},
        )
        .execute()
    )
    assert moved["sequence"] == 1
    assert moved["summary"] == "new"
    assert moved["end"]["timeZone"] == "Europe/Brussels"


def test_update_replaces_the_whole_event(svc):
    event = (
        svc.events()
        .insert(calendarId="primary", body={**TIMED, "summary": "a", "location": "L"})
        .execute()
    )
    updated = (
        svc.events()
        .update(
            calendarId="primary", eventId=event["id"], body={**TIMED, "summary": "b"}
        )
        .execute()
    )
    assert updated["summary"] == "b"
    assert "location" not in updated
    assert updated["created"] == event["created"]


def test_stale_if_match_answers_412_condition_not_met(svc):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "x"}
    ).execute()
    request = svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "y"}
    )
    request.headers["If-Match"] = event["etag"]
    with pytest.raises(HttpError) as info:
        request.execute()
    assert info.value.status_code == 412
    assert info.value.error_details[0]["reason"] == "conditionNotMet"


def test_matching_if_match_is_accepted(svc):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    request = svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "y"}
    )
    request.headers["If-Match"] = event["etag"]
    assert request.execute()["summary"] == "y"


def _stale(svc, body=None):
    """An event and its etag from before a remote edit."""
    event = svc.events().insert(calendarId="primary", body=body or TIMED).execute()
    svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "remote edit"}
    ).execute()
    return event


def _conditional(request, etag):
    request.headers["If-Match"] = etag
    return request


def test_patch_with_a_stale_etag_is_refused_with_googles_412_body_and_changes_nothing(
    svc, google_emulator
):
    event = _stale(svc)
    before = google_emulator.get_event("user@example.com", event["id"])
    request = svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "mine"}
    )
    with pytest.raises(HttpError) as info:
        _conditional(request, event["etag"]).execute()
    assert info.value.status_code == 412
    assert json.loads(info.value.content) == {
        "error": {
            "code": 412,
            "message": "Precondition Failed",
            "errors": [
                {
                    "domain": "global",
                    "reason": "conditionNotMet",
                    "message": "Precondition Failed",
                    "locationType": "header",
                    "location": "If-Match",
                }
            ],
        }
    }
    assert google_emulator.get_event("user@example.com", event["id"]) == before


def test_update_with_a_stale_etag_is_refused(svc, google_emulator):
    event = _stale(svc)
    request = svc.events().update(
        calendarId="primary", eventId=event["id"], body={**TIMED, "summary": "mine"}
    )
    with pytest.raises(HttpError) as info:
        _conditional(request, event["etag"]).execute()
    assert info.value.status_code == 412
    stored = google_emulator.get_event("user@example.com", event["id"])
    assert stored["summary"] == "remote edit"


def test_delete_with_a_stale_etag_is_refused(svc, google_emulator):
    event = _stale(svc)
    request = svc.events().delete(calendarId="primary", eventId=event["id"])
    with pytest.raises(HttpError) as info:
        _conditional(request, event["etag"]).execute()
    assert info.value.status_code == 412
    stored = google_emulator.get_event("user@example.com", event["id"])
    assert stored["status"] == "confirmed"


def test_delete_with_the_current_etag_deletes(svc, google_emulator):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    request = svc.events().delete(calendarId="primary", eventId=event["id"])
    assert _conditional(request, event["etag"]).execute() == ""
    assert google_emulator.events("user@example.com") == []


def test_delete_of_a_deleted_event_stays_410_whatever_its_if_match(svc):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    svc.events().delete(calendarId="primary", eventId=event["id"]).execute()
    request = svc.events().delete(calendarId="primary", eventId=event["id"])
    with pytest.raises(HttpError) as info:
        _conditional(request, event["etag"]).execute()
    assert info.value.status_code == 410


def test_patch_of_an_instance_with_a_stale_etag_creates_no_exception(
    svc, google_emulator
):
    master = _stale(svc, WEEKLY)
    instance_id = master["id"] + "_20240115T090000Z"
    request = svc.events().patch(
        calendarId="primary", eventId=instance_id, body={"summary": "mine"}
    )
    with pytest.raises(HttpError) as info:
        _conditional(request, master["etag"]).execute()
    assert info.value.status_code == 412
    assert google_emulator.get_event("user@example.com", instance_id) is None


def test_if_match_inside_batch_parts_is_judged_part_by_part(svc, google_emulator):
    fresh = svc.events().insert(calendarId="primary", body=TIMED).execute()
    stale = _stale(svc)
    doomed = _stale(svc)
    answers = {}
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: answers.__setitem__(rid, (resp, exc)),
        batch_uri=google_emulator.api_root + "batch/calendar/v3",
    )
    events = svc.events()
    parts = {
        "fresh": (events.patch, fresh, {"body": {"summary": "a"}}),
        "stale": (events.patch, stale, {"body": {"summary": "b"}}),
        "delete": (events.delete, doomed, {}),
    }
    for key, (method, event, extra) in parts.items():
        request = method(calendarId="primary", eventId=event["id"], **extra)
        batch.add(_conditional(request, event["etag"]), request_id=key)
    batch.execute()
    assert answers["fresh"][0]["summary"] == "a"
    for key in ("stale", "delete"):
        error = answers[key][1]
        assert error.status_code == 412
        assert error.error_details[0]["reason"] == "conditionNotMet"
    stored = {e["id"]: e for e in google_emulator.events("user@example.com")}
    assert stored[stale["id"]]["summary"] == "remote edit"
    assert stored[doomed["id"]]["summary"] == "remote edit"


def test_get_of_unknown_event_answers_404(svc):
    with pytest.raises(HttpError) as info:
        svc.events().get(calendarId="primary", eventId="unknown123").execute()
    assert info.value.status_code == 404


def test_delete_answers_204_then_410_and_get_still_returns_the_cancelled_event(
    svc, google_emulator, google_tokens
):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    path = f"/calendar/v3/calendars/primary/events/{event['id']}"
    first = api(google_emulator, google_tokens["access_token"], "DELETE", path)
    assert first.status_code == 204
    assert first.content == b""
    second = api(google_emulator, google_tokens["access_token"], "DELETE", path)
    assert second.status_code == 410
    assert second.json()["error"]["errors"][0]["reason"] == "deleted"
    got = svc.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert got["status"] == "cancelled"
    missing = api(google_emulator, google_tokens["access_token"], "DELETE", path + "x")
    assert missing.status_code == 404


# ---------------------------------------------------------------------- lists


def seed(emu, count, account="user@example.com", **extra):
    return [
        emu.add_event(account, {**TIMED, "summary": f"e{i}", **extra})
        for i in range(count)
    ]


def test_list_clamps_max_results_to_2500_and_pages_with_next_page_token(
    svc, google_emulator
):
    seed(google_emulator, 2600)
    first = svc.events().list(calendarId="primary", maxResults=5000).execute()
    assert len(first["items"]) == 2500
    assert "nextSyncToken" not in first
    request = svc.events().list(calendarId="primary", maxResults=5000)
    response = request.execute()
    second = svc.events().list_next(request, response).execute()
    assert len(second["items"]) == 100
    assert "nextPageToken" not in second
    assert second["nextSyncToken"]


def test_default_page_size_is_250(svc, google_emulator):
    seed(google_emulator, 260)
    assert len(svc.events().list(calendarId="primary").execute()["items"]) == 250


def test_incremental_sync_returns_only_changes_and_deletions(svc, google_emulator):
    kept, changed, deleted = seed(google_emulator, 3)
    full = svc.events().list(calendarId="primary", showDeleted=True).execute()
    google_emulator.update_event("user@example.com", changed["id"], {"summary": "c"})
    google_emulator.delete_event("user@example.com", deleted["id"])
    new = google_emulator.add_event("user@example.com", {**TIMED, "summary": "new"})
    delta = svc.events().list(calendarId="primary", syncToken=full["nextSyncToken"])
    items = delta.execute()["items"]
    assert [i["id"] for i in items] == [changed["id"], deleted["id"], new["id"]]
    assert items[1] == {
        "kind": "calendar#event",
        "etag": items[1]["etag"],
        "id": deleted["id"],
        "status": "cancelled",
        "updated": items[1]["updated"],
    }
    assert kept["id"] not in [i["id"] for i in items]


def test_incremental_sync_pages_repeat_the_sync_token(svc, google_emulator):
    full = svc.events().list(calendarId="primary").execute()
    seed(google_emulator, 5)
    request = svc.events().list(
        calendarId="primary", syncToken=full["nextSyncToken"], maxResults=3
    )
    page1 = request.execute()
    page2 = svc.events().list_next(request, page1).execute()
    assert (len(page1["items"]), len(page2["items"])) == (3, 2)
    assert "nextSyncToken" not in page1 and page2["nextSyncToken"]
    empty = svc.events().list(calendarId="primary", syncToken=page2["nextSyncToken"])
    assert empty.execute()["items"] == []


def test_unknown_or_invalidated_sync_token_answers_410_full_sync_required(
    svc, google_emulator
):
    token = svc.events().list(calendarId="primary").execute()["nextSyncToken"]
    google_emulator.invalidate_sync_tokens()
    for stale in (token, "garbage"):
        with pytest.raises(HttpError) as info:
            svc.events().list(calendarId="primary", syncToken=stale).execute()
        assert info.value.status_code == 410
        assert info.value.error_details[0]["reason"] == "fullSyncRequired"


@pytest.mark.parametrize(
    "param",
    [
        {"timeMin": "2024-01-01T00:00:00Z"},
        {"timeMax": "2024-01-01T00:00:00Z"},
        {"iCalUID": "x@google.com"},
        {"privateExtendedProperty": "odoo_id=1"},
        {"updatedMin": "2024-01-01T00:00:00Z"},
        {"q": "x"},
    ],
)
def test_sync_token_with_a_forbidden_parameter_answers_400(svc, param):
    token = svc.events().list(calendarId="primary").execute()["nextSyncToken"]
    with pytest.raises(HttpError) as info:
        svc.events().list(calendarId="primary", syncToken=token, **param).execute()
    assert info.value.status_code == 400


def test_order_by_start_time_requires_single_events(svc):
    with pytest.raises(HttpError) as info:
        svc.events().list(calendarId="primary", orderBy="startTime").execute()
    assert info.value.status_code == 400
    svc.events().list(
        calendarId="primary", orderBy="startTime", singleEvents=True
    ).execute()


def test_time_max_not_after_time_min_answers_400_time_range_empty(svc):
    with pytest.raises(HttpError) as info:
        svc.events().list(
            calendarId="primary",
            timeMin="2024-01-02T00:00:00Z",
            timeMax="2024-01-01T00:00:00Z",
        ).execute()
    assert info.value.error_details[0]["reason"] == "timeRangeEmpty"


def test_time_min_bounds_the_end_and_time_max_the_start_exclusively(
    svc, google_emulator
):
    event = seed(google_emulator, 1)[0]  # 09:00Z - 10:00Z

    def ids(**window):
        items = svc.events().list(calendarId="primary", **window).execute()["items"]
        return [i["id"] for i in items]

    assert ids(timeMin="2024-01-15T10:00:00Z") == []
    assert ids(timeMin="2024-01-15T09:59:59Z") == [event["id"]]
    assert ids(timeMax="2024-01-15T09:00:00Z") == []
    assert ids(timeMax="2024-01-15T09:00:01Z") == [event["id"]]


def test_time_min_without_offset_answers_400(svc):
    with pytest.raises(HttpError) as info:
        svc.events().list(calendarId="primary", timeMin="2024-01-15T10:00:00").execute()
    assert info.value.status_code == 400


def test_show_deleted_false_hides_cancelled_events_but_not_cancelled_instances(
    svc, google_emulator
):
    single, master = (
        seed(google_emulator, 1)[0],
        google_emulator.add_event("user@example.com", WEEKLY),
    )
    google_emulator.delete_event("user@example.com", single["id"])
    google_emulator.delete_event("user@example.com", master["id"] + "_20240129T090000Z")
    items = svc.events().list(calendarId="primary").execute()["items"]
    assert [(i["id"], i["status"]) for i in items] == [
        (master["id"], "confirmed"),
        (master["id"] + "_20240129T090000Z", "cancelled"),
    ]
    with_deleted = svc.events().list(calendarId="primary", showDeleted=True).execute()
    assert single["id"] in [i["id"] for i in with_deleted["items"]]


def test_single_events_expands_rrule_with_exdate_into_instances(svc, google_emulator):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    items = (
        svc.events()
        .list(calendarId="primary", singleEvents=True, orderBy="startTime")
        .execute()["items"]
    )
    assert [i["id"] for i in items] == [
        master["id"] + suffix
        for suffix in ("_20240115T090000Z", "_20240129T090000Z", "_20240205T090000Z")
        + ("_20240212T090000Z",)
    ]
    first = items[0]
    assert first["recurringEventId"] == master["id"]
    assert first["originalStartTime"] == {
        "dateTime": "2024-01-15T10:00:00+01:00",
        "timeZone": "Europe/Brussels",
    }
    assert first["start"] == first["originalStartTime"]
    assert first["end"]["dateTime"] == "2024-01-15T11:00:00+01:00"
    assert first["iCalUID"] == master["iCalUID"]
    assert "recurrence" not in first


def test_expansion_keeps_wall_clock_time_across_dst(svc, google_emulator):
    google_emulator.add_event(
        "user@example.com",
        {
            "start": {"dateTime": "2024-03-25T10:00:00", "timeZone": "Europe/Brussels"},
            "end": {"dateTime": "2024-03-25T11:00:00", "timeZone": "Europe/Brussels"},
            "recurrence": ["RRULE:FREQ=WEEKLY;UNTIL=20240402T000000Z"],
        },
    )
    items = (
        svc.events().list(calendarId="primary", singleEvents=True).execute()["items"]
    )
    assert [i["start"]["dateTime"] for i in items] == [
        "2024-03-25T10:00:00+01:00",
        "2024-04-01T10:00:00+02:00",
    ]
    assert items[1]["id"].endswith("_20240401T080000Z")


@pytest.mark.parametrize("week_start", ["mon", "sun"])
@pytest.mark.parametrize("tz", ["Europe/Brussels", "America/New_York"])
def test_pushed_biweekly_tuesday_and_sunday_series_lists_the_instances_of_its_rule(
    svc, week_start, tz
):
    # WKST=SU puts each Sunday a week later than the default MO; the series
    # crosses the zone's spring DST change
    rule = {"rrule_type": "weekly", "interval": 2, "tue": True, "sun": True}
    rule |= {"end_type": "count", "count": 8, "week_start": week_start}
    start = datetime(2024, 3, 5, 9)
    lines = to_google_recurrence(rule, utc_naive(start, tz), tz, False)
    master = (
        svc.events()
        .insert(
            calendarId="primary",
            body={
                "summary": "Every other Tuesday and Sunday",
                "start": {"dateTime": "2024-03-05T09:00:00", "timeZone": tz},
                "end": {"dateTime": "2024-03-05T10:00:00", "timeZone": tz},
                "recurrence": lines,
            },
        )
        .execute()
    )
    assert master["recurrence"] == lines
    expected = expand(rule, start, tz)
    listed = (
        svc.events()
        .list(calendarId="primary", singleEvents=True, orderBy="startTime")
        .execute()["items"]
    )
    instances = (
        svc.events().instances(calendarId="primary", eventId=master["id"]).execute()
    )
    for items in (listed, instances["items"]):
        starts = [datetime.fromisoformat(i["start"]["dateTime"]) for i in items]
        assert [utc_naive(moment) for moment in starts] == expected


def test_all_day_instance_ids_use_a_date_suffix(svc, google_emulator):
    master = google_emulator.add_event(
        "user@example.com",
        {
            "start": {"date": "2024-01-15"},
            "end": {"date": "2024-01-16"},
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=2"],
        },
    )
    items = (
        svc.events().list(calendarId="primary", singleEvents=True).execute()["items"]
    )
    assert [(i["id"], i["start"], i["originalStartTime"]) for i in items] == [
        (master["id"] + "_20240115", {"date": "2024-01-15"}, {"date": "2024-01-15"}),
        (master["id"] + "_20240116", {"date": "2024-01-16"}, {"date": "2024-01-16"}),
    ]


def test_private_extended_property_and_ical_uid_filter_the_list(svc, google_emulator):
    tagged = google_emulator.add_event(
        "user@example.com",
        {**TIMED, "extendedProperties": {"private": {"odoo_id": "7"}}},
    )
    other = seed(google_emulator, 1)[0]
    by_prop = svc.events().list(
        calendarId="primary", privateExtendedProperty="odoo_id=7"
    )
    assert [i["id"] for i in by_prop.execute()["items"]] == [tagged["id"]]
    by_uid = svc.events().list(calendarId="primary", iCalUID=other["iCalUID"])
    assert [i["id"] for i in by_uid.execute()["items"]] == [other["id"]]


def test_updated_min_returns_later_changes_and_deletions(svc, google_emulator):
    old, gone = seed(google_emulator, 2)
    time.sleep(0.01)
    mark = google_emulator.clock().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(0.01)
    google_emulator.delete_event("user@example.com", gone["id"])
    items = svc.events().list(calendarId="primary", updatedMin=mark).execute()["items"]
    assert [(i["id"], i["status"]) for i in items] == [(gone["id"], "cancelled")]
    assert old["id"] not in [i["id"] for i in items]


# ------------------------------------------------------- instances/exceptions


def test_patching_an_instance_creates_an_exception_seen_incrementally(
    svc, google_emulator
):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    token = svc.events().list(calendarId="primary").execute()["nextSyncToken"]
    instance_id = master["id"] + "_20240129T090000Z"
    moved = (
        svc.events()
        .patch(
            calendarId="primary",
            eventId=instance_id,
            body={
                "start": {"dateTime": "2024-01-30T10:00:00+01:00"},
                "end": {"dateTime": "2024-01-30T11:00:00+01:00"},
            },
        )
        .execute()
    )
    assert moved["id"] == instance_id
    assert moved["recurringEventId"] == master["id"]
    assert moved["originalStartTime"]["dateTime"] == "2024-01-29T10:00:00+01:00"
    items = svc.events().list(calendarId="primary", syncToken=token).execute()["items"]
    assert [i["id"] for i in items] == [instance_id]
    assert (
        svc.events()
        .get(calendarId="primary", eventId=instance_id)
        .execute()["start"]["dateTime"]
        .startswith("2024-01-30")
    )


def test_deleting_an_instance_creates_a_cancelled_exception(svc, google_emulator):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    instance_id = master["id"] + "_20240205T090000Z"
    svc.events().delete(calendarId="primary", eventId=instance_id).execute()
    instances = svc.events().instances(calendarId="primary", eventId=master["id"])
    assert instance_id not in [i["id"] for i in instances.execute()["items"]]
    shown = svc.events().instances(
        calendarId="primary", eventId=master["id"], showDeleted=True
    )
    cancelled = [i for i in shown.execute()["items"] if i["id"] == instance_id]
    assert cancelled[0]["status"] == "cancelled"
    assert cancelled[0]["recurringEventId"] == master["id"]
    with pytest.raises(HttpError) as info:
        svc.events().delete(calendarId="primary", eventId=instance_id).execute()
    assert info.value.status_code == 410


def test_instance_id_outside_the_rule_is_not_found(svc, google_emulator):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    for bogus in ("_20240122T090000Z", "_20240116T090000Z", "_nonsense"):
        with pytest.raises(HttpError) as info:
            svc.events().get(
                calendarId="primary", eventId=master["id"] + bogus
            ).execute()
        assert info.value.status_code == 404


def test_instances_endpoint_pages_and_filters_by_time(svc, google_emulator):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    request = svc.events().instances(
        calendarId="primary", eventId=master["id"], maxResults=3
    )
    page1 = request.execute()
    page2 = svc.events().instances_next(request, page1).execute()
    assert len(page1["items"]) + len(page2["items"]) == 4
    window = svc.events().instances(
        calendarId="primary",
        eventId=master["id"],
        timeMin="2024-01-29T00:00:00Z",
        timeMax="2024-02-06T00:00:00Z",
    )
    assert [i["start"]["dateTime"][:10] for i in window.execute()["items"]] == [
        "2024-01-29",
        "2024-02-05",
    ]


def test_deleting_a_master_cancels_its_exceptions(svc, google_emulator):
    master = google_emulator.add_event("user@example.com", WEEKLY)
    instance_id = master["id"] + "_20240129T090000Z"
    google_emulator.update_event("user@example.com", instance_id, {"summary": "x"})
    svc.events().delete(calendarId="primary", eventId=master["id"]).execute()
    exception = svc.events().get(calendarId="primary", eventId=instance_id).execute()
    assert exception["status"] == "cancelled"


# ------------------------------------------------------------ attendee copies


@pytest.fixture
def bob(google_emulator):
    google_emulator.add_account("bob@example.com")
    token = google_emulator.issue_tokens("bob@example.com")["access_token"]
    return service(google_emulator, token)


def test_attendee_account_sees_the_organizer_event_under_the_same_id(
    svc, bob, google_emulator
):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={
                **TIMED,
                "attendees": [{"email": "bob@example.com"}],
                "extendedProperties": {"private": {"odoo_id": "1"}},
            },
        )
        .execute()
    )
    copy = bob.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert copy["organizer"] == {"email": "user@example.com"}
    assert copy["attendees"] == [
        {"email": "bob@example.com", "responseStatus": "needsAction", "self": True}
    ]
    assert "extendedProperties" not in copy
    listed = bob.events().list(calendarId="primary").execute()["items"]
    assert [i["id"] for i in listed] == [event["id"]]


def test_attendee_can_answer_but_not_edit_without_guests_can_modify(svc, bob):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={**TIMED, "attendees": [{"email": "bob@example.com"}]},
        )
        .execute()
    )
    answered = (
        bob.events()
        .patch(
            calendarId="primary",
            eventId=event["id"],
            body={
                "attendees": [
                    {"email": "bob@example.com", "responseStatus": "accepted"}
                ]
            },
        )
        .execute()
    )
    assert answered["attendees"][0]["responseStatus"] == "accepted"
    organizer_view = svc.events().get(calendarId="primary", eventId=event["id"])
    assert organizer_view.execute()["attendees"][0]["responseStatus"] == "accepted"
    with pytest.raises(HttpError) as info:
        bob.events().patch(
            calendarId="primary", eventId=event["id"], body={"summary": "mine"}
        ).execute()
    assert info.value.status_code == 403
    assert info.value.error_details[0]["reason"] == "forbiddenForNonOrganizer"


def test_guests_can_modify_lets_an_attendee_edit_the_event(svc, bob):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={
                **TIMED,
                "guestsCanModify": True,
                "attendees": [{"email": "bob@example.com"}],
            },
        )
        .execute()
    )
    bob.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "by bob"}
    ).execute()
    got = svc.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert got["summary"] == "by bob"


def test_removed_attendee_gets_a_cancelled_event_in_its_incremental_sync(svc, bob):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={**TIMED, "attendees": [{"email": "bob@example.com"}]},
        )
        .execute()
    )
    token = bob.events().list(calendarId="primary").execute()["nextSyncToken"]
    svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"attendees": []}
    ).execute()
    items = bob.events().list(calendarId="primary", syncToken=token).execute()["items"]
    assert [(i["id"], i["status"]) for i in items] == [(event["id"], "cancelled")]


def test_attendee_delete_only_removes_its_own_copy(svc, bob):
    event = (
        svc.events()
        .insert(
            calendarId="primary",
            body={**TIMED, "attendees": [{"email": "bob@example.com"}]},
        )
        .execute()
    )
    bob.events().delete(calendarId="primary", eventId=event["id"]).execute()
    organizer = svc.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert organizer["status"] == "confirmed"
    assert organizer["attendees"][0]["responseStatus"] == "declined"
    copy = bob.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert copy["status"] == "cancelled"


# ---------------------------------------------------------------------- batch


def test_batch_through_the_client_library_answers_each_part(svc, google_emulator):
    event = svc.events().insert(calendarId="primary", body=TIMED).execute()
    answers = {}
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: answers.__setitem__(rid, (resp, exc)),
        batch_uri=google_emulator.api_root + "batch/calendar/v3",
    )
    batch.add(
        svc.events().patch(
            calendarId="primary", eventId=event["id"], body={"summary": "b"}
        ),
        request_id="patch",
    )
    batch.add(svc.events().insert(calendarId="primary", body=TIMED), request_id="ins")
    batch.add(
        svc.events().delete(calendarId="primary", eventId=event["id"]), request_id="del"
    )
    batch.add(
        svc.events().delete(calendarId="primary", eventId=event["id"]),
        request_id="again",
    )
    batch.execute()
    assert answers["patch"][0]["summary"] == "b"
    assert answers["ins"][0]["id"]
    assert answers["del"] == ("", None)
    assert answers["again"][1].status_code == 410
    api_calls = google_emulator.api_requests()
    assert [r["path"] for r in api_calls][-1] == "/batch/calendar/v3"
    assert sum(r["batch"] for r in google_emulator.requests) == 4


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_batch_accepts_lf_and_crlf_and_answers_crlf_parts(
    google_emulator, google_tokens, newline
):
    event = google_emulator.add_event("user@example.com", TIMED)
    token = google_tokens["access_token"]
    lines = [
        "--XYZ",
        "Content-Type: application/http",
        "Content-ID: <abc + 1>",
        "",
        f"DELETE /calendar/v3/calendars/primary/events/{event['id']}?alt=json HTTP/1.1",
        f"authorization: Bearer {token}",
        "",
        "",
        "--XYZ",
        "Content-Type: application/http",
        "Content-ID: <abc + 2>",
        "",
        "POST /calendar/v3/calendars/primary/events?alt=json HTTP/1.1",
        "Content-Type: application/json",
        f"authorization: Bearer {token}",
        "",
        '{"start": {"date": "2024-01-01"}, "end": {"date": "2024-01-02"}}',
        "--XYZ--",
        "",
    ]
    response = requests.post(
        google_emulator.api_root + "batch/calendar/v3",
        data=newline.join(lines).encode(),
        headers={"Content-Type": "multipart/mixed; boundary=XYZ"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    text = response.text
    assert "Content-ID: <response-abc + 1>\r\n" in text
    assert "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n" in text
    assert "Content-ID: <response-abc + 2>\r\n\r\nHTTP/1.1 200 OK\r\n" in text
    assert len(google_emulator.events("user@example.com")) == 1


def test_unauthorized_batch_part_answers_401_and_the_library_refreshes(
    google_emulator, google_tokens
):
    google_emulator.expire_access_tokens()
    svc = service(
        google_emulator,
        None,
        refresh_token=google_tokens["refresh_token"],
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        token_uri=google_emulator.token_uri,
    )
    answers = {}
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: answers.__setitem__(rid, exc),
        batch_uri=google_emulator.api_root + "batch/calendar/v3",
    )
    batch.add(svc.events().insert(calendarId="primary", body=TIMED), request_id="a")
    batch.execute()
    assert answers == {"a": None}


# ------------------------------------------------------------ fault injection


def test_injected_rate_limit_has_googles_error_shape_and_is_consumed(
    svc, google_emulator, google_tokens
):
    google_emulator.inject(status=403, reason="userRateLimitExceeded", times=1)
    response = api(
        google_emulator,
        google_tokens["access_token"],
        "GET",
        "/calendar/v3/calendars/primary/events",
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "errors": [
                {
                    "domain": "usageLimits",
                    "reason": "userRateLimitExceeded",
                    "message": "User Rate Limit Exceeded",
                }
            ],
            "code": 403,
            "message": "User Rate Limit Exceeded",
        }
    }
    assert svc.events().list(calendarId="primary").execute()["items"] == []


def test_injected_fault_can_target_batch_items_only(svc, google_emulator):
    google_emulator.inject(method="POST", status=429, times=1, in_batch=True)
    svc.events().insert(calendarId="primary", body=TIMED).execute()
    answers = {}
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: answers.__setitem__(rid, exc),
        batch_uri=google_emulator.api_root + "batch/calendar/v3",
    )
    batch.add(svc.events().insert(calendarId="primary", body=TIMED), request_id="a")
    batch.add(svc.events().insert(calendarId="primary", body=TIMED), request_id="b")
    batch.execute()
    assert answers["a"].status_code == 429
    assert answers["b"] is None


def test_fault_after_the_write_loses_the_response_but_keeps_the_event(
    svc, google_emulator
):
    google_emulator.inject(method="POST", status=503, after=True)
    with pytest.raises(HttpError) as info:
        svc.events().insert(
            calendarId="primary", body={**TIMED, "id": "lost12345"}
        ).execute()
    assert info.value.status_code == 503
    assert google_emulator.get_event("user@example.com", "lost12345") is not None


def test_latency_delays_every_http_request(svc, google_emulator):
    google_emulator.latency = 0.2
    started = time.monotonic()
    svc.events().list(calendarId="primary").execute()
    assert time.monotonic() - started >= 0.2


# ------------------------------------------------------------- introspection


def test_events_introspection_hides_cancelled_unless_asked(google_emulator):
    kept, gone = seed(google_emulator, 2)
    google_emulator.delete_event("user@example.com", gone["id"])
    assert [e["id"] for e in google_emulator.events("user@example.com")] == [kept["id"]]
    everything = google_emulator.events("user@example.com", include_cancelled=True)
    assert len(everything) == 2


def test_reset_forgets_events_tokens_and_faults(google_emulator, google_tokens):
    seed(google_emulator, 1)
    google_emulator.inject(status=500, times=5)
    google_emulator.reset()
    assert google_emulator.events("user@example.com") == []
    assert google_emulator.faults == [] and google_emulator.requests == []
    response = api(
        google_emulator,
        google_tokens["access_token"],
        "GET",
        "/calendar/v3/calendars/primary",
    )
    assert response.status_code == 401


def test_standalone_emulator_runs_on_the_requested_port():
    with GoogleEmulator(port=0) as emu:
        assert emu.base_url == f"http://127.0.0.1:{emu.port}"
        assert requests.get(emu.auth_uri, timeout=5).status_code in (400, 401)
