"""Stateful emulator of the Microsoft identity platform and Microsoft Graph v1.0
=============================================================================

Test infrastructure: one threaded stdlib HTTP server on 127.0.0.1 that plays
``login.microsoftonline.com`` (OpenID metadata, authorize with a consent page, token
endpoint with PKCE, nonce, refresh-token rotation and AAD-style errors) and
``graph.microsoft.com/v1.0`` (``/me``, ``/me/calendarView/delta``, events CRUD,
``/instances``, ``accept``/``tentativelyAccept``/``decline``, ``$batch`` and change
notification ``/subscriptions``, see ``emulators/graph_subscriptions.py``). It follows
``shared/reference/api-notes.md`` §0, §3 and §5.2, quirks included.

The server speaks plain http but its OpenID metadata and its ``@odata.nextLink`` /
``@odata.deltaLink`` advertise the **real https origins** (api-notes option (a)):
clients reach it through a session that rewrites those origins to
:attr:`GraphEmulator.base_url` (``services.graph_client.RewritingSession`` with
:attr:`GraphEmulator.url_mapping`). ``advertise_public_origins=False`` makes it
advertise its own http base instead (for clients without rewriting).

Public API (all methods are thread-safe)::

    with GraphEmulator() as emu:                 # or emu.start() / emu.stop()
        emu.base_url, emu.url_mapping
        emu.client_id, emu.client_secret, emu.register_client(cid, secret)
        emu.auto_consent = True                  # authorize redirects at once
        emu.default_account = "alice@contoso.com"
        emu.keep_old_refresh_tokens = True       # Microsoft keeps used ones valid
        emu.issue_tokens(account) -> {"access_token", "refresh_token"}
        emu.revoke_refresh_tokens(account, code=70008 | 700082 | 50173)
        emu.expire_access_tokens(account=None)
        emu.invalidate_delta_tokens(account=None)
        emu.mailbox_concurrency_limit = 4        # per-item 429 MailboxConcurrency
        emu.inject(method=, path_regex=, status=429, retry_after=1, times=1,
                   in_batch=None, code=None, latency=0.0, html=None)
        emu.latency = 0.0                        # seconds added to every request
        emu.requests, emu.invitations            # introspection
        emu.events(account), emu.instances(account, event_id, start, end)
        emu.add_event(account, body, organizer=None)   # as if made in Outlook
        #   start/end/recurrenceTimeZone: IANA, any Windows zone of CLDR, or
        #   graph_recurrence.custom_zone("Australia/Adelaide") for a desktop
        #   custom zone (reported as "tzone://Microsoft/Custom")
        emu.update_event(account, event_id, changes), emu.delete_event(account, id)
        emu.set_attendee_response(account, event_id, email, response)
        emu.respond(account, event_id, "accept" | "tentativelyAccept" | "decline",
                    send_response=True)            # as if answered in Outlook
        emu.deliver_invitations = True           # meetings reach attendees' mailboxes
        emu.reset()

Meetings between mailboxes of the emulator are delivered as Outlook delivers them
(:meth:`graph_mailbox.Mailbox.receive`): a meeting created, changed or cancelled by
its organizer lands in the mailbox of every attendee that exists in the emulator (an
account used once) as that mailbox's own copy, with its own id and the organizer's
iCalUId; an attendee's answer sent with ``sendResponse`` reaches the organizer's
attendee list. Simplification: a cancelled meeting is deleted from the attendees'
calendars at once (Outlook first shows it as cancelled until the attendee removes it).

Run alone: ``python -m emulators.graph_emulator --port 8765``.

Figures the emulator uses (and why):

* :data:`DELTA_MAX_PAGE_SIZE` = 1000. Graph documents no maximum for
  ``Prefer: odata.maxpagesize`` on ``calendarView/delta`` and treats it as a hint
  (microsoft-graph-docs#7352, msgraph-sdk-dotnet#3070: pages grow past it when a
  series expands). Outlook resources accept ``$top`` in 1..1000 (Microsoft's answer
  on listing messages: "within the range of 1 and 1000"), so 1000 is the largest
  figure with a public source; the emulator honours up to it.
* Default page sizes: 10 (Outlook's default for events, calendarView, instances).
* ``$batch``: at most 20 requests; Outlook runs at most 4 concurrently per mailbox.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from .graph_mailbox import (
    RESPONSES,
    Account,
    GraphError,
    Mailbox,
    Prefs,
    bad_request,
)
from .graph_recurrence import UTC, format_timestamp, parse_instant, resolve_zone
from .graph_subscriptions import SubscriptionsMixin
from .hang import Hangs

AUTHORITY_HOST = "https://login.microsoftonline.com"
GRAPH_ORIGIN = "https://graph.microsoft.com"
DELTA_MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10
MAX_TOP = 1000
BATCH_LIMIT = 20
CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
DELTA_UNSUPPORTED = ("$select", "$expand", "$filter", "$orderby", "$search", "$top")

AADSTS = {
    70000: "The provided value for the 'code' parameter is not valid.",
    70008: "The provided authorization code or refresh token has expired due to"
    " inactivity. Send a new interactive authorization request for this user and"
    " resource.",
    700082: "The refresh token has expired due to inactivity. The token was issued"
    " on {issued} and was inactive for 90.00:00:00.",
    50173: "The provided grant has expired due to it being revoked, a fresh auth"
    " token is needed. The user might have changed or reset their password. The"
    " grant was issued on '{issued}' and the TokensValidFrom date (before which"
    " tokens are not valid) for this user is '{now}'.",
    54005: "OAuth2 Authorization code was already redeemed, please retry with a new"
    " valid code or use an existing refresh token.",
    9002313: "Invalid request. Request is malformed or invalid.",
    500112: "The reply address '{got}' does not match the reply address '{want}'"
    " provided when requesting Authorization code.",
    501481: "The Code_Verifier does not match the code_challenge supplied in the"
    " authorization request.",
    700016: "Application with identifier '{client}' was not found in the directory.",
    7000215: "Invalid client secret provided. Ensure the secret being sent in the"
    " request is the client secret value, not the client secret ID, for a secret"
    " added to app '{client}'.",
    7000218: "The request body must contain the following parameter:"
    " 'client_assertion' or 'client_secret'.",
    70003: "The app requested an unsupported grant type '{grant}'.",
    50011: "The redirect URI '{got}' specified in the request does not match the"
    " redirect URIs configured for the application '{client}'.",
    65004: "User declined to consent to access the app.",
}


@dataclass
class HttpRequest:
    """One request as the dispatcher sees it (top-level or a ``$batch`` item)."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    in_batch: bool = False
    account: Account | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self):
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise bad_request(f"Invalid JSON payload: {exc}", "BadRequest") from exc

    def form(self) -> dict:
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def arg(self, name: str, default: str | None = None) -> str | None:
        """A query parameter, case-insensitive as Graph's are."""
        return self.query.get(name.lower(), default)


@dataclass
class HttpResponse:
    status: int
    headers: dict = field(default_factory=dict)
    body: object = None

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class RecordedRequest:
    """What :attr:`GraphEmulator.requests` keeps of each request."""

    method: str
    path: str
    query: dict
    headers: dict
    in_batch: bool
    status: int = 0


@dataclass
class Fault:
    """An injected failure (see :meth:`GraphEmulator.inject`)."""

    method: str | None
    path_regex: str | None
    status: int
    retry_after: int | None
    times: int
    in_batch: bool | None
    code: str | None
    message: str | None
    latency: float = 0.0
    hits: int = 0
    html: str | None = None

    def matches(self, request: HttpRequest) -> bool:
        if self.times <= 0:
            return False
        if self.method and self.method.upper() != request.method:
            return False
        if self.in_batch is not None and self.in_batch != request.in_batch:
            return False
        return not self.path_regex or re.search(self.path_regex, request.path)


FAULT_DEFAULTS = {
    429: ("ApplicationThrottled", "Application is over its MailboxConcurrency limit."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
    504: ("GatewayTimeout", "The gateway did not receive a timely response."),
    401: (
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
    ),
    500: ("InternalServerError", "An internal server error occurred."),
}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64url_json(value: dict) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode())


class GraphEmulator(SubscriptionsMixin):
    """Microsoft identity platform + Graph v1.0 calendar emulator (see module doc)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = "calendar-sync-client",
        client_secret: str = "calendar-sync-secret",
        default_account: str = "alice@contoso.com",
        tenant_id: str = "72f988bf-86f1-41af-91ab-2d7cd011db47",
        authority_host: str = AUTHORITY_HOST,
        graph_origin: str = GRAPH_ORIGIN,
        advertise_public_origins: bool = True,
        seed: int = 0,
    ):
        self.host, self.port = host, port
        self.client_id, self.client_secret = client_id, client_secret
        self.default_account = default_account
        self.tenant_id = tenant_id
        self.authority_host = authority_host.rstrip("/")
        self.graph_origin = graph_origin.rstrip("/")
        self.advertise_public_origins = advertise_public_origins
        self.auto_consent = False
        self.keep_old_refresh_tokens = True
        self.mailbox_concurrency_limit: int | None = None
        self.deliver_invitations = True
        self.throttle_retry_after = 1
        self.latency = 0.0
        self.access_token_lifetime = 3599
        self.code_lifetime = 600
        self.redirect_uris: set[str] = set()
        self.now = lambda: datetime.now(UTC)
        self._seed = seed
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes = self._build_routes()
        self._reset_state()

    # ------------------------------------------------------------- lifecycle
    def _reset_state(self) -> None:
        self.clients = {self.client_id: self.client_secret}
        self.accounts: dict[str, Account] = {}
        self.mailboxes: dict[str, Mailbox] = {}
        self.requests: list[RecordedRequest] = []
        self.invitations: list[dict] = []
        self.faults: list[Fault] = []
        self.hangs = Hangs()
        self._consents: dict[str, dict] = {}
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._refresh_tokens: dict[str, dict] = {}
        self._delta_states: dict[str, dict] = {}
        self._random = random.Random(self._seed)
        self._reset_subscriptions()

    def reset(self) -> None:
        """Forget every account, event, token, fault and recorded request."""
        with self._lock:
            self._reset_state()

    def start(self) -> GraphEmulator:
        """Start serving on a background thread; returns ``self``."""
        handler = type("GraphHandler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="graph-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> GraphEmulator:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (what the advertised origins map to)."""
        return f"http://{self.host}:{self.port}"

    @property
    def url_mapping(self) -> dict[str, str]:
        """Origin rewrites for ``RewritingSession``: real https origins -> emulator."""
        return {self.authority_host: self.base_url, self.graph_origin: self.base_url}

    @property
    def public_authority_host(self) -> str:
        return self.authority_host if self.advertise_public_origins else self.base_url

    @property
    def public_graph_root(self) -> str:
        origin = self.graph_origin if self.advertise_public_origins else self.base_url
        return origin + "/v1.0"

    # ---------------------------------------------------------- test hooks
    def account(self, email: str) -> Account:
        """The account for ``email``, created on first use."""
        email = email.strip().lower()
        with self._lock:
            if email not in self.accounts:
                local = email.split("@")[0]
                name = " ".join(p.capitalize() for p in re.split(r"[._-]", local) if p)
                self.accounts[email] = Account(
                    email=email,
                    name=name or email,
                    oid=str(uuid.uuid5(uuid.NAMESPACE_URL, "oid:" + email)),
                    tid=self.tenant_id,
                )
                box = Mailbox(self.accounts[email], self.now, self._record_mail)
                box.on_meeting_change = self._deliver
                box.on_response = self._deliver_answer
                box.on_change = self._mailbox_changed
                self.mailboxes[email] = box
            return self.accounts[email]

    def mailbox(self, email: str) -> Mailbox:
        return self.mailboxes[self.account(email).email]

    def _record_mail(self, mail: dict) -> None:
        mail["at"] = format_timestamp(self.now())
        self.invitations.append(mail)

    def _deliver(self, box: Mailbox, uid: str, recipients: list[str]) -> None:
        """The organizer's meeting ``uid`` reaches its recipients' mailboxes."""
        if not self.deliver_invitations:
            return
        source = box.organized(uid)
        for email in recipients:
            target = self.mailboxes.get(email.lower())
            if target is not None and target is not box:
                target.receive(uid, source, box)

    def _deliver_answer(self, box: Mailbox, event, answer: str) -> None:
        """An attendee's answer reaches its organizer's mailbox."""
        if not self.deliver_invitations:
            return
        organizer = (event.organizer.get("emailAddress") or {}).get("address", "")
        target = self.mailboxes.get(organizer.lower())
        if target is not None and target is not box:
            original = event.original_start if event.kind == "exception" else None
            target.record_answer(event.ical_uid, box.account.email, answer, original)

    def register_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self.clients[client_id] = client_secret

    def issue_tokens(self, account: str, client_id: str | None = None) -> dict:
        """Tokens for ``account`` without the sign-in dance (test shortcut)."""
        with self._lock:
            acc = self.account(account)
            scope = ["Calendars.ReadWrite", "User.Read", "offline_access"]
            return self._new_tokens(acc, client_id or self.client_id, scope, None)

    def revoke_refresh_tokens(self, account: str, code: int = 70008) -> None:
        """Every refresh token of ``account`` now fails with AADSTS ``code``."""
        with self._lock:
            email = self.account(account).email
            for record in self._refresh_tokens.values():
                if record["account"] == email:
                    record["revoked"] = code

    def expire_access_tokens(self, account: str | None = None) -> None:
        """Access tokens (of ``account``, or all) are expired from now on."""
        with self._lock:
            for record in self._access_tokens.values():
                if account is None or record["account"] == account.lower():
                    record["expires"] = self.now() - timedelta(seconds=1)

    def invalidate_delta_tokens(self, account: str | None = None) -> None:
        """Skip and delta tokens (of ``account``, or all) now answer 410."""
        with self._lock:
            for state in self._delta_states.values():
                if account is None or state["account"] == account.lower():
                    state["valid"] = False

    def inject(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        in_batch: bool | None = None,
        code: str | None = None,
        message: str | None = None,
        latency: float = 0.0,
        html: str | None = None,
    ) -> Fault:
        """Fail the next ``times`` matching requests with ``status``.

        ``in_batch``: None = top-level requests and ``$batch`` items, True = only
        ``$batch`` items, False = only top-level requests. ``latency`` seconds are
        added to each hit; ``status=0`` with ``latency`` only slows requests down.
        ``html``: answer ``status`` (say 200) with this HTML page instead of
        Graph's JSON (a proxy or captive portal in the way); nothing is done.
        """
        fault = Fault(
            method, path_regex, status, retry_after, times, in_batch, code, message
        )
        fault.latency = latency
        fault.html = html
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()
        self.hangs.clear()

    def hang(self, seconds, times=1, method=None, path_regex=None):
        """Perform the next ``times`` matching HTTP requests, then answer them
        only after ``seconds`` (a response lost after the write: see
        :mod:`emulators.hang`)."""
        return self.hangs.add(seconds, times, method, path_regex)

    def events(self, account: str) -> list[dict]:
        """Stored singles, masters and exceptions of ``account`` (rendered, UTC)."""
        with self._lock:
            box = self.mailbox(account)
            return [box.render(box.get(eid), Prefs()) for eid in list(box.events)]

    def instances(self, account: str, event_id: str, start, end) -> list[dict]:
        """What ``/instances`` would answer for ``[start, end)`` (aware datetimes)."""
        with self._lock:
            box = self.mailbox(account)
            views = box.instances(event_id, _aware(start), _aware(end))
            return [box.render(view, Prefs()) for view in views]

    def add_event(self, account: str, body: dict, organizer: str | None = None):
        """Create an event as if the user made it in Outlook; returns it rendered.

        ``organizer`` (an email) makes it an invitation received from someone else.
        """
        with self._lock:
            box = self.mailbox(account)
            org = {"emailAddress": {"address": organizer}} if organizer else None
            event = box.create(body, organizer=org)
            return box.render(box.get(event.id), Prefs())

    def update_event(self, account: str, event_id: str, changes: dict) -> dict:
        """Edit an event (or occurrence) as if in Outlook; returns it rendered."""
        with self._lock:
            box = self.mailbox(account)
            event = box.patch(event_id, changes, None)
            return box.render(box.get(event.id), Prefs())

    def delete_event(self, account: str, event_id: str) -> None:
        with self._lock:
            self.mailbox(account).delete(event_id)

    def set_attendee_response(
        self, account: str, event_id: str, email: str, response: str
    ) -> None:
        """Attendee ``email`` answered (``accepted``/``declined``/…) in Outlook."""
        with self._lock:
            self.mailbox(account).set_attendee_response(event_id, email, response)

    def respond(
        self, account: str, event_id: str, action: str, send_response: bool = True
    ) -> None:
        """``account`` answers its copy of a meeting in Outlook (``accept``,
        ``tentativelyAccept`` or ``decline``), as ``POST .../{action}`` does."""
        with self._lock:
            self.mailbox(account).respond(
                event_id, action, {"sendResponse": send_response}
            )

    # ------------------------------------------------------------ dispatch
    def _build_routes(self) -> list:
        tenant = r"^/(?P<tenant>[^/]+)"
        event = r"^/v1\.0/me(?:/calendar)?/events/(?P<id>[^/]+)"
        table = [
            ("GET", tenant + r"/v2\.0/\.well-known/openid-configuration$", "openid"),
            ("GET", r"^/common/discovery/instance$", "instance_discovery"),
            ("GET", tenant + r"/oauth2/v2\.0/authorize$", "authorize"),
            ("POST", tenant + r"/oauth2/v2\.0/approve$", "approve"),
            ("POST", tenant + r"/oauth2/v2\.0/token$", "token"),
            ("GET", r"^/v1\.0/me$", "me"),
            ("GET", r"^/v1\.0/me/calendarView/delta$", "delta"),
            ("GET", r"^/v1\.0/me/calendarView$", "calendar_view"),
            ("GET", r"^/v1\.0/me(?:/calendar)?/events$", "list_events"),
            ("POST", r"^/v1\.0/me(?:/calendar)?/events$", "create_event"),
            ("GET", event + "$", "get_event"),
            ("PATCH", event + "$", "patch_event"),
            ("DELETE", event + "$", "delete_event_route"),
            ("GET", event + "/instances$", "instances_route"),
            (
                "POST",
                event + r"/(?P<action>accept|tentativelyAccept|decline)$",
                "respond",
            ),
            ("POST", r"^/v1\.0/\$batch$", "batch"),
            ("POST", r"^/v1\.0/subscriptions$", "create_subscription"),
            ("PATCH", r"^/v1\.0/subscriptions/(?P<id>[^/]+)$", "patch_subscription"),
            ("DELETE", r"^/v1\.0/subscriptions/(?P<id>[^/]+)$", "delete_subscription"),
        ]
        return [
            (method, re.compile(regex, re.IGNORECASE), "_r_" + name)
            for method, regex, name in table
        ]

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one request (top-level HTTP or a ``$batch`` item)."""
        with self._lock:
            fault = next((f for f in self.faults if f.matches(request)), None)
            if fault:
                fault.times -= 1
                fault.hits += 1
        delay = (0.0 if request.in_batch else self.latency) + (
            fault.latency if fault else 0.0
        )
        if delay:
            time.sleep(delay)
        with self._lock:
            if fault and fault.html is not None:
                response = HttpResponse(
                    fault.status,
                    {"Content-Type": "text/html; charset=utf-8"},
                    fault.html,
                )
            elif fault and fault.status:
                response = self._fault_response(fault, request)
            else:
                response = self._dispatch(request)
            self._record(request, response)
            return response

    def _dispatch(self, request: HttpRequest) -> HttpResponse:
        try:
            for method, regex, name in self._routes:
                match = regex.match(request.path)
                if match and method == request.method:
                    if request.path.lower().startswith("/v1.0/"):
                        self._authenticate(request)
                    return getattr(self, name)(request, **match.groupdict())
            if any(regex.match(request.path) for _m, regex, _n in self._routes):
                raise GraphError(
                    405, "ErrorInvalidRequest", "The HTTP method is not allowed."
                )
            raise GraphError(
                400,
                "BadRequest",
                f"Resource not found for the segment '{request.path}'.",
            )
        except GraphError as exc:
            return self._graph_error(exc, request)

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        keep = ("prefer", "if-match", "content-type", "client-request-id")
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers={k: v for k, v in request.headers.items() if k in keep},
                in_batch=request.in_batch,
                status=response.status,
            )
        )

    def _graph_error(self, exc: GraphError, request: HttpRequest) -> HttpResponse:
        if not request.path.lower().startswith("/v1.0"):
            return self._aad_error(exc.status, exc.code, exc.message)
        body = {
            "error": {
                "code": exc.code,
                "message": exc.message,
                "innerError": {
                    "date": self.now().strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": str(uuid.uuid4()),
                    "client-request-id": request.header(
                        "client-request-id", str(uuid.uuid4())
                    ),
                },
            }
        }
        headers = {"Content-Type": "application/json", **exc.headers}
        return HttpResponse(exc.status, headers, body)

    def _fault_response(self, fault: Fault, request: HttpRequest) -> HttpResponse:
        code, message = FAULT_DEFAULTS.get(fault.status, ("Fault", "Injected fault."))
        headers = {}
        if fault.retry_after is not None and fault.status in (429, 503, 504):
            headers["Retry-After"] = str(fault.retry_after)
        if fault.status == 401:
            headers["WWW-Authenticate"] = self._www_authenticate()
        exc = GraphError(
            fault.status, fault.code or code, fault.message or message, headers
        )
        return self._graph_error(exc, request)

    def _www_authenticate(self) -> str:
        return (
            f'Bearer realm="", authorization_uri="{self.public_authority_host}'
            f'/common/oauth2/authorize", client_id="{GRAPH_APP_ID}"'
        )

    def _authenticate(self, request: HttpRequest) -> None:
        if request.account is not None:
            return
        auth = request.header("authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        record = self._access_tokens.get(token)
        if not token:
            message = "Access token is empty."
        elif record is None:
            message = "IDX14100: JWT is not well formed."
        elif record["expires"] <= self.now():
            message = "Access token has expired or is not yet valid."
        else:
            request.account = self.accounts[record["account"]]
            return
        raise GraphError(
            401,
            "InvalidAuthenticationToken",
            message,
            {"WWW-Authenticate": self._www_authenticate()},
        )

    # ---------------------------------------------------------- identity
    def _r_openid(self, request: HttpRequest, tenant: str) -> HttpResponse:
        base = f"{self.public_authority_host}/{tenant}"
        issuer_tenant = (
            "{tenantid}"
            if tenant in ("common", "organizations")
            else (CONSUMERS_TENANT if tenant == "consumers" else self.tenant_id)
        )
        body = {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{self.public_authority_host}/{issuer_tenant}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.graph_origin}/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "oid"],
            "kerberos_endpoint": f"{base}/kerberos",
            "tenant_region_scope": None,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }
        return HttpResponse(200, {"Content-Type": "application/json"}, body)

    def _r_instance_discovery(self, request: HttpRequest) -> HttpResponse:
        body = {
            "tenant_discovery_endpoint": f"{self.public_authority_host}/common/v2.0"
            "/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [],
        }
        return HttpResponse(200, {"Content-Type": "application/json"}, body)

    def _r_authorize(self, request: HttpRequest, tenant: str) -> HttpResponse:
        params = {k: v for k, v in request.query.items()}
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id not in self.clients:
            return self._error_page(700016, client=client_id)
        if not redirect_uri or (
            self.redirect_uris and redirect_uri not in self.redirect_uris
        ):
            return self._error_page(50011, got=redirect_uri, client=client_id)
        if params.get("response_type") != "code":
            return self._redirect(
                redirect_uri,
                {
                    "error": "unsupported_response_type",
                    "error_description": "AADSTS700054: response_type 'id_token' is"
                    " not enabled for the application.",
                    "state": params.get("state", ""),
                },
            )
        consent_id = secrets.token_urlsafe(16)
        login = params.get("login_hint") or self.default_account
        self._consents[consent_id] = {**params, "tenant": tenant, "login": login}
        if self.auto_consent:
            return self._grant_code(self._consents.pop(consent_id), login)
        return self._consent_page(tenant, consent_id, params, login)

    def _consent_page(self, tenant, consent_id, params, login) -> HttpResponse:
        esc = html.escape
        scopes = ", ".join(params.get("scope", "").split())
        page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body><h1>Permissions requested</h1>
<p>App <b>{esc(params.get("client_id", ""))}</b> would like to: {esc(scopes)}</p>
<form method="post" action="/{esc(tenant)}/oauth2/v2.0/approve">
<input type="hidden" name="consent_id" value="{esc(consent_id)}">
<label>Account <input id="emulator-login" name="login" value="{esc(login)}"></label>
<button type="submit" id="emulator-consent-allow" name="decision" value="allow">Accept</button>
<button type="submit" id="emulator-consent-deny" name="decision" value="deny">Cancel</button>
</form></body></html>
"""  # noqa: E501
        return HttpResponse(200, {"Content-Type": "text/html; charset=utf-8"}, page)

    def _error_page(self, code: int, **fmt) -> HttpResponse:
        text = f"AADSTS{code}: " + AADSTS[code].format(**fmt)
        page = (
            "<!DOCTYPE html><html><head><title>Sign in to your account</title></head>"
            f"<body><h1>Sorry, but we're having trouble signing you in.</h1>"
            f"<p id='error'>{html.escape(text)}</p></body></html>"
        )
        return HttpResponse(400, {"Content-Type": "text/html; charset=utf-8"}, page)

    def _r_approve(self, request: HttpRequest, tenant: str) -> HttpResponse:
        form = request.form()
        pending = self._consents.pop(form.get("consent_id", ""), None)
        if pending is None:
            return self._error_page(9002313)
        if form.get("decision", "allow") != "allow":
            return self._redirect(
                pending["redirect_uri"],
                {
                    "error": "access_denied",
                    "error_description": f"AADSTS65004: {AADSTS[65004]}",
                    "state": pending.get("state", ""),
                },
            )
        return self._grant_code(pending, form.get("login") or pending["login"])

    def _grant_code(self, pending: dict, login: str) -> HttpResponse:
        account = self.account(login)
        code = "0.A" + secrets.token_urlsafe(48)
        self._codes[code] = {
            "client_id": pending.get("client_id"),
            "redirect_uri": pending.get("redirect_uri"),
            "code_challenge": pending.get("code_challenge"),
            "code_challenge_method": pending.get("code_challenge_method", "plain"),
            "nonce": pending.get("nonce"),
            "scope": pending.get("scope", "").split(),
            "account": account.email,
            "expires": self.now() + timedelta(seconds=self.code_lifetime),
            "used": False,
        }
        params = {"code": code}
        if "state" in pending:
            params["state"] = pending["state"]
        params["session_state"] = str(uuid.uuid4())
        return self._redirect(pending["redirect_uri"], params)

    def _redirect(self, uri: str, params: dict) -> HttpResponse:
        sep = "&" if "?" in uri else "?"
        location = uri + sep + urlencode(params, quote_via=quote)
        return HttpResponse(302, {"Location": location}, b"")

    def _aad_error(self, status: int, error: str, description: str, codes=None):
        body = {
            "error": error,
            "error_description": description,
            "error_codes": codes or [],
            "timestamp": self.now().strftime("%Y-%m-%d %H:%M:%SZ"),
            "trace_id": str(uuid.uuid4()),
            "correlation_id": str(uuid.uuid4()),
        }
        if codes:
            body["error_uri"] = f"{self.public_authority_host}/error?code={codes[0]}"
        return HttpResponse(status, {"Content-Type": "application/json"}, body)

    def _aadsts(self, status: int, error: str, code: int, **fmt) -> HttpResponse:
        text = f"AADSTS{code}: " + AADSTS[code].format(**fmt)
        text += f" Trace ID: {uuid.uuid4()} Correlation ID: {uuid.uuid4()}"
        return self._aad_error(status, error, text, [code])

    def _r_token(self, request: HttpRequest, tenant: str) -> HttpResponse:
        form = request.form()
        client_id, secret = self._client_credentials(request, form)
        if client_id not in self.clients:
            return self._aadsts(400, "unauthorized_client", 700016, client=client_id)
        if not secret:
            return self._aadsts(401, "invalid_client", 7000218)
        if secret != self.clients[client_id]:
            return self._aadsts(401, "invalid_client", 7000215, client=client_id)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code_grant(form, client_id)
        if grant == "refresh_token":
            return self._refresh_grant(form, client_id)
        return self._aadsts(400, "unsupported_grant_type", 70003, grant=grant)

    def _client_credentials(self, request: HttpRequest, form: dict):
        auth = request.header("authorization") or ""
        if auth.lower().startswith("basic "):
            decoded = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            return unquote(client_id), unquote(secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def _code_grant(self, form: dict, client_id: str) -> HttpResponse:
        record = self._codes.get(form.get("code", ""))
        if record is None or record["client_id"] != client_id:
            return self._aadsts(400, "invalid_grant", 70000)
        if record["used"]:
            return self._aadsts(400, "invalid_grant", 54005)
        if record["expires"] <= self.now():
            return self._aadsts(400, "invalid_grant", 70008)
        if form.get("redirect_uri") != record["redirect_uri"]:
            return self._aadsts(
                400,
                "invalid_grant",
                500112,
                got=form.get("redirect_uri"),
                want=record["redirect_uri"],
            )
        if not _pkce_ok(record, form.get("code_verifier")):
            return self._aadsts(400, "invalid_grant", 501481)
        record["used"] = True
        account = self.accounts[record["account"]]
        scope = form.get("scope", "").split() or record["scope"]
        tokens = self._new_tokens(account, client_id, scope, record["nonce"])
        return HttpResponse(200, _token_headers(), tokens)

    def _refresh_grant(self, form: dict, client_id: str) -> HttpResponse:
        token = form.get("refresh_token", "")
        record = self._refresh_tokens.get(token)
        if record is None or record["client_id"] != client_id or record["used_up"]:
            return self._aadsts(400, "invalid_grant", 9002313)
        if record["revoked"]:
            issued = record["issued"].strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
            now = self.now().strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
            response = self._aadsts(
                400, "invalid_grant", record["revoked"], issued=issued, now=now
            )
            if record["revoked"] == 70008:
                response.body["suberror"] = "bad_token"
            return response
        if not self.keep_old_refresh_tokens:
            record["used_up"] = True
        account = self.accounts[record["account"]]
        scope = form.get("scope", "").split() or record["scope"]
        tokens = self._new_tokens(account, client_id, scope, None)
        return HttpResponse(200, _token_headers(), tokens)

    def _new_tokens(self, account: Account, client_id: str, scope, nonce) -> dict:
        now = self.now()
        access = "EwB" + secrets.token_urlsafe(60)
        self._access_tokens[access] = {
            "account": account.email,
            "client_id": client_id,
            "expires": now + timedelta(seconds=self.access_token_lifetime),
        }
        granted = [
            s if "://" in s else f"https://graph.microsoft.com/{s}"
            for s in scope
            if s not in RESERVED_SCOPES
        ]
        result = {
            "token_type": "Bearer",
            "scope": " ".join(granted),
            "expires_in": self.access_token_lifetime,
            "ext_expires_in": self.access_token_lifetime,
            "access_token": access,
        }
        if "offline_access" in scope:
            refresh = "0.AX" + secrets.token_urlsafe(90)
            self._refresh_tokens[refresh] = {
                "account": account.email,
                "client_id": client_id,
                "scope": list(scope),
                "issued": now,
                "revoked": 0,
                "used_up": False,
            }
            result["refresh_token"] = refresh
        if "openid" in scope:
            result["id_token"] = self._id_token(account, client_id, nonce)
        result["client_info"] = _b64url_json({"uid": account.oid, "utid": account.tid})
        return result

    def _id_token(self, account: Account, client_id: str, nonce) -> str:
        now = int(self.now().timestamp())
        sub = hashlib.sha256(f"{account.oid}|{client_id}".encode()).digest()
        claims = {
            "aud": client_id,
            "iss": f"{self.public_authority_host}/{account.tid}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": account.name,
            "oid": account.oid,
            "preferred_username": account.email,
            "rh": "0.AX" + secrets.token_urlsafe(12),
            "sub": _b64url(sub),
            "tid": account.tid,
            "uti": secrets.token_urlsafe(16),
            "ver": "2.0",
        }
        if nonce:
            claims["nonce"] = nonce
        header = _b64url_json({"typ": "JWT", "alg": "none"})
        return f"{header}.{_b64url_json(claims)}."

    # ------------------------------------------------------------- graph
    def _box(self, request: HttpRequest) -> Mailbox:
        return self.mailboxes[request.account.email]

    def _prefs(self, request: HttpRequest) -> tuple[Prefs, int | None]:
        prefer = request.header("prefer") or ""
        prefs, page = Prefs(), None
        for part in re.split(r",\s*", prefer):
            key, _, value = part.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "outlook.timezone" and value:
                try:
                    resolve_zone(value)
                except KeyError as exc:
                    raise bad_request(
                        f"TimeZone {value!r} is not supported.",
                        "TimeZoneNotSupportedException",
                    ) from exc
                prefs.timezone = value
            elif key == "outlook.body-content-type":
                prefs.body_type = value.lower()
            elif key == "odata.maxpagesize" and value.isdigit():
                page = max(1, int(value))
        return prefs, page

    def _json(self, status: int, body, extra=None) -> HttpResponse:
        headers = {"Content-Type": "application/json; odata.metadata=minimal"}
        headers.update(extra or {})
        return HttpResponse(status, headers, body)

    def _r_me(self, request: HttpRequest) -> HttpResponse:
        return self._json(200, request.account.me())

    def _window(self, request: HttpRequest) -> tuple[datetime, datetime]:
        start, end = request.arg("startdatetime"), request.arg("enddatetime")
        if not start or not end:
            raise bad_request(
                "This request requires a time window specified by the query string"
                " parameters StartDateTime and EndDateTime.",
                "ErrorInvalidParameter",
            )
        try:
            return parse_instant(start), parse_instant(end)
        except ValueError as exc:
            raise bad_request(f"Invalid time window: {exc}") from exc

    def _r_delta(self, request: HttpRequest) -> HttpResponse:
        unsupported = [k for k in request.query if k in DELTA_UNSUPPORTED]
        if unsupported:
            raise bad_request(
                "The following parameters are not supported with change tracking"
                f" over the 'CalendarView' resource: '{', '.join(unsupported)}'.",
                "ErrorInvalidUrlQuery",
            )
        prefs, page_size = self._prefs(request)
        page_size = min(page_size or DEFAULT_PAGE_SIZE, DELTA_MAX_PAGE_SIZE)
        token = request.arg("$skiptoken") or request.arg("$deltatoken")
        if token:
            state = self._delta_state(request, token)
            if "groups" not in state:
                state = self._new_round(request, state, prefs)
        else:
            lo, hi = self._window(request)
            base = {"account": request.account.email, "lo": lo, "hi": hi, "seq": 0}
            state = self._new_round(request, base, prefs)
        return self._delta_page(state, page_size, prefs)

    def _delta_state(self, request: HttpRequest, token: str) -> dict:
        state = self._delta_states.get(token)
        if (
            state is None
            or not state["valid"]
            or state["account"] != request.account.email
        ):
            raise GraphError(
                410,
                "SyncStateNotFound",
                "The sync state generation is not found; the delta token is expired"
                " or invalid. Please resync from the start.",
            )
        return state

    def _new_round(self, request: HttpRequest, base: dict, prefs: Prefs) -> dict:
        box = self._box(request)
        groups = box.delta_groups(base["lo"], base["hi"], base["seq"], prefs)
        return {
            "account": base["account"],
            "lo": base["lo"],
            "hi": base["hi"],
            "groups": groups,
            "pos": 0,
            "final_seq": box.seq,
            "valid": True,
        }

    def _delta_page(self, state: dict, page_size: int, prefs: Prefs) -> HttpResponse:
        groups, pos, items = state["groups"], state["pos"], []
        while pos < len(groups) and (
            not items or len(items) + len(groups[pos]) <= page_size
        ):
            items.extend(groups[pos])
            pos += 1
        link_base = f"{self.public_graph_root}/me/calendarView/delta?"
        body = {
            "@odata.context": f"{self.public_graph_root}/$metadata#Collection(event)",
            "value": items,
        }
        token = secrets.token_urlsafe(48)
        if pos < len(groups):
            self._delta_states[token] = {**state, "pos": pos}
            body["@odata.nextLink"] = link_base + "$skiptoken=" + token
        else:
            self._delta_states[token] = {
                "account": state["account"],
                "lo": state["lo"],
                "hi": state["hi"],
                "seq": state["final_seq"],
                "valid": True,
            }
            body["@odata.deltaLink"] = link_base + "$deltatoken=" + token
        applied = f"odata.maxpagesize={page_size}"
        if prefs.timezone:
            applied += f', outlook.timezone="{prefs.timezone}"'
        return self._json(200, body, {"Preference-Applied": applied})

    def _paged(self, request: HttpRequest, views, prefs: Prefs) -> HttpResponse:
        box = self._box(request)
        top = min(int(request.arg("$top") or DEFAULT_PAGE_SIZE), MAX_TOP)
        skip = int(request.arg("$skip") or 0)
        chunk = views[skip : skip + top]
        body = {"value": [box.render(v, prefs) for v in chunk]}
        if skip + top < len(views):
            query = {k: v for k, v in request.query.items()}
            query.update({"$top": str(top), "$skip": str(skip + top)})
            path = request.path[len("/v1.0") :]
            body["@odata.nextLink"] = (
                self.public_graph_root + path + "?" + urlencode(query, safe="$:")
            )
        return self._json(200, body)

    def _r_calendar_view(self, request: HttpRequest) -> HttpResponse:
        lo, hi = self._window(request)
        prefs, _page = self._prefs(request)
        box = self._box(request)
        views = []
        for event in box.top_level():
            if event.kind == "seriesMaster":
                views.extend(box.series_views(event, lo, hi))
            else:
                view = box.get(event.id)
                if view.start_utc < hi and view.end_utc > lo:
                    views.append(view)
        views.sort(key=lambda v: (v.start_utc, v.id))
        return self._paged(request, views, prefs)

    def _r_list_events(self, request: HttpRequest) -> HttpResponse:
        prefs, _page = self._prefs(request)
        box = self._box(request)
        views = [box.get(e.id) for e in box.top_level()]
        return self._paged(request, views, prefs)

    def _r_create_event(self, request: HttpRequest) -> HttpResponse:
        box = self._box(request)
        prefs, _page = self._prefs(request)
        event = box.create(request.json())
        return self._json(201, box.render(box.get(event.id), prefs))

    def _r_get_event(self, request: HttpRequest, id: str) -> HttpResponse:
        box = self._box(request)
        prefs, _page = self._prefs(request)
        return self._json(200, box.render(box.get(unquote(id)), prefs))

    def _r_patch_event(self, request: HttpRequest, id: str) -> HttpResponse:
        box = self._box(request)
        prefs, _page = self._prefs(request)
        event = box.patch(unquote(id), request.json(), request.header("if-match"))
        return self._json(200, box.render(box.get(event.id), prefs))

    def _r_delete_event_route(self, request: HttpRequest, id: str) -> HttpResponse:
        self._box(request).delete(unquote(id), request.header("if-match"))
        return HttpResponse(204, {}, None)

    def _r_instances_route(self, request: HttpRequest, id: str) -> HttpResponse:
        lo, hi = self._window(request)
        prefs, _page = self._prefs(request)
        views = self._box(request).instances(unquote(id), lo, hi)
        return self._paged(request, views, prefs)

    def _r_respond(self, request: HttpRequest, id: str, action: str) -> HttpResponse:
        action = next(a for a in RESPONSES if a.lower() == action.lower())
        self._box(request).respond(unquote(id), action, request.json() or {})
        return HttpResponse(202, {}, None)

    # ------------------------------------------------------------- batch
    def _r_batch(self, request: HttpRequest) -> HttpResponse:
        items = self._batch_items(request.json())
        rounds = _batch_rounds(items)
        results: dict[str, dict] = {}
        for wave in rounds:
            running = 0
            for item in wave:
                failed = [d for d in item.get("dependsOn") or [] if not _ok(results[d])]
                if failed:
                    results[item["id"]] = _failed_dependency(item["id"])
                    continue
                running += 1
                limit = self.mailbox_concurrency_limit
                if limit and running > limit:
                    results[item["id"]] = self._throttled_item(item["id"])
                    self._record(self._item_request(request, item), _Status(429))
                    continue
                results[item["id"]] = self._run_item(request, item)
        responses = list(results.values())
        self._random.shuffle(responses)
        return self._json(200, {"responses": responses})

    def _batch_items(self, payload) -> list[dict]:
        items = payload.get("requests") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            raise bad_request("Invalid batch payload format.", "BadRequest")
        if len(items) > BATCH_LIMIT:
            raise bad_request(
                f"Number of requests in the batch ({len(items)}) exceeds the limit"
                f" of {BATCH_LIMIT}.",
                "BadRequest",
            )
        ids = [str(item.get("id", "")) for item in items]
        if "" in ids or len(set(ids)) != len(ids):
            raise bad_request("Batch request ids must be present and unique.")
        for item in items:
            _check_item(item, set(ids))
        return items

    def _item_request(self, outer: HttpRequest, item: dict) -> HttpRequest:
        url = item["url"] if item["url"].startswith("/") else "/" + item["url"]
        parts = urlsplit(url)
        query = {
            k.lower(): v[0]
            for k, v in parse_qs(parts.query, keep_blank_values=True).items()
        }
        headers = {k.lower(): str(v) for k, v in (item.get("headers") or {}).items()}
        headers.setdefault("authorization", outer.header("authorization") or "")
        body = item.get("body")
        raw = json.dumps(body).encode() if body is not None else b""
        return HttpRequest(
            method=item["method"].upper(),
            path="/v1.0" + unquote(parts.path),
            query=query,
            headers=headers,
            body=raw,
            in_batch=True,
            account=outer.account,
        )

    def _run_item(self, outer: HttpRequest, item: dict) -> dict:
        response = self.handle(self._item_request(outer, item))
        entry = {
            "id": item["id"],
            "status": response.status,
            "headers": {
                k: v for k, v in response.headers.items() if k.lower() != "location"
            },
        }
        if response.body is not None and response.body != b"":
            entry["body"] = response.body
        return entry

    def _throttled_item(self, item_id: str) -> dict:
        retry = str(self.throttle_retry_after)
        return {
            "id": item_id,
            "status": 429,
            "headers": {"Retry-After": retry, "Content-Type": "application/json"},
            "body": {
                "error": {
                    "code": "ApplicationThrottled",
                    "message": "Application is over its MailboxConcurrency limit.",
                }
            },
        }


@dataclass
class _Status:
    status: int


def _ok(entry: dict) -> bool:
    return 200 <= entry["status"] < 300


def _failed_dependency(item_id: str) -> dict:
    return {
        "id": item_id,
        "status": 424,
        "headers": {"Content-Type": "application/json"},
        "body": {
            "error": {
                "code": "FailedDependency",
                "message": "The request could not be executed because a request it"
                " depends on failed.",
            }
        },
    }


def _check_item(item: dict, ids: set[str]) -> None:
    if not item.get("method") or not isinstance(item.get("url"), str):
        raise bad_request("Each batch request needs a method and a url.", "BadRequest")
    if "://" in item["url"]:
        raise bad_request(
            "Batch request urls must be relative to the version root.", "BadRequest"
        )
    if item.get("body") is not None:
        headers = {k.lower() for k in (item.get("headers") or {})}
        if "content-type" not in headers:
            raise bad_request(
                f"Write request id : {item['id']} does not contain Content-Type"
                " header or body.",
                "BadRequest",
            )
    for dep in item.get("dependsOn") or []:
        if str(dep) not in ids or str(dep) == str(item["id"]):
            raise bad_request(
                f"Request {item['id']} depends on unknown request {dep}.", "BadRequest"
            )


def _batch_rounds(items: list[dict]) -> list[list[dict]]:
    """Items grouped in waves: a wave runs once every dependency ran."""
    done: set[str] = set()
    pending = list(items)
    rounds = []
    while pending:
        wave = [
            item
            for item in pending
            if all(str(d) in done for d in item.get("dependsOn") or [])
        ]
        if not wave:
            raise bad_request("The dependsOn graph of the batch has a cycle.")
        rounds.append(wave)
        done.update(str(item["id"]) for item in wave)
        pending = [item for item in pending if item not in wave]
    for item in items:
        item["id"] = str(item["id"])
        item["dependsOn"] = [str(d) for d in item.get("dependsOn") or []]
    return rounds


def _pkce_ok(record: dict, verifier: str | None) -> bool:
    challenge = record.get("code_challenge")
    if not challenge:
        return True
    if not verifier:
        return False
    if record.get("code_challenge_method", "plain").upper() == "S256":
        return _b64url(hashlib.sha256(verifier.encode()).digest()) == challenge
    return verifier == challenge


def _token_headers() -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store, no-cache",
        "Pragma": "no-cache",
    }


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Handler(BaseHTTPRequestHandler):
    """stdlib handler: turns HTTP into :class:`HttpRequest` and back."""

    protocol_version = "HTTP/1.1"
    emulator: GraphEmulator

    def log_message(self, format, *args):
        return

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = {
            k.lower(): v[0]
            for k, v in parse_qs(parts.query, keep_blank_values=True).items()
        }
        request = HttpRequest(
            method=self.command,
            path=unquote(parts.path),
            query=query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self.emulator.handle(request)
        except Exception as exc:  # noqa: BLE001 - an emulator bug answers 500
            response = HttpResponse(
                500, {}, {"error": {"code": "Emulator", "message": repr(exc)}}
            )
        self.emulator.hangs.wait(self.command, self.path)
        payload = response.payload()
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


def main(argv: list[str] | None = None) -> None:
    """``python -m emulators.graph_emulator --port N``: serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client-id", default="calendar-sync-client")
    parser.add_argument("--client-secret", default="calendar-sync-secret")
    parser.add_argument("--default-account", default="alice@contoso.com")
    parser.add_argument("--auto-consent", action="store_true")
    parser.add_argument(
        "--own-origin",
        action="store_true",
        help="advertise http://host:port instead of the real https origins",
    )
    args = parser.parse_args(argv)
    emulator = GraphEmulator(
        args.host,
        args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        default_account=args.default_account,
        advertise_public_origins=not args.own_origin,
    )
    emulator.auto_consent = args.auto_consent
    emulator.start()
    # a command-line tool: its output is for the person who started it
    print(f"Graph emulator on {emulator.base_url}", flush=True)  # pylint: disable=print-used
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()
