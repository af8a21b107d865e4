"""Graph mapper: the zones of Graph events (CLDR's complete Windows table, custom
zones, never UTC by default).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.exceptions import CalendarSyncError, UnsupportedRecurrence
from services.graph_mapper import (
    from_graph,
    is_custom_zone,
    zone_name,
)
from services.graph_recurrence import from_graph_recurrence
from services.neutral_event import utc_to_local
from services.recurrence import expand

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
