# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import re
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import GoogleEmulatorMixin, GraphEmulatorMixin, make_users

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestFirstSyncProtection(GoogleEmulatorMixin, GraphEmulatorMixin, HttpCase):
    """Before the first push the user chooses what existing events are sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)

    def setUp(self):
        super().setUp()
        now = datetime.combine(fields.Date.today(), datetime.min.time())
        Event = self.env["calendar.event"].with_user(self.alice)
        guests = Command.set((self.alice.partner_id | self.bob.partner_id).ids)
        self.past = Event.create(
            {
                "name": "Past meeting",
                "start": now - timedelta(days=30, hours=-9),
                "stop": now - timedelta(days=30, hours=-10),
                "partner_ids": [guests],
            }
        )
        self.future = Event.create(
            {
                "name": "Future meeting",
                "start": now + timedelta(days=30, hours=9),
                "stop": now + timedelta(days=30, hours=10),
                "partner_ids": [guests],
            }
        )

    def _pushed_names(self, provider):
        if provider == "google":
            return sorted(e["summary"] for e in self.google.events(ALICE))
        return sorted(e["subject"] for e in self.graph.events(ALICE))

    def test_future_only_is_the_default_and_past_events_stay_in_odoo(self):
        for provider, connect in (
            ("google", self.connect_google),
            ("microsoft", self.connect_microsoft),
        ):
            account = connect(self.alice)
            self.assertEqual(account.first_sync_policy, "future")
            account._sync()
            self.assertEqual(self._pushed_names(provider), ["Future meeting"])
            self.assertTrue(account.first_sync_done)

    def test_none_sends_no_existing_event_but_new_ones(self):
        account = self.connect_google(self.alice)
        account.first_sync_policy = "none"
        account._sync()
        self.assertEqual(self._pushed_names("google"), [])
        self.env["calendar.event"].with_user(self.alice).create(
            {
                "name": "New one",
                "start": self.future.start + timedelta(days=1),
                "stop": self.future.stop + timedelta(days=1),
            }
        )
        account._sync()
        self.assertEqual(self._pushed_names("google"), ["New one"])

    def test_all_sends_everything_and_google_mails_nobody_on_the_first_push(self):
        account = self.connect_google(self.alice)
        account.first_sync_policy = "all"
        account._sync()
        self.assertEqual(
            self._pushed_names("google"), ["Future meeting", "Past meeting"]
        )
        inserts = [r for r in self.google.requests if r.get("sendUpdates")]
        self.assertEqual({r["sendUpdates"] for r in inserts}, {"none"})

    def test_connecting_shows_the_choice_with_counts_then_goes_back(self):
        account = self.connect_google(self.alice)
        self.authenticate("cs_alice", "cs_alice")
        page = self.url_open(
            "/calendar_sync/google/first_sync?return_url=/odoo/calendar"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_calendar_sync_first_sync", page.text)
        text = " ".join(page.text.split())
        self.assertIn("You organize <strong>2</strong> event(s)", text)
        self.assertIn(
            "Future events only</strong> (recommended): 1 event(s), 1 with", text
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            "/calendar_sync/google/first_sync",
            data={
                "csrf_token": token,
                "policy": "none",
                "return_url": "/odoo/calendar",
            },
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.assertTrue(answer.headers["Location"].endswith("/odoo/calendar"))
        self.assertEqual(account.first_sync_policy, "none")

    def test_outlook_none_sends_no_existing_event_but_new_ones(self):
        account = self.connect_microsoft(self.alice)
        account.first_sync_policy = "none"
        account._sync()
        self.assertEqual(self._pushed_names("microsoft"), [])
        self.assertFalse(self.graph.invitations, "Outlook mailed nobody")
        self.env["calendar.event"].with_user(self.alice).create(
            {
                "name": "New one",
                "start": self.future.start + timedelta(days=1),
                "stop": self.future.stop + timedelta(days=1),
            }
        )
        account._sync()
        self.assertEqual(self._pushed_names("microsoft"), ["New one"])

    def test_outlook_all_sends_every_event_the_window_holds(self):
        account = self.connect_microsoft(self.alice)
        account.first_sync_policy = "all"
        account._sync()
        self.assertEqual(
            self._pushed_names("microsoft"), ["Future meeting", "Past meeting"]
        )
        # what the user was warned of: Outlook invites the attendees of each
        mailed = {
            m["subject"]
            for m in self.graph.invitations
            if "bob@example.com" in m["recipients"]
        }
        self.assertEqual(mailed, {"Future meeting", "Past meeting"})

    # ------------------------------------------------------------ the page
    def _page(self, provider):
        self.authenticate("cs_alice", "cs_alice")
        return self.url_open(
            f"/calendar_sync/{provider}/first_sync?return_url=/odoo/calendar",
            allow_redirects=False,
        )

    def test_page_tells_each_provider_s_truth_about_invitations(self):
        self.connect_google(self.alice)
        text = " ".join(self._page("google").text.split())
        self.assertIn("Google mails none of them", text)
        self.assertNotIn("may mail", text)
        self.connect_microsoft(self.alice)
        text = " ".join(self._page("microsoft").text.split())
        self.assertIn("Outlook mails those attendees an invitation", text)

    def test_nothing_to_send_asks_nothing(self):
        (self.past | self.future).unlink()
        self.connect_google(self.alice)
        page = self._page("google")
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/odoo/calendar"))

    def test_page_says_which_events_came_from_the_other_calendar(self):
        (self.past | self.future).unlink()
        google = self.connect_google(self.alice)
        start = datetime.combine(fields.Date.today(), datetime.min.time())
        self.google.add_event(
            ALICE,
            {
                "summary": "From Google",
                "start": {
                    "dateTime": (start + timedelta(days=3, hours=9)).isoformat() + "Z"
                },
                "end": {
                    "dateTime": (start + timedelta(days=3, hours=10)).isoformat() + "Z"
                },
            },
        )
        google._sync()
        self.assertTrue(
            self.env["calendar.event"].search([("name", "=", "From Google")])
        )
        self.connect_microsoft(self.alice)
        text = " ".join(self._page("microsoft").text.split())
        self.assertIn("<strong>1</strong> of them came from your Google Calendar", text)
