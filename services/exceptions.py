"""Exceptions of the sync services
===============================

Every error the provider clients raise is one of these. They carry data (the
provider, HTTP status, reason, retry hints) rather than pre-formatted text, so
that the Odoo layer can decide what to show the user and where.
"""

from __future__ import annotations


class CalendarSyncError(Exception):
    """Base class of every error raised by :mod:`services`."""

    def __init__(self, message: str = "", **data):
        super().__init__(message)
        self.message = message
        for key, value in data.items():
            setattr(self, key, value)


class AuthorizationError(CalendarSyncError):
    """The provider refused our credentials; the user must reconnect.

    Raised on ``invalid_grant`` (revoked or expired refresh token) and
    ``invalid_client``. Attributes: ``provider``, ``error``, ``description``.
    """


class InvalidSyncToken(CalendarSyncError):
    """The stored sync token or delta link is no longer valid: full resync needed."""


class RemoteError(CalendarSyncError):
    """An API call failed. Attributes: ``status`` (int), ``reason`` (str),
    ``retryable`` (bool), ``retry_after`` (seconds or None)."""


class RateLimited(RemoteError):
    """The provider throttled us (403 rate limit, 429) and retries ran out."""


class UnsupportedRecurrence(CalendarSyncError):
    """A recurrence rule cannot be expressed on the other side.

    Attributes: ``rule`` (the rule as text) and ``reason``.
    """


class InvalidOAuthState(CalendarSyncError):
    """The ``state`` of an OAuth callback is forged, expired, replayed or for
    another user/database. Attribute: ``reason``."""
