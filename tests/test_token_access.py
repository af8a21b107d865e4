# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import json

from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import (
    connect_account,
    make_users,
)


@tagged("post_install", "-at_install", "calendar_sync")
class TestTokenAccess(TransactionCase):
    """Only the user themself and Settings administrators read sync accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.account = connect_account(cls.env, cls.alice)
        cls.Account = cls.env["calendar.sync.account"]

    def test_other_user_reading_an_account_gets_access_error(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).read(["email", "sync_token"])

    def test_other_user_reading_masked_tokens_gets_access_error(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).read(["access_token_display"])

    def test_other_user_reading_raw_tokens_gets_access_error(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).read(["access_token", "refresh_token"])

    def test_other_user_search_read_finds_nothing(self):
        found = self.Account.with_user(self.bob).search_read(
            [("user_id", "=", self.alice.id)], ["email", "sync_token"]
        )
        self.assertEqual(found, [])
        self.assertEqual(self.Account.with_user(self.bob).search_count([]), 0)

    def test_other_user_export_gets_access_error(self):
        self.bob.groups_id += self.env.ref("base.group_allow_export")
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).export_data(["email", "sync_token"])

    def test_other_user_sees_no_account_on_the_user_form(self):
        values = self.alice.with_user(self.bob).web_read(
            {"calendar_sync_account_ids": {"fields": {"email": {}}}}
        )
        self.assertEqual(values[0]["calendar_sync_account_ids"], [])

    def test_other_user_cannot_write_an_account(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).write({"email": "evil@example.com"})

    def test_owner_reads_own_account_with_masked_tokens(self):
        values = self.account.with_user(self.alice).read(
            [
                "email",
                "access_token_display",
                "refresh_token_display",
                "sync_token",
                "sync_status",
            ]
        )[0]
        self.assertEqual(values["email"], "alice@example.com")
        self.assertTrue(values["access_token_display"].endswith("lice"))
        self.assertNotIn("ya29", values["access_token_display"])
        self.assertEqual(values["sync_status"], "connected")

    def test_owner_cannot_read_raw_tokens(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.alice).read(["access_token"])

    def test_owner_cannot_write_own_tokens_directly(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.alice).write({"refresh_token": "x"})

    def test_owner_sees_own_account_on_preferences(self):
        values = self.alice.with_user(self.alice).web_read(
            {"calendar_sync_account_ids": {"fields": {"email": {}}}}
        )
        self.assertEqual(
            [a["email"] for a in values[0]["calendar_sync_account_ids"]],
            ["alice@example.com"],
        )

    def test_settings_admin_reads_every_account(self):
        values = self.account.with_user(self.admin).read(["email", "access_token"])[0]
        self.assertEqual(values["access_token"], "ya29.access-cs_alice")
        found = self.Account.with_user(self.admin).search(
            [("user_id", "=", self.alice.id)]
        )
        self.assertEqual(found, self.account)

    def test_global_pause_shows_as_paused(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "google_calendar_sync_paused", "True"
        )
        self.assertEqual(self.account.sync_status, "paused")

    def test_one_account_per_user_and_provider(self):
        again = self.Account._get_for_user(self.alice, "google")
        self.assertEqual(again, self.account)
        outlook = self.Account._get_for_user(self.alice, "microsoft")
        self.assertNotEqual(outlook, self.account)
        self.assertEqual(outlook.state, "not_connected")


@tagged("post_install", "-at_install", "calendar_sync")
class TestTokenAccessOverRpc(HttpCase):
    def test_other_user_reading_tokens_over_rpc_gets_access_error(self):
        alice, _bob, _admin = make_users(self.env)
        account = connect_account(self.env, alice)
        self.authenticate("cs_bob", "cs_bob")
        response = self.url_open(
            "/web/dataset/call_kw/calendar.sync.account/read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "calendar.sync.account",
                        "method": "read",
                        "args": [
                            [account.id],
                            ["email", "access_token_display", "sync_token"],
                        ],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        error = response.json()["error"]
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("ya29", response.text)
        self.assertNotIn("CPDAlvWD", response.text)


@tagged("post_install", "-at_install", "calendar_sync")
class TestNeutralize(TransactionCase):
    def test_neutralization_clears_every_token_and_sync_state(self):
        alice, _bob, _admin = make_users(self.env)
        account = connect_account(self.env, alice)
        self.env.flush_all()
        for query in get_neutralization_queries(["calendar_sync"]):
            self.env.cr.execute(query)
        account.invalidate_recordset()
        self.assertFalse(account.access_token)
        self.assertFalse(account.refresh_token)
        self.assertFalse(account.sync_token)
        self.assertEqual(account.state, "not_connected")
        self.assertTrue(account.sync_stopped)
