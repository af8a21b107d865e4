"""Recurrence as RFC 5545 lines: ``calendar.recurrence`` ⇄ Google's ``recurrence``
================================================================================

Google holds a series' rule in its ``recurrence`` field as RFC 5545 content
lines (``RRULE``, ``EXDATE``; no ``DTSTART``). The rec (the fields of
``calendar.recurrence``, see :mod:`.recurrence`) converts to those lines and
back; a ``WKST`` part is the rec's ``week_start``.

Public API:

* :func:`to_google_recurrence` / :func:`from_google_recurrence`: ``RRULE`` and
  ``EXDATE`` lines to and from a rec in :func:`.recurrence.normalize_recurrence`
  form. Rules Odoo cannot express raise
  :class:`~.exceptions.UnsupportedRecurrence`.

A yearly rule Odoo cannot hold as yearly becomes a monthly one every 12
months (see :mod:`.recurrence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from .neutral_event import get_zone, utc_naive, utc_to_local
from .recurrence import (
    BYDAY_VALUES,
    ODOO_WEEKDAYS,
    RRULE_DAYS,
    WEEKDAY_FIELDS,
    _checked,
    _local_date,
    _plain_days,
    _unsupported,
    _week_start,
    _weekday_indexes,
    normalize_recurrence,
)

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
_CONTENT_LINE = re.compile(r'^([A-Za-z-]+)((?:;[^:;=]+=(?:"[^"]*"|[^:;]*))*):(.*)$')
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")

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
