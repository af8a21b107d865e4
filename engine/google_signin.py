# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google Calendar: how a user connects an account, and its API client.

OAuth 2.0 web-server flow with PKCE (``services/google_oauth.py``): the
consent page's URL, the callback's code exchange, the tokens stored on the
account (refreshed ones too, through the client), and their revocation when
the account is reset or deleted.

Public API: :class:`GoogleSignin` (``account._signin()`` of a Google account).
"""

import logging

from odoo import _

from ..services import config, google_oauth, oauth_state
from ..services.exceptions import AuthorizationError, InvalidOAuthState
from ..services.google_client import GoogleCalendarClient
from .port import ProviderSignin

_logger = logging.getLogger(__name__)


class NotGranted(AuthorizationError):
    """Google sent the user back without a code (declined, or an error)."""


def _no_refresh_token():
    return AuthorizationError(
        "Google sent no refresh token.",
        provider=config.GOOGLE,
        error="no_refresh_token",
        description="Google sent no refresh token",
    )


class GoogleSignin(ProviderSignin):
    """Sign-in and client of one Google account."""

    provider = config.GOOGLE

    def authorization_url(self, redirect_uri, return_url):
        """Remember the state's nonce and the PKCE verifier, return the URL of
        Google's consent page."""
        account = self.account
        client_id, _secret = account._provider_credentials(config.GOOGLE)
        verifier, challenge = oauth_state.new_pkce_pair()
        state, nonce = account._oauth_new_state(return_url)
        account.sudo().write({"oauth_nonce": nonce, "oauth_code_verifier": verifier})
        return google_oauth.authorization_url(
            account._param("calendar_sync.google_auth_uri"),
            client_id,
            redirect_uri,
            state,
            challenge,
            # the account already connected, else the user's own e-mail (the
            # accounts should match: Odoo matches events by e-mail)
            login_hint=account.sudo().email or account.user_id.email or None,
        )

    def finish_authorization(self, params, redirect_uri):
        """Exchange the code, identify the Google account with the new tokens,
        then store tokens and account together.

        A refresh token already stored is kept when Google sends none, but
        only for the same Google account: it does not belong to another one.
        """
        account = self.account.sudo()
        if params.get("error") or not params.get("code"):
            error = params.get("error") or "no code"
            raise NotGranted(
                "Google did not grant access.",
                provider=config.GOOGLE,
                error=error,
                description=error,
            )
        client_id, secret = account._provider_credentials(config.GOOGLE)
        tokens = google_oauth.exchange_code(
            account._param("calendar_sync.google_token_uri"),
            client_id,
            secret,
            params["code"],
            redirect_uri,
            account.oauth_code_verifier or "",
        )
        account.oauth_code_verifier = False
        new_refresh = tokens.get("refresh_token")
        if not (new_refresh or account.refresh_token):
            raise _no_refresh_token()
        # Identify first, with the new tokens and nothing stored yet: a failure
        # leaves the account as it was (old tokens, e-mail and sync token).
        fresh = {
            "access_token": tokens["access_token"],
            "token_expiry": tokens["expiry"],
        }

        def keep(access_token, expiry, refresh_token=None):
            fresh.update(access_token=access_token, token_expiry=expiry)
            if refresh_token:
                fresh["refresh_token"] = refresh_token

        calendar = self._make_client(
            tokens["access_token"], new_refresh, tokens["expiry"], keep
        ).get_primary_calendar()
        email = (calendar.get("id") or "").strip().lower()
        if not new_refresh and email != account.email:
            raise _no_refresh_token()
        values = {
            **fresh,
            "email": email,
            "state": "connected",
            "last_error": False,
            "sync_stopped": False,
        }
        if new_refresh:
            values.setdefault("refresh_token", new_refresh)
        if account.email and email != account.email:
            # another Google account: start over from a full sync
            values["sync_token"] = False
        account.write(values)

    def store_tokens(self, access_token, expiry, refresh_token=None):
        """Store refreshed tokens (the client's ``on_tokens``)."""
        values = {"access_token": access_token, "token_expiry": expiry}
        if refresh_token:
            values["refresh_token"] = refresh_token
        self.account.sudo().write(values)

    def client(self, **options):
        """A :class:`GoogleCalendarClient` for this account; refreshed tokens
        are stored back on the account."""
        account = self.account.sudo()
        return self._make_client(
            account.access_token or None,
            account.refresh_token or None,
            account.token_expiry or None,
            self.store_tokens,
            **options,
        )

    def _make_client(self, access_token, refresh_token, expiry, on_tokens, **options):
        account = self.account
        client_id, secret = account._provider_credentials(config.GOOGLE)
        batch_size = int(account._param("calendar_sync.google_batch_size", 50))
        return GoogleCalendarClient(
            client_id,
            secret,
            access_token=access_token,
            refresh_token=refresh_token,
            token_expiry=expiry,
            token_uri=account._param("calendar_sync.google_token_uri"),
            api_root=account._param("calendar_sync.google_api_root"),
            on_tokens=on_tokens,
            **{
                "batch_size": batch_size,
                "max_retries": account._max_retries(),
                "timeout": account._http_timeout(),
                **options,
            },
        )

    def sign_in_error(self, error):
        if isinstance(error, InvalidOAuthState):
            return _(
                "This sign-in link is invalid or has expired (%(reason)s). "
                "Start again from the Google button in the Calendar app.",
                reason=error.reason,
            )
        if isinstance(error, NotGranted):
            return _("Google did not grant access (%(error)s).", error=error.error)
        return super().sign_in_error(error)

    def revoke(self):
        """Revoke the stored refresh token at Google (the grant goes with it:
        the access tokens stop working too)."""
        token = self.account.sudo().refresh_token
        if not token:
            return None
        revoked = google_oauth.revoke_token(
            self.account._param("calendar_sync.google_revoke_uri"), token
        )
        if not revoked:
            _logger.warning(
                "Google did not revoke the refresh token of account %s",
                self.account.id,
            )
        return revoked
