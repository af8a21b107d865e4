"""The Google emulator behaves like Google where our code can tell the difference:
event lists (pages, sync tokens, time windows, deleted events).

Driven with the real google-api-python-client / google-auth.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from google_emulator_helpers import TIMED, WEEKLY, seed
from googleapiclient.errors import HttpError

from services.google_recurrence import to_google_recurrence
from services.neutral_event import utc_naive
from services.recurrence import expand


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
