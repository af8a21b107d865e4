"""Exceptions of the sync services, and the retry budget of the clients
======================================================================

Every error the provider clients raise is one of these. They carry data (the
provider, HTTP status, reason, retry hints) rather than pre-formatted text, so
that the Odoo layer can decide what to show the user and where.

:class:`RetryBudget` decides when a throttled or unavailable call stops retrying
and leaves as one of these errors (or as a failed, retryable batch item): a
client runs inside a database transaction, so it never sleeps longer than a few
seconds per call, and never retries before the provider's ``Retry-After``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Seconds a client may sleep, in total, during one call (every retry included).
DEFAULT_MAX_SLEEP = 5.0
#: Seconds of one sleep at most; a longer ``Retry-After`` ends the call at once.
DEFAULT_MAX_SINGLE_SLEEP = 3.0


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
    ``retryable`` (bool: the same call may succeed later, e.g. on the next run),
    ``retry_after`` (seconds the provider asked us to wait, or None)."""


class RateLimited(RemoteError):
    """The provider throttled us (403 rate limit, 429) and the client gave up:
    its retries or its sleep budget ran out, or ``Retry-After`` asked for more
    than what was left of the budget. ``retryable`` is True."""


class UntrustedLink(RemoteError):
    """Graph named a paging or delta link outside the configured Graph root.

    The link was neither requested (the access token was not sent to it) nor
    returned as a delta link. Attributes: ``host`` (the host the link names),
    ``graph_root`` (the root links must lie under), ``link_kind``
    (``nextLink``, ``deltaLink``, or ``stored deltaLink`` for the one the caller
    passed in); ``status`` 0, ``reason`` ``untrustedLink``, ``retryable`` False.
    """


class InstancesFailed(RemoteError):
    """The instances of some series could not be read (the others could).

    Attributes: ``failures`` (``{master_id: RemoteError}``), ``found`` (the
    instances of every other series: ``{master_id: [instances…] | None}``, None
    for a series that no longer exists); ``status``, ``reason``,
    ``retry_after`` are those of the first failure, ``retryable`` is True when
    every failure is.
    """


class UnsupportedRecurrence(CalendarSyncError):
    """A recurrence rule cannot be expressed on the other side.

    Attributes: ``rule`` (the rule as text) and ``reason``.
    """


class InvalidOAuthState(CalendarSyncError):
    """The ``state`` of an OAuth callback is forged, expired, replayed or for
    another user/database. Attribute: ``reason``."""


class RetryBudget:
    """How long a client may still sleep before retrying, within one call.

    A client keeps one as ``retry_budget`` and runs each public method inside
    :meth:`call` (see :func:`within_budget`): the budget is full when the
    outermost call starts and nested calls share it.

    :param max_sleep: seconds of sleep in total per call.
    :param max_single_sleep: seconds of one sleep at most.
    """

    def __init__(
        self,
        max_sleep: float = DEFAULT_MAX_SLEEP,
        max_single_sleep: float = DEFAULT_MAX_SINGLE_SLEEP,
    ):
        self.max_sleep = max(0.0, float(max_sleep))
        self.max_single_sleep = max(0.0, float(max_single_sleep))
        self.left = self.max_sleep
        self._depth = 0

    @contextmanager
    def call(self) -> Iterator[RetryBudget]:
        """One call of the client; the outermost one starts with a full budget."""
        if not self._depth:
            self.left = self.max_sleep
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1

    def delay(self, retry_after: float | None, backoff: float) -> float | None:
        """Seconds to sleep before the next retry (charged to the budget), or
        None: give up now, without sleeping.

        :param retry_after: the wait the provider asked for; when it is longer
            than one sleep or than what is left, retrying earlier is pointless.
        :param backoff: the client's own delay when the provider named none; it
            is shortened to fit.
        """
        if retry_after is not None:
            wait = max(0.0, float(retry_after))
            if wait > min(self.max_single_sleep, self.left):
                return None
        else:
            wait = min(max(0.0, backoff), self.max_single_sleep, self.left)
            if wait <= 0:
                return None
        self.left -= wait
        return wait


def within_budget(method: Callable) -> Callable:
    """Decorator of a client's public method: one :class:`RetryBudget` (the
    client's ``retry_budget``) spans the whole call, nested calls included."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.retry_budget.call():
            return method(self, *args, **kwargs)

    return wrapper
