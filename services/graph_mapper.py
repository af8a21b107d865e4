"""Graph mapper: neutral event ⇄ Microsoft Graph v1.0 event resource
==================================================================

Turns the neutral event of ``DEVELOPERS.md`` into the body of a
``POST/PATCH /me/events`` request (:func:`to_graph`) and an item of
``/me/calendarView/delta`` or ``/me/events`` back into the neutral event
(:func:`from_graph`). Plain fields go through :data:`DIRECT`; times,
attendees, reminder, sensitivity, show-as and the videocall URL each have one
small function per direction.

Public API: :func:`to_graph`, :func:`from_graph`, :func:`transaction_id`,
:func:`zone_name`, :func:`is_custom_zone`, :func:`changed_fields` (from
:mod:`.neutral_event`), :data:`DIRECT`, :data:`CUSTOM_ZONES`,
:data:`WINDOWS_TO_IANA` (from :mod:`.windows_zones`, CLDR's complete table).

Design choices the Odoo layer relies on:

* Times go out as ``{"dateTime": <local naive ISO>, "timeZone": <IANA zone of
  the event>}`` (never a hard-coded zone). ``from_graph`` reads whatever zone
  the answer carries (``Prefer: outlook.timezone``; IANA or Windows names of
  CLDR's complete table, :mod:`.windows_zones`) and returns naive UTC; the
  event's ``tz`` is ``originalStartTimeZone`` (mapped to IANA), else
  ``start.timeZone``; a series' ``tz`` is its ``recurrenceTimeZone`` first.
  All-day events are floating: their dates are read as written, midnight to
  midnight, exclusive end.
* Zones are never guessed as UTC: a name neither IANA nor a Windows zone of the
  table raises :class:`.CalendarSyncError` naming it
  (:class:`.UnsupportedRecurrence` for a series' zone). A *custom* zone
  (:data:`CUSTOM_ZONES`: set in desktop Outlook, rules not exposed) does not
  change the times, which Graph gives in the zone asked for; the event's
  ``tz`` is then ``originalEndTimeZone`` or the answer's zone, and a series'
  zone is derived from its start (the offset the answer gives it, else the
  answer's zone or ``default_tz`` when not UTC and on ``range.startDate``),
  else the series raises :class:`.UnsupportedRecurrence`.
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
from datetime import date, datetime, time, timedelta
from typing import Any

import pytz

from .exceptions import CalendarSyncError, UnsupportedRecurrence
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
from .windows_zones import WINDOWS_TO_IANA, iana_to_windows, windows_to_iana

__all__ = [
    "CUSTOM_ZONES",
    "DIRECT",
    "ODOO_ID_PROPERTY",
    "WINDOWS_TO_IANA",
    "changed_fields",
    "from_graph",
    "is_custom_zone",
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

#: Zone names of custom rules Graph does not expose: a zone set in desktop
#: Outlook (Graph's ``tzone://Microsoft/Custom``) and Outlook's iCalendar TZID.
CUSTOM_ZONES = ("tzone://Microsoft/Custom", "Customized Time Zone")
#: Graph's own name of UTC.
GRAPH_UTC = "tzone://Microsoft/Utc"
#: Offsets a derived zone may have (the span of the tz database).
_OFFSETS = range(-12 * 60, 14 * 60 + 1)

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
    """The IANA name of a zone Graph reports (IANA or Windows), or None.

    None for no name, for a custom zone (:func:`is_custom_zone`) and for a name
    neither IANA nor in CLDR's Windows table (:mod:`.windows_zones`).
    """
    if not name:
        return None
    name = name.strip()
    if name in pytz.all_timezones_set:
        return name
    if name.casefold() == GRAPH_UTC.casefold():
        return "UTC"
    return windows_to_iana(name)


def is_custom_zone(name: str | None) -> bool:
    """Whether ``name`` is a zone of custom rules that Graph does not expose."""
    folded = (name or "").strip().casefold()
    return any(folded == custom.casefold() for custom in CUSTOM_ZONES)


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
        (:func:`.graph_recurrence.to_graph_recurrence`).
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


def _zone_error(
    message: str, name: str | None, recurrence: dict[str, Any] | None = None
) -> CalendarSyncError:
    """The error of a zone we cannot read: of the series when ``recurrence``."""
    if recurrence is None:
        return CalendarSyncError(message, zone=name)
    rule = str(recurrence.get("pattern") or recurrence)
    return UnsupportedRecurrence(message, zone=name, rule=rule, reason=message)


def _known_zone(
    name: str | None, recurrence: dict[str, Any] | None = None
) -> str | None:
    """The IANA zone of a zone name; None for no name or a custom zone.

    :raises CalendarSyncError: (:class:`UnsupportedRecurrence` for the zone of
        ``recurrence``) for a name neither IANA nor a Windows zone of CLDR's
        table: an unknown zone is never read as UTC.
    """
    if not name or is_custom_zone(name):
        return None
    zone = zone_name(name)
    if zone is None:
        message = (
            f"unknown time zone {name!r}: neither an IANA zone nor a Windows "
            "zone of CLDR's table"
        )
        raise _zone_error(message, name, recurrence)
    return zone


def _parse_graph_datetime(value: dict[str, Any] | None) -> datetime | None:
    """Naive UTC from a ``dateTimeTimeZone``."""
    if not value or not value.get("dateTime"):
        return None
    moment = _parse_iso(value["dateTime"])
    if moment.tzinfo is not None:
        return utc_naive(moment)
    name = value.get("timeZone") or "UTC"
    if is_custom_zone(name):
        message = (
            f"the time {value['dateTime']} is in the custom time zone {name!r}, "
            "whose rules Graph does not give"
        )
        raise _zone_error(message, name)
    return utc_naive(moment, _known_zone(name))


def _local_date(value: dict[str, Any] | None) -> date | None:
    if not value or not value.get("dateTime"):
        return None
    return _parse_iso(value["dateTime"]).date()


def _event_zone(item: dict[str, Any]) -> str | None:
    """The zone the event was made in: ``originalStartTimeZone``, or
    ``originalEndTimeZone`` when the start's is custom; None when unnamed."""
    name = item.get("originalStartTimeZone")
    zone = _known_zone(name)
    if zone is None and is_custom_zone(name):
        zone = _known_zone(item.get("originalEndTimeZone"))
    return zone


def _offset_minutes(zone: str, instant: datetime) -> int:
    offset = utc_to_local(instant, zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _offset_zone(moment: datetime) -> str | None:
    """The zone of the fixed UTC offset of the aware ``moment``: ``Etc/GMT-10``
    for +10:00; for an offset of no whole hour, the canonical CLDR zone that
    has it at ``moment`` all year round (``Asia/Calcutta`` for +05:30), else at
    ``moment`` only."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes not in _OFFSETS:
        return None
    if minutes % 60 == 0:
        hours = -minutes // 60
        return f"Etc/GMT{hours:+d}" if hours else "Etc/GMT"
    instant = utc_naive(moment)
    half_year = instant + timedelta(days=182)
    matches = [
        zone
        for zone in sorted(set(WINDOWS_TO_IANA.values()))
        if _offset_minutes(zone, instant) == minutes
    ]
    steady = [zone for zone in matches if _offset_minutes(zone, half_year) == minutes]
    return (steady or matches or [None])[0]


def _derived_zone(item: dict[str, Any], default_tz: str) -> str | None:
    """A zone for a series whose own zone is custom, from its start: the fixed
    offset the answer gives it, else the zone of the answer (``Prefer:
    outlook.timezone``) or ``default_tz`` when that is not UTC and puts the
    start on the series' first date (``range.startDate``); else None."""
    start = item.get("start") or {}
    text = (start.get("dateTime") or "").strip()
    if not text:
        return None
    moment = _parse_iso(text)
    if moment.tzinfo is not None and not text.endswith("Z"):
        return _offset_zone(moment)
    instant = _parse_graph_datetime(start)
    first = ((item["recurrence"].get("range") or {}).get("startDate") or "")[:10]
    for name in (start.get("timeZone"), default_tz):
        zone = zone_name(name)
        if not zone or iana_to_windows(zone) == "UTC":
            continue
        if not first or utc_to_local(instant, zone).date().isoformat() == first:
            return zone
    return None


def _series_zone(item: dict[str, Any], default_tz: str) -> str:
    """The zone a series repeats in (its DST rules): ``recurrenceTimeZone``,
    else the event's own zone; a custom one is derived (:func:`_derived_zone`),
    never taken as UTC."""
    recurrence = item["recurrence"]
    name = (recurrence.get("range") or {}).get("recurrenceTimeZone")
    zone = _known_zone(name, recurrence) or _event_zone(item)
    if zone:
        return zone
    start = item.get("start") or {}
    custom = name if is_custom_zone(name) else item.get("originalStartTimeZone")
    if not is_custom_zone(custom) or item.get("isAllDay"):
        # no zone named (all-day series float): the answer's, as for an event
        return zone_name(start.get("timeZone")) or default_tz
    zone = _derived_zone(item, default_tz)
    if zone is None:
        message = (
            f"the series repeats in the custom time zone {custom!r}, whose rules "
            "Graph does not give, and its start carries no offset or zone to "
            "derive one from: give the series a standard time zone in Outlook"
        )
        raise _zone_error(message, custom, recurrence)
    return zone


def _times_from_graph(item: dict[str, Any], default_tz: str) -> dict[str, Any]:
    start = item.get("start") or {}
    if item.get("recurrence"):
        tz = _series_zone(item, default_tz)
    else:
        tz = _event_zone(item) or zone_name(start.get("timeZone")) or default_tz
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
        # the user's own answer; None when the item does not give it
        "response_state": response and STATE_FROM_GRAPH.get(response, "needsAction"),
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
        # our creates carry one (engine/microsoft.py): it names the Odoo
        # record where the delta, which has no extended properties, cannot
        "transaction_id": item.get("transactionId"),
    }


def from_graph(item: dict[str, Any], default_tz: str = "UTC") -> dict[str, Any]:
    """The neutral event of a Graph event resource.

    :param item: an event of the delta or ``/me/events``; sparse occurrences
        and ``@removed`` entries are accepted.
    :param default_tz: the zone to report when the item names none.
    :return: the neutral event plus ``remote_id``, ``etag``, ``updated``,
        ``cancelled`` (``isCancelled`` or ``@removed``), ``graph_type``,
        ``series_master_id``, ``original_start`` (naive UTC), ``ical_uid``,
        ``recurrence`` (the raw ``patternedRecurrence`` or None),
        ``transaction_id`` and ``response_state`` (the user's own answer).
    :raises CalendarSyncError: when the item names an unknown zone, or gives a
        time in a custom zone; :class:`.UnsupportedRecurrence` when a series'
        zone is unknown, or custom and cannot be derived.
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
