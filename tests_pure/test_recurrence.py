"""Recurrence conversion: Odoo ⇄ RRULE ⇄ Graph patterns, and expansion."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as du
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from services.exceptions import UnsupportedRecurrence
from services.google_recurrence import from_google_recurrence, to_google_recurrence
from services.graph_recurrence import (
    from_graph_recurrence,
    graph_meaning_differs,
    to_graph_recurrence,
)
from services.neutral_event import utc_naive
from services.recurrence import (
    BYDAY_VALUES,
    END_TYPES,
    FREQS,
    ODOO_WEEKDAYS,
    WEEKDAY_FIELDS,
    expand,
    normalize_recurrence,
)

BRUSSELS = "Europe/Brussels"
ZONES = [
    "UTC",
    BRUSSELS,
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Australia/Lord_Howe",
]
PROPERTY = settings(max_examples=200, deadline=None)


def rec(**values):
    base = {"rrule_type": "weekly", "interval": 1, "end_type": "forever"}
    return normalize_recurrence({**base, **values})


# --------------------------------------------------------------------------- #
# Strategies: recurrences Odoo accepts
# --------------------------------------------------------------------------- #


@st.composite
def odoo_recurrences(draw):
    """A ``calendar.recurrence`` as Odoo stores it, with noise in the fields
    that do not apply (Odoo keeps their defaults)."""
    values = {
        "rrule_type": draw(st.sampled_from(FREQS)),
        "interval": draw(st.integers(1, 99)),
        "end_type": draw(st.sampled_from(END_TYPES)),
        "count": draw(st.integers(1, 720)),
        "until": draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))),
        "month_by": draw(st.sampled_from(["date", "day"])),
        "day": draw(st.integers(1, 31)),
        "weekday": draw(st.sampled_from(ODOO_WEEKDAYS)),
        "byday": draw(st.sampled_from(BYDAY_VALUES)),
        # absent, or the week start of an Odoo language, WKST, firstDayOfWeek
        "week_start": draw(st.sampled_from([None, *WEEKDAY_FIELDS])),
    }
    days = draw(st.sets(st.sampled_from(WEEKDAY_FIELDS), min_size=1))
    values.update({field: field in days for field in WEEKDAY_FIELDS})
    return values


local_starts = st.builds(
    datetime.combine,
    st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    st.times(time(8), time(20)).map(lambda t: t.replace(microsecond=0)),
)


def consistent_start(values, start):
    """Move ``start`` onto the day a monthly-by-date rule repeats on, as the
    first occurrence of a real Odoo series is (a day-31 rule every 12 months
    from April would never occur)."""
    if values["rrule_type"] != "monthly" or values["month_by"] != "date":
        return start
    if values["day"] > 28:
        start = start.replace(month=1)
    return start.replace(day=values["day"])


# --------------------------------------------------------------------------- #
# Round trips (properties)
# --------------------------------------------------------------------------- #


@PROPERTY
@given(odoo_recurrences(), local_starts, st.sampled_from(ZONES), st.booleans())
def test_google_round_trip_keeps_the_recurrence(values, start, tz, allday):
    dtstart = start.date() if allday else utc_naive(start, tz)
    lines = to_google_recurrence(values, dtstart, tz, allday)
    back, exdates = from_google_recurrence(lines, start.date() if allday else start, tz)
    assert back == normalize_recurrence(values)
    assert exdates == []


@PROPERTY
@given(odoo_recurrences(), local_starts, st.sampled_from(ZONES), st.booleans())
def test_google_round_trip_keeps_exdates(values, start, tz, allday):
    start = consistent_start(values, start)
    first = start.date() if allday else start
    occurrences = expand(values, first, tz, limit=5)
    removed = occurrences[1::2]
    dtstart = first if allday else utc_naive(start, tz)
    lines = to_google_recurrence(values, dtstart, tz, allday, exdates=removed)
    _back, exdates = from_google_recurrence(lines, first, tz)
    assert exdates == sorted(removed)


@PROPERTY
@given(odoo_recurrences(), local_starts, st.sampled_from(ZONES))
def test_rrule_sent_to_google_expands_like_odoo(values, start, tz):
    start = consistent_start(values, start)
    lines = to_google_recurrence(values, utc_naive(start, tz), tz, False)
    aware = start.replace(tzinfo=ZoneInfo(tz))
    rule = du.rrulestr(lines[0].removeprefix("RRULE:"), dtstart=aware)
    google = [utc_naive(moment) for moment in islice(rule, 40)]
    # pytz (Odoo's) knows DST transitions up to 2037 only
    before_2037 = [moment for moment in google if moment.year < 2037]
    odoo = expand(values, start, tz, limit=40)
    assert before_2037 == [moment for moment in odoo if moment.year < 2037]


@PROPERTY
@given(odoo_recurrences(), local_starts, st.sampled_from(ZONES))
def test_graph_round_trip_keeps_the_recurrence(values, start, tz):
    pattern = to_graph_recurrence(values, start.date(), tz)
    # a rule Outlook reads otherwise (day 29-31) is refused before a push
    assume(not graph_meaning_differs(values, start.date()))
    assert from_graph_recurrence(pattern) == normalize_recurrence(values)
    assert pattern["range"]["recurrenceTimeZone"] == tz


# --------------------------------------------------------------------------- #
# Odoo -> Google
# --------------------------------------------------------------------------- #


def test_timed_until_is_the_end_of_the_local_day_in_utc():
    lines = to_google_recurrence(
        rec(mon=True, wed=True, end_type="end_date", until=date(2024, 6, 30)),
        datetime(2024, 1, 15, 9),
        BRUSSELS,
        False,
        exdates=[datetime(2024, 1, 22, 9)],
    )
    assert lines == [
        "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20240630T215959Z",
        "EXDATE;TZID=Europe/Brussels:20240122T100000",
    ]


def test_allday_series_until_is_a_date():
    lines = to_google_recurrence(
        rec(rrule_type="daily", end_type="end_date", until=date(2024, 6, 30)),
        date(2024, 1, 15),
        BRUSSELS,
        True,
        exdates=[date(2024, 1, 16)],
    )
    assert lines == [
        "RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20240630",
        "EXDATE;VALUE=DATE:20240116",
    ]


def test_count_is_sent_as_count():
    lines = to_google_recurrence(
        rec(rrule_type="monthly", month_by="date", day=15, end_type="count", count=6),
        datetime(2024, 1, 15, 9),
        BRUSSELS,
        False,
    )
    assert lines == ["RRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15;COUNT=6"]


def test_last_friday_is_sent_as_minus_one_fr():
    lines = to_google_recurrence(
        rec(rrule_type="monthly", month_by="day", weekday="FRI", byday="-1"),
        datetime(2024, 1, 26, 9),
        BRUSSELS,
        False,
    )
    assert lines == ["RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR"]


def test_weekly_rule_without_days_takes_the_start_weekday():
    # 2024-01-17 00:30 UTC is still Tuesday evening in New York
    lines = to_google_recurrence(
        rec(), datetime(2024, 1, 17, 0, 30), "America/New_York", False
    )
    assert lines == ["RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"]


def test_week_start_other_than_monday_is_sent_as_wkst():
    lines = to_google_recurrence(
        rec(sun=True, mon=True, interval=2), date(2024, 1, 14), "UTC", True, (), "SU"
    )
    assert lines == ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU"]


@pytest.mark.parametrize(
    "values",
    [
        {"interval": 0, "mon": True},
        {"end_type": "count", "count": 0, "mon": True},
        {"end_type": "end_date", "until": False, "mon": True},
        {"rrule_type": "hourly"},
        {"rrule_type": "monthly", "month_by": "date", "day": 32},
        {"rrule_type": "monthly", "month_by": "day", "weekday": "FRI", "byday": "5"},
    ],
    ids=[
        "zero-interval",
        "zero-count",
        "end-date-without-until",
        "unknown-type",
        "day-32",
        "fifth-friday",
    ],
)
def test_invalid_odoo_recurrence_is_refused(values):
    with pytest.raises(UnsupportedRecurrence) as error:
        to_google_recurrence(rec(**values), date(2024, 1, 1), "UTC", True)
    assert error.value.reason


# --------------------------------------------------------------------------- #
# Google -> Odoo
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "line",
    [
        "RRULE:FREQ=MONTHLY;BYDAY=2TU",
        "RRULE:FREQ=MONTHLY;BYDAY=+2TU",
        "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
        "RRULE:FREQ=MONTHLY;WKST=SU;BYDAY=2TU",
    ],
)
def test_second_tuesday_forms_are_read(line):
    back, _ = from_google_recurrence([line])
    assert back == rec(rrule_type="monthly", month_by="day", weekday="TUE", byday="2")


def test_last_friday_is_read():
    back, _ = from_google_recurrence(["RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR"])
    assert back == rec(
        rrule_type="monthly", interval=2, month_by="day", weekday="FRI", byday="-1"
    )


def test_timed_until_comes_back_as_the_local_date():
    lines = ["RRULE:FREQ=DAILY;UNTIL=20240630T215959Z"]
    back, _ = from_google_recurrence(lines, datetime(2024, 1, 15, 10), BRUSSELS)
    assert back["end_type"] == "end_date"
    assert back["until"] == date(2024, 6, 30)


def test_until_before_the_days_occurrence_excludes_that_day():
    # 06:00Z is 08:00 in Brussels: the 10:00 occurrence of June 30 is after it
    lines = ["RRULE:FREQ=DAILY;UNTIL=20240630T060000Z"]
    back, _ = from_google_recurrence(lines, datetime(2024, 1, 15, 10), BRUSSELS)
    assert back["until"] == date(2024, 6, 29)


def test_count_and_until_map_to_their_end_types():
    by_count, _ = from_google_recurrence(["RRULE:FREQ=DAILY;COUNT=3"])
    by_until, _ = from_google_recurrence(["RRULE:FREQ=DAILY;UNTIL=20240630"])
    forever, _ = from_google_recurrence(["RRULE:FREQ=DAILY"])
    assert (by_count["end_type"], by_count["count"]) == ("count", 3)
    assert (by_until["end_type"], by_until["until"]) == ("end_date", date(2024, 6, 30))
    assert forever["end_type"] == "forever"


def test_exdates_in_any_form_come_back_as_naive_utc():
    lines = [
        "RRULE:FREQ=DAILY",
        "EXDATE;TZID=Europe/Brussels:20240122T100000,20240123T100000",
        "EXDATE:20240124T090000Z",
    ]
    _back, exdates = from_google_recurrence(lines, tz=BRUSSELS)
    assert exdates == [
        datetime(2024, 1, 22, 9),
        datetime(2024, 1, 23, 9),
        datetime(2024, 1, 24, 9),
    ]


def test_daily_rule_on_weekdays_becomes_weekly():
    back, _ = from_google_recurrence(["RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"])
    assert back == rec(mon=True, tue=True, wed=True, thu=True, fri=True)


def test_rules_relying_on_the_start_take_it_from_dtstart():
    weekly, _ = from_google_recurrence(["RRULE:FREQ=WEEKLY"], date(2024, 1, 17))
    monthly, _ = from_google_recurrence(["RRULE:FREQ=MONTHLY"], date(2024, 1, 17))
    assert weekly == rec(wed=True)
    assert monthly == rec(rrule_type="monthly", month_by="date", day=17)


def test_yearly_rule_on_its_own_month_and_day_is_yearly():
    line = "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"
    back, _ = from_google_recurrence([line], date(2024, 3, 15))
    assert back == rec(rrule_type="yearly")


def test_yearly_rule_on_nth_weekday_becomes_monthly_every_12_months():
    line = "RRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=2TU"
    back, _ = from_google_recurrence([line], date(2024, 3, 12))
    assert back == rec(
        rrule_type="monthly", interval=24, month_by="day", weekday="TUE", byday="2"
    )


def test_x_parameters_are_ignored():
    back, _ = from_google_recurrence(["RRULE:FREQ=WEEKLY;BYDAY=MO;X-FOO=1"])
    assert back == rec(mon=True)


@pytest.mark.parametrize(
    "lines",
    [
        ["RRULE:FREQ=HOURLY"],
        ["RRULE:FREQ=MINUTELY"],
        ["RRULE:FREQ=SECONDLY"],
        ["RRULE:FREQ=DAILY;BYHOUR=9,17"],
        ["RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15"],
        ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-1"],
        ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"],
        ["RRULE:FREQ=MONTHLY;BYDAY=5MO"],
        ["RRULE:FREQ=MONTHLY;BYDAY=TU"],
        ["RRULE:FREQ=MONTHLY;BYMONTH=1,7;BYMONTHDAY=1"],
        ["RRULE:FREQ=YEARLY;BYMONTH=5"],
        ["RRULE:FREQ=YEARLY;BYYEARDAY=100"],
        ["RRULE:FREQ=DAILY;COUNT=3;UNTIL=20240101"],
        ["RRULE:FREQ=DAILY", "RDATE:20240105T090000Z"],
        ["RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY"],
        ["RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"],
        ["EXDATE:20240105T090000Z"],
    ],
    ids=lambda lines: " | ".join(lines),
)
def test_rules_odoo_cannot_express_are_refused(lines):
    with pytest.raises(UnsupportedRecurrence) as error:
        from_google_recurrence(lines, datetime(2024, 3, 4, 9), BRUSSELS)
    assert error.value.rule
    assert error.value.reason


# --------------------------------------------------------------------------- #
# Graph
# --------------------------------------------------------------------------- #


def test_graph_pattern_of_a_weekly_series():
    pattern = to_graph_recurrence(
        rec(mon=True, wed=True, end_type="end_date", until=date(2024, 6, 30)),
        date(2024, 1, 15),
        BRUSSELS,
    )
    assert pattern == {
        "pattern": {
            "type": "weekly",
            "interval": 1,
            "daysOfWeek": ["monday", "wednesday"],
            "firstDayOfWeek": "monday",
        },
        "range": {
            "type": "endDate",
            "startDate": "2024-01-15",
            "endDate": "2024-06-30",
            "recurrenceTimeZone": BRUSSELS,
        },
    }


def test_graph_last_friday_is_relative_monthly_last():
    pattern = to_graph_recurrence(
        rec(rrule_type="monthly", month_by="day", weekday="FRI", byday="-1"),
        date(2024, 1, 26),
        BRUSSELS,
    )
    assert pattern["pattern"] == {
        "type": "relativeMonthly",
        "interval": 1,
        "daysOfWeek": ["friday"],
        "index": "last",
    }
    assert pattern["range"]["type"] == "noEnd"


def test_graph_yearly_takes_month_and_day_from_the_start():
    pattern = to_graph_recurrence(
        rec(rrule_type="yearly", end_type="count", count=5), date(2024, 3, 15), "UTC"
    )
    assert pattern["pattern"] == {
        "type": "absoluteYearly",
        "interval": 1,
        "dayOfMonth": 15,
        "month": 3,
    }
    assert pattern["range"]["numberOfOccurrences"] == 5


def test_graph_answer_with_neutral_values_is_read():
    answer = {
        "pattern": {
            "type": "absoluteMonthly",
            "interval": 1,
            "month": 0,
            "dayOfMonth": 31,
            "firstDayOfWeek": "sunday",
            "index": "first",
        },
        "range": {
            "type": "noEnd",
            "startDate": "2024-01-31",
            "endDate": "0001-01-01",
            "recurrenceTimeZone": "Romance Standard Time",
            "numberOfOccurrences": 0,
        },
    }
    assert from_graph_recurrence(answer) == rec(
        rrule_type="monthly", month_by="date", day=31
    )


def test_graph_relative_yearly_becomes_monthly_every_12_months():
    pattern = {
        "pattern": {
            "type": "relativeYearly",
            "interval": 1,
            "month": 11,
            "daysOfWeek": ["thursday"],
            "index": "fourth",
        },
        "range": {
            "type": "numbered",
            "startDate": "2024-11-28",
            "numberOfOccurrences": 3,
        },
    }
    assert from_graph_recurrence(pattern) == rec(
        rrule_type="monthly",
        interval=12,
        month_by="day",
        weekday="THU",
        byday="4",
        end_type="count",
        count=3,
    )


@pytest.mark.parametrize(
    "pattern",
    [
        {"type": "relativeMonthly", "daysOfWeek": ["monday", "friday"]},
        {"type": "weekly", "daysOfWeek": []},
        {"type": "absoluteMonthly", "dayOfMonth": 0},
        {"type": "hourly"},
    ],
    ids=["first-weekday", "no-days", "day-zero", "unknown-type"],
)
def test_graph_patterns_odoo_cannot_express_are_refused(pattern):
    recurrence = {"pattern": {"interval": 1, **pattern}, "range": {"type": "noEnd"}}
    with pytest.raises(UnsupportedRecurrence):
        from_graph_recurrence(recurrence)


def monthly_on(day, **values):
    return {"rrule_type": "monthly", "month_by": "date", "day": day, **values}


@pytest.mark.parametrize(
    "values, start, differs",
    [
        (monthly_on(31), date(2024, 1, 31), True),
        (monthly_on(30), date(2024, 1, 30), True),
        (monthly_on(29), date(2024, 1, 29), True),
        (monthly_on(28), date(2024, 1, 28), False),
        (monthly_on(31, interval=12), date(2024, 1, 31), False),
        (monthly_on(31, interval=2), date(2024, 1, 31), True),
        (
            {"rrule_type": "monthly", "month_by": "day", "weekday": "FRI"}
            | {"byday": "-1"},
            date(2024, 1, 26),
            False,
        ),
        ({"rrule_type": "yearly"}, date(2024, 2, 29), True),
        ({"rrule_type": "yearly"}, date(2024, 2, 28), False),
        ({"rrule_type": "daily"}, date(2024, 1, 31), False),
    ],
    ids=[
        "monthly-31",
        "monthly-30",
        "monthly-29",
        "monthly-28",
        "day-31-every-12-months-from-january",
        "day-31-every-2-months-reaches-short-months",
        "last-friday",
        "yearly-feb-29",
        "yearly-feb-28",
        "daily",
    ],
)
def test_outlook_meaning_of_short_month_days_is_detected(values, start, differs):
    assert graph_meaning_differs(rec(**values), start) is differs


# --------------------------------------------------------------------------- #
# Expansion
# --------------------------------------------------------------------------- #


def test_weekly_series_keeps_its_local_time_across_dst():
    # Brussels: summer time from 2024-03-31 to 2024-10-27
    spring = expand(rec(mon=True), datetime(2024, 3, 18, 10), BRUSSELS, limit=3)
    assert spring == [
        datetime(2024, 3, 18, 9),
        datetime(2024, 3, 25, 9),
        datetime(2024, 4, 1, 8),
    ]
    autumn = expand(rec(mon=True), datetime(2024, 10, 21, 10), BRUSSELS, limit=2)
    assert autumn == [datetime(2024, 10, 21, 8), datetime(2024, 10, 28, 9)]


def test_monthly_date_series_skips_months_without_that_day():
    starts = expand(
        rec(rrule_type="monthly", month_by="date", day=31),
        datetime(2024, 1, 31, 10),
        "UTC",
        limit=3,
    )
    assert starts == [
        datetime(2024, 1, 31, 10),
        datetime(2024, 3, 31, 10),
        datetime(2024, 5, 31, 10),
    ]


def test_until_date_is_inclusive_in_expansion():
    values = rec(rrule_type="daily", end_type="end_date", until=date(2024, 1, 3))
    starts = expand(values, datetime(2024, 1, 1, 23, 30), BRUSSELS)
    assert starts == [
        datetime(2024, 1, 1, 22, 30),
        datetime(2024, 1, 2, 22, 30),
        datetime(2024, 1, 3, 22, 30),
    ]


def test_allday_expansion_gives_dates():
    values = rec(rrule_type="monthly", month_by="day", weekday="FRI", byday="-1")
    assert expand(values, date(2024, 1, 26), BRUSSELS, limit=3) == [
        date(2024, 1, 26),
        date(2024, 2, 23),
        date(2024, 3, 29),
    ]


def test_forever_series_stop_at_the_limit():
    values = rec(rrule_type="daily")
    assert len(expand(values, date(2024, 1, 1), "UTC")) == 720
    assert len(expand(values, date(2024, 1, 1), "UTC", limit=10)) == 10
