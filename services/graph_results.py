"""What Microsoft Graph answers, as :mod:`services.graph_client` hands it on:
delta rounds, ``$batch`` item results, series instances, and Graph errors as
:mod:`services.exceptions`. Never imports ``odoo``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import requests

from .exceptions import (
    CalendarSyncError,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
)

PROVIDER = "microsoft"
RETRYABLE_STATUSES = (429, 503, 504)
SYNC_STATE_CODES = ("SyncStateNotFound", "SyncStateInvalid", "resyncRequired")
#: Graph's answer to a stale ``If-Match`` (412; api-notes §3.2 also counts a 409)
CONFLICT_CODE = "ErrorIrresolvableConflict"


class AccessTokenExpired(RemoteError):
    """Graph refused the access token (401 ``InvalidAuthenticationToken``): refresh
    it and retry. Not a reason to ask the user to reconnect."""


@dataclass
class DeltaResult:
    """One delta round: raw items (deduplicated, last wins) and the new deltaLink."""

    items: list
    delta_link: str | None
    pages: int
    #: where the round goes on when it stopped early (``max_items``)
    next_link: str | None = None


@dataclass
class BatchResult:
    """The answer to one request of :meth:`GraphCalendarClient.batch`."""

    request: dict
    status: int
    headers: dict
    body: object

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        if self.ok or not isinstance(self.body, dict):
            return None
        return (self.body.get("error") or {}).get("code")

    @property
    def error_message(self) -> str:
        if self.ok or not isinstance(self.body, dict):
            return ""
        return (self.body.get("error") or {}).get("message") or ""

    @property
    def precondition_failed(self) -> bool:
        """The write carried ``If-Match`` and the event changed in Outlook
        meanwhile (412, or 409 ``ErrorIrresolvableConflict``): nothing was
        written; not worth sending again as is."""
        if self.ok:
            return False
        return self.status == 412 or (
            self.status == 409 and self.error_code == CONFLICT_CODE
        )

    @property
    def retry_after(self) -> float | None:
        """Seconds this item's ``Retry-After`` asked to wait, or None."""
        return _retry_after(self.headers)

    @property
    def retryable(self) -> bool:
        """A failure worth sending again later, e.g. on the next run (throttled,
        unavailable, failed dependency, expired token, no answer)."""
        if self.ok:
            return False
        return _retryable(self.status) or (
            self.status == 401 and self.error_code == "InvalidAuthenticationToken"
        )

    def to_error(self) -> CalendarSyncError:
        """This failure as the exception a caller may raise or log."""
        return _graph_error(
            self.status, self.error_code, self.error_message, self.retry_after
        )


@dataclass
class SeriesInstances:
    """The instances of one series (:meth:`GraphCalendarClient.instances_results`).

    ``instances`` is the list of occurrences and exceptions; None when the series
    no longer exists (``gone``: 404) or when they could not be read (``error``,
    e.g. :class:`~services.exceptions.RateLimited` with ``retry_after``, or
    :class:`~services.exceptions.UntrustedLink`).
    """

    master_id: str
    instances: list[dict] | None = None
    error: CalendarSyncError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def gone(self) -> bool:
        return self.error is None and self.instances is None


def iso_utc(value: datetime) -> str:
    """``2024-01-01T00:00:00Z`` from an aware or naive-UTC datetime."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _graph_error(status, code, message, retry_after) -> RemoteError:
    data = {
        "provider": PROVIDER,
        "status": status,
        "reason": code or str(status),
        "retry_after": retry_after,
    }
    text = f"Graph {status} {code or ''}: {message or ''}".strip()
    if status == 410 or code in SYNC_STATE_CODES:
        return InvalidSyncToken(text, **data)
    if status == 401 and code == "InvalidAuthenticationToken":
        return AccessTokenExpired(text, retryable=True, **data)
    if status == 429:
        return RateLimited(text, retryable=True, **data)
    return RemoteError(text, retryable=_retryable(status), **data)


def _retryable(status: int) -> bool:
    """Whether a call answered ``status`` may succeed when sent again later."""
    return status in (0, 424, 429) or status >= 500


def _retry_after(headers: dict) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


def _error_of(response: requests.Response) -> tuple[str | None, str]:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return None, response.text[:200]
    if isinstance(error, str):
        return error, ""
    return error.get("code"), error.get("message") or ""
