"""Google Calendar client: the only module that talks to Google's Calendar API
===========================================================================

Built on ``google-auth`` + ``google-api-python-client`` (discovery document shipped
in the wheel, endpoint configurable so tests reach the emulator). Every error
leaves as an exception of :mod:`.exceptions`. The client's values (writes,
results, outcomes) are in :mod:`.google_results`, its batched writes in
:mod:`.google_writes`; this module re-exports what callers take.

Public API (and ``new_event_id``, ``WriteOp``, ``WriteResult``, ``EventList``
of :mod:`.google_results`)::

    client = GoogleCalendarClient(client_id, client_secret, access_token,
                                  refresh_token, token_expiry, token_uri,
                                  api_root="https://www.googleapis.com/", timeout=20,
                                  batch_size=50, max_retries=5, sleep=time.sleep,
                                  on_tokens=None, max_backoff=3.0, max_sleep=5.0)
    client.get_primary_calendar() -> dict
    client.list_events(sync_token=None, time_min=None, time_max=None,
                       page_size=2500) -> EventList       # InvalidSyncToken on 410
    client.get_event(event_id) -> dict | None            # None when unknown (404)
    client.list_instances(event_id, time_min=None, time_max=None,
                          show_deleted=True, page_size=2500) -> list[dict]
    client.write(ops) -> dict[key, WriteResult]          # batched, per-item retries
    client.request_count                                 # API HTTP requests sent

Retries: 429, 5xx, 403 ``rateLimitExceeded``/``userRateLimitExceeded`` and
transport errors are retried with capped exponential backoff plus jitter, or
after the ``Retry-After`` Google names (only the failed items of a batch are
re-sent). The caller holds database locks meanwhile, so one public call sleeps
``max_sleep`` seconds at most in total and ``max_backoff`` seconds at most at a
time (:class:`~.exceptions.RetryBudget`); a ``Retry-After`` longer than what is
left ends the retries at once, without sleeping. What still fails then leaves as
:class:`~.exceptions.RateLimited` / :class:`~.exceptions.RemoteError` with
``retryable=True`` and ``retry_after`` (reads), or as a failed
:class:`WriteResult` with ``retryable=True`` and ``retry_after`` (writes): try it
again on the next run.

Conditional writes: a patch, update or delete whose :class:`WriteOp` carries
``etag`` (the event's ``etag`` as Google last gave it) is sent with
``If-Match: <etag>``, inside the batch too. When the event changed on Google
meanwhile, Google answers 412 ``conditionNotMet`` and changes nothing: the
result has ``status=412``, ``reason="conditionNotMet"``,
``precondition_failed=True`` and ``retryable=False`` (read the event again and
decide; sending the same write again would fail the same way).

An insert answered 409 ``duplicate`` is reconciled by reading the existing event
(our ids are client-generated, so it is the one a lost response already
created). A delete answered 404/410 is a success.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials

from .exceptions import (
    DEFAULT_MAX_SINGLE_SLEEP,
    DEFAULT_MAX_SLEEP,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
    RetryBudget,
    within_budget,
)
from .google_results import (
    RATE_LIMIT_REASONS,
    TRANSPORT_ERRORS,
    WRITE_ACTIONS,
    EventList,
    HttpError,
    RefreshError,
    WriteOp,
    WriteResult,
    _auth_error,
    _Outcome,
    _outcome_from_http_error,
    build,
    new_event_id,
)
from .google_writes import GoogleWritesMixin

#: The client, and what its callers take from this module (split over
#: google_results and google_writes, re-exported here).
__all__ = [
    "CALENDAR_SCOPE",
    "GOOGLE_API_ROOT",
    "GOOGLE_TOKEN_URI",
    "PROVIDER",
    "RATE_LIMIT_REASONS",
    "WRITE_ACTIONS",
    "EventList",
    "GoogleCalendarClient",
    "WriteOp",
    "WriteResult",
    "new_event_id",
]

PROVIDER = "google"
GOOGLE_API_ROOT = "https://www.googleapis.com/"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"


class _Credentials(Credentials):
    """google-auth user credentials that report every refresh."""

    on_refreshed: Callable | None = None

    def refresh(self, request) -> None:  # pylint: disable=missing-return
        previous = self.refresh_token
        super().refresh(request)
        if self.on_refreshed is not None:
            rotated = self.refresh_token if self.refresh_token != previous else None
            self.on_refreshed(self.token, self.expiry, rotated)


class _CountingHttp(httplib2.Http):
    """httplib2 transport counting the API requests (token calls excluded)."""

    def __init__(self, token_uri: str, timeout: float):
        super().__init__(timeout=timeout)
        self.token_uri = token_uri
        self.api_requests = 0
        self.token_requests = 0

    def request(self, uri, *args, **kwargs):
        if uri.split("?", 1)[0] == self.token_uri:
            self.token_requests += 1
        else:
            self.api_requests += 1
        return super().request(uri, *args, **kwargs)


class _NoCredentials(httplib2.Http):
    """The transport of the shared Resource (:func:`_calendar_api`): every
    request names its account's own transport, so this one never sends."""

    def request(self, *args, **kwargs):
        raise RuntimeError("a Google request was made without its account's transport")


#: The Calendar API's Resource per API root, built once per process: building
#: one parses the discovery document and makes every method (several ms, more
#: than a sync with nothing to do spends in SQL). It holds no credentials:
#: requests run with ``execute(http=<the account's transport>)``.
_RESOURCES: dict[str, tuple[Any, Any, Any]] = {}
_RESOURCES_LOCK = threading.Lock()


def _calendar_api(api_root: str) -> tuple[Any, Any, Any]:
    """``(service, service.events(), service.calendars())`` for ``api_root``."""
    with _RESOURCES_LOCK:
        if api_root not in _RESOURCES:
            service = build(
                "calendar",
                "v3",
                http=_NoCredentials(),
                static_discovery=True,
                cache_discovery=False,
                client_options={"api_endpoint": api_root + "calendar/v3/"},
            )
            _RESOURCES[api_root] = (service, service.events(), service.calendars())
        return _RESOURCES[api_root]


def _rfc3339(value: datetime | date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class GoogleCalendarClient(GoogleWritesMixin):
    """Google Calendar v3 for one account. See the module docstring."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        access_token: str | None = None,
        refresh_token: str | None = None,
        token_expiry: datetime | None = None,
        token_uri: str = GOOGLE_TOKEN_URI,
        api_root: str = GOOGLE_API_ROOT,
        timeout: float = 20,
        batch_size: int = 50,
        max_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        on_tokens: Callable[[str, datetime | None, str | None], None] | None = None,
        calendar_id: str = "primary",
        max_backoff: float = DEFAULT_MAX_SINGLE_SLEEP,
        scopes: Iterable[str] = (CALENDAR_SCOPE,),
        max_sleep: float = DEFAULT_MAX_SLEEP,
    ):
        """See the module docstring.

        :param max_retries: retries of a throttled / unavailable request or batch
            item, within the sleep budget.
        :param sleep: how to wait (injectable for tests).
        :param max_backoff: seconds of one sleep at most.
        :param max_sleep: seconds of sleep in total per public call.
        """
        if not api_root.endswith("/"):
            api_root += "/"
        self.api_root = api_root
        self.batch_uri = api_root + "batch/calendar/v3"
        self.calendar_id = calendar_id
        self.batch_size = max(1, min(int(batch_size), 1000))
        self.max_retries = max_retries
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.retry_budget = RetryBudget(max_sleep, max_backoff)
        self.credentials = _Credentials(
            token=access_token,
            refresh_token=refresh_token,
            token_uri=token_uri,
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(scopes),
            expiry=token_expiry,
        )
        self.credentials.on_refreshed = on_tokens
        self._http = _CountingHttp(token_uri, timeout)
        self._authed = google_auth_httplib2.AuthorizedHttp(
            self.credentials, http=self._http
        )
        self._service, self._events, self._calendars = _calendar_api(api_root)

    # ---------------------------------------------------------------- counters

    @property
    def request_count(self) -> int:
        """HTTP requests sent to the Calendar API (a batch counts once)."""
        return self._http.api_requests

    @property
    def token_request_count(self) -> int:
        return self._http.token_requests

    # --------------------------------------------------------------- plumbing

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter, capped (when Google names no wait)."""
        return min(self.max_backoff, 2**attempt + random.random())

    def _wait(self, attempt: int, retry_after: float | None) -> bool:
        """Sleep before retry ``attempt``; False (without sleeping) when the
        retries or the call's sleep budget are spent: give up."""
        if attempt >= self.max_retries:
            return False
        delay = self.retry_budget.delay(retry_after, self._backoff(attempt))
        if delay is None:
            return False
        if delay:
            self.sleep(delay)
        return True

    def _once(self, request) -> _Outcome:
        try:
            body = request.execute(http=self._authed)
            if body is not None and not isinstance(body, dict):
                # a 200 that is not the API's JSON (a proxy's or captive
                # portal's HTML page): retried, then reported as such
                return _Outcome(
                    502,
                    None,
                    "unexpectedBody",
                    "the answer was not Google Calendar's (an HTML page?)",
                )
            return _Outcome(200, body)
        except HttpError as exc:
            return _outcome_from_http_error(exc)
        except RefreshError as exc:
            raise _auth_error(exc) from exc
        except TRANSPORT_ERRORS as exc:
            return _Outcome(0, None, "transportError", str(exc) or type(exc).__name__)

    def _call(self, make_request: Callable[[], Any]) -> _Outcome:
        """Execute one request with retries; returns the final outcome."""
        attempt = 0
        while True:
            outcome = self._once(make_request())
            if outcome.ok or not outcome.retryable:
                return outcome
            if not self._wait(attempt, outcome.retry_after):
                return outcome
            attempt += 1

    @staticmethod
    def _raise(outcome: _Outcome):
        cls = RateLimited if outcome.rate_limited else RemoteError
        raise cls(
            f"Google API error {outcome.status} {outcome.reason}: {outcome.message}",
            provider=PROVIDER,
            status=outcome.status,
            reason=outcome.reason,
            retryable=outcome.retryable,
            retry_after=outcome.retry_after,
        )

    def _checked(self, make_request: Callable[[], Any]) -> Any:
        outcome = self._call(make_request)
        if not outcome.ok:
            self._raise(outcome)
        return outcome.body

    # ------------------------------------------------------------------ reads

    @within_budget
    def get_primary_calendar(self) -> dict:
        """The primary calendar: ``id`` is the account's email, plus ``timeZone``."""
        return self._checked(lambda: self._calendars.get(calendarId="primary"))

    # ------------------------------------------------------------------ push

    @within_budget
    def watch(
        self, channel_id: str, token: str, address: str, ttl: int | None = None
    ) -> dict:
        """Open a push channel (``events.watch``) on the calendar: Google
        POSTs to ``address`` with ``X-Goog-Channel-ID`` = ``channel_id`` and
        ``X-Goog-Channel-Token`` = ``token``. Returns the channel (``id``,
        ``resourceId``, ``expiration`` in Unix ms, a string or a number)."""
        body = {"id": channel_id, "type": "web_hook", "address": address}
        body["token"] = token
        if ttl:
            body["params"] = {"ttl": str(int(ttl))}
        return self._checked(
            lambda: self._events.watch(calendarId=self.calendar_id, body=body)
        )

    @within_budget
    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        """Stop a push channel (``channels.stop``); a channel Google no longer
        knows (404) counts as stopped."""
        outcome = self._call(
            lambda: self._service.channels().stop(
                body={"id": channel_id, "resourceId": resource_id}
            )
        )
        if not outcome.ok and outcome.status != 404:
            self._raise(outcome)

    @within_budget
    def list_events(
        self,
        sync_token: str | None = None,
        time_min: datetime | date | str | None = None,
        time_max: datetime | date | str | None = None,
        page_size: int = 2500,
        page_token: str | None = None,
        max_items: int | None = None,
    ) -> EventList:
        """All events (masters, exceptions, cancelled ones), following every page.

        With ``sync_token`` only the changes since it. With ``max_items``, the
        pages stop once they hold that many items and more follow: the result's
        ``next_page_token`` says where to go on (``page_token``, with the same
        ``sync_token``). Raises :class:`InvalidSyncToken` when Google answers
        410 (full resync needed).
        """
        params: dict[str, Any] = {
            "calendarId": self.calendar_id,
            "maxResults": min(page_size, max_items or page_size),
            "showDeleted": True,
            "singleEvents": False,
        }
        if sync_token:
            params["syncToken"] = sync_token
        else:
            if time_min is not None:
                params["timeMin"] = _rfc3339(time_min)
            if time_max is not None:
                params["timeMax"] = _rfc3339(time_max)
        result = EventList()
        events = self._events
        while True:
            page_params = dict(params, pageToken=page_token) if page_token else params
            outcome = self._call(lambda p=page_params: events.list(**p))
            if outcome.status == 410:
                raise InvalidSyncToken(
                    outcome.message or "Sync token is no longer valid",
                    status=410,
                    reason=outcome.reason,
                )
            if not outcome.ok:
                self._raise(outcome)
            page = outcome.body
            result.items.extend(page.get("items", []))
            result.time_zone = page.get("timeZone", result.time_zone)
            result.default_reminders = page.get(
                "defaultReminders", result.default_reminders
            )
            page_token = page.get("nextPageToken")
            if not page_token:
                result.next_sync_token = page.get("nextSyncToken")
                return result
            if max_items and len(result.items) >= max_items:
                result.next_page_token = page_token
                return result

    @within_budget
    def get_event(self, event_id: str) -> dict | None:
        """The event (cancelled ones included), or None when Google does not know it."""
        events = self._events
        outcome = self._call(
            lambda: events.get(calendarId=self.calendar_id, eventId=event_id)
        )
        if outcome.status == 404:
            return None
        if not outcome.ok:
            self._raise(outcome)
        return outcome.body

    @within_budget
    def list_instances(
        self,
        event_id: str,
        time_min: datetime | date | str | None = None,
        time_max: datetime | date | str | None = None,
        show_deleted: bool = True,
        page_size: int = 2500,
    ) -> list[dict]:
        """Instances of a recurring event (moved ones in place, cancelled ones too)."""
        params: dict[str, Any] = {
            "calendarId": self.calendar_id,
            "eventId": event_id,
            "maxResults": page_size,
            "showDeleted": show_deleted,
        }
        if time_min is not None:
            params["timeMin"] = _rfc3339(time_min)
        if time_max is not None:
            params["timeMax"] = _rfc3339(time_max)
        events = self._events
        items: list[dict] = []
        page_token = None
        while True:
            page_params = dict(params, pageToken=page_token) if page_token else params
            page = self._checked(lambda p=page_params: events.instances(**p))
            items.extend(page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                return items
