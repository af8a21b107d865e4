"""One Outlook mailbox's primary calendar, as Graph v1.0 stores and shows it
=========================================================================

Helper of :mod:`emulators.graph_emulator` (test infrastructure, never imports
``services``). A :class:`Mailbox` keeps single events, series masters and exceptions;
occurrences are computed from the master's ``patternedRecurrence``
(:mod:`emulators.graph_recurrence`) and get stable opaque ids. It renders the Graph
event resource (api-notes §3.3: opaque ids, per-occurrence ``iCalUId``, ``changeKey``
and ``@odata.etag``, 7-digit timestamps, Windows ``originalStartTimeZone``, HTML bodies
wrapped the way Outlook wraps them) and computes delta rounds the way
``/me/calendarView/delta`` answers (api-notes §0.9 and §3.1):

* series masters in full, occurrences **sparse**, exceptions in full, a series kept in
  one group so that a page never splits it;
* every change bumps a sequence number; a later round returns what changed since,
  ``@removed`` for deletions **and** for changed events outside the window;
* a deleted occurrence is **not** signalled: only the master changes (its
  ``changeKey``), and ``/instances`` no longer lists it;
* every change gives the event a new ``changeKey`` (``@odata.etag`` ``W/"<changeKey>"``;
  an occurrence shows its master's); a PATCH or DELETE with ``If-Match`` naming
  another one is refused with 412 ``ErrorIrresolvableConflict`` and changes nothing.

Errors are raised as :class:`GraphError` (status, code, message), which the server
turns into Graph's error shape (§3.6).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .graph_recurrence import (
    UTC,
    RecurrenceError,
    expand_dates,
    format_graph_datetime,
    format_offset_utc,
    format_timestamp,
    parse_graph_datetime,
    resolve_zone,
    to_utc,
    validate_recurrence,
    windows_name,
)

ICAL_PREFIX = "040000008200E00074C5B7101A82E008"
NO_RESPONSE_TIME = "0001-01-01T00:00:00Z"

#: Properties a client may send on POST/PATCH (others known to Graph are read-only
#: and ignored; unknown ones are a 400, as Graph's OData reader does).
WRITABLE = frozenset(
    {
        "allowNewTimeProposals",
        "attendees",
        "body",
        "categories",
        "end",
        "hideAttendees",
        "importance",
        "isAllDay",
        "isOnlineMeeting",
        "isReminderOn",
        "location",
        "locations",
        "onlineMeetingProvider",
        "originalEndTimeZone",
        "originalStartTimeZone",
        "recurrence",
        "reminderMinutesBeforeStart",
        "responseRequested",
        "sensitivity",
        "showAs",
        "singleValueExtendedProperties",
        "start",
        "subject",
        "transactionId",
    }
)
READ_ONLY = frozenset(
    {
        "id",
        "bodyPreview",
        "changeKey",
        "createdDateTime",
        "lastModifiedDateTime",
        "hasAttachments",
        "iCalUId",
        "isCancelled",
        "isDraft",
        "isOrganizer",
        "onlineMeeting",
        "onlineMeetingUrl",
        "organizer",
        "originalStart",
        "responseStatus",
        "seriesMasterId",
        "type",
        "webLink",
        "uid",
    }
)
ENUMS = {
    "sensitivity": ("normal", "personal", "private", "confidential"),
    "showAs": ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown"),
    "importance": ("low", "normal", "high"),
}
ATTENDEE_TYPES = ("required", "optional", "resource")
RESPONSES = {
    "accept": "accepted",
    "tentativelyAccept": "tentativelyAccepted",
    "decline": "declined",
}


class GraphError(Exception):
    """A Graph error answer: HTTP ``status``, error ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str, headers=None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})


def not_found() -> GraphError:
    return GraphError(
        404, "ErrorItemNotFound", "The specified object was not found in the store."
    )


def bad_request(message: str, code: str = "ErrorInvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def new_id(rng: secrets.SystemRandom | None = None) -> str:
    """An opaque, URL-safe, base64-like Graph id (``AAMkAG…=``)."""
    return "AAMkAG" + base64.urlsafe_b64encode(secrets.token_bytes(101)).decode()


def occurrence_id(master_id: str, original_start: datetime) -> str:
    """Stable id of the occurrence of ``master_id`` at ``original_start``."""
    seed = f"{master_id}|{original_start.isoformat()}".encode()
    raw = hashlib.sha512(seed).digest() + hashlib.sha256(seed).digest()[:37]
    return "AAMkAG" + base64.urlsafe_b64encode(raw).decode()


def new_change_key() -> str:
    return base64.b64encode(secrets.token_bytes(21)).decode()


def conflict() -> GraphError:
    """Outlook's answer to an ``If-Match`` that names an older version."""
    return GraphError(
        412,
        "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the"
        " change key passed in the request does not match the current"
        " change key for the item.",
    )


def change_key_of(tag: str) -> str:
    """The change key an ``If-Match`` value names: ``W/"ck"``, ``"ck"`` or ``ck``."""
    tag = tag.strip()
    if tag[:2].upper() == "W/":
        tag = tag[2:]
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    return tag


@dataclass
class Account:
    """A signed-in user of the emulated tenant."""

    email: str
    name: str
    oid: str
    tid: str

    def me(self) -> dict:
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "id": self.oid,
            "userPrincipalName": self.email,
            "mail": self.email,
            "displayName": self.name,
            "givenName": self.name.split(" ")[0],
            "surname": self.name.split(" ")[-1],
            "businessPhones": [],
            "jobTitle": None,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": "en-US",
        }


@dataclass
class StoredEvent:
    """A single event, a series master or an exception, as last written."""

    id: str
    kind: str
    data: dict
    created: datetime
    modified: datetime
    change_key: str
    seq: int
    ical_uid: str
    organizer: dict
    is_organizer: bool
    response: dict
    transaction_id: str | None = None
    master_id: str | None = None
    original_start: datetime | None = None
    cancelled: set = field(default_factory=set)
    exceptions: dict = field(default_factory=dict)
    join_url: str | None = None
    start_utc: datetime | None = None
    end_utc: datetime | None = None


@dataclass
class View:
    """What one rendered item is: a stored event or a computed occurrence."""

    kind: str
    source: StoredEvent
    id: str
    start_utc: datetime
    end_utc: datetime
    original_start: datetime | None = None


@dataclass
class Prefs:
    """The ``Prefer`` header preferences that change how events render."""

    timezone: str | None = None
    body_type: str | None = None


def event_times(data: dict) -> tuple[datetime, datetime, bool]:
    """(start UTC, end UTC, all-day) of a stored body; all-day days float as UTC."""
    try:
        start = parse_graph_datetime(data["start"]["dateTime"])
        end = parse_graph_datetime(data["end"]["dateTime"])
        start_zone = data["start"].get("timeZone") or "UTC"
        end_zone = data["end"].get("timeZone") or start_zone
        allday = bool(data.get("isAllDay"))
        if allday:
            return start.replace(tzinfo=UTC), end.replace(tzinfo=UTC), True
        return to_utc(start, start_zone), to_utc(end, end_zone), False
    except KeyError as exc:
        raise bad_request(f"TimeZone {exc.args[0]!r} is not supported.") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise bad_request(f"Invalid start/end: {exc}") from exc


def validate_body(body: dict, creating: bool) -> None:
    """Raise :class:`GraphError` for a payload Graph refuses."""
    if not isinstance(body, dict):
        raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
    for key in body:
        if key.startswith("@") or key in WRITABLE or key in READ_ONLY:
            continue
        raise bad_request(
            f"The property '{key}' does not exist on type 'microsoft.graph.event'."
            " Make sure to only use property names that are defined by the type.",
            "RequestBodyRead",
        )
    for key, allowed in ENUMS.items():
        if key in body and body[key] not in allowed:
            raise bad_request(f"Invalid value {body[key]!r} for {key}.", "BadRequest")
    for attendee in body.get("attendees") or []:
        if attendee.get("type", "required") not in ATTENDEE_TYPES:
            raise bad_request(f"Invalid attendee type {attendee.get('type')!r}.")
        if not (attendee.get("emailAddress") or {}).get("address"):
            raise bad_request("An attendee needs emailAddress.address.")
    if creating and not (body.get("start") and body.get("end")):
        raise bad_request("An event needs start and end.")
    if body.get("recurrence"):
        try:
            validate_recurrence(body["recurrence"])
        except RecurrenceError as exc:
            raise bad_request(str(exc)) from exc


def check_times(data: dict) -> tuple[datetime, datetime, bool]:
    start, end, allday = event_times(data)
    if end < start:
        raise bad_request("The event end must not be before its start.")
    if allday:
        for key in ("start", "end"):
            if parse_graph_datetime(data[key]["dateTime"]).time() != time(0):
                raise bad_request(
                    "Start and End of an all day event must be at midnight"
                    " in the same time zone."
                )
        if end == start:
            raise bad_request("An all day event must last at least one day.")
    return start, end, allday


def wrap_html(content: str, content_type: str) -> str:
    """Outlook's storage of a body: HTML documents, text escaped into one."""
    if not content:
        return ""
    if content_type == "text":
        content = html.escape(content).replace("\n", "<br>\r\n")
    if content.lstrip().lower().startswith("<html"):
        return content
    return (
        '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html;'
        ' charset=utf-8">\r\n</head>\r\n<body>\r\n'
        f"{content}\r\n</body>\r\n</html>\r\n"
    )


def html_to_text(content: str) -> str:
    text = re.sub(r"(?is)<head.*?</head>", "", content or "")
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</p\s*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


def attendee_address(attendee: dict) -> str:
    """An attendee's e-mail address, lowercased."""
    return attendee["emailAddress"]["address"].lower()


def ical_uid(uid_hex: str, on: date | None = None) -> str:
    """Exchange GOID: the date bytes are zero on the master, set per occurrence."""
    stamp = f"{on.year:04X}{on.month:02X}{on.day:02X}" if on else "00000000"
    return f"{ICAL_PREFIX}{stamp}{'0' * 16}{'0' * 16}10000000{uid_hex}"


class Mailbox:
    """The primary calendar of ``account``; callers hold the emulator lock."""

    def __init__(self, account: Account, clock, record_mail):
        self.account = account
        self.clock = clock
        self.record_mail = record_mail
        self.events: dict[str, StoredEvent] = {}
        self.tombstones: list[tuple[int, str]] = []
        self.seq = 0
        self.occurrences: dict[str, tuple[str, datetime]] = {}
        self.transactions: dict[str, str] = {}
        self._render_cache: dict[tuple, dict] = {}
        # set by the emulator: how a meeting reaches its attendees' mailboxes
        # (``(box, ical_uid, recipients)``) and an answer its organizer's
        # (``(box, event, answer)``); see :meth:`receive`
        self.on_meeting_change = None
        self.on_response = None
        # set by the emulator: ``(box, item id, "created" | "updated" |
        # "deleted")`` after every change (change notifications)
        self.on_change = None

    # ------------------------------------------------------------------ writes
    def _bump(self, event: StoredEvent, change: str = "updated") -> None:
        self.seq += 1
        event.seq = self.seq
        event.modified = self.clock()
        event.change_key = new_change_key()
        if self.on_change:
            self.on_change(self, event.id, change)

    # not an Odoo model: pylint-odoo's rule for create() does not apply
    def create(  # pylint: disable=method-required-super
        self, body: dict, organizer: dict | None = None
    ) -> StoredEvent:
        """``POST /me/events``: a single event or a series master."""
        validate_body(body, creating=True)
        tid = body.get("transactionId")
        if tid and tid in self.transactions and self.transactions[tid] in self.events:
            return self.events[self.transactions[tid]]
        data = {k: v for k, v in body.items() if k in WRITABLE}
        start, end, _allday = check_times(data)
        me = {"name": self.account.name, "address": self.account.email}
        org = (organizer or {}).get("emailAddress") or me
        is_organizer = org.get("address", "").lower() == self.account.email.lower()
        now = self.clock()
        event = StoredEvent(
            id=new_id(),
            kind="seriesMaster" if data.get("recurrence") else "singleInstance",
            data=data,
            created=now,
            modified=now,
            change_key="",
            seq=0,
            ical_uid=secrets.token_hex(16).upper(),
            organizer={"emailAddress": dict(org)},
            is_organizer=is_organizer,
            response=self._initial_response(is_organizer),
            transaction_id=tid,
            start_utc=start,
            end_utc=end,
        )
        self._set_online_meeting(event)
        self._bump(event, "created")
        self.events[event.id] = event
        if tid:
            self.transactions[tid] = event.id
        self._mail(event, "invite", self._attendee_emails(event.data))
        return event

    def _initial_response(self, is_organizer: bool) -> dict:
        return {
            "response": "organizer" if is_organizer else "notResponded",
            "time": NO_RESPONSE_TIME,
        }

    def _set_online_meeting(self, event: StoredEvent) -> None:
        wants = event.data.get("isOnlineMeeting") and event.data.get(
            "onlineMeetingProvider", "teamsForBusiness"
        ) in ("teamsForBusiness", "skypeForBusiness")
        if wants and not event.join_url:
            event.join_url = (
                "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
                f"{secrets.token_urlsafe(24)}%40thread.v2/0"
            )
        elif not wants:
            event.join_url = None

    def patch(self, item_id: str, body: dict, if_match: str | None) -> StoredEvent:
        """``PATCH /me/events/{id}``; an occurrence becomes an exception."""
        validate_body(body, creating=False)
        self.check_if_match(item_id, if_match)
        event = self._writable_event(item_id)
        before = self._attendee_emails(event.data)
        changes = {k: v for k, v in body.items() if k in WRITABLE}
        changes.pop("transactionId", None)
        if event.kind == "exception" and "recurrence" in changes:
            raise bad_request("An exception cannot carry a recurrence.")
        merged = {**event.data, **changes}
        start, end, _allday = check_times(merged)
        self._reshape_series(event, changes)
        event.data, event.start_utc, event.end_utc = merged, start, end
        if event.kind == "seriesMaster" and "attendees" in changes:
            self._attendees_to_exceptions(event, before)
        self._set_online_meeting(event)
        self._bump(event)
        self._bump_master(event)
        after = self._attendee_emails(event.data)
        self._mail(event, "update", [e for e in after if e in before])
        self._mail(event, "invite", [e for e in after if e not in before])
        self._mail(event, "cancel", [e for e in before if e not in after])
        return event

    def _attendees_to_exceptions(self, master: StoredEvent, before: list) -> None:
        """Outlook: a guest added to or removed from a series is added to or
        removed from its exceptions too (which keep their own answers)."""
        after = self._attendee_emails(master.data)
        email = attendee_address
        added = [a for a in master.data["attendees"] if email(a) not in before]
        for exc_id in master.exceptions.values():
            exception = self.events.get(exc_id)
            if exception is None:
                continue
            kept = [
                a
                for a in exception.data.get("attendees") or []
                if email(a) in after or email(a) not in before
            ]
            have = {email(a) for a in kept}
            kept += [copy.deepcopy(a) for a in added if email(a) not in have]
            exception.data["attendees"] = kept
            self._bump(exception)

    def _reshape_series(self, event: StoredEvent, changes: dict) -> None:
        """Outlook drops a series' exceptions when its pattern or times change."""
        if event.kind == "singleInstance" and changes.get("recurrence"):
            event.kind = "seriesMaster"
        elif event.kind == "seriesMaster" and not changes.get("recurrence", True):
            event.kind = "singleInstance"
        if event.kind in ("seriesMaster", "singleInstance") and (
            {"recurrence", "start", "end", "isAllDay"} & set(changes)
        ):
            self._drop_exceptions(event)

    def _drop_exceptions(self, master: StoredEvent) -> None:
        for exc_id in list(master.exceptions.values()):
            self.events.pop(exc_id, None)
            self._tombstone(exc_id)
        master.exceptions.clear()
        master.cancelled.clear()

    def _writable_event(self, item_id: str) -> StoredEvent:
        """The stored event for ``item_id``, materialising an occurrence."""
        if item_id in self.events:
            return self.events[item_id]
        found = self._occurrence(item_id)
        if not found:
            raise not_found()
        master, original = found
        # its own copy: an answer or change of the occurrence is not the master's
        data = copy.deepcopy(
            {k: v for k, v in master.data.items() if k != "recurrence"}
        )
        view = self._occurrence_view(master, original)
        data["start"] = self._wall(view.start_utc, master, "start")
        data["end"] = self._wall(view.end_utc, master, "end")
        return self._file_exception(
            master, original, data, (view.start_utc, view.end_utc), master.join_url
        )

    def _file_exception(
        self, master: StoredEvent, original: datetime, data: dict, times, join_url
    ) -> StoredEvent:
        """Store ``data`` as the exception of ``master`` at ``original``
        (``times``: its start and end, UTC)."""
        event = StoredEvent(
            id=occurrence_id(master.id, original),
            kind="exception",
            data=data,
            created=master.created,
            modified=master.modified,
            change_key="",
            seq=0,
            ical_uid=master.ical_uid,
            organizer=master.organizer,
            is_organizer=master.is_organizer,
            response=dict(master.response),
            master_id=master.id,
            original_start=original,
            join_url=join_url,
            start_utc=times[0],
            end_utc=times[1],
        )
        self.events[event.id] = event
        master.exceptions[original] = event.id
        return event

    def _wall(self, instant: datetime, master: StoredEvent, key: str) -> dict:
        zone_name = master.data[key].get("timeZone") or "UTC"
        if master.data.get("isAllDay"):
            local = instant.replace(tzinfo=None)
        else:
            local = instant.astimezone(resolve_zone(zone_name)).replace(tzinfo=None)
        return {"dateTime": format_graph_datetime(local), "timeZone": zone_name}

    def _bump_master(self, event: StoredEvent) -> None:
        if event.master_id and event.master_id in self.events:
            self._bump(self.events[event.master_id])

    def check_if_match(self, item_id: str, if_match: str | None) -> None:
        """412 when ``if_match`` names another version of ``item_id`` than the
        current one (404 first when there is no such item; ``*`` matches any)."""
        if not if_match or if_match.strip() == "*":
            return
        current = self.get(item_id).source.change_key
        if change_key_of(if_match) != current:
            raise conflict()

    def delete(self, item_id: str, if_match: str | None = None) -> None:
        """``DELETE /me/events/{id}``; an occurrence or exception is cancelled."""
        self.check_if_match(item_id, if_match)
        event = self.events.get(item_id)
        if event is None:
            found = self._occurrence(item_id)
            if not found:
                raise not_found()
            master, original = found
            master.cancelled.add(original)
            self._bump(master)
            self._mail(master, "cancel", self._attendee_emails(master.data))
            return
        self.events.pop(item_id)
        if event.kind == "exception":
            master = self.events.get(event.master_id)
            if master is not None:
                master.exceptions.pop(event.original_start, None)
                master.cancelled.add(event.original_start)
                self._bump(master)
        else:
            for exc_id in event.exceptions.values():
                self.events.pop(exc_id, None)
                self._tombstone(exc_id)
            self._tombstone(item_id)
        self._mail(event, "cancel", self._attendee_emails(event.data))

    def _tombstone(self, item_id: str) -> None:
        self.seq += 1
        self.tombstones.append((self.seq, item_id))
        if self.on_change:
            self.on_change(self, item_id, "deleted")

    def respond(self, item_id: str, action: str, body: dict) -> None:
        """``accept`` / ``tentativelyAccept`` / ``decline`` by this mailbox."""
        event = self.events.get(item_id) or self._view_source(item_id)
        if event.is_organizer:
            raise bad_request(
                "Your request can't be completed. You can't respond to this meeting"
                " because you're the meeting organizer."
            )
        event = self._writable_event(item_id)
        answer = RESPONSES[action]
        now = format_timestamp(self.clock())
        # an answer to a series answers its exceptions too
        exceptions = [
            self.events[e] for e in event.exceptions.values() if e in self.events
        ]
        for answered in (event, *exceptions):
            answered.response = {"response": answer, "time": now}
            for attendee in answered.data.get("attendees") or []:
                address = attendee["emailAddress"]["address"].lower()
                if address == self.account.email.lower():
                    attendee["status"] = {"response": answer, "time": now}
            self._bump(answered)
        self._bump_master(event)
        if body.get("sendResponse", True):
            organizer = event.organizer["emailAddress"]["address"]
            self._mail(event, answer, [organizer.lower()])
            if self.on_response:
                self.on_response(self, event, answer)

    def _view_source(self, item_id: str) -> StoredEvent:
        found = self._occurrence(item_id)
        if not found:
            raise not_found()
        return found[0]

    def set_attendee_response(self, item_id: str, email: str, answer: str) -> None:
        """An attendee answered the organizer's invitation (test hook)."""
        event = self._writable_event(item_id)
        for attendee in event.data.get("attendees") or []:
            if attendee["emailAddress"]["address"].lower() == email.lower():
                attendee["status"] = {
                    "response": answer,
                    "time": format_timestamp(self.clock()),
                }
        self._bump(event)
        self._bump_master(event)

    # ----------------------------------------------------------------- helpers
    def _attendee_emails(self, data: dict) -> list[str]:
        own = self.account.email.lower()
        emails = {attendee_address(a) for a in data.get("attendees") or []}
        return sorted(emails - {own})

    def _mail(self, event: StoredEvent, action: str, recipients: list[str]) -> None:
        if not recipients:
            return
        if action in ("invite", "update", "cancel") and not event.is_organizer:
            return
        self.record_mail(
            {
                "account": self.account.email,
                "event_id": event.id,
                "action": action,
                "recipients": list(recipients),
                "subject": event.data.get("subject", ""),
            }
        )
        if action in ("invite", "update", "cancel") and self.on_meeting_change:
            self.on_meeting_change(self, event.ical_uid, list(recipients))

    # ---------------------------------------------------------------- delivery
    def organized(self, uid: str) -> StoredEvent | None:
        """The single event or series master this mailbox organizes with
        the iCalUId ``uid`` (its hex part), if any."""
        return next(
            (
                e
                for e in self.events.values()
                if e.ical_uid == uid and e.kind != "exception" and e.is_organizer
            ),
            None,
        )

    def receive(
        self, uid: str, source: StoredEvent | None, organizer_box: Mailbox
    ) -> None:
        """Deliver the organizer's meeting ``source`` (None: deleted) to this
        mailbox, as Outlook delivers a meeting to each attendee's calendar: a copy
        with **its own id**, the same iCalUId, the organizer's organizer, this
        mailbox's own answer (``notResponded`` at first) and ``isOrganizer``
        false; a series brings its cancelled occurrences and exceptions. A later
        update rewrites the copy (its answer kept); a cancellation, or this
        mailbox leaving the attendees, deletes it (an exception this mailbox
        is not an attendee of is a deleted occurrence here)."""
        held = next(
            (
                e
                for e in self.events.values()
                if e.ical_uid == uid and e.kind != "exception" and not e.is_organizer
            ),
            None,
        )
        me = self.account.email.lower()
        invited = source is not None and me in {
            a["emailAddress"]["address"].lower()
            for a in source.data.get("attendees") or []
        }
        if not invited:
            if held is not None:
                self._drop_exceptions(held)
                self.events.pop(held.id)
                self._tombstone(held.id)
            return
        now = self.clock()
        if held is None:
            held = StoredEvent(
                id=new_id(),
                kind=source.kind,
                data={},
                created=now,
                modified=now,
                change_key="",
                seq=0,
                ical_uid=uid,
                organizer=copy.deepcopy(source.organizer),
                is_organizer=False,
                response=self._initial_response(False),
            )
            self.events[held.id] = held
        held.kind = source.kind
        held.data = _delivered(source.data)
        held.start_utc, held.end_utc = source.start_utc, source.end_utc
        held.join_url = source.join_url
        held.cancelled = set(source.cancelled)
        # this mailbox's own answers to occurrences alone, kept as the
        # series' is (an exception rewritten by the update keeps its answer)
        answers = {
            original: self.events[exc_id].response
            for original, exc_id in held.exceptions.items()
            if exc_id in self.events
        }
        for original, exc_id in list(held.exceptions.items()):
            if original not in source.exceptions:
                self.events.pop(exc_id, None)
                self._tombstone(exc_id)
        held.exceptions = {}
        for original, exc_id in source.exceptions.items():
            exc = organizer_box.events.get(exc_id)
            if exc is None:
                continue
            if "attendees" in exc.data and me not in {
                attendee_address(a) for a in exc.data["attendees"]
            }:
                # left out of this occurrence alone: Outlook sends a
                # cancellation of it, which deletes it from this calendar
                # (MS-OXOCAL 3.1.4.9.1.1, recipExceptionalDeleted)
                held.cancelled.add(original)
                continue
            mine = self._file_exception(
                held,
                original,
                _delivered(exc.data),
                (exc.start_utc, exc.end_utc),
                exc.join_url,
            )
            if original in answers:
                mine.response = dict(answers[original])
            self._bump(mine)
        self._bump(held)

    def record_answer(
        self,
        uid: str,
        email: str,
        answer: str,
        original_start: datetime | None = None,
    ) -> None:
        """An attendee's answer reaches the meeting this mailbox organizes
        (Outlook's tracking of responses): an answer to the whole series
        counts for its exceptions too, an answer to one occurrence (its
        ``original_start``) for that occurrence only."""
        event = self.organized(uid)
        if event is None:
            return
        if original_start is None:
            for item_id in (event.id, *event.exceptions.values()):
                self.set_attendee_response(item_id, email, answer)
            return
        if original_start in event.exceptions:
            item_id = event.exceptions[original_start]
        elif (
            event.kind == "seriesMaster"
            and original_start not in event.cancelled
            and original_start in self._occurrence_starts(event, original_start)
        ):
            item_id = self._occurrence_view(event, original_start).id
        else:
            return  # not an occurrence of the organizer's series (any more)
        self.set_attendee_response(item_id, email, answer)

    def _occurrence(self, item_id: str) -> tuple[StoredEvent, datetime] | None:
        found = self.occurrences.get(item_id)
        if not found or found[0] not in self.events:
            return None
        master = self.events[found[0]]
        if found[1] in master.cancelled or found[1] in master.exceptions:
            return None
        return master, found[1]

    def _etag(self, event: StoredEvent) -> str:
        return f'W/"{event.change_key}"'

    # ------------------------------------------------------------------- reads
    def get(self, item_id: str) -> View:
        event = self.events.get(item_id)
        if event is not None:
            return View(
                event.kind,
                event,
                event.id,
                event.start_utc,
                event.end_utc,
                event.original_start,
            )
        found = self._occurrence(item_id)
        if not found:
            raise not_found()
        return self._occurrence_view(*found)

    def _occurrence_view(self, master: StoredEvent, original: datetime) -> View:
        duration = master.end_utc - master.start_utc
        oid = occurrence_id(master.id, original)
        self.occurrences[oid] = (master.id, original)
        return View("occurrence", master, oid, original, original + duration, original)

    def _occurrence_starts(self, master: StoredEvent, until: datetime) -> list:
        """Original starts (UTC) of the master's occurrences before ``until``."""
        recurrence = master.data["recurrence"]
        allday = bool(master.data.get("isAllDay"))
        start_data = master.data["start"]
        zone_name = (recurrence.get("range") or {}).get(
            "recurrenceTimeZone"
        ) or start_data.get("timeZone", "UTC")
        wall = parse_graph_datetime(start_data["dateTime"]).replace(tzinfo=None)
        if not allday and start_data.get("timeZone") != zone_name:
            wall = master.start_utc.astimezone(resolve_zone(zone_name))
            wall = wall.replace(tzinfo=None)
        last_day = (until + timedelta(days=2)).date()
        starts = []
        for day in expand_dates(recurrence, last_day):
            local = datetime.combine(day, wall.time())
            if allday:
                starts.append(local.replace(tzinfo=UTC))
            else:
                starts.append(to_utc(local, zone_name))
        return starts

    def series_views(self, master: StoredEvent, lo: datetime, hi: datetime) -> list:
        """Occurrences and exceptions of ``master`` meeting [lo, hi), by start."""
        views = []
        for original in self._occurrence_starts(master, hi):
            if original in master.cancelled or original in master.exceptions:
                continue
            view = self._occurrence_view(master, original)
            if _overlaps(view.start_utc, view.end_utc, lo, hi):
                views.append(view)
        for exc_id in master.exceptions.values():
            exc = self.events.get(exc_id)
            if exc and _overlaps(exc.start_utc, exc.end_utc, lo, hi):
                views.append(
                    View(
                        "exception",
                        exc,
                        exc.id,
                        exc.start_utc,
                        exc.end_utc,
                        exc.original_start,
                    )
                )
        return sorted(views, key=lambda v: (v.start_utc, v.id))

    def instances(self, item_id: str, lo: datetime, hi: datetime) -> list[View]:
        """``GET /me/events/{id}/instances``: occurrences and exceptions in full."""
        event = self.events.get(item_id)
        if event is None:
            if self._occurrence(item_id):
                return []
            raise not_found()
        if event.kind != "seriesMaster":
            return []
        return self.series_views(event, lo, hi)

    def top_level(self) -> list[StoredEvent]:
        """Singles and masters, oldest first (``GET /me/events``)."""
        return sorted(
            (e for e in self.events.values() if e.kind != "exception"),
            key=lambda e: (e.created, e.id),
        )

    def delta_groups(
        self, lo: datetime, hi: datetime, since: int, prefs: Prefs
    ) -> list[list[dict]]:
        """One delta round: rendered groups (a series is one group), change order."""
        groups: list[tuple[int, list[dict]]] = []
        for event in self.top_level():
            if event.seq <= since:
                continue
            group = self._delta_group(event, lo, hi, prefs)
            if group:
                groups.append((event.seq, group))
            elif since:
                # Graph also reports changes outside the window as removals.
                groups.append((event.seq, [removed(event.id)]))
        if since:
            groups.extend(
                (seq, [removed(item_id)])
                for seq, item_id in self.tombstones
                if seq > since
            )
        groups.sort(key=lambda pair: pair[0])
        return [group for _seq, group in groups]

    def _delta_group(self, event, lo, hi, prefs) -> list[dict]:
        if event.kind == "singleInstance":
            if _overlaps(event.start_utc, event.end_utc, lo, hi):
                view = View(event.kind, event, event.id, event.start_utc, event.end_utc)
                return [self.render(view, prefs, delta=True)]
            return []
        views = self.series_views(event, lo, hi)
        if not views:
            return []
        master = View(event.kind, event, event.id, event.start_utc, event.end_utc)
        return [self.render(master, prefs, delta=True)] + [
            self.render(view, prefs, delta=True, sparse=True) for view in views
        ]

    # --------------------------------------------------------------- rendering
    def render(
        self, view: View, prefs: Prefs, delta: bool = False, sparse: bool = False
    ) -> dict:
        """The Graph event resource for ``view`` (sparse for delta occurrences)."""
        source = view.source
        etag = self._etag(source)
        head = {"@odata.type": "#microsoft.graph.event"} if delta else {}
        head["@odata.etag"] = etag
        times = {
            "start": self._render_time(view.start_utc, source, prefs),
            "end": self._render_time(view.end_utc, source, prefs),
        }
        if sparse and view.kind == "occurrence":
            return {
                **head,
                "id": view.id,
                "seriesMasterId": source.id,
                "type": "occurrence",
                **times,
            }
        return {**head, **self._render_full(view, prefs), **times}

    def _render_time(self, instant: datetime, source: StoredEvent, prefs) -> dict:
        label = prefs.timezone or "UTC"
        if source.data.get("isAllDay"):
            local = instant.replace(tzinfo=None)
        else:
            local = instant.astimezone(resolve_zone(label)).replace(tzinfo=None)
        return {"dateTime": format_graph_datetime(local), "timeZone": label}

    def _render_full(self, view: View, prefs: Prefs) -> dict:
        source = view.source
        day = view.original_start.date() if view.original_start else None
        result = {
            "id": view.id,
            **self._shared_fields(source, prefs),
            "iCalUId": ical_uid(source.ical_uid, day),
            "type": view.kind,
            "seriesMasterId": source.id
            if view.kind == "occurrence"
            else source.master_id,
            "webLink": "https://outlook.office365.com/owa/?itemid="
            + view.id
            + "&exvsurl=1&path=/calendar/item",
            "originalStart": format_offset_utc(view.original_start)
            if view.original_start
            else None,
            "recurrence": _render_recurrence(source.data)
            if view.kind == "seriesMaster"
            else None,
        }
        if source.transaction_id and view.kind != "occurrence":
            result["transactionId"] = source.transaction_id
        return result

    def _shared_fields(self, source: StoredEvent, prefs: Prefs) -> dict:
        """What every occurrence of ``source`` shows alike (cached per change)."""
        key = (source.id, source.change_key, prefs.body_type)
        cached = self._render_cache.get(key)
        if cached is None:
            if len(self._render_cache) > 10000:
                self._render_cache.clear()
            cached = self._render_cache[key] = {
                **self._plain_fields(source),
                **self._render_details(source, prefs),
            }
        return cached

    def _plain_fields(self, source: StoredEvent) -> dict:
        data = source.data
        return {
            "createdDateTime": format_timestamp(source.created),
            "lastModifiedDateTime": format_timestamp(source.modified),
            "changeKey": source.change_key,
            "categories": list(data.get("categories") or []),
            "originalStartTimeZone": windows_name(data["start"].get("timeZone")),
            "originalEndTimeZone": windows_name(data["end"].get("timeZone")),
            "uid": ical_uid(source.ical_uid),
            "reminderMinutesBeforeStart": data.get("reminderMinutesBeforeStart", 15),
            "isReminderOn": data.get("isReminderOn", True),
            "hasAttachments": False,
            "subject": data.get("subject", ""),
            "importance": data.get("importance", "normal"),
            "sensitivity": data.get("sensitivity", "normal"),
            "isAllDay": bool(data.get("isAllDay")),
            "isCancelled": False,
            "isOrganizer": source.is_organizer,
            "responseRequested": data.get("responseRequested", True),
            "allowNewTimeProposals": data.get("allowNewTimeProposals", True),
            "hideAttendees": data.get("hideAttendees", False),
            "isDraft": False,
            "showAs": data.get("showAs", "busy"),
            "responseStatus": dict(source.response),
        }

    def _render_details(self, source: StoredEvent, prefs: Prefs) -> dict:
        data = source.data
        body = data.get("body") or {}
        content = wrap_html(body.get("content") or "", body.get("contentType", "html"))
        preview = html_to_text(content)[:255]
        if prefs.body_type == "text":
            body_out = {"contentType": "text", "content": html_to_text(content)}
        else:
            body_out = {"contentType": "html", "content": content}
        online = bool(data.get("isOnlineMeeting"))
        return {
            "bodyPreview": preview,
            "body": body_out,
            "location": _location(data),
            "locations": _locations(data),
            "attendees": [_render_attendee(a) for a in data.get("attendees") or []],
            "organizer": source.organizer,
            "isOnlineMeeting": online,
            "onlineMeetingProvider": data.get("onlineMeetingProvider", "unknown")
            if online
            else "unknown",
            "onlineMeetingUrl": None,
            "onlineMeeting": {"joinUrl": source.join_url} if source.join_url else None,
        }


def _delivered(data: dict) -> dict:
    """An attendee's copy of the organizer's stored body."""
    data = copy.deepcopy(data)
    data.pop("transactionId", None)
    return data


def removed(item_id: str) -> dict:
    return {
        "@odata.type": "#microsoft.graph.event",
        "id": item_id,
        "@removed": {"reason": "deleted"},
    }


def _overlaps(start: datetime, end: datetime, lo: datetime, hi: datetime) -> bool:
    if start == end:
        return lo <= start < hi
    return start < hi and end > lo


def _location(data: dict) -> dict:
    name = (data.get("location") or {}).get("displayName") or ""
    if not name:
        return {
            "displayName": "",
            "locationType": "default",
            "uniqueIdType": "unknown",
            "address": {},
            "coordinates": {},
        }
    return {
        "displayName": name,
        "locationType": "default",
        "uniqueId": name,
        "uniqueIdType": "private",
    }


def _locations(data: dict) -> list[dict]:
    if data.get("locations"):
        return [dict(loc) for loc in data["locations"]]
    name = (data.get("location") or {}).get("displayName")
    return [_location(data)] if name else []


def _render_attendee(attendee: dict) -> dict:
    email = attendee["emailAddress"]
    return {
        "type": attendee.get("type", "required"),
        "status": dict(
            attendee.get("status") or {"response": "none", "time": NO_RESPONSE_TIME}
        ),
        "emailAddress": {
            "name": email.get("name") or email["address"],
            "address": email["address"],
        },
    }


def _render_recurrence(data: dict) -> dict:
    recurrence = data.get("recurrence") or {}
    pattern = {
        "type": "daily",
        "interval": 1,
        "month": 0,
        "dayOfMonth": 0,
        "firstDayOfWeek": "sunday",
        "index": "first",
        **(recurrence.get("pattern") or {}),
    }
    pattern.setdefault("daysOfWeek", [])
    rng = {
        "type": "noEnd",
        "startDate": "",
        "endDate": "0001-01-01",
        "numberOfOccurrences": 0,
        **(recurrence.get("range") or {}),
    }
    zone = rng.get("recurrenceTimeZone") or data["start"].get("timeZone")
    rng["recurrenceTimeZone"] = windows_name(zone)
    return {"pattern": pattern, "range": rng}
