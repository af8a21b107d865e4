"""Windows ⇄ IANA zone names (CLDR's table), and the Graph emulator's zones."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import pytz

from emulators import graph_recurrence
from emulators.graph_recurrence import CUSTOM_ZONE, custom_zone
from services import windows_zones
from services.exceptions import CalendarSyncError, UnsupportedRecurrence
from services.graph_mapper import from_graph
from services.windows_zones import (
    IANA_TO_WINDOWS,
    WINDOWS_TO_IANA,
    ZONES,
    iana_to_windows,
    windows_to_iana,
)

#: IANA zones CLDR gives no Windows zone (Troll's +00/+02; POSIX-rule zones).
UNMAPPED = {"Antarctica/Troll", "CST6CDT", "EST5EDT", "MST7MDT", "PST8PDT"}


def test_table_is_cldrs_complete_one():
    assert len(WINDOWS_TO_IANA) >= 139
    assert len(IANA_TO_WINDOWS) >= 500
    assert sum(len(names) for names in ZONES.values()) == len(IANA_TO_WINDOWS)


def test_table_is_read_from_its_data_file_with_the_unicode_notice():
    data = json.loads(windows_zones._DATA.read_text(encoding="utf-8"))
    assert data["license"][0] == "UNICODE LICENSE V3"
    assert list(ZONES) == list(data["zones"])
    assert all(isinstance(names, tuple) and names for names in ZONES.values())


def test_every_windows_zone_resolves_to_a_valid_pytz_zone():
    invalid = {
        windows: iana
        for windows, iana in WINDOWS_TO_IANA.items()
        if windows_to_iana(windows) not in pytz.all_timezones_set
    }
    assert not invalid


def test_every_iana_name_of_the_table_is_a_pytz_zone():
    assert not set(IANA_TO_WINDOWS) - pytz.all_timezones_set


def test_every_pytz_zone_has_a_windows_zone_but_those_cldr_lacks():
    # a failure here means a newer tz database: regenerate the table
    # (services/data/windows_zones.json)
    missing = {name for name in pytz.all_timezones if iana_to_windows(name) is None}
    assert missing <= UNMAPPED


def test_windows_zone_round_trips_through_its_canonical_iana_zone():
    assert all(iana_to_windows(windows_to_iana(w)) == w for w in WINDOWS_TO_IANA)


def test_iana_zone_round_trips_through_its_windows_zone():
    for iana, windows in IANA_TO_WINDOWS.items():
        assert windows_to_iana(windows) == ZONES[windows][0]
        assert iana in ZONES[windows]


@pytest.mark.parametrize(
    "names, windows",
    [
        (("Asia/Calcutta", "Asia/Kolkata"), "India Standard Time"),
        (("Europe/Kiev", "Europe/Kyiv"), "FLE Standard Time"),
        (("America/Godthab", "America/Nuuk"), "Greenland Standard Time"),
        (("Asia/Bangkok", "Asia/Saigon", "Asia/Ho_Chi_Minh"), "SE Asia Standard Time"),
        (("Australia/Adelaide", "Australia/South"), "Cen. Australia Standard Time"),
        (("Etc/UTC", "UTC", "Etc/GMT", "GMT"), "UTC"),
    ],
)
def test_iana_aliases_map_to_the_windows_zone_of_their_zone(names, windows):
    assert {iana_to_windows(name) for name in names} == {windows}
    assert windows_to_iana(windows) == names[0]


def test_windows_zones_of_2026_follow_cldr_main():
    assert windows_to_iana("British Columbia Standard Time") == "America/Vancouver"
    assert iana_to_windows("America/Vancouver") == "British Columbia Standard Time"
    assert iana_to_windows("America/Los_Angeles") == "Pacific Standard Time"


def test_lookups_ignore_case_and_surrounding_spaces():
    assert windows_to_iana(" cen. australia standard time ") == "Australia/Adelaide"
    assert iana_to_windows("asia/kolkata") == "India Standard Time"


@pytest.mark.parametrize("name", [None, "", "Atlantis Standard Time", "Mars/Olympus"])
def test_unknown_names_have_no_mapping(name):
    assert windows_to_iana(name) is None
    assert iana_to_windows(name) is None


def test_table_folds_to_distinct_names():
    assert len({w.casefold() for w in WINDOWS_TO_IANA}) == len(WINDOWS_TO_IANA)
    assert len({n.casefold() for n in IANA_TO_WINDOWS}) == len(IANA_TO_WINDOWS)


# --------------------------------------------------------------------------- #
# The Graph emulator plays Outlook with the same complete table
# --------------------------------------------------------------------------- #
def test_graph_emulator_uses_the_same_complete_table():
    assert graph_recurrence.WINDOWS_TO_IANA == WINDOWS_TO_IANA
    assert graph_recurrence.IANA_TO_WINDOWS == IANA_TO_WINDOWS


def test_graph_emulator_resolves_every_windows_zone():
    for windows in WINDOWS_TO_IANA:
        assert graph_recurrence.resolve_zone(windows) is not None


def adelaide_series(zone, count=3):
    """Weekly on Mondays 09:00 in Adelaide from 2024-04-01 (DST ends 7 April)."""
    return {
        "subject": "Adelaide standup",
        "start": {"dateTime": "2024-04-01T09:00:00", "timeZone": zone},
        "end": {"dateTime": "2024-04-01T10:00:00", "timeZone": zone},
        "recurrence": {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
            "range": {
                "type": "numbered",
                "startDate": "2024-04-01",
                "numberOfOccurrences": count,
                "recurrenceTimeZone": zone,
            },
        },
    }


def instance_starts(client, master_id):
    instances = client.instances(master_id, datetime(2024, 3, 1), datetime(2024, 5, 1))
    return sorted(i["start"]["dateTime"][:16] for i in instances)


AFTER_DST_IN_UTC = ["2024-03-31T22:30", "2024-04-07T23:30", "2024-04-14T23:30"]


def test_graph_emulator_expands_a_cen_australia_series_across_dst(
    graph_emulator, make_graph_client
):
    zone = "Cen. Australia Standard Time"
    master = graph_emulator.add_event("alice@contoso.com", adelaide_series(zone))
    assert master["originalStartTimeZone"] == zone
    assert master["recurrence"]["range"]["recurrenceTimeZone"] == zone
    assert instance_starts(make_graph_client(), master["id"]) == AFTER_DST_IN_UTC


def test_graph_emulator_reports_a_custom_zone_and_expands_with_its_rules(
    graph_emulator, make_graph_client
):
    body = adelaide_series(custom_zone("Australia/Adelaide"))
    master = graph_emulator.add_event("alice@contoso.com", body)
    assert master["originalStartTimeZone"] == CUSTOM_ZONE
    assert master["originalEndTimeZone"] == CUSTOM_ZONE
    assert master["recurrence"]["range"]["recurrenceTimeZone"] == CUSTOM_ZONE
    assert instance_starts(make_graph_client(), master["id"]) == AFTER_DST_IN_UTC


def test_graph_emulator_refuses_a_bare_custom_zone(make_graph_client):
    body = adelaide_series(CUSTOM_ZONE)
    with pytest.raises(CalendarSyncError) as error:
        make_graph_client().create_event(body, "tx-custom")
    assert getattr(error.value, "status", None) == 400


def test_custom_zone_series_read_in_the_mailbox_zone_keeps_its_local_time(
    graph_emulator, make_graph_client
):
    body = adelaide_series(custom_zone("Australia/Adelaide"))
    master = graph_emulator.add_event("alice@contoso.com", body)
    client = make_graph_client(tz="Australia/Adelaide")
    imported = from_graph(client.get_event(master["id"]), "UTC")
    assert imported["tz"] == "Australia/Adelaide"
    assert imported["start"] == datetime(2024, 3, 31, 22, 30)


def test_custom_zone_series_read_in_utc_is_reported_not_imported_as_utc(
    graph_emulator, make_graph_client
):
    body = adelaide_series(custom_zone("Australia/Adelaide"))
    master = graph_emulator.add_event("alice@contoso.com", body)
    item = make_graph_client().get_event(master["id"])
    with pytest.raises(UnsupportedRecurrence, match=CUSTOM_ZONE):
        from_graph(item, "UTC")
