# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The providers' push webhooks (public).

They act only on a notification whose channel and secret match an active
account, answer at once, and never sync: they *request* a background sync
(:func:`engine.push.request_sync`). Anything else gets a 4xx and changes
nothing; refusals are only counted (no log line per forged request).
"""

import collections

from odoo import http
from odoo.http import request

from ..engine import google_push
from ..engine import push as engine_push
from ..services.push import WEBHOOK_PATHS

#: Notifications refused since the server started, per provider (nothing
#: else is logged about them).
REFUSED = collections.Counter()


class CalendarSyncPushController(http.Controller):
    @http.route(
        WEBHOOK_PATHS["google"],
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
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
