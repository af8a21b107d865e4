"""The Google emulator behaves like Google where our code can tell the difference:
recurring events' instances and exceptions, and attendees' copies.

Driven with the real google-api-python-client / google-auth.
"""

from __future__ import annotations

import pytest
from google_emulator_helpers import TIMED, WEEKLY, service
from googleapiclient.errors import HttpError

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


def invite_bob(svc, **body):
    """The organizer's timed event with Bob invited, ``body`` added."""
    body = {**TIMED, "attendees": [{"email": "bob@example.com"}], **body}
    return svc.events().insert(calendarId="primary", body=body).execute()


@pytest.fixture
def bob(google_emulator):
    google_emulator.add_account("bob@example.com")
    token = google_emulator.issue_tokens("bob@example.com")["access_token"]
    return service(google_emulator, token)


def test_attendee_account_sees_the_organizer_event_under_the_same_id(
    svc, bob, google_emulator
):
    event = invite_bob(svc, extendedProperties={"private": {"odoo_id": "1"}})
    copy = bob.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert copy["organizer"] == {"email": "user@example.com"}
    assert copy["attendees"] == [
        {"email": "bob@example.com", "responseStatus": "needsAction", "self": True}
    ]
    assert "extendedProperties" not in copy
    listed = bob.events().list(calendarId="primary").execute()["items"]
    assert [i["id"] for i in listed] == [event["id"]]


def test_attendee_can_answer_but_not_edit_without_guests_can_modify(svc, bob):
    event = invite_bob(svc)
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
    event = invite_bob(svc, guestsCanModify=True)
    bob.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "by bob"}
    ).execute()
    got = svc.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert got["summary"] == "by bob"


def test_removed_attendee_gets_a_cancelled_event_in_its_incremental_sync(svc, bob):
    event = invite_bob(svc)
    token = bob.events().list(calendarId="primary").execute()["nextSyncToken"]
    svc.events().patch(
        calendarId="primary", eventId=event["id"], body={"attendees": []}
    ).execute()
    items = bob.events().list(calendarId="primary", syncToken=token).execute()["items"]
    assert [(i["id"], i["status"]) for i in items] == [(event["id"], "cancelled")]


def test_attendee_delete_only_removes_its_own_copy(svc, bob):
    event = invite_bob(svc)
    bob.events().delete(calendarId="primary", eventId=event["id"]).execute()
    organizer = svc.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert organizer["status"] == "confirmed"
    assert organizer["attendees"][0]["responseStatus"] == "declined"
    copy = bob.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert copy["status"] == "cancelled"
