"""The Graph emulator behaves like Graph v1.0: the occurrences it gives a
``patternedRecurrence``, as Outlook reads it.

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from graph_emulator_helpers import WINDOW, items_of, timed, weekly

from emulators.graph_recurrence import expand_dates
from services.graph_recurrence import to_graph_recurrence
from services.recurrence import expand

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


# ---------------------------------------------------------------- recurrence
def _dates(pattern, rng, until="2026-12-31"):
    recurrence = {"pattern": pattern, "range": rng}
    return [
        d.isoformat()
        for d in expand_dates(recurrence, datetime.fromisoformat(until).date())
    ]


def test_absolute_monthly_day_31_falls_on_the_last_day_of_shorter_months():
    dates = _dates(
        {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
        {"type": "numbered", "startDate": "2024-01-31", "numberOfOccurrences": 4},
    )
    assert dates == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]


def test_yearly_february_29_falls_on_february_28_in_common_years():
    dates = _dates(
        {"type": "absoluteYearly", "interval": 1, "dayOfMonth": 29, "month": 2},
        {"type": "numbered", "startDate": "2024-02-29", "numberOfOccurrences": 3},
    )
    assert dates == ["2024-02-29", "2025-02-28", "2026-02-28"]


def test_relative_monthly_last_friday_and_end_date_is_inclusive():
    dates = _dates(
        {
            "type": "relativeMonthly",
            "interval": 1,
            "daysOfWeek": ["friday"],
            "index": "last",
        },
        {"type": "endDate", "startDate": "2024-01-01", "endDate": "2024-03-29"},
    )
    assert dates == ["2024-01-26", "2024-02-23", "2024-03-29"]


def test_weekly_every_other_week_counts_weeks_from_first_day_of_week():
    dates = _dates(
        {
            "type": "weekly",
            "interval": 2,
            "daysOfWeek": ["monday", "sunday"],
            "firstDayOfWeek": "monday",
        },
        {"type": "numbered", "startDate": "2024-01-01", "numberOfOccurrences": 4},
    )
    assert dates == ["2024-01-01", "2024-01-07", "2024-01-15", "2024-01-21"]


def test_weekly_pattern_with_another_first_day_of_week_is_refused(api):
    body = weekly()
    body["recurrence"]["pattern"]["firstDayOfWeek"] = "someday"
    answer = api.call("POST", "/me/events", json=body)
    assert answer.status_code == 400


@pytest.mark.parametrize("week_start", ["mon", "sun"])
@pytest.mark.parametrize("tz", ["Europe/Brussels", "America/New_York"])
def test_pushed_biweekly_tuesday_and_sunday_series_lists_the_occurrences_of_its_rule(
    api, week_start, tz
):
    # firstDayOfWeek sunday puts each Sunday a week later than monday; the
    # series crosses the zone's spring DST change
    rule = {"rrule_type": "weekly", "interval": 2, "tue": True, "sun": True}
    rule |= {"end_type": "count", "count": 8, "week_start": week_start}
    start = datetime(2024, 3, 5, 9)
    recurrence = to_graph_recurrence(rule, start.date(), tz)
    body = timed(
        "Every other Tuesday and Sunday",
        "2024-03-05T09:00:00",
        "2024-03-05T10:00:00",
        tz,
        recurrence=recurrence,
    )
    master = api.create(body)
    assert (
        master["recurrence"]["pattern"]["firstDayOfWeek"]
        == (recurrence["pattern"]["firstDayOfWeek"])
    )
    expected = expand(rule, start, tz)
    occurrences = [i for i in items_of(api.delta_round()) if i["type"] == "occurrence"]
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    for items in (occurrences, instances):
        starts = sorted(
            datetime.fromisoformat(i["start"]["dateTime"][:19]) for i in items
        )
        assert {i["start"]["timeZone"] for i in items} == {"UTC"}
        assert starts == expected


def test_relative_yearly_and_daily_no_end():
    yearly = _dates(
        {
            "type": "relativeYearly",
            "interval": 1,
            "daysOfWeek": ["thursday"],
            "index": "fourth",
            "month": 11,
        },
        {"type": "noEnd", "startDate": "2024-01-01"},
        until="2025-12-31",
    )
    assert yearly == ["2024-11-28", "2025-11-27"]
    daily = _dates(
        {"type": "daily", "interval": 3},
        {"type": "noEnd", "startDate": "2024-01-01"},
        until="2024-01-10",
    )
    assert daily == ["2024-01-01", "2024-01-04", "2024-01-07", "2024-01-10"]


def test_series_keeps_its_local_time_across_dst(api):
    # Summer time starts on 2024-03-31 in Brussels: 09:00 is 08:00Z, then 07:00Z.
    api.create(weekly(count=2, start="2024-03-25T09:00:00", tz="Europe/Brussels"))
    items = items_of(api.delta_round())
    starts = [i["start"]["dateTime"] for i in items if i["type"] == "occurrence"]
    assert starts == ["2024-03-25T08:00:00.0000000", "2024-04-01T07:00:00.0000000"]
