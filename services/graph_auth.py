"""Sign-in with the Microsoft identity platform for :mod:`services.graph_client`:
msal over an HTTP session that rewrites origins (emulators, proxies) and
defaults a timeout. Never imports ``odoo``."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests

from .exceptions import AuthorizationError, InvalidOAuthState, RemoteError
from .graph_results import PROVIDER

AUTHORITY_HOST = "https://login.microsoftonline.com"
#: Delegated scopes; msal adds ``offline_access openid profile`` itself.
SCOPES = ("Calendars.ReadWrite", "User.Read")
DEFAULT_TIMEOUT = 20
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

# The callback is a GET with the code in the query (as Odoo's own callback);
# msal 1.39 warns on every flow that form_post would be preferable.
warnings.filterwarnings(
    "ignore",
    message="response_mode='form_post' is recommended",
    category=UserWarning,
    module="msal",
)


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
