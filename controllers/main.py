# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import logging
from urllib.parse import urlencode

from werkzeug.exceptions import BadRequest, NotFound

from odoo import _, http
from odoo.http import request

from ..engine import adapter
from ..services import config, oauth_state, providers
from ..services.exceptions import CalendarSyncError, InvalidOAuthState

#: What the JSON routes answer a user who may not sync (portal, public signup).
NOT_ALLOWED = "not_allowed"
#: The provider of each OAuth callback path (registered with the provider).
CALLBACK_PROVIDERS = {path: key for key, path in config.CALLBACK_PATHS.items()}


def provider_name(provider):
    """The provider's short name for pages ("Google", "Outlook")."""
    known = providers.REGISTRY.get(provider)
    return known.short_label if known else provider


_logger = logging.getLogger(__name__)


class CalendarSyncController(http.Controller):
    def _base_url(self):
        return request.env["res.config.settings"]._calendar_sync_base_url()

    def _refusal(self):
        """Why the current user may not connect or sync a calendar, or None.

        Only internal users (Employees) may: portal users, signed-up ones
        included, never import anything into Odoo's calendar."""
        if request.env.user._is_internal():
            return None
        return _(
            "Only internal users (employees) can connect or synchronize a "
            "calendar, not portal users: ask your administrator if you need it."
        )

    def _refusal_page(self, provider):
        """The error page for a user :meth:`_refusal` refuses, or None."""
        message = self._refusal()
        return message and self._error_page(provider, message, status=403)

    def _error_page(self, provider, message, status=400):
        return request.render(
            "calendar_sync.oauth_error_page",
            {
                "provider_name": provider_name(provider),
                # one sentence, so that each language joins the words its way
                # ("Outlook-Verbindung fehlgeschlagen")
                "heading": _(
                    "%(provider)s connection failed", provider=provider_name(provider)
                ),
                "message": message,
            },
            status=status,
        )

    @http.route("/calendar_sync/<string:provider>/connect", type="http", auth="user")
    def connect(self, provider, return_url=None, **kwargs):
        if provider not in config.PROVIDERS:
            raise NotFound()
        refused = self._refusal_page(provider)
        if refused:
            return refused
        Account = request.env["calendar.sync.account"]
        if not Account._is_provider_configured(provider):
            return self._error_page(
                provider,
                _(
                    "%(provider)s Calendar is not configured yet: ask your "
                    "administrator to enter the client id and secret in Settings.",
                    provider=provider_name(provider),
                ),
            )
        account = Account._get_for_user(request.env.user, provider)
        base_url = self._base_url()
        redirect_uri = config.redirect_uri(base_url, provider)
        return_url = oauth_state.safe_return_url(return_url or "", base_url)
        try:
            url = account._authorization_url(redirect_uri, return_url)
        except CalendarSyncError as exc:
            _logger.warning("%s sign-in could not start: %s", provider, exc)
            return self._error_page(provider, account._sign_in_error(exc))
        return request.redirect(url, local=False)

    @http.route(list(CALLBACK_PROVIDERS), type="http", auth="user")
    def oauth_callback(self, state=None, **kwargs):
        """The provider sends the browser back here with ``code`` (or
        ``error``), ``state`` and what else it adds (the whole query string
        goes to the provider's sign-in)."""
        provider = CALLBACK_PROVIDERS.get(request.httprequest.path.rstrip("/"))
        if provider is None:
            raise NotFound()
        refused = self._refusal_page(provider)
        if refused:
            return refused
        account = request.env["calendar.sync.account"]._get_for_user(
            request.env.user, provider
        )
        try:
            payload = account._oauth_consume_state(state or "")
            account._finish_authorization(
                request.httprequest.args.to_dict(),
                config.redirect_uri(self._base_url(), provider),
            )
        except InvalidOAuthState as exc:
            _logger.info("Refused %s OAuth callback: %s", provider, exc.reason)
            return self._error_page(provider, account._sign_in_error(exc))
        except CalendarSyncError as exc:
            _logger.info("%s sign-in failed: %s", provider, exc)
            return self._error_page(provider, account._sign_in_error(exc))
        return self._after_connect(account, payload["return_url"])

    def _after_connect(self, account, return_url):
        """Before anything is sent, a newly connected account chooses what its
        first sync sends (unless there is nothing to send); then back where
        the user came from."""
        if account.first_sync_done or not account._first_sync_counts()["all"]:
            return request.redirect(return_url, local=False)
        query = urlencode({"return_url": return_url})
        return request.redirect(
            f"/calendar_sync/{account.provider}/first_sync?{query}", local=False
        )

    @http.route(
        "/calendar_sync/<string:provider>/first_sync",
        type="http",
        auth="user",
        methods=["GET", "POST"],
    )
    def first_sync(self, provider, return_url=None, policy=None, **kwargs):
        if provider not in config.PROVIDERS:
            raise NotFound()
        refused = self._refusal_page(provider)
        if refused:
            return refused
        account = request.env["calendar.sync.account"]._get_for_user(
            request.env.user, provider, create=False
        )
        target = oauth_state.safe_return_url(return_url or "", self._base_url())
        if not account or account.first_sync_done:
            return request.redirect(target, local=False)
        counts = account._first_sync_counts()
        if not counts["all"]:
            return request.redirect(target, local=False)  # nothing to choose
        if request.httprequest.method == "POST":
            if policy not in ("none", "future", "all"):
                raise BadRequest()
            account.sudo().first_sync_policy = policy
            return request.redirect(target, local=False)
        return request.render(
            "calendar_sync.first_sync_page",
            {
                "provider_name": provider_name(provider),
                "counts": counts,
                "policy": account.first_sync_policy,
                "return_url": target,
                "action": f"/calendar_sync/{provider}/first_sync",
                "mails_attendees": adapter(provider).first_push_mails,
            },
        )

    @http.route("/calendar_sync/status", type="json", auth="user")
    def status(self):
        refused = self._refusal()
        if refused:
            # nothing to show in the calendar header, and nothing is created
            return {
                provider: {"configured": False, "status": NOT_ALLOWED, "error": refused}
                for provider in config.PROVIDERS
            }
        return request.env["calendar.sync.account"]._status_for_user(request.env.user)

    @http.route("/calendar_sync/sync", type="json", auth="user")
    def sync(self, provider=None):
        """Sync the user's account now (the calendar view calls it on load,
        without waiting for it)."""
        refused = self._refusal()
        if refused:
            return {"changed": False, "status": NOT_ALLOWED, "error": refused}
        if provider not in config.PROVIDERS:
            raise NotFound()
        return request.env["calendar.sync.account"]._sync_for_user(
            request.env.user, provider
        )
