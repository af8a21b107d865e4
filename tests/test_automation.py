# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import (
    GoogleEmulatorMixin,
    binding,
    make_users,
    run_requested,
)
from .common import utc_times as timed

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestAutomation(GoogleEmulatorMixin, TransactionCase):
    """Events the sync creates or changes run automation rules like any other
    write, and the sync's server actions can be an automation rule's action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, _bob, _admin = make_users(cls.env)
        cls.Event = cls.env["calendar.event"]
        cls.tag = cls.env["calendar.event.type"].create({"name": "From Google"})

    def setUp(self):
        super().setUp()
        self.start = datetime(2030, 3, 4, 9, 0)

    def tag_google_events_rule(self):
        """The rule a user sets up in Settings › Technical › Automation Rules:
        on save of an event whose name starts with "[G]", add the tag."""
        model = self.env["ir.model"]._get("calendar.event")
        rule = self.env["base.automation"].create(
            {
                "name": "Tag events from Google",
                "model_id": model.id,
                "trigger": "on_create_or_write",
                "filter_domain": "[('name', '=like', '[G]%')]",
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": "Add the tag From Google",
                "base_automation_id": rule.id,
                "model_id": model.id,
                "state": "object_write",
                "update_path": "categ_ids",
                "update_m2m_operation": "add",
                "resource_ref": f"calendar.event.type,{self.tag.id}",
            }
        )
        rule.write({"action_server_ids": [Command.link(action.id)]})
        return rule

    def test_event_imported_from_google_runs_automation_rules(self):
        self.tag_google_events_rule()
        account = self.connect_google(self.alice)
        self.google.add_event(ALICE, {"summary": "[G] Board", **timed(self.start)})
        self.google.add_event(ALICE, {"summary": "Lunch", **timed(self.start)})
        account._sync()
        self.assertEqual(account.state, "connected", account.last_error)
        board = self.Event.search([("name", "=", "[G] Board")])
        lunch = self.Event.search([("name", "=", "Lunch")])
        self.assertEqual(board.categ_ids, self.tag)
        self.assertFalse(lunch.categ_ids)
        # the rule's own write is not a change to send back to Google
        self.assertFalse(binding(board, "google").need_sync)

    def test_event_changed_in_google_runs_automation_rules(self):
        self.tag_google_events_rule()
        account = self.connect_google(self.alice)
        remote = self.google.add_event(ALICE, {"summary": "Retro", **timed(self.start)})
        account._sync()
        event = self.Event.search([("name", "=", "Retro")])
        self.assertFalse(event.categ_ids)
        self.google.update_event(ALICE, remote["id"], {"summary": "[G] Retro"})
        account._sync()
        self.assertEqual(event.name, "[G] Retro")
        self.assertEqual(event.categ_ids, self.tag)

    def test_sync_now_server_action_runs_from_an_automation_rule(self):
        # "sync right after connecting": an automation rule on the accounts
        # executes the existing "Sync Now" server action
        model = self.env["ir.model"]._get("calendar.sync.account")
        rule = self.env["base.automation"].create(
            {
                "name": "Sync as soon as connected",
                "model_id": model.id,
                "trigger": "on_create_or_write",
                "trigger_field_ids": [
                    Command.set(
                        self.env["ir.model.fields"]
                        ._get("calendar.sync.account", "state")
                        .ids
                    )
                ],
                "filter_domain": "[('state', '=', 'connected')]",
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": "Run Sync Now",
                "base_automation_id": rule.id,
                "model_id": model.id,
                "state": "multi",
                "child_ids": [
                    Command.link(
                        self.env.ref(
                            "calendar_sync.calendar_sync_account_action_sync_now"
                        ).id
                    )
                ],
            }
        )
        rule.write({"action_server_ids": [Command.link(action.id)]})
        self.google.add_event(ALICE, {"summary": "Waiting", **timed(self.start)})
        account = self.connect_google(self.alice)
        self.assertTrue(account.sync_requested, "Sync Now requested a run")
        run_requested(self.env)
        self.assertTrue(self.Event.search([("name", "=", "Waiting")]))
        self.assertEqual(account.last_run_pulled, 1)
