# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import (
    GoogleEmulatorMixin,
    bound_values,
    connect_account,
    make_users,
    run_requested,
)
from .common import utc_times as timed

ALICE = "alice@example.com"
BOB = "bob@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestAdminOverview(GoogleEmulatorMixin, TransactionCase):
    """Settings › Users & Companies › Calendar Sync Accounts: every user's
    accounts, the filters an administrator needs, and the bulk actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.Account = cls.env["calendar.sync.account"]

    def setUp(self):
        super().setUp()
        self.alice_account = self.connect_google(self.alice)
        self.bob_account = self.connect_google(self.bob)
        self.start = datetime(2030, 3, 4, 9, 0)

    # ------------------------------------------------------------ helpers
    def search_filter(self, name):
        """The accounts the overview's filter ``name`` shows to the admin."""
        view = self.env.ref("calendar_sync.calendar_sync_account_view_search")
        arch = self.Account.get_view(view.id, "search")["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")[0]
        domain = safe_eval(node.get("domain"))
        ours = [("user_id", "in", (self.alice | self.bob | self.admin).ids)]
        return self.Account.with_user(self.admin).search(domain + ours)

    def run_server_action(self, xmlid, accounts, user=None):
        action = self.env.ref(xmlid).with_user(user or self.admin)
        return action.with_context(
            active_model="calendar.sync.account",
            active_ids=accounts.ids,
            active_id=accounts[:1].id,
        ).run()

    def needs_reconnect(self, account, email):
        self.google.revoke_refresh_tokens(email)
        account.sudo().token_expiry = datetime(2000, 1, 1)
        account._sync()
        self.assertEqual(account.state, "needs_reconnect")

    # ------------------------------------------------------------ overview
    def test_overview_menu_is_for_administrators_only(self):
        menu = self.env.ref("calendar_sync.calendar_sync_account_menu")
        self.assertEqual(menu.parent_id, self.env.ref("base.menu_users"))
        self.assertEqual(
            menu.action, self.env.ref("calendar_sync.calendar_sync_account_action")
        )
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.admin)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.alice)._visible_menu_ids())

    def test_overview_lists_every_users_account(self):
        accounts = self.Account.with_user(self.admin).search(
            [("user_id", "in", (self.alice | self.bob).ids)]
        )
        self.assertEqual(accounts, self.alice_account | self.bob_account)

    def test_needs_reconnect_filter_lists_accounts_the_provider_refused(self):
        self.alice_account._sync()
        self.needs_reconnect(self.bob_account, BOB)
        self.assertEqual(self.search_filter("needs_reconnect"), self.bob_account)

    def test_errors_filter_lists_failed_accounts_and_accounts_with_an_error(self):
        failing = connect_account(
            self.env, self.admin, state="error", last_error="Google is down"
        )
        self.bob_account._sync()
        self.assertEqual(self.bob_account.state, "connected")
        self.bob_account.sudo().last_error = "1 event(s) could not be synced"
        self.alice_account._sync()
        self.assertEqual(self.search_filter("errors"), failing | self.bob_account)

    def test_errors_filter_leaves_needs_reconnect_to_its_own_filter(self):
        self.needs_reconnect(self.bob_account, BOB)
        self.assertNotIn(self.bob_account, self.search_filter("errors"))

    def test_paused_filter_lists_stopped_accounts_and_paused_providers(self):
        self.bob_account.with_user(self.bob).action_stop_sync()
        self.assertEqual(self.search_filter("paused"), self.bob_account)
        self.env["ir.config_parameter"].sudo().set_param(
            "google_calendar_sync_paused", "True"
        )
        self.assertTrue(self.alice_account._is_provider_paused("google"))
        self.assertEqual(
            self.search_filter("paused"), self.alice_account | self.bob_account
        )

    def test_overview_groups_by_provider_and_status(self):
        self.needs_reconnect(self.bob_account, BOB)
        groups = self.Account.with_user(self.admin).read_group(
            [("user_id", "in", (self.alice | self.bob).ids)],
            ["user_id:count"],
            ["provider", "state"],
            lazy=False,
        )
        counts = {(g["provider"], g["state"]): g["__count"] for g in groups}
        self.assertEqual(
            counts, {("google", "connected"): 1, ("google", "needs_reconnect"): 1}
        )

    # ------------------------------------------------------------ bulk actions
    def test_bulk_actions_are_offered_on_the_accounts_list(self):
        bindings = self.env["ir.actions.actions"].get_bindings("calendar.sync.account")
        offered = {action["id"] for action in bindings.get("action", [])}
        for xmlid in (
            "calendar_sync.calendar_sync_account_action_sync_now",
            "calendar_sync.calendar_sync_account_action_reset",
        ):
            self.assertIn(self.env.ref(xmlid).id, offered)

    def test_sync_now_on_several_accounts_queues_a_run_of_each(self):
        self.google.add_event(ALICE, {"summary": "A", **timed(self.start)})
        self.google.add_event(BOB, {"summary": "B1", **timed(self.start)})
        self.google.add_event(BOB, {"summary": "B2", **timed(self.start)})
        action = self.run_server_action(
            "calendar_sync.calendar_sync_account_action_sync_now",
            self.alice_account | self.bob_account,
        )
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("2 of 2 account(s) queued", action["params"]["message"])
        run_requested(self.env)
        logs = self.env["calendar.sync.log"].search(
            [("account_id", "in", (self.alice_account | self.bob_account).ids)]
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(sum(logs.mapped("pulled")), 3)

    def test_sync_now_on_several_names_the_accounts_that_cannot_sync(self):
        self.alice_account.sudo().sync_stopped = True
        action = self.run_server_action(
            "calendar_sync.calendar_sync_account_action_sync_now",
            self.alice_account | self.bob_account,
        )
        message = action["params"]["message"]
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(self.alice_account.display_name, message)
        self.assertNotIn(self.bob_account.display_name, message)
        self.assertIn("1 of 2 account(s)", message)

    def test_account_that_fails_its_requested_run_shows_why(self):
        self.needs_reconnect(self.bob_account, BOB)
        self.bob_account.sudo().state = "connected"  # the admin tries again
        self.run_server_action(
            "calendar_sync.calendar_sync_account_action_sync_now",
            self.alice_account | self.bob_account,
        )
        run_requested(self.env)
        self.assertEqual(self.bob_account.state, "needs_reconnect")
        self.assertIn("Reconnect", self.bob_account.last_error)
        self.assertEqual(self.alice_account.state, "connected")

    def test_sync_now_on_one_account_keeps_its_own_message(self):
        action = self.run_server_action(
            "calendar_sync.calendar_sync_account_action_sync_now", self.alice_account
        )
        self.assertIn("Google Calendar", action["params"]["message"])
        self.assertNotIn("account(s)", action["params"]["message"])

    def test_user_cannot_sync_another_users_account_with_their_own(self):
        accounts = (self.alice_account | self.bob_account).with_user(self.alice)
        with self.assertRaises(AccessError):
            accounts.action_sync_now()

    def test_reset_of_one_account_opens_the_wizard(self):
        action = self.run_server_action(
            "calendar_sync.calendar_sync_account_action_reset", self.alice_account
        )
        self.assertEqual(action["res_model"], "calendar.sync.account.reset")
        self.assertEqual(action["context"]["default_account_id"], self.alice_account.id)
        self.assertEqual(self.alice_account.state, "connected")

    def test_reset_of_several_accounts_leaves_every_event_untouched(self):
        self.google.add_event(ALICE, {"summary": "Alice's", **timed(self.start)})
        self.google.add_event(BOB, {"summary": "Bob's", **timed(self.start)})
        self.alice_account._sync()
        self.bob_account._sync()
        events = self.env["calendar.event"].search(
            [("name", "in", ["Alice's", "Bob's"])]
        )
        self.assertEqual(len(events), 2)
        action = self.run_server_action(
            "calendar_sync.calendar_sync_account_action_reset",
            self.alice_account | self.bob_account,
        )
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(self.alice_account.display_name, action["params"]["message"])
        self.assertIn(self.bob_account.display_name, action["params"]["message"])
        for account in self.alice_account | self.bob_account:
            self.assertEqual(account.state, "not_connected")
            self.assertFalse(account.sudo().refresh_token)
        self.assertTrue(all(events.exists().mapped("active")))
        self.assertEqual(len(events.exists()), 2)
        self.assertFalse(any(bound_values(events, "google", "remote_id")))
        self.assertFalse(any(bound_values(events, "google", "need_sync")))
        self.assertEqual(len(self.google.events(ALICE)), 1)
        self.assertEqual(len(self.google.events(BOB)), 1)

    # ------------------------------------------------------------ presentation
    def test_overview_offers_no_token_or_sign_in_secret_as_group_by(self):
        fields = self.Account.with_user(self.admin).fields_get(attributes=["groupable"])
        for name in (
            "access_token",
            "refresh_token",
            "sync_token",
            "oauth_nonce",
            "oauth_code_verifier",
        ):
            self.assertFalse(fields[name].get("groupable"), name)
        self.assertTrue(fields["provider"]["groupable"])
        self.assertTrue(fields["user_id"]["groupable"])

    def test_email_warning_on_another_users_row_names_that_user(self):
        self.bob_account.sudo().email = "bob.private@example.org"
        mine = self.bob_account.with_user(self.bob)
        self.assertEqual(mine.email_mismatch_label, "Not your Odoo e-mail")
        theirs = self.bob_account.with_user(self.admin)
        self.assertEqual(theirs.email_mismatch_label, "Not the user's Odoo e-mail")
        self.assertIn("Bob should connect", theirs.email_mismatch_warning)
        self.assertIn(BOB, theirs.email_mismatch_warning)

    def test_not_connected_row_invites_its_user_to_connect(self):
        account = self.Account._get_for_user(self.admin, "google")
        self.assertEqual(account.state, "not_connected")
        before = self.env["mail.message"].search_count([])
        action = account.with_user(self.admin).action_invite_to_connect()
        self.assertEqual(action["params"]["type"], "success")
        message = self.env["mail.message"].search([], order="id desc", limit=1)
        self.assertEqual(self.env["mail.message"].search_count([]), before + 1)
        self.assertIn(self.admin.partner_id, message.partner_ids)
        self.assertIn("/odoo/calendar", message.body)
        # connected accounts are not invited; users invite nobody
        action = self.alice_account.with_user(self.admin).action_invite_to_connect()
        self.assertEqual(action["params"]["type"], "info")
        with self.assertRaises(AccessError):
            account.with_user(self.alice).action_invite_to_connect()
