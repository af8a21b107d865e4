"""Graph mapper: neutral event ⇄ Microsoft Graph event resource."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from neutral_strategies import mapped, neutral_events, normalized

from services.exceptions import CalendarSyncError, UnsupportedRecurrence
from services.graph_mapper import (
    ODOO_ID_PROPERTY,
    changed_fields,
    from_graph,
    is_custom_zone,
    to_graph,
    transaction_id,
    zone_name,
)
from services.graph_recurrence import from_graph_recurrence
from services.neutral_event import utc_to_local
from services.recurrence import expand

PROPERTY = settings(max_examples=200, deadline=None)


def event(**values):
    base = {
        "odoo_id": 42,
        "name": "Standup",
        "description": "<p>Agenda</p>",
        "location": "",
        "allday": False,
        "start": datetime(2024, 1, 15, 9),
        "stop": datetime(2024, 1, 15, 10),
        "start_date": None,
        "stop_date": None,
        "tz": "Europe/Brussels",
        "organizer_email": "",
        "attendees": [],
        "alarms": [],
        "privacy": False,
        "show_as": "busy",
        "videocall_location": "",
    }
    return {**base, **values}


def allday_event(**values):
    dates = {"start_date": date(2024, 1, 15), "stop_date": date(2024, 1, 16)}
    return event(**{"allday": True, "start": None, "stop": None, **dates, **values})


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


# --------------------------------------------------------------------------- #
# Zones: CLDR's complete Windows table, custom zones, never UTC by default
# --------------------------------------------------------------------------- #
ADELAIDE_WEEKLY = {
    "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
    "range": {
        "type": "numbered",
        "startDate": "2024-03-25",
        "numberOfOccurrences": 4,
        "recurrenceTimeZone": "Cen. Australia Standard Time",
    },
}


def adelaide_master(start="2024-03-24T22:30:00.0000000", answer="UTC", **values):
    """A weekly series on Mondays 09:00 in Adelaide from 2024-03-25, whose DST
    ends on 2024-04-07 (+10:30 -> +09:30), as Graph answers it in ``answer``."""
    item = {
        "id": "AAMk-series",
        "type": "seriesMaster",
        "subject": "Adelaide standup",
        "start": {"dateTime": start, "timeZone": answer},
        "end": {"dateTime": start, "timeZone": answer},  # the length is moot
        "originalStartTimeZone": "Cen. Australia Standard Time",
        "originalEndTimeZone": "Cen. Australia Standard Time",
        "recurrence": ADELAIDE_WEEKLY,
    }
    return {**item, **values}


CUSTOM = "tzone://Microsoft/Custom"


def custom_range(**values):
    rng = {**ADELAIDE_WEEKLY["range"], "recurrenceTimeZone": CUSTOM, **values}
    return {**ADELAIDE_WEEKLY, "range": rng}


def utc_occurrences(imported):
    rec = from_graph_recurrence(imported["recurrence"])
    local = utc_to_local(imported["start"], imported["tz"])
    return expand(rec, local, imported["tz"])


def test_cen_australia_series_keeps_its_local_time_across_dst():
    imported = from_graph(adelaide_master(), "UTC")
    assert imported["tz"] == "Australia/Adelaide"
    assert imported["start"] == datetime(2024, 3, 24, 22, 30)
    assert utc_occurrences(imported) == [
        datetime(2024, 3, 24, 22, 30),  # Mon 25 March 09:00 ACDT (+10:30)
        datetime(2024, 3, 31, 22, 30),  # Mon 1 April 09:00 ACDT
        datetime(2024, 4, 7, 23, 30),  # Mon 8 April 09:00 ACST (+09:30)
        datetime(2024, 4, 14, 23, 30),
    ]


def test_answer_in_a_windows_zone_outside_the_old_table_is_converted():
    item = {
        "start": {
            "dateTime": "2024-04-08T09:00:00.0000000",
            "timeZone": "Cen. Australia Standard Time",
        },
        "end": {
            "dateTime": "2024-04-08T10:00:00.0000000",
            "timeZone": "Cen. Australia Standard Time",
        },
        "originalStartTimeZone": "Aus Central W. Standard Time",
    }
    imported = from_graph(item)
    assert imported["start"] == datetime(2024, 4, 7, 23, 30)
    assert imported["tz"] == "Australia/Eucla"


@pytest.mark.parametrize(
    "zone",
    ["Cen. Australia Standard Time", "cen. australia standard time", "Asia/Kolkata"],
)
def test_zone_name_knows_every_cldr_windows_zone_and_iana_alias(zone):
    assert zone_name(zone) in ("Australia/Adelaide", "Asia/Kolkata")


def test_graph_own_utc_name_is_utc():
    assert zone_name("tzone://Microsoft/Utc") == "UTC"


def test_unknown_windows_zone_of_an_event_is_an_error_naming_it():
    item = {
        "start": {"dateTime": "2024-07-01T08:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2024-07-01T09:00:00.0000000", "timeZone": "UTC"},
        "originalStartTimeZone": "Atlantis Standard Time",
    }
    with pytest.raises(CalendarSyncError, match="Atlantis Standard Time") as error:
        from_graph(item)
    assert error.value.zone == "Atlantis Standard Time"


def test_unknown_windows_zone_of_a_series_is_an_unsupported_recurrence():
    recurrence = custom_range(recurrenceTimeZone="Atlantis Standard Time")
    item = adelaide_master(recurrence=recurrence)
    with pytest.raises(UnsupportedRecurrence, match="Atlantis Standard Time") as error:
        from_graph(item)
    assert error.value.zone == "Atlantis Standard Time"
    assert "Atlantis Standard Time" in error.value.reason


@pytest.mark.parametrize("custom", [CUSTOM, "Customized Time Zone"])
def test_custom_zone_is_no_zone_name_but_a_custom_one(custom):
    assert zone_name(custom) is None
    assert is_custom_zone(custom)
    assert not is_custom_zone("Cen. Australia Standard Time")


def test_custom_zone_event_keeps_the_times_graph_gives_in_the_asked_zone():
    item = {
        "start": {"dateTime": "2024-04-08T09:00:00.0000000", "timeZone": "Asia/Tokyo"},
        "end": {"dateTime": "2024-04-08T10:00:00.0000000", "timeZone": "Asia/Tokyo"},
        "originalStartTimeZone": CUSTOM,
        "originalEndTimeZone": CUSTOM,
    }
    imported = from_graph(item, "UTC")
    assert (imported["start"], imported["stop"]) == (
        datetime(2024, 4, 8, 0),
        datetime(2024, 4, 8, 1),
    )
    assert imported["tz"] == "Asia/Tokyo"


def test_custom_start_zone_takes_the_zone_of_the_end():
    item = adelaide_master(originalStartTimeZone=CUSTOM, recurrence=custom_range())
    imported = from_graph(item, "UTC")
    assert imported["tz"] == "Australia/Adelaide"


def test_time_given_in_a_custom_zone_is_an_error_not_utc():
    item = {
        "start": {"dateTime": "2024-04-08T09:00:00.0000000", "timeZone": CUSTOM},
        "end": {"dateTime": "2024-04-08T10:00:00.0000000", "timeZone": CUSTOM},
    }
    with pytest.raises(CalendarSyncError, match="custom time zone") as error:
        from_graph(item)
    assert error.value.zone == CUSTOM


def custom_master(**values):
    custom = {"originalStartTimeZone": CUSTOM, "originalEndTimeZone": CUSTOM}
    return adelaide_master(recurrence=custom_range(), **{**custom, **values})


def test_custom_zone_series_answered_in_the_mailbox_zone_repeats_in_it():
    item = custom_master(
        start="2024-03-25T09:00:00.0000000", answer="Australia/Adelaide"
    )
    imported = from_graph(item, "UTC")
    assert imported["tz"] == "Australia/Adelaide"
    assert utc_occurrences(imported)[1:3] == [
        datetime(2024, 3, 31, 22, 30),
        datetime(2024, 4, 7, 23, 30),
    ]


def test_custom_zone_series_answered_in_utc_repeats_in_the_default_zone_of_its_date():
    # Mon 25 March 08:00 in Darwin: the series' first date
    assert from_graph(custom_master(), "Australia/Darwin")["tz"] == "Australia/Darwin"
    with pytest.raises(UnsupportedRecurrence, match="custom time zone"):
        from_graph(custom_master(), "America/New_York")  # Sunday 24 March there


@pytest.mark.parametrize(
    "start, zone",
    [
        ("2024-03-25T09:00:00+10:30", "Australia/Adelaide"),
        ("2024-03-25T09:00:00+05:30", "Asia/Calcutta"),
        ("2024-03-25T09:00:00+10:00", "Etc/GMT-10"),
        ("2024-03-25T09:00:00-03:00", "Etc/GMT+3"),
    ],
)
def test_custom_zone_series_takes_the_zone_of_the_offset_its_start_carries(start, zone):
    assert from_graph(custom_master(start=start), "UTC")["tz"] == zone


def test_custom_zone_series_answered_in_utc_is_an_error_not_utc():
    with pytest.raises(UnsupportedRecurrence, match=CUSTOM) as error:
        from_graph(custom_master(), "UTC")
    assert error.value.zone == CUSTOM
    assert CUSTOM in error.value.reason


def test_custom_zone_allday_series_floats():
    item = custom_master(
        isAllDay=True,
        start="2024-03-25T00:00:00.0000000",
        end={"dateTime": "2024-03-26T00:00:00.0000000", "timeZone": "UTC"},
    )
    imported = from_graph(item, "UTC")
    assert (imported["start_date"], imported["tz"]) == (date(2024, 3, 25), "UTC")
