# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The provider port: what the engine asks of a provider, and nothing else.

A provider plugs in as one :class:`ProviderAdapter` subclass (its own file
under ``engine/``), registered once in ``engine/__init__.py``. The engine
(:class:`engine.run.SyncRun`) is composed with an adapter: it plans and applies
with the ORM, the adapter lists changes, reads remote items, builds and sends
writes in its API's words. Adding a provider (CalDAV: Nextcloud, iCloud) means
a client and a mapper in ``services/``, an adapter here, and its tests.

Writes are typed: an adapter returns operations carrying the engine's key
(:mod:`engine.keys`), and :meth:`ProviderAdapter.send` answers one
:class:`WriteResult` per key.

Besides the run, a provider brings how users connect an account and how Odoo
gets a client for it: a :class:`ProviderSignin` subclass (its own
``engine/<provider>_signin.py``), named by the adapter's ``signin``. The
account model reaches both through ``engine.adapter(provider)`` only
(``account._signin()``, ``account._client()``...), as does the Reset Account
wizard (:meth:`ProviderAdapter.delete_for_reset`).
"""

import logging
from dataclasses import dataclass

from ..services.exceptions import AuthorizationError, CalendarSyncError

_logger = logging.getLogger(__name__)


@dataclass
class WriteResult:
    """How the provider answered one write."""

    ok: bool
    status: int
    reason: str
    message: str
    #: the remote item as the provider now has it (insert/patch answers)
    event: dict | None = None
    #: worth trying again on a later run (throttled, unavailable)
    retryable: bool = False
    #: the remote item changed since our etag (If-Match refused): a conflict
    precondition_failed: bool = False


class ProviderAdapter:
    """Base of the provider adapters; each method is documented here once.

    ``self.run`` is the engine run using the adapter: adapters read the run's
    account, client and binder, and never write Odoo records themselves except
    through the run's helpers.
    """

    #: key in :data:`services.providers.REGISTRY`
    provider = None
    #: the calendar's name in messages (translated: ``_lt``)
    label = None
    #: the short name on the calendar header's button (translated: ``_lt``)
    short_label = None
    #: the calendar's full name in the header's hints (translated: ``_lt``)
    calendar_label = None
    #: the provider's sign-in and client (a :class:`ProviderSignin` subclass)
    signin = None
    #: the provider's push channel (a :class:`ProviderPush` subclass), or None
    push = None
    #: whether the provider mails the attendees of the events a first sync
    #: sends (said on the first-sync choice page)
    first_push_mails = True
    #: whether the remote items may carry the Odoo id that Odoo's own module
    #: wrote (re-bound after it was uninstalled, engine/relink.py)
    carries_legacy_odoo_id = False
    #: whether writing a deleted occurrence of a series again (by its
    #: instance id) brings it back: the provider keeps it as a cancelled
    #: exception (see ``SeriesSync._revive_occurrences``)
    revives_instances = False
    #: whether a guest's answer to a series is their answer on its
    #: occurrences changed alone too, where they gave none of their own
    #: (Outlook); elsewhere an exception keeps the answers it had
    series_answer_covers_exceptions = False
    #: whether writing a series again (its pattern and times are always
    #: sent) drops the exceptions the provider held for it: an occurrence
    #: changed there in the meantime, pulled after the write, is sent back
    #: (see ``SeriesSync._restore_exceptions``)
    series_write_drops_exceptions = False
    #: the Reset Account wizard's "delete from the remote calendar" (``_lt``)
    reset_delete_label = None
    #: the Reset Account wizard's sentence when the provider could not be
    #: reached (``_lt``, with ``%(error)s``)
    reset_unreachable = None

    def __init__(self, run):
        self.run = run

    # ------------------------------------------------------------ listing
    # (static: called before a run exists; see engine/steps.py)
    @staticmethod
    def list_changes(env, account, client, resume, size):
        """One step of the account's listing: from ``resume`` (the dict of the
        listing under way: ``cursor``, ``full``, ``context``) or, without it,
        from the account's stored token (a full listing without one or when
        the provider refuses it), stopping after about ``size`` items.

        :return: a :class:`engine.steps.Listing`
        """
        raise NotImplementedError

    @staticmethod
    def apply_listing(env, account, client, listing, step):
        """Run the engine on ``listing``'s items (``step``: which part of a
        long listing they are) and finish: store ``listing.token`` when it
        is the last part.

        :return: the run's counters
        """
        raise NotImplementedError

    @staticmethod
    def apply_rank(item):
        """When a staged item of a long listing is applied: 0 for series and
        single events, 1 for occurrences changed alone (after their series)."""
        return 0

    # ------------------------------------------------------------ shortcuts
    @property
    def env(self):
        return self.run.env

    @property
    def account(self):
        return self.run.account

    @property
    def client(self):
        return self.run.client

    @property
    def binder(self):
        return self.run.binder

    # ------------------------------------------------------------ reading
    def classify(self, item):
        """``(kind, remote_id, neutral)`` of a remote item; kind is "single",
        "master" (a series), "instance" (an occurrence exception) or "skip"."""
        raise NotImplementedError

    def remote_rule(self, neutral):
        """``(rule, exdates)`` of a remote series."""
        raise NotImplementedError

    def claimed_odoo_id(self, neutral):
        """The id of the Odoo record a remote item was created from, where
        the provider gives it back another way than the item's ``odoo_id``
        (None when unknown)."""
        return

    def replaced(self, neutral):
        """The remote id of the item that our create of a remote item made
        again (after a remote delete), where the provider gives it back
        (None when unknown)."""
        return

    def remote_ical_uid(self, item):
        """The iCalUID of a raw remote item (a write's answer)."""
        return item.get("ical_uid")

    def window_domain(self, kind):
        """Limit of a full listing: local items outside it are not "gone"
        when the listing lacks them. ``kind`` is "event" or "series"."""
        return []

    def before_execute(self):
        """Called once before the run plans (prefetch what the run needs)."""

    def after_series(self):
        """Called between the series pass and the occurrence pass."""

    # ------------------------------------------------------------ writing
    def new_remote_id(self):
        """A client-chosen id for a new remote item, or None (server-chosen)."""
        return

    def event_op(self, key, action, remote_id, neutral, etag=None):
        """The write (``action`` "insert" or "patch") of one event or
        occurrence; ``etag`` makes a patch conditional."""
        raise NotImplementedError

    def series_op(self, key, action, remote_id, neutral, rule, first, exdates):
        """The write (insert/patch) of a series master."""
        raise NotImplementedError

    def delete_op(self, key, remote_id, etag=None):
        """The delete of one remote item."""
        raise NotImplementedError

    def tombstone(self, remote_id):
        """A raw item as the provider lists ``remote_id`` deleted (kept for
        the next run when a full listing only lacked it)."""
        raise NotImplementedError

    def answer_op(self, key, remote_id, event, state):
        """The write sending the account user's own answer ``state`` to
        ``remote_id`` in their calendar, or None when there is nothing to
        answer there."""
        raise NotImplementedError

    def send(self, ops):
        """Send ``ops``: ``{op key: WriteResult}``."""
        raise NotImplementedError

    def after_pushed(self, op, record, remote):
        """Follow-up writes after ``op`` succeeded (e.g. occurrences to
        delete); ``None`` to let the engine record the write as usual."""
        return

    # ------------------------------------------------------------ series
    def instance_ids(self, recurrence, master_id, originals):
        """``{original start: remote instance id}`` for ``originals``."""
        raise NotImplementedError

    def managed_instances(self, master_id, neutral):
        """The occurrences of a remote series Odoo holds as the provider
        expands it (see :mod:`engine.managed`): neutral events with their
        ``remote_id``, ``original_start`` and ``cancelled``; None when they
        could not be read."""
        raise NotImplementedError

    def remote_link(self, item):
        """The address of a raw remote item in the provider's web calendar
        ("" when unknown)."""
        return ""

    def extra_occurrences(self, neutral, slots):
        """Original starts (naive UTC, or dates when all-day) of the remote
        series ``neutral``'s occurrences that its Odoo rule, whose occurrence
        starts are ``slots``, does not give (see :mod:`engine.managed`)."""
        return []

    def cancelled_instances(self, master_id, originals):
        """The ids of ``originals`` (``{instance id: original start}`` of
        ``master_id``'s series) the provider keeps as deleted occurrences,
        which a write brings back (``revives_instances``); an empty set
        where it keeps none, or when it could not be asked."""
        return set()

    def left_behind(self, master, originals):
        """The ids among ``originals`` (``{instance id: original start}`` of
        the series ``master``, the item its write just returned) whose
        instance the provider keeps as an exception with its own copy of the
        series' fields (``services.snapshot.SERIES_FIELDS``) that the write
        left as it was. Empty where a write of a series resets its
        exceptions, or when the provider could not be asked."""
        return set()

    def stale_instances(self, master_id):
        """Archived events still bound to an instance of ``master_id``."""
        return self.run.Event.browse()

    def instance_holders(self, master_id):
        """Events (archived ones too) bound to an instance of ``master_id``,
        where the provider's ids say it."""
        return self.run.Event.browse()

    def unmatched_occurrences(self, events):
        """Occurrences of a bound series the provider has no instance for:
        by default they leave the series and travel as events of their own."""
        left = events.recurrence_id.filtered(lambda rec: rec.base_event_id in events)
        events.write({"recurrence_id": False})
        # Odoo's "all events" edits rewrite a series from its base event: not
        # from one that left it
        left._select_new_base_event()
        self.binder.set(events, need_sync=True)

    # ------------------------------------------------------------ reset
    @staticmethod
    def series_of(remote_id):
        """The remote id of the series whose occurrence ``remote_id`` is, when
        the provider's ids say it (None otherwise)."""
        return

    @classmethod
    def delete_for_reset(cls, account, remote_ids):
        """Delete ``remote_ids`` (events, series through their master) from
        ``account``'s calendar for the Reset Account wizard.

        :return: ``(refused, problem)``: ``{remote id: reason}`` of the
            deletes the provider refused, and a sentence when it could not be
            reached at all (nothing deleted), else None
        :raises AuthorizationError: the account's tokens were refused
        """
        try:
            return cls.delete_remote(account, remote_ids), None
        except AuthorizationError:
            raise
        except CalendarSyncError as exc:
            _logger.warning("Reset of %s: remote deletes failed: %s", account.id, exc)
            return {}, account.env._(cls.reset_unreachable) % {
                "error": exc.message or exc.__class__.__name__
            }

    @classmethod
    def delete_remote(cls, account, remote_ids):
        """The deletes of :meth:`delete_for_reset`, without mailing attendees
        where the provider allows it; an item already gone counts as deleted.

        :return: ``{remote id: reason}`` of the deletes the provider refused
        :raises CalendarSyncError: the provider could not be reached
        """
        raise NotImplementedError


class ProviderSignin:
    """How users connect one provider's account, and the API client of a
    connected one: one instance per account record (``account._signin()``).

    It reads the account's raw tokens and writes them as superuser; the model
    keeps the generic entry points (:meth:`authorization_url` is
    ``account._authorization_url()``, and so on) and the signed ``state``
    (``account._oauth_new_state()`` / ``_oauth_consume_state()``).
    """

    #: key in :data:`services.providers.REGISTRY`
    provider = None

    def __init__(self, account):
        account.ensure_one()
        self.account = account

    @property
    def env(self):
        return self.account.env

    def authorization_url(self, redirect_uri, return_url):
        """Start the sign-in: keep on the account what the callback checks
        (the state's nonce, a PKCE verifier...) and return the URL of the
        provider's sign-in page.

        :raises CalendarSyncError: the provider could not be reached
        """
        raise NotImplementedError

    def finish_authorization(self, params, redirect_uri):
        """The callback, after ``account._oauth_consume_state()``: exchange
        its code, identify the remote account with the new tokens, then store
        tokens, e-mail, state and sync token in one write (nothing is stored
        when any step fails).

        :param params: the callback's query string, as a dict
        :raises InvalidOAuthState: no sign-in is pending, or it does not match
        :raises CalendarSyncError: declined, refused, or not reachable
        """
        raise NotImplementedError

    def client(self, **options):
        """The API client of this (connected) account; refreshed tokens are
        stored back on the account."""
        raise NotImplementedError

    def sign_in_error(self, error):
        """One plain sentence for the user whose sign-in failed with ``error``."""
        return self.account._describe_error(error)

    def revoke(self):
        """Revoke the stored grant at the provider (Reset Account, deletion).

        :return: True when revoked, False when the provider could not revoke
            it, None when there is nothing the provider can revoke
        """
        return


class ProviderPush:
    """One provider's push channel of one account (``engine/<provider>_push.py``):
    opening it, closing it, and reading its notifications. The neutral part
    (when to open, renew, close; the webhook's answer) is :mod:`engine.push`.

    The channel is kept on the account in provider-neutral fields:
    ``push_channel_id``, ``push_secret``, ``push_resource_id``, ``push_expiry``.
    """

    #: key in :data:`services.providers.REGISTRY`
    provider = None
    #: renew a channel when it expires within this many seconds
    renew_margin = 86400

    def __init__(self, account):
        account.ensure_one()
        self.account = account

    def open(self, client, address, channel_id, secret):
        """Open a channel that notifies ``address``, named ``channel_id`` and
        carrying ``secret``.

        :return: ``{"resource_id": str or False, "expiry": naive UTC datetime}``
            and, when the provider names the channel itself, ``"channel_id"``
        :raises CalendarSyncError: the provider refused or was not reachable
        """
        raise NotImplementedError

    def renew(self, client, channel_id, resource_id):
        """Extend an open channel: its new expiry (naive UTC), or None when
        the provider cannot (a new channel is then opened instead).

        :raises CalendarSyncError: the provider refused or was not reachable
        """
        return

    def close(self, client, channel_id, resource_id):
        """Close a channel (one the provider no longer knows counts as closed).

        :raises CalendarSyncError: the provider refused or was not reachable
        """
        raise NotImplementedError
