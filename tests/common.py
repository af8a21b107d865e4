# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import json
import threading
from datetime import datetime, timedelta, timezone

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import new_test_user

from ..engine.binder import UNBOUND


def make_users(env):
    """An administrator-free pair of plain internal users, and a settings admin."""
    alice = new_test_user(
        env,
        login="cs_alice",
        groups="base.group_user",
        email="alice@example.com",
        name="Alice",
    )
    bob = new_test_user(
        env,
        login="cs_bob",
        groups="base.group_user",
        email="bob@example.com",
        name="Bob",
    )
    admin = new_test_user(
        env,
        login="cs_admin",
        groups="base.group_system",
        email="admin@example.com",
        name="Settings Admin",
    )
    return alice, bob, admin


def connect_account(env, user, provider="google", **values):
    """Give ``user`` a connected account with tokens, as the OAuth callback would."""
    vals = {
        "email": user.email,
        "access_token": "ya29.access-" + user.login,
        "refresh_token": "1//refresh-" + user.login,
        "sync_token": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
        "state": "connected",
    }
    vals.update(values)
    account = env["calendar.sync.account"]._get_for_user(user, provider)
    account.sudo().write(vals)
    return account


def run_requested(env):
    """What a background worker does (without queue_job): the
    requested-runs cron's pass, as its own transaction sees the database."""
    env.invalidate_all()
    env["calendar.sync.account"]._cron_run_requested()
    env.invalidate_all()


class BackgroundWorker:
    """A cron worker beside a browser test: runs the requested-runs pass
    every ``interval`` seconds in a thread, through the registry's test
    cursor (serialized with the HTTP requests, as another connection would
    be), until the ``with`` block ends.

    The test's own thread uses its cursor without that lock (Odoo's
    ``HttpCase.authenticate`` reads the user's context on ``self.cr``):
    it does so inside ``with worker.paused:``, or both threads talk on the
    one connection at once ("no results to fetch")."""

    def __init__(self, registry, interval=0.5):
        self.registry = registry
        self.interval = interval
        self.paused = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="calendar_sync test worker", daemon=True
        )
        self.errors = []

    def _loop(self):
        while not self._stop.wait(self.interval):
            try:
                with self.paused, self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["calendar.sync.account"]._cron_run_requested()
            except Exception as exc:  # noqa: BLE001 (reported by __exit__)
                self.errors.append(exc)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        if self.errors and not exc_info[0]:
            raise self.errors[0]


class GoogleEmulatorMixin:
    """Starts the Google emulator once per class and points Odoo at it through
    the documented system parameters (nothing of ours is mocked)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from ..emulators.google_emulator import (
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            GoogleEmulator,
        )

        cls.google = GoogleEmulator()
        cls.google.start()
        cls.addClassCleanup(cls.google.stop)
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in {
            "calendar_sync.google_enabled": "True",
            "google_calendar_client_id": DEFAULT_CLIENT_ID,
            "google_calendar_client_secret": DEFAULT_CLIENT_SECRET,
            "calendar_sync.google_auth_uri": cls.google.auth_uri,
            "calendar_sync.google_token_uri": cls.google.token_uri,
            "calendar_sync.google_revoke_uri": cls.google.revoke_uri,
            "calendar_sync.google_api_root": cls.google.api_root,
        }.items():
            params.set_param(key, value)

    def setUp(self):
        super().setUp()
        self.google.reset()

    def connect_google(self, user, account_email=None):
        """Connect ``user`` to the emulator as if the OAuth dance had run."""
        email = account_email or user.email
        tokens = self.google.issue_tokens(email)
        return connect_account(
            self.env,
            user,
            "google",
            email=email,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            sync_token=False,
        )


class GraphEmulatorMixin:
    """Starts the Microsoft identity platform + Graph emulator once per class and
    points Odoo at it through the documented system parameters: msal keeps the
    real https authority, ``calendar_sync.microsoft_host_map`` sends its requests
    (and Graph's) to the emulator (nothing of ours is mocked)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from ..emulators.graph_emulator import GraphEmulator

        cls.graph = GraphEmulator()
        cls.graph.start()
        cls.addClassCleanup(cls.graph.stop)
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in {
            "calendar_sync.microsoft_enabled": "True",
            "microsoft_calendar_client_id": cls.graph.client_id,
            "microsoft_calendar_client_secret": cls.graph.client_secret,
            "calendar_sync.microsoft_tenant": "common",
            "calendar_sync.microsoft_host_map": json.dumps(cls.graph.url_mapping),
        }.items():
            params.set_param(key, value)

    def setUp(self):
        super().setUp()
        self.graph.reset()
        self.graph.auto_consent = False
        self.graph.keep_old_refresh_tokens = True
        self.graph.redirect_uris = set()

    def connect_microsoft(self, user, account_email=None):
        """Connect ``user`` to the emulator as if the sign-in had run."""
        email = (account_email or user.email).lower()
        tokens = self.graph.issue_tokens(email)
        return connect_account(
            self.env,
            user,
            "microsoft",
            email=email,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            token_expiry=datetime.now(timezone.utc).replace(tzinfo=None)
            + timedelta(seconds=self.graph.access_token_lifetime),
            sync_token=False,
        )


def first_monday(days=14):
    """09:00 UTC of the first Monday ``days`` or more from today (inside
    Outlook's delta window: 1 year back, 2 ahead)."""
    start = datetime.combine(
        fields.Date.today() + timedelta(days=days), datetime.min.time()
    ) + timedelta(hours=9)
    while start.weekday() != 0:
        start += timedelta(days=1)
    return start


class AliceSyncCase:
    """What the sync tests of one user share: Alice (Brussels), Bob and a
    settings admin, ``Event``, and :meth:`sync`, a run of ``self.account``
    (set by the test's ``setUp``) that must leave it connected, without an
    error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.alice.tz = "Europe/Brussels"
        cls.Event = cls.env["calendar.event"]

    def sync(self, account=None):
        account = account or self.account
        counters = account._sync()
        self.assertEqual(account.state, "connected", account.last_error)
        self.assertFalse(account.last_error)
        return counters

    def local_event(self, user=None, days=0, **values):
        """An event ``user`` (Alice) organizes in Odoo, one hour at
        ``self.start`` (set by the test's ``setUp``) plus ``days``."""
        user = user or self.alice
        start = self.start + timedelta(days=days)
        vals = {
            "name": "Planning",
            "start": start,
            "stop": start + timedelta(hours=1),
            "user_id": user.id,
            "partner_ids": [Command.set(user.partner_id.ids)],
        }
        vals.update(values)
        return self.env["calendar.event"].with_user(user).create(vals)


def utc_times(start, hours=1):
    """``start``/``end`` of a timed event in UTC, as Google writes them
    (naive UTC ``start``)."""
    end = start + timedelta(hours=hours)
    return {
        "start": {"dateTime": start.isoformat() + "Z"},
        "end": {"dateTime": end.isoformat() + "Z"},
    }


def event_times(start, hours=1, tz="Europe/Brussels"):
    """``start``/``end`` of a timed event as both Google and Graph write them
    (naive local ``start`` in ``tz``)."""
    end = start + timedelta(hours=hours)
    return {
        "start": {"dateTime": start.isoformat(), "timeZone": tz},
        "end": {"dateTime": end.isoformat(), "timeZone": tz},
    }


#: What an Odoo record that has no binding in an account looks like there.
_UNBOUND = UNBOUND


class Unbound:
    """Stands for a missing binding: its fields read as their defaults."""

    def __init__(self):
        self.__dict__.update(_UNBOUND)

    def __bool__(self):
        return False


def binding(record, provider, user=None):
    """The binding of one event or series in a ``provider`` calendar: of
    ``user``'s account, else of its organizer's account, else the first one
    (an :class:`Unbound` when there is none)."""
    record = record.sudo()
    if not record:
        return Unbound()
    record.ensure_one()
    found = record.calendar_sync_binding_ids.filtered(lambda b: b.provider == provider)
    if user is None:
        organizer = (
            record.user_id
            if record._name == "calendar.event"
            else record.base_event_id.user_id
        )
        found = found.sorted(lambda b: b.account_id.user_id != organizer)
    else:
        found = found.filtered(lambda b: b.account_id.user_id == user)
    return found[:1] or Unbound()


def bound_values(records, provider, name):
    """``[binding(r, provider)[name] for r in records]``."""
    return [getattr(binding(rec, provider), name) for rec in records]


def answer_pending(attendee, provider):
    """Whether ``attendee``'s answer still has to reach their ``provider``
    calendar."""
    users = attendee.sudo().partner_id.user_ids
    event = attendee.sudo().event_id
    return any(
        b.answer_pending
        for b in event.calendar_sync_binding_ids
        if b.provider == provider and b.account_id.user_id in users
    )


def bound_to(provider, remote_id):
    """Domain of the events or series bound to ``remote_id`` in a ``provider``
    calendar."""
    return (
        "calendar_sync_binding_ids",
        "any",
        [("provider", "=", provider), ("remote_id", "=", remote_id)],
    )
