# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Two-way sync of single events through the Google emulator."""

from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import (
    AliceSyncCase,
    GoogleEmulatorMixin,
    binding,
    bound_values,
)
from .common import event_times as timed

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleSync(AliceSyncCase, GoogleEmulatorMixin, TransactionCase):
    """Two-way sync of single events through the Google emulator."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.start = datetime(2030, 3, 4, 9, 0)

    def remote(self, include_cancelled=False):
        return self.google.events(ALICE, include_cancelled=include_cancelled)

    # ------------------------------------------------------------ import
    def test_first_sync_imports_remote_events_with_their_fields(self):
        self.google.add_event(
            ALICE,
            {
                "summary": "Board meeting",
                "description": "<b>Agenda</b>",
                "location": "Room 1",
                "visibility": "private",
                "transparency": "transparent",
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {
                        "email": "Carol@Partner.example",
                        "displayName": "Carol",
                        "responseStatus": "tentative",
                    },
                ],
                "reminders": {
                    "useDefault": False,
                    "overrides": [{"method": "email", "minutes": 1440}],
                },
                **timed(datetime(2030, 3, 5, 10, 0)),
            },
        )
        self.google.add_event(
            ALICE,
            {
                "summary": "Holiday",
                "start": {"date": "2030-04-01"},
                "end": {"date": "2030-04-03"},
            },
        )
        counters = self.sync()
        self.assertEqual(counters["pulled"], 2)
        board = self.Event.search([("name", "=", "Board meeting")])
        self.assertEqual(board.start, datetime(2030, 3, 5, 9, 0))  # 10:00 CET
        self.assertEqual(board.location, "Room 1")
        self.assertIn("Agenda", str(board.description))
        self.assertEqual(board.privacy, "private")
        self.assertEqual(board.show_as, "free")
        self.assertEqual(board.user_id, self.alice)
        carol = board.attendee_ids.filtered(
            lambda a: a.email == "carol@partner.example"
        )
        self.assertEqual(carol.state, "tentative")
        self.assertEqual(carol.partner_id.name, "Carol")
        self.assertEqual(board.alarm_ids.mapped("duration_minutes"), [1440])
        self.assertFalse(binding(board, "google").need_sync)
        holiday = self.Event.search([("name", "=", "Holiday")])
        self.assertTrue(holiday.allday)
        self.assertEqual(holiday.start_date, date(2030, 4, 1))
        self.assertEqual(
            holiday.stop_date, date(2030, 4, 2)
        )  # Google's end is exclusive
        self.assertTrue(self.account.sync_token)
        self.assertTrue(self.account.last_sync_date)

    def test_event_using_the_calendar_defaults_gets_the_default_reminders(self):
        # the emulator's calendar, as Google's, reminds 10 minutes before
        self.google.add_event(
            ALICE,
            {
                "summary": "Dentist",
                "reminders": {"useDefault": True},
                **timed(self.start),
            },
        )
        self.sync()
        dentist = self.Event.search([("name", "=", "Dentist")])
        self.assertEqual(
            [(a.alarm_type, a.duration_minutes) for a in dentist.alarm_ids],
            [("notification", 10)],
        )
        self.assertFalse(binding(dentist, "google").need_sync)
        self.sync()
        self.assertFalse(
            [r for r in self.google.requests if r.get("method") in ("PATCH", "PUT")],
            "nothing to send back",
        )

    def test_imported_reminders_tell_the_user_their_next_alarm_once(self):
        for name, day in (("Standup", 0), ("Review", 1)):
            self.google.add_event(
                ALICE,
                {
                    "summary": name,
                    "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
                    "reminders": {
                        "useDefault": False,
                        "overrides": [{"method": "popup", "minutes": 15}],
                    },
                    **timed(self.start + timedelta(days=day)),
                },
            )
        Bus = self.env["bus.bus"].sudo()
        self.env.cr.flush()
        last = Bus.search([], order="id desc", limit=1).id
        self.sync()
        self.assertEqual(self.Event.search_count([("name", "=", "Standup")]), 3)
        self.env.cr.flush()  # what the commit does: run the precommit hooks
        alarms = Bus.search([("id", ">", last)]).filtered(
            lambda note: '"calendar.alarm"' in note.message
        )
        # one message for Alice, not one per event or series Odoo created
        self.assertEqual(len(alarms), 1)

    def test_known_attendee_email_reuses_the_partner(self):
        partner = self.env["res.partner"].create(
            {"name": "Dave", "email": "dave@partner.example"}
        )
        self.google.add_event(
            ALICE,
            {
                "summary": "Call",
                **timed(self.start),
                "attendees": [{"email": "DAVE@partner.example"}],
            },
        )
        self.sync()
        event = self.Event.search([("name", "=", "Call")])
        self.assertIn(partner, event.partner_ids)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "dave@partner.example")]
            ),
            1,
        )

    def test_sync_with_nothing_to_do_sends_one_request(self):
        self.sync()
        before = len(self.google.api_requests())
        counters = self.sync()
        self.assertEqual(len(self.google.api_requests()) - before, 1)
        self.assertEqual(counters, {"pulled": 0, "pushed": 0, "failed": 0})

    # ------------------------------------------------------------ push
    def test_new_odoo_event_is_pushed_with_a_client_id(self):
        self.sync()
        event = self.local_event(location="Brussels")
        self.assertTrue(binding(event, "google").need_sync)
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        [remote] = self.remote()
        self.assertEqual(remote["id"], binding(event, "google").remote_id)
        self.assertEqual(remote["summary"], "Planning")
        self.assertEqual(remote["location"], "Brussels")
        self.assertFalse(binding(event, "google").need_sync)
        self.assertTrue(binding(event, "google").etag)

    def test_pushed_event_comes_back_without_change_or_conflict(self):
        self.sync()
        event = self.local_event()
        self.sync()
        write_date = event.write_date
        counters = self.sync()
        self.assertEqual(counters, {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(event.write_date, write_date)
        self.assertEqual(len(self.remote()), 1)

    def test_local_edit_is_patched_remotely(self):
        self.sync()
        event = self.local_event()
        self.sync()
        event.with_user(self.alice).write(
            {
                "name": "Planning (moved)",
                "start": self.start + timedelta(days=1),
                "stop": self.start + timedelta(days=1, hours=1),
            }
        )
        self.assertTrue(binding(event, "google").need_sync)
        self.sync()
        [remote] = self.remote()
        self.assertEqual(remote["summary"], "Planning (moved)")
        self.assertTrue(remote["start"]["dateTime"].startswith("2030-03-05T10:00:00"))

    def test_remote_edit_is_applied_locally(self):
        self.sync()
        event = self.local_event()
        self.sync()
        self.google.update_event(
            ALICE, binding(event, "google").remote_id, {"summary": "Renamed in Google"}
        )
        self.sync()
        self.assertEqual(event.name, "Renamed in Google")
        self.assertFalse(binding(event, "google").need_sync)

    # ------------------------------------------------------------ deletes
    def test_local_delete_deletes_remotely(self):
        self.sync()
        event = self.local_event()
        self.sync()
        google_id = binding(event, "google").remote_id
        event.with_user(self.alice).unlink()
        self.assertTrue(event.exists(), "archived until Google knows")
        self.sync()
        self.assertFalse(event.exists())
        self.assertEqual(self.remote(), [])
        self.assertEqual(self.google.get_event(ALICE, google_id)["status"], "cancelled")

    def test_remote_delete_deletes_locally(self):
        self.sync()
        event = self.local_event()
        self.sync()
        self.google.delete_event(ALICE, binding(event, "google").remote_id)
        self.sync()
        self.assertFalse(event.exists())

    def test_remote_delete_of_edited_event_recreates_it(self):
        self.sync()
        event = self.local_event()
        self.sync()
        old_id = binding(event, "google").remote_id
        self.google.delete_event(ALICE, old_id)
        event.with_user(self.alice).write({"name": "Still needed"})
        self.sync()
        self.assertTrue(event.active)
        self.assertNotEqual(binding(event, "google").remote_id, old_id)
        [remote] = self.remote()
        self.assertEqual(remote["summary"], "Still needed")

    # ------------------------------------------------------------ conflicts
    def test_later_remote_change_wins_and_local_version_is_posted(self):
        self.sync()
        event = self.local_event()
        self.sync()
        event.with_user(self.alice).write({"name": "Odoo title"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE calendar_event SET write_date = %s WHERE id = %s",
            [datetime(2020, 1, 1), event.id],
        )
        event.invalidate_recordset(["write_date"])
        self.google.update_event(
            ALICE, binding(event, "google").remote_id, {"summary": "Google title"}
        )
        self.sync()
        self.assertEqual(event.name, "Google title")
        self.assertIn("Odoo title", event.message_ids[0].body)
        self.assertEqual(self.remote()[0]["summary"], "Google title")

    def test_later_local_change_wins_and_remote_version_is_posted(self):
        self.sync()
        event = self.local_event()
        self.sync()
        self.google.update_event(
            ALICE, binding(event, "google").remote_id, {"summary": "Google title"}
        )
        event.with_user(self.alice).write({"name": "Odoo title"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE calendar_event SET write_date = %s WHERE id = %s",
            [datetime.now() + timedelta(hours=1), event.id],
        )
        event.invalidate_recordset(["write_date"])
        self.sync()
        self.assertEqual(event.name, "Odoo title")
        self.assertEqual(self.remote()[0]["summary"], "Odoo title")
        self.assertIn("Google title", event.message_ids[0].body)

    def test_write_after_a_merge_is_based_on_the_merges_own_write(self):
        # the merge writes the event: its etag is that write's, not the one
        # listed before it (an older one had the next write refused, 412)
        self.sync()
        event = self.local_event()
        self.sync()
        self.google.update_event(
            ALICE, binding(event, "google").remote_id, {"summary": "Google title"}
        )
        event.with_user(self.alice).write({"location": "Room 2"})
        self.sync()
        [remote] = self.remote()
        self.assertEqual(
            (remote["summary"], remote["location"]), ("Google title", "Room 2")
        )
        self.assertEqual(binding(event, "google").etag, remote["etag"])
        event.with_user(self.alice).write({"location": "Room 3"})
        self.sync()
        self.assertEqual(self.remote()[0]["location"], "Room 3")

    # ------------------------------------------------------------ invitations
    def test_block_mail_makes_every_google_write_silent(self):
        self.env["ir.config_parameter"].sudo().set_param("calendar.block_mail", "1")
        self.sync()
        event = self.local_event(
            partner_ids=[Command.set((self.alice.partner_id | self.bob.partner_id).ids)]
        )
        self.sync()
        event.with_user(self.alice).unlink()
        self.sync()
        writes = [r for r in self.google.requests if r.get("sendUpdates")]
        self.assertTrue(writes)
        self.assertEqual({r["sendUpdates"] for r in writes}, {"none"})

    def test_user_change_notifies_attendees_without_block_mail(self):
        self.sync()
        self.local_event(
            partner_ids=[Command.set((self.alice.partner_id | self.bob.partner_id).ids)]
        )
        self.sync()
        inserts = [r for r in self.google.requests if r.get("sendUpdates")]
        self.assertEqual({r["sendUpdates"] for r in inserts}, {"all"})

    # ------------------------------------------------------------ faults
    def test_retried_push_after_crash_creates_no_duplicate(self):
        self.sync()
        event = self.local_event()
        # Google stores the insert but the answer is lost, and Odoo's
        # transaction is rolled back: Odoo never learnt about the push.
        self.google.inject(method="POST", status=503, after=True, times=1)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.account._sync()
            raise RuntimeError("crash after the push")
        self.google.clear_faults()
        self.sync()
        self.sync()
        self.assertEqual(len(self.remote()), 1)
        self.assertEqual(self.remote()[0]["id"], binding(event, "google").remote_id)
        self.assertEqual(self.Event.search_count([("name", "=", "Planning")]), 1)

    def test_rate_limit_storm_is_pushed_by_the_next_runs_without_waiting(self):
        self.sync()
        events = self.Event
        for index in range(5):
            events |= self.local_event(name=f"Event {index}")
        self.google.inject(
            status=429, reason="rateLimitExceeded", times=8, in_batch=True
        )
        # a run never sleeps: what is throttled is sent by the next runs
        for _run in range(3):
            self.account._sync()
        self.assertEqual(len(self.remote()), 5)
        self.assertFalse(any(bound_values(events, "google", "need_sync")))

    def test_one_refused_event_does_not_stop_the_others(self):
        self.sync()
        good = self.local_event(name="Good")
        bad = self.local_event(name="Bad")
        self.google.inject(
            method="POST", status=400, reason="invalid", times=1, in_batch=True
        )
        self.account._sync()
        pushed = {r["summary"] for r in self.remote()}
        self.assertEqual(len(pushed), 1)
        failed = bad if "Good" in pushed else good
        self.assertTrue(binding(failed, "google").sync_error)
        self.assertTrue(binding(failed, "google").need_sync)
        self.assertIn("could not be synced", self.account.last_error)
        self.sync()
        self.assertEqual({r["summary"] for r in self.remote()}, {"Good", "Bad"})
        self.assertFalse(binding(failed, "google").sync_error)

    def test_revoked_access_marks_account_needs_reconnect_and_keeps_events(self):
        self.google.add_event(ALICE, {"summary": "Kept", **timed(self.start)})
        self.sync()
        self.google.revoke_refresh_tokens(ALICE)
        self.account.sudo().token_expiry = datetime(2000, 1, 1)
        self.account._sync()
        self.assertEqual(self.account.state, "needs_reconnect")
        self.assertIn("Reconnect", self.account.last_error)
        self.assertTrue(self.Event.search([("name", "=", "Kept")]))

    def test_expired_sync_token_triggers_a_full_sync(self):
        self.google.add_event(ALICE, {"summary": "One", **timed(self.start)})
        self.sync()
        self.google.invalidate_sync_tokens()
        self.google.add_event(ALICE, {"summary": "Two", **timed(self.start)})
        self.sync()
        self.assertEqual(
            sorted(self.Event.search([("user_id", "=", self.alice.id)]).mapped("name")),
            ["One", "Two"],
        )

    def test_malformed_remote_event_is_reported_and_the_rest_syncs(self):
        self.google.add_event(ALICE, {"summary": "Fine", **timed(self.start)})
        broken = self.google.add_event(
            ALICE, {"summary": "Broken", **timed(self.start)}
        )
        self.google.corrupt_event(
            ALICE,
            broken["id"],
            {"start": {"dateTime": "not a time", "timeZone": "Not/AZone"}},
        )
        self.account._sync()
        self.assertTrue(self.Event.search([("name", "=", "Fine")]))
        self.assertFalse(self.Event.search([("name", "=", "Broken")]))
        self.assertIn("could not be synced", self.account.last_error)
        self.assertIn(broken["id"], self.account.last_error)

    def test_paused_google_syncs_nothing(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "google_calendar_sync_paused", "True"
        )
        self.local_event()
        self.assertIsNone(self.account._sync())
        self.assertEqual(self.remote(), [])
        self.assertEqual(self.account.sync_status, "paused")
