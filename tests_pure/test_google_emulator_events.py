"""The Google emulator behaves like Google where our code can tell the difference:
inserting, reading and patching events (etags, sequence, conditional writes).

Driven with the real google-api-python-client / google-auth.
"""

from __future__ import annotations

import json
import re

import pytest
from google_emulator_helpers import TIMED, WEEKLY, api
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

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
