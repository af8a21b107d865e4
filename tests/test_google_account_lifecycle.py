# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A Google account against the Google emulator: its tokens refreshed and
revoked, the cron syncing every account, events shared between accounts.
"""

from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from ..services.google_mapper import from_google
from ..services.snapshot import canonical
from .common import (
    GoogleEmulatorMixin,
    binding,
    bound_to,
    make_users,
    run_requested,
)
from .common import event_times as timed

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleAccountLifecycle(GoogleEmulatorMixin, TransactionCase):
    """Tokens, cron and shared events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.Event = cls.env["calendar.event"]

    def test_expired_access_token_is_refreshed_and_stored(self):
        account = self.connect_google(self.alice)
        old_token = account.access_token
        self.google.expire_access_tokens()
        account.sudo().token_expiry = datetime(2000, 1, 1)
        account._sync()
        self.assertEqual(account.state, "connected")
        self.assertNotEqual(account.access_token, old_token)
        self.assertGreater(account.token_expiry, datetime.now())

    def test_cron_syncs_every_connected_account(self):
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        self.google.add_event(
            ALICE, {"summary": "For Alice", **timed(datetime(2030, 1, 7, 9))}
        )
        self.google.add_event(
            "bob@example.com", {"summary": "For Bob", **timed(datetime(2030, 1, 8, 9))}
        )
        self.env["calendar.sync.account"]._cron_sync_all()
        self.assertTrue(alice.last_sync_date and bob.last_sync_date)
        self.assertEqual(
            self.Event.search([("name", "=", "For Alice")]).user_id, self.alice
        )
        self.assertEqual(
            self.Event.search([("name", "=", "For Bob")]).user_id, self.bob
        )

    def test_cron_skips_stopped_and_reconnect_accounts(self):
        account = self.connect_google(self.alice)
        account.sudo().state = "needs_reconnect"
        before = len(self.google.api_requests())
        self.env["calendar.sync.account"]._cron_sync_all()
        self.assertEqual(len(self.google.api_requests()), before)

    def test_shared_event_goes_out_through_the_organizer_only(self):
        self.connect_google(self.alice)
        bob_account = self.connect_google(self.bob)
        alice_account = self.env["calendar.sync.account"]._get_for_user(
            self.alice, "google"
        )
        event = self.Event.with_user(self.alice).create(
            {
                "name": "Review",
                "start": datetime(2030, 3, 4, 9),
                "stop": datetime(2030, 3, 4, 10),
                "partner_ids": [
                    Command.set((self.alice.partner_id | self.bob.partner_id).ids)
                ],
            }
        )
        alice_account._sync()
        bob_account._sync()
        # Bob's copy is the same Odoo event: no duplicate, nothing pushed by Bob
        self.assertEqual(self.Event.search_count([("name", "=", "Review")]), 1)
        bob_writes = [
            r
            for r in self.google.requests
            if r.get("account") == "bob@example.com" and r["method"] != "GET"
        ]
        self.assertEqual(bob_writes, [])
        # Bob answers in Google: only his answer changes in Odoo
        self.google.update_event(
            "bob@example.com",
            binding(event, "google").remote_id,
            {
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": "bob@example.com", "responseStatus": "accepted"},
                ]
            },
        )
        bob_account._sync()
        bob_attendee = event.attendee_ids.filtered(
            lambda a: a.partner_id == self.bob.partner_id
        )
        self.assertEqual(bob_attendee.state, "accepted")
        self.assertEqual(event.user_id, self.alice)

    def test_read_only_event_of_an_external_organizer_is_not_pushed(self):
        account = self.connect_google(self.alice)
        self.google.add_account("carol@partner.example")
        self.google.issue_tokens("carol@partner.example")
        external = self.google.add_event(
            "carol@partner.example",
            {
                "summary": "Partner call",
                **timed(datetime(2030, 3, 6, 9)),
                "attendees": [{"email": "carol@partner.example"}, {"email": ALICE}],
            },
        )
        account._sync()
        event = self.Event.search([bound_to("google", external["id"])])
        self.assertTrue(binding(event, "google").guest_copy)
        event.with_user(self.alice).write({"name": "My own title"})
        account._sync()
        self.assertIn("Only the organizer", binding(event, "google").sync_error)
        self.assertEqual(
            self.google.get_event("carol@partner.example", external["id"])["summary"],
            "Partner call",
        )
        account._sync()  # no 403 loop: nothing is sent again
        writes = [r for r in self.google.requests if r.get("status", 200) >= 400]
        self.assertEqual(writes, [])

    def test_rotated_refresh_token_is_stored(self):
        account = self.connect_google(self.alice)
        old_refresh = account.refresh_token
        self.google.rotate_refresh_tokens = True
        account.sudo().token_expiry = datetime(2000, 1, 1)
        account._sync()
        self.assertEqual(account.state, "connected")
        self.assertNotEqual(account.refresh_token, old_refresh)
        account.sudo().token_expiry = datetime(2000, 1, 1)
        account._sync()  # the stored, rotated token works
        self.assertEqual(account.state, "connected")

    def test_stopped_account_syncs_nothing_until_restarted(self):
        account = self.connect_google(self.alice)
        account.with_user(self.alice).action_stop_sync()
        self.assertEqual(account.sync_status, "paused")
        event = self.Event.with_user(self.alice).create(
            {
                "name": "While stopped",
                "start": datetime(2030, 5, 6, 9),
                "stop": datetime(2030, 5, 6, 10),
            }
        )
        self.assertIsNone(account._sync())
        self.assertEqual(self.google.events(ALICE), [])
        account.with_user(self.alice).action_restart_sync()
        account._sync()
        self.assertEqual(
            self.google.events(ALICE)[0]["id"], binding(event, "google").remote_id
        )

    def test_sync_now_starts_a_background_run_and_says_so(self):
        account = self.connect_google(self.alice)
        self.google.add_event(
            ALICE, {"summary": "New", **timed(datetime(2030, 1, 7, 9))}
        )
        action = account.with_user(self.alice).action_sync_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("started", action["params"]["message"])
        self.assertFalse(self.env["calendar.event"].search([("name", "=", "New")]))
        run_requested(self.env)
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "New")]))
        self.assertEqual(account.last_run_pulled, 1)

    def test_other_user_cannot_sync_or_stop_my_account(self):
        account = self.connect_google(self.alice)
        with self.assertRaises(AccessError):
            account.with_user(self.bob).action_sync_now()
        with self.assertRaises(AccessError):
            account.with_user(self.bob).action_stop_sync()

    def test_every_mapped_field_round_trips_unchanged(self):
        account = self.connect_google(self.alice)
        alarm = self.env["calendar.alarm"]._calendar_sync_find_or_create(
            {("email", 30), ("notification", 10)}
        )
        carol = self.env["res.partner"].create(
            {"name": "Carol", "email": "carol@partner.example"}
        )
        event = self.Event.with_user(self.alice).create(
            {
                "name": "All fields",
                "description": "<p>Bring <b>slides</b></p>",
                "location": "Room 42",
                "start": datetime(2030, 6, 3, 7, 30),
                "stop": datetime(2030, 6, 3, 9, 0),
                "partner_ids": [Command.set((self.alice.partner_id | carol).ids)],
                "alarm_ids": [Command.set(list(alarm.values()))],
                "privacy": "confidential",
                "show_as": "free",
                "videocall_location": "https://meet.example.com/abc",
            }
        )
        event.attendee_ids.filtered(lambda a: a.partner_id == carol).state = "tentative"
        before = canonical(event._calendar_sync_neutral())
        account._sync()
        remote = self.google.get_event(ALICE, binding(event, "google").remote_id)
        self.assertEqual(canonical(from_google(remote)), before)
        # and back: a fresh import of the same Google event gives the same values
        event.sudo().with_context(calendar_sync_applying=True).unlink()
        account.sudo().sync_token = False
        account._sync()
        again = self.Event.search([bound_to("google", remote["id"])])
        self.assertEqual(canonical(again._calendar_sync_neutral()), before)
        self.assertEqual(
            again.attendee_ids.filtered(lambda a: a.partner_id == carol).state,
            "tentative",
        )
