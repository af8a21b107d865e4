"""Comparable snapshots of neutral events
=======================================

The planner decides "both sides are equal" by comparing snapshots, so both
sides must be reduced to the same canonical form first: only the mapped keys,
normalized emails, attendees and alarms, empty strings for empty text, and
only the time keys that apply to the event's kind.

Public API: :func:`canonical`, :func:`same_version`, :func:`same_but_answers`,
:func:`unnamed`, :func:`equivalent_zones`, :func:`series_fields`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytz

from .neutral_event import (
    MAPPED_KEYS,
    normalize_alarms,
    normalize_attendees,
    normalize_email,
)

_TEXT = ("name", "description", "location", "videocall_location")
#: The fields a write of a series gives each of its occurrences (not their
#: times, guests or organizer): where a calendar keeps an exception's own copy
#: of them (Google), the write leaves the exception behind on these.
SERIES_FIELDS = (
    "name",
    "description",
    "location",
    "videocall_location",
    "alarms",
    "privacy",
    "show_as",
)


def canonical(event: dict[str, Any] | None, with_tz: bool = False) -> dict | None:
    """The canonical form of a neutral event, for equality checks.

    :param with_tz: keep the time zone (it matters for recurring series only:
        a single event is the same instant whatever zone it is shown in).
    """
    if event is None:
        return None
    allday = bool(event.get("allday"))
    skip = {"odoo_id"} | ({"start", "stop"} if allday else {"start_date", "stop_date"})
    if not with_tz:
        skip.add("tz")
    out: dict[str, Any] = {}
    for key in MAPPED_KEYS:
        if key in skip:
            continue
        value = event.get(key)
        if key in _TEXT:
            value = (value or "").strip()
        elif key == "attendees":
            value = normalize_attendees(value or [])
        elif key == "alarms":
            value = normalize_alarms(value or [])
        elif key == "organizer_email":
            value = normalize_email(value)
        elif key == "privacy":
            value = value or False
        elif key == "allday":
            value = allday
        out[key] = value
    return out


def same_version(first: dict | None, second: dict | None) -> bool:
    """Whether two canonical snapshots are the same version of an event:
    guests compared by address and answer. The name a calendar shows for a
    guest (the address, where it knows no other; Odoo's contact name) is no
    change of the event (finding AR)."""
    if first == second:
        return True
    if first is None or second is None:
        return False
    return _unnamed_guests(first) == _unnamed_guests(second)


def same_but_answers(first: dict | None, second: dict | None) -> bool:
    """Whether two canonical snapshots differ by their guests' answers at
    most (the same guests, every other field equal)."""
    if first is None or second is None:
        return first is second

    def unanswered(snapshot):
        guests = [{**a, "state": None} for a in snapshot.get("attendees") or []]
        return {**snapshot, "attendees": guests}

    return same_version(unanswered(first), unanswered(second))


def unnamed(attendee: dict | None) -> dict | None:
    """An attendee of a snapshot without its name (see :func:`same_version`)."""
    if attendee is None:
        return None
    return {key: value for key, value in attendee.items() if key != "name"}


def _unnamed_guests(snapshot: dict) -> dict:
    attendees = snapshot.get("attendees")
    if not attendees:
        return snapshot
    return {**snapshot, "attendees": [unnamed(a) for a in attendees]}


def equivalent_zones(first: str | None, second: str | None) -> bool:
    """Whether two IANA zones give the same UTC offsets (over the coming
    years), e.g. Europe/Brussels and Europe/Paris: Outlook names zones by their
    Windows name, which maps back to one IANA zone of the group.
    """
    if not first or not second or first == second:
        return first == second
    try:
        zones = [pytz.timezone(first), pytz.timezone(second)]
    except pytz.UnknownTimeZoneError:
        return False
    year = datetime.now(timezone.utc).year
    for month_offset in range(36):
        when = datetime(year + month_offset // 12, month_offset % 12 + 1, 15)
        # localize: pytz.utc's utcoffset() takes no is_dst
        offsets = {zone.localize(when, is_dst=False).utcoffset() for zone in zones}
        if len(offsets) > 1:
            return False
    return True


def series_fields(snapshot: dict | None) -> dict:
    """The :data:`SERIES_FIELDS` of a canonical snapshot."""
    return {key: (snapshot or {}).get(key) for key in SERIES_FIELDS}
