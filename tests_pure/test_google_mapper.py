"""Google mapper: neutral event ⇄ Google event resource."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from neutral_strategies import (
    mapped,
    neutral_events,
    normalized,
    sample_allday_event,
    sample_event,
)

from services.google_mapper import changed_fields, from_google, to_google
from services.neutral_event import normalize_alarms

PROPERTY = settings(max_examples=200, deadline=None)


event = sample_event
allday_event = sample_allday_event


# --------------------------------------------------------------------------- #
# Round trip
# --------------------------------------------------------------------------- #


def google_expressible(generated):
    """What Google holds of a neutral event: an event without attendees is the
    organizer's own, and comes back with the organizer attending."""
    organizer = generated["organizer_email"].strip().lower()
    if generated["attendees"] or not organizer:
        return generated
    attendee = {"email": organizer, "name": "", "state": "accepted"}
    return {**generated, "attendees": [attendee]}


@PROPERTY
@given(neutral_events())
def test_every_mapped_field_survives_a_google_round_trip(generated):
    expressible = google_expressible(generated)
    assert mapped(from_google(to_google(generated))) == normalized(expressible)


@PROPERTY
@given(neutral_events())
def test_round_trip_reports_no_changed_field(generated):
    expressible = google_expressible(generated)
    assert changed_fields(expressible, from_google(to_google(generated))) == set()


def test_event_without_guests_is_imported_with_its_organizer_attending():
    imported = from_google(
        {
            "id": "abc",
            "summary": "Focus time",
            "organizer": {"email": "Alice@Example.com", "self": True},
            "start": {"dateTime": "2024-01-15T10:00:00Z"},
            "end": {"dateTime": "2024-01-15T11:00:00Z"},
        }
    )
    assert imported["attendees"] == [
        {"email": "alice@example.com", "name": "", "state": "accepted"}
    ]


def test_event_with_guests_keeps_its_attendee_list():
    imported = from_google(
        {
            "id": "abc",
            "organizer": {"email": "alice@example.com"},
            "attendees": [{"email": "bob@example.com", "responseStatus": "declined"}],
            "start": {"dateTime": "2024-01-15T10:00:00Z"},
            "end": {"dateTime": "2024-01-15T11:00:00Z"},
        }
    )
    assert [a["email"] for a in imported["attendees"]] == ["bob@example.com"]


# --------------------------------------------------------------------------- #
# Times
# --------------------------------------------------------------------------- #


def test_timed_event_is_sent_in_the_organizer_zone():
    body = to_google(event())
    assert body["start"] == {
        "dateTime": "2024-01-15T10:00:00+01:00",
        "date": None,
        "timeZone": "Europe/Brussels",
    }
    assert body["end"]["dateTime"] == "2024-01-15T11:00:00+01:00"


def test_allday_end_date_is_exclusive_on_google():
    body = to_google(allday_event())
    assert body["start"]["date"] == "2024-01-15"
    assert body["end"]["date"] == "2024-01-17"
    assert body["start"]["dateTime"] is None


def test_google_times_with_any_offset_become_naive_utc():
    item = {
        "start": {"dateTime": "2024-01-15T10:00:00-05:00"},
        "end": {"dateTime": "2024-01-15T16:30:00Z"},
    }
    imported = from_google(item, default_tz="America/New_York")
    assert (imported["start"], imported["stop"]) == (
        datetime(2024, 1, 15, 15),
        datetime(2024, 1, 15, 16, 30),
    )
    assert imported["tz"] == "America/New_York"
    assert imported["allday"] is False


def test_google_time_without_offset_is_read_in_its_zone():
    item = {
        "start": {"dateTime": "2024-07-01T10:00:00", "timeZone": "Europe/Brussels"},
        "end": {"dateTime": "2024-07-01T11:00:00", "timeZone": "Europe/Brussels"},
    }
    assert from_google(item)["start"] == datetime(2024, 7, 1, 8)


def test_google_allday_end_becomes_the_inclusive_stop_date():
    item = {"start": {"date": "2024-01-15"}, "end": {"date": "2024-01-17"}}
    imported = from_google(item)
    assert imported["allday"] is True
    assert (imported["start_date"], imported["stop_date"]) == (
        date(2024, 1, 15),
        date(2024, 1, 16),
    )
    assert imported["start"] is None


@pytest.mark.parametrize("end", ["2024-01-15", "2024-01-10"], ids=["same", "before"])
def test_google_allday_end_not_after_start_gives_a_one_day_event(end):
    item = {"start": {"date": "2024-01-15"}, "end": {"date": end}}
    assert from_google(item)["stop_date"] == date(2024, 1, 15)


# --------------------------------------------------------------------------- #
# Attendees, reminders, flags
# --------------------------------------------------------------------------- #


def test_attendee_emails_are_normalized_sorted_and_deduplicated():
    item = {
        "attendees": [
            {"email": " Bob@Y.com ", "responseStatus": "declined"},
            {
                "email": "alice@x.com",
                "displayName": "Alice",
                "responseStatus": "accepted",
            },
            {"email": "bob@y.com", "displayName": "Bob", "responseStatus": "accepted"},
            {"email": "room@resource.calendar.google.com", "resource": True},
            {"displayName": "no email"},
        ]
    }
    assert from_google(item)["attendees"] == [
        {"email": "alice@x.com", "name": "Alice", "state": "accepted"},
        {"email": "bob@y.com", "name": "Bob", "state": "declined"},
    ]


def test_organizer_is_sent_with_their_attendee_state():
    body = to_google(
        event(
            attendees=[
                {"email": "bob@y.com", "name": "", "state": "needsAction"},
                {"email": "alice@example.com", "name": "Alice", "state": "accepted"},
            ]
        )
    )
    assert body["attendees"] == [
        {
            "email": "alice@example.com",
            "displayName": "Alice",
            "responseStatus": "accepted",
        },
        {"email": "bob@y.com", "responseStatus": "needsAction"},
    ]
    assert body["organizer"] == {"email": "alice@example.com"}


def test_reminders_are_explicit_popups_and_emails_at_most_five():
    alarms = [{"type": "notification", "minutes": m} for m in (60, 5, 10, 30, 15)]
    alarms.append({"type": "email", "minutes": 1440})
    body = to_google(event(alarms=alarms))
    assert body["reminders"] == {
        "useDefault": False,
        "overrides": [
            {"method": "popup", "minutes": 5},
            {"method": "popup", "minutes": 10},
            {"method": "popup", "minutes": 15},
            {"method": "popup", "minutes": 30},
            {"method": "popup", "minutes": 60},
        ],
    }


def test_event_without_alarms_sends_empty_overrides():
    assert to_google(event())["reminders"] == {"useDefault": False, "overrides": []}


def test_calendar_default_reminders_are_reported_not_invented():
    imported = from_google({"reminders": {"useDefault": True}})
    assert imported["alarms"] == []
    assert imported["use_default_reminders"] is True


@pytest.mark.parametrize(
    "privacy, visibility",
    [(False, "default"), ("public", "public"), ("private", "private")]
    + [("confidential", "confidential")],
)
def test_privacy_maps_to_visibility_and_default_to_false(privacy, visibility):
    assert to_google(event(privacy=privacy))["visibility"] == visibility
    assert from_google({"visibility": visibility})["privacy"] == privacy


def test_default_visibility_and_missing_visibility_are_false():
    assert from_google({})["privacy"] is False


@pytest.mark.parametrize(
    "show_as, transparency", [("busy", "opaque"), ("free", "transparent")]
)
def test_show_as_maps_to_transparency(show_as, transparency):
    assert to_google(event(show_as=show_as))["transparency"] == transparency
    assert from_google({"transparency": transparency})["show_as"] == show_as


# --------------------------------------------------------------------------- #
# Videocall, extended properties, conference
# --------------------------------------------------------------------------- #


def test_videocall_url_is_shown_as_location_when_there_is_none():
    url = "https://odoo.example/calendar/join_videocall/abc"
    body = to_google(event(videocall_location=url))
    assert body["location"] == url
    assert body["extendedProperties"]["private"] == {
        "odoo_id": "42",
        "videocall_location": url,
        "location_is_videocall": "1",
    }
    imported = from_google(body)
    assert (imported["location"], imported["videocall_location"]) == ("", url)


def test_videocall_url_next_to_a_location_keeps_both():
    url = "https://meet.jit.si/abc"
    body = to_google(event(location="Room 1", videocall_location=url))
    assert body["location"] == "Room 1"
    imported = from_google(body)
    assert (imported["location"], imported["videocall_location"]) == ("Room 1", url)


def test_location_equal_to_the_url_typed_in_odoo_is_kept():
    url = "https://meet.jit.si/abc"
    imported = from_google(to_google(event(location=url, videocall_location=url)))
    assert (imported["location"], imported["videocall_location"]) == (url, url)


def test_google_meet_becomes_the_videocall_location():
    meet = "https://meet.google.com/aaa-bbbb-ccc"
    with_conference = {
        "conferenceData": {
            "entryPoints": [
                {"entryPointType": "phone", "uri": "tel:+1-555"},
                {"entryPointType": "video", "uri": meet},
            ]
        },
        "extendedProperties": {"private": {"videocall_location": "https://old"}},
    }
    assert from_google(with_conference)["videocall_location"] == meet
    assert from_google({"hangoutLink": meet})["videocall_location"] == meet


def test_send_conference_asks_for_meet_only_without_a_url():
    body = to_google(event(), send_conference=True)
    request = body["conferenceData"]["createRequest"]
    assert request == {
        "requestId": "calendar-sync-42",
        "conferenceSolutionKey": {"type": "hangoutsMeet"},
    }
    with_url = to_google(event(videocall_location="https://x"), send_conference=True)
    assert "conferenceData" not in with_url


def test_odoo_id_travels_in_private_extended_properties():
    body = to_google(event(odoo_id=7))
    assert body["extendedProperties"]["private"]["odoo_id"] == "7"
    assert from_google(body)["odoo_id"] == 7
    assert (
        from_google({"extendedProperties": {"private": {"odoo_id": "x"}}})["odoo_id"]
        is None
    )


# --------------------------------------------------------------------------- #
# Series, instances, metadata
# --------------------------------------------------------------------------- #


def test_recurrence_lines_are_sent_and_read_back():
    lines = ["RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"]
    body = to_google(event(), recurrence_lines=lines)
    assert body["recurrence"] == lines
    assert from_google(body)["recurrence"] == lines
    assert from_google(to_google(event()))["recurrence"] is None


def test_metadata_of_a_google_item_is_read():
    item = {
        "id": "abc123",
        "etag": '"3181161784712000"',
        "updated": "2024-01-02T10:00:00.000Z",
        "status": "confirmed",
        "guestsCanModify": True,
        "start": {"dateTime": "2024-01-15T10:00:00+01:00"},
        "end": {"dateTime": "2024-01-15T11:00:00+01:00"},
    }
    imported = from_google(item)
    assert imported["remote_id"] == "abc123"
    assert imported["etag"] == '"3181161784712000"'
    assert imported["updated"] == datetime(2024, 1, 2, 10)
    assert imported["cancelled"] is False
    assert imported["guests_can_modify"] is True


def test_cancelled_instance_of_a_series_is_read():
    item = {
        "id": "abc123_20240122T090000Z",
        "status": "cancelled",
        "recurringEventId": "abc123",
        "originalStartTime": {
            "dateTime": "2024-01-22T10:00:00+01:00",
            "timeZone": "Europe/Brussels",
        },
    }
    imported = from_google(item)
    assert imported["cancelled"] is True
    assert imported["recurring_event_id"] == "abc123"
    assert imported["original_start"] == datetime(2024, 1, 22, 9)
    assert imported["start"] is None


def test_allday_instance_original_start_is_a_date():
    item = {"originalStartTime": {"date": "2024-01-22"}}
    assert from_google(item)["original_start"] == date(2024, 1, 22)


def test_guests_can_modify_is_sent_only_when_given():
    assert "guestsCanModify" not in to_google(event())
    assert to_google(event(guests_can_modify=True))["guestsCanModify"] is True


# --------------------------------------------------------------------------- #
# changed_fields
# --------------------------------------------------------------------------- #


def test_identical_events_have_no_changed_field():
    attendees = [
        {"email": "b@x.com", "name": "", "state": "accepted"},
        {"email": "A@x.com ", "name": "", "state": "accepted"},
    ]
    old = event(attendees=attendees, alarms=[{"type": "email", "minutes": 5}])
    new = event(attendees=list(reversed(attendees)), odoo_id=None)
    new["alarms"] = [{"type": "email", "minutes": 5}]
    assert changed_fields(old, new) == set()


def test_changed_fields_names_what_changed():
    old = event()
    new = event(name="Retro", stop=datetime(2024, 1, 15, 11), privacy="private")
    assert changed_fields(old, new) == {"name", "stop", "privacy"}


def test_changed_fields_ignores_the_other_kind_of_times():
    old = allday_event(start=datetime(2024, 1, 15, 8))
    new = allday_event(start=datetime(2024, 1, 15, 9))
    assert changed_fields(old, new) == set()
    assert changed_fields(event(), allday_event()) >= {"allday", "start", "start_date"}


def test_event_using_the_calendar_defaults_gets_the_default_reminders():
    item = {
        "id": "abc",
        "start": {"dateTime": "2024-01-15T10:00:00Z"},
        "end": {"dateTime": "2024-01-15T11:00:00Z"},
        "reminders": {"useDefault": True},
    }
    defaults = [{"method": "popup", "minutes": 10}, {"method": "email", "minutes": 60}]
    imported = from_google(item, "UTC", defaults)
    assert imported["alarms"] == normalize_alarms(
        [{"type": "notification", "minutes": 10}, {"type": "email", "minutes": 60}]
    )
    assert imported["use_default_reminders"] is True


def test_explicit_reminders_win_over_the_calendar_defaults():
    item = {
        "id": "abc",
        "start": {"dateTime": "2024-01-15T10:00:00Z"},
        "end": {"dateTime": "2024-01-15T11:00:00Z"},
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": "email", "minutes": 30}],
        },
    }
    imported = from_google(item, "UTC", [{"method": "popup", "minutes": 10}])
    assert imported["alarms"] == [{"type": "email", "minutes": 30}]
    assert imported["use_default_reminders"] is False


def test_defaults_unknown_leave_an_event_without_reminders():
    item = {
        "id": "abc",
        "start": {"dateTime": "2024-01-15T10:00:00Z"},
        "end": {"dateTime": "2024-01-15T11:00:00Z"},
        "reminders": {"useDefault": True},
    }
    assert from_google(item)["alarms"] == []
