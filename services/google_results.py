"""Google Calendar client: its values, and how Google's answers read
==================================================================

Part of the Google client (:mod:`.google_client` re-exports the public names):
the writes it takes and the results it gives, the event list of a listing, the
raw outcome of one request and which of them are worth retrying, and how a
google-auth refresh failure becomes :class:`~.exceptions.AuthorizationError`.
The ``google-api-python-client`` names the client uses are imported here once,
quieting the warning ``google-api-core`` gives at import time.

Public API::

    new_event_id() -> str                              # uuid4().hex, valid base32hex
    WriteOp(key, action, event_id, body=None, send_updates="none", if_match=None,
            etag=None)
    WriteResult(ok, event, status, reason, message, reconciled,
                retryable, retry_after)
    result.precondition_failed                           # 412 conditionNotMet
    EventList(items, next_sync_token, time_zone)
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError

with warnings.catch_warnings():
    # google-api-core warns at import time, on every Python older than its
    # newest supported one, that future releases may drop it: Odoo 18 runs on
    # 3.10-3.12 and we pin the library, so this says nothing to an Odoo admin.
    warnings.filterwarnings("ignore", category=FutureWarning, module="google.api_core")
    from googleapiclient.discovery import build
    from googleapiclient.errors import BatchError, HttpError
    from googleapiclient.http import BatchHttpRequest

from .exceptions import AuthorizationError, RemoteError

RATE_LIMIT_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
AUTH_ERRORS = ("invalid_grant", "invalid_client", "unauthorized_client")
WRITE_ACTIONS = ("insert", "patch", "update", "delete")
#: the writes an ``If-Match`` applies to (an insert has no version to match)
CONDITIONAL_ACTIONS = ("patch", "update", "delete")
TRANSPORT_ERRORS = (httplib2.HttpLib2Error, OSError, TransportError, BatchError)

#: What the client's modules take from here: its values, and the library's
#: names imported once above.
__all__ = [
    "AUTH_ERRORS",
    "CONDITIONAL_ACTIONS",
    "RATE_LIMIT_REASONS",
    "TRANSPORT_ERRORS",
    "WRITE_ACTIONS",
    "BatchHttpRequest",
    "EventList",
    "HttpError",
    "RefreshError",
    "WriteOp",
    "WriteResult",
    "build",
    "new_event_id",
]


def new_event_id() -> str:
    """A client-generated event id: 32 chars of [0-9a-f], valid base32hex."""
    return uuid.uuid4().hex


@dataclass
class WriteOp:
    """One write for :meth:`GoogleCalendarClient.write`.

    ``etag``: the event's etag as last read (``"3181161784712000"``, quotes
    included, as Google gives it). A patch, update or delete then carries
    ``If-Match: <etag>`` and is refused with 412 when the event changed since.
    ``if_match`` is the older name of the same condition (both may be given
    only when equal); neither applies to an insert.
    """

    key: Any
    action: str  # insert / patch / update / delete
    event_id: str
    body: dict | None = None
    send_updates: str = "none"
    if_match: str | None = None
    etag: str | None = None

    @property
    def condition(self) -> str | None:
        """The ``If-Match`` value this write is sent with, or None."""
        if self.action not in CONDITIONAL_ACTIONS:
            return None
        return self.etag or self.if_match or None


@dataclass
class WriteResult:
    """Outcome of one :class:`WriteOp`.

    A failure with ``retryable`` True (throttled, 5xx, network) is worth sending
    again on the next run; ``retry_after`` is the wait Google asked for (seconds,
    or None).
    """

    ok: bool
    event: dict | None = None
    status: int = 0
    reason: str = ""
    message: str = ""
    reconciled: bool = False
    retryable: bool = False
    retry_after: float | None = None

    @property
    def precondition_failed(self) -> bool:
        """The write was conditional and the event changed on Google meanwhile
        (412 ``conditionNotMet``): nothing was written; not worth retrying as is."""
        return not self.ok and self.status == 412


@dataclass
class EventList:
    """The pages of an ``events.list`` (all of them, or up to ``max_items``)."""

    items: list[dict] = field(default_factory=list)
    next_sync_token: str | None = None
    #: where the listing goes on when it stopped early (``max_items``)
    next_page_token: str | None = None
    time_zone: str | None = None
    #: the calendar's reminders for events that use its defaults
    default_reminders: list[dict] = field(default_factory=list)


@dataclass
class _Outcome:
    """Raw answer of one HTTP call (or one batch item)."""

    status: int
    body: Any = None
    reason: str = ""
    message: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        if self.status == 0 or self.status == 429 or self.status >= 500:
            return True
        return self.status == 403 and self.reason in RATE_LIMIT_REASONS

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or (
            self.status == 403 and self.reason in RATE_LIMIT_REASONS
        )


def _outcome_from_http_error(error: HttpError) -> _Outcome:
    details = error.error_details
    reason = ""
    if isinstance(details, list) and details and isinstance(details[0], dict):
        reason = details[0].get("reason", "")
    retry_after = None
    header = error.resp.get("retry-after") if error.resp is not None else None
    if header:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    return _Outcome(error.status_code, None, reason, error.reason or "", retry_after)


def _auth_error(error: RefreshError) -> Exception:
    """Map a google-auth refresh failure to our exceptions."""
    payload = error.args[1] if len(error.args) > 1 else None
    code = payload.get("error") if isinstance(payload, dict) else None
    description = (
        payload.get("error_description", "") if isinstance(payload, dict) else ""
    )
    if code in AUTH_ERRORS or (code is None and not getattr(error, "retryable", False)):
        return AuthorizationError(
            str(error.args[0]) if error.args else "authorization failed",
            provider="google",
            error=code or "invalid_grant",
            description=description or (str(error.args[0]) if error.args else ""),
        )
    return RemoteError(
        str(error),
        status=0,
        reason=code or "refresh_failed",
        retryable=True,
        retry_after=None,
    )
