"""Graph mapper: neutral event ⇄ Microsoft Graph v1.0 event resource
==================================================================

Turns the neutral event of ``DEVELOPERS.md`` into the body of a
``POST/PATCH /me/events`` request (:func:`to_graph`) and an item of
``/me/calendarView/delta`` or ``/me/events`` back into the neutral event
(:func:`from_graph`). Plain fields go through :data:`DIRECT`; times,
attendees, reminder, sensitivity, show-as and the videocall URL each have one
small function per direction.

Public API: :func:`to_graph`, :func:`from_graph`, :func:`transaction_id`,
:func:`zone_name`, :func:`changed_fields` (from :mod:`.neutral_event`),
:data:`DIRECT`.

Design choices the Odoo layer relies on:

* Times go out as ``{"dateTime": <local naive ISO>, "timeZone": <IANA zone of
  the event>}`` (never a hard-coded zone). ``from_graph`` reads whatever zone
  the answer carries (``Prefer: outlook.timezone``; IANA or Windows names) and
  returns naive UTC; the event's ``tz`` is ``originalStartTimeZone`` (mapped
  to IANA), else ``start.timeZone``. All-day events are floating: their dates
  are read as written, midnight to midnight, exclusive end.
* One reminder only: the smallest *notification* alarm becomes
  ``isReminderOn``/``reminderMinutesBeforeStart``; email alarms are not sent.
* Sensitivity: ``False``/``"public"`` → ``normal`` → ``False`` (Outlook has no
  "public"), ``private`` ⇄ ``private`` (``personal`` → ``private``),
  ``confidential`` ⇄ ``confidential``.
* show-as: ``free`` ⇄ ``free``; every other ``showAs`` → ``busy``.
* Videocall URL: pushed in ``location.locationUri`` (and as the visible
  ``location.displayName`` when the event has no location). On import a Teams
  ``onlineMeeting.joinUrl`` wins, else an http(s) ``locationUri``; a
  ``displayName`` equal to that URL comes back as ``location == ""``.
  ``locationUri`` is always sent (``""`` when no URL) so a removed URL is
  removed in Outlook too. Known loss: a location typed in Odoo that only
  repeats the videocall URL comes back as ``""`` (Outlook has no place for a
  flag that survives the delta); the sync converges on that.
* Attendees: the organizer is not sent as an attendee (Outlook keeps them in
  ``organizer``); on import the organizer is listed as an ``accepted``
  attendee. Rooms (``type: resource``) are not imported.
* ``odoo_id`` goes out as a ``singleValueExtendedProperties`` entry; it is
  only read back where Graph returns it (``$expand``, not in a delta).
* Creates carry :func:`transaction_id` so a retried ``POST`` never duplicates.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, datetime, time
from typing import Any

import pytz

from .exceptions import CalendarSyncError
from .neutral_event import (
    changed_fields,
    exclusive_end,
    inclusive_stop,
    normalize_alarms,
    normalize_attendees,
    normalize_email,
    utc_naive,
    utc_to_local,
)

__all__ = [
    "DIRECT",
    "ODOO_ID_PROPERTY",
    "changed_fields",
    "from_graph",
    "to_graph",
    "transaction_id",
    "zone_name",
]

#: (neutral key, Graph key) for the plain string fields.
DIRECT = [("name", "subject")]

ODOO_ID_PROPERTY = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name odoo_id"
_TRANSACTION_NAMESPACE = uuid.UUID("1b671a64-40d5-491e-99b0-da01ff1f3341")

STATE_TO_GRAPH = {
    "needsAction": "none",
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentativelyAccepted",
}
STATE_FROM_GRAPH = {
    "none": "needsAction",
    "notResponded": "needsAction",
    "accepted": "accepted",
    "declined": "declined",
    "tentativelyAccepted": "tentative",
    "organizer": "accepted",
}
SENSITIVITY_TO_GRAPH = {"private": "private", "confidential": "confidential"}
SENSITIVITY_FROM_GRAPH = {
    "private": "private",
    "personal": "private",
    "confidential": "confidential",
}

#: Windows zone names Graph reports (``originalStartTimeZone``,
#: ``recurrenceTimeZone``) → IANA, from CLDR's windowsZones "001" entries.
WINDOWS_TO_IANA = {
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kiev",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Turkey Standard Time": "Europe/Istanbul",
    "Russian Standard Time": "Europe/Moscow",
    "Israel Standard Time": "Asia/Jerusalem",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Arabian Standard Time": "Asia/Dubai",
    "Arab Standard Time": "Asia/Riyadh",
    "India Standard Time": "Asia/Calcutta",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York",
    "Atlantic Standard Time": "America/Halifax",
    "Newfoundland Standard Time": "America/St_Johns",
    "SA Pacific Standard Time": "America/Bogota",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
}

_FRACTION = re.compile(r"\.(\d+)")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)


def transaction_id(dbuuid: str, odoo_id: int, generation: int = 0) -> str:
    """The ``transactionId`` of the create of ``odoo_id`` in database ``dbuuid``.

    Stable across retries, so Graph answers a retried ``POST`` with the event
    it already created. Bump ``generation`` to create the event again on
    purpose (e.g. re-created after a remote delete).
    """
    name = f"{dbuuid}:{odoo_id}:{generation}"
    return str(uuid.uuid5(_TRANSACTION_NAMESPACE, name))


def zone_name(name: str | None) -> str | None:
    """The IANA name of a zone Graph reports (IANA or Windows), or None."""
    if not name:
        return None
    if name in pytz.all_timezones_set:
        return name
    return WINDOWS_TO_IANA.get(name)


# --------------------------------------------------------------------------- #
# Odoo -> Graph
# --------------------------------------------------------------------------- #


def _local_text(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="seconds")


def _times_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    tz = event.get("tz") or "UTC"
    if event.get("allday"):
        start = datetime.combine(event["start_date"], time())
        end = datetime.combine(exclusive_end(event["stop_date"]), time())
    else:
        start = utc_to_local(event["start"], tz)
        end = utc_to_local(event["stop"], tz)
    return {
        "isAllDay": bool(event.get("allday")),
        "start": {"dateTime": _local_text(start), "timeZone": tz},
        "end": {"dateTime": _local_text(end), "timeZone": tz},
    }


def _attendees_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    organizer = normalize_email(event.get("organizer_email"))
    attendees = [
        {
            "type": "required",
            "emailAddress": {"address": attendee["email"], "name": attendee["name"]},
            "status": {"response": STATE_TO_GRAPH[attendee["state"]]},
        }
        for attendee in normalize_attendees(event.get("attendees") or [])
        if attendee["email"] != organizer
    ]
    out: dict[str, Any] = {"attendees": attendees}
    if organizer:
        out["organizer"] = {"emailAddress": {"address": organizer}}
    return out


def _reminder_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    alarms = normalize_alarms(event.get("alarms") or [])
    minutes = [a["minutes"] for a in alarms if a["type"] == "notification"]
    if not minutes:
        return {"isReminderOn": False}
    return {"isReminderOn": True, "reminderMinutesBeforeStart": minutes[0]}


def _flags_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "sensitivity": SENSITIVITY_TO_GRAPH.get(event.get("privacy"), "normal"),
        "showAs": "free" if event.get("show_as") == "free" else "busy",
    }


def _location_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    location = event.get("location") or ""
    videocall = event.get("videocall_location") or ""
    return {
        "location": {"displayName": location or videocall, "locationUri": videocall}
    }


def _extended_to_graph(event: dict[str, Any]) -> dict[str, Any]:
    if not event.get("odoo_id"):
        return {}
    prop = {"id": ODOO_ID_PROPERTY, "value": str(event["odoo_id"])}
    return {"singleValueExtendedProperties": [prop]}


def to_graph(
    event: dict[str, Any], recurrence: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The Graph event body (``POST``/``PATCH``) of a neutral event.

    :param event: the neutral event (``DEVELOPERS.md``).
    :param recurrence: the ``patternedRecurrence`` of a series master
        (:func:`.recurrence.to_graph_recurrence`).
    :return: a JSON-ready dict; add ``transactionId`` (:func:`transaction_id`)
        on creates.
    """
    body: dict[str, Any] = {graph: event.get(key) or "" for key, graph in DIRECT}
    body["body"] = {"contentType": "html", "content": event.get("description") or ""}
    for part in (
        _location_to_graph,
        _times_to_graph,
        _attendees_to_graph,
        _reminder_to_graph,
        _flags_to_graph,
        _extended_to_graph,
    ):
        body.update(part(event))
    if recurrence:
        body["recurrence"] = recurrence
    return body


# --------------------------------------------------------------------------- #
# Graph -> Odoo
# --------------------------------------------------------------------------- #


def _parse_iso(text: str) -> datetime:
    """Graph's ISO strings: 7 fractional digits, optional ``Z``/offset."""
    text = text.strip().replace("Z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, 1)
    return datetime.fromisoformat(text)


def _parse_graph_datetime(value: dict[str, Any] | None) -> datetime | None:
    """Naive UTC from a ``dateTimeTimeZone``."""
    if not value or not value.get("dateTime"):
        return None
    moment = _parse_iso(value["dateTime"])
    if moment.tzinfo is not None:
        return utc_naive(moment)
    zone = zone_name(value.get("timeZone") or "UTC")
    if zone is None:
        raise CalendarSyncError(
            f"unknown time zone {value.get('timeZone')!r}", zone=value.get("timeZone")
        )
    return utc_naive(moment, zone)


def _local_date(value: dict[str, Any] | None) -> date | None:
    if not value or not value.get("dateTime"):
        return None
    return _parse_iso(value["dateTime"]).date()


def _times_from_graph(item: dict[str, Any], default_tz: str) -> dict[str, Any]:
    start = item.get("start") or {}
    tz = (
        zone_name(item.get("originalStartTimeZone"))
        or zone_name(start.get("timeZone"))
        or default_tz
    )
    out: dict[str, Any] = dict.fromkeys(("start", "stop", "start_date", "stop_date"))
    out.update(tz=tz, allday=bool(item.get("isAllDay")))
    if out["allday"]:
        # all-day events are floating: the dates are the dates, in any zone
        begin = _local_date(start)
        end = _local_date(item.get("end")) or begin
        out["start_date"] = begin
        out["stop_date"] = inclusive_stop(begin, end) if begin else None
    else:
        out["start"] = _parse_graph_datetime(start)
        out["stop"] = _parse_graph_datetime(item.get("end")) or out["start"]
    return out


def _address(entry: dict[str, Any] | None) -> dict[str, Any]:
    return (entry or {}).get("emailAddress") or {}


def _response(status: dict[str, Any] | None) -> str | None:
    return (status or {}).get("response")


def _attendees_from_graph(item: dict[str, Any]) -> dict[str, Any]:
    organizer = _address(item.get("organizer"))
    attendees = [
        {
            "email": _address(attendee).get("address"),
            "name": _address(attendee).get("name") or "",
            "state": STATE_FROM_GRAPH.get(_response(attendee.get("status"))),
        }
        for attendee in item.get("attendees") or ()
        if attendee.get("type") != "resource"
    ]
    if organizer.get("address"):
        # Outlook keeps the organizer out of the attendees; Odoo lists them.
        attendees.append(
            {"email": organizer["address"], "name": organizer.get("name") or ""}
            | {"state": "accepted"}
        )
    response = _response(item.get("responseStatus"))
    return {
        "attendees": normalize_attendees(attendees),
        "organizer_email": normalize_email(organizer.get("address")),
        "response_state": STATE_FROM_GRAPH.get(response, "needsAction"),
    }


def _reminder_from_graph(item: dict[str, Any]) -> dict[str, Any]:
    if not item.get("isReminderOn"):
        return {"alarms": []}
    minutes = int(item.get("reminderMinutesBeforeStart") or 0)
    return {"alarms": [{"type": "notification", "minutes": minutes}]}


def _flags_from_graph(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "privacy": SENSITIVITY_FROM_GRAPH.get(item.get("sensitivity"), False),
        "show_as": "free" if item.get("showAs") == "free" else "busy",
    }


def _is_url(text: str) -> bool:
    return text.lower().startswith(("https://", "http://"))


def _location_from_graph(item: dict[str, Any]) -> dict[str, Any]:
    location = item.get("location") or {}
    name = location.get("displayName") or ""
    uri = location.get("locationUri") or ""
    uri = uri if _is_url(uri) else ""
    join_url = (item.get("onlineMeeting") or {}).get("joinUrl") or ""
    return {
        "location": "" if uri and name == uri else name,
        "videocall_location": join_url or uri,
    }


def _description_from_graph(item: dict[str, Any]) -> str:
    body = item.get("body") or {}
    content = body.get("content") or ""
    if body.get("contentType", "html").lower() != "html":
        return html.escape(content).replace("\n", "<br>") if content else ""
    inner = _BODY.search(content)
    return inner.group(1).strip() if inner else content


def _odoo_id_from_graph(item: dict[str, Any]) -> int | None:
    for prop in item.get("singleValueExtendedProperties") or ():
        if prop.get("id", "").lower() == ODOO_ID_PROPERTY.lower():
            value = str(prop.get("value") or "")
            return int(value) if value.isdigit() else None
    return None


def _meta_from_graph(item: dict[str, Any]) -> dict[str, Any]:
    updated = item.get("lastModifiedDateTime")
    original = item.get("originalStart")
    return {
        "remote_id": item.get("id"),
        "etag": item.get("@odata.etag"),
        "updated": utc_naive(_parse_iso(updated)) if updated else None,
        "cancelled": bool(item.get("isCancelled")) or "@removed" in item,
        "graph_type": item.get("type"),
        "series_master_id": item.get("seriesMasterId"),
        "original_start": utc_naive(_parse_iso(original)) if original else None,
        "ical_uid": item.get("iCalUId"),
        "recurrence": item.get("recurrence") or None,
    }


def from_graph(item: dict[str, Any], default_tz: str = "UTC") -> dict[str, Any]:
    """The neutral event of a Graph event resource.

    :param item: an event of the delta or ``/me/events``; sparse occurrences
        and ``@removed`` entries are accepted.
    :param default_tz: the zone to report when the item names none.
    :return: the neutral event plus ``remote_id``, ``etag``, ``updated``,
        ``cancelled`` (``isCancelled`` or ``@removed``), ``graph_type``,
        ``series_master_id``, ``original_start`` (naive UTC), ``ical_uid``,
        ``recurrence`` (the raw ``patternedRecurrence`` or None) and
        ``response_state`` (the user's own answer).
    :raises CalendarSyncError: when a timed item names an unknown zone.
    """
    event: dict[str, Any] = {key: item.get(graph) or "" for key, graph in DIRECT}
    event["description"] = _description_from_graph(item)
    event["odoo_id"] = _odoo_id_from_graph(item)
    event.update(_times_from_graph(item, default_tz))
    for part in (
        _attendees_from_graph,
        _reminder_from_graph,
        _flags_from_graph,
        _location_from_graph,
        _meta_from_graph,
    ):
        event.update(part(item))
    return event
