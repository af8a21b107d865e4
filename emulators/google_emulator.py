"""Stateful emulator of Google Calendar v3 and Google OAuth 2.0 (test infrastructure)
===================================================================================

A real HTTP server on 127.0.0.1 (stdlib ``ThreadingHTTPServer``) that behaves like
Google where our code can tell the difference (see ``shared/reference/api-notes.md``
sections 1, 2 and 5.1). The real ``google-api-python-client`` and ``google-auth``
talk to it unchanged.

Public API::

    emu = GoogleEmulator(default_account="user@example.com")
    base = emu.start()            # "http://127.0.0.1:PORT"; also usable as ``with``
    emu.api_root                  # base + "/" (Google's rootUrl)
    emu.auth_uri, emu.token_uri, emu.revoke_uri
    emu.register_client(client_id, secret)
    emu.add_account(email, timezone="Europe/Brussels")
    emu.issue_tokens(account, client_id=DEFAULT_CLIENT_ID) -> {"access_token", ...}
    emu.auto_consent / emu.default_account / emu.rotate_refresh_tokens / emu.latency
    emu.clock                     # callable -> aware UTC datetime (replaceable)
    emu.revoke_refresh_tokens(account); emu.expire_access_tokens()
    emu.invalidate_sync_tokens()
    emu.inject(method=None, path_regex=None, status=429, reason=None,
               times=1, in_batch=None, after=False, retry_after=None, html=None)
    emu.requests                  # dicts: method, path, query, batch, sendUpdates,
                                  #  status, account)
    emu.mails                     # the mails Google sends for API writes made
                                  #  with sendUpdates=all/externalOnly: dicts
                                  #  account, event_id, action, recipients, subject
    emu.api_requests()            # HTTP requests to the API (a batch counts once)
    emu.events(account, include_cancelled=False) -> list of event dicts
    emu.get_event(account, event_id) -> dict or None
    emu.add_event(account, body) / emu.update_event(account, event_id, patch)
    emu.delete_event(account, event_id)   # "the user did it in Google"
    emu.reset(); emu.stop()

Run standalone: ``python -m emulators.google_emulator --port 8765``.

Push channels: ``events.watch`` / ``channels.stop``; every change to an event a
watched calendar shows is POSTed to the channel's address with Google's headers
(``X-Goog-Channel-ID``, ``-Token``, ``-Resource-ID``, ``-Resource-URI``,
``-Resource-State``, ``-Message-Number``, ``-Channel-Expiration``) and an empty
body, from a background thread (``emulators/push_delivery.py``); a new channel
first gets a ``sync`` message. ``emu.push`` is the outbox (``emu.push.hold``,
``emu.push.flush()``, ``emu.push.delivered``), ``emu.channels`` the open ones,
``emu.channel_max_ttl`` the longest lifetime (seconds; Calendar's is undocumented).

Deliberate simplifications: no ``events.import``/
``move``, ``q`` is a plain substring match, attendee copies share the organizer's
event (only ``extendedProperties.private`` is per calendar), recurring expansion is
capped at ``max_instances`` occurrences per series.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rruleset, rrulestr

from .hang import Hangs
from .push_delivery import Outbox

DEFAULT_CLIENT_ID = "emulator-client-id.apps.googleusercontent.com"
DEFAULT_CLIENT_SECRET = "emulator-client-secret"
DEFAULT_TIMEZONE = "Europe/Brussels"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
ACCESS_TOKEN_TTL = 3599
AUTH_CODE_TTL = 600
MAX_PAGE = 2500
DEFAULT_PAGE = 250
EVENT_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")
ETAG_BASE = 3181161784712000
SYNC_FORBIDDEN = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)
READ_ONLY_FIELDS = (
    "kind",
    "etag",
    "created",
    "updated",
    "creator",
    "organizer",
    "htmlLink",
    "hangoutLink",
    "recurringEventId",
    "originalStartTime",
)
FAULT_DEFAULTS = {
    (403, "rateLimitExceeded"): ("usageLimits", "Rate Limit Exceeded"),
    (403, "userRateLimitExceeded"): ("usageLimits", "User Rate Limit Exceeded"),
    (403, "quotaExceeded"): ("usageLimits", "Calendar usage limits exceeded."),
    (429, "rateLimitExceeded"): ("usageLimits", "Rate Limit Exceeded"),
    (500, "backendError"): ("global", "Backend Error"),
    (503, "backendError"): ("global", "Backend Error"),
}
DEFAULT_REASON = {403: "rateLimitExceeded", 429: "rateLimitExceeded"}
HTTP_REASONS = {
    200: "OK",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A Google API error, rendered in Google's JSON error shape."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        domain: str = "global",
        location: str | None = None,
        location_type: str = "parameter",
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}

    def body(self) -> dict:
        item = {"domain": self.domain, "reason": self.reason, "message": self.message}
        if self.location:
            item["locationType"] = self.location_type
            item["location"] = self.location
        return {
            "error": {"errors": [item], "code": self.status, "message": self.message}
        }


class OAuthError(Exception):
    """An OAuth endpoint error: ``{"error", "error_description"}``."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _bad_request(message: str, reason: str = "invalid", location: str | None = None):
    return ApiError(400, reason, message, location=location)


def _not_found():
    return ApiError(404, "notFound", "Not Found")


def _auth_error():
    return ApiError(
        401,
        "authError",
        "Invalid Credentials",
        location="Authorization",
        location_type="header",
        headers={
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
            'error="invalid_token"'
        },
    )


# ----------------------------------------------------------------------- time utils


def rfc3339(dt: datetime) -> str:
    """Aware datetime -> ``2024-01-02T10:00:00.000Z``."""
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_rfc3339(value: str, name: str) -> datetime:
    """Parse an RFC3339 timestamp with a mandatory offset, else 400."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _bad_request(f"Invalid value for: {name}", location=name) from None
    if dt.tzinfo is None:
        raise _bad_request(f"Invalid value for: {name}", location=name)
    return dt


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad_request(f"Invalid time zone definition: {name}") from None


def _event_time(edt: dict, cal_tz: str) -> datetime | date:
    """An EventDateTime -> aware datetime (timed) or date (all-day)."""
    if not isinstance(edt, dict):
        raise _bad_request("Invalid start or end time.")
    if edt.get("date"):
        try:
            return date.fromisoformat(edt["date"])
        except ValueError:
            raise _bad_request("Invalid start or end time.") from None
    value = edt.get("dateTime")
    if not value:
        raise _bad_request("Missing start or end time.", reason="required")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad_request("Invalid start or end time.") from None
    if dt.tzinfo is None:
        if not edt.get("timeZone"):
            raise _bad_request("Missing time zone definition for start time.")
        dt = dt.replace(tzinfo=_zone(edt["timeZone"], cal_tz))
    return dt


def _as_utc(value: datetime | date, cal_tz: str) -> datetime:
    """Start/end as an aware UTC datetime (dates at midnight in the calendar zone)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    local = datetime(value.year, value.month, value.day, tzinfo=ZoneInfo(cal_tz))
    return local.astimezone(timezone.utc)


def _edt(value: datetime | date, tz_name: str | None) -> dict:
    """Inverse of :func:`_event_time` for generated instances."""
    if isinstance(value, datetime):
        out = {"dateTime": value.isoformat()}
        if tz_name:
            out["timeZone"] = tz_name
        return out
    return {"date": value.isoformat()}


# ----------------------------------------------------------------------- recurrence


def _split_prop(line: str) -> tuple[str, dict, str]:
    head, _, value = line.partition(":")
    name, *params = head.split(";")
    return name.upper(), dict(p.split("=", 1) for p in params if "=" in p), value


def _local_value(raw: str, params: dict, tz: ZoneInfo | None, start_time):
    """One EXDATE/RDATE value -> naive local datetime in the series zone."""
    raw = raw.strip()
    if params.get("VALUE") == "DATE" or len(raw) == 8:
        day = datetime.strptime(raw[:8], "%Y%m%d")
        return datetime.combine(day.date(), start_time)
    dt = datetime.strptime(raw.rstrip("Zz"), "%Y%m%dT%H%M%S")
    if tz is None:  # all-day series: keep the date
        return datetime.combine(dt.date(), start_time)
    if raw.endswith(("Z", "z")):
        return dt.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
    if "TZID" in params:
        return (
            dt.replace(tzinfo=ZoneInfo(params["TZID"]))
            .astimezone(tz)
            .replace(tzinfo=None)
        )
    return dt


def _rewrite_until(rule: str, tz: ZoneInfo | None) -> str:
    """Make UNTIL naive local so dateutil accepts it with a naive DTSTART."""

    def repl(match):
        raw = match.group(1)
        if len(raw) == 8:
            return f"UNTIL={raw}T235959"
        dt = datetime.strptime(raw.rstrip("Zz"), "%Y%m%dT%H%M%S")
        if tz is None:
            return "UNTIL=" + dt.strftime("%Y%m%dT235959")
        if raw.endswith(("Z", "z")):
            dt = dt.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
        return "UNTIL=" + dt.strftime("%Y%m%dT%H%M%S")

    return re.sub(r"UNTIL=([0-9TZz]+)", repl, rule)


def _build_ruleset(lines: list[str], dtstart: datetime, tz: ZoneInfo | None):
    rset = rruleset()
    for line in lines:
        name, params, value = _split_prop(line)
        try:
            if name in ("RRULE", "EXRULE"):
                rule = rrulestr(_rewrite_until(value, tz), dtstart=dtstart)
                (rset.rrule if name == "RRULE" else rset.exrule)(rule)
            elif name in ("EXDATE", "RDATE"):
                for raw in value.split(","):
                    local = _local_value(raw, params, tz, dtstart.time())
                    (rset.exdate if name == "EXDATE" else rset.rdate)(local)
            else:
                raise ValueError(name)
        except (ValueError, TypeError):
            raise _bad_request("Invalid recurrence rule.") from None
    if not any(_split_prop(x)[0] == "RRULE" for x in lines):
        rset.rdate(dtstart)
    return rset


@dataclass
class Series:
    """Expansion helper for one recurring master."""

    start: datetime | date
    end: datetime | date
    tz_name: str | None
    lines: list[str]
    cap: int
    cal_tz: str = "UTC"

    @property
    def allday(self) -> bool:
        return not isinstance(self.start, datetime)

    def _tz(self) -> ZoneInfo | None:
        return None if self.allday else ZoneInfo(self.tz_name)

    def occurrences(self, stop: datetime | None = None):
        """Yield original starts (aware datetime, or date) in order."""
        tz = self._tz()
        if self.allday:
            dtstart = datetime(self.start.year, self.start.month, self.start.day)
        else:
            dtstart = self.start.astimezone(tz).replace(tzinfo=None)
        rset = _build_ruleset(self.lines, dtstart, tz)
        for n, occ in enumerate(rset):
            if n >= self.cap:
                return
            value = occ.date() if self.allday else occ.replace(tzinfo=tz)
            if stop is not None and _as_utc(value, self.cal_tz) >= stop:
                return
            yield value

    def end_of(self, original: datetime | date) -> datetime | date:
        if self.allday:
            return original + (self.end - self.start)
        tz = self._tz()
        local_start = self.start.astimezone(tz).replace(tzinfo=None)
        local_end = self.end.astimezone(tz).replace(tzinfo=None)
        naive = original.astimezone(tz).replace(tzinfo=None) + (local_end - local_start)
        return naive.replace(tzinfo=tz)

    def contains(self, original: datetime | date) -> bool:
        for occ in self.occurrences():
            if occ == original:
                return True
            if _as_utc(occ, self.cal_tz) > _as_utc(original, self.cal_tz):
                return False
        return False


def instance_suffix(original: datetime | date) -> str:
    if isinstance(original, datetime):
        return original.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return original.strftime("%Y%m%d")


def _parse_suffix(suffix: str) -> datetime | date | None:
    try:
        if len(suffix) == 8:
            return datetime.strptime(suffix, "%Y%m%d").date()
        dt = datetime.strptime(suffix, "%Y%m%dT%H%M%SZ")
        return dt.replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# ------------------------------------------------------------------------ the store


@dataclass
class Event:
    """One stored event (the organizer's copy; attendees see the same object)."""

    id: str
    owner: str
    body: dict
    seq: int
    order: int
    private: dict = field(default_factory=dict)  # account -> private props
    hidden: set = field(default_factory=set)  # attendees who deleted their copy

    @property
    def cancelled(self) -> bool:
        return self.body.get("status") == "cancelled"

    def cancelled_for(self, account: str) -> bool:
        return self.cancelled or account in self.hidden

    @property
    def master_id(self) -> str | None:
        return self.body.get("recurringEventId")

    def guests(self) -> set[str]:
        return {a.get("email", "") for a in self.body.get("attendees") or []} - {
            self.owner
        }


@dataclass
class Fault:
    method: str | None
    path_regex: str | None
    status: int
    reason: str
    times: int
    in_batch: bool | None
    after: bool
    retry_after: int | None
    message: str | None = None
    html: str | None = None

    def matches(self, method: str, path: str, in_batch: bool) -> bool:
        if self.times <= 0:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        if self.in_batch is not None and self.in_batch != in_batch:
            return False
        if self.path_regex is None:
            return path.startswith("/calendar/v3/")
        return re.search(self.path_regex, path) is not None

    def page(self) -> Response:
        """The HTML page answered instead of the API's JSON (``html``)."""
        return Response(self.status, self.html.encode(), {}, "text/html; charset=utf-8")

    def error(self) -> ApiError:
        domain, message = FAULT_DEFAULTS.get(
            (self.status, self.reason),
            ("global", HTTP_REASONS.get(self.status, "Error")),
        )
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else {}
        return ApiError(
            self.status, self.reason, self.message or message, domain, headers=headers
        )


@dataclass
class Response:
    status: int
    body: Any = None  # dict (JSON), bytes, or None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def _json(body: dict, status: int = 200, **headers) -> Response:
    return Response(status, body, headers)


def _forbidden_for_non_organizer() -> ApiError:
    return ApiError(
        403,
        "forbiddenForNonOrganizer",
        "The operation can only be performed by the organizer of the event.",
        "calendar",
    )


def _emails(body: dict) -> set[str]:
    """The attendees' e-mails of a stored event body."""
    return {(a.get("email") or "").lower() for a in body.get("attendees") or []}


def _shared(body: dict) -> dict:
    return (body.get("extendedProperties") or {}).get("shared") or {}


def _comparable(body: dict, account: str) -> dict:
    """What an attendee may not change, normalized for comparison."""
    ignore = (
        "extendedProperties",
        "reminders",
        "etag",
        "updated",
        "sequence",
        "attendees",
    )
    out = {k: v for k, v in body.items() if k not in ignore}
    if out.get("visibility") == "default":
        del out["visibility"]
    if out.get("transparency") == "opaque":
        del out["transparency"]
    out.setdefault("status", "confirmed")
    out["attendees"] = sorted(
        (a.get("email", "").lower(), a.get("responseStatus", "needsAction"))
        for a in body.get("attendees") or []
        if a.get("email", "").lower() != account
    )
    return out


def _deep_merge(base: dict, patch: dict) -> dict:
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _qbool(query: dict, name: str, default: bool = False) -> bool:
    value = query.get(name)
    if value is None:
        return default
    return str(value).lower() == "true"


def _qlist(query: dict, name: str) -> list[str]:
    value = query.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _qone(query: dict, name: str) -> str | None:
    value = query.get(name)
    if isinstance(value, list):
        return value[-1]
    return value


# ---------------------------------------------------------------------- the emulator


class GoogleEmulator:
    """Google Calendar v3 + OAuth emulator. See the module docstring."""

    def __init__(
        self,
        default_account: str = "user@example.com",
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.host = host
        self.port = port
        self.initial_default_account = default_account
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.clock = lambda: datetime.now(timezone.utc)
        self.max_instances = 730
        self.reset()

    # ------------------------------------------------------------ lifecycle

    def reset(self) -> None:
        """Forget everything (accounts, tokens, events, faults, request log)."""
        with self.lock:
            self.default_account = self.initial_default_account
            self.auto_consent = False
            self.rotate_refresh_tokens = False
            self.latency = 0.0
            self.clients = {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET}
            self.accounts: dict[str, dict] = {}
            self.requests: list[dict] = []
            self.mails: list[dict] = []
            self.faults: list[Fault] = []
            self.hangs = Hangs()
            self.push = Outbox()
            self.channels: dict[str, dict] = {}
            self.channel_max_ttl = 604800
            self._pending: dict[str, dict] = {}
            self._codes: dict[str, dict] = {}
            self._refresh: dict[str, dict] = {}
            self._access: dict[str, dict] = {}
            self._consents: set[tuple[str, str]] = set()
            self._events: dict[str, dict[str, Event]] = {}  # owner -> id -> Event
            self._guest_of: dict[str, dict[str, Event]] = {}  # guest -> id -> Event
            self._detached: dict[str, dict[str, Event]] = {}  # ex-guest -> id -> tomb
            self._sync_tokens: dict[str, dict] = {}
            self._pages: dict[str, dict] = {}
            self._seq = 0
            self._order = itertools.count(1)
            self._last_stamp: datetime | None = None
            self.add_account(self.default_account)

    def start(self) -> str:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="google-emulator", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> GoogleEmulator:  # noqa: PYI034
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def api_root(self) -> str:
        return self.base_url + "/"

    @property
    def auth_uri(self) -> str:
        return self.base_url + "/o/oauth2/auth"

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"

    @property
    def revoke_uri(self) -> str:
        return self.base_url + "/revoke"

    # --------------------------------------------------------------- hooks

    def register_client(self, client_id: str, secret: str) -> None:
        with self.lock:
            self.clients[client_id] = secret

    def add_account(self, email: str, timezone: str = DEFAULT_TIMEZONE) -> None:
        with self.lock:
            email = email.strip().lower()
            self.accounts.setdefault(email, {"timeZone": timezone})
            self.accounts[email]["timeZone"] = timezone
            self._events.setdefault(email, {})

    def _ensure_account(self, email: str) -> str:
        email = email.strip().lower()
        if email not in self.accounts:
            self.add_account(email)
        return email

    def issue_tokens(
        self,
        account: str | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        scope: str = CALENDAR_SCOPE,
    ) -> dict:
        """Tokens as if ``account`` had consented (skips the browser dance)."""
        with self.lock:
            account = self._ensure_account(account or self.default_account)
            refresh = self._new_refresh(account, client_id, scope)
            access = self._new_access(account, client_id, scope)
            return {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": ACCESS_TOKEN_TTL,
                "scope": scope,
                "token_type": "Bearer",
            }

    def revoke_refresh_tokens(self, account: str) -> None:
        """The user revoked access: refresh *and* access tokens stop working."""
        account = account.strip().lower()
        with self.lock:
            for table in (self._refresh, self._access):
                for token in [t for t, v in table.items() if v["account"] == account]:
                    del table[token]

    def expire_access_tokens(self) -> None:
        with self.lock:
            past = self.clock() - timedelta(seconds=1)
            for info in self._access.values():
                info["expires_at"] = past

    def invalidate_sync_tokens(self) -> None:
        with self.lock:
            self._sync_tokens.clear()

    def invalidate_page_tokens(self) -> None:
        """Page tokens handed out so far now answer 400 "Invalid page token
        value." (Google's page tokens do not last for ever)."""
        with self.lock:
            self._pages.clear()

    def inject(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        status: int = 429,
        reason: str | None = None,
        times: int = 1,
        in_batch: bool | None = None,
        after: bool = False,
        retry_after: int | None = None,
        message: str | None = None,
        html: str | None = None,
    ) -> Fault:
        """Make the next ``times`` matching requests fail.

        ``path_regex`` defaults to every Calendar API path. ``in_batch``: None =
        both, True = only batch items, False = only direct HTTP requests.
        ``after=True`` performs the request and then answers the error (a lost
        response). ``html``: answer ``status`` (say 200) with this HTML page
        instead of Google's JSON, as a proxy or captive portal in the way does.
        """
        reason = reason or DEFAULT_REASON.get(status, "backendError")
        fault = Fault(
            method,
            path_regex,
            status,
            reason,
            times,
            in_batch,
            after,
            retry_after,
            message,
            html,
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()
        self.hangs.clear()

    def hang(self, seconds, times=1, method=None, path_regex=None):
        """Perform the next ``times`` matching HTTP requests, then answer them
        only after ``seconds`` (a response lost after the write: see
        :mod:`emulators.hang`)."""
        return self.hangs.add(seconds, times, method, path_regex)

    def api_requests(self) -> list[dict]:
        """HTTP requests to the Calendar API (a batch is one request)."""
        with self.lock:
            return [
                r
                for r in self.requests
                if not r["batch"] and r["path"].startswith(("/calendar/v3/", "/batch/"))
            ]

    # -------------------------------------------------------- introspection

    def events(self, account: str, include_cancelled: bool = False) -> list[dict]:
        """Events of the account's calendar as the API would render them."""
        account = account.strip().lower()
        with self.lock:
            out = []
            for ev in self._view(account):
                if ev.cancelled_for(account) and not include_cancelled:
                    continue
                out.append(self._render(ev, account, full=True))
            return out

    def get_event(self, account: str, event_id: str) -> dict | None:
        account = account.strip().lower()
        with self.lock:
            ev = self._lookup(account, event_id)
            return self._render(ev, account, full=True) if ev else None

    def add_event(self, account: str, body: dict) -> dict:
        """Seed a remote event as if the user created it in Google."""
        with self.lock:
            account = self._ensure_account(account)
            ev = self._insert(
                account, copy.deepcopy(body), {"conferenceDataVersion": "1"}
            )
            return self._render(ev, account, full=True)

    def update_event(self, account: str, event_id: str, patch: dict) -> dict:
        """Patch an event as if the user edited it in Google."""
        with self.lock:
            account = account.strip().lower()
            ev = self._target(account, event_id)
            self._patch(account, ev, copy.deepcopy(patch), {}, full=False)
            return self._render(ev, account, full=True)

    def corrupt_event(self, account: str, event_id: str, raw: dict) -> None:
        """Overwrite stored fields without any validation, and mark the event
        changed: simulates the odd payloads real calendars hold (unknown zones,
        missing times) so clients can prove they survive them."""
        with self.lock:
            ev = self._target(account.strip().lower(), event_id)
            ev.body.update(copy.deepcopy(raw))
            self._bump(ev)

    def delete_event(self, account: str, event_id: str) -> None:
        """Delete an event (or an instance) as if the user did it in Google."""
        with self.lock:
            account = account.strip().lower()
            self._delete(account, self._target(account, event_id))

    # ----------------------------------------------------------- token store

    def _new_refresh(self, account: str, client_id: str, scope: str) -> str:
        token = "1//" + secrets.token_urlsafe(32)
        self._refresh[token] = {
            "account": account,
            "client_id": client_id,
            "scope": scope,
        }
        return token

    def _new_access(self, account: str, client_id: str, scope: str) -> str:
        token = "ya29." + secrets.token_urlsafe(40)
        self._access[token] = {
            "account": account,
            "client_id": client_id,
            "scope": scope,
            "expires_at": self.clock() + timedelta(seconds=ACCESS_TOKEN_TTL),
        }
        return token

    def _account_for(self, headers: dict) -> str:
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise _auth_error()
        info = self._access.get(auth[7:].strip())
        if info is None or info["expires_at"] <= self.clock():
            raise _auth_error()
        return info["account"]

    # ------------------------------------------------------------ change log

    def _bump(self, ev: Event) -> None:
        self._seq += 1
        ev.seq = self._seq
        now = self.clock()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(milliseconds=1)
        self._last_stamp = now
        ev.body["updated"] = rfc3339(now)
        ev.body["etag"] = f'"{ETAG_BASE + self._seq}"'
        self._notify_watchers({ev.owner, *ev.guests()})

    # ------------------------------------------------------------ push

    def _watch(self, account: str, payload: dict) -> Response:
        channel_id = payload.get("id") or ""
        address = payload.get("address") or ""
        if payload.get("type") not in ("web_hook", "webhook"):
            raise _bad_request("Channel type must be web_hook.")
        if not channel_id or len(channel_id) > 64 or channel_id in self.channels:
            raise _bad_request("Invalid or duplicate channel id.")
        if not address.startswith(("https://", "http://")):
            raise _bad_request("Invalid channel address.")
        ttl = self.channel_max_ttl
        wanted = (payload.get("params") or {}).get("ttl")
        if wanted and str(wanted).isdigit():
            ttl = min(ttl, int(wanted))
        expiration = self.clock() + timedelta(seconds=ttl)
        channel = {
            "id": channel_id,
            "account": account,
            "address": address,
            "token": payload.get("token"),
            "resourceId": secrets.token_urlsafe(20),
            "expiration": expiration,
            "number": 1,
        }
        self.channels[channel_id] = channel
        self._send(channel, "sync")  # may arrive before this answer
        return _json(
            {
                "kind": "api#channel",
                "id": channel_id,
                "resourceId": channel["resourceId"],
                "resourceUri": self._resource_uri(account),
                "token": channel["token"],
                "expiration": str(int(expiration.timestamp() * 1000)),
            }
        )

    def _stop_channel(self, payload: dict) -> Response:
        channel = self.channels.get(payload.get("id") or "")
        if channel is None or channel["resourceId"] != payload.get("resourceId"):
            raise _not_found()
        del self.channels[channel["id"]]
        return Response(204, b"", {})

    def _resource_uri(self, account: str) -> str:
        return f"{self.base_url}/calendar/v3/calendars/{account}/events?alt=json"

    def _notify_watchers(self, accounts: set) -> None:
        now = self.clock()
        for channel in list(self.channels.values()):
            if channel["expiration"] <= now:
                del self.channels[channel["id"]]  # expired: Google forgets it
            elif channel["account"] in accounts:
                self._send(channel, "exists")

    def _send(self, channel: dict, state: str) -> None:
        if state != "sync":
            channel["number"] += secrets.randbelow(3) + 1  # increasing, with gaps
        headers = {
            "X-Goog-Channel-ID": channel["id"],
            "X-Goog-Message-Number": str(channel["number"]),
            "X-Goog-Resource-ID": channel["resourceId"],
            "X-Goog-Resource-URI": self._resource_uri(channel["account"]),
            "X-Goog-Resource-State": state,
            "X-Goog-Channel-Expiration": channel["expiration"].strftime(
                "%a, %d %b %Y %H:%M:%S GMT"
            ),
            "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
        }
        if channel["token"]:
            headers["X-Goog-Channel-Token"] = channel["token"]
        self.push.post(channel["address"], headers, b"")

    # ------------------------------------------------------------------ views

    def _view(self, account: str) -> list[Event]:
        own = list(self._events.get(account, {}).values())
        guest = [
            ev
            for ev in self._guest_of.get(account, {}).values()
            if account in ev.guests()
        ]
        return sorted(own + guest, key=lambda e: e.order)

    def _lookup(self, account: str, event_id: str) -> Event | None:
        ev = self._events.get(account, {}).get(event_id)
        if ev is None:
            ev = self._guest_of.get(account, {}).get(event_id)
            if ev is not None and account not in ev.guests():
                ev = None
        return ev

    def _calendar_tz(self, account: str) -> str:
        return self.accounts.get(account, {}).get("timeZone", DEFAULT_TIMEZONE)

    def _reindex_guests(self, ev: Event, before: set[str]) -> None:
        after = ev.guests()
        for email in after:
            self._guest_of.setdefault(email, {})[ev.id] = ev
            self._detached.get(email, {}).pop(ev.id, None)
        for email in before - after:
            self._guest_of.get(email, {}).pop(ev.id, None)
            tomb = Event(ev.id, ev.owner, {"status": "cancelled"}, ev.seq, ev.order)
            tomb.body.update({k: ev.body[k] for k in ("etag", "updated")})
            for key in ("recurringEventId", "originalStartTime"):
                if key in ev.body:
                    tomb.body[key] = ev.body[key]
            self._detached.setdefault(email, {})[ev.id] = tomb

    # -------------------------------------------------------------- rendering

    def _render(self, ev: Event, viewer: str, full: bool = True) -> dict:
        cancelled = ev.cancelled_for(viewer)
        if cancelled and not full:
            out = {
                "kind": "calendar#event",
                "etag": ev.body["etag"],
                "id": ev.id,
                "status": "cancelled",
                "updated": ev.body["updated"],
            }
            for key in ("recurringEventId", "originalStartTime"):
                if key in ev.body:
                    out[key] = copy.deepcopy(ev.body[key])
            return out
        out = json.loads(json.dumps(ev.body))
        if cancelled:
            out["status"] = "cancelled"
        for key in ("creator", "organizer"):
            if key in out and out[key].get("email") == viewer:
                out[key]["self"] = True
        for att in out.get("attendees") or []:
            if att.get("email") == viewer:
                att["self"] = True
        private = ev.private.get(viewer)
        ext = out.pop("extendedProperties", {}) or {}
        if private:
            ext["private"] = copy.deepcopy(private)
        if ext:
            out["extendedProperties"] = ext
        return out

    def _series(self, ev: Event) -> Series | None:
        lines = ev.body.get("recurrence")
        if not lines or ev.master_id:
            return None
        cal_tz = self._calendar_tz(ev.owner)
        start = _event_time(ev.body["start"], cal_tz)
        end = _event_time(ev.body["end"], cal_tz)
        tz_name = None
        if isinstance(start, datetime):
            tz_name = ev.body["start"].get("timeZone") or cal_tz
        return Series(start, end, tz_name, list(lines), self.max_instances, cal_tz)

    def _instance(self, master: Event, series: Series, original, viewer: str) -> dict:
        out = self._render(master, viewer, full=True)
        out.pop("recurrence", None)
        out["id"] = f"{master.id}_{instance_suffix(original)}"
        out["recurringEventId"] = master.id
        out["originalStartTime"] = _edt(original, series.tz_name)
        out["start"] = _edt(original, series.tz_name)
        out["end"] = _edt(series.end_of(original), series.tz_name)
        return out

    def _virtual(self, account: str, event_id: str):
        """(master, series, original) for a not-yet-materialized instance id."""
        if "_" not in event_id:
            return None
        master_id, suffix = event_id.rsplit("_", 1)
        master = self._lookup(account, master_id)
        original = _parse_suffix(suffix)
        if master is None or original is None or master.cancelled_for(account):
            return None
        series = self._series(master)
        if series is None:
            return None
        if isinstance(original, datetime) != (not series.allday):
            return None
        if isinstance(original, datetime):
            original = original.astimezone(ZoneInfo(series.tz_name))
        if not series.contains(original):
            return None
        return master, series, original

    def _target(self, account: str, event_id: str) -> Event:
        """The stored event for an id, materializing an instance as an exception."""
        ev = self._lookup(account, event_id)
        if ev is not None:
            return ev
        found = self._virtual(account, event_id)
        if found is None:
            raise _not_found()
        master, series, original = found
        body = self._instance(master, series, original, master.owner)
        body.pop("extendedProperties", None)
        shared = (master.body.get("extendedProperties") or {}).get("shared")
        if shared:
            body["extendedProperties"] = {"shared": copy.deepcopy(shared)}
        for att in body.get("attendees") or []:
            att.pop("self", None)
        for key in ("creator", "organizer"):
            body.get(key, {}).pop("self", None)
        ev = Event(event_id, master.owner, body, 0, next(self._order))
        ev.private = copy.deepcopy(master.private)
        ev.hidden = set(master.hidden)
        self._events.setdefault(master.owner, {})[event_id] = ev
        self._reindex_guests(ev, set())
        return ev

    # ------------------------------------------------------------------ writes

    def _normalize(self, account: str, body: dict, params: dict, old: dict | None):
        """Validate a full event body and apply Google's normalizations in place."""
        cal_tz = self._calendar_tz(account)
        if "start" not in body or "end" not in body:
            raise _bad_request("Missing end time.", reason="required")
        start = _event_time(body["start"], cal_tz)
        end = _event_time(body["end"], cal_tz)
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise _bad_request(
                "Start and end times must either both be date or both be dateTime."
            )
        if _as_utc(end, cal_tz) < _as_utc(start, cal_tz):
            raise _bad_request(
                "The specified time range is empty.", reason="timeRangeEmpty"
            )
        if body.get("recurrence"):
            if isinstance(start, datetime) and not body["start"].get("timeZone"):
                raise _bad_request("Missing time zone definition for start time.")
            tz_name = (
                body["start"].get("timeZone") if isinstance(start, datetime) else None
            )
            list(
                Series(
                    start, end, tz_name, list(body["recurrence"]), 2, cal_tz
                ).occurrences()
            )
        body.setdefault("status", "confirmed")
        if body.get("visibility") == "default":
            del body["visibility"]
        if body.get("transparency") == "opaque":
            del body["transparency"]
        if not body.get("guestsCanModify", True):
            del body["guestsCanModify"]
        body.setdefault("reminders", {"useDefault": True})
        self._normalize_attendees(body)
        self._conference(body, params, old)

    def _normalize_attendees(self, body: dict) -> None:
        attendees = body.get("attendees")
        if not attendees:
            body.pop("attendees", None)
            return
        organizer = body["organizer"]["email"]
        out = []
        for att in attendees:
            if not att.get("email"):
                raise _bad_request("Missing attendee email.", reason="required")
            att = {k: v for k, v in att.items() if k not in ("self", "organizer", "id")}
            att["email"] = att["email"].strip().lower()
            att.setdefault("responseStatus", "needsAction")
            if att["email"] == organizer:
                att["organizer"] = True
            out.append(att)
        body["attendees"] = out

    def _conference(self, body: dict, params: dict, old: dict | None) -> None:
        version = str(_qone(params, "conferenceDataVersion") or "0")
        old = old or {}
        if version != "1":
            if "conferenceData" in old:
                body["conferenceData"] = copy.deepcopy(old["conferenceData"])
                if "hangoutLink" in old:
                    body["hangoutLink"] = old["hangoutLink"]
            else:
                body.pop("conferenceData", None)
            return
        data = body.get("conferenceData")
        if not data:
            body.pop("conferenceData", None)
            body.pop("hangoutLink", None)
            return
        request = data.get("createRequest")
        if request and "conferenceId" not in data:
            meet_id = "-".join(
                "".join(secrets.choice("abcdefghijkmnopqrstuvwxyz") for _ in range(n))
                for n in (3, 4, 3)
            )
            uri = f"https://meet.google.com/{meet_id}"
            data = {
                "createRequest": {**request, "status": {"statusCode": "success"}},
                "entryPoints": [
                    {"entryPointType": "video", "uri": uri, "label": uri[8:]}
                ],
                "conferenceSolution": {
                    "key": {"type": "hangoutsMeet"},
                    "name": "Google Meet",
                    "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
                },
                "conferenceId": meet_id,
            }
            body["conferenceData"] = data
        video = [
            e for e in data.get("entryPoints", []) if e.get("entryPointType") == "video"
        ]
        if video and "meet.google.com" in video[0].get("uri", ""):
            body["hangoutLink"] = video[0]["uri"]

    def _insert(self, account: str, body: dict, params: dict) -> Event:
        event_id = body.get("id")
        if event_id is not None:
            if not isinstance(event_id, str) or not EVENT_ID_RE.match(event_id):
                raise _bad_request("Invalid resource id value.")
            if self._lookup(account, event_id) or event_id in self._detached.get(
                account, {}
            ):
                raise ApiError(
                    409, "duplicate", "The requested identifier already exists."
                )
        else:
            event_id = uuid.uuid4().hex[:26]
        private = (body.get("extendedProperties") or {}).get("private")
        for key in READ_ONLY_FIELDS:
            body.pop(key, None)
        body["id"] = event_id
        body["kind"] = "calendar#event"
        body["creator"] = {"email": account}
        body["organizer"] = {"email": account}
        body.setdefault("iCalUID", f"{event_id}@google.com")
        body.setdefault("sequence", 0)
        eid = (
            base64.urlsafe_b64encode(f"{event_id} {account}".encode())
            .decode()
            .rstrip("=")
        )
        body["htmlLink"] = f"{self.base_url}/calendar/event?eid={eid}"
        self._split_private(body)
        self._normalize(account, body, params, None)
        ev = Event(event_id, account, body, 0, next(self._order))
        if private:
            ev.private[account] = dict(private)
        self._bump(ev)
        body["created"] = body["updated"]
        self._events.setdefault(account, {})[event_id] = ev
        self._reindex_guests(ev, set())
        return ev

    @staticmethod
    def _split_private(body: dict) -> None:
        ext = body.get("extendedProperties")
        if not ext:
            body.pop("extendedProperties", None)
            return
        ext = {k: v for k, v in ext.items() if k == "shared" and v}
        if ext:
            body["extendedProperties"] = ext
        else:
            body.pop("extendedProperties", None)

    def _merged(self, ev: Event, account: str, patch: dict, full: bool) -> dict:
        """The new stored body after a PATCH/PUT (not yet normalized)."""
        keep = {
            k: ev.body[k] for k in READ_ONLY_FIELDS + ("id", "iCalUID") if k in ev.body
        }
        current = self._render(ev, account, full=True)
        if full:
            new = {k: v for k, v in patch.items() if k not in READ_ONLY_FIELDS}
            new.setdefault("sequence", ev.body.get("sequence", 0))
        else:
            new = _deep_merge(
                current, {k: v for k, v in patch.items() if k not in READ_ONLY_FIELDS}
            )
        new.pop("etag", None)
        new.update({k: copy.deepcopy(v) for k, v in keep.items()})
        return new

    def _check_guest_write(self, ev: Event, account: str, new: dict) -> None:
        """An attendee may only change its own answer (and its private copy)."""
        if account == ev.owner:
            return
        old = self._render(ev, account, full=True)
        if _shared(old) != _shared(new):
            raise _forbidden_for_non_organizer()
        if ev.body.get("guestsCanModify"):
            return
        if _comparable(old, account) != _comparable(new, account):
            raise _forbidden_for_non_organizer()

    def _patch(self, account: str, ev: Event, patch: dict, params: dict, full: bool):
        new = self._merged(ev, account, patch, full)
        self._check_guest_write(ev, account, new)
        private = (new.get("extendedProperties") or {}).get("private")
        self._split_private(new)
        for att in new.get("attendees") or []:
            att.pop("self", None)
        for key in ("creator", "organizer"):
            new.get(key, {}).pop("self", None)
        self._normalize(ev.owner, new, params, ev.body)
        timing = ("start", "end", "recurrence")
        if (
            any(new.get(k) != ev.body.get(k) for k in timing)
            and "sequence" not in patch
        ):
            new["sequence"] = ev.body.get("sequence", 0) + 1
        before = ev.guests()
        invited = _emails(ev.body)
        ev.body = new
        if private is not None or (full and account in ev.private):
            ev.private[account] = dict(private or {})
        if new.get("status") != "cancelled":
            ev.hidden.discard(account)
        self._bump(ev)
        self._reindex_guests(ev, before)
        if account == ev.owner and new.get("recurrence") and not ev.master_id:
            self._invite_to_exceptions(ev, invited)

    def _invite_to_exceptions(self, master: Event, invited: set[str]) -> None:
        """Guests the organizer adds to (removes from) a whole series are added
        to (removed from) its modified occurrences too, each keeping its own
        answers, as Google Calendar's "All events" guest change in its web
        client (which edits the master) invites the guest to the whole series.
        No Google document we found says how an API patch of the master's
        attendees treats exceptions (see DEVELOPERS.md); not verified against
        the live API. A deleted occurrence (a cancelled exception) is listed
        to the new guest too: it stays deleted in their calendar, as their
        instances already have it, and a client that lists the series (not
        its instances) learns it only from that exception."""
        now = _emails(master.body)
        added, removed = now - invited, invited - now
        if not added and not removed:
            return
        for other in list(self._events.get(master.owner, {}).values()):
            if other.master_id != master.id:
                continue
            attendees = [
                att
                for att in other.body.get("attendees") or []
                if (att.get("email") or "").lower() not in removed
            ]
            present = {(att.get("email") or "").lower() for att in attendees}
            attendees += [
                copy.deepcopy(att)
                for att in master.body.get("attendees") or []
                if (att.get("email") or "").lower() in added - present
            ]
            before = other.guests()
            other.body["attendees"] = attendees
            self._bump(other)
            self._reindex_guests(other, before)

    def _delete(self, account: str, ev: Event) -> None:
        if ev.cancelled_for(account):
            raise ApiError(410, "deleted", "Resource has been deleted")
        if account != ev.owner:
            ev.hidden.add(account)
            for att in ev.body.get("attendees") or []:
                if att.get("email") == account:
                    att["responseStatus"] = "declined"
            self._bump(ev)
            return
        ev.body["status"] = "cancelled"
        self._bump(ev)
        if ev.body.get("recurrence") and not ev.master_id:
            for other in self._events.get(ev.owner, {}).values():
                if other.master_id == ev.id and not other.cancelled:
                    other.body["status"] = "cancelled"
                    self._bump(other)

    # -------------------------------------------------------------- dispatch

    def handle(
        self, method: str, target: str, headers: dict, body: bytes, in_batch: bool
    ) -> Response:
        """Answer one request (a direct HTTP request or one batch item)."""
        split = urlsplit(target)
        path = split.path
        query = _flatten(parse_qs(split.query, keep_blank_values=True))
        record = {
            "method": method,
            "path": path,
            "query": query,
            "batch": in_batch,
            "sendUpdates": _qone(query, "sendUpdates"),
            "status": None,
            "account": None,
        }
        with self.lock:
            self.requests.append(record)
            fault = self._take_fault(method, path, in_batch)
            try:
                if fault is not None and not fault.after:
                    raise fault.error()
                response = self._route(method, path, query, headers, body, record)
                if fault is not None:
                    raise fault.error()
            except ApiError as exc:
                response = _json(exc.body(), exc.status, **exc.headers)
                if fault is not None and fault.html is not None:
                    response = fault.page()
            except OAuthError as exc:
                response = _json(
                    {"error": exc.error, "error_description": exc.description},
                    exc.status,
                )
            record["status"] = response.status
            return response

    def _take_fault(self, method: str, path: str, in_batch: bool) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path, in_batch):
                fault.times -= 1
                return fault
        return None

    def _route(self, method, path, query, headers, body, record) -> Response:
        if path in ("/o/oauth2/auth", "/o/oauth2/v2/auth") and method == "GET":
            return self._authorize(query)
        if path == "/o/oauth2/approve" and method == "POST":
            return self._approve(_form(body))
        if path in ("/token", "/o/oauth2/token") and method == "POST":
            return self._token(_form(body), headers)
        if path in ("/revoke", "/o/oauth2/revoke") and method in ("POST", "GET"):
            return self._revoke({**query, **_form(body)})
        if path == "/batch/calendar/v3" and method == "POST":
            if "multipart/mixed" not in headers.get("content-type", ""):
                raise _bad_request("Batch requests must be multipart/mixed.")
            return self._batch(headers, body)
        if path == "/calendar/v3/channels/stop" and method == "POST":
            record["account"] = self._account_for(headers)
            return self._stop_channel(_json_body(body))
        watch = re.match(r"^/calendar/v3/calendars/([^/]+)/events/watch$", path)
        if watch and method == "POST":
            account = self._account_for(headers)
            record["account"] = account
            if unquote(watch.group(1)).lower() not in ("primary", account):
                raise _not_found()
            return self._watch(account, _json_body(body))
        match = re.match(
            r"^/calendar/v3/calendars/([^/]+)(/events(?:/([^/]+))?(/instances)?)?/?$",
            path,
        )
        if not match:
            raise _not_found()
        token = _qone(query, "access_token")
        if token and not headers.get("authorization"):
            # Google's standard query parameter: the OAuth 2.0 token of the
            # request in the URL (what Odoo's own google_calendar sends on
            # GET and DELETE) instead of the Authorization header
            headers = {**headers, "authorization": f"Bearer {token}"}
        account = self._account_for(headers)
        record["account"] = account
        cid = unquote(match.group(1)).lower()
        if cid not in ("primary", account):
            raise _not_found()
        payload = _json_body(body) if method in ("POST", "PUT", "PATCH") else {}
        event_id = unquote(match.group(3)) if match.group(3) else None
        return self._calendar_route(
            method, account, match, event_id, query, headers, payload
        )

    def _calendar_route(
        self, method, account, match, event_id, query, headers, payload
    ):
        if match.group(2) is None:
            if method != "GET":
                raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
            return _json(self._calendar_resource(account))
        if event_id is None:
            if method == "GET":
                return _json(self._list(account, query))
            if method == "POST":
                ev = self._insert(account, payload, query)
                self._mail(account, ev, set(), query, "insert")
                return _json(self._render(ev, account, full=True))
            raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
        if match.group(4):
            if method != "GET":
                raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
            return _json(self._instances(account, event_id, query))
        return self._event_route(method, account, event_id, query, headers, payload)

    def _event_route(self, method, account, event_id, query, headers, payload):
        if method == "GET":
            ev = self._lookup(account, event_id)
            if ev is not None:
                return _json(self._render(ev, account, full=True))
            found = self._virtual(account, event_id)
            if found is None:
                raise _not_found()
            return _json(self._instance(*found, account))
        if method not in ("PATCH", "PUT", "DELETE"):
            raise ApiError(405, "methodNotAllowed", "Method Not Allowed")
        existing = self._lookup(account, event_id)
        if existing is None and self._virtual(account, event_id) is None:
            raise _not_found()
        self._check_if_match(existing, account, event_id, headers, method)
        ev = self._target(account, event_id)
        before = ev.guests()
        if method == "DELETE":
            self._delete(account, ev)
            self._mail(account, ev, before, query, "delete")
            return Response(204, None, {}, content_type="")
        self._patch(account, ev, payload, query, full=method == "PUT")
        self._mail(account, ev, before, query, "patch")
        return _json(self._render(ev, account, full=True))

    def _mail(self, account: str, ev: Event, before: set[str], query, write) -> None:
        """Record the mails Google sends for an API write: none unless
        ``sendUpdates`` is ``all`` or ``externalOnly`` (the API's default is
        ``none``); then the organizer's write reaches the guests (an
        invitation for the new ones, a cancellation for those removed or when
        the event is deleted, an update for the others) and a guest's write
        (its answer) reaches the organizer."""
        if _qone(query, "sendUpdates") not in ("all", "externalOnly"):
            return
        subject = ev.body.get("summary", "")
        if account != ev.owner:
            mails = [("answer", [ev.owner])]
        elif write == "delete" or ev.cancelled:
            mails = [("cancel", sorted(before | ev.guests()))]
        else:
            after = ev.guests()
            mails = [
                ("invite", sorted(after - before)),
                ("update", sorted(after & before)),
                ("cancel", sorted(before - after)),
            ]
        for action, recipients in mails:
            if recipients:
                self.mails.append(
                    {
                        "account": account,
                        "event_id": ev.id,
                        "action": action,
                        "recipients": recipients,
                        "subject": subject,
                    }
                )

    def _check_if_match(self, ev, account, event_id, headers, method) -> None:
        """412 ``conditionNotMet`` when ``If-Match`` names another etag.

        As RFC 9110 13.2.1 says, the condition is ignored when the request would
        fail anyway: deleting an event that is already deleted stays a 410.
        """
        expected = headers.get("if-match")
        if not expected or expected.strip() == "*":
            return
        if method == "DELETE" and ev is not None and ev.cancelled_for(account):
            return
        if ev is not None:
            etag = ev.body["etag"]
        else:
            etag = self._instance(*self._virtual(account, event_id), account)["etag"]
        if expected.strip() != etag:
            raise ApiError(
                412,
                "conditionNotMet",
                "Precondition Failed",
                location="If-Match",
                location_type="header",
            )

    def _calendar_resource(self, account: str) -> dict:
        return {
            "kind": "calendar#calendar",
            "etag": f'"{ETAG_BASE}"',
            "id": account,
            "summary": account,
            "timeZone": self._calendar_tz(account),
            "conferenceProperties": {
                "allowedConferenceSolutionTypes": ["hangoutsMeet"]
            },
        }

    # ---------------------------------------------------------------- lists

    def _list(self, account: str, query: dict) -> dict:
        page_token = _qone(query, "pageToken")
        size = self._page_size(query)
        if page_token:
            state = self._pages.get(page_token)
            if state is None or state["account"] != account:
                raise _bad_request("Invalid page token value.", location="pageToken")
        else:
            state = self._snapshot(account, query)
        return self._page(account, state, size)

    @staticmethod
    def _page_size(query: dict) -> int:
        raw = _qone(query, "maxResults")
        if raw is None:
            return DEFAULT_PAGE
        try:
            size = int(raw)
        except ValueError:
            raise _bad_request(
                "Invalid value for: maxResults", location="maxResults"
            ) from None
        if size < 1:
            raise _bad_request("Invalid value for: maxResults", location="maxResults")
        return min(size, MAX_PAGE)

    def _page(self, account: str, state: dict, size: int) -> dict:
        items = state["items"][state["offset"] : state["offset"] + size]
        rest = state["offset"] + size
        out = {
            "kind": "calendar#events",
            "etag": f'"{ETAG_BASE + state["seq"]}"',
            "summary": account,
            "description": "",
            "updated": rfc3339(self._last_stamp or self.clock()),
            "timeZone": self._calendar_tz(account),
            "accessRole": "owner",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
            "items": items,
        }
        if rest < len(state["items"]):
            token = secrets.token_urlsafe(24)
            self._pages[token] = {**state, "offset": rest}
            out["nextPageToken"] = token
        elif state.get("sync"):
            token = "C" + secrets.token_urlsafe(24)
            self._sync_tokens[token] = {
                "account": account,
                "seq": state["seq"],
                "singleEvents": state["singleEvents"],
            }
            out["nextSyncToken"] = token
        return out

    def _snapshot(self, account: str, query: dict) -> dict:
        single = _qbool(query, "singleEvents")
        sync_token = _qone(query, "syncToken")
        if sync_token:
            return self._incremental(account, query, sync_token, single)
        order_by = _qone(query, "orderBy")
        if order_by not in (None, "startTime", "updated"):
            raise _bad_request("Invalid value for: orderBy", location="orderBy")
        if order_by == "startTime" and not single:
            raise _bad_request(
                "The requested ordering is not available for the particular query.",
                reason="badRequest",
            )
        flt = self._filters(account, query)
        items = []
        for ev in self._view(account):
            items.extend(self._full_items(account, ev, flt, single))
        items = self._order_items(items, order_by, account)
        return {
            "account": account,
            "items": items,
            "offset": 0,
            "seq": self._seq,
            "singleEvents": single,
            "sync": True,
        }

    def _filters(self, account: str, query: dict) -> dict:
        time_min = _qone(query, "timeMin")
        time_max = _qone(query, "timeMax")
        flt = {
            "min": parse_rfc3339(time_min, "timeMin") if time_min else None,
            "max": parse_rfc3339(time_max, "timeMax") if time_max else None,
            "updatedMin": None,
            "showDeleted": _qbool(query, "showDeleted"),
            "iCalUID": _qone(query, "iCalUID"),
            "q": (_qone(query, "q") or "").lower(),
            "private": [
                p.split("=", 1) for p in _qlist(query, "privateExtendedProperty")
            ],
            "shared": [
                p.split("=", 1) for p in _qlist(query, "sharedExtendedProperty")
            ],
        }
        if flt["min"] and flt["max"] and flt["max"] <= flt["min"]:
            raise _bad_request(
                "The specified time range is empty.",
                reason="timeRangeEmpty",
                location="timeMax",
            )
        updated_min = _qone(query, "updatedMin")
        if updated_min:
            flt["updatedMin"] = parse_rfc3339(updated_min, "updatedMin")
            if flt["updatedMin"] < self.clock() - timedelta(days=28):
                raise ApiError(
                    410,
                    "updatedMinTooLongAgo",
                    "The requested minimum modification time lies too far in the past.",
                    "calendar",
                    "updatedMin",
                )
        for pair in flt["private"] + flt["shared"]:
            if len(pair) != 2:
                raise _bad_request("Invalid extended property filter.")
        return flt

    def _incremental(self, account: str, query: dict, token: str, single: bool) -> dict:
        for name in SYNC_FORBIDDEN:
            if name in query:
                raise _bad_request(
                    f"Sync token cannot be used with {name}.", location=name
                )
        if query.get("showDeleted", "true").lower() == "false":
            raise _bad_request("Sync token cannot be used with showDeleted=false.")
        state = self._sync_tokens.get(token)
        if state is None or state["account"] != account:
            raise ApiError(
                410,
                "fullSyncRequired",
                "Sync token is no longer valid, a full sync is required.",
                "calendar",
                "syncToken",
            )
        if state["singleEvents"] != single:
            raise _bad_request(
                "singleEvents must equal the value of the initial full sync."
            )
        since = state["seq"]
        changed = [ev for ev in self._view(account) if ev.seq > since]
        changed += [
            t for t in self._detached.get(account, {}).values() if t.seq > since
        ]
        changed.sort(key=lambda e: e.seq)
        items = []
        for ev in changed:
            items.extend(self._changed_items(account, ev, single))
        return {
            "account": account,
            "items": items,
            "offset": 0,
            "seq": self._seq,
            "singleEvents": single,
            "sync": True,
        }

    def _changed_items(self, account: str, ev: Event, single: bool) -> list[dict]:
        if (
            ev.cancelled_for(account)
            or ev.owner != account
            and account not in ev.guests()
        ):
            return [self._render(ev, account, full=False)]
        series = self._series(ev)
        if single and series is not None:
            exceptions = self._exception_ids(ev)
            return [
                self._instance(ev, series, occ, account)
                for occ in series.occurrences()
                if f"{ev.id}_{instance_suffix(occ)}" not in exceptions
            ]
        return [self._render(ev, account, full=False)]

    def _exception_ids(self, master: Event) -> set[str]:
        return {
            e.id
            for e in self._events.get(master.owner, {}).values()
            if e.master_id == master.id
        }

    def _full_items(
        self, account: str, ev: Event, flt: dict, single: bool
    ) -> list[dict]:
        if not self._passes(account, ev, flt):
            return []
        cancelled = ev.cancelled_for(account)
        series = self._series(ev)
        if cancelled:
            if flt["showDeleted"] or flt["updatedMin"]:
                return (
                    []
                    if (single and series)
                    else [self._render(ev, account, full=False)]
                )
            if not single and ev.master_id and not self._master_cancelled(account, ev):
                return [self._render(ev, account, full=False)]
            return []
        if series is None:
            return (
                [self._render(ev, account, full=False)]
                if self._overlaps(account, ev, flt)
                else []
            )
        if not single:
            return (
                [self._render(ev, account, full=False)]
                if self._series_overlaps(series, flt)
                else []
            )
        exceptions = self._exception_ids(ev)
        out = []
        for occ in series.occurrences(stop=flt["max"]):
            if f"{ev.id}_{instance_suffix(occ)}" in exceptions:
                continue
            if (
                flt["min"]
                and _as_utc(
                    series.end_of(occ), series.tz_name or self._calendar_tz(account)
                )
                <= flt["min"]
            ):
                continue
            out.append(self._instance(ev, series, occ, account))
        return out

    def _master_cancelled(self, account: str, ev: Event) -> bool:
        master = self._lookup(account, ev.master_id)
        return master is None or master.cancelled_for(account)

    def _passes(self, account: str, ev: Event, flt: dict) -> bool:
        body = ev.body
        if flt["iCalUID"] and body.get("iCalUID") != flt["iCalUID"]:
            return False
        if flt["updatedMin"] and body["updated"] < rfc3339(flt["updatedMin"]):
            return False
        private = ev.private.get(account) or {}
        if any(private.get(k) != v for k, v in flt["private"]):
            return False
        shared = (body.get("extendedProperties") or {}).get("shared") or {}
        if any(shared.get(k) != v for k, v in flt["shared"]):
            return False
        if flt["q"]:
            text = " ".join(
                str(body.get(k, "")) for k in ("summary", "description", "location")
            )
            if flt["q"] not in text.lower():
                return False
        return True

    def _overlaps(self, account: str, ev: Event, flt: dict) -> bool:
        if not (flt["min"] or flt["max"]):
            return True
        cal_tz = self._calendar_tz(account)
        start = _as_utc(_event_time(ev.body["start"], cal_tz), cal_tz)
        end = _as_utc(_event_time(ev.body["end"], cal_tz), cal_tz)
        if flt["min"] and end <= flt["min"]:
            return False
        return not (flt["max"] and start >= flt["max"])

    def _series_overlaps(self, series: Series, flt: dict) -> bool:
        if not (flt["min"] or flt["max"]):
            return True
        tz = series.tz_name or "UTC"
        for occ in series.occurrences(stop=flt["max"]):
            if not flt["min"] or _as_utc(series.end_of(occ), tz) > flt["min"]:
                return True
        return False

    def _order_items(
        self, items: list[dict], order_by: str | None, account: str
    ) -> list[dict]:
        if order_by == "updated":
            return sorted(items, key=lambda i: i.get("updated", ""))
        if order_by == "startTime":
            cal_tz = self._calendar_tz(account)

            def key(item):
                if "start" not in item:
                    return datetime.min.replace(tzinfo=timezone.utc)
                return _as_utc(_event_time(item["start"], cal_tz), cal_tz)

            return sorted(items, key=key)
        return items

    def _instances(self, account: str, event_id: str, query: dict) -> dict:
        page_token = _qone(query, "pageToken")
        size = self._page_size(query)
        if page_token:
            state = self._pages.get(page_token)
            if state is None:
                raise _bad_request("Invalid page token value.", location="pageToken")
            return self._page(account, state, size)
        master = self._lookup(account, event_id)
        if master is None:
            raise _not_found()
        if master.cancelled_for(account):
            raise ApiError(410, "deleted", "Resource has been deleted")
        series = self._series(master)
        flt = self._filters(
            account, {k: v for k, v in query.items() if k in ("timeMin", "timeMax")}
        )
        show_deleted = _qbool(query, "showDeleted")
        items = []
        if series is not None:
            own = self._events.get(master.owner, {})
            for occ in series.occurrences(stop=flt["max"]):
                item = self._instance_or_exception(
                    account, master, series, occ, own, show_deleted
                )
                if item is not None and self._item_in_window(item, flt, account):
                    items.append(item)
        state = {
            "account": account,
            "items": items,
            "offset": 0,
            "seq": self._seq,
            "singleEvents": True,
            "sync": False,
        }
        return self._page(account, state, size)

    def _instance_or_exception(self, account, master, series, occ, own, show_deleted):
        exc = own.get(f"{master.id}_{instance_suffix(occ)}")
        if exc is None:
            return self._instance(master, series, occ, account)
        if exc.cancelled_for(account):
            return self._render(exc, account, full=False) if show_deleted else None
        return self._render(exc, account, full=True)

    def _item_in_window(self, item: dict, flt: dict, account: str) -> bool:
        if item.get("status") == "cancelled" or not (flt["min"] or flt["max"]):
            return True
        cal_tz = self._calendar_tz(account)
        start = _as_utc(_event_time(item["start"], cal_tz), cal_tz)
        end = _as_utc(_event_time(item["end"], cal_tz), cal_tz)
        if flt["min"] and end < flt["min"]:
            return False
        return not (flt["max"] and start >= flt["max"])

    # ----------------------------------------------------------------- OAuth

    def _client_creds(self, form: dict, headers: dict) -> tuple[str, str]:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                raw = base64.b64decode(auth[6:]).decode()
            except ValueError:
                raise OAuthError(401, "invalid_client", "Unauthorized") from None
            cid, _, secret = raw.partition(":")
            return unquote(cid), unquote(secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def _check_client(self, client_id: str, secret: str) -> None:
        # Google's order: the client id, then whether a secret is sent at all
        # (400 invalid_request, not 401), then the secret itself.
        if not client_id:
            raise OAuthError(
                400, "invalid_request", "Could not determine client ID from request."
            )
        if client_id not in self.clients:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        if not secret:
            raise OAuthError(400, "invalid_request", "client_secret is missing.")
        if self.clients[client_id] != secret:
            raise OAuthError(401, "invalid_client", "Unauthorized")

    def _authorize(self, query: dict) -> Response:
        params = {k: _qone(query, k) or "" for k in query}
        if params.get("client_id") not in self.clients:
            return _page_html(
                401, "Error 401: invalid_client", "The OAuth client was not found."
            )
        if not params.get("redirect_uri") or params.get("response_type") != "code":
            return _page_html(
                400,
                "Error 400: invalid_request",
                "Missing redirect_uri or response_type=code.",
            )
        if params.get("code_challenge") and params.get(
            "code_challenge_method", "plain"
        ) not in ("S256", "plain"):
            return _page_html(
                400, "Error 400: invalid_request", "Invalid code_challenge_method."
            )
        account = (params.get("login_hint") or self.default_account).strip().lower()
        if self.auto_consent:
            return self._grant(params, account)
        request_id = secrets.token_urlsafe(16)
        self._pending[request_id] = params
        return _consent_page(request_id, params, account)

    def _approve(self, form: dict) -> Response:
        params = self._pending.pop(form.get("request_id", ""), None)
        if params is None:
            return _page_html(
                400, "Error 400: invalid_request", "Unknown or used consent request."
            )
        if form.get("action") == "deny":
            query = {"error": "access_denied", "state": params.get("state", "")}
            return _redirect(params["redirect_uri"], query)
        account = (
            (form.get("account") or params.get("login_hint") or self.default_account)
            .strip()
            .lower()
        )
        return self._grant(params, account)

    def _grant(self, params: dict, account: str) -> Response:
        account = self._ensure_account(account)
        client_id = params["client_id"]
        first = (account, client_id) not in self._consents
        self._consents.add((account, client_id))
        code = "4/" + secrets.token_urlsafe(32)
        scope = params.get("scope") or CALENDAR_SCOPE
        self._codes[code] = {
            "account": account,
            "client_id": client_id,
            "redirect_uri": params["redirect_uri"],
            "challenge": params.get("code_challenge"),
            "method": params.get("code_challenge_method") or "plain",
            "scope": scope,
            "offline": params.get("access_type") == "offline"
            and (first or "consent" in (params.get("prompt") or "").split()),
            "expires_at": self.clock() + timedelta(seconds=AUTH_CODE_TTL),
        }
        query = {"code": code}
        if params.get("state"):
            query["state"] = params["state"]
        query["scope"] = scope
        return _redirect(params["redirect_uri"], query)

    def _token(self, form: dict, headers: dict) -> Response:
        client_id, secret = self._client_creds(form, headers)
        self._check_client(client_id, secret)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return _json(
                self._code_grant(form, client_id), headers={"Cache-Control": "no-store"}
            )
        if grant == "refresh_token":
            return _json(self._refresh_grant(form, client_id))
        raise OAuthError(
            400, "unsupported_grant_type", "Invalid grant_type: " + str(grant)
        )

    def _code_grant(self, form: dict, client_id: str) -> dict:
        info = self._codes.pop(form.get("code", ""), None)
        if info is None or info["client_id"] != client_id:
            raise OAuthError(400, "invalid_grant", "Malformed auth code.")
        if info["expires_at"] <= self.clock():
            raise OAuthError(400, "invalid_grant", "Bad Request")
        if form.get("redirect_uri") != info["redirect_uri"]:
            raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
        if info["challenge"]:
            verifier = form.get("code_verifier")
            if not verifier:
                raise OAuthError(400, "invalid_grant", "Missing code verifier.")
            if info["method"] == "S256":
                digest = hashlib.sha256(verifier.encode()).digest()
                computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            else:
                computed = verifier
            if computed != info["challenge"]:
                raise OAuthError(400, "invalid_grant", "Invalid code verifier.")
        out = {
            "access_token": self._new_access(info["account"], client_id, info["scope"]),
            "expires_in": ACCESS_TOKEN_TTL,
            "scope": info["scope"],
            "token_type": "Bearer",
        }
        if info["offline"]:
            out["refresh_token"] = self._new_refresh(
                info["account"], client_id, info["scope"]
            )
        return out

    def _refresh_grant(self, form: dict, client_id: str) -> dict:
        token = form.get("refresh_token", "")
        info = self._refresh.get(token)
        if info is None or info["client_id"] != client_id:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        out = {
            "access_token": self._new_access(info["account"], client_id, info["scope"]),
            "expires_in": ACCESS_TOKEN_TTL,
            "scope": info["scope"],
            "token_type": "Bearer",
        }
        if self.rotate_refresh_tokens:
            del self._refresh[token]
            out["refresh_token"] = self._new_refresh(
                info["account"], client_id, info["scope"]
            )
        return out

    def _revoke(self, form: dict) -> Response:
        token = _qone(form, "token") or ""
        if token in self._refresh:
            info = self._refresh.pop(token)
            for access in [
                t
                for t, v in self._access.items()
                if v["account"] == info["account"]
                and v["client_id"] == info["client_id"]
            ]:
                del self._access[access]
            return _json({})
        if token in self._access:
            del self._access[token]
            return _json({})
        raise OAuthError(400, "invalid_token", "Token expired or revoked")

    # ----------------------------------------------------------------- batch

    def _batch(self, headers: dict, body: bytes) -> Response:
        parts = _parse_multipart(headers["content-type"], body)
        if not parts:
            raise _bad_request("Batch request has no parts.")
        if len(parts) > 1000:
            raise _bad_request("Too many requests in batch request. Limit is 1000.")
        boundary = "batch_" + secrets.token_hex(12)
        chunks = []
        for content_id, raw in parts:
            method, target, inner_headers, inner_body = _parse_http_request(raw)
            if "authorization" not in inner_headers and "authorization" in headers:
                inner_headers["authorization"] = headers["authorization"]
            response = self.handle(
                method, target, inner_headers, inner_body, in_batch=True
            )
            chunks.append(_batch_part(boundary, content_id, response))
        payload = "".join(chunks) + f"--{boundary}--\r\n"
        return Response(
            200, payload.encode(), {}, f"multipart/mixed; boundary={boundary}"
        )


# ---------------------------------------------------------------- wire helpers


def _flatten(parsed: dict) -> dict:
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def _form(body: bytes) -> dict:
    return _flatten(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))


def _json_body(body: bytes) -> dict:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        raise ApiError(400, "parseError", "Parse Error") from None
    if not isinstance(data, dict):
        raise ApiError(400, "parseError", "Parse Error")
    return data


def _redirect(uri: str, query: dict) -> Response:
    sep = "&" if "?" in uri else "?"
    return Response(302, b"", {"Location": uri + sep + urlencode(query)}, "text/html")


def _page_html(status: int, title: str, text: str) -> Response:
    title, text = html.escape(title), html.escape(text)
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return Response(status, page.encode(), {}, "text/html; charset=utf-8")


def _consent_page(request_id: str, params: dict, account: str) -> Response:
    esc = html.escape
    page = f"""<!DOCTYPE html>
<html><head><title>Sign in - Google Accounts (emulator)</title></head>
<body>
<h1>Google emulator: consent</h1>
<p>The application <b>{esc(params.get("client_id", ""))}</b> wants to access your Google
Calendar (<code>{esc(params.get("scope", ""))}</code>).</p>
<form method="post" action="/o/oauth2/approve" id="emulator-consent-form">
  <input type="hidden" name="request_id" value="{esc(request_id)}"/>
  <label>Account
    <input type="email" name="account" id="emulator-consent-account"
      value="{esc(account)}"/></label>
  <button type="submit" name="action" value="allow"
    id="emulator-consent-allow">Allow</button>
  <button type="submit" name="action" value="deny"
    id="emulator-consent-deny">Cancel</button>
</form>
</body></html>"""
    return Response(200, page.encode(), {}, "text/html; charset=utf-8")


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    """Split headers from body at the first blank line (CRLF or LF)."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        return raw, b""
    return raw[: match.start()], raw[match.end() :]


def _header_lines(head: bytes) -> dict:
    out = {}
    for line in re.split(rb"\r?\n", head):
        if b":" in line:
            key, _, value = line.decode("utf-8", "replace").partition(":")
            out[key.strip().lower()] = value.strip()
    return out


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """Parts of a multipart/mixed body as (Content-ID, inner HTTP request bytes)."""
    msg = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    boundary = msg.get_boundary()
    if not boundary:
        raise _bad_request("Missing multipart boundary.")
    delimiter = re.compile(
        rb"(?:^|\r?\n)--" + re.escape(boundary.encode()) + rb"(--)?[ \t]*(?:\r?\n|$)"
    )
    pieces = delimiter.split(body)
    parts = []
    # split() yields: preamble, group, part, group, part, ... ; group == b"--" at end
    for index in range(1, len(pieces) - 1, 2):
        if pieces[index] == b"--":
            break
        head, inner = _split_head(pieces[index + 1])
        content_id = _header_lines(head).get("content-id", "")
        parts.append((content_id, inner))
    return parts


def _parse_http_request(raw: bytes) -> tuple[str, str, dict, bytes]:
    raw = raw.lstrip(b"\r\n")
    line, _, rest = raw.partition(b"\n")
    pieces = line.decode("utf-8", "replace").strip().split(" ")
    if len(pieces) < 2:
        raise _bad_request("Malformed batch item.")
    head, body = _split_head(rest) if rest.strip() else (b"", b"")
    headers = _header_lines(head)
    if "content-length" in headers:
        try:
            body = body[: int(headers["content-length"])]
        except ValueError:  # as Google: a bad length is ignored
            body = body.rstrip(b"\r\n")
    else:
        body = body.rstrip(b"\r\n")
    return pieces[0].upper(), pieces[1], headers, body


def _batch_part(boundary: str, content_id: str, response: Response) -> str:
    inner_id = content_id.strip()
    if inner_id.startswith("<") and inner_id.endswith(">"):
        inner_id = inner_id[1:-1]
    payload = response.payload().decode("utf-8")
    lines = [
        f"HTTP/1.1 {response.status} {HTTP_REASONS.get(response.status, 'Unknown')}"
    ]
    if response.content_type:
        lines.append(f"Content-Type: {response.content_type}")
    for key, value in response.headers.items():
        lines.append(f"{key}: {value}")
    lines.append(f"Content-Length: {len(payload.encode('utf-8'))}")
    return (
        f"--{boundary}\r\n"
        "Content-Type: application/http\r\n"
        f"Content-ID: <response-{inner_id}>\r\n\r\n"
        + "\r\n".join(lines)
        + "\r\n\r\n"
        + payload
        + "\r\n"
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    emulator: GoogleEmulator  # set by GoogleEmulator.start()

    def log_message(self, format, *args):
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.emulator.latency:
            time.sleep(self.emulator.latency)
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = self.emulator.handle(
            self.command, self.path, headers, body, in_batch=False
        )
        self.emulator.hangs.wait(self.command, self.path)
        payload = response.payload()
        self.send_response(response.status, HTTP_REASONS.get(response.status))
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def main(argv: list[str] | None = None) -> None:
    """``python -m emulators.google_emulator --port 8765``"""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--account", default="user@example.com")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--auto-consent", action="store_true")
    args = parser.parse_args(argv)
    emu = GoogleEmulator(default_account=args.account, host=args.host, port=args.port)
    emu.register_client(args.client_id, args.client_secret)
    emu.auto_consent = args.auto_consent
    # a command-line tool: its output is for the person who started it
    print(  # pylint: disable=print-used
        f"Google emulator on {emu.start()} (client_id={args.client_id})", flush=True
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emu.stop()


if __name__ == "__main__":
    main()


__all__ = [
    "CALENDAR_SCOPE",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "ApiError",
    "GoogleEmulator",
    "instance_suffix",
]
