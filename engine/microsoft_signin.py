# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook (Microsoft identity platform): how a user connects an account, and
its Graph client.

msal's authorization code flow (PKCE, nonce) through ``services/graph_client``:
the sign-in page's URL, the callback's code exchange, the refresh of the
access token (Microsoft rotates refresh tokens: the new one is stored), and
one plain sentence per sign-in failure. ``calendar_sync.microsoft_host_map``
rewrites the origins msal and Graph are reached at (the emulators in tests).

Microsoft has no endpoint to revoke one refresh token: resetting or deleting
an account forgets the tokens only (README, Security).

Public API: :class:`MicrosoftSignin` (``account._signin()`` of an Outlook
account), :func:`host_map`, :func:`session`, :func:`msal_app`.
"""

import json
import logging
import re
from datetime import timedelta

from odoo import _, fields

from ..services import config, graph_client
from ..services.exceptions import (
    AuthorizationError,
    InvalidOAuthState,
    RemoteError,
)
from .port import ProviderSignin

_logger = logging.getLogger(__name__)


def _accounts(env):
    return env["calendar.sync.account"]


def host_map(env):
    """The ``calendar_sync.microsoft_host_map`` origin rewrites ({} unless set)."""
    raw = (_accounts(env)._param(config.PARAM_MICROSOFT_HOST_MAP) or "").strip()
    if not raw:
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict):
        _logger.warning(
            "Ignoring %s: not a JSON object of origins",
            config.PARAM_MICROSOFT_HOST_MAP,
        )
        return {}
    return {str(source): str(target) for source, target in mapping.items()}


def session(env):
    """The HTTP session of msal and Graph (origins rewritten per the host
    map, default timeout)."""
    return graph_client.RewritingSession(
        host_map(env), timeout=_accounts(env)._http_timeout()
    )


def msal_app(env, http_session=None):
    """A fresh msal ``ConfidentialClientApplication`` (msal caches failed token
    requests per instance: never keep one across requests).

    :raises RemoteError: the authority's OpenID metadata could not be read
    """
    accounts = _accounts(env)
    client_id, secret = accounts._provider_credentials(config.MICROSOFT)
    authority = config.microsoft_authority(
        accounts._param("calendar_sync.microsoft_authority_host"),
        accounts._param(config.PARAM_MICROSOFT_TENANT)
        or config.DEFAULT_MICROSOFT_TENANT,
    )
    return graph_client.make_msal_app(
        client_id,
        secret,
        authority,
        http_client=http_session if http_session is not None else session(env),
    )


class MicrosoftSignin(ProviderSignin):
    """Sign-in and Graph client of one Outlook account."""

    provider = config.MICROSOFT

    def authorization_url(self, redirect_uri, return_url):
        """Keep msal's flow (PKCE verifier, nonce) and the state's nonce on the
        account, return the URL of Microsoft's sign-in page (the host map
        applies to it too).

        :raises RemoteError: the authority could not be reached
        """
        account = self.account
        state, nonce = account._oauth_new_state(return_url)
        flow = graph_client.start_auth_flow(
            msal_app(self.env),
            graph_client.SCOPES,
            redirect_uri,
            state,
            login_hint=account.sudo().email or account.user_id.email or None,
        )
        account.sudo().write({"oauth_nonce": nonce, "oauth_flow": json.dumps(flow)})
        return flow["auth_uri"]

    def finish_authorization(self, params, redirect_uri):
        """Exchange the callback's code (msal checks state, PKCE and nonce),
        identify the Microsoft account, then store tokens and account together.

        :raises InvalidOAuthState: no pending flow, or its state does not match
        :raises AuthorizationError: declined, or the code was refused (AADSTS)
        :raises RemoteError: Microsoft could not be reached
        """
        account = self.account.sudo()
        try:
            flow = json.loads(account.oauth_flow or "{}")
        except ValueError:
            flow = {}
        account.oauth_flow = False
        tokens = graph_client.finish_auth_flow(msal_app(self.env), flow, dict(params))
        if not tokens.get("refresh_token"):
            raise AuthorizationError(
                "Microsoft sent no refresh token.",
                provider=config.MICROSOFT,
                error="no_refresh_token",
                description="Microsoft sent no refresh token (offline_access).",
            )
        email = tokens["email"]
        if not email:
            # with the new access token, nothing stored yet
            me = self._make_client(tokens["access_token"], None).get_me()
            email = me.get("mail") or me.get("userPrincipalName") or ""
        email = email.strip().lower()
        values = {
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "token_expiry": tokens["expiry"],
            "email": email,
            "state": "connected",
            "last_error": False,
            "sync_stopped": False,
        }
        if account.email and email != account.email:
            # another Microsoft account: start over from a full sync
            values["sync_token"] = False
        account.write(values)

    def refresh(self):
        """Refresh the access token and store the **rotated** refresh token.

        :return: the new access token
        :raises AuthorizationError: Microsoft refused the refresh token
            (``invalid_grant`` AADSTS70008/700082/50173...); the account is
            marked "needs reconnect" first (its events are not touched)
        :raises RemoteError: Microsoft could not be reached
        """
        account = self.account.sudo()
        try:
            if not account.refresh_token:
                raise AuthorizationError(
                    "No refresh token.",
                    provider=config.MICROSOFT,
                    error="no_refresh_token",
                    description="No refresh token is stored.",
                )
            tokens = graph_client.refresh(msal_app(self.env), account.refresh_token)
        except AuthorizationError as exc:
            _logger.info("Outlook refresh of %s refused: %s", account.email, exc)
            account._mark_needs_reconnect(exc)
            raise
        account.write(
            {
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
                "token_expiry": tokens["expiry"],
            }
        )
        return tokens["access_token"]

    def client(self, **options):
        """A :class:`GraphCalendarClient` for this account: the access token is
        refreshed first when it expires within 5 minutes, and again (once per
        call) when Graph refuses it; refreshed tokens are stored on the account.

        :param options: passed to ``GraphCalendarClient`` (``tz``,
            ``page_size``, ``sleep``...)
        """
        account = self.account.sudo()
        soon = fields.Datetime.now() + timedelta(minutes=5)
        if not account.access_token or (
            account.token_expiry and account.token_expiry <= soon
        ):
            self.refresh()
        return self._make_client(account.access_token, self.refresh, **options)

    def _make_client(self, access_token, on_unauthorized, **options):
        account = self.account
        return graph_client.GraphCalendarClient(
            access_token,
            graph_root=account._param("calendar_sync.microsoft_graph_root"),
            session=session(self.env),
            on_unauthorized=on_unauthorized,
            **{"max_retries": account._max_retries(), **options},
        )

    def sign_in_error(self, error):
        """One plain sentence for the user whose Outlook sign-in failed."""
        if isinstance(error, InvalidOAuthState):
            return _(
                "This sign-in link is invalid or has expired (%(reason)s). "
                "Start again from the Outlook button in the Calendar app.",
                reason=error.reason,
            )
        if not isinstance(error, AuthorizationError):
            if isinstance(error, RemoteError):
                return _(
                    "Microsoft could not be reached (%(error)s). Check the Outlook "
                    "tenant in Settings, or try again in a moment.",
                    error=error.message,
                )
            return super().sign_in_error(error)
        kind = getattr(error, "error", "") or ""
        description = getattr(error, "description", "") or error.message or ""
        codes = list(getattr(error, "codes", None) or [])
        found = re.search(r"AADSTS(\d+)", description)
        code = codes[0] if codes else (int(found.group(1)) if found else None)
        ref = f"{kind}, AADSTS{code}" if code else kind
        if code == 65001 or kind == "consent_required":
            return _(
                "Your organization requires an administrator to approve this app "
                "before you can connect (%(ref)s: consent required). Ask your "
                "administrator to grant admin consent to the app in Microsoft "
                "Entra ID, then click Outlook again.",
                ref=ref,
            )
        if kind == "access_denied":
            return _(
                "You did not allow Odoo to access your Outlook calendar (%(ref)s). "
                "Nothing was connected; click Outlook in the Calendar app to try "
                "again.",
                ref=ref,
            )
        if kind == "invalid_client" or code in (7000215, 7000218, 7000222):
            return _(
                "Microsoft refused the app's credentials (%(ref)s): the Outlook "
                "client secret in Settings is wrong or has expired. Ask your "
                "administrator to enter the secret's Value (not its ID) in "
                "Settings.",
                ref=ref,
            )
        if kind == "unauthorized_client" or code in (700016, 90002):
            return _(
                "Microsoft does not know this app in the chosen tenant (%(ref)s). "
                "Ask your administrator to check the Outlook Client ID and Tenant "
                "in Settings.",
                ref=ref,
            )
        if code in (50011, 500112):
            return _(
                "The redirect URI does not match the one registered in Azure "
                "(%(ref)s). Ask your administrator to register exactly the "
                "Redirect URI shown in Settings.",
                ref=ref,
            )
        if kind in ("invalid_grant", "nonce_mismatch"):
            return _(
                "The sign-in expired or was already used (%(ref)s). Click Outlook "
                "in the Calendar app to try again.",
                ref=ref,
            )
        summary = description.split(" Trace ID:")[0].strip() or kind
        return _(
            "Microsoft did not grant access (%(ref)s): %(description)s",
            ref=ref,
            description=summary,
        )
