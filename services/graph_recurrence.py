"""Recurrence as Microsoft Graph's ``patternedRecurrence``, and Outlook's reading of it
=====================================================================================

Graph holds a series' rule as ``{"pattern": {…}, "range": {…}}``. The rec (the
fields of ``calendar.recurrence``, see :mod:`.recurrence`) converts to that
form and back; a weekly pattern's ``firstDayOfWeek`` (Outlook's default:
sunday) is the rec's ``week_start``. Outlook reads some patterns otherwise than
RFC 5545 and Odoo: day 29-31 monthly and February 29 yearly fall back to the
last day of the months lacking that day, where Odoo skips the month
(api-notes §3.4).

Public API:

* :func:`to_graph_recurrence` / :func:`from_graph_recurrence`: the
  ``patternedRecurrence`` to and from a rec in
  :func:`.recurrence.normalize_recurrence` form. Patterns Odoo cannot express
  raise :class:`~.exceptions.UnsupportedRecurrence`.
* :func:`graph_meaning_differs`: whether Outlook gives the rule other
  occurrences than Odoo (the last-day fallback above).
* :func:`graph_expand_dates`: the dates Outlook gives a ``patternedRecurrence``
  (its own reading: ``firstDayOfWeek``, the last-day fallback of day 29-31 and
  Feb 29), and :func:`graph_extra_dates`: those of them Odoo's rule skips.

``relativeYearly`` and an ``absoluteYearly`` pattern on another day than the
series start's become monthly rules every 12 months (see :mod:`.recurrence`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .recurrence import (
    GRAPH_DAYS,
    MAX_RECURRENT_EVENT,
    ODOO_WEEKDAYS,
    RRULE_DAYS,
    WEEKDAY_FIELDS,
    _checked,
    _int,
    _plain_days,
    _unsupported,
    _week_start,
    _weekday_indexes,
    normalize_recurrence,
)

GRAPH_INDEX = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
GRAPH_END_TYPES = {"endDate": "end_date", "numbered": "count", "noEnd": "forever"}
_SHORT_MONTHS = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}

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
