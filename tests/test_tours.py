# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What users do, in a real browser (headless Chromium, Odoo's tour runner),
against the Google and Microsoft emulators. The tours are in
static/tests/tours/calendar_sync_tours.esm.js.

``./run-tests`` installs Chromium and websocket-client when they are missing and
fails when a tour is skipped (Odoo only logs a line when it cannot start one).
"""

import contextlib
import json
import logging
from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import (
    BackgroundWorker,
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    make_users,
)

ALICE = "alice@example.com"

#: Runs in every page the test's browser opens: on the provider's consent page
#: (another origin, where no tour runs) it presses "Allow", as the user would.
CONSENT_CLICKER = """
(() => {
    if (location.origin === %(odoo)s) {
        return;
    }
    const allow = () => document.getElementById("emulator-consent-allow")?.click();
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", allow);
    } else {
        allow();
    }
})();
"""

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "calendar_sync")
class TestCalendarSyncTours(GoogleEmulatorMixin, GraphEmulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.alice.tz = "UTC"

    def setUp(self):
        super().setUp()
        # Seen in full runs, never alone: the first request of a tour failed
        # in Odoo's get_lang() (no active language found). Say what the test
        # transaction holds then, and start from fresh caches with English on
        english = self.env.ref("base.lang_en").with_context(active_test=False)
        if not english.active:
            _logger.warning(
                "English is inactive before the tour; active languages: %s",
                self.env["res.lang"].search([]).mapped("code"),
            )
            english.active = True
        self.registry.clear_cache()

    def authenticate(self, user, password, browser=None):
        worker = getattr(self, "_worker", None)
        with worker.paused if worker else contextlib.nullcontext():
            session = super().authenticate(user, password, browser=browser)
            # what browser_js flushes next, while the worker still waits
            self.cr.flush()
        if browser is not None:
            browser._websocket_request(
                "Page.addScriptToEvaluateOnNewDocument",
                params={
                    "source": CONSENT_CLICKER % {"odoo": json.dumps(self.base_url())}
                },
            )
        return session

    def start_tour(self, *args, **kwargs):
        """Every tour runs beside a background worker (as a cron worker
        would), which makes the runs the calendar and Sync Now request."""
        with BackgroundWorker(self.registry) as self._worker:
            try:
                return super().start_tour(*args, **kwargs)
            finally:
                self._worker = None

    def _odoo_events(self):
        """Alice's events: one next week with Bob, one last month with Bob."""
        Event = self.env["calendar.event"].with_user(self.alice)
        guests = [Command.set((self.alice.partner_id | self.bob.partner_id).ids)]
        today = datetime.combine(fields.Date.today(), time(9))
        for name, start in (
            ("Past review", today - timedelta(days=30)),
            ("Next planning", today + timedelta(days=7)),
        ):
            Event.create(
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": guests,
                }
            )

    def _today_at(self, hour):
        return datetime.combine(fields.Date.today(), time(hour))

    def _account(self, provider):
        account = self.env["calendar.sync.account"]._get_for_user(
            self.alice, provider, create=False
        )
        account.invalidate_recordset()
        return account

    # ------------------------------------------------------------ settings
    def test_administrator_enables_google_and_outlook_in_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        for key in (
            "calendar_sync.google_enabled",
            "google_calendar_client_id",
            "google_calendar_client_secret",
            "calendar_sync.microsoft_enabled",
            "microsoft_calendar_client_id",
            "microsoft_calendar_client_secret",
        ):
            params.set_param(key, False)
        self.start_tour(
            "/odoo/action-calendar.calendar_settings_action",
            "calendar_sync_settings_tour",
            login="cs_admin",
        )
        self.assertEqual(params.get_param("calendar_sync.google_enabled"), "True")
        self.assertEqual(
            params.get_param("google_calendar_client_id"),
            "tour-client.apps.googleusercontent.com",
        )
        self.assertEqual(
            params.get_param("google_calendar_client_secret"), "tour-google-secret"
        )
        self.assertEqual(params.get_param("calendar_sync.microsoft_enabled"), "True")
        self.assertEqual(
            params.get_param("microsoft_calendar_client_id"),
            "00000000-0000-0000-0000-00000000feed",
        )
        self.assertEqual(
            params.get_param("microsoft_calendar_client_secret"), "tour-outlook-secret"
        )

    def test_https_browser_is_warned_of_odoos_http_addresses(self):
        # web.base.url and the redirect URI are http://127.0.0.1 here
        self.start_tour(
            "/odoo/action-calendar.calendar_settings_action",
            "calendar_sync_https_warning_tour",
            login="cs_admin",
        )

    # ------------------------------------------------------------ connect
    def test_user_connects_google_chooses_the_first_sync_and_resets(self):
        self._odoo_events()
        start = self._today_at(10)
        self.google.add_event(
            ALICE,
            {
                "summary": "Google kick-off",
                "start": {"dateTime": start.isoformat() + "Z"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat() + "Z"},
            },
        )
        self.start_tour(
            "/odoo/calendar", "calendar_sync_google_tour", login="cs_alice", timeout=180
        )
        # future events only (the default) reached Google, silently
        self.assertEqual(
            sorted(e["summary"] for e in self.google.events(ALICE)),
            ["Google kick-off", "Next planning"],
        )
        inserts = [r for r in self.google.requests if r.get("sendUpdates")]
        self.assertEqual({r["sendUpdates"] for r in inserts}, {"none"})
        self.assertTrue(
            self.env["calendar.event"].search([("name", "=", "Google kick-off")])
        )
        # Reset Account ran: tokens forgotten, events kept
        account = self._account("google")
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.sudo().refresh_token)

    def test_user_connects_outlook_chooses_the_first_sync_and_resets(self):
        self._odoo_events()
        start = self._today_at(10)
        self.graph.add_event(
            ALICE,
            {
                "subject": "Outlook kick-off",
                "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "end": {
                    "dateTime": (start + timedelta(hours=1)).isoformat(),
                    "timeZone": "UTC",
                },
            },
        )
        self.start_tour(
            "/odoo/calendar",
            "calendar_sync_outlook_tour",
            login="cs_alice",
            timeout=180,
        )
        self.assertEqual(
            sorted(e["subject"] for e in self.graph.events(ALICE)),
            ["Next planning", "Outlook kick-off"],
        )
        self.assertTrue(
            self.env["calendar.event"].search([("name", "=", "Outlook kick-off")])
        )
        account = self._account("microsoft")
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.sudo().refresh_token)

    # ------------------------------------------------------------ header
    def _connected_alice(self):
        account = self.connect_google(self.alice)
        account._sync()
        return account

    def test_header_counts_refused_events_and_stops_and_restarts(self):
        account = self._connected_alice()
        self.env["calendar.event"].with_user(self.alice).create(
            {
                "name": "Refused meeting",
                "start": self._today_at(14),
                "stop": self._today_at(15),
            }
        )
        self.google.inject(
            method="POST",
            path_regex=r"/calendar/v3/calendars/[^/]+/events$",
            status=400,
            reason="invalid",
            times=100,
        )
        account._sync()
        self.start_tour(
            "/odoo/calendar", "calendar_sync_header_tour", login="cs_alice", timeout=120
        )
        account.invalidate_recordset()
        self.assertFalse(account.sync_stopped)

    def test_calendar_in_error_is_tried_again_when_it_opens(self):
        account = self._connected_alice()
        self.google.inject(status=503, times=50)
        with self.assertLogs("odoo.addons.calendar_sync.engine.scheduler", "WARNING"):
            account._sync()
        self.assertEqual(account.state, "error")
        self.google.clear_faults()
        self.start_tour("/odoo/calendar", "calendar_sync_error_tour", login="cs_alice")
        account.invalidate_recordset()
        self.assertEqual(account.state, "connected")

    # ------------------------------------------------------------ in German
    def _in_german(self, *users):
        """The users read Odoo in German (the addon's terms loaded)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["calendar_sync"], ["de_DE"], overwrite=True
        )
        for user in users:
            user.lang = "de_DE"

    def test_german_administrator_enables_google_and_outlook_in_settings(self):
        self._in_german(self.admin)
        self.test_administrator_enables_google_and_outlook_in_settings()

    def test_german_header_counts_refused_events_and_stops_and_restarts(self):
        self._in_german(self.alice)
        self.test_header_counts_refused_events_and_stops_and_restarts()

    def test_german_user_connects_google_and_finds_the_calendar_tab(self):
        self._in_german(self.alice)
        self.test_user_connects_google_chooses_the_first_sync_and_resets()
