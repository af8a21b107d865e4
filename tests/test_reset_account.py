# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The Reset Account wizard on a Google account, end to end through the Google
emulator.
"""

from datetime import datetime

import requests

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, tagged

from ..emulators.google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .common import (
    GoogleEmulatorMixin,
    binding,
    bound_values,
)
from .reset_helpers import ResetHelpers

ALICE = "alice@example.com"


BOB = "bob@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestResetAccount(ResetHelpers, GoogleEmulatorMixin, TransactionCase):
    """The Reset Account wizard on a Google account, end to end through the
    emulator."""

    provider = "google"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob.tz = "Europe/Brussels"

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.start = datetime(2030, 3, 4, 9, 0)

    # ------------------------------------------------------------ helpers
    def synced_setup(self):
        """Alice's calendar, synced: two Odoo events, one imported from Google,
        a weekly series of four, and an event deleted in Odoo whose remote
        delete is still pending (archived, bound)."""
        self.google.add_event(
            ALICE,
            {
                "summary": "From Google",
                "start": {"dateTime": "2030-03-06T10:00:00+01:00"},
                "end": {"dateTime": "2030-03-06T11:00:00+01:00"},
            },
        )
        self.local_event(days=0)
        self.local_event(days=1)
        self.local_series()
        doomed = self.local_event(days=3, name="Doomed")
        self.sync()
        doomed.with_user(self.alice).unlink()  # archived until the next sync
        events = self.alice_events()
        self.assertEqual(len(events), 2 + 1 + 4 + 1)
        self.assertTrue(all(bound_values(events, "google", "remote_id")))
        self.assertFalse(doomed.active)
        return events

    def remote(self, account=ALICE):
        return self.google.events(account)

    def reconnect(self):
        self.account = self.connect_google(self.alice)
        return self.account

    # ------------------------------------------------------------ the button
    def test_reset_button_opens_the_wizard_on_the_account(self):
        action = self.account.with_user(self.alice).action_open_reset_wizard()
        self.assertEqual(action["res_model"], "calendar.sync.account.reset")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["name"], "Reset Google Calendar Account")
        Wizard = self.env["calendar.sync.account.reset"].with_user(self.alice)
        form = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(form.account_id, self.account)
        self.assertEqual(form.provider, "google")
        # what the choice shows, whatever context loaded the form's fields
        self.assertEqual(
            Wizard.new({"account_id": self.account.id}).delete_remote_label,
            "Delete from the current Google Calendar account",
        )
        self.assertEqual(form.delete_policy, "dont_delete")
        self.assertEqual(form.sync_policy, "new")
        labels = dict(
            Wizard.with_context(**action["context"])
            ._fields["delete_policy"]
            ._description_selection(Wizard.with_context(**action["context"]).env)
        )
        self.assertEqual(
            labels["delete_remote"], "Delete from the current Google Calendar account"
        )
        wizard = form.save()
        self.assertEqual(wizard.user_id, self.alice)

    # ------------------------------------------------------------ policies
    def test_reset_leaving_events_keeps_both_sides_and_unbinds(self):
        events = self.synced_setup()
        action = self.account.with_user(self.alice).action_open_reset_wizard()
        Wizard = self.env["calendar.sync.account.reset"].with_user(self.alice)
        form = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(form.event_count, len(events))
        remote_before = len(self.remote())
        requests = len(self.google.api_requests())
        result = self.reset("dont_delete")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(len(self.google.api_requests()), requests)
        self.assertEqual(len(self.remote()), remote_before)
        self.assertEqual(self.alice_events(), events)
        self.assertUnbound(events)
        self.assertFalse(any(bound_values(events, "google", "need_sync")))
        self.assertFalse(any(bound_values(events.recurrence_id, "google", "need_sync")))
        self.assertAccountReset()
        self.assertFalse(self.account.last_error)

    def test_reset_deleting_remote_removes_them_from_google_in_one_batch(self):
        events = self.synced_setup()
        series_id = binding(events.recurrence_id, "google").remote_id
        self.assertEqual(len(self.remote()), 5)  # 3 singles, 1 series, doomed
        requests = len(self.google.api_requests())
        calls = len(self.google.requests)
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(len(self.google.api_requests()) - requests, 1)
        deletes = [r for r in self.google.requests[calls:] if r["method"] == "DELETE"]
        # one DELETE per single event and one for the whole series
        self.assertEqual(len(deletes), 5)
        self.assertTrue(all(r["batch"] for r in deletes))
        self.assertEqual({r["sendUpdates"] for r in deletes}, {"none"})
        self.assertIn(series_id, {r["path"].rpartition("/")[2] for r in deletes})
        self.assertEqual(self.remote(), [])
        self.assertEqual(self.alice_events(), events)  # all still in Odoo
        self.assertUnbound(events)
        self.assertAccountReset()

    def test_reset_deleting_from_odoo_removes_local_events_only(self):
        events = self.synced_setup()
        recurrence = events.recurrence_id
        remote_before = self.remote()
        requests = len(self.google.api_requests())
        self.reset("delete_odoo")
        self.assertEqual(len(self.google.api_requests()), requests)
        self.assertFalse(events.exists())  # really deleted, archived ones too
        self.assertFalse(recurrence.exists())
        self.assertEqual(self.remote(), remote_before)
        self.assertAccountReset()

    def test_reset_deleting_both(self):
        events = self.synced_setup()
        result = self.reset("delete_both")
        self.assertEqual(result["params"]["type"], "success")
        self.assertFalse(events.exists())
        self.assertEqual(self.remote(), [])
        self.assertAccountReset()

    # ------------------------------------------------------------ next sync
    def test_reset_then_sync_all_pushes_existing_events_again(self):
        events = self.synced_setup()
        old_ids = set(bound_values(events, "google", "remote_id"))
        self.reset("delete_remote", "all")
        active = events.filtered("active")
        self.assertTrue(all(bound_values(active, "google", "need_sync")))
        self.assertFalse(
            binding(events.filtered(lambda e: not e.active), "google").need_sync
        )
        self.reconnect()
        self.sync()
        remote = self.remote()
        # 2 Odoo singles, the imported one, the series; the deleted one stays gone
        self.assertEqual(len(remote), 4)
        self.assertEqual(
            sorted(e["summary"] for e in remote),
            ["From Google", "Planning 0", "Planning 1", "Weekly sync"],
        )
        self.assertFalse(old_ids & {e["id"] for e in remote})
        self.assertTrue(all(bound_values(active, "google", "remote_id")))
        self.assertFalse(any(bound_values(active, "google", "need_sync")))
        self.assertEqual(self.alice_events(), events)  # nothing imported twice
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})

    def test_reset_leaving_events_then_sync_all_rebinds_odoo_events(self):
        # Same Google account connected again: events pushed from Odoo carry
        # their Odoo id in Google and are bound again, not duplicated. (Events
        # imported from Google and series carry none: they come back twice,
        # which is why the form warns about "leave untouched" + "all".)
        self.synced_setup()
        self.reset("dont_delete", "all")
        self.reconnect()
        self.sync()
        for name in ("Planning 0", "Planning 1"):
            local = self.alice_events().filtered(lambda e, n=name: e.name == n)
            self.assertEqual(len(local), 1, name)
            self.assertTrue(binding(local, "google").remote_id)
            remote = [e for e in self.remote() if e["summary"] == name]
            self.assertEqual(
                [e["id"] for e in remote], [binding(local, "google").remote_id]
            )

    def test_reset_then_sync_new_only_pushes_nothing_old(self):
        events = self.synced_setup()
        self.reset("delete_remote", "new")
        self.reconnect()
        new = self.local_event(days=10, name="After the reset")
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        self.assertEqual([e["summary"] for e in self.remote()], ["After the reset"])
        self.assertUnbound(events)
        self.assertTrue(binding(new, "google").remote_id)

    # ------------------------------------------------------------ robustness
    def test_reset_twice_is_harmless(self):
        events = self.synced_setup()
        self.reset("delete_both")
        requests = len(self.google.api_requests())
        result = self.reset("delete_both")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(len(self.google.api_requests()), requests)
        self.assertFalse(events.exists())
        self.assertAccountReset()
        self.assertFalse(self.account.last_error)

    def test_reset_with_revoked_tokens_still_resets_locally(self):
        events = self.synced_setup()
        remote_before = self.remote()
        self.google.revoke_refresh_tokens(ALICE)
        result = self.reset("delete_both")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("invalid_grant", result["params"]["message"])
        self.assertFalse(events.exists())
        self.assertEqual(self.remote(), remote_before)
        self.assertAccountReset()
        self.assertIn("no event was deleted", self.account.last_error)

    def test_reset_of_a_disconnected_account_skips_remote_deletes(self):
        events = self.synced_setup()
        self.account.sudo()._mark_needs_reconnect(Exception("refused"))
        self.account.sudo().refresh_token = False
        requests = len(self.google.api_requests())
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(len(self.google.api_requests()), requests)
        self.assertUnbound(events)
        self.assertAccountReset()

    def test_remote_delete_failures_are_listed_without_a_traceback(self):
        self.local_event(days=0, name="Keep me")
        self.local_event(days=1, name="Other")
        self.sync()
        kept = self.alice_events().filtered(lambda e: e.name == "Keep me")
        self.google.inject(
            method="DELETE",
            path_regex=binding(kept, "google").remote_id,
            status=403,
            reason="forbidden",
            in_batch=True,
            times=10,
        )
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("Keep me (2030-03-04 09:00 UTC)", result["params"]["message"])
        self.assertNotIn("Other", result["params"]["message"])
        self.assertIn("Keep me", self.account.last_error)
        self.assertEqual([e["summary"] for e in self.remote()], ["Keep me"])
        self.assertUnbound(self.alice_events())
        self.assertAccountReset()

    def test_rate_limits_during_the_remote_deletes_are_retried(self):
        events = self.synced_setup()
        self.google.inject(method="DELETE", status=429, in_batch=True, times=3)
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.remote(), [])
        self.assertUnbound(events)

    # ------------------------------------------------------------ scope, access
    def test_pointing_ones_own_wizard_at_a_colleagues_account_is_refused(self):
        bob_account = self.connect_google(self.bob)
        Wizard = self.env["calendar.sync.account.reset"].with_user(self.bob)
        wizard = Wizard.create({"account_id": bob_account.id})
        with self.assertRaises(AccessError):
            wizard.write({"account_id": self.account.id})
        # and a wizard showing someone else's account says nothing of it
        foreign = self.env["calendar.sync.account.reset"].create(
            {"account_id": self.account.id}
        )
        foreign = foreign.with_user(self.bob)
        foreign.invalidate_recordset()
        self.assertFalse(foreign.account_email)
        self.assertEqual(foreign.event_count, 0)

    def test_plain_user_cannot_reset_another_users_account(self):
        Wizard = self.env["calendar.sync.account.reset"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.bob).create({"account_id": self.account.id})
        with self.assertRaises(AccessError):
            self.account.with_user(self.bob).action_open_reset_wizard()
        wizard = Wizard.create({"account_id": self.account.id})
        with self.assertRaises(AccessError):
            wizard.with_user(self.bob).action_reset()
        self.assertEqual(self.account.state, "connected")
        # an administrator may reset anybody's account
        self.reset("dont_delete", user=self.admin)
        self.assertAccountReset()

    def test_events_of_other_organizers_are_untouched(self):
        bob_account = self.connect_google(self.bob)
        bobs = self.local_event(
            user=self.bob,
            name="Bob's meeting",
            partner_ids=[
                Command.set((self.bob.partner_id | self.alice.partner_id).ids)
            ],
        )
        self.sync(bob_account)
        self.assertTrue(binding(bobs, "google").remote_id)
        synced = self.local_event(days=1)
        self.sync()
        unsynced = self.local_event(days=5, name="Created after the sync")
        self.reset("delete_both")
        self.assertFalse(synced.exists())
        self.assertTrue(bobs.exists())
        self.assertTrue(binding(bobs, "google").remote_id)
        self.assertEqual([e["summary"] for e in self.remote(BOB)], ["Bob's meeting"])
        # not bound to Google: not the reset's business
        self.assertTrue(unsynced.exists())
        self.assertTrue(binding(unsynced, "google").need_sync)
        self.assertEqual(bob_account.state, "connected")

    # ------------------------------------------------------------ revocation
    def refresh_works(self, refresh_token):
        """Whether Google still gives an access token for ``refresh_token``."""
        response = requests.post(
            self.google.token_uri,
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": DEFAULT_CLIENT_SECRET,
            },
            timeout=10,
        )
        return response.status_code == 200

    def break_revoke_endpoint(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.google_revoke_uri", "http://127.0.0.1:9/revoke"
        )

    def test_reset_revokes_the_google_refresh_token(self):
        token = self.account.sudo().refresh_token
        self.assertTrue(self.refresh_works(token))
        result = self.reset("dont_delete")
        self.assertEqual(result["params"]["type"], "success")
        self.assertNotIn("revoke", result["params"]["message"])
        self.assertFalse(self.refresh_works(token))
        self.assertAccountReset()

    def test_reset_whose_revoke_fails_still_resets_and_says_so(self):
        token = self.account.sudo().refresh_token
        self.break_revoke_endpoint()
        result = self.reset("dont_delete")
        self.assertEqual(result["params"]["type"], "warning")
        message = result["params"]["message"]
        self.assertIn("Google did not confirm that it revoked Odoo's access", message)
        self.assertIn("event(s) processed", message)
        self.assertAccountReset()
        self.assertIn("did not confirm", self.account.last_error)
        self.assertTrue(self.refresh_works(token))  # nothing revoked, nothing kept

    def test_deleting_an_account_revokes_its_google_refresh_token(self):
        token = self.account.sudo().refresh_token
        self.account.with_user(self.admin).unlink()
        self.assertFalse(self.account.exists())
        self.assertFalse(self.refresh_works(token))

    def test_deleting_an_account_whose_revoke_fails_still_deletes_it(self):
        token = self.account.sudo().refresh_token
        self.break_revoke_endpoint()
        self.account.with_user(self.admin).unlink()
        self.assertFalse(self.account.exists())
        self.assertTrue(self.refresh_works(token))

    def test_a_user_who_may_not_delete_the_account_revokes_nothing(self):
        token = self.account.sudo().refresh_token
        with self.assertRaises(AccessError):
            self.account.with_user(self.alice).unlink()
        self.assertTrue(self.refresh_works(token))
        self.assertEqual(self.account.state, "connected")
