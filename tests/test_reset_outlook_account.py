# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The Reset Account wizard on an Outlook account, end to end through the Graph
emulator: the same choices as for Google.
"""

import re
from datetime import timedelta

from odoo import Command
from odoo.tests import Form, TransactionCase, tagged

from .common import (
    GraphEmulatorMixin,
    binding,
    bound_to,
    bound_values,
    connect_account,
    first_monday,
)
from .common import (
    event_times as graph_times,
)
from .reset_helpers import ResetHelpers

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestResetOutlookAccount(ResetHelpers, GraphEmulatorMixin, TransactionCase):
    """The Reset Account wizard on an Outlook account, end to end through the
    Graph emulator: the same choices as for Google."""

    provider = "microsoft"

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)
        # inside Outlook's sync window (1 year back, 2 ahead), on a Monday
        self.start = first_monday()

    # ------------------------------------------------------------ helpers
    def synced_setup(self):
        """Alice's calendar, synced: two Odoo events, one imported from
        Outlook, a weekly series of four, and an event deleted in Odoo whose
        remote delete is still pending (archived, bound)."""
        self.graph.add_event(
            ALICE,
            {"subject": "From Outlook", **graph_times(self.start + timedelta(days=2))},
        )
        self.local_event(days=0)
        self.local_event(days=1)
        self.local_series()
        doomed = self.local_event(days=3, name="Doomed")
        self.sync()
        doomed.with_user(self.alice).unlink()  # archived until the next sync
        events = self.alice_events()
        self.assertEqual(len(events), 2 + 1 + 4 + 1)
        self.assertTrue(all(bound_values(events, "microsoft", "remote_id")))
        self.assertFalse(doomed.active)
        self.assertEqual(len(self.remote()), 5)  # 3 singles, doomed, 1 series
        return events

    def remote(self):
        return self.graph.events(ALICE)

    def graph_calls(self, since):
        """(top-level requests, $batch items) sent to Graph since ``since``."""
        calls = [r for r in self.graph.requests[since:] if r.path.startswith("/v1.0")]
        return (
            [r for r in calls if not r.in_batch],
            [r for r in calls if r.in_batch],
        )

    def reconnect(self):
        self.account = self.connect_microsoft(self.alice)
        return self.account

    # ------------------------------------------------------------ policies
    def test_wizard_speaks_of_outlook_and_counts_the_bound_events(self):
        events = self.synced_setup()
        action = self.account.with_user(self.alice).action_open_reset_wizard()
        Wizard = self.env["calendar.sync.account.reset"].with_user(self.alice)
        form = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(form.provider, "microsoft")
        self.assertEqual(form.event_count, len(events))
        labels = dict(
            Wizard.with_context(**action["context"])
            ._fields["delete_policy"]
            ._description_selection(Wizard.with_context(**action["context"]).env)
        )
        self.assertEqual(
            labels["delete_remote"], "Delete from the current Outlook account"
        )

    def test_reset_leaving_events_keeps_both_sides_and_unbinds(self):
        events = self.synced_setup()
        remote_before = self.remote()
        since = len(self.graph.requests)
        result = self.reset("dont_delete")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.graph_calls(since), ([], []))
        self.assertEqual(self.remote(), remote_before)
        self.assertEqual(self.alice_events(), events)
        self.assertUnbound(events)
        self.assertFalse(any(bound_values(events, "microsoft", "need_sync")))
        self.assertFalse(
            any(bound_values(events.recurrence_id, "microsoft", "need_sync"))
        )
        self.assertAccountReset()
        self.assertFalse(self.account.last_error)

    def test_reset_deleting_remote_removes_them_from_outlook_in_one_batch(self):
        events = self.synced_setup()
        series_id = binding(events.recurrence_id, "microsoft").remote_id
        since = len(self.graph.requests)
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "success")
        top, items = self.graph_calls(since)
        self.assertEqual([(r.method, r.path) for r in top], [("POST", "/v1.0/$batch")])
        # one DELETE per single event and one for the whole series
        self.assertEqual({r.method for r in items}, {"DELETE"})
        self.assertEqual(len(items), 5)
        self.assertIn(f"/v1.0/me/events/{series_id}", {r.path for r in items})
        self.assertEqual(self.remote(), [])
        self.assertEqual(self.alice_events(), events)  # all still in Odoo
        self.assertUnbound(events)
        self.assertAccountReset()

    def test_reset_deleting_from_odoo_removes_local_events_only(self):
        events = self.synced_setup()
        recurrence = events.recurrence_id
        remote_before = self.remote()
        since = len(self.graph.requests)
        self.reset("delete_odoo")
        self.assertEqual(self.graph_calls(since), ([], []))
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

    def test_series_is_deleted_once_through_its_master(self):
        self.sync()
        recurrence = self.local_series()
        self.sync()
        occurrences = recurrence.calendar_event_ids.sorted("start")
        moved = occurrences[1]
        moved.with_user(self.alice).write(
            {
                "start": moved.start + timedelta(hours=3),
                "stop": moved.stop + timedelta(hours=3),
                "recurrence_update": "self_only",
            }
        )
        occurrences[2].with_user(self.alice).action_mass_archive("self_only")
        self.sync()
        kinds = sorted(e.get("type") for e in self.remote())
        self.assertEqual(kinds, ["exception", "seriesMaster"])
        master_id = binding(recurrence, "microsoft").remote_id
        since = len(self.graph.requests)
        self.reset("delete_remote")
        _top, items = self.graph_calls(since)
        self.assertEqual(
            [(r.method, r.path) for r in items],
            [("DELETE", f"/v1.0/me/events/{master_id}")],
        )
        self.assertEqual(self.remote(), [])  # its exception went with it
        self.assertUnbound(recurrence.calendar_event_ids)

    # ------------------------------------------------------------ next sync
    def test_reset_then_sync_all_pushes_existing_events_again(self):
        events = self.synced_setup()
        old_ids = {e["id"] for e in self.remote()}
        self.reset("delete_remote", "all")
        active = events.filtered("active")
        self.assertTrue(all(bound_values(active, "microsoft", "need_sync")))
        self.assertFalse(
            binding(events.filtered(lambda e: not e.active), "microsoft").need_sync
        )
        self.assertTrue(
            all(bound_values(events.recurrence_id, "microsoft", "need_sync"))
        )
        self.reconnect()
        self.sync()
        remote = self.remote()
        # 2 Odoo singles, the imported one, the series; the deleted one stays gone
        self.assertEqual(
            sorted(e["subject"] for e in remote),
            ["From Outlook", "Planning 0", "Planning 1", "Weekly sync"],
        )
        self.assertFalse(old_ids & {e["id"] for e in remote})
        self.assertTrue(all(bound_values(active, "microsoft", "remote_id")))
        self.assertFalse(any(bound_values(active, "microsoft", "need_sync")))
        self.assertEqual(self.alice_events(), events)  # nothing imported twice
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})

    def test_reset_then_sync_new_only_pushes_nothing_old(self):
        events = self.synced_setup()
        self.reset("delete_remote", "new")
        self.reconnect()
        new = self.local_event(days=10, name="After the reset")
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        self.assertEqual([e["subject"] for e in self.remote()], ["After the reset"])
        self.assertUnbound(events)
        self.assertTrue(binding(new, "microsoft").remote_id)

    # ------------------------------------------------------------ robustness
    def test_reset_twice_is_harmless(self):
        events = self.synced_setup()
        self.reset("delete_both")
        since = len(self.graph.requests)
        result = self.reset("delete_both")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.graph_calls(since), ([], []))
        self.assertFalse(events.exists())
        self.assertAccountReset()
        self.assertFalse(self.account.last_error)

    def test_reset_with_revoked_tokens_still_resets_locally(self):
        events = self.synced_setup()
        remote_before = self.remote()
        self.graph.revoke_refresh_tokens(ALICE)
        self.graph.expire_access_tokens(ALICE)
        result = self.reset("delete_both")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("invalid_grant", result["params"]["message"])
        self.assertFalse(events.exists())
        self.assertEqual(self.remote(), remote_before)
        self.assertAccountReset()
        self.assertIn("no event was deleted from Outlook", self.account.last_error)

    def test_already_deleted_events_count_as_done(self):
        events = self.synced_setup()
        gone = events.filtered(lambda e: e.name == "Planning 0")
        self.graph.delete_event(ALICE, binding(gone, "microsoft").remote_id)
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.remote(), [])
        self.assertUnbound(events)

    def test_remote_delete_failures_are_listed_without_a_traceback(self):
        self.sync()
        kept = self.local_event(days=0, name="Keep me")
        self.local_event(days=1, name="Other")
        self.sync()
        self.graph.inject(
            method="DELETE",
            path_regex=re.escape(binding(kept, "microsoft").remote_id),
            status=403,
            code="ErrorAccessDenied",
            message="Access is denied.",
            in_batch=True,
            times=10,
        )
        result = self.reset("delete_remote")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("Keep me (", result["params"]["message"])
        self.assertIn("Access is denied.", result["params"]["message"])
        self.assertNotIn("Other", result["params"]["message"])
        self.assertIn("Keep me", self.account.last_error)
        self.assertEqual([e["subject"] for e in self.remote()], ["Keep me"])
        self.assertUnbound(self.alice_events())
        self.assertAccountReset()

    def test_outlook_mails_cancellations_of_deleted_meetings(self):
        # Graph has no "don't notify" switch: deleting a meeting from the
        # organizer's calendar mails the attendees a cancellation (README)
        self.sync()
        self.local_event(
            name="Meeting with Bob",
            partner_ids=[
                Command.set((self.alice.partner_id | self.bob.partner_id).ids)
            ],
        )
        self.sync()
        self.reset("delete_remote")
        cancels = [m for m in self.graph.invitations if m["action"] == "cancel"]
        self.assertEqual([m["recipients"] for m in cancels], [["bob@example.com"]])

    def test_events_of_other_organizers_are_untouched(self):
        invitation = self.graph.add_event(
            ALICE,
            {
                "subject": "Carol's call",
                **graph_times(self.start + timedelta(days=4)),
                "attendees": [
                    {
                        "emailAddress": {"address": ALICE, "name": "Alice"},
                        "type": "required",
                    }
                ],
            },
            organizer="carol@partner.example",
        )
        bob_event = self.env["calendar.event"].create(
            {
                "name": "Bob's meeting",
                "start": self.start,
                "stop": self.start + timedelta(hours=1),
                "user_id": self.bob.id,
                "partner_ids": [
                    Command.set((self.bob.partner_id | self.alice.partner_id).ids)
                ],
            }
        )
        # Bob's own Outlook calendar holds it (an account of his, not synced)
        bob_account = connect_account(self.env, self.bob, "microsoft")
        self.env["calendar.sync.binding"].create(
            {
                "account_id": bob_account.id,
                "event_id": bob_event.id,
                "remote_id": "bobs-own-mailbox-id",
                "etag": "W/1",
                "need_sync": False,
            }
        )
        self.sync()
        copy = self.Event.search([bound_to("microsoft", invitation["id"])])
        self.assertTrue(binding(copy, "microsoft").guest_copy)
        mine = self.local_event(days=1)
        self.sync()
        mine_id = binding(mine, "microsoft").remote_id
        since = len(self.graph.requests)
        self.reset("delete_both")
        _top, items = self.graph_calls(since)
        self.assertEqual([r.path for r in items], [f"/v1.0/me/events/{mine_id}"])
        self.assertFalse(mine.exists())
        # Carol's invitation stays on both sides, only unbound
        self.assertTrue(copy.exists())
        self.assertFalse(binding(copy, "microsoft").remote_id)
        self.assertEqual([e["subject"] for e in self.remote()], ["Carol's call"])
        self.assertTrue(bob_event.exists())
        self.assertEqual(
            binding(bob_event, "microsoft").remote_id, "bobs-own-mailbox-id"
        )
