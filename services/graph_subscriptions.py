"""Graph change-notification subscriptions of the signed-in user's events,
mixed into :class:`services.graph_client.GraphCalendarClient`. Never imports
``odoo``.

Public API (client methods): :meth:`create_subscription`,
:meth:`renew_subscription`, :meth:`delete_subscription`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .exceptions import RemoteError, within_budget

#: What a subscription on the user's events is told about.
CHANGE_TYPE = "created,updated,deleted"
#: Graph's resource for the signed-in user's (default calendar's) events.
EVENTS_RESOURCE = "me/events"


def graph_instant(value: datetime) -> str:
    """A naive UTC (or aware) datetime as Graph's ``expirationDateTime``."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


class GraphSubscriptionsMixin:
    """Subscriptions (needs the client's ``_call`` and ``_url``)."""

    @within_budget
    def create_subscription(
        self, notification_url: str, client_state: str, expiry: datetime
    ) -> dict:
        """``POST /subscriptions`` on the user's events; notifications and
        lifecycle notifications both go to ``notification_url``. Graph
        validates the URL before answering (a 400 when it fails)."""
        body = {
            "changeType": CHANGE_TYPE,
            "notificationUrl": notification_url,
            "lifecycleNotificationUrl": notification_url,
            "resource": EVENTS_RESOURCE,
            "expirationDateTime": graph_instant(expiry),
            "clientState": client_state,
        }
        return self._call("POST", self._url("/subscriptions"), json=body).json()

    @within_budget
    def renew_subscription(self, subscription_id: str, expiry: datetime) -> dict:
        """``PATCH /subscriptions/{id}`` with a new expiry."""
        body = {"expirationDateTime": graph_instant(expiry)}
        return self._call(
            "PATCH", self._url(f"/subscriptions/{subscription_id}"), json=body
        ).json()

    @within_budget
    def delete_subscription(self, subscription_id: str) -> None:
        """``DELETE /subscriptions/{id}``; one Graph no longer has counts as
        deleted."""
        try:
            self._call("DELETE", self._url(f"/subscriptions/{subscription_id}"))
        except RemoteError as exc:
            if exc.status != 404:
                raise
