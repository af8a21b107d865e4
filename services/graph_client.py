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
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote, urlencode, urlsplit

import requests

from .exceptions import (
    DEFAULT_MAX_SINGLE_SLEEP,
    DEFAULT_MAX_SLEEP,
    AuthorizationError,
    CalendarSyncError,
    InstancesFailed,
    InvalidOAuthState,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
    RetryBudget,
    UntrustedLink,
    within_budget,
)

PROVIDER = "microsoft"
GRAPH_ROOT = "https://graph.microsoft.com/v1.0"
AUTHORITY_HOST = "https://login.microsoftonline.com"
#: Delegated scopes; msal adds ``offline_access openid profile`` itself.
SCOPES = ("Calendars.ReadWrite", "User.Read")
DEFAULT_TIMEOUT = 20
#: Largest ``odata.maxpagesize`` with a public source (see module docstring).
DELTA_PAGE_SIZE = 1000
#: ``$top`` of ``/instances`` (Outlook's default page is 10; 1000 is the maximum).
INSTANCES_PAGE_SIZE = 1000
#: ``$batch`` holds at most 20 requests (api-notes §3.5).
BATCH_LIMIT = 20
#: Outlook runs at most 4 concurrent requests per mailbox (api-notes §3.6).
MAILBOX_CONCURRENCY = 4
RETRYABLE_STATUSES = (429, 503, 504)
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
SYNC_STATE_CODES = ("SyncStateNotFound", "SyncStateInvalid", "resyncRequired")
#: Graph's answer to a stale ``If-Match`` (412; api-notes §3.2 also counts a 409)
CONFLICT_CODE = "ErrorIrresolvableConflict"
#: Token endpoint errors that mean "the user must sign in again".
AUTH_ERRORS = (
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "access_denied",
    "consent_required",
    "interaction_required",
    "invalid_scope",
)
RESPONSE_ACTIONS = {
    "accepted": "accept",
    "accept": "accept",
    "tentative": "tentativelyAccept",
    "tentativelyAccepted": "tentativelyAccept",
    "tentativelyAccept": "tentativelyAccept",
    "declined": "decline",
    "decline": "decline",
}

# The callback is a GET with the code in the query (as Odoo's own callback);
# msal 1.39 warns on every flow that form_post would be preferable.
warnings.filterwarnings(
    "ignore",
    message="response_mode='form_post' is recommended",
    category=UserWarning,
    module="msal",
)


class AccessTokenExpired(RemoteError):
    """Graph refused the access token (401 ``InvalidAuthenticationToken``): refresh
    it and retry. Not a reason to ask the user to reconnect."""


# --------------------------------------------------------------------- session
class RewritingSession(requests.Session):
    """A ``requests.Session`` that rewrites URL origins and defaults a timeout.

    ``mapping`` maps origins (``https://login.microsoftonline.com``,
    ``https://graph.microsoft.com``) to other bases, e.g. a local emulator's
    ``http://127.0.0.1:PORT``; it is empty in production. msal keeps the real https
    authority (it refuses http ones) while every request actually goes to the
    mapped base (api-notes §0.5 option (a)).

    :param mapping: ``{origin: replacement}``; the longest matching origin wins.
    :param timeout: seconds applied to requests that do not pass their own.
    """

    def __init__(self, mapping: dict | None = None, timeout: float = DEFAULT_TIMEOUT):
        super().__init__()
        pairs = ((k.rstrip("/"), v.rstrip("/")) for k, v in (mapping or {}).items())
        self.mapping = sorted(pairs, key=lambda pair: -len(pair[0]))
        self.default_timeout = timeout

    def rewrite(self, url: str) -> str:
        """``url`` with its origin replaced per the mapping (unchanged if none)."""
        for source, target in self.mapping:
            if url == source or url.startswith((source + "/", source + "?")):
                return target + url[len(source) :]
        return url

    def request(self, method, url, *args, **kwargs):
        if len(args) < 7 and kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, self.rewrite(url), *args, **kwargs)


# ---------------------------------------------------------------------- msal
def make_msal_app(
    client_id: str,
    client_secret: str,
    authority: str,
    http_client: requests.Session | None = None,
    timeout: float = DEFAULT_TIMEOUT,
):
    """A ``msal.ConfidentialClientApplication`` for ``authority``.

    :param authority: the real https authority, e.g.
        ``https://login.microsoftonline.com/common`` (see
        ``services.config.microsoft_authority``).
    :param http_client: the session msal uses (a :class:`RewritingSession`); msal
        applies no timeout to a given session, so it should default one.
    :raises RemoteError: the authority's OpenID metadata could not be read.
    """
    import msal
    from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS

    session = http_client if http_client is not None else RewritingSession({}, timeout)
    options = {}
    if (urlsplit(authority).hostname or "").lower() not in WELL_KNOWN_AUTHORITY_HOSTS:
        # Otherwise msal asks login.microsoftonline.com to validate the host first.
        options["instance_discovery"] = False
    try:
        app = msal.ConfidentialClientApplication(
            client_id,
            client_credential=client_secret,
            authority=authority,
            http_client=session,
            timeout=timeout,
            **options,
        )
    except requests.RequestException as exc:
        raise _network_error(exc) from exc
    except ValueError as exc:
        raise RemoteError(
            str(exc), provider=PROVIDER, status=0, reason="authority", retryable=True
        ) from exc
    app.calendar_sync_session = session
    return app


def start_auth_flow(
    app,
    scopes: Iterable[str],
    redirect_uri: str,
    state: str,
    login_hint: str | None = None,
    rewrite_auth_uri: bool = True,
) -> dict:
    """Begin the authorization code flow (PKCE, nonce); returns msal's flow dict.

    Store the whole dict server-side (it holds the PKCE verifier and the nonce) and
    send the browser to ``flow["auth_uri"]``. When the app's session maps the
    authority to another base (tests), ``auth_uri`` is rewritten the same way so a
    browser reaches it too, unless ``rewrite_auth_uri`` is False (a caller that
    never sends a browser there).
    """
    flow = app.initiate_auth_code_flow(
        list(scopes), redirect_uri=redirect_uri, state=state, login_hint=login_hint
    )
    session = getattr(app, "calendar_sync_session", None)
    if rewrite_auth_uri and isinstance(session, RewritingSession):
        flow["auth_uri"] = session.rewrite(flow["auth_uri"])
    return flow


def finish_auth_flow(app, flow: dict, query_params: dict) -> dict:
    """Exchange the callback's code for tokens (checks state, PKCE and nonce).

    :param flow: the dict :func:`start_auth_flow` returned, as stored.
    :param query_params: the callback's query string as a dict.
    :raises InvalidOAuthState: no stored flow, or the ``state`` does not match.
    :raises AuthorizationError: the user declined, or the code was refused.
    """
    params = {k: v for k, v in dict(query_params).items()}
    if not flow or not flow.get("state"):
        raise InvalidOAuthState("No sign-in is pending.", reason="missing")
    if params.get("state") != flow["state"]:
        raise InvalidOAuthState("The OAuth state does not match.", reason="mismatch")
    try:
        result = app.acquire_token_by_auth_code_flow(dict(flow), params)
    except requests.RequestException as exc:
        raise _network_error(exc) from exc
    except ValueError as exc:
        raise InvalidOAuthState(str(exc), reason="invalid") from exc
    except RuntimeError as exc:  # msal: the id_token's nonce is not ours
        raise AuthorizationError(
            str(exc), provider=PROVIDER, error="nonce_mismatch", description=str(exc)
        ) from exc
    return _token_set(result)


def refresh(app, refresh_token: str, scopes: Iterable[str] = SCOPES) -> dict:
    """New tokens from ``refresh_token``; the returned refresh token is rotated.

    :raises AuthorizationError: ``invalid_grant`` (revoked, expired: the user must
        reconnect), with ``codes`` such as ``[70008]``, ``[700082]``, ``[50173]``.
    :raises RemoteError: the identity platform could not be reached.
    """
    try:
        result = app.acquire_token_by_refresh_token(refresh_token, list(scopes))
    except requests.RequestException as exc:
        raise _network_error(exc) from exc
    tokens = _token_set(result)
    tokens["refresh_token"] = tokens["refresh_token"] or refresh_token
    return tokens


def _token_set(result: dict) -> dict:
    if not result or "error" in result:
        _raise_token_error(result or {"error": "no_response"})
    claims = result.get("id_token_claims") or {}
    expires_in = int(result.get("expires_in") or 3599)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return {
        "access_token": result["access_token"],
        "refresh_token": result.get("refresh_token"),
        "expiry": now + timedelta(seconds=expires_in),
        "email": (claims.get("preferred_username") or "").strip().lower(),
        "name": claims.get("name") or "",
        "oid": claims.get("oid"),
        "tid": claims.get("tid"),
        "scope": result.get("scope") or "",
    }


def _raise_token_error(result: dict) -> None:
    error = result.get("error")
    description = result.get("error_description") or error
    data = {
        "provider": PROVIDER,
        "error": error,
        "description": description,
        "codes": list(result.get("error_codes") or []),
    }
    if error in AUTH_ERRORS:
        raise AuthorizationError(description, **data)
    raise RemoteError(
        description, status=0, reason=error, retryable=True, retry_after=None, **data
    )


def _network_error(exc: Exception) -> RemoteError:
    return RemoteError(
        f"Microsoft could not be reached: {exc}",
        provider=PROVIDER,
        status=0,
        reason=type(exc).__name__,
        retryable=True,
        retry_after=None,
    )


# --------------------------------------------------------------------- graph
@dataclass
class DeltaResult:
    """One delta round: raw items (deduplicated, last wins) and the new deltaLink."""

    items: list
    delta_link: str
    pages: int


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


class GraphCalendarClient:
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
    ) -> DeltaResult:
        """One round of ``/me/calendarView/delta``, following every nextLink.

        Without ``delta_link`` it starts a full round over ``[start, end)``; with it,
        it asks for the changes since that link. Items are raw Graph payloads
        (full masters/singles/exceptions, sparse occurrences, ``@removed`` ones).

        :raises InvalidSyncToken: the link expired (410 ``SyncStateNotFound``):
            drop it and start a full round.
        :raises UntrustedLink: the stored ``delta_link`` (``link_kind`` ``stored
            deltaLink``, nothing requested), or a link Graph answered, lies outside
            the Graph root.
        :raises RateLimited: throttled beyond the call's sleep budget
            (``retryable``, ``retry_after``).
        """
        if delta_link:
            url, params = self._trusted_link(delta_link, "stored deltaLink"), None
        elif start is None or end is None:
            raise ValueError("A first delta round needs start and end.")
        else:
            url = self._url("/me/calendarView/delta")
            params = {"startDateTime": iso_utc(start), "endDateTime": iso_utc(end)}
        headers = {"Prefer": self._prefer(self.page_size)}
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

    def _single(self, request: dict) -> dict:
        result = self.batch([request])[0]
        if not result.ok:
            raise result.to_error()
        return result.body

    # ------------------------------------------------------ request builders
    def create_request(self, body: dict, transaction_id: str) -> dict:
        """A ``$batch`` item creating an event; ``transactionId`` dedupes retries."""
        return {
            "method": "POST",
            "url": "/me/events",
            "headers": {"Content-Type": "application/json", "Prefer": self._prefer()},
            "body": {**body, "transactionId": transaction_id},
        }

    def patch_request(
        self, event_id: str, changes: dict, etag: str | None = None
    ) -> dict:
        """A ``$batch`` item updating an event (an occurrence becomes an exception).

        :param etag: the event's ``@odata.etag``: sent as ``If-Match``, so Graph
            refuses the change (412) when the event changed since.
        """
        headers = {"Content-Type": "application/json", "Prefer": self._prefer()}
        if etag:
            headers["If-Match"] = etag
        return {
            "method": "PATCH",
            "url": _event_path(event_id),
            "headers": headers,
            "body": changes,
        }

    def delete_request(self, event_id: str, etag: str | None = None) -> dict:
        """A ``$batch`` item deleting an event, a series, or one occurrence.

        :param etag: as for :meth:`patch_request` (``If-Match``).
        """
        request = {"method": "DELETE", "url": _event_path(event_id)}
        if etag:
            request["headers"] = {"If-Match": etag}
        return request

    def get_request(self, event_id: str) -> dict:
        return {
            "method": "GET",
            "url": _event_path(event_id),
            "headers": {"Prefer": self._prefer()},
        }

    def instances_request(self, master_id: str, start: datetime, end: datetime) -> dict:
        """A ``$batch`` item listing a series' occurrences and exceptions."""
        query = urlencode(
            {
                "startDateTime": iso_utc(start),
                "endDateTime": iso_utc(end),
                "$top": INSTANCES_PAGE_SIZE,
            },
            safe=":$",
        )
        return {
            "method": "GET",
            "url": f"{_event_path(master_id)}/instances?{query}",
            "headers": {"Prefer": self._prefer()},
        }

    def respond_request(
        self,
        event_id: str,
        response: str,
        comment: str = "",
        send_response: bool = True,
    ) -> dict:
        """A ``$batch`` item answering an invitation.

        :param response: ``accepted``/``tentative``/``declined`` (Odoo's words) or
            Graph's ``accept``/``tentativelyAccept``/``decline``.
        """
        action = RESPONSE_ACTIONS[response]
        return {
            "method": "POST",
            "url": f"{_event_path(event_id)}/{action}",
            "headers": {"Content-Type": "application/json"},
            "body": {"comment": comment, "sendResponse": send_response},
        }

    # ---------------------------------------------------------------- batch
    @within_budget
    def batch(self, requests_: list[dict]) -> list[BatchResult]:
        """Run ``requests_`` through ``$batch``; one result per request, in order.

        Chunks of at most :data:`BATCH_LIMIT` items, chained with ``dependsOn`` so
        that a mailbox never runs more than ``concurrency`` of them at once. Items
        answered 429 (after their ``Retry-After``), 424, 503 or 504 are sent again,
        up to ``max_retries`` rounds within the sleep budget; what still fails is
        returned as it failed (``retryable``, ``retry_after``). A ``$batch``
        request throttled or unavailable as a whole, or unreachable, fails each
        of its items the same way, and the items after it are not sent.

        :raises AccessTokenExpired: the token was refused and could not be renewed.
        """
        results: dict[int, BatchResult] = {}
        pending = list(range(len(requests_)))
        refreshed = False
        attempt = 0
        while pending:
            answered, stopped = self._post_chunks(requests_, pending)
            retry = []
            for index, result in answered:
                results[index] = result
                if self._item_retryable(result, refreshed):
                    retry.append(index)
            if stopped or not retry:
                break
            if not self._wait_items(attempt, [results[i] for i in retry]):
                break
            if any(results[i].status == 401 for i in retry):
                self.access_token = self.on_unauthorized()
                refreshed = True
            attempt += 1
            pending = retry
        return [results[i] for i in range(len(requests_))]

    def _item_retryable(self, result: BatchResult, refreshed: bool) -> bool:
        if result.status in (424, *RETRYABLE_STATUSES):
            return True
        return self._can_refresh(result.status, result.error_code, refreshed)

    def _wait_items(self, attempt: int, failed: list[BatchResult]) -> bool:
        """Wait before sending ``failed`` again (the longest ``Retry-After``);
        False when they must not be retried now."""
        if not any(r.status in RETRYABLE_STATUSES for r in failed):
            # failed dependencies, expired token: nothing to wait for
            return attempt < self.max_retries
        waits = [r.retry_after for r in failed if r.retry_after is not None]
        return self._wait(attempt, max(waits, default=None))

    def _post_chunks(self, requests_: list[dict], indexes: list[int]):
        """Post ``indexes`` in chunks; ``([(index, result)…], stopped)``.

        ``stopped``: a whole ``$batch`` request failed after its retries (throttled,
        unavailable, unreachable); its items and the unsent ones fail with it.
        """
        answered: list[tuple[int, BatchResult]] = []
        for chunk in _chunks(indexes, BATCH_LIMIT):
            try:
                answered.extend(self._post_batch(requests_, chunk))
            except AccessTokenExpired:
                raise
            except RemoteError as exc:
                if not exc.retryable:
                    raise
                unsent = indexes[len(answered) :]
                answered.extend((i, _failed_item(requests_[i], exc)) for i in unsent)
                return answered, True
        return answered, False

    def _post_batch(self, requests_: list[dict], chunk: list[int]):
        items = []
        size = -(-len(chunk) // self.concurrency)  # items per chain
        for position, index in enumerate(chunk):
            item = {"id": str(index), **_without_id(requests_[index])}
            if position % size:
                item["dependsOn"] = [str(chunk[position - 1])]
            items.append(item)
        response = self._call(
            "POST",
            self._url("/$batch"),
            json={"requests": items},
            headers={"Content-Type": "application/json"},
        )
        answers = {str(a.get("id")): a for a in response.json().get("responses") or []}
        results = []
        for index in chunk:
            answer = answers.get(str(index)) or {"status": 0, "body": None}
            result = BatchResult(
                request=requests_[index],
                status=int(answer.get("status") or 0),
                headers=answer.get("headers") or {},
                body=answer.get("body"),
            )
            results.append((index, result))
        return results

    @within_budget
    def instances_results(
        self, master_ids: Iterable[str], start: datetime, end: datetime
    ) -> dict[str, SeriesInstances]:
        """Occurrences and exceptions of many series, fetched through ``$batch``;
        one series' failure never stops the others.

        :return: ``{master_id: SeriesInstances}`` (``ok`` with ``instances``,
            ``gone`` for a series that no longer exists, or ``error``: the
            series' own :class:`RemoteError`, ``retryable`` and ``retry_after``
            when throttled, :class:`UntrustedLink` for a foreign next link).
        """
        ids = list(dict.fromkeys(master_ids))
        found = {mid: SeriesInstances(mid, []) for mid in ids}
        pending = [(mid, self.instances_request(mid, start, end)) for mid in ids]
        while pending:
            results = self.batch([request for _mid, request in pending])
            follow = []
            for (mid, _request), result in zip(pending, results, strict=True):
                series = found[mid]
                if result.status == 404:
                    series.instances = None
                    continue
                if not result.ok:
                    series.instances, series.error = None, result.to_error()
                    continue
                series.instances.extend(result.body.get("value") or [])
                link = result.body.get("@odata.nextLink")
                if not link:
                    continue
                try:
                    follow.append((mid, self._relative_request(link)))
                except UntrustedLink as exc:
                    series.instances, series.error = None, exc
            pending = follow
        return found

    @within_budget
    def instances_batch(
        self, master_ids: Iterable[str], start: datetime, end: datetime
    ) -> dict[str, list[dict] | None]:
        """Occurrences and exceptions of many series, fetched through ``$batch``.

        :return: ``{master_id: [instances…]}``; ``None`` for a series that no longer
            exists (404).
        :raises InstancesFailed: some series could not be read; raised once every
            series was tried: ``failures`` (``{master_id: error}``) names them and
            ``found`` holds this method's answer for all the others.
        """
        series = self.instances_results(master_ids, start, end)
        found = {mid: s.instances for mid, s in series.items() if s.ok}
        failures = {mid: s.error for mid, s in series.items() if not s.ok}
        if failures:
            raise _instances_failed(failures, found)
        return found

    def _relative_request(self, link: str) -> dict:
        """A ``$batch`` item for ``link`` (a next link under the Graph root)."""
        sent = urlsplit(self._sent_url(self._trusted_link(link, "nextLink")))
        root_path = urlsplit(self._sent_url(self.graph_root)).path.rstrip("/")
        url = sent.path[len(root_path) :] + ("?" + sent.query if sent.query else "")
        return {"method": "GET", "url": url, "headers": {"Prefer": self._prefer()}}


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


def _failed_item(request: dict, error: RemoteError) -> BatchResult:
    """The result of an item whose whole ``$batch`` request failed with ``error``."""
    retry_after = getattr(error, "retry_after", None)
    return BatchResult(
        request=request,
        status=getattr(error, "status", 0) or 0,
        headers={} if retry_after is None else {"Retry-After": str(retry_after)},
        body={"error": {"code": error.reason, "message": error.message}},
    )


def _instances_failed(failures: dict, found: dict) -> InstancesFailed:
    first = next(iter(failures.values()))
    return InstancesFailed(
        f"The instances of {len(failures)} Outlook series could not be read: "
        f"{first.message}",
        provider=PROVIDER,
        status=getattr(first, "status", 0),
        reason=getattr(first, "reason", ""),
        retryable=all(
            getattr(error, "retryable", False) for error in failures.values()
        ),
        retry_after=getattr(first, "retry_after", None),
        failures=failures,
        found=found,
    )


def _event_path(event_id: str) -> str:
    return "/me/events/" + quote(event_id, safe="=-_")


def _without_id(request: dict) -> dict:
    return {k: v for k, v in request.items() if k not in ("id", "dependsOn")}


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]
