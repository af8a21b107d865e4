"""Microsoft Graph calendar client and MSAL sign-in helpers
=======================================================

The only code of the addon that talks to the Microsoft identity platform and to
Microsoft Graph v1.0. It uses ``msal`` for OAuth and ``requests`` for Graph, gives
every request a timeout, and lets errors out only as :mod:`services.exceptions`
(plus :class:`AccessTokenExpired`, a :class:`~services.exceptions.RemoteError`).

Public API
----------

Sign-in (authorization code flow with PKCE, api-notes §3.8)::

    session = RewritingSession(mapping)          # {} in production
    app = make_msal_app(client_id, secret, authority, http_client=session)
    flow = start_auth_flow(app, SCOPES, redirect_uri, state, login_hint=None)
    # store ``flow`` server-side; redirect the browser to flow["auth_uri"]
    tokens = finish_auth_flow(app, flow, query_params)
    tokens = refresh(app, refresh_token, SCOPES)  # store tokens["refresh_token"]!

``tokens`` is a dict: ``access_token``, ``refresh_token`` (rotated on every
refresh), ``expiry`` (naive UTC), ``email``, ``name``, ``oid``, ``tid``, ``scope``. A
refused grant (``invalid_grant`` AADSTS70008/700082/50173, ``invalid_client``…) raises
:class:`~services.exceptions.AuthorizationError` with ``provider="microsoft"``,
``error``, ``description`` and ``codes``. msal answers an identical failing token
POST from an in-memory cache for a while: build a fresh app when state may have
changed (the Odoo layer builds one per request anyway).

Calendar (:class:`GraphCalendarClient`)::

    client = GraphCalendarClient(access_token, session=session, on_unauthorized=cb,
                                 max_sleep=5.0, max_retry_after=3.0)
    client.get_me()
    result = client.delta(delta_link=None, start=dt, end=dt)  # .items, .delta_link
    results = client.batch([client.create_request(body, "odoo-42"), ...])
    # BatchResult: .ok .status .body .error_code .error_message .retryable .retry_after
    #              .precondition_failed
    client.patch_request(event_id, changes, etag=None)   # $batch items; with etag
    client.delete_request(event_id, etag=None)           # they carry If-Match
    series = client.instances_results(master_ids, start, end)  # {id: SeriesInstances}
    series = client.instances_batch(master_ids, start, end)   # {id: [...] | None}
    client.request_count

Conditional writes: ``patch_request``/``delete_request`` (and ``patch_event``/
``delete_event``) given ``etag``, the event's ``@odata.etag`` as last read
(``W/"…"``), send ``If-Match: <etag>``. When the event changed in Outlook
meanwhile, Graph answers 412 ``ErrorIrresolvableConflict`` and changes nothing:
the item's :class:`BatchResult` has ``status=412``, ``precondition_failed`` True
and ``retryable`` False (api-notes §3.2: 409 with that code counts the same).

Per series: :meth:`GraphCalendarClient.instances_results` never raises for one
series' failure; it returns a :class:`SeriesInstances` per series (``ok``,
``gone``, ``instances``, ``error``). :meth:`~GraphCalendarClient.instances_batch`
keeps its ``{id: [...] | None}`` answer and raises
:class:`~services.exceptions.InstancesFailed` when some series failed, after
reading all the others (``found``) and naming the failed ones (``failures``).

Links: the client follows an ``@odata.nextLink``, and returns an
``@odata.deltaLink`` (or requests a stored one), only when it lies under the
configured Graph root, both compared as the session sends them (after the
``RewritingSession`` host map): same scheme, host and port, a path under the
root's, no user info, no dot segments. Any other link raises
:class:`~services.exceptions.UntrustedLink` before a request, so the access
token never goes elsewhere.

Token expiry: when Graph answers 401 ``InvalidAuthenticationToken`` the client calls
``on_unauthorized()`` (if given) once to get a fresh access token and retries;
without it, or if the fresh token is refused too, it raises
:class:`AccessTokenExpired`, which the caller turns into a refresh.

Page size: :data:`DELTA_PAGE_SIZE` = 1000. Graph documents no maximum for
``Prefer: odata.maxpagesize`` on ``/me/calendarView/delta`` and treats it as a hint
(microsoft-graph-docs#7352; msgraph-sdk-dotnet#3070 shows pages growing past it when a
series expands). Outlook collections accept ``$top`` from 1 to 1000 (Microsoft's
answer on listing messages), so 1000 is the largest page size with a public source;
the project's Graph emulator honours up to that figure too.

Throttling: Outlook runs at most 4 requests concurrently per mailbox and ``$batch``
items count individually (api-notes §0.10, §3.6). :meth:`GraphCalendarClient.batch`
therefore sends chunks of at most 20 items arranged in at most 4 ``dependsOn``
chains, honours per-item ``Retry-After`` on 429, and retries 424 (failed dependency),
503 and 504 items.

The caller holds database locks meanwhile, so one public call sleeps ``max_sleep``
seconds at most in total and ``max_retry_after`` seconds at most at a time
(:class:`~services.exceptions.RetryBudget`); a ``Retry-After`` longer than what is
left ends the retries at once, without sleeping. What still fails then leaves as
:class:`~services.exceptions.RateLimited` / :class:`~services.exceptions.RemoteError`
with ``retryable=True`` and ``retry_after`` (single calls, delta pages), or as a
failed :class:`BatchResult` with ``retryable`` True and ``retry_after`` (batch
items; a ``$batch`` request that failed as a whole fails each of its items, and the
items after it are not sent): send them again on the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote, urlsplit

import requests

from .exceptions import (
    DEFAULT_MAX_SINGLE_SLEEP,
    DEFAULT_MAX_SLEEP,
    RemoteError,
    RetryBudget,
    UntrustedLink,
    within_budget,
)
from .graph_auth import (
    AUTH_ERRORS,
    AUTHORITY_HOST,
    DEFAULT_TIMEOUT,
    SCOPES,
    RewritingSession,
    _network_error,
    finish_auth_flow,
    make_msal_app,
    refresh,
    start_auth_flow,
)
from .graph_requests import (
    BATCH_LIMIT,
    INSTANCES_PAGE_SIZE,
    MAILBOX_CONCURRENCY,
    RESPONSE_ACTIONS,
    GraphRequestsMixin,
    _event_path,
)
from .graph_results import (
    CONFLICT_CODE,
    PROVIDER,
    RETRYABLE_STATUSES,
    SYNC_STATE_CODES,
    AccessTokenExpired,
    BatchResult,
    DeltaResult,
    SeriesInstances,
    _error_of,
    _graph_error,
    _retry_after,
    iso_utc,
)
from .graph_subscriptions import GraphSubscriptionsMixin

#: The client, and what its callers take from this module (split over
#: graph_auth, graph_requests and graph_results, re-exported here).
__all__ = [
    "AUTHORITY_HOST",
    "AUTH_ERRORS",
    "BATCH_LIMIT",
    "CONFLICT_CODE",
    "DEFAULT_TIMEOUT",
    "DELTA_PAGE_SIZE",
    "GRAPH_ROOT",
    "INSTANCES_PAGE_SIZE",
    "MAILBOX_CONCURRENCY",
    "PROVIDER",
    "RESPONSE_ACTIONS",
    "RETRYABLE_STATUSES",
    "SCOPES",
    "SYNC_STATE_CODES",
    "AccessTokenExpired",
    "BatchResult",
    "DeltaResult",
    "GraphCalendarClient",
    "RewritingSession",
    "SeriesInstances",
    "finish_auth_flow",
    "iso_utc",
    "make_msal_app",
    "refresh",
    "start_auth_flow",
]

GRAPH_ROOT = "https://graph.microsoft.com/v1.0"
#: Largest ``odata.maxpagesize`` with a public source (see module docstring).
DELTA_PAGE_SIZE = 1000
DEFAULT_PORTS = {"http": 80, "https": 443}
#: What :class:`~services.exceptions.UntrustedLink` says, per kind of link.
UNTRUSTED_LINK_MESSAGES = {
    "nextLink": "Outlook sent a next-page link to {host}, outside the Graph root "
    "{root}: it was not followed, and no access token was sent to it.",
    "deltaLink": "Outlook sent a delta link to {host}, outside the Graph root "
    "{root}: it was not kept.",
    "stored deltaLink": "The stored Outlook delta link points to {host}, outside "
    "the Graph root {root}: it was not requested.",
}


class GraphCalendarClient(GraphRequestsMixin, GraphSubscriptionsMixin):
    """Client of the signed-in user's primary Outlook calendar (Graph v1.0).

    :param access_token: the bearer token.
    :param graph_root: ``https://graph.microsoft.com/v1.0`` or a national cloud's.
    :param session: a :class:`RewritingSession` (or any ``requests.Session``).
    :param timeout: seconds per HTTP request.
    :param max_retries: retries of a throttled / unavailable request or batch item.
    :param sleep: how to wait ``Retry-After`` seconds (injectable for tests).
    :param page_size: ``Prefer: odata.maxpagesize`` of the delta.
    :param tz: zone of ``Prefer: outlook.timezone`` (``start``/``end`` of answers).
    :param on_unauthorized: returns a fresh access token when Graph refuses the
        current one (401); without it :class:`AccessTokenExpired` is raised.
    :param max_retry_after: seconds of one sleep at most: a longer ``Retry-After``
        ends the retries of the call at once.
    :param max_sleep: seconds of sleep in total per public call.
    """

    def __init__(
        self,
        access_token: str,
        *,
        graph_root: str = GRAPH_ROOT,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        page_size: int = DELTA_PAGE_SIZE,
        tz: str = "UTC",
        body_content_type: str = "html",
        on_unauthorized: Callable[[], str] | None = None,
        concurrency: int = MAILBOX_CONCURRENCY,
        max_retry_after: float = DEFAULT_MAX_SINGLE_SLEEP,
        max_sleep: float = DEFAULT_MAX_SLEEP,
    ):
        self.access_token = access_token
        self.graph_root = graph_root.rstrip("/")
        self.session = session if session is not None else RewritingSession({}, timeout)
        self.timeout = timeout
        self.max_retries = max_retries
        self.sleep = sleep
        self.page_size = page_size
        self.tz = tz
        self.body_content_type = body_content_type
        self.on_unauthorized = on_unauthorized
        self.concurrency = max(1, concurrency)
        self.max_retry_after = max_retry_after
        self.retry_budget = RetryBudget(max_sleep, max_retry_after)
        self.request_count = 0

    # ------------------------------------------------------------ transport
    def _prefer(self, page_size: int | None = None) -> str:
        parts = []
        if page_size:
            parts.append(f"odata.maxpagesize={page_size}")
        parts.append(f'outlook.timezone="{self.tz}"')
        parts.append(f'outlook.body-content-type="{self.body_content_type}"')
        return ", ".join(parts)

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        headers.update(kwargs.pop("headers", None) or {})
        self.request_count += 1
        try:
            return self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise _network_error(exc) from exc

    def _wait(self, attempt: int, retry_after: float | None) -> bool:
        """Sleep before retry ``attempt``; False (without sleeping) when the
        retries or the call's sleep budget are spent: give up."""
        if attempt >= self.max_retries:
            return False
        delay = self.retry_budget.delay(retry_after, 2**attempt)
        if delay is None:
            return False
        if delay:
            self.sleep(delay)
        return True

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        """One Graph call with retries; raises the mapped error on failure."""
        refreshed = False
        attempt = 0
        while True:
            response = self._send(method, url, **dict(kwargs))
            if response.status_code < 400:
                return response
            code, message = _error_of(response)
            retry_after = _retry_after(response.headers)
            if self._can_refresh(response.status_code, code, refreshed):
                self.access_token = self.on_unauthorized()
                refreshed = True
                continue
            if response.status_code in RETRYABLE_STATUSES and self._wait(
                attempt, retry_after
            ):
                attempt += 1
                continue
            raise _graph_error(response.status_code, code, message, retry_after)

    def _can_refresh(self, status: int, code: str | None, refreshed: bool) -> bool:
        return (
            status == 401
            and code == "InvalidAuthenticationToken"
            and self.on_unauthorized is not None
            and not refreshed
        )

    def _url(self, path: str) -> str:
        return self.graph_root + path

    def _sent_url(self, url: str) -> str:
        """``url`` as the session actually sends it (after its host map)."""
        rewrite = getattr(self.session, "rewrite", None)
        return rewrite(url) if callable(rewrite) else url

    def _trusted_link(self, link: str, kind: str) -> str:
        """``link`` when it lies under the Graph root, both taken as the session
        sends them; else :class:`UntrustedLink` (nothing is sent to it).

        :param kind: ``nextLink``, ``deltaLink`` or ``stored deltaLink``.
        """
        if _under_root(self._sent_url(link), self._sent_url(self.graph_root)):
            return link
        host = _host_of(link)
        message = UNTRUSTED_LINK_MESSAGES[kind].format(
            host=host or "an unknown host", root=self.graph_root
        )
        raise UntrustedLink(
            message,
            provider=PROVIDER,
            status=0,
            reason="untrustedLink",
            retryable=False,
            retry_after=None,
            host=host,
            graph_root=self.graph_root,
            link_kind=kind,
        )

    # ---------------------------------------------------------------- reads
    @within_budget
    def get_me(self) -> dict:
        """``GET /me``: ``id``, ``userPrincipalName``, ``mail``, ``displayName``."""
        return self._call("GET", self._url("/me")).json()

    @within_budget
    def delta(
        self,
        delta_link: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        next_link: str | None = None,
        max_items: int | None = None,
    ) -> DeltaResult:
        """One round of ``/me/calendarView/delta``, following every nextLink.

        Without ``delta_link`` it starts a full round over ``[start, end)``; with it,
        it asks for the changes since that link. Items are raw Graph payloads
        (full masters/singles/exceptions, sparse occurrences, ``@removed`` ones).
        With ``max_items``, the pages stop once they hold that many items and
        more follow: the result has no deltaLink but the ``next_link`` to go on
        from (``next_link``; Graph's nextLink carries the whole round).

        :raises InvalidSyncToken: the link expired (410 ``SyncStateNotFound``):
            drop it and start a full round.
        :raises UntrustedLink: the stored ``delta_link`` (``link_kind`` ``stored
            deltaLink``, nothing requested), or a link Graph answered, lies outside
            the Graph root.
        :raises RateLimited: throttled beyond the call's sleep budget
            (``retryable``, ``retry_after``).
        """
        if next_link:
            url, params = self._trusted_link(next_link, "stored nextLink"), None
        elif delta_link:
            url, params = self._trusted_link(delta_link, "stored deltaLink"), None
        elif start is None or end is None:
            raise ValueError("A first delta round needs start and end.")
        else:
            url = self._url("/me/calendarView/delta")
            params = {"startDateTime": iso_utc(start), "endDateTime": iso_utc(end)}
        page_size = min(self.page_size, max_items or self.page_size)
        headers = {"Prefer": self._prefer(page_size)}
        items: dict[str, dict] = {}
        unkeyed: list[dict] = []
        pages = 0
        while True:
            page = self._call("GET", url, params=params, headers=headers).json()
            pages += 1
            for item in page.get("value") or []:
                if item.get("id"):
                    items[item["id"]] = item
                else:
                    unkeyed.append(item)
            if page.get("@odata.nextLink"):
                url = self._trusted_link(page["@odata.nextLink"], "nextLink")
                params = None
                if max_items and len(items) + len(unkeyed) >= max_items:
                    return DeltaResult(
                        list(items.values()) + unkeyed, None, pages, next_link=url
                    )
                continue
            if page.get("@odata.deltaLink"):
                link = self._trusted_link(page["@odata.deltaLink"], "deltaLink")
                return DeltaResult(list(items.values()) + unkeyed, link, pages)
            raise RemoteError(
                "A delta page had neither nextLink nor deltaLink.",
                provider=PROVIDER,
                status=200,
                reason="malformed",
                retryable=True,
                retry_after=None,
            )

    @within_budget
    def get_event(self, event_id: str) -> dict:
        """``GET /me/events/{id}`` (an occurrence id gives the occurrence)."""
        headers = {"Prefer": self._prefer()}
        return self._call(
            "GET", self._url(_event_path(event_id)), headers=headers
        ).json()

    @within_budget
    def instances(self, master_id: str, start: datetime, end: datetime) -> list[dict]:
        """Every occurrence and exception of one series in ``[start, end)``
        ([] when the series no longer exists).

        :raises RemoteError: the series' own failure (e.g. :class:`RateLimited`).
        """
        series = self.instances_results([master_id], start, end)[master_id]
        if series.error is not None:
            raise series.error
        return series.instances or []

    # -------------------------------------------------------------- writes
    @within_budget
    def create_event(self, body: dict, transaction_id: str) -> dict:
        """``POST /me/events`` with ``transactionId`` (a retry never duplicates)."""
        return self._single(self.create_request(body, transaction_id))

    @within_budget
    def patch_event(self, event_id: str, changes: dict, etag: str | None = None):
        """``PATCH /me/events/{id}`` (``If-Match: etag`` when given); a refused
        condition raises a :class:`RemoteError` with status 412."""
        return self._single(self.patch_request(event_id, changes, etag))

    @within_budget
    def delete_event(self, event_id: str, etag: str | None = None) -> bool:
        """Delete (``If-Match: etag`` when given); returns False when the event
        was already gone (404/410). A refused condition raises a
        :class:`RemoteError` with status 412."""
        result = self.batch([self.delete_request(event_id, etag)])[0]
        if result.status in (404, 410):
            return False
        if not result.ok:
            raise result.to_error()
        return True


def _under_root(url: str, root: str) -> bool:
    """Whether ``url`` has ``root``'s scheme, host and port, a path under its
    path, no user info and no dot segment."""
    try:
        target, base = urlsplit(url), urlsplit(root)
        origins = [
            (
                p.scheme.lower(),
                p.hostname,
                p.port or DEFAULT_PORTS.get(p.scheme.lower()),
            )
            for p in (target, base)
        ]
    except ValueError:  # a port that is not a number
        return False
    if origins[0] != origins[1] or not origins[0][1]:
        return False
    if target.username is not None or target.password is not None:
        return False
    segments = [unquote(segment) for segment in target.path.split("/")]
    if any(segment in (".", "..") for segment in segments):
        return False
    prefix = base.path.rstrip("/")
    return target.path == prefix or target.path.startswith(prefix + "/")


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
