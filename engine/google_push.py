# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google Calendar push: an ``events.watch`` channel per account.

Google has no renewal call: a new channel (new id) is opened before the old one
expires, then the old one is stopped (:mod:`engine.push`). A notification says
only *that* something changed: ``sync`` (the channel was opened) is answered
and ignored, ``exists`` / ``not_exists`` request a sync of the account.

Public API: :class:`GooglePush`, :func:`read_notification`.
"""

from datetime import datetime, timezone

from .port import ProviderPush

#: Resource states that mean "something changed: sync".
CHANGE_STATES = ("exists", "not_exists")


def _expiry(value):
    """The channel's ``expiration`` (Unix ms, a string or a number) as a
    naive UTC datetime, or None."""
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(millis / 1000, timezone.utc).replace(tzinfo=None)


def read_notification(headers):
    """``(channel id, secret, wants sync)`` of one Google notification, from
    its headers (a case-insensitive mapping)."""
    state = (headers.get("X-Goog-Resource-State") or "").strip().lower()
    return (
        headers.get("X-Goog-Channel-ID") or "",
        headers.get("X-Goog-Channel-Token") or "",
        state in CHANGE_STATES,
    )


class GooglePush(ProviderPush):
    provider = "google"
    renew_margin = 86400  # a day before a (by default) 7-day channel ends

    def open(self, client, address, channel_id, secret):
        ttl = int(self.account._param("calendar_sync.google_push_ttl", 0) or 0)
        channel = client.watch(channel_id, secret, address, ttl=ttl or None)
        return {
            "resource_id": channel.get("resourceId") or False,
            "expiry": _expiry(channel.get("expiration")),
        }

    def close(self, client, channel_id, resource_id):
        client.stop_channel(channel_id, resource_id or "")
