# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""``./run-odoo --demo``, its Odoo side: Settings pointed at the emulators that
``emulators/demo.py`` serves, the demo users and their events, the banner's
page in the session, and a demo user's sync both ways."""

import json

from odoo.tests import HttpCase, tagged

from ..models.res_config_settings import DEMO_PAGE_PARAM
from .common import connect_account

PAGE = "http://127.0.0.1:8780/"
ACCOUNTS = ["alice@demo.example", "bob@demo.example"]


@tagged("post_install", "-at_install", "calendar_sync")
class TestDemo(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from ..emulators.demo import DemoSides

        cls.sides = DemoSides("127.0.0.1", (0, 0), ACCOUNTS, "Europe/Brussels")
        cls.sides.start()
        cls.addClassCleanup(cls.sides.stop)
        cls.sides.seed()

    def _setup(self):
        return self.env["res.config.settings"]._calendar_sync_setup_demo(
            self.sides.odoo_params(), PAGE
        )

    def test_demo_points_both_providers_at_the_emulators(self):
        self._setup()
        Account = self.env["calendar.sync.account"]
        self.assertTrue(Account._is_provider_configured("google"))
        self.assertTrue(Account._is_provider_configured("microsoft"))
        self.assertEqual(
            Account._param("calendar_sync.google_api_root"), self.sides.google.api_root
        )
        self.assertEqual(
            json.loads(Account._param("calendar_sync.microsoft_host_map")),
            self.sides.graph.url_mapping,
        )
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param(DEMO_PAGE_PARAM), PAGE
        )

    def test_demo_creates_two_internal_users_with_events_once(self):
        alice, bob = self._setup()
        self.assertEqual(alice.login, "alice")
        self.assertEqual((alice | bob).mapped("email"), ACCOUNTS)
        self.assertTrue(alice._is_internal() and bob._is_internal())
        Event = self.env["calendar.event"]
        events = Event.search([("user_id", "in", (alice | bob).ids)])
        self.assertEqual(len(events), 4)
        self.assertIn(bob.partner_id, events.filtered("partner_ids").partner_ids)
        # a second start finds them
        self.assertEqual(self._setup(), alice | bob)
        self.assertEqual(Event.search_count([("user_id", "in", (alice | bob).ids)]), 4)

    def test_demo_user_syncs_both_ways_with_the_emulated_google(self):
        alice, _bob = self._setup()
        tokens = self.sides.google.issue_tokens(alice.email)
        account = connect_account(
            self.env,
            alice,
            "google",
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            sync_token=False,
        )
        account._sync()
        self.assertEqual(account.state, "connected", account.last_error)
        self.assertTrue(
            self.env["calendar.event"].search(
                [("name", "=", "Lunch with Carla (from Google)")]
            )
        )
        titles = {row["title"] for row in self.sides.events("google", alice.email)}
        self.assertIn("Project kick-off (from Odoo)", titles)

    def test_demo_page_reaches_the_calendar_of_internal_users_only(self):
        self._setup()
        self.authenticate("alice", "alice")
        response = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["calendar_sync_demo_url"], PAGE)
        # a database that is not a demo has no banner
        self.env["ir.config_parameter"].sudo().set_param(DEMO_PAGE_PARAM, False)
        response = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertFalse(response.json()["result"]["calendar_sync_demo_url"])
