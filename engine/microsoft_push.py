# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook push: a Graph subscription on the user's events
(``created,updated,deleted``) per account.

Graph chooses the subscription's id (kept as the channel id); the account's
random ``clientState`` is the secret checked on every notification. It is
renewed by a PATCH of its expiry before it ends (Graph's maximum for Outlook
events is 10,080 minutes). Lifecycle notifications (:func:`read_notifications`):
``reauthorizationRequired`` renews it, ``subscriptionRemoved`` makes the next
run create a new one, ``missed`` only asks for a sync (the delta link already
brings every change since the last run, notified or not).

Public API: :class:`MicrosoftPush`, :func:`read_notifications`.
"""

from datetime import datetime, timedelta

from odoo import fields

from .port import ProviderPush

#: Minutes a subscription is asked for (under Graph's 10,080 for events,
#: leaving room for clock skew); ``calendar_sync.microsoft_push_minutes``.
DEFAULT_MINUTES = 10000
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")


def _naive(value):
    """Graph's ``expirationDateTime`` as a naive UTC datetime, or None."""
    if not value:
        return None
    text = value.rstrip("Z")
    text = text.split(".")[0]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def read_notifications(payload):
    """``[(subscription id, clientState, lifecycle event or None)]`` of one
    POST's ``{"value": [...]}`` (several subscriptions may share a POST);
    ``None`` when the body is not a notification at all."""
    items = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return None
    result = []
    for item in items:
        if not isinstance(item, dict):
            return None
        event = item.get("lifecycleEvent")
        result.append(
            (
                str(item.get("subscriptionId") or ""),
                str(item.get("clientState") or ""),
                event if event in LIFECYCLE_EVENTS else None,
            )
        )
    return result


class MicrosoftPush(ProviderPush):
    provider = "microsoft"
    renew_margin = 86400

    def _expiry(self):
        try:
            minutes = int(
                self.account._param(
                    "calendar_sync.microsoft_push_minutes", DEFAULT_MINUTES
                )
            )
        except ValueError:
            minutes = DEFAULT_MINUTES
        return fields.Datetime.now() + timedelta(minutes=max(45, minutes))

    def open(self, client, address, channel_id, secret):
        subscription = client.create_subscription(address, secret, self._expiry())
        return {
            "channel_id": subscription["id"],
            "resource_id": False,
            "expiry": _naive(subscription.get("expirationDateTime")),
        }

    def renew(self, client, channel_id, resource_id):
        subscription = client.renew_subscription(channel_id, self._expiry())
        return _naive(subscription.get("expirationDateTime"))

    def close(self, client, channel_id, resource_id):
        client.delete_subscription(channel_id)
