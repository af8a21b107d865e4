# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The administrator's list of likely pairs (``calendar.sync.match``), where
Odoo's own sync modules were uninstalled before calendar_sync (their links
gone): listed at a calendar's first sync, merged or kept apart from the list,
administrators only."""

from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from ..engine.takeover import PARAM_RELINK
from .common import GoogleEmulatorMixin, event_times, make_users

ALICE = "alice@example.com"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@tagged("post_install", "-at_install", "calendar_sync")
class TestLikelyPairs(GoogleEmulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.env["ir.config_parameter"].sudo().set_param(PARAM_RELINK, "True")

    def setUp(self):
        super().setUp()
        day = fields.Date.today() + timedelta(days=7)
        self.start = datetime.combine(day, time(9))
        # the same meeting in Odoo and in Alice's Google calendar, unlinked
        self.odoo = (
            self.env["calendar.event"]
            .with_user(self.alice)
            .create(
                {
                    "name": "Budget review",
                    "start": self.start,
                    "stop": self.start + timedelta(hours=1),
                    "partner_ids": [(6, 0, (self.alice | self.bob).partner_id.ids)],
                }
            )
        )
        self.remote = self.google.add_event(
            ALICE,
            {
                "summary": "Budget review",
                **event_times(self.start, tz="UTC"),
                "attendees": [{"email": ALICE}, {"email": "bob@example.com"}],
            },
        )
        self.account = self.connect_google(self.alice)
        self.mails = self.env["mail.mail"].sudo().search_count([])

    def writes(self):
        with self.google.lock:
            return [
                r
                for r in self.google.requests
                if r["method"] in WRITES and r["path"].startswith("/calendar/v3/")
            ]

    def budget_reviews(self):
        Event = self.env["calendar.event"].sudo()
        return Event.search([("name", "=", "Budget review")])

    def pairs(self, user=None):
        Match = self.env["calendar.sync.match"].with_user(user or self.admin)
        return Match.search([("account_id", "=", self.account.id)])

    def test_first_sync_lists_the_pair_and_sends_or_imports_neither(self):
        self.account._sync()
        pair = self.pairs()
        self.assertEqual(len(pair), 1)
        self.assertEqual(
            (pair.event_id, pair.remote_id, pair.remote_name, pair.state),
            (self.odoo, self.remote["id"], "Budget review", "pending"),
        )
        self.assertEqual(self.budget_reviews(), self.odoo)
        self.assertEqual(self.writes(), [])
        self.assertEqual(len(self.google.events(ALICE)), 1)

    def test_merge_makes_one_event_with_its_binding_and_nothing_sent(self):
        self.account._sync()
        self.pairs().with_user(self.admin).action_merge()
        self.account._sync()
        self.account._sync()
        binding = self.odoo.sudo().calendar_sync_binding_ids
        self.assertEqual(binding.remote_id, self.remote["id"])
        self.assertEqual(self.pairs().state, "merged")
        self.assertEqual(self.budget_reviews(), self.odoo)
        self.assertEqual(self.writes(), [])
        self.assertEqual(len(self.google.events(ALICE)), 1)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), self.mails)
        # one meeting from now on: a change in Google reaches the Odoo event
        self.google.update_event(ALICE, self.remote["id"], {"location": "Room 7"})
        self.account._sync()
        self.assertEqual(self.odoo.location, "Room 7")

    def test_keep_apart_makes_two_events_and_the_pair_never_comes_back(self):
        self.account._sync()
        self.pairs().with_user(self.admin).action_keep()
        self.account._sync()
        self.account._sync()
        self.assertEqual(len(self.budget_reviews()), 2)
        self.assertEqual(len(self.google.events(ALICE)), 2)
        self.assertEqual(self.pairs().mapped("state"), ["kept"])
        # a full read of the calendar lists nothing again
        self.account.sync_token = False
        self.account._sync()
        self.assertEqual(self.pairs().mapped("state"), ["kept"])
        self.assertEqual(len(self.budget_reviews()), 2)

    def test_employees_cannot_read_or_decide_pairs(self):
        self.account._sync()
        pair = self.pairs()
        for user in (self.alice, self.bob):
            with self.assertRaises(AccessError):
                self.env["calendar.sync.match"].with_user(user).search([])
            with self.assertRaises(AccessError):
                pair.with_user(user).action_merge()
            with self.assertRaises(AccessError):
                pair.with_user(user).action_keep()
        self.assertEqual(pair.state, "pending")
