"""Graph change notifications for the Graph emulator (test infrastructure)
=========================================================================

``POST/PATCH/DELETE /v1.0/subscriptions`` on the signed-in user's events
(``me/events``), as ``shared/reference/push-jobs-zones.md`` §2 describes them:

* creating one first validates ``notificationUrl`` (and a different
  ``lifecycleNotificationUrl``): ``POST {url}?validationToken=<token>`` with
  ``Content-Type: text/plain``; anything but a 200 echoing the token in plain
  text fails the create with a 400;
* ``expirationDateTime`` over :attr:`max_minutes` (10,080 for Outlook events)
  is refused, under 45 minutes raised to 45;
* every change to an event of a subscribed mailbox POSTs
  ``{"value": [{subscriptionId, clientState, changeType, resource,
  resourceData, ...}]}`` to ``notificationUrl`` from a background thread
  (``emulators/push_delivery.py``); ``emu.lifecycle(subscription_id, event)``
  sends a lifecycle notification (``subscriptionRemoved`` also drops it).

Public API (on :class:`GraphEmulator`)::

    emu.push                       # the Outbox: .hold, .flush(), .delivered
    emu.subscriptions              # id -> dict (the subscription + "account")
    emu.subscription_require_https = True
    emu.subscription_max_minutes = 10080
    emu.lifecycle(subscription_id, "reauthorizationRequired" | "missed" |
                  "subscriptionRemoved")
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta
from urllib.parse import quote

from .graph_mailbox import GraphError, bad_request
from .graph_recurrence import format_timestamp, parse_instant

CHANGE_TYPES = {"created", "updated", "deleted"}
EVENT_RESOURCES = {"me/events", "/me/events"}
MIN_MINUTES = 45


class SubscriptionsMixin:
    """Subscriptions and their notifications (mixed into GraphEmulator)."""

    def _reset_subscriptions(self) -> None:
        from .push_delivery import Outbox

        self.push = Outbox()
        self.subscriptions: dict[str, dict] = {}
        self.subscription_require_https = True
        self.subscription_max_minutes = 10080

    # ------------------------------------------------------------ routes
    def _r_create_subscription(self, request):
        body = request.json()
        url = body.get("notificationUrl") or ""
        lifecycle_url = body.get("lifecycleNotificationUrl") or ""
        changes = {c.strip() for c in (body.get("changeType") or "").split(",")}
        if not changes or not changes <= CHANGE_TYPES:
            raise bad_request("Invalid changeType.", "InvalidRequest")
        if (body.get("resource") or "").lower() not in EVENT_RESOURCES:
            raise bad_request("Unsupported resource.", "InvalidRequest")
        for target in filter(None, (url, lifecycle_url)):
            scheme = (
                "https://"
                if self.subscription_require_https
                else ("https://", "http://")
            )
            if not target.startswith(scheme):
                raise bad_request(
                    "The Notification Url must be a HTTPS url.", "InvalidRequest"
                )
        if len(body.get("clientState") or "") > 128:
            raise bad_request("clientState is too long.", "InvalidRequest")
        expiry = self._subscription_expiry(body.get("expirationDateTime"))
        for target in dict.fromkeys(filter(None, (url, lifecycle_url))):
            self._validate_url(target)
        subscription = {
            "id": str(uuid.uuid4()),
            "resource": body["resource"],
            "applicationId": self.client_id,
            "changeType": body["changeType"],
            "clientState": body.get("clientState"),
            "notificationUrl": url,
            "lifecycleNotificationUrl": lifecycle_url or None,
            "expirationDateTime": format_timestamp(expiry),
            "creatorId": request.account.oid,
            "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion", "v1_2"),
        }
        self.subscriptions[subscription["id"]] = {
            **subscription,
            "account": request.account.email,
            "expiry": expiry,
            "changes": changes,
        }
        return self._json(201, subscription)

    def _r_patch_subscription(self, request, id):
        subscription = self._own_subscription(request, id)
        expiry = self._subscription_expiry(request.json().get("expirationDateTime"))
        subscription["expiry"] = expiry
        subscription["expirationDateTime"] = format_timestamp(expiry)
        return self._json(200, self._public(subscription))

    def _r_delete_subscription(self, request, id):
        self._own_subscription(request, id)
        del self.subscriptions[id]
        return self._json(204, None)

    # ------------------------------------------------------------ helpers
    def _own_subscription(self, request, sid):
        subscription = self.subscriptions.get(sid)
        if subscription and subscription["expiry"] <= self.now():
            del self.subscriptions[sid]  # Graph deletes expired ones
            subscription = None
        if not subscription or subscription["account"] != request.account.email:
            raise GraphError(
                404, "ResourceNotFound", f"The object '{sid}' doesn't exist."
            )
        return subscription

    @staticmethod
    def _public(subscription):
        return {
            k: v
            for k, v in subscription.items()
            if k not in ("account", "expiry", "changes")
        }

    def _subscription_expiry(self, value):
        if not value:
            raise bad_request("expirationDateTime is required.", "InvalidRequest")
        try:
            expiry = parse_instant(value)
        except ValueError as exc:
            raise bad_request("Invalid expirationDateTime.", "InvalidRequest") from exc
        now = self.now()
        if expiry > now + timedelta(minutes=self.subscription_max_minutes):
            raise bad_request(
                "Subscription expiration can only be "
                f"{self.subscription_max_minutes} minutes in the future.",
                "ExtensionError",
            )
        return max(expiry, now + timedelta(minutes=MIN_MINUTES))

    def _validate_url(self, url):
        token = "Validation: Testing client application reachability " + (
            secrets.token_hex(8)
        )
        sep = "&" if "?" in url else "?"
        status, headers, body = self.push.call(
            f"{url}{sep}validationToken={quote(token)}",
            {"Content-Type": "text/plain; charset=utf-8"},
            b"",
        )
        content_type = {k.lower(): v for k, v in headers.items()}.get(
            "content-type", ""
        )
        if (
            status != 200
            or not content_type.startswith("text/plain")
            or body.decode("utf-8", "replace") != token
        ):
            raise bad_request(
                "Subscription validation request failed. Response must exactly "
                "match validationToken query parameter.",
                "InvalidRequest",
            )

    # ------------------------------------------------------------ sending
    def _mailbox_changed(self, box, item_id, change):
        """A mailbox's event changed: notify its subscriptions."""
        now = self.now()
        account = box.account
        for sid, subscription in list(self.subscriptions.items()):
            if subscription["expiry"] <= now:
                del self.subscriptions[sid]
                continue
            if subscription["account"] != account.email:
                continue
            if change not in subscription["changes"]:
                continue
            resource = f"Users/{account.oid}/Events/{item_id}"
            self._post_notification(
                subscription,
                {
                    "id": str(uuid.uuid4()),
                    "subscriptionId": sid,
                    "subscriptionExpirationDateTime": subscription[
                        "expirationDateTime"
                    ],
                    "clientState": subscription["clientState"],
                    "changeType": change,
                    "tenantId": account.tid,
                    "resource": resource,
                    "resourceData": {
                        "@odata.type": "#Microsoft.Graph.Event",
                        "@odata.id": resource,
                        "id": item_id,
                    },
                },
                subscription["notificationUrl"],
            )

    def lifecycle(self, subscription_id: str, event: str) -> None:
        """Send the lifecycle notification ``event`` of a subscription."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            if event == "subscriptionRemoved":
                del self.subscriptions[subscription_id]
            self._post_notification(
                subscription,
                {
                    "subscriptionId": subscription_id,
                    "subscriptionExpirationDateTime": subscription[
                        "expirationDateTime"
                    ],
                    "tenantId": self.tenant_id,
                    "clientState": subscription["clientState"],
                    "lifecycleEvent": event,
                },
                subscription["lifecycleNotificationUrl"]
                or subscription["notificationUrl"],
            )

    def _post_notification(self, subscription, item, url):
        self.push.post(
            url,
            {"Content-Type": "application/json; charset=utf-8"},
            json.dumps({"value": [item]}).encode(),
        )
