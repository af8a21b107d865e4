"""The neutral event shared by models and mappers
==============================================

Helpers over the provider-neutral event dict described in ``DEVELOPERS.md``
("OdooEvent"). Both mappers (:mod:`.google_mapper`, :mod:`.graph_mapper`) build
and read that dict through these functions, so the two providers agree on what
"the same event" means.

Public API:

* :data:`MAPPED_KEYS`: the keys every mapper maps both ways.
* :func:`normalize_email`, :func:`normalize_attendees`, :func:`normalize_alarms`:
  the canonical forms (bare lower-cased stripped emails, "" for one with a line
  break; attendees deduplicated and sorted by email; alarms deduplicated and
  sorted by ``(minutes, type)``).
* :func:`changed_fields`: the mapped keys whose values differ between two
  neutral dicts (used to skip no-op pushes).
* :func:`utc_naive`, :func:`local_aware`, :func:`get_zone`: time-zone helpers
  (pytz, as Odoo; ambiguous local times resolve like Odoo's ``is_dst=False``).

Convention: a timed event has ``start``/``stop`` (naive UTC) and
``start_date``/``stop_date`` set to ``None``; an all-day event has the dates and
``start``/``stop`` set to ``None``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytz

MAPPED_KEYS = (
    "odoo_id",
    "name",
    "description",
    "location",
    "allday",
    "start",
    "stop",
    "start_date",
    "stop_date",
    "tz",
    "organizer_email",
    "attendees",
    "alarms",
    "privacy",
    "show_as",
    "videocall_location",
)

ATTENDEE_STATES = ("needsAction", "accepted", "declined", "tentative")
_TIMED_ONLY = {"start", "stop"}
_ALLDAY_ONLY = {"start_date", "stop_date"}


# '"Carol" <carol@x>', 'Carol <carol@x>', '<carol@x>'
_DISPLAY_NAME_FORM = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^"<>]*?)\s*<([^<>]*)>')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalize_email(email: str | None) -> str:
    """The comparable form of an email address: the bare address, lower-cased
    and stripped ("carol@x.org" of '"Carol" <Carol@X.org>').

    "" when empty, and when a line break or another control character is left
    after stripping (header injection). Whether the rest is a valid address is
    :func:`.sanitize.is_valid_email`'s question.
    """
    if not isinstance(email, str):
        return ""
    value = email.strip()
    if _CONTROL.search(value):
        return ""
    named = _DISPLAY_NAME_FORM.fullmatch(value)
    if named:
        value = named.group(1).strip()
    return value.lower()


def normalize_attendees(attendees: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attendees with normalized emails, without blanks or duplicates, sorted.

    The first occurrence of an email wins, except that a non-empty name fills an
    empty one.
    """
    by_email: dict[str, dict[str, Any]] = {}
    for attendee in attendees or ():
        email = normalize_email(attendee.get("email"))
        if not email:
            continue
        state = attendee.get("state")
        entry = {
            "email": email,
            "name": attendee.get("name") or "",
            "state": state if state in ATTENDEE_STATES else "needsAction",
        }
        known = by_email.setdefault(email, entry)
        if not known["name"]:
            known["name"] = entry["name"]
    return [by_email[email] for email in sorted(by_email)]


def normalize_alarms(alarms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alarms deduplicated and sorted by ``(minutes, type)``."""
    unique = {(int(a["minutes"]), a["type"]) for a in alarms or ()}
    return [{"type": kind, "minutes": minutes} for minutes, kind in sorted(unique)]


def _comparable(event: dict[str, Any], key: str) -> Any:
    value = event.get(key)
    if key == "attendees":
        return normalize_attendees(value or [])
    if key == "alarms":
        return normalize_alarms(value or [])
    if key in ("name", "description", "location", "videocall_location"):
        return value or ""
    if key == "organizer_email":
        return normalize_email(value)
    if key == "privacy":
        return value or False
    return value


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """The mapped keys whose values differ between two neutral events.

    Keys that do not apply to the event's kind are skipped (``start``/``stop``
    of an all-day event, ``start_date``/``stop_date`` of a timed one), and
    ``odoo_id`` is never a change. An empty set means a push would be a no-op.
    """
    allday = bool(new.get("allday"))
    skip = {"odoo_id"} | (_TIMED_ONLY if allday else _ALLDAY_ONLY)
    if bool(old.get("allday")) != allday:
        skip = {"odoo_id"}
    return {
        key
        for key in MAPPED_KEYS
        if key not in skip and _comparable(old, key) != _comparable(new, key)
    }


def get_zone(name: str | None) -> pytz.BaseTzInfo:
    """The pytz zone of an IANA name ("UTC" when empty)."""
    return pytz.timezone(name or "UTC")


def local_aware(value: datetime, tz: str | None) -> datetime:
    """Attach ``tz`` to a naive local datetime (Odoo's ``is_dst=False`` rule)."""
    return get_zone(tz).localize(value, is_dst=False)


def utc_naive(value: datetime, tz: str | None = None) -> datetime:
    """A naive UTC datetime from an aware one, or from a naive one in ``tz``."""
    if value.tzinfo is None:
        value = local_aware(value, tz)
    return value.astimezone(pytz.utc).replace(tzinfo=None)


def utc_to_local(value: datetime, tz: str | None) -> datetime:
    """The aware local datetime in ``tz`` of a naive UTC datetime."""
    return pytz.utc.localize(value).astimezone(get_zone(tz))


def utc_to_naive_local(value: datetime, tz: str | None) -> datetime:
    """The naive local datetime in ``tz`` of a naive UTC datetime."""
    return utc_to_local(value, tz).replace(tzinfo=None)


def exclusive_end(stop_date: date) -> date:
    """The exclusive end date of an all-day event (providers' meaning)."""
    return stop_date + timedelta(days=1)


def inclusive_stop(start: date, end: date) -> date:
    """Odoo's inclusive stop date from a provider's exclusive end date.

    Guards against ``end <= start`` (seen in old Google events): the event then
    lasts one day.
    """
    return max(start, end - timedelta(days=1))
