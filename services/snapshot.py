"""Comparable snapshots of neutral events
=======================================

The planner decides "both sides are equal" by comparing snapshots, so both
sides must be reduced to the same canonical form first: only the mapped keys,
normalized emails, attendees and alarms, empty strings for empty text, and
only the time keys that apply to the event's kind.

Public API: :func:`canonical`.
"""

from __future__ import annotations

from typing import Any

from .neutral_event import (
    MAPPED_KEYS,
    normalize_alarms,
    normalize_attendees,
    normalize_email,
)

_TEXT = ("name", "description", "location", "videocall_location")


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
