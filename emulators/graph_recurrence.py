"""Time zones, date-time wire formats and Outlook recurrence expansion (Graph emulator)
====================================================================================

Helpers of :mod:`emulators.graph_emulator`; they play the Outlook side only.

* :func:`resolve_zone` accepts an IANA or a Windows zone name (Graph accepts both) and
  returns a ``ZoneInfo``; :func:`windows_name` gives the Windows name Graph reports in
  ``originalStartTimeZone`` / ``recurrenceTimeZone``.
* :func:`format_graph_datetime` writes Graph's ``dateTime`` strings (7 fractional
  digits, no offset); :func:`format_timestamp` writes ``createdDateTime`` style
  stamps (7 fractional digits and ``Z``).
* :func:`expand_dates` expands a ``patternedRecurrence`` into occurrence dates with
  **Outlook's** meaning, which differs from RFC 5545 on days a month lacks: an
  absolute monthly pattern on day 31 falls on the last day of shorter months, and a
  yearly Feb 29 series falls on Feb 28 in common years (api-notes §3.4).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

#: Windows zone name -> IANA zone (the CLDR "001" territory entries of common zones).
WINDOWS_TO_IANA = {
    "UTC": "UTC",
    "Dateline Standard Time": "Etc/GMT+12",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Central Standard Time": "America/Chicago",
    "Central America Standard Time": "America/Guatemala",
    "Eastern Standard Time": "America/New_York",
    "SA Pacific Standard Time": "America/Bogota",
    "Atlantic Standard Time": "America/Halifax",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kiev",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Israel Standard Time": "Asia/Jerusalem",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "Turkey Standard Time": "Europe/Istanbul",
    "Russian Standard Time": "Europe/Moscow",
    "Arabian Standard Time": "Asia/Dubai",
    "Arab Standard Time": "Asia/Riyadh",
    "Iran Standard Time": "Asia/Tehran",
    "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Calcutta",
    "Nepal Standard Time": "Asia/Katmandu",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Taipei Standard Time": "Asia/Taipei",
    "W. Australia Standard Time": "Australia/Perth",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "E. Australia Standard Time": "Australia/Brisbane",
    "New Zealand Standard Time": "Pacific/Auckland",
}

#: IANA zone -> Windows name, including the aliases Graph maps to one Windows zone.
IANA_TO_WINDOWS = {iana: win for win, iana in WINDOWS_TO_IANA.items()}
IANA_TO_WINDOWS.update(
    {
        "Etc/UTC": "UTC",
        "Etc/GMT": "UTC",
        "GMT": "UTC",
        "Europe/Brussels": "Romance Standard Time",
        "Europe/Madrid": "Romance Standard Time",
        "Europe/Copenhagen": "Romance Standard Time",
        "Europe/Amsterdam": "W. Europe Standard Time",
        "Europe/Rome": "W. Europe Standard Time",
        "Europe/Vienna": "W. Europe Standard Time",
        "Europe/Zurich": "W. Europe Standard Time",
        "Europe/Stockholm": "W. Europe Standard Time",
        "Europe/Oslo": "W. Europe Standard Time",
        "Europe/Luxembourg": "W. Europe Standard Time",
        "Europe/Prague": "Central Europe Standard Time",
        "Europe/Dublin": "GMT Standard Time",
        "Europe/Lisbon": "GMT Standard Time",
        "Europe/Kyiv": "FLE Standard Time",
        "Europe/Helsinki": "FLE Standard Time",
        "Europe/Athens": "GTB Standard Time",
        "Asia/Kolkata": "India Standard Time",
        "Asia/Kathmandu": "Nepal Standard Time",
        "Asia/Hong_Kong": "China Standard Time",
        "America/Toronto": "Eastern Standard Time",
        "America/Vancouver": "Pacific Standard Time",
        "America/Argentina/Buenos_Aires": "Argentina Standard Time",
        "Australia/Melbourne": "AUS Eastern Standard Time",
    }
)

WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
INDEXES = ("first", "second", "third", "fourth", "last")
PATTERN_TYPES = (
    "daily",
    "weekly",
    "absoluteMonthly",
    "relativeMonthly",
    "absoluteYearly",
    "relativeYearly",
)
RANGE_TYPES = ("endDate", "noEnd", "numbered")
#: Outlook refuses to expand more than this many occurrences for one request.
MAX_OCCURRENCES = 20000


class RecurrenceError(ValueError):
    """A ``patternedRecurrence`` Graph would refuse (400)."""


def resolve_zone(name: str | None) -> ZoneInfo | timezone:
    """The zone for an IANA or Windows name; raises ``KeyError`` if unknown."""
    name = (name or "UTC").strip().strip('"')
    if name in ("UTC", "Etc/UTC", "GMT", "tzone://Microsoft/Utc"):
        return UTC
    iana = WINDOWS_TO_IANA.get(name, name)
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise KeyError(name) from exc


def windows_name(name: str | None) -> str:
    """The Windows name Graph reports for ``name`` (itself when unknown)."""
    name = (name or "UTC").strip()
    if name in WINDOWS_TO_IANA:
        return name
    return IANA_TO_WINDOWS.get(name, name)


def parse_graph_datetime(value: str) -> datetime:
    """Parse a Graph ``dateTime`` (up to 7 fractional digits, maybe an offset)."""
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    head, sep, rest = value.partition(".")
    if sep:
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        value = f"{head}.{(digits + '000000')[:6]}{rest}"
    return datetime.fromisoformat(value)


def parse_instant(value: str) -> datetime:
    """A query-string instant (``startDateTime``) as aware UTC; naive means UTC."""
    parsed = parse_graph_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_utc(wall: datetime, zone_name: str) -> datetime:
    """Aware UTC instant of the wall time ``wall`` (naive) in ``zone_name``."""
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=resolve_zone(zone_name)).astimezone(UTC)


def format_graph_datetime(value: datetime) -> str:
    """``2024-01-15T09:00:00.0000000`` (Graph's 7 fractional digits, no offset)."""
    head = value.replace(microsecond=0, tzinfo=None).isoformat()
    return f"{head}.{value.microsecond:06d}0"


def format_timestamp(value: datetime) -> str:
    """``2024-01-01T09:00:00.1234567Z`` for createdDateTime/lastModifiedDateTime."""
    return format_graph_datetime(value.astimezone(UTC)) + "Z"


def format_offset_utc(value: datetime) -> str:
    """``2024-01-15T09:00:00Z`` for DateTimeOffset properties (originalStart)."""
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def validate_recurrence(recurrence: dict) -> None:
    """Raise :class:`RecurrenceError` for what Graph answers 400 to."""
    pattern = recurrence.get("pattern") or {}
    rng = recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in PATTERN_TYPES:
        raise RecurrenceError(f"Unsupported recurrence pattern type {kind!r}.")
    if int(pattern.get("interval") or 0) < 1:
        raise RecurrenceError("Recurrence interval must be a positive integer.")
    days = pattern.get("daysOfWeek") or []
    if any(day not in WEEKDAYS for day in days):
        raise RecurrenceError(f"Invalid daysOfWeek {days!r}.")
    needs = {
        "weekly": ("daysOfWeek",),
        "absoluteMonthly": ("dayOfMonth",),
        "relativeMonthly": ("daysOfWeek",),
        "absoluteYearly": ("dayOfMonth", "month"),
        "relativeYearly": ("daysOfWeek", "month"),
    }.get(kind, ())
    for key in needs:
        if not pattern.get(key):
            raise RecurrenceError(f"Pattern {kind} requires {key}.")
    if pattern.get("index", "first") not in INDEXES:
        raise RecurrenceError(f"Invalid index {pattern.get('index')!r}.")
    _validate_range(rng)


def _validate_range(rng: dict) -> None:
    if rng.get("type") not in RANGE_TYPES:
        raise RecurrenceError(f"Unsupported recurrence range type {rng.get('type')!r}.")
    if not rng.get("startDate"):
        raise RecurrenceError("Recurrence range requires startDate.")
    if rng["type"] == "endDate" and not rng.get("endDate"):
        raise RecurrenceError("Range endDate requires endDate.")
    if rng["type"] == "numbered" and int(rng.get("numberOfOccurrences") or 0) < 1:
        raise RecurrenceError("Range numbered requires numberOfOccurrences > 0.")


def expand_dates(recurrence: dict, until: date) -> list[date]:
    """Occurrence dates of ``recurrence`` up to ``until`` (inclusive), Outlook's way.

    A ``numbered`` range counts from its start, whatever ``until`` is; an
    ``endDate`` range stops at its (inclusive) end date.
    """
    pattern, rng = recurrence["pattern"], recurrence["range"]
    start = date.fromisoformat(rng["startDate"][:10])
    last = until
    if rng["type"] == "endDate":
        last = min(last, date.fromisoformat(rng["endDate"][:10]))
    count = int(rng.get("numberOfOccurrences") or 0) if rng["type"] == "numbered" else 0
    result: list[date] = []
    for day in _candidates(pattern, start):
        if day > last or len(result) >= MAX_OCCURRENCES:
            break
        if day >= start:
            result.append(day)
            if count and len(result) >= count:
                break
    return result


def _candidates(pattern: dict, start: date):
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    if kind == "daily":
        return _daily(start, interval)
    if kind == "weekly":
        return _weekly(pattern, start, interval)
    if kind in ("absoluteMonthly", "relativeMonthly"):
        return _by_month(pattern, start, interval, yearly=False)
    return _by_month(pattern, start, interval * 12, yearly=True)


def _daily(start: date, interval: int):
    day = start
    while True:
        yield day
        day += timedelta(days=interval)


def _weekly(pattern: dict, start: date, interval: int):
    first = WEEKDAYS.index(pattern.get("firstDayOfWeek") or "sunday")
    wanted = sorted(
        (WEEKDAYS.index(d) - first) % 7 for d in pattern.get("daysOfWeek") or []
    )
    week_start = start - timedelta(days=(start.weekday() - first) % 7)
    while True:
        for offset in wanted:
            yield week_start + timedelta(days=offset)
        week_start += timedelta(weeks=interval)


def _by_month(pattern: dict, start: date, step_months: int, yearly: bool):
    year, month = start.year, start.month
    if yearly:
        month = int(pattern.get("month") or start.month)
        if month < start.month:
            year += 1
    while year <= 9999:
        day = _day_in_month(pattern, year, month)
        if day is not None:
            yield day
        month += step_months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _day_in_month(pattern: dict, year: int, month: int) -> date | None:
    length = calendar.monthrange(year, month)[1]
    if pattern["type"] in ("absoluteMonthly", "absoluteYearly"):
        # Outlook: a day the month lacks means the month's last day.
        return date(year, month, min(int(pattern["dayOfMonth"]), length))
    wanted = {WEEKDAYS.index(d) for d in pattern.get("daysOfWeek") or []}
    days = [
        date(year, month, d)
        for d in range(1, length + 1)
        if date(year, month, d).weekday() in wanted
    ]
    index = INDEXES.index(pattern.get("index") or "first")
    if index == 4:
        return days[-1] if days else None
    return days[index] if len(days) > index else None
