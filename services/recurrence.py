"""Recurrence conversion: ``calendar.recurrence`` ⇄ RRULE lines ⇄ Graph patterns
============================================================================

The fields of Odoo's ``calendar.recurrence`` travel as a plain dict ("rec"):
``rrule_type`` (daily/weekly/monthly/yearly), ``interval``, ``end_type``
(count/end_date/forever), ``count``, ``until`` (a ``date``, inclusive),
``mon``..``sun``, ``month_by`` (date/day), ``day``, ``weekday`` (MON..SUN) and
``byday`` ('1'..'4', '-1'). Odoo's yearly rule has no BY part: the month and
day come from the series' first occurrence.

A rec may also carry ``week_start`` ("mon".."sun"; Monday, RFC 5545's default,
when absent): the first day of the week a weekly rule counts its weeks from.
It changes the occurrences of a rule "every n ≥ 2 weeks on days on both sides
of the week boundary" (every 2 weeks on Tuesday and Sunday: Sunday 7 days after
Tuesday with a Monday start, 2 days before it with a Sunday start). Google
reads it from ``WKST`` (default ``MO``), Outlook from ``firstDayOfWeek``
(default sunday). Odoo has no field for it: ``calendar.recurrence._get_rrule``
expands weekly rules with ``wkst`` = the week start of the language of
``env.user`` (``res.lang.week_start``, '1' Monday .. '7' Sunday, en_US '7',
en_GB/fr_FR/de_DE '1', ar_SY '6'; :func:`week_start_from_lang`), read again each
time Odoo (re)computes the occurrences; its stored ``rrule`` text carries it as
``WKST`` (the language of whoever last wrote the rule). Odoo first moves dtstart
back to that week day (``_get_start_of_period``) and drops occurrences dated
before the base event: the same occurrences as dateutil from the first one with
that ``wkst``, except that Odoo finds the week of a timed series from its *UTC*
start, so an "every n ≥ 2 weeks" series whose first occurrence has another date
in UTC than locally (00:30 in Brussels, 23:30 in New York) is shifted by a week
in Odoo. :func:`expand` does not copy that quirk: it follows RFC 5545 from the
local first occurrence, as Google and Outlook do.

Public API:

* :func:`normalize_recurrence`: the canonical rec (fields that do not apply to
  the ``rrule_type`` set to ``False``; ``week_start`` only where it changes the
  series); every ``from_*`` returns this form.
* :func:`week_start_from_lang`: "mon".."sun" from ``res.lang.week_start``.
* :func:`to_google_recurrence` / :func:`from_google_recurrence`: RFC 5545
  ``RRULE``/``EXDATE`` lines as Google's ``recurrence`` field holds them (no
  DTSTART). Rules Odoo cannot express raise
  :class:`~.exceptions.UnsupportedRecurrence`.
* :func:`to_graph_recurrence` / :func:`from_graph_recurrence`: Microsoft
  Graph's ``patternedRecurrence``.
* :func:`graph_meaning_differs`: whether Outlook gives the rule other
  occurrences (day 29-31 monthly, Feb 29 yearly: Outlook falls back to the
  month's last day, RFC 5545 and Odoo skip the month; api-notes §3.4).
* :func:`graph_expand_dates`: the dates Outlook gives a ``patternedRecurrence``
  (its own reading: ``firstDayOfWeek``, the last-day fallback of day 29-31 and
  Feb 29), and :func:`graph_extra_dates`: those of them Odoo's rule skips.
* :func:`expand`: occurrence starts with dateutil, as Odoo computes them
  (local wall-clock time kept across DST, ``is_dst=False`` like Odoo; ``wkst``
  from the week start).

Two rule shapes are rewritten rather than refused, because Odoo can express
them exactly when the series starts in the rule's month: a yearly rule on the
n-th weekday of a month (``FREQ=YEARLY;BYMONTH=3;BYDAY=2TU``, Graph
``relativeYearly``) becomes monthly every ``12 × interval`` months by weekday,
and a yearly rule on another day than the series start's becomes monthly every
``12 × interval`` months by date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from dateutil import rrule as du

from .exceptions import UnsupportedRecurrence
from .neutral_event import get_zone, utc_naive, utc_to_local

MAX_RECURRENT_EVENT = 720
FREQS = ("daily", "weekly", "monthly", "yearly")
END_TYPES = ("count", "end_date", "forever")
WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ODOO_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
GRAPH_DAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
BYDAY_VALUES = ("1", "2", "3", "4", "-1")
GRAPH_INDEX = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
GRAPH_END_TYPES = {"endDate": "end_date", "numbered": "count", "noEnd": "forever"}

_RRULE_KEYS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
#: Every spelling of a week start (the fields' "mon", RFC 5545's "MO", Odoo's
#: weekday "MON", Graph's "monday"; any case) -> dateutil's index, Monday 0.
_WEEK_START_INDEX = {
    name.lower(): index
    for index, names in enumerate(
        zip(WEEKDAY_FIELDS, RRULE_DAYS, ODOO_WEEKDAYS, GRAPH_DAYS, strict=True)
    )
    for name in names
}
_CONTENT_LINE = re.compile(r'^([A-Za-z-]+)((?:;[^:;=]+=(?:"[^"]*"|[^:;]*))*):(.*)$')
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_SHORT_MONTHS = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}


# --------------------------------------------------------------------------- #
# Canonical form and validation
# --------------------------------------------------------------------------- #


def _as_date(value: Any) -> date | bool:
    if not value:
        return False
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _int(value: Any, default: int) -> int:
    return default if value is None or value is False else int(value)


def week_start_from_lang(week_start: str | int) -> str:
    """A rec's ``week_start`` ("mon".."sun") from ``res.lang.week_start``
    ('1' Monday .. '7' Sunday), the day Odoo starts its weeks with."""
    number = int(week_start)
    if not 1 <= number <= 7:
        raise ValueError(f"res.lang week_start is '1'..'7', not {week_start!r}")
    return WEEKDAY_FIELDS[number - 1]


def _week_start_index(value: Any, rule: Any) -> int:
    """dateutil's index (Monday 0) of a week start in any spelling; Monday
    when empty (RFC 5545's default)."""
    if value is None or value is False or value == "":
        return 0
    index = _WEEK_START_INDEX.get(str(value).strip().lower())
    if index is None:
        raise _unsupported(rule, f"unknown week start {value!r}")
    return index


def _canonical_week_start(out: dict[str, Any], index: int) -> str | None:
    """The week start as far as it changes the series, for a series that starts
    on one of the rule's days (as Odoo's, Google's and Outlook's do).

    Only a weekly rule with an interval of 2 or more depends on it, and only on
    which of the rule's days opens a week: the first of them on or after the
    week start. None when that is the day Monday gives (the same series).
    """
    days = _weekday_indexes(out)
    if out["rrule_type"] != "weekly" or out["interval"] < 2 or not days:
        return None
    opening = min(days, key=lambda day: (day - index) % 7)
    return None if opening == days[0] else WEEKDAY_FIELDS[opening]


def normalize_recurrence(rec: dict[str, Any]) -> dict[str, Any]:
    """The canonical rec: every field present, irrelevant ones ``False``.

    ``count`` only for ``end_type == "count"``, ``until`` only for
    ``"end_date"``, weekdays only for weekly rules, ``month_by`` and ``day`` or
    ``weekday``/``byday`` only for monthly ones.

    ``week_start`` (accepted in any spelling: "sun", "SU", "SUN", "sunday") is
    the one key that may be absent: it is kept, as "mon".."sun", only when it
    gives the series other occurrences than a Monday week start, i.e. for a
    weekly rule every 2 or more weeks, on days it groups otherwise than Monday
    does; its value is then the rule's day that opens a week (Saturday and
    Sunday are the same week start for "Tuesday and Sunday": Sunday). Two recs
    are thus equal exactly when their series are, for series that start on one
    of their occurrences. Rules without the key (stored before it existed)
    keep comparing equal. Unknown values raise
    :class:`~.exceptions.UnsupportedRecurrence`.
    """
    rrule_type = rec.get("rrule_type") or False
    end_type = rec.get("end_type") or "forever"
    out: dict[str, Any] = {
        "rrule_type": rrule_type,
        "interval": _int(rec.get("interval"), 1),
        "end_type": end_type,
        "count": _int(rec.get("count"), 1) if end_type == "count" else False,
        "until": _as_date(rec.get("until")) if end_type == "end_date" else False,
        "month_by": False,
        "day": False,
        "weekday": False,
        "byday": False,
    }
    for field in WEEKDAY_FIELDS:
        out[field] = rrule_type == "weekly" and bool(rec.get(field))
    if rrule_type == "monthly":
        out["month_by"] = rec.get("month_by") or "date"
        if out["month_by"] == "date":
            out["day"] = _int(rec.get("day"), 1)
        else:
            out["weekday"] = rec.get("weekday") or False
            out["byday"] = str(rec["byday"]) if rec.get("byday") else False
    week_start = _week_start_index(rec.get("week_start"), rec)
    week_start_name = _canonical_week_start(out, week_start)
    if week_start_name:
        out["week_start"] = week_start_name
    return out


def _unsupported(rule: Any, reason: str) -> UnsupportedRecurrence:
    text = rule if isinstance(rule, str) else json.dumps(rule, default=str)
    return UnsupportedRecurrence(f"{reason}: {text}", rule=text, reason=reason)


def _check_end(rec: dict[str, Any]) -> str | None:
    if rec["end_type"] not in END_TYPES:
        return f"unknown end type {rec['end_type']!r}"
    if rec["end_type"] == "count" and rec["count"] < 1:
        return "the number of repetitions must be positive"
    if rec["end_type"] == "end_date" and not rec["until"]:
        return "an end date is required"
    return None


def _check_month(rec: dict[str, Any]) -> str | None:
    if rec["month_by"] == "date" and not 1 <= rec["day"] <= 31:
        return "the day of the month must be between 1 and 31"
    if rec["month_by"] == "day" and (
        rec["weekday"] not in ODOO_WEEKDAYS or rec["byday"] not in BYDAY_VALUES
    ):
        return "a monthly rule by day needs a weekday and a position"
    if rec["month_by"] not in ("date", "day"):
        return f"unknown month_by {rec['month_by']!r}"
    return None


def _checked(rec: dict[str, Any], start: date | None) -> dict[str, Any]:
    """The canonical rec, validated; a weekly rule without days takes the
    weekday of ``start`` (a local date)."""
    out = normalize_recurrence(rec)
    if out["rrule_type"] not in FREQS:
        raise _unsupported(rec, f"unknown recurrence type {out['rrule_type']!r}")
    problem = "the interval must be positive" if out["interval"] < 1 else None
    problem = problem or _check_end(out)
    if out["rrule_type"] == "monthly":
        problem = problem or _check_month(out)
    if problem:
        raise _unsupported(rec, problem)
    if out["rrule_type"] == "weekly" and not any(out[f] for f in WEEKDAY_FIELDS):
        if start is None:
            raise _unsupported(rec, "a weekly rule needs at least one weekday")
        out[WEEKDAY_FIELDS[start.weekday()]] = True
    return out


def _week_start(rec: dict[str, Any], week_start: str | None) -> int:
    """The week start a conversion uses (dateutil's index): the ``week_start``
    argument when given, else the rec's own (Monday when it has none). Taken
    from the rec as given, not its canonical form, so that a series starting on
    another day than the rule's expands with it too."""
    value = rec.get("week_start") if week_start is None else week_start
    return _week_start_index(value, rec)


def _local_date(start: date | datetime | None, tz: str) -> date | None:
    """The local date of a naive UTC datetime (dates pass through)."""
    if start is None or not isinstance(start, datetime):
        return start
    if start.tzinfo is not None:
        return start.astimezone(get_zone(tz)).date()
    return utc_to_local(start, tz).date()


def _weekday_indexes(rec: dict[str, Any]) -> list[int]:
    return [i for i, field in enumerate(WEEKDAY_FIELDS) if rec[field]]


# --------------------------------------------------------------------------- #
# Odoo -> Google (RFC 5545 lines)
# --------------------------------------------------------------------------- #


def _google_by_parts(rec: dict[str, Any], week_start: int) -> list[str]:
    if rec["rrule_type"] == "weekly":
        days = ",".join(RRULE_DAYS[i] for i in _weekday_indexes(rec))
        # WKST only counts every 2+ weeks (RFC 5545); MO is its default
        significant = rec["interval"] > 1 and week_start != 0
        wkst = [f"WKST={RRULE_DAYS[week_start]}"] if significant else []
        return [f"BYDAY={days}", *wkst]
    if rec["rrule_type"] == "monthly" and rec["month_by"] == "date":
        return [f"BYMONTHDAY={rec['day']}"]
    if rec["rrule_type"] == "monthly":
        day = RRULE_DAYS[ODOO_WEEKDAYS.index(rec["weekday"])]
        return [f"BYDAY={rec['byday']}{day}"]
    return []


def _google_end_parts(rec: dict[str, Any], tz: str, allday: bool) -> list[str]:
    if rec["end_type"] == "count":
        return [f"COUNT={rec['count']}"]
    if rec["end_type"] == "forever":
        return []
    if allday:
        return [f"UNTIL={rec['until']:%Y%m%d}"]
    # Odoo's until is inclusive: the series may run to the end of that day in
    # the series' zone; Google wants UNTIL in UTC for a zoned DTSTART.
    end_of_day = utc_naive(datetime.combine(rec["until"], time(23, 59, 59)), tz)
    return [f"UNTIL={end_of_day:%Y%m%dT%H%M%S}Z"]


def _exdate_line(value: date | datetime, tz: str, allday: bool) -> str:
    if allday or not isinstance(value, datetime):
        day = value.date() if isinstance(value, datetime) else value
        return f"EXDATE;VALUE=DATE:{day:%Y%m%d}"
    return f"EXDATE;TZID={tz}:{utc_to_local(value, tz):%Y%m%dT%H%M%S}"


def to_google_recurrence(
    rec: dict[str, Any],
    dtstart: date | datetime,
    tz: str,
    allday: bool,
    exdates: Iterable[date | datetime] = (),
    week_start: str | None = None,
) -> list[str]:
    """Google's ``recurrence`` lines for an Odoo recurrence.

    :param rec: the ``calendar.recurrence`` fields.
    :param dtstart: the first occurrence's start: naive UTC datetime, or a date
        for an all-day series.
    :param tz: the series' IANA zone (``event_tz``).
    :param allday: whether the series is all-day (``UNTIL`` is then a date).
    :param exdates: removed occurrences (naive UTC datetimes, or dates),
        emitted in ``tz`` one ``EXDATE`` line each.
    :param week_start: overrides the rec's ``week_start`` ("mon".."sun", or
        ``MO``..``SU``). ``WKST`` is written for a weekly rule every 2 or more
        weeks whose week start is not Monday (RFC 5545's and Google's default),
        so Google expands the series as :func:`expand` does.
    :return: ``["RRULE:FREQ=…", "EXDATE;TZID=…:…", …]``
    :raises UnsupportedRecurrence: on an invalid rec.
    """
    week_start_index = _week_start(rec, week_start)
    rec = _checked(rec, _local_date(dtstart, tz))
    parts = [f"FREQ={rec['rrule_type'].upper()}", f"INTERVAL={rec['interval']}"]
    parts += _google_by_parts(rec, week_start_index)
    parts += _google_end_parts(rec, tz, allday)
    lines = ["RRULE:" + ";".join(parts)]
    unique = {_exdate_line(value, tz, allday) for value in exdates}
    return lines + sorted(unique)


# --------------------------------------------------------------------------- #
# Google (RFC 5545 lines) -> Odoo
# --------------------------------------------------------------------------- #


def _split_line(line: str) -> tuple[str, dict[str, str], str]:
    match = _CONTENT_LINE.match(line.strip())
    if not match:
        raise _unsupported(line, "not an iCalendar content line")
    params = {}
    for param in filter(None, match.group(2).split(";")):
        key, _sep, value = param.partition("=")
        params[key.upper()] = value.strip('"')
    return match.group(1).upper(), params, match.group(3)


def _rrule_parts(line: str, value: str) -> dict[str, str]:
    value = re.sub(r";?X-[-\w]+=[^;]*", "", value).strip(";")
    parts: dict[str, str] = {}
    for item in filter(None, value.split(";")):
        key, sep, part = item.partition("=")
        key = key.strip().upper()
        if not sep or key in parts:
            raise _unsupported(line, f"malformed or repeated part {item!r}")
        parts[key] = part.strip().upper()
    unknown = sorted(set(parts) - _RRULE_KEYS)
    if unknown:
        raise _unsupported(line, f"{', '.join(unknown)} cannot be expressed in Odoo")
    return parts


def _ints(line: str, value: str | None) -> list[int]:
    try:
        return [int(v) for v in value.split(",")] if value else []
    except ValueError:
        raise _unsupported(line, f"not a number list: {value!r}") from None


def _byday(line: str, value: str | None) -> list[tuple[int | None, str]]:
    items = []
    for item in value.split(",") if value else []:
        match = _BYDAY_ITEM.match(item.strip())
        if not match:
            raise _unsupported(line, f"malformed BYDAY item {item!r}")
        ordinal = int(match.group(1)) if match.group(1) else None
        items.append((ordinal, match.group(2)))
    return items


def _forbid(line: str, parts: dict[str, str], keys: Iterable[str], freq: str):
    present = [key for key in keys if key in parts]
    if present:
        raise _unsupported(line, f"{'/'.join(present)} in a {freq} rule")


def _plain_days(line: str, days: list[tuple[int | None, str]]) -> dict[str, bool]:
    if any(ordinal is not None for ordinal, _day in days):
        raise _unsupported(line, "BYDAY with a position in a weekly rule")
    return {WEEKDAY_FIELDS[RRULE_DAYS.index(day)]: True for _o, day in days}


def _daily(line, parts, start, interval) -> dict[str, Any]:
    _forbid(line, parts, ("BYMONTHDAY", "BYMONTH", "BYSETPOS"), "daily")
    days = _byday(line, parts.get("BYDAY"))
    if not days:
        return {}
    if interval != 1:
        raise _unsupported(line, "BYDAY in a daily rule with an interval")
    # every day, but only on these weekdays == weekly on these weekdays
    return {"rrule_type": "weekly", **_plain_days(line, days)}


def _weekly(line, parts, start, interval) -> dict[str, Any]:
    _forbid(line, parts, ("BYMONTHDAY", "BYMONTH", "BYSETPOS"), "weekly")
    days = _byday(line, parts.get("BYDAY"))
    if days:
        return _plain_days(line, days)
    if start is None:
        raise _unsupported(line, "a weekly rule without BYDAY needs the start")
    return {WEEKDAY_FIELDS[start.weekday()]: True}


def _nth_weekday(line, days, setpos) -> dict[str, Any]:
    if len(days) != 1:
        raise _unsupported(line, "several weekdays in a monthly rule")
    ordinal, day = days[0]
    if setpos:
        if ordinal is not None or len(setpos) != 1:
            raise _unsupported(line, "BYSETPOS combination Odoo cannot express")
        ordinal = setpos[0]
    if str(ordinal) not in BYDAY_VALUES:
        raise _unsupported(line, "Odoo only knows the 1st-4th and last weekday")
    weekday = ODOO_WEEKDAYS[RRULE_DAYS.index(day)]
    return {"month_by": "day", "weekday": weekday, "byday": str(ordinal)}


def _month_pattern(line, parts, start) -> dict[str, Any]:
    monthdays = _ints(line, parts.get("BYMONTHDAY"))
    days = _byday(line, parts.get("BYDAY"))
    setpos = _ints(line, parts.get("BYSETPOS"))
    if monthdays and (days or setpos):
        raise _unsupported(line, "BYMONTHDAY together with BYDAY/BYSETPOS")
    if monthdays:
        if len(monthdays) != 1 or not 1 <= monthdays[0] <= 31:
            raise _unsupported(line, "Odoo repeats on one day (1-31) of the month")
        return {"month_by": "date", "day": monthdays[0]}
    if days:
        return _nth_weekday(line, days, setpos)
    if setpos or start is None:
        raise _unsupported(line, "a monthly rule needs a day (or the start)")
    return {"month_by": "date", "day": start.day}


def _monthly(line, parts, start, interval) -> dict[str, Any]:
    _forbid(line, parts, ("BYMONTH",), "monthly")
    return _month_pattern(line, parts, start)


def _yearly(line, parts, start, interval) -> dict[str, Any]:
    months = _ints(line, parts.get("BYMONTH"))
    if not months:
        _forbid(line, parts, ("BYMONTHDAY", "BYDAY", "BYSETPOS"), "yearly")
        return {}
    if len(months) != 1 or (start is not None and months[0] != start.month):
        raise _unsupported(line, "BYMONTH other than the yearly rule's own month")
    every_12 = {"rrule_type": "monthly", "interval": 12 * interval}
    if "BYDAY" in parts or "BYSETPOS" in parts:
        # n-th weekday of the month, once a year == monthly every 12 months
        return {**every_12, **_month_pattern(line, parts, start)}
    if "BYMONTHDAY" not in parts:
        return {}
    pattern = _month_pattern(line, parts, start)
    if start is None or pattern["day"] == start.day:
        return {}
    # once a year on another day than the start's == monthly every 12 months
    return {**every_12, **pattern}


def _until_date(line: str, value: str, start, tz: str) -> date:
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").date()
        moment = datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        raise _unsupported(line, f"malformed UNTIL {value!r}") from None
    if value.endswith("Z"):
        moment = utc_to_local(moment, tz).replace(tzinfo=None)
    if isinstance(start, datetime) and moment.time() < start.time():
        # the occurrence of the UNTIL day starts after UNTIL: not included
        return moment.date() - timedelta(days=1)
    return moment.date()


def _end_from_rrule(line, parts, start, tz) -> dict[str, Any]:
    if "COUNT" in parts and "UNTIL" in parts:
        raise _unsupported(line, "COUNT and UNTIL together")
    if "COUNT" in parts:
        count = _ints(line, parts["COUNT"])
        if len(count) != 1 or count[0] < 1:
            raise _unsupported(line, "COUNT must be one positive number")
        return {"end_type": "count", "count": count[0]}
    if "UNTIL" in parts:
        return {
            "end_type": "end_date",
            "until": _until_date(line, parts["UNTIL"], start, tz),
        }
    return {"end_type": "forever"}


_FREQ_READERS = {
    "DAILY": _daily,
    "WEEKLY": _weekly,
    "MONTHLY": _monthly,
    "YEARLY": _yearly,
}


def _rec_from_rrule(line: str, value: str, start, tz: str) -> dict[str, Any]:
    parts = _rrule_parts(line, value)
    reader = _FREQ_READERS.get(parts.get("FREQ", ""))
    if reader is None:
        raise _unsupported(
            line, f"FREQ={parts.get('FREQ')} cannot be expressed in Odoo"
        )
    interval = _ints(line, parts.get("INTERVAL", "1"))
    if len(interval) != 1 or interval[0] < 1:
        raise _unsupported(line, "INTERVAL must be one positive number")
    local_start = start.replace(tzinfo=None) if isinstance(start, datetime) else start
    if isinstance(start, datetime) and start.tzinfo is not None:
        local_start = start.astimezone(get_zone(tz)).replace(tzinfo=None)
    rec = {"rrule_type": parts["FREQ"].lower(), "interval": interval[0]}
    if "WKST" in parts:
        if parts["WKST"] not in RRULE_DAYS:
            raise _unsupported(line, f"malformed WKST {parts['WKST']!r}")
        rec["week_start"] = WEEKDAY_FIELDS[RRULE_DAYS.index(parts["WKST"])]
    rec.update(_end_from_rrule(line, parts, local_start, tz))
    rec.update(reader(line, parts, local_start, interval[0]))
    return normalize_recurrence(rec)


def _exdates(line: str, params: dict[str, str], value: str, tz: str) -> list:
    out: list[date | datetime] = []
    for item in filter(None, (v.strip() for v in value.split(","))):
        try:
            if params.get("VALUE") == "DATE" or len(item) == 8:
                out.append(datetime.strptime(item, "%Y%m%d").date())
                continue
            moment = datetime.strptime(item[:15], "%Y%m%dT%H%M%S")
        except ValueError:
            raise _unsupported(line, f"malformed EXDATE {item!r}") from None
        zone = params.get("TZID", tz).lstrip("/")
        out.append(moment if item.endswith("Z") else utc_naive(moment, zone))
    return out


def from_google_recurrence(
    lines: Iterable[str],
    dtstart_local: date | datetime | None = None,
    tz: str = "UTC",
) -> tuple[dict[str, Any], list[date | datetime]]:
    """An Odoo recurrence and its removed occurrences from Google's lines.

    :param lines: the event's ``recurrence`` (RRULE and EXDATE lines).
    :param dtstart_local: the first occurrence's start in the series' zone
        (naive local or aware datetime; a date for all-day series). It fills
        rules that rely on DTSTART (weekly without BYDAY, monthly without a day)
        and decides how a timed ``UNTIL`` maps to Odoo's inclusive date.
    :param tz: the series' IANA zone (``start.timeZone``); used for UTC
        ``UNTIL`` values and EXDATEs without ``TZID``.
    :return: ``(rec, exdates)``; rec in :func:`normalize_recurrence` form
        (``WKST`` read as its ``week_start``; absent means ``MO``), exdates as
        naive UTC datetimes (timed) or dates (``VALUE=DATE``).
    :raises UnsupportedRecurrence: for rules Odoo cannot express (RDATE,
        EXRULE, BYHOUR…, sub-daily FREQ, several BYMONTHDAY, other BYSETPOS
        uses, BYMONTH not the series' own month).
    """
    lines = list(lines or ())
    rec: dict[str, Any] | None = None
    exdates: list[date | datetime] = []
    for line in lines:
        name, params, value = _split_line(line)
        if name == "RRULE" and rec is not None:
            raise _unsupported(line, "several RRULE lines")
        if name == "RRULE":
            rec = _rec_from_rrule(line, value, dtstart_local, tz)
        elif name == "EXDATE":
            exdates += _exdates(line, params, value, tz)
        elif name != "DTSTART":
            raise _unsupported(line, f"{name} cannot be expressed in Odoo")
    if rec is None:
        raise _unsupported("\n".join(lines), "no RRULE")
    return rec, sorted(set(exdates))


# --------------------------------------------------------------------------- #
# Odoo <-> Microsoft Graph (patternedRecurrence)
# --------------------------------------------------------------------------- #


def _graph_pattern(rec: dict[str, Any], start: date, week_start: int) -> dict:
    kind = rec["rrule_type"]
    if kind == "weekly":
        return {
            "type": "weekly",
            "daysOfWeek": [GRAPH_DAYS[i] for i in _weekday_indexes(rec)],
            "firstDayOfWeek": GRAPH_DAYS[week_start],
        }
    if kind == "monthly" and rec["month_by"] == "date":
        return {"type": "absoluteMonthly", "dayOfMonth": rec["day"]}
    if kind == "monthly":
        return {
            "type": "relativeMonthly",
            "daysOfWeek": [GRAPH_DAYS[ODOO_WEEKDAYS.index(rec["weekday"])]],
            "index": GRAPH_INDEX[rec["byday"]],
        }
    if kind == "yearly":
        return {"type": "absoluteYearly", "dayOfMonth": start.day, "month": start.month}
    return {"type": "daily"}


def _graph_range(rec: dict[str, Any], start: date, tz_name: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "startDate": start.isoformat(),
        "recurrenceTimeZone": tz_name,
    }
    if rec["end_type"] == "count":
        return {"type": "numbered", "numberOfOccurrences": rec["count"], **out}
    if rec["end_type"] == "end_date":
        return {"type": "endDate", "endDate": rec["until"].isoformat(), **out}
    return {"type": "noEnd", **out}


def to_graph_recurrence(
    rec: dict[str, Any],
    start_local_date: date,
    tz_name: str,
    week_start: str | None = None,
) -> dict[str, Any]:
    """Graph's ``patternedRecurrence`` for an Odoo recurrence.

    :param rec: the ``calendar.recurrence`` fields.
    :param start_local_date: the first occurrence's date in ``tz_name``
        (Graph's ``range.startDate``; also the month/day of a yearly rule).
    :param tz_name: the series' IANA zone (``range.recurrenceTimeZone``).
    :param week_start: overrides the rec's ``week_start`` ("mon".."sun", or
        ``MO``..``SU``); sent as ``firstDayOfWeek`` of weekly patterns (monday
        when the rec has none, as Google's and RFC 5545's default).
    :raises UnsupportedRecurrence: on an invalid rec.

    Check :func:`graph_meaning_differs` before pushing: Outlook may read the
    same pattern with other occurrences.
    """
    week_start_index = _week_start(rec, week_start)
    rec = _checked(rec, start_local_date)
    pattern = {"interval": rec["interval"]}
    pattern.update(_graph_pattern(rec, start_local_date, week_start_index))
    return {"pattern": pattern, "range": _graph_range(rec, start_local_date, tz_name)}


def _graph_days(rule: dict, pattern: dict) -> list[str]:
    days = [str(d).lower() for d in pattern.get("daysOfWeek") or ()]
    if not days or any(d not in GRAPH_DAYS for d in days):
        raise _unsupported(rule, "the pattern needs valid daysOfWeek")
    return [RRULE_DAYS[GRAPH_DAYS.index(d)] for d in days]


def _graph_relative(rule: dict, pattern: dict) -> dict[str, Any]:
    days = _graph_days(rule, pattern)
    index = {v: k for k, v in GRAPH_INDEX.items()}.get(pattern.get("index") or "first")
    if len(days) != 1 or index is None:
        raise _unsupported(rule, "Odoo repeats on one weekday at one position")
    weekday = ODOO_WEEKDAYS[RRULE_DAYS.index(days[0])]
    return {"month_by": "day", "weekday": weekday, "byday": index}


def _graph_day_of_month(rule: dict, pattern: dict) -> dict[str, Any]:
    day = _int(pattern.get("dayOfMonth"), 0)
    if not 1 <= day <= 31:
        raise _unsupported(rule, "dayOfMonth must be between 1 and 31")
    return {"month_by": "date", "day": day}


def _graph_pattern_rec(rule: dict, pattern: dict, start: date | None) -> dict:
    kind, interval = pattern.get("type"), _int(pattern.get("interval"), 1)
    if kind == "daily":
        return {"rrule_type": "daily"}
    if kind == "weekly":
        days = _graph_days(rule, pattern)
        # Outlook's default first day of the week is sunday
        first = str(pattern.get("firstDayOfWeek") or "sunday").lower()
        if first not in GRAPH_DAYS:
            raise _unsupported(rule, f"unknown firstDayOfWeek {first!r}")
        return {
            "rrule_type": "weekly",
            "week_start": WEEKDAY_FIELDS[GRAPH_DAYS.index(first)],
            **_plain_days(str(rule), [(None, d) for d in days]),
        }
    if kind == "absoluteMonthly":
        return {"rrule_type": "monthly", **_graph_day_of_month(rule, pattern)}
    if kind == "relativeMonthly":
        return {"rrule_type": "monthly", **_graph_relative(rule, pattern)}
    every_12 = {"rrule_type": "monthly", "interval": 12 * interval}
    if kind == "relativeYearly":
        # n-th weekday of one month a year == monthly every 12 months
        return {**every_12, **_graph_relative(rule, pattern)}
    if kind == "absoluteYearly":
        by_date = _graph_day_of_month(rule, pattern)
        if start and (start.month, start.day) == (pattern.get("month"), by_date["day"]):
            return {"rrule_type": "yearly"}
        return {**every_12, **by_date}
    raise _unsupported(rule, f"unknown pattern type {kind!r}")


def _graph_end(rule: dict, rng: dict) -> dict[str, Any]:
    end_type = GRAPH_END_TYPES.get(rng.get("type"))
    if end_type == "count" and _int(rng.get("numberOfOccurrences"), 0) >= 1:
        return {"end_type": "count", "count": int(rng["numberOfOccurrences"])}
    if end_type == "end_date" and str(rng.get("endDate") or "") > "0001-01-01":
        return {"end_type": "end_date", "until": date.fromisoformat(rng["endDate"])}
    if end_type == "forever":
        return {"end_type": "forever"}
    raise _unsupported(rule, "the range must be endDate, numbered or noEnd")


def from_graph_recurrence(recurrence: dict[str, Any]) -> dict[str, Any]:
    """An Odoo recurrence from Graph's ``patternedRecurrence``.

    Tolerates the neutral values Graph fills unused keys with
    (``"dayOfMonth": 0``, ``"index": "first"``, ``"endDate": "0001-01-01"``).
    ``relativeYearly`` becomes monthly every ``12 × interval`` months by
    weekday; an ``absoluteYearly`` pattern whose day is not ``range.startDate``
    becomes monthly every ``12 × interval`` months by date. A weekly pattern's
    ``firstDayOfWeek`` (Outlook's default: sunday) is read as ``week_start``.
    A numbered pattern Outlook moves to the last day of shorter months (day
    29-31, February 29) ends on its last occurrence's date instead (Odoo's
    rule skips those months, so would otherwise run longer); the fallback
    days themselves are :func:`graph_extra_dates`.

    :param recurrence: ``{"pattern": {…}, "range": {…}}``.
    :return: the rec in :func:`normalize_recurrence` form.
    :raises UnsupportedRecurrence: for patterns Odoo cannot express (several
        weekdays at a position, e.g. "first weekday of the month").
    """
    pattern = recurrence.get("pattern") or {}
    rng = recurrence.get("range") or {}
    start_text = rng.get("startDate")
    start = date.fromisoformat(start_text) if start_text else None
    interval = _int(pattern.get("interval"), 1)
    if interval < 1:
        raise _unsupported(recurrence, "the interval must be positive")
    rec: dict[str, Any] = {"interval": interval}
    rec.update(_graph_pattern_rec(recurrence, pattern, start))
    rec.update(_graph_end(recurrence, rng))
    return _graph_fallback_end(recurrence, normalize_recurrence(rec))


def _graph_falls_back(pattern: dict[str, Any]) -> bool:
    """Whether Outlook may put this pattern's occurrences on a month's last
    day instead of its ``dayOfMonth`` (day 29-31, or February 29)."""
    kind = pattern.get("type")
    day = _int(pattern.get("dayOfMonth"), 0)
    if kind == "absoluteMonthly":
        return day >= 29
    if kind == "absoluteYearly":
        month = _int(pattern.get("month"), 0)
        return day > _SHORT_MONTHS.get(month, 31)
    return False


def _graph_fallback_end(recurrence: dict[str, Any], rec: dict[str, Any]) -> dict:
    """A numbered range of a pattern Outlook moves to the last day of shorter
    months counts Outlook's occurrences: Odoo's rule skipping those months
    would run longer. Its end in Odoo is Outlook's last occurrence's date."""
    if rec["end_type"] != "count" or not _graph_falls_back(recurrence["pattern"]):
        return rec
    dates = graph_expand_dates(recurrence, limit=rec["count"])
    wanted = _int(recurrence["pattern"].get("dayOfMonth"), 0)
    if all(day.day == wanted for day in dates):
        return rec  # never reaches a month lacking the day
    return normalize_recurrence({**rec, "end_type": "end_date", "until": dates[-1]})


def _graph_month_day(pattern: dict, year: int, month: int) -> date | None:
    """A monthly or yearly pattern's day in one month, Outlook's way."""
    length = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    if pattern["type"] in ("absoluteMonthly", "absoluteYearly"):
        # Outlook: a day the month lacks means its last day
        return date(year, month, min(_int(pattern.get("dayOfMonth"), 1), length))
    wanted = {GRAPH_DAYS.index(str(d).lower()) for d in pattern.get("daysOfWeek")}
    days = [
        date(year, month, d)
        for d in range(1, length + 1)
        if date(year, month, d).weekday() in wanted
    ]
    index = str(pattern.get("index") or "first")
    if index == "last":
        return days[-1] if days else None
    position = ("first", "second", "third", "fourth").index(index)
    return days[position] if len(days) > position else None


def _graph_candidates(pattern: dict, start: date):
    """Every date the pattern gives from ``start``'s period on, in order
    (some before ``start``, which the caller drops)."""
    kind, interval = pattern["type"], _int(pattern.get("interval"), 1)
    if kind == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=interval)
    if kind == "weekly":
        # weeks start on firstDayOfWeek (sunday by default): the week holding
        # startDate is the first one
        first = GRAPH_DAYS.index(str(pattern.get("firstDayOfWeek") or "sunday"))
        offsets = sorted(
            (GRAPH_DAYS.index(str(d).lower()) - first) % 7
            for d in pattern["daysOfWeek"]
        )
        week = start - timedelta(days=(start.weekday() - first) % 7)
        while True:
            for offset in offsets:
                yield week + timedelta(days=offset)
            week += timedelta(weeks=interval)
    step = interval if kind.endswith("Monthly") else 12 * interval
    year, month = start.year, start.month
    if kind.endswith("Yearly"):
        month = _int(pattern.get("month"), start.month)
        year += month < start.month
    while year <= 9999:
        day = _graph_month_day(pattern, year, month)
        if day is not None:
            yield day
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def graph_expand_dates(
    recurrence: dict[str, Any],
    until: date | None = None,
    limit: int = MAX_RECURRENT_EVENT,
) -> list[date]:
    """The local dates of a ``patternedRecurrence``'s occurrences as Outlook
    gives them: weeks from ``firstDayOfWeek`` (sunday by default), day 29-31
    (February 29 yearly) on the last day of the months lacking it,
    ``relativeMonthly`` with several ``daysOfWeek`` on the n-th of any of
    them; from ``range.startDate``, up to its end, ``until`` (inclusive) and
    ``limit`` occurrences, whichever comes first.
    """
    pattern, rng = recurrence["pattern"], recurrence["range"]
    start = date.fromisoformat(str(rng["startDate"])[:10])
    last = until or date.max
    if rng.get("type") == "endDate":
        last = min(last, date.fromisoformat(str(rng["endDate"])[:10]))
    if rng.get("type") == "numbered":
        limit = min(limit, _int(rng.get("numberOfOccurrences"), 0))
    out: list[date] = []
    for day in _graph_candidates(pattern, start):
        if day > last or len(out) >= limit:
            break
        if day >= start:
            out.append(day)
    return out


def graph_extra_dates(recurrence: dict[str, Any], until: date) -> list[date]:
    """The dates Outlook gives the pattern where Odoo's rule (RFC 5545's
    reading) has none: the last day of the months lacking day 29-31 (or
    February 29), up to ``until`` (inclusive). Empty for other patterns.
    """
    pattern = recurrence.get("pattern") or {}
    if not _graph_falls_back(pattern):
        return []
    wanted = _int(pattern.get("dayOfMonth"), 0)
    return [
        day
        for day in graph_expand_dates(recurrence, until, limit=10 * MAX_RECURRENT_EVENT)
        if day.day != wanted
    ]


def _visited_months(start: date, interval: int) -> set[int]:
    return {(start.month - 1 + k * interval) % 12 + 1 for k in range(12)}


def graph_meaning_differs(rec: dict[str, Any], start_date: date) -> bool:
    """Whether Outlook would give this rule other occurrences than Odoo.

    True for a monthly rule on day 29-31 that visits a month lacking that day,
    and for a yearly rule starting on Feb 29: Outlook then uses the month's last
    day where RFC 5545, Google and Odoo skip the month (api-notes §3.4). The
    check does not look at where a finite series ends, so it may warn for a
    short series that never reaches such a month.

    :param rec: the ``calendar.recurrence`` fields.
    :param start_date: the first occurrence's local date.
    """
    rec = normalize_recurrence(rec)
    if rec["rrule_type"] == "yearly":
        return (start_date.month, start_date.day) == (2, 29)
    if rec["rrule_type"] != "monthly" or rec["month_by"] != "date" or rec["day"] < 29:
        return False
    months = _visited_months(start_date, max(rec["interval"], 1))
    return any(_SHORT_MONTHS.get(month, 31) < rec["day"] for month in months)


# --------------------------------------------------------------------------- #
# Expansion
# --------------------------------------------------------------------------- #


def _dateutil_params(rec: dict[str, Any], week_start: int, limit: int) -> dict:
    params: dict[str, Any] = {"interval": rec["interval"]}
    if rec["rrule_type"] == "weekly":
        params["byweekday"] = [du.weekday(i) for i in _weekday_indexes(rec)]
        params["wkst"] = week_start
    elif rec["rrule_type"] == "monthly" and rec["month_by"] == "date":
        params["bymonthday"] = rec["day"]
    elif rec["rrule_type"] == "monthly":
        weekday = du.weekday(ODOO_WEEKDAYS.index(rec["weekday"]))
        params["byweekday"] = weekday(int(rec["byday"]))
    if rec["end_type"] == "count":
        params["count"] = min(rec["count"], limit)
    elif rec["end_type"] == "end_date":
        params["until"] = datetime.combine(rec["until"], time.max)
    return params


def expand(
    rec: dict[str, Any],
    dtstart_local: date | datetime,
    tz: str,
    limit: int = MAX_RECURRENT_EVENT,
    week_start: str | None = None,
    horizon: date | None = None,
) -> list[date | datetime]:
    """The occurrence starts of a recurrence, as Odoo computes them.

    :param rec: the ``calendar.recurrence`` fields.
    :param dtstart_local: the first start in ``tz`` (naive local or aware
        datetime), or a date for an all-day series.
    :param tz: the series' IANA zone; the local wall-clock time is kept across
        DST changes.
    :param limit: at most this many occurrences (Odoo stops at 720).
    :param week_start: overrides the rec's ``week_start`` ("mon".."sun", or
        ``MO``..``SU``); dateutil's ``wkst``, Monday when the rec has none.
        Odoo uses its user's language's week start (see the module's notes).
    :param horizon: for an endless rule, the occurrences go on (beyond
        ``limit``) up to this local date, inclusive: an endless series' Odoo
        occurrences once the sync moved its horizon forward.
    :return: naive UTC datetimes, or dates for an all-day series.
    """
    week_start_index = _week_start(rec, week_start)
    allday = not isinstance(dtstart_local, datetime)
    if allday:
        local = datetime.combine(dtstart_local, time())
    elif dtstart_local.tzinfo is not None:
        local = dtstart_local.astimezone(get_zone(tz)).replace(tzinfo=None)
    else:
        local = dtstart_local
    rec = _checked(rec, local.date())
    freq = getattr(du, rec["rrule_type"].upper())
    params = _dateutil_params(rec, week_start_index, limit)
    rule = du.rrule(freq, dtstart=local, **params)
    starts = list(islice(rule, limit))
    if horizon and rec["end_type"] == "forever" and starts:
        end = datetime.combine(horizon, time.max)
        if starts[-1] < end:
            starts = list(rule.replace(until=end))
    if allday:
        return [start.date() for start in starts]
    return [utc_naive(start, tz) for start in starts]
