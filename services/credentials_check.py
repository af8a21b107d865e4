"""Credentials preflight: does the provider accept this Client ID and Secret?
=========================================================================

The "Check credentials" button of the settings asks each provider's token
endpoint to redeem a deliberately invalid authorization code. No user signs in
and nothing is granted; only the order in which the provider validates the
request tells us something:

1. the client id (Google: 401 ``invalid_client`` "The OAuth client was not
   found."; Microsoft: ``unauthorized_client`` AADSTS700016),
2. the client secret (Google: 401 ``invalid_client`` "Unauthorized"; Microsoft:
   ``invalid_client`` AADSTS7000215, or 7000222 for an expired secret),
3. only then the code (``invalid_grant``): the client id and secret are right.

Public API::

    check_google_credentials(token_uri, client_id, client_secret, redirect_uri,
                             timeout=CHECK_TIMEOUT) -> CredentialsCheck
    check_microsoft_credentials(client_id, client_secret, authority, redirect_uri,
                                session=None, timeout=CHECK_TIMEOUT)
        -> CredentialsCheck
    classify_google_answer(status_code, payload) -> CredentialsCheck
    classify_microsoft_answer(result) -> CredentialsCheck

A missing client id or secret is reported without any request. Network errors
give :data:`UNREACHABLE`; nothing else leaves these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from . import graph_client
from .exceptions import RemoteError

#: Seconds allowed to each request of a check (an admin is waiting).
CHECK_TIMEOUT = 15
#: The code sent for redemption: never a valid authorization code.
INVALID_CODE = "calendar-sync-credentials-check"

OK = "ok"
MISSING_CLIENT_ID = "missing_client_id"
MISSING_CLIENT_SECRET = "missing_client_secret"
UNKNOWN_CLIENT_ID = "unknown_client_id"
WRONG_CLIENT_SECRET = "wrong_client_secret"
EXPIRED_CLIENT_SECRET = "expired_client_secret"
#: Client id and secret accepted, but the redirect URI is not registered.
REDIRECT_URI_NOT_REGISTERED = "redirect_uri_not_registered"
INVALID_TENANT = "invalid_tenant"
UNREACHABLE = "unreachable"
UNEXPECTED = "unexpected"

#: The settings field each status points at.
STATUS_FIELDS = {
    MISSING_CLIENT_ID: "client_id",
    UNKNOWN_CLIENT_ID: "client_id",
    MISSING_CLIENT_SECRET: "client_secret",
    WRONG_CLIENT_SECRET: "client_secret",
    EXPIRED_CLIENT_SECRET: "client_secret",
    INVALID_TENANT: "tenant",
}

# Microsoft identity platform error codes (AADSTS…).
AADSTS_UNKNOWN_CLIENT = {700016}
AADSTS_MISSING_SECRET = {7000218}
AADSTS_EXPIRED_SECRET = {7000222}
AADSTS_INVALID_TENANT = {90002}


@dataclass(frozen=True)
class CredentialsCheck:
    """The outcome of a check.

    :param status: one of the module's status constants (:data:`OK`, …).
    :param error: the provider's error code (``invalid_client``…), or "".
    :param detail: the provider's description or the network error, or "".
    :param codes: Microsoft's ``error_codes`` (AADSTS numbers).
    """

    status: str
    error: str = ""
    detail: str = ""
    codes: tuple = ()

    @property
    def ok(self) -> bool:
        """Whether the provider accepted the client id and the secret."""
        return self.status in (OK, REDIRECT_URI_NOT_REGISTERED)

    @property
    def field(self) -> str | None:
        """``client_id``, ``client_secret`` or ``tenant`` when that one is wrong."""
        return STATUS_FIELDS.get(self.status)


def _missing(client_id: str, client_secret: str) -> CredentialsCheck | None:
    if not (client_id or "").strip():
        return CredentialsCheck(MISSING_CLIENT_ID)
    if not (client_secret or "").strip():
        return CredentialsCheck(MISSING_CLIENT_SECRET)
    return None


# ------------------------------------------------------------------- Google
def check_google_credentials(
    token_uri: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    timeout: float = CHECK_TIMEOUT,
) -> CredentialsCheck:
    """Ask Google's token endpoint whether it knows the client and its secret.

    :param token_uri: the configured token endpoint
        (``calendar_sync.google_token_uri``).
    :param redirect_uri: the redirect URI the addon uses (sent as in a real
        redemption).
    """
    missing = _missing(client_id, client_secret)
    if missing:
        return missing
    data = {
        "grant_type": "authorization_code",
        "code": INVALID_CODE,
        "redirect_uri": redirect_uri,
        "client_id": client_id.strip(),
        "client_secret": client_secret.strip(),
    }
    try:
        response = requests.post(token_uri, data=data, timeout=timeout)
    except requests.RequestException as exc:
        return CredentialsCheck(UNREACHABLE, detail=str(exc))
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return classify_google_answer(response.status_code, payload)


def classify_google_answer(status_code: int, payload) -> CredentialsCheck:
    """Read the token endpoint's answer to an invalid code.

    :param status_code: the HTTP status.
    :param payload: the decoded JSON body (None if it was not JSON).
    """
    if not isinstance(payload, dict) or not payload.get("error"):
        return CredentialsCheck(UNEXPECTED, detail=f"HTTP {status_code}")
    error = str(payload["error"])
    description = str(payload.get("error_description") or "")
    found = CredentialsCheck(OK, error=error, detail=description)
    if error == "deleted_client" or (
        error == "invalid_client" and "not found" in description.lower()
    ):
        # "The OAuth client was not found." / "The OAuth client was deleted."
        return CredentialsCheck(UNKNOWN_CLIENT_ID, error, description)
    if error in ("invalid_client", "unauthorized_client"):
        # "Unauthorized": the client exists, the secret is not its secret
        return CredentialsCheck(WRONG_CLIENT_SECRET, error, description)
    if error == "invalid_request" and "client_secret" in description:
        return CredentialsCheck(MISSING_CLIENT_SECRET, error, description)
    if error == "invalid_grant":
        # client and secret passed; only our fake code was refused
        return found
    if error == "redirect_uri_mismatch":
        return CredentialsCheck(REDIRECT_URI_NOT_REGISTERED, error, description)
    return CredentialsCheck(
        UNEXPECTED, error, f"HTTP {status_code} {error}: {description}".strip()
    )


# ---------------------------------------------------------------- Microsoft
def check_microsoft_credentials(
    client_id: str,
    client_secret: str,
    authority: str,
    redirect_uri: str,
    session: requests.Session | None = None,
    timeout: float = CHECK_TIMEOUT,
) -> CredentialsCheck:
    """Ask the Microsoft identity platform whether it knows the application and
    its secret, through msal as the sign-in does.

    :param authority: the real https authority with the tenant, e.g.
        ``https://login.microsoftonline.com/common``.
    :param session: the HTTP session msal uses (a
        :class:`~.graph_client.RewritingSession`); it should default a timeout.
    """
    missing = _missing(client_id, client_secret)
    if missing:
        return missing
    if session is None:
        session = graph_client.RewritingSession({}, timeout)
    try:
        # a fresh app: msal answers a repeated failing request from its cache
        app = graph_client.make_msal_app(
            client_id.strip(),
            client_secret.strip(),
            authority,
            http_client=session,
            timeout=timeout,
        )
        flow = graph_client.start_auth_flow(
            app,
            graph_client.SCOPES,
            redirect_uri,
            state="calendar-sync-credentials-check",
            rewrite_auth_uri=False,
        )
        result = app.acquire_token_by_auth_code_flow(
            flow, {"code": INVALID_CODE, "state": flow["state"]}
        )
    except RemoteError as exc:
        cause = exc.__cause__ or exc
        if getattr(exc, "reason", "") == "authority":
            # the tenant's OpenID metadata was refused (unknown tenant)
            return CredentialsCheck(INVALID_TENANT, detail=str(cause))
        return CredentialsCheck(UNREACHABLE, detail=str(cause))
    except requests.HTTPError as exc:
        return CredentialsCheck(UNEXPECTED, detail=str(exc))
    except requests.RequestException as exc:
        return CredentialsCheck(UNREACHABLE, detail=str(exc))
    except ValueError as exc:  # msal: the answer was not JSON
        return CredentialsCheck(UNEXPECTED, detail=str(exc))
    return classify_microsoft_answer(result)


def classify_microsoft_answer(result: dict | None) -> CredentialsCheck:
    """Read msal's result of redeeming an invalid code.

    :param result: the dict msal returned (``error``, ``error_description``,
        ``error_codes``).
    """
    result = result if isinstance(result, dict) else {}
    error = str(result.get("error") or "")
    description = str(result.get("error_description") or "")
    codes = tuple(int(code) for code in result.get("error_codes") or ())
    known = set(codes)
    if not error:
        return CredentialsCheck(UNEXPECTED, detail=description or "no error")
    if known & AADSTS_INVALID_TENANT or error == "invalid_tenant":
        return CredentialsCheck(INVALID_TENANT, error, description, codes)
    if known & AADSTS_UNKNOWN_CLIENT or error == "unauthorized_client":
        # AADSTS700016: application not found in the directory
        return CredentialsCheck(UNKNOWN_CLIENT_ID, error, description, codes)
    if known & AADSTS_MISSING_SECRET:
        return CredentialsCheck(MISSING_CLIENT_SECRET, error, description, codes)
    if known & AADSTS_EXPIRED_SECRET:
        return CredentialsCheck(EXPIRED_CLIENT_SECRET, error, description, codes)
    if error == "invalid_client":
        # AADSTS7000215 and kin: the application exists, the secret is wrong
        return CredentialsCheck(WRONG_CLIENT_SECRET, error, description, codes)
    if error == "invalid_grant":
        # AADSTS70000, 9002313, 54005…: the client passed, only the code failed
        return CredentialsCheck(OK, error, description, codes)
    return CredentialsCheck(UNEXPECTED, error, description, codes)
