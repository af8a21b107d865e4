"""Recurrence rules: the canonical form of ``calendar.recurrence`` and its expansion
===================================================================================

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

This module holds the rec's canonical form, its validation and its expansion;
the conversions to and from the providers' forms are beside it:
:mod:`.google_recurrence` (RFC 5545 ``RRULE``/``EXDATE`` lines, Google's
``recurrence`` field) and :mod:`.graph_recurrence` (Microsoft Graph's
``patternedRecurrence`` and Outlook's own reading of it). Both return the rec
in this module's canonical form.

Public API:

* :func:`normalize_recurrence`: the canonical rec (fields that do not apply to
  the ``rrule_type`` set to ``False``; ``week_start`` only where it changes the
  series); every ``from_*`` returns this form.
* :func:`week_start_from_lang`: "mon".."sun" from ``res.lang.week_start``.
* :func:`expand`: occurrence starts with dateutil, as Odoo computes them
  (local wall-clock time kept across DST, ``is_dst=False`` like Odoo; ``wkst``
  from the week start).
* :func:`pair_moved_occurrences`: the slots that occurrences moved alone came
  from, where nothing recorded them (the rule's slots no other occurrence
  holds).
* the field values (``FREQS``, ``END_TYPES``, ``WEEKDAY_FIELDS``,
  ``ODOO_WEEKDAYS``, ``BYDAY_VALUES``) and each weekday's RFC 5545 and Graph
  name (``RRULE_DAYS``, ``GRAPH_DAYS``, same order).

Rules Odoo cannot express raise :class:`~.exceptions.UnsupportedRecurrence`.

Two rule shapes are rewritten rather than refused, because Odoo can express
them exactly when the series starts in the rule's month: a yearly rule on the
n-th weekday of a month (``FREQ=YEARLY;BYMONTH=3;BYDAY=2TU``, Graph
``relativeYearly``) becomes monthly every ``12 × interval`` months by weekday,
and a yearly rule on another day than the series start's becomes monthly every
``12 × interval`` months by date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time
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

#: Every spelling of a week start (the fields' "mon", RFC 5545's "MO", Odoo's
#: weekday "MON", Graph's "monday"; any case) -> dateutil's index, Monday 0.
_WEEK_START_INDEX = {
    name.lower(): index
    for index, names in enumerate(
        zip(WEEKDAY_FIELDS, RRULE_DAYS, ODOO_WEEKDAYS, GRAPH_DAYS, strict=True)
    )
    for name in names
}


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


def _plain_days(line: str, days: list[tuple[int | None, str]]) -> dict[str, bool]:
    if any(ordinal is not None for ordinal, _day in days):
        raise _unsupported(line, "BYDAY with a position in a weekly rule")
    return {WEEKDAY_FIELDS[RRULE_DAYS.index(day)]: True for _o, day in days}


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


def pair_moved_occurrences(
    slots: Iterable[date | datetime],
    taken: Iterable[date | datetime],
    moved: list,
    strict: bool = False,
) -> dict:
    """The original slot of each moved occurrence of a series where nothing
    recorded it (Outlook's ids do not tell it; a series pushed by a write
    whose answer was lost): the slots of the rule that no other occurrence
    holds, given to the moved occurrences in order of their current starts.

    :param slots: every slot of the series' rule.
    :param taken: the slots held otherwise: by the occurrences that follow the
        rule, by those whose original slot is known, by the remote series'
        removed occurrences.
    :param moved: ``(key, start)`` of the moved occurrences.
    :param strict: pair only when the free slots are exactly as many as the
        moved occurrences (each free slot is then one they left): otherwise
        none is paired (an occurrence removed for good also leaves its slot).
    :return: ``{key: slot}``; a moved occurrence left without a free slot is
        not in it.
    """
    free = sorted(set(slots) - set(taken))
    if strict and len(free) != len(moved):
        return {}
    ordered = sorted(moved, key=lambda item: item[1])
    return {key: slot for (key, _start), slot in zip(ordered, free, strict=False)}
