# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Rules of the sync engine v2, each a regression test of a defect found when
the first version was used as a company uses it (several users, both
providers, faults): series, archives and deletes, no duplicates, isolation,
conflicts.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from ..engine.scheduler import USER_LOCK_KEY
from .common import (
    binding,
    bound_to,
)
from .engine_rules_common import EngineCase, _future

ALICE = "alice@example.com"


BOB = "bob@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestSeriesRules(EngineCase):
    def google_instances(self, master_id):
        client = self.google_account._client()
        return [
            i
            for i in client.list_instances(master_id)
            if i.get("status") != "cancelled"
        ]

    def setUp(self):
        super().setUp()
        self.google_account = self.connect_google(self.alice)

    def test_moving_a_whole_series_by_an_hour_keeps_its_first_occurrence(self):
        recurrence = self.series()
        self.sync(self.google_account)
        master_id = binding(recurrence, "google").remote_id
        self.assertEqual(len(self.google_instances(master_id)), 3)
        first = recurrence.calendar_event_ids.sorted("start")[0]
        first.write(
            {
                "recurrence_update": "all_events",
                "start": first.start + timedelta(hours=1),
                "stop": first.stop + timedelta(hours=1),
            }
        )
        self.sync(self.google_account)
        series = self.env["calendar.recurrence"].search([bound_to("google", master_id)])
        self.assertTrue(series, "the remote series stays bound")
        instances = self.google_instances(master_id)
        self.assertEqual(len(instances), 3, instances)
        master = self.google.get_event(ALICE, master_id)
        self.assertFalse(
            [line for line in master["recurrence"] if line.startswith("EXDATE")]
        )
        self.assertEqual(len(series.calendar_event_ids), 3)

    def test_a_first_occurrence_deleted_in_odoo_keeps_the_series_first_slot(self):
        # the series still starts in the deleted occurrence's slot (Google
        # keeps it as a cancelled instance): a later change of the series
        # there moves nothing in Odoo, and the deleted occurrence stays deleted
        recurrence = self.series()
        self.sync(self.google_account)
        master_id = binding(recurrence, "google").remote_id
        first, *others = recurrence.calendar_event_ids.sorted("start")
        first.action_mass_archive("self_only")
        self.sync(self.google_account)
        self.assertEqual(len(self.google_instances(master_id)), 2)
        self.google.update_event(ALICE, master_id, {"description": "New agenda"})
        self.sync(self.google_account)
        kept = recurrence.calendar_event_ids.sorted("start")
        self.assertEqual(kept.ids, [event.id for event in others])
        self.assertEqual(kept.mapped("start"), [event.start for event in others])
        self.assertEqual(set(kept.mapped("description")), {"<p>New agenda</p>"})
        self.assertEqual(len(self.google_instances(master_id)), 2)

    def test_a_guest_invited_to_all_events_joins_a_series_whose_occurrences_all_changed(
        self,
    ):
        # the first occurrence deleted alone (it keeps the series' values),
        # the others changed alone: Odoo's "all events" write reaches the
        # deleted one too, and the series is sent with the guest
        recurrence = self.series()
        self.sync(self.google_account)
        master_id = binding(recurrence, "google").remote_id
        first, *others = recurrence.calendar_event_ids.sorted("start")
        first.action_mass_archive("self_only")
        for number, event in enumerate(others):
            event.write({"name": f"Changed {number}", "recurrence_update": "self_only"})
        self.sync(self.google_account)
        others[0].write(
            {
                "partner_ids": [Command.link(self.bob.partner_id.id)],
                "recurrence_update": "all_events",
            }
        )
        self.assertIn(self.bob.partner_id, first.partner_ids)
        self.sync(self.google_account)
        master = self.google.get_event(ALICE, master_id)
        self.assertIn(
            self.bob.email, [guest["email"] for guest in master.get("attendees", [])]
        )


@tagged("post_install", "-at_install", "calendar_sync")
class TestArchiveAndDeleteRules(EngineCase):
    def test_archive_removes_the_remote_copy_and_unarchive_sends_it_again(self):
        google = self.connect_google(self.alice)
        event = self.event("Board")
        self.sync(google)
        first_id = binding(event, "google").remote_id
        event.action_archive()
        self.sync(google)
        self.assertEqual(self.google.get_event(ALICE, first_id)["status"], "cancelled")
        self.assertTrue(event.exists(), "archiving is not deleting")
        self.assertFalse(binding(event, "google").remote_id)
        event.action_unarchive()
        self.sync(google)
        again = binding(event, "google").remote_id
        self.assertTrue(again)
        self.assertEqual(self.google.get_event(ALICE, again)["summary"], "Board")
        live = [e for e in self.google.events(ALICE) if e["status"] != "cancelled"]
        self.assertEqual(len(live), 1)

    def test_delete_in_odoo_removes_every_remote_copy_then_the_event(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        event = self.event("Board")
        self.sync(google, outlook)
        self.assertEqual(len(self.graph.events(ALICE)), 1)
        event.unlink()
        self.assertTrue(event.exists(), "kept archived until the calendars know")
        self.sync(google)
        self.assertTrue(event.exists(), "Outlook still has it")
        self.sync(outlook)
        self.assertFalse(event.exists())
        self.assertEqual(self.graph.events(ALICE), [])

    def test_remote_delete_in_google_reaches_outlook_for_a_user_with_both(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        event = self.event("Board")
        self.sync(google, outlook)
        self.assertEqual(len(self.graph.events(ALICE)), 1)
        self.google.delete_event(ALICE, binding(event, "google").remote_id)
        self.sync(google, outlook)
        self.assertEqual(self.graph.events(ALICE), [])
        self.assertFalse(event.exists())
        # and nothing comes back
        self.sync(google, outlook)
        self.assertFalse(self.Event.search([("name", "=", "Board")]))
        self.assertEqual(self.graph.events(ALICE), [])


class LostCommit(Exception):
    """The worker died after its remote writes: Odoo's side never committed."""


@tagged("post_install", "-at_install", "calendar_sync")
class TestNoDuplicateRules(EngineCase):
    def sync_and_lose_the_commit(self, account):
        try:
            with self.env.cr.savepoint():
                account._sync()
                raise LostCommit
        except LostCommit:
            self.env.invalidate_all()

    def live_google(self):
        return [e for e in self.google.events(ALICE) if e["status"] != "cancelled"]

    def test_google_series_pushed_by_a_run_whose_commit_was_lost_is_bound_again(self):
        google = self.connect_google(self.alice)
        self.sync(google)
        recurrence = self.series()
        self.sync_and_lose_the_commit(google)
        self.assertEqual(len(self.live_google()), 1)
        self.assertFalse(binding(recurrence, "google").remote_id)
        self.sync(google)
        self.assertEqual(len(self.live_google()), 1, "no second series")
        self.assertEqual(
            binding(recurrence, "google").remote_id, self.live_google()[0]["id"]
        )
        self.assertEqual(self.Event.search_count([("name", "=", "Weekly")]), 3)
        self.sync(google)
        self.assertEqual(len(self.live_google()), 1)

    def test_outlook_event_pushed_by_a_run_whose_commit_was_lost_is_not_doubled(self):
        outlook = self.connect_microsoft(self.alice)
        self.sync(outlook)
        event = self.event("Board")
        self.sync_and_lose_the_commit(outlook)
        self.assertEqual(len(self.graph.events(ALICE)), 1)
        self.sync(outlook)
        self.sync(outlook)
        self.assertEqual(len(self.graph.events(ALICE)), 1)
        self.assertEqual(self.Event.search_count([("name", "=", "Board")]), 1)
        self.assertEqual(
            binding(event, "microsoft").remote_id, self.graph.events(ALICE)[0]["id"]
        )

    def reset_and_reconnect(self, account, connect):
        wizard = (
            self.env["calendar.sync.account.reset"]
            .with_user(self.alice)
            .create({"account_id": account.id})
        )
        self.assertEqual(wizard.delete_policy, "dont_delete")
        self.assertEqual(wizard.sync_policy, "new")
        wizard.action_reset()
        self.assertFalse(account.first_sync_done)
        account = connect(self.alice)
        account.first_sync_policy = "all"
        return account

    def test_google_reconnect_after_a_reset_rebinds_instead_of_importing_twice(self):
        google = self.connect_google(self.alice)
        self.event(
            "Board", partner_ids=[Command.set((self.alice | self.bob).partner_id.ids)]
        )
        self.series()
        self.google.add_event(
            ALICE,
            {
                "summary": "From Google",
                "start": {"dateTime": _future(5).isoformat() + "Z"},
                "end": {"dateTime": _future(5, 10).isoformat() + "Z"},
            },
        )
        self.sync(google)
        before = self.Event.search_count([])
        remote_before = len(self.live_google())
        google = self.reset_and_reconnect(google, self.connect_google)
        since = len(self.google.requests)
        self.sync(google)
        self.assertEqual(self.Event.search_count([]), before)
        self.assertEqual(len(self.live_google()), remote_before)
        writes = [r for r in self.google.requests[since:] if r["method"] != "GET"]
        self.assertFalse([w for w in writes if w["method"] == "POST"], writes)

    def test_outlook_reconnect_after_a_reset_rebinds_instead_of_importing_twice(self):
        outlook = self.connect_microsoft(self.alice)
        self.event("Board")
        self.series()
        self.sync(outlook)
        before = self.Event.search_count([])
        remote_before = len(self.graph.events(ALICE))
        outlook = self.reset_and_reconnect(outlook, self.connect_microsoft)
        self.sync(outlook)
        self.assertEqual(self.Event.search_count([]), before)
        self.assertEqual(len(self.graph.events(ALICE)), remote_before)


@tagged("post_install", "-at_install", "calendar_sync")
class TestIsolationRules(EngineCase):
    def test_a_provider_answering_an_html_page_stops_only_that_account(self):
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        self.event("Alice's", user=self.alice)
        self.event("Bob's", user=self.bob)
        Account = self.env["calendar.sync.account"]
        # Alice's turn comes first
        alice.last_attempt_date = fields.Datetime.now() - timedelta(days=1)
        bob.last_attempt_date = fields.Datetime.now()
        self.google.inject(
            method="GET",
            status=200,
            html="<html><body>Please sign in to the Wi-Fi</body></html>",
        )
        # no retry: the one garbage answer is Alice's
        self.env["ir.config_parameter"].sudo().set_param("calendar_sync.max_retries", 0)
        Account._cron_sync_all()
        self.assertEqual(alice.state, "error")
        self.assertTrue(alice.last_error)
        self.assertEqual(bob.state, "connected", bob.last_error)
        self.assertTrue(bob.last_sync_date)
        self.assertEqual(len(self.google.events(BOB)), 1)
        # the next pass tries Alice again, and she recovers
        Account._cron_sync_all()
        self.assertEqual(alice.state, "connected", alice.last_error)
        self.assertEqual(len(self.google.events(ALICE)), 1)

    def test_a_second_run_for_the_same_user_waits_for_the_first(self):
        # Alice's Google and Outlook: another worker syncs her Google while
        # her Outlook's turn comes (two runs of one user never overlap)
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        self.event("Planning")
        with self.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [USER_LOCK_KEY, self.alice.id],
            )
            self.assertFalse(outlook._lock())
            outlook._sync()
            self.assertFalse(self.graph.events(ALICE))  # nothing ran
            other.rollback()
        self.sync(outlook, google)
        self.assertEqual(len(self.graph.events(ALICE)), 1)
        self.assertEqual(len(self.google.events(ALICE)), 1)

    def test_archived_and_demoted_users_are_not_synced(self):
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        self.sync(alice, bob)
        self.event("Alice's", user=self.alice)
        self.event("Bob's", user=self.bob)
        self.alice.action_archive()
        self.bob.write(
            {"groups_id": [Command.set(self.env.ref("base.group_portal").ids)]}
        )
        self.env["calendar.sync.account"]._cron_sync_all()
        self.assertEqual(self.google.events(ALICE), [])
        self.assertEqual(self.google.events(BOB), [])
        self.assertIn("archived or no longer an internal user", alice.last_error)
        self.assertIsNone(bob._sync())

    def test_a_write_on_an_outdated_etag_is_refused_not_forced(self):
        google = self.connect_google(self.alice)
        event = self.event("Board")
        self.sync(google, google)  # the second run lists the push's echo
        remote_id = binding(event, "google").remote_id
        # as if the remote changed after the version this run knows (its
        # listing does not bring the event: the etag last synced is used)
        binding(event, "google").write({"etag": '"1"'})
        event.name = "Board (Odoo)"
        google._sync()
        remote = self.google.get_event(ALICE, remote_id)
        self.assertEqual(remote["summary"], "Board", "never written over blindly")
        self.assertTrue(binding(event, "google").need_sync)
        self.sync(google)
        remote = self.google.get_event(ALICE, remote_id)
        self.assertEqual(remote["summary"], "Board (Odoo)")

    def test_a_remote_edit_listed_with_an_odoo_edit_is_merged_not_overwritten(self):
        google = self.connect_google(self.alice)
        event = self.event("Board")
        self.sync(google)
        remote_id = binding(event, "google").remote_id
        self.google.update_event(ALICE, remote_id, {"location": "Room 2"})
        event.name = "Board (Odoo)"
        self.sync(google)
        remote = self.google.get_event(ALICE, remote_id)
        self.assertEqual(remote["location"], "Room 2")
        self.assertEqual(remote["summary"], "Board (Odoo)")
        self.assertEqual(event.location, "Room 2")


@tagged("post_install", "-at_install", "calendar_sync")
class TestConflictRules(EngineCase):
    def setUp(self):
        super().setUp()
        self.google_account = self.connect_google(self.alice)

    def shared(self):
        event = self.event(
            "Board",
            partner_ids=[Command.set((self.alice | self.bob).partner_id.ids)],
        )
        self.sync(self.google_account)
        return event, binding(event, "google").remote_id

    def test_an_odoo_description_edit_survives_an_answer_given_in_google(self):
        event, remote_id = self.shared()
        self.google.update_event(
            ALICE,
            remote_id,
            {
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": BOB, "responseStatus": "declined"},
                ]
            },
        )
        event.description = "<p>Agenda: budget</p>"
        self.sync(self.google_account)
        bob = event.attendee_ids.filtered(lambda a: a.partner_id == self.bob.partner_id)
        self.assertEqual(bob.state, "declined")
        self.assertIn("budget", str(event.description))
        remote = self.google.get_event(ALICE, remote_id)
        self.assertIn("budget", remote["description"])
        answers = {a["email"]: a["responseStatus"] for a in remote["attendees"]}
        self.assertEqual(answers[BOB], "declined")
        # settled: a second sync does nothing
        self.assertEqual(
            self.google_account._sync(), {"pulled": 0, "pushed": 0, "failed": 0}
        )

    def test_a_field_changed_on_both_sides_keeps_the_later_change_and_posts_the_other(
        self,
    ):
        event, remote_id = self.shared()
        event.write({"name": "Board (Odoo)", "location": "Room 1"})
        event.flush_recordset()
        self.env.cr.execute(
            "UPDATE calendar_event SET write_date = write_date - interval '1 hour' "
            "WHERE id = %s",
            [event.id],
        )
        event.invalidate_recordset()
        self.google.update_event(ALICE, remote_id, {"summary": "Board (Google)"})
        self.sync(self.google_account)
        self.assertEqual(event.name, "Board (Google)")
        self.assertEqual(event.location, "Room 1", "a one-sided change is kept")
        remote = self.google.get_event(ALICE, remote_id)
        self.assertEqual(remote["summary"], "Board (Google)")
        self.assertEqual(remote["location"], "Room 1")
        posted = event.message_ids.mapped("body")
        self.assertTrue(any("Board (Odoo)" in str(body) for body in posted), posted)
