"""Google mapper: neutral event ⇄ Google Calendar v3 event resource
================================================================

Turns the neutral event of ``DEVELOPERS.md`` into the body of an
``events.insert``/``events.patch`` request (:func:`to_google`) and an item of
``events.list`` back into the neutral event (:func:`from_google`). Plain string
fields go through the :data:`DIRECT` table; times, attendees, reminders,
privacy, show-as and the videocall URL each have one small function per
direction. HTML descriptions pass unchanged (the model sanitizes).

Public API: :func:`to_google`, :func:`from_google`, :func:`changed_fields`
(re-exported from :mod:`.neutral_event`), :data:`DIRECT`.

Design choices the Odoo layer relies on:

* Times: a timed event is sent as ``{"dateTime": <RFC 3339 with the offset of
  the event's zone>, "timeZone": tz}`` and ``"date": None`` (so a PATCH can
  switch all-day ⇄ timed); an all-day event as ``{"date": …, "timeZone": tz}``
  with Google's exclusive end and ``"dateTime": None``.
* ``extendedProperties.private`` holds ``odoo_id``, ``videocall_location`` and
  ``location_is_videocall`` (all strings; ``""`` when unset, so a PATCH clears
  them). A pushed videocall URL is kept there and, when the event has no
  location, also written as the visible ``location`` (flagged, so it comes
  back as ``location == ""``). On import, Google Meet (``conferenceData`` video
  entry point, else ``hangoutLink``) wins over the stored URL.
* Reminders are always explicit (``useDefault: False``), at most 5, the
  nearest first; minutes are capped at Google's 40320. An item that uses the
  calendar's defaults (``useDefault``) comes back with those defaults as its
  alarms when they are given (``events.list`` has them), and
  ``use_default_reminders == True``.
* Attendees: the organizer is sent like any attendee (with the state of their
  Odoo attendee); resource attendees (rooms) are not imported. An event without
  guests (no attendee list at Google) is imported with its organizer attending.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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

__all__ = ["DIRECT", "changed_fields", "from_google", "to_google"]

#: (neutral key, Google key) for the plain string fields.
DIRECT = [
    ("name", "summary"),
    ("description", "description"),
]

MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 40320
VIDEOCALL_KEY = "videocall_location"
LOCATION_FLAG_KEY = "location_is_videocall"
VISIBILITIES = ("public", "private", "confidential")


# --------------------------------------------------------------------------- #
# Odoo -> Google
# --------------------------------------------------------------------------- #


def _times_to_google(event: dict[str, Any]) -> dict[str, Any]:
    tz = event.get("tz") or "UTC"
    if event.get("allday"):
        start = event["start_date"].isoformat()
        end = exclusive_end(event["stop_date"]).isoformat()
        return {
            "start": {"date": start, "dateTime": None, "timeZone": tz},
            "end": {"date": end, "dateTime": None, "timeZone": tz},
        }

    def moment(value: datetime) -> dict[str, Any]:
        text = utc_to_local(value, tz).isoformat(timespec="seconds")
        return {"dateTime": text, "date": None, "timeZone": tz}

    return {"start": moment(event["start"]), "end": moment(event["stop"])}


def _attendees_to_google(event: dict[str, Any]) -> dict[str, Any]:
    attendees = []
    for attendee in normalize_attendees(event.get("attendees") or []):
        entry = {"email": attendee["email"], "responseStatus": attendee["state"]}
        if attendee["name"]:
            entry["displayName"] = attendee["name"]
        attendees.append(entry)
    out: dict[str, Any] = {"attendees": attendees}
    organizer = normalize_email(event.get("organizer_email"))
    if organizer:
        out["organizer"] = {"email": organizer}
    return out


def _reminders_to_google(event: dict[str, Any]) -> dict[str, Any]:
    alarms = normalize_alarms(event.get("alarms") or [])[:MAX_REMINDERS]
    overrides = [
        {
            "method": "email" if alarm["type"] == "email" else "popup",
            "minutes": min(max(alarm["minutes"], 0), MAX_REMINDER_MINUTES),
        }
        for alarm in alarms
    ]
    return {"reminders": {"useDefault": False, "overrides": overrides}}


def _flags_to_google(event: dict[str, Any]) -> dict[str, Any]:
    privacy = event.get("privacy")
    out = {
        "visibility": privacy if privacy in VISIBILITIES else "default",
        "transparency": "transparent" if event.get("show_as") == "free" else "opaque",
    }
    if "guests_can_modify" in event:
        out["guestsCanModify"] = bool(event["guests_can_modify"])
    return out


def _location_to_google(event: dict[str, Any]) -> dict[str, Any]:
    location = event.get("location") or ""
    videocall = event.get("videocall_location") or ""
    # No location: show the videocall URL there, flagged so it comes back as "".
    shown = not location and bool(videocall)
    private = {
        "odoo_id": str(event["odoo_id"]) if event.get("odoo_id") else "",
        VIDEOCALL_KEY: videocall,
        LOCATION_FLAG_KEY: "1" if shown else "",
    }
    return {
        "location": videocall if shown else location,
        "extendedProperties": {"private": private},
    }


def _conference_request(event: dict[str, Any]) -> dict[str, Any]:
    # The same requestId for the same event: a retried insert does not ask
    # Google for a second meeting.
    return {
        "conferenceData": {
            "createRequest": {
                "requestId": f"calendar-sync-{event.get('odoo_id') or 'new'}",
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }
    }


def to_google(
    event: dict[str, Any],
    recurrence_lines: list[str] | None = None,
    send_conference: bool = False,
) -> dict[str, Any]:
    """The Google event body (insert/patch/update) of a neutral event.

    :param event: the neutral event (``DEVELOPERS.md``); ``guests_can_modify``
        is sent when present.
    :param recurrence_lines: RRULE/EXDATE lines of a series master
        (:func:`.google_recurrence.to_google_recurrence`).
    :param send_conference: ask Google for a Meet link when the event has no
        videocall URL (the request needs ``conferenceDataVersion=1``).
    :return: a JSON-ready dict without ``id`` (the client sets it).
    """
    body = {google: event.get(key) or "" for key, google in DIRECT}
    for part in (
        _location_to_google,
        _times_to_google,
        _attendees_to_google,
        _reminders_to_google,
        _flags_to_google,
    ):
        body.update(part(event))
    if recurrence_lines:
        body["recurrence"] = list(recurrence_lines)
    if send_conference and not event.get("videocall_location"):
        body.update(_conference_request(event))
    return body


# --------------------------------------------------------------------------- #
# Google -> Odoo
# --------------------------------------------------------------------------- #


def _parse_rfc3339(text: str | None, tz: str | None = None) -> datetime | None:
    """Naive UTC from an RFC 3339 string (offset, ``Z``, or local in ``tz``)."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return utc_naive(value, tz)


def _parse_event_datetime(value: dict[str, Any] | None, tz: str) -> Any:
    """A Google ``EventDateTime``: a date (all-day) or naive UTC datetime."""
    value = value or {}
    if value.get("date"):
        return date.fromisoformat(value["date"])
    return _parse_rfc3339(value.get("dateTime"), value.get("timeZone") or tz)


def _times_from_google(item: dict[str, Any], default_tz: str) -> dict[str, Any]:
    start = item.get("start") or {}
    tz = start.get("timeZone") or default_tz
    out: dict[str, Any] = dict.fromkeys(("start", "stop", "start_date", "stop_date"))
    out.update(tz=tz, allday=bool(start.get("date")))
    begin = _parse_event_datetime(start, tz)
    end = _parse_event_datetime(item.get("end"), tz)
    if out["allday"]:
        out["start_date"] = begin
        out["stop_date"] = inclusive_stop(begin, end or begin)
    else:
        out["start"], out["stop"] = begin, end or begin
    return out


def _attendees_from_google(item: dict[str, Any]) -> dict[str, Any]:
    attendees = [
        {
            "email": attendee.get("email"),
            "name": attendee.get("displayName") or "",
            "state": attendee.get("responseStatus"),
        }
        for attendee in item.get("attendees") or ()
        if not attendee.get("resource")
    ]
    organizer = (item.get("organizer") or {}).get("email")
    if not attendees and organizer:
        # An event without guests has no attendee list at Google: it is the
        # organizer's own, and Odoo lists them (its calendar shows the events
        # the user attends).
        attendees = [{"email": organizer, "name": "", "state": "accepted"}]
    return {
        "attendees": normalize_attendees(attendees),
        "organizer_email": normalize_email(organizer),
    }


def _reminders_from_google(
    item: dict[str, Any], default_reminders: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    reminders = item.get("reminders") or {}
    overrides = reminders.get("overrides") or ()
    use_default = bool(reminders.get("useDefault")) and not overrides
    alarms = [
        {
            "type": "email" if reminder.get("method") == "email" else "notification",
            "minutes": int(reminder.get("minutes") or 0),
        }
        for reminder in ((default_reminders or ()) if use_default else overrides)
    ]
    return {
        "alarms": normalize_alarms(alarms),
        "use_default_reminders": use_default,
    }


def _flags_from_google(item: dict[str, Any]) -> dict[str, Any]:
    visibility = item.get("visibility")
    return {
        "privacy": visibility if visibility in VISIBILITIES else False,
        "show_as": "free" if item.get("transparency") == "transparent" else "busy",
        "guests_can_modify": bool(item.get("guestsCanModify")),
    }


def meet_url(item: dict[str, Any]) -> str:
    """The Google Meet (or other conference) video URL of an item, or ""."""
    for entry in (item.get("conferenceData") or {}).get("entryPoints") or ():
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return entry["uri"]
    return item.get("hangoutLink") or ""


def _location_from_google(item: dict[str, Any]) -> dict[str, Any]:
    private = (item.get("extendedProperties") or {}).get("private") or {}
    stored = private.get(VIDEOCALL_KEY) or ""
    location = item.get("location") or ""
    if private.get(LOCATION_FLAG_KEY) and location == stored:
        location = ""
    odoo_id = private.get("odoo_id") or ""
    return {
        "location": location,
        "videocall_location": meet_url(item) or stored,
        "odoo_id": int(odoo_id) if odoo_id.isdigit() else None,
    }


def _meta_from_google(item: dict[str, Any], tz: str) -> dict[str, Any]:
    recurrence = item.get("recurrence")
    return {
        "remote_id": item.get("id"),
        "etag": item.get("etag"),
        "ical_uid": item.get("iCalUID") or "",
        "updated": _parse_rfc3339(item.get("updated")),
        "cancelled": item.get("status") == "cancelled",
        "recurrence": list(recurrence) if recurrence else None,
        "recurring_event_id": item.get("recurringEventId"),
        "original_start": _parse_event_datetime(item.get("originalStartTime"), tz),
    }


def from_google(
    item: dict[str, Any],
    default_tz: str = "UTC",
    default_reminders: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The neutral event of a Google event resource.

    :param item: an event of ``events.list``/``get``/``insert``; cancelled
        items (only ``id``, ``status`` and perhaps ``recurringEventId`` and
        ``originalStartTime``) are accepted.
    :param default_tz: the calendar's zone, for items without
        ``start.timeZone``.
    :param default_reminders: the calendar's ``defaultReminders`` (given by
        ``events.list``): the alarms of an item that uses them.
    :return: the neutral event plus ``remote_id``, ``etag``, ``updated``,
        ``cancelled``, ``recurrence``, ``recurring_event_id``,
        ``original_start``, ``guests_can_modify`` and
        ``use_default_reminders``; ``odoo_id`` from
        ``extendedProperties.private``.
    """
    event: dict[str, Any] = {key: item.get(google) or "" for key, google in DIRECT}
    event.update(_times_from_google(item, default_tz))
    for part in (
        _attendees_from_google,
        _flags_from_google,
        _location_from_google,
    ):
        event.update(part(item))
    event.update(_reminders_from_google(item, default_reminders))
    event.update(_meta_from_google(item, event["tz"]))
    return event
