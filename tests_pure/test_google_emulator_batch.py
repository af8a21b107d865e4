"""The Google emulator behaves like Google where our code can tell the difference:
batch requests, injected faults, and the emulator's introspection.

Driven with the real google-api-python-client / google-auth where possible, and
with raw ``requests`` for wire-level edge cases.
"""

from __future__ import annotations

import time

import pytest
import requests
from google_emulator_helpers import TIMED, api, seed, service
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from emulators.google_emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    GoogleEmulator,
)

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
