# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The providers' push webhooks (public).

They act only on a notification whose channel and secret match an active
account, answer at once, and never sync: they *request* a background sync
(:func:`engine.push.request_sync`). Anything else gets a 4xx and changes
nothing; refusals are only counted (no log line per forged request).
"""

import collections
import json

from odoo import http
from odoo.http import request

from ..engine import google_push, microsoft_push
from ..engine import push as engine_push
from ..services.push import WEBHOOK_PATHS

#: Notifications refused since the server started, per provider (nothing
#: else is logged about them).
REFUSED = collections.Counter()
#: Both webhooks: public, POST only, no session, no CSRF token (the
#: providers have none), a read-write transaction (they flag the account).
WEBHOOK = {
    "type": "http",
    "auth": "none",
    "methods": ["POST"],
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


class CalendarSyncPushController(http.Controller):
    @http.route(WEBHOOK_PATHS["google"], **WEBHOOK)
    def google_notification(self, **kwargs):
        channel_id, secret, wants_sync = google_push.read_notification(
            request.httprequest.headers
        )
        env = request.env(su=True)
        account = engine_push.find(env, "google", channel_id, secret)
        if not account:
            REFUSED["google"] += 1
            return request.make_response("", status=404)
        if wants_sync and not engine_push.request_sync(account):
            # a running sync holds the account: Google retries a 503 later
            return request.make_response("", status=503)
        return request.make_response("", status=200)

    @http.route(WEBHOOK_PATHS["microsoft"], **WEBHOOK)
    def microsoft_notification(self, validationToken=None, **kwargs):
        if validationToken is not None:
            # Graph's handshake (creating a subscription): the token, decoded,
            # in plain text, at once
            return request.make_response(
                validationToken,
                headers=[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("X-Content-Type-Options", "nosniff"),
                ],
                status=200,
            )
        try:
            payload = json.loads(request.httprequest.get_data() or b"null")
        except ValueError:
            payload = None
        items = microsoft_push.read_notifications(payload)
        if not items:
            REFUSED["microsoft"] += 1
            return request.make_response("", status=400)
        env = request.env(su=True)
        matched = retry = False
        for subscription_id, client_state, lifecycle in items:
            account = engine_push.find(env, "microsoft", subscription_id, client_state)
            if not account:
                REFUSED["microsoft"] += 1
                continue
            matched = True
            if not engine_push.request_sync(
                account,
                renew=lifecycle == "reauthorizationRequired",
                forget=lifecycle == "subscriptionRemoved",
            ):
                retry = True
        if not matched:
            return request.make_response("", status=403)
        # a running sync holds an account: Graph retries a 5xx later
        return request.make_response("", status=503 if retry else 202)
