"""Graph mapper: neutral event ⇄ Microsoft Graph event resource, field by field
(round trip, times, attendees, reminder, flags, body, location, videocall,
identity and metadata).
"""

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

from services.exceptions import CalendarSyncError
from services.graph_mapper import (
    ODOO_ID_PROPERTY,
    changed_fields,
    from_graph,
    to_graph,
    transaction_id,
)

PROPERTY = settings(max_examples=200, deadline=None)


def event(**values):
    """:func:`sample_event` with no organizer (the mailbox's own event)."""
    return sample_event(**{"organizer_email": "", **values})


def allday_event(**values):
    return sample_allday_event(**{"organizer_email": "", **values})


def graph_expressible(generated):
    """What Outlook can hold of a neutral event: one notification reminder, no
    "public", the organizer as an accepted attendee, and no location that only
    repeats the videocall URL (it comes back as "": the URL is kept)."""
    notifications = [a for a in generated["alarms"] if a["type"] == "notification"]
    smallest = sorted(notifications, key=lambda a: a["minutes"])[:1]
    out = {**generated, "alarms": smallest}
    if out["location"] == out["videocall_location"]:
        out["location"] = ""
    if out["privacy"] == "public":
        out["privacy"] = False
    organizer = out["organizer_email"].strip().lower()
    if organizer:
        others = [
            a for a in out["attendees"] if a["email"].strip().lower() != organizer
        ]
        out["attendees"] = [
            *others,
            {"email": organizer, "name": "", "state": "accepted"},
        ]
    return out


# --------------------------------------------------------------------------- #
# Round trip
# --------------------------------------------------------------------------- #


@PROPERTY
@given(neutral_events())
def test_every_mapped_field_survives_a_graph_round_trip(generated):
    expressible = graph_expressible(generated)
    assert mapped(from_graph(to_graph(expressible))) == normalized(expressible)


@PROPERTY
@given(neutral_events())
def test_graph_round_trip_reports_no_changed_field(generated):
    expressible = graph_expressible(generated)
    assert changed_fields(expressible, from_graph(to_graph(expressible))) == set()


# --------------------------------------------------------------------------- #
# Times
# --------------------------------------------------------------------------- #


def test_graph_times_are_local_in_the_event_zone():
    body = to_graph(event(tz="America/New_York"))
    assert body["start"] == {
        "dateTime": "2024-01-15T04:00:00",
        "timeZone": "America/New_York",
    }
    assert body["end"] == {
        "dateTime": "2024-01-15T05:00:00",
        "timeZone": "America/New_York",
    }
    assert body["isAllDay"] is False


def test_graph_allday_is_midnight_to_exclusive_midnight():
    body = to_graph(allday_event())
    assert body["isAllDay"] is True
    assert body["start"]["dateTime"] == "2024-01-15T00:00:00"
    assert body["end"]["dateTime"] == "2024-01-17T00:00:00"
    imported = from_graph(body)
    assert (imported["start_date"], imported["stop_date"]) == (
        date(2024, 1, 15),
        date(2024, 1, 16),
    )


def test_graph_answer_in_utc_with_seven_fraction_digits_is_read():
    item = {
        "start": {"dateTime": "2024-07-01T08:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2024-07-01T09:30:00.1234567", "timeZone": "UTC"},
        "originalStartTimeZone": "Romance Standard Time",
    }
    imported = from_graph(item)
    assert imported["start"] == datetime(2024, 7, 1, 8)
    assert imported["stop"] == datetime(2024, 7, 1, 9, 30, 0, 123456)
    assert imported["tz"] == "Europe/Paris"


def test_graph_answer_in_the_preferred_zone_is_converted_to_utc():
    item = {
        "start": {
            "dateTime": "2024-07-01T10:00:00.0000000",
            "timeZone": "Europe/Brussels",
        },
        "end": {
            "dateTime": "2024-07-01T11:00:00.0000000",
            "timeZone": "W. Europe Standard Time",
        },
    }
    imported = from_graph(item)
    assert (imported["start"], imported["stop"]) == (
        datetime(2024, 7, 1, 8),
        datetime(2024, 7, 1, 9),
    )
    assert imported["tz"] == "Europe/Brussels"


def test_graph_unknown_zone_is_an_error_not_a_guess():
    item = {"start": {"dateTime": "2024-07-01T10:00:00", "timeZone": "Mars/Olympus"}}
    with pytest.raises(CalendarSyncError) as error:
        from_graph(item)
    assert error.value.zone == "Mars/Olympus"


# --------------------------------------------------------------------------- #
# Attendees, reminder, flags
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "response, state",
    [
        ("none", "needsAction"),
        ("notResponded", "needsAction"),
        ("accepted", "accepted"),
        ("declined", "declined"),
        ("tentativelyAccepted", "tentative"),
        ("organizer", "accepted"),
    ],
)
def test_graph_attendee_responses_map_to_odoo_states(response, state):
    item = {
        "attendees": [
            {
                "type": "required",
                "status": {"response": response},
                "emailAddress": {"address": "Bob@Y.com", "name": "Bob"},
            }
        ]
    }
    assert from_graph(item)["attendees"] == [
        {"email": "bob@y.com", "name": "Bob", "state": state}
    ]


def test_organizer_is_not_sent_as_attendee_and_comes_back_accepted():
    attendees = [
        {"email": "alice@x.com", "name": "Alice", "state": "accepted"},
        {"email": "bob@y.com", "name": "Bob", "state": "tentative"},
    ]
    body = to_graph(event(organizer_email="alice@x.com", attendees=attendees))
    assert body["attendees"] == [
        {
            "type": "required",
            "emailAddress": {"address": "bob@y.com", "name": "Bob"},
            "status": {"response": "tentativelyAccepted"},
        }
    ]
    assert body["organizer"] == {"emailAddress": {"address": "alice@x.com"}}
    imported = from_graph(body)
    assert imported["attendees"][0] == {
        "email": "alice@x.com",
        "name": "",
        "state": "accepted",
    }


def test_room_attendees_are_not_imported():
    item = {
        "attendees": [
            {"type": "resource", "emailAddress": {"address": "room1@contoso.com"}}
        ]
    }
    assert from_graph(item)["attendees"] == []


def test_the_users_own_answer_is_reported():
    item = {"responseStatus": {"response": "tentativelyAccepted"}}
    assert from_graph(item)["response_state"] == "tentative"


def test_an_item_without_the_users_answer_reports_none():
    assert from_graph({})["response_state"] is None


def test_only_the_smallest_notification_alarm_is_sent():
    alarms = [
        {"type": "email", "minutes": 5},
        {"type": "notification", "minutes": 30},
        {"type": "notification", "minutes": 15},
    ]
    body = to_graph(event(alarms=alarms))
    assert (body["isReminderOn"], body["reminderMinutesBeforeStart"]) == (True, 15)
    assert to_graph(event(alarms=alarms[:1]))["isReminderOn"] is False
    assert from_graph(body)["alarms"] == [{"type": "notification", "minutes": 15}]
    assert (
        from_graph({"isReminderOn": False, "reminderMinutesBeforeStart": 15})["alarms"]
        == []
    )


@pytest.mark.parametrize(
    "privacy, sensitivity",
    [
        (False, "normal"),
        ("public", "normal"),
        ("private", "private"),
        ("confidential", "confidential"),
    ],
)
def test_privacy_maps_to_sensitivity(privacy, sensitivity):
    assert to_graph(event(privacy=privacy))["sensitivity"] == sensitivity


@pytest.mark.parametrize(
    "sensitivity, privacy",
    [
        ("normal", False),
        ("personal", "private"),
        ("private", "private"),
        ("confidential", "confidential"),
    ],
)
def test_sensitivity_maps_to_privacy(sensitivity, privacy):
    assert from_graph({"sensitivity": sensitivity})["privacy"] == privacy


@pytest.mark.parametrize(
    "show_as, expected",
    [
        ("free", "free"),
        ("busy", "busy"),
        ("tentative", "busy"),
        ("oof", "busy"),
        ("workingElsewhere", "busy"),
        ("unknown", "busy"),
    ],
)
def test_everything_but_free_is_busy(show_as, expected):
    assert from_graph({"showAs": show_as})["show_as"] == expected


# --------------------------------------------------------------------------- #
# Body, location, videocall
# --------------------------------------------------------------------------- #


def test_body_is_html_and_outlook_wrapper_is_removed():
    assert to_graph(event())["body"] == {
        "contentType": "html",
        "content": "<p>Agenda</p>",
    }
    wrapped = (
        '<html><head><meta http-equiv="Content-Type" content="text/html"></head>'
        "<body>\r\n<p>Agenda</p>\r\n</body></html>"
    )
    body = {"contentType": "html", "content": wrapped}
    assert from_graph({"body": body})["description"] == "<p>Agenda</p>"


def test_text_body_is_escaped_to_html():
    body = {"contentType": "text", "content": "a < b\nc"}
    assert from_graph({"body": body})["description"] == "a &lt; b<br>c"


def test_pushed_videocall_url_round_trips_without_a_location():
    url = "https://odoo.example/calendar/join_videocall/abc"
    body = to_graph(event(videocall_location=url))
    assert body["location"] == {"displayName": url, "locationUri": url}
    imported = from_graph(body)
    assert (imported["location"], imported["videocall_location"]) == ("", url)


def test_pushed_videocall_url_round_trips_next_to_a_location():
    url = "https://meet.jit.si/abc"
    body = to_graph(event(location="Room 1", videocall_location=url))
    assert body["location"] == {"displayName": "Room 1", "locationUri": url}
    imported = from_graph(body)
    assert (imported["location"], imported["videocall_location"]) == ("Room 1", url)


def test_removed_videocall_url_clears_the_location_uri():
    body = to_graph(event(location="Room 1"))
    assert body["location"] == {"displayName": "Room 1", "locationUri": ""}


def test_location_repeating_the_videocall_url_comes_back_empty():
    url = "https://meet.jit.si/abc"
    imported = from_graph(to_graph(event(location=url, videocall_location=url)))
    assert (imported["location"], imported["videocall_location"]) == ("", url)


def test_teams_join_url_becomes_the_videocall_location():
    join = "https://teams.microsoft.com/l/meetup-join/abc"
    item = {
        "isOnlineMeeting": True,
        "onlineMeeting": {"joinUrl": join},
        "location": {"displayName": "Room 1", "locationUri": "room1@contoso.com"},
    }
    imported = from_graph(item)
    assert (imported["videocall_location"], imported["location"]) == (join, "Room 1")


# --------------------------------------------------------------------------- #
# Identity and metadata
# --------------------------------------------------------------------------- #


def test_odoo_id_is_sent_as_extended_property():
    body = to_graph(event(odoo_id=7))
    assert body["singleValueExtendedProperties"] == [
        {"id": ODOO_ID_PROPERTY, "value": "7"}
    ]
    assert from_graph(body)["odoo_id"] == 7
    assert "singleValueExtendedProperties" not in to_graph(event(odoo_id=None))


def test_transaction_id_is_stable_per_event_and_generation():
    first = transaction_id("db-uuid", 42)
    assert first == transaction_id("db-uuid", 42)
    assert first != transaction_id("db-uuid", 43)
    assert first != transaction_id("other-db", 42)
    assert first != transaction_id("db-uuid", 42, generation=1)


def test_occurrence_metadata_is_read():
    item = {
        "@odata.etag": 'W/"EZ9r"',
        "id": "AAMk-occ",
        "type": "occurrence",
        "seriesMasterId": "AAMk-master",
        "originalStart": "2024-01-22T09:00:00Z",
        "iCalUId": "040000008200E0",
        "lastModifiedDateTime": "2024-01-02T10:00:00.1234567Z",
        "start": {"dateTime": "2024-01-22T09:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2024-01-22T10:00:00.0000000", "timeZone": "UTC"},
    }
    imported = from_graph(item)
    assert imported["remote_id"] == "AAMk-occ"
    assert imported["etag"] == 'W/"EZ9r"'
    assert imported["graph_type"] == "occurrence"
    assert imported["series_master_id"] == "AAMk-master"
    assert imported["original_start"] == datetime(2024, 1, 22, 9)
    assert imported["ical_uid"] == "040000008200E0"
    assert imported["updated"] == datetime(2024, 1, 2, 10, 0, 0, 123456)
    assert imported["cancelled"] is False


@pytest.mark.parametrize(
    "item",
    [
        {"id": "AAMk-1", "@removed": {"reason": "deleted"}},
        {"id": "AAMk-1", "isCancelled": True},
    ],
    ids=["removed", "isCancelled"],
)
def test_removed_or_cancelled_items_are_cancelled(item):
    imported = from_graph(item)
    assert imported["cancelled"] is True
    assert imported["remote_id"] == "AAMk-1"


def test_series_master_recurrence_is_passed_through():
    pattern = {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "noEnd"}}
    body = to_graph(event(), recurrence=pattern)
    assert body["recurrence"] == pattern
    assert from_graph({**body, "type": "seriesMaster"})["recurrence"] == pattern
