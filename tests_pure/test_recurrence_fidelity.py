"""Every series has the same occurrences in Odoo, Google and Outlook.

* The recurrence examples of RFC 5545 §3.8.5.3, as a table: each is either an
  exact Odoo series (its Odoo rule expands to RFC 5545's occurrences, dateutil
  being the oracle) or a provider-managed one (Odoo holds the provider's own
  occurrences: the Google emulator, which the Odoo suite syncs with, expands
  it as RFC 5545 says).
* Every rule kind Odoo holds expands alike as Odoo's rule, as the RRULE sent
  to Google and as the pattern sent to Outlook (both Outlook expansions: ours
  and the Graph emulator's), across zones and DST; a day 29-31 pattern's
  Outlook occurrences are Odoo's plus the extra days the sync adds.
* Endless stays endless both ways; the horizon only extends Odoo's expansion.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as du
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emulators.google_emulator import Series
from emulators.graph_recurrence import expand_dates
from services.exceptions import UnsupportedRecurrence
from services.google_recurrence import from_google_recurrence, to_google_recurrence
from services.graph_recurrence import (
    from_graph_recurrence,
    graph_expand_dates,
    graph_extra_dates,
    graph_meaning_differs,
    to_graph_recurrence,
)
from services.neutral_event import utc_naive, utc_to_local
from services.recurrence import (
    BYDAY_VALUES,
    END_TYPES,
    FREQS,
    ODOO_WEEKDAYS,
    WEEKDAY_FIELDS,
    expand,
)

NEW_YORK = "America/New_York"
ZONES = ["UTC", "Europe/Brussels", NEW_YORK, "Asia/Kolkata", "Pacific/Auckland"]
PROPERTY = settings(max_examples=200, deadline=None)
N = 40

# --------------------------------------------------------------------------- #
# RFC 5545 §3.8.5.3 (DTSTART;TZID=America/New_York, as in the RFC)
# --------------------------------------------------------------------------- #

EXACT, MANAGED = "exact Odoo series", "provider-managed"
D = datetime(1997, 9, 2, 9, 0)  # the RFC's usual DTSTART
RFC_EXAMPLES = [
    ("daily for 10", D, "FREQ=DAILY;COUNT=10", EXACT),
    ("daily until Dec 24", D, "FREQ=DAILY;UNTIL=19971224T000000Z", EXACT),
    ("every other day forever", D, "FREQ=DAILY;INTERVAL=2", EXACT),
    ("every 10 days, 5 times", D, "FREQ=DAILY;INTERVAL=10;COUNT=5", EXACT),
    (
        "every day in January for 3 years (yearly)",
        datetime(1998, 1, 1, 9),
        "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        MANAGED,
    ),
    (
        "every day in January for 3 years (daily)",
        datetime(1998, 1, 1, 9),
        "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        MANAGED,
    ),
    ("weekly for 10", D, "FREQ=WEEKLY;COUNT=10", EXACT),
    ("weekly until Dec 24", D, "FREQ=WEEKLY;UNTIL=19971224T000000Z", EXACT),
    ("every other week forever", D, "FREQ=WEEKLY;INTERVAL=2;WKST=SU", EXACT),
    (
        "weekly on Tue and Thu for 5 weeks (until)",
        D,
        "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        EXACT,
    ),
    (
        "weekly on Tue and Thu for 5 weeks (count)",
        D,
        "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        EXACT,
    ),
    (
        "every other week on Mon, Wed, Fri until Dec 24",
        datetime(1997, 9, 1, 9),
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        EXACT,
    ),
    (
        "every other week on Tue and Thu, 8 times",
        D,
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        EXACT,
    ),
    (
        "monthly on the first Friday, 10 times",
        datetime(1997, 9, 5, 9),
        "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        EXACT,
    ),
    (
        "monthly on the first Friday until Dec 24",
        datetime(1997, 9, 5, 9),
        "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        EXACT,
    ),
    (
        "every other month on the first and last Sunday",
        datetime(1997, 9, 7, 9),
        "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        MANAGED,
    ),
    (
        "monthly on the second-to-last Monday, 6 times",
        datetime(1997, 9, 22, 9),
        "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        MANAGED,
    ),
    (
        "monthly on the third-to-last day",
        datetime(1997, 9, 28, 9),
        "FREQ=MONTHLY;BYMONTHDAY=-3",
        MANAGED,
    ),
    (
        "monthly on the 2nd and 15th, 10 times",
        D,
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        MANAGED,
    ),
    (
        "monthly on the first and last day, 10 times",
        datetime(1997, 9, 30, 9),
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        MANAGED,
    ),
    (
        "every 18 months on the 10th to 15th, 10 times",
        datetime(1997, 9, 10, 9),
        "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        MANAGED,
    ),
    (
        "every Tuesday, every other month",
        D,
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        MANAGED,
    ),
    (
        "yearly in June and July, 10 times",
        datetime(1997, 6, 10, 9),
        "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        MANAGED,
    ),
    (
        "every other year in January to March, 10 times",
        datetime(1997, 3, 10, 9),
        "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        MANAGED,
    ),
    (
        "every third year on days 1, 100 and 200, 10 times",
        datetime(1997, 1, 1, 9),
        "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        MANAGED,
    ),
    (
        "every 20th Monday of the year",
        datetime(1997, 5, 19, 9),
        "FREQ=YEARLY;BYDAY=20MO",
        MANAGED,
    ),
    (
        "Monday of week 20",
        datetime(1997, 5, 12, 9),
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        MANAGED,
    ),
    (
        "every Thursday in March",
        datetime(1997, 3, 13, 9),
        "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        MANAGED,
    ),
    (
        "every Thursday in June to August",
        datetime(1997, 6, 5, 9),
        "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        MANAGED,
    ),
    (
        "every Friday the 13th",
        datetime(1998, 2, 13, 9),
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        MANAGED,
    ),
    (
        "the first Saturday after the first Sunday",
        datetime(1997, 9, 13, 9),
        "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        MANAGED,
    ),
    (
        "US presidential election day",
        datetime(1996, 11, 5, 9),
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        MANAGED,
    ),
    (
        "the third Tuesday, Wednesday or Thursday, 3 times",
        datetime(1997, 9, 4, 9),
        "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        MANAGED,
    ),
    (
        "the second-to-last weekday of the month",
        datetime(1997, 9, 29, 9),
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        MANAGED,
    ),
    (
        "every 3 hours from 9 to 17",
        D,
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
        MANAGED,
    ),
    ("every 15 minutes, 6 times", D, "FREQ=MINUTELY;INTERVAL=15;COUNT=6", MANAGED),
    ("every hour and a half, 4 times", D, "FREQ=MINUTELY;INTERVAL=90;COUNT=4", MANAGED),
    (
        "every 20 minutes from 9 to 16:40 (daily)",
        D,
        "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        MANAGED,
    ),
    (
        "every 20 minutes from 9 to 16:40 (minutely)",
        D,
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
        MANAGED,
    ),
    (
        "WKST=MO: every other week on Tue and Sun, 4 times",
        datetime(1997, 8, 5, 9),
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        EXACT,
    ),
    (
        "WKST=SU: every other week on Tue and Sun, 4 times",
        datetime(1997, 8, 5, 9),
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        EXACT,
    ),
    (
        "the 15th and 30th (no February 30th), 5 times",
        datetime(2007, 1, 15, 9),
        "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        MANAGED,
    ),
]


def rfc_starts(rule, start, limit=N):
    """RFC 5545's occurrences (dateutil), as naive UTC."""
    aware = start.replace(tzinfo=ZoneInfo(NEW_YORK))
    return [utc_naive(m) for m in islice(du.rrulestr(rule, dtstart=aware), limit)]


@pytest.mark.parametrize(
    ("rule", "start", "kind"),
    [
        pytest.param(rule, start, kind, id=name)
        for name, start, rule, kind in RFC_EXAMPLES
    ],
)
def test_rfc5545_example_is_held_exactly_or_managed_with_the_same_dates(
    rule, start, kind
):
    expected = rfc_starts(rule, start)
    if kind == EXACT:
        rec, exdates = from_google_recurrence([f"RRULE:{rule}"], start, NEW_YORK)
        assert exdates == []
        assert expand(rec, start, NEW_YORK, limit=N) == expected
        return
    with pytest.raises(UnsupportedRecurrence):
        from_google_recurrence([f"RRULE:{rule}"], start, NEW_YORK)
    # managed: Odoo holds the provider's instances, which are RFC 5545's
    zone = ZoneInfo(NEW_YORK)
    series = Series(
        start.replace(tzinfo=zone),
        start.replace(tzinfo=zone) + timedelta(hours=1),
        NEW_YORK,
        [f"RRULE:{rule}"],
        cap=N,
    )
    assert [utc_naive(m) for m in series.occurrences()] == expected


def test_rfc5545_table_has_every_example_of_the_issue():
    kinds = [kind for _name, _start, _rule, kind in RFC_EXAMPLES]
    assert len(RFC_EXAMPLES) == 42
    assert kinds.count(EXACT) == 15


# --------------------------------------------------------------------------- #
# Every rule kind: Odoo ⇄ RRULE ⇄ Outlook pattern, across zones and DST
# --------------------------------------------------------------------------- #


@st.composite
def odoo_series(draw):
    """An Odoo rule and a local first occurrence that is one of its own."""
    kind = draw(st.sampled_from(FREQS))
    rec = {
        "rrule_type": kind,
        "interval": draw(st.integers(1, 4)),
        "end_type": draw(st.sampled_from(END_TYPES)),
        "count": draw(st.integers(1, N)),
        "until": draw(st.dates(date(2025, 1, 1), date(2032, 12, 31))),
        "week_start": draw(st.sampled_from([None, *WEEKDAY_FIELDS])),
    }
    day = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
    if kind == "weekly":
        days = draw(st.sets(st.sampled_from(WEEKDAY_FIELDS), min_size=1))
        rec.update({field: field in days for field in WEEKDAY_FIELDS})
        while WEEKDAY_FIELDS[day.weekday()] not in days:
            day += timedelta(days=1)
    elif kind == "monthly" and draw(st.booleans()):
        rec.update(month_by="date", day=draw(st.integers(1, 31)))
        day = day.replace(month=1, day=rec["day"])
    elif kind == "monthly":
        rec.update(
            month_by="day",
            weekday=draw(st.sampled_from(ODOO_WEEKDAYS)),
            byday=draw(st.sampled_from(BYDAY_VALUES)),
        )
        first = du.rrule(
            du.MONTHLY,
            dtstart=datetime.combine(day, time()),
            byweekday=du.weekday(ODOO_WEEKDAYS.index(rec["weekday"]))(
                int(rec["byday"])
            ),
        )[0]
        day = first.date()
    # from 03:00: a wall time repeated or skipped by a DST change (01:00-03:00
    # in these zones) is placed by Odoo with is_dst=False, by RFC 5545 on its
    # first instance (a known, one-hour difference on those days only)
    moment = draw(st.times(time(3), time(23, 30)).map(lambda t: t.replace(second=0)))
    start = datetime.combine(day, moment.replace(microsecond=0))
    return rec, start


def google_side(lines, start, tz):
    aware = start.replace(tzinfo=ZoneInfo(tz))
    rule = du.rrulestr(lines[0].removeprefix("RRULE:"), dtstart=aware)
    return [utc_naive(m) for m in islice(rule, N)]


def outlook_side(dates, start, tz):
    return [utc_naive(datetime.combine(day, start.time()), tz) for day in dates]


@PROPERTY
@given(odoo_series(), st.sampled_from(ZONES))
def test_every_rule_kind_has_the_same_occurrences_on_every_side(series, tz):
    rec, start = series
    assume(rec["end_type"] != "end_date" or rec["until"] >= start.date())
    odoo = expand(rec, start, tz, limit=N)
    # pytz (Odoo's) knows DST transitions up to 2037 only
    odoo = [m for m in odoo if m.year < 2037]
    lines = to_google_recurrence(rec, utc_naive(start, tz), tz, False)
    google = [m for m in google_side(lines, start, tz) if m.year < 2037]
    assert google == odoo
    pattern = to_graph_recurrence(rec, start.date(), tz)
    ours = graph_expand_dates(pattern, limit=N)
    assert ours == expand_dates(pattern, date(2999, 12, 31))[:N]  # the emulator
    outlook = [m for m in outlook_side(ours, start, tz) if m.year < 2037]
    if graph_meaning_differs(rec, start.date()):
        # Outlook's are Odoo's plus the last days of shorter months, which
        # the sync adds in Odoo (a count cannot be sent: refused on push)
        assume(rec["end_type"] != "count" and odoo)
        last = utc_to_local(odoo[-1], tz).date()
        extra = outlook_side(graph_extra_dates(pattern, last), start, tz)
        upto = graph_expand_dates(pattern, until=last, limit=10 * N)
        assert sorted(set(odoo) | set(extra)) == [
            m for m in outlook_side(upto, start, tz) if m.year < 2037
        ]
        return
    assert outlook == odoo
    back = from_graph_recurrence(pattern)
    assert [m for m in expand(back, start, tz, limit=N) if m.year < 2037] == odoo


@PROPERTY
@given(
    st.sampled_from(["absoluteMonthly", "relativeMonthly", "absoluteYearly"]),
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(1, 3),
    st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["first", "second", "third", "fourth", "last"]),
    st.sets(st.sampled_from(["monday", "tuesday", "friday", "sunday"]), min_size=1),
)
def test_our_outlook_expansion_is_the_emulators(
    kind, day, month, interval, start, index, days
):
    pattern = {
        "type": kind,
        "interval": interval,
        "dayOfMonth": day,
        "month": month,
        "index": index,
        "daysOfWeek": sorted(days),
    }
    recurrence = {
        "pattern": pattern,
        "range": {
            "type": "numbered",
            "numberOfOccurrences": 24,
            "startDate": str(start),
        },
    }
    assert graph_expand_dates(recurrence) == expand_dates(recurrence, date(2199, 1, 1))


def test_monthly_on_the_31st_in_outlook_is_odoos_31sts_plus_the_last_days():
    pattern = {
        "pattern": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
        "range": {
            "type": "numbered",
            "numberOfOccurrences": 12,
            "startDate": "2027-01-31",
        },
    }
    rec = from_graph_recurrence(pattern)
    assert (rec["end_type"], rec["until"]) == ("end_date", date(2027, 12, 31))
    odoo = expand(rec, date(2027, 1, 31), "UTC")
    extra = graph_extra_dates(pattern, rec["until"])
    assert sorted(odoo + extra) == graph_expand_dates(pattern)
    assert extra == [
        date(2027, m, d) for m, d in ((2, 28), (4, 30), (6, 30), (9, 30), (11, 30))
    ]


def test_february_29_yearly_in_outlook_falls_on_february_28():
    pattern = {
        "pattern": {
            "type": "absoluteYearly",
            "interval": 1,
            "dayOfMonth": 29,
            "month": 2,
        },
        "range": {"type": "noEnd", "startDate": "2028-02-29"},
    }
    assert graph_expand_dates(pattern, limit=5) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    assert graph_extra_dates(pattern, date(2032, 3, 1)) == [
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
    ]


def test_a_month_end_pattern_that_never_meets_a_short_month_keeps_its_count():
    pattern = {
        "pattern": {"type": "absoluteMonthly", "interval": 12, "dayOfMonth": 31},
        "range": {
            "type": "numbered",
            "numberOfOccurrences": 3,
            "startDate": "2027-01-31",
        },
    }
    rec = from_graph_recurrence(pattern)
    assert (rec["end_type"], rec["count"]) == ("count", 3)
    assert graph_extra_dates(pattern, date(2040, 1, 1)) == []


# --------------------------------------------------------------------------- #
# Endless
# --------------------------------------------------------------------------- #

DAILY_FOREVER = {"rrule_type": "daily", "interval": 2, "end_type": "forever"}


def test_endless_rule_is_sent_without_end_both_ways():
    start = datetime(2030, 3, 4, 9)
    [line] = to_google_recurrence(DAILY_FOREVER, start, "UTC", False)
    assert line == "RRULE:FREQ=DAILY;INTERVAL=2"
    pattern = to_graph_recurrence(DAILY_FOREVER, start.date(), "UTC")
    assert pattern["range"]["type"] == "noEnd"
    assert from_google_recurrence([line], start, "UTC")[0]["end_type"] == "forever"
    assert from_graph_recurrence(pattern)["end_type"] == "forever"


@pytest.mark.parametrize("tz", ["UTC", "Europe/Brussels", NEW_YORK])
def test_the_horizon_extends_an_endless_expansion_as_dateutil_does(tz):
    start = datetime(2030, 3, 4, 9)
    horizon = date(2036, 12, 31)
    starts = expand(DAILY_FOREVER, start, tz, horizon=horizon)
    assert len(starts) > 720
    aware = start.replace(tzinfo=ZoneInfo(tz))
    rule = du.rrule(du.DAILY, interval=2, dtstart=aware)
    expected = [
        utc_naive(m)
        for m in rule.between(
            aware, datetime(2037, 1, 1, tzinfo=ZoneInfo(tz)), inc=True
        )
    ]
    assert starts == expected
    # a horizon before Odoo's 720 occurrences changes nothing
    assert expand(DAILY_FOREVER, start, tz, horizon=date(2030, 4, 1)) == expand(
        DAILY_FOREVER, start, tz
    )
