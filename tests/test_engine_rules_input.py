# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Rules of the sync engine v2, each a regression test of a defect found when
the first version was used as a company uses it: what the engine is given (bad
input, invitations through the organizer, remote series changes, first syncs
and resets, data shapes, someone else's calendar, week starts).
"""

from datetime import datetime, timedelta

import pytz

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import (
    binding,
)
from .engine_rules_common import EngineCase, _future

ALICE = "alice@example.com"


BOB = "bob@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestBadInputRules(EngineCase):
    def setUp(self):
        super().setUp()
        self.google_account = self.connect_google(self.alice)
        self.sync(self.google_account)

    def test_an_event_that_fails_to_import_stays_listed_and_is_retried_until_it_syncs(
        self,
    ):
        # an hourly series, whose occurrences Google cannot list for now
        self.google.inject(
            "GET", r"/instances", status=403, reason="forbidden", times=2
        )
        bad = self.google.add_event(
            ALICE,
            {
                "summary": "Broken",
                "start": {
                    "dateTime": _future(3).isoformat(),
                    "timeZone": "Europe/Brussels",
                },
                "end": {
                    "dateTime": _future(3, 10).isoformat(),
                    "timeZone": "Europe/Brussels",
                },
                "recurrence": ["RRULE:FREQ=HOURLY;COUNT=3"],
            },
        )
        self.google_account._sync()
        self.assertIn(bad["id"], self.google_account.last_error)
        self.assertFalse(self.Event.search([("name", "=", "Broken")]))
        # nothing changed remotely: still tried, still said
        self.google_account._sync()
        self.assertIn(bad["id"], self.google_account.last_error)
        pending = self.env["calendar.sync.binding"].search(
            [("account_id", "=", self.google_account.id), ("remote_id", "=", bad["id"])]
        )
        self.assertTrue(pending.pending_item)
        # repaired remotely: imported, and the error is gone
        self.google.update_event(
            ALICE,
            bad["id"],
            {"recurrence": ["RRULE:FREQ=DAILY;COUNT=3"]},
        )
        self.sync(self.google_account)
        events = self.Event.search([("name", "=", "Broken")])
        self.assertEqual(len(events), 3)
        self.assertEqual(binding(events.recurrence_id, "google").remote_id, bad["id"])

    def test_invalid_attendee_emails_are_dropped_and_said_on_the_event(self):
        self.google.add_event(
            ALICE,
            {
                "summary": "Invite",
                "start": {"dateTime": _future(3).isoformat() + "Z"},
                "end": {"dateTime": _future(3, 10).isoformat() + "Z"},
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": "not an address"},
                    {"email": "ok@partner.example"},
                ],
            },
        )
        self.sync(self.google_account)
        event = self.Event.search([("name", "=", "Invite")])
        self.assertEqual(
            sorted(event.partner_ids.mapped("email")), [ALICE, "ok@partner.example"]
        )
        self.assertFalse(
            self.env["res.partner"].search([("email", "ilike", "not an address")])
        )
        notes = " ".join(str(body) for body in event.message_ids.mapped("body"))
        self.assertIn("not an address", notes)

    def test_the_sync_context_sent_by_a_user_is_ignored(self):
        event = self.event("Board")
        self.sync(self.google_account)
        remote_id = binding(event, "google").remote_id
        # an RPC call carrying the engine's context key
        event.with_user(self.alice).with_context(calendar_sync_applying=True).unlink()
        self.assertTrue(event.exists(), "archived, so that the sync deletes it")
        self.sync(self.google_account)
        self.assertEqual(self.google.get_event(ALICE, remote_id)["status"], "cancelled")

    def test_binding_records_are_out_of_reach_of_employees(self):
        event = self.event("Board")
        self.sync(self.google_account)
        Binding = self.env["calendar.sync.binding"].with_user(self.bob)
        with self.assertRaises(AccessError):
            Binding.search([])
        with self.assertRaises(AccessError):
            Binding.create(
                {
                    "account_id": self.google_account.id,
                    "event_id": event.id,
                    "remote_id": "x",
                }
            )
        with self.assertRaises(AccessError):
            event.with_user(self.bob).read(["calendar_sync_binding_ids"])


@tagged("post_install", "-at_install", "calendar_sync")
class TestOnceThroughTheOrganizerRules(EngineCase):
    """An event reaches a provider only once per person, through the
    organizer's calendar; the user's other calendars mirror it."""

    def test_a_meeting_reaches_the_second_calendar_of_its_organizer_without_attendees(
        self,
    ):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        self.sync(google, outlook)
        event = self.event(
            "Review",
            partner_ids=[
                Command.set(
                    (
                        self.alice.partner_id
                        | self.env["res.partner"].create(
                            {"name": "Carol", "email": "carol@partner.example"}
                        )
                    ).ids
                )
            ],
        )
        self.sync(google, outlook)
        [google_copy] = self.google.events(ALICE)
        self.assertIn(
            "carol@partner.example", [a["email"] for a in google_copy["attendees"]]
        )
        [outlook_copy] = self.graph.events(ALICE)
        self.assertFalse(
            [
                a
                for a in outlook_copy.get("attendees") or []
                if a["emailAddress"]["address"] == "carol@partner.example"
            ]
        )
        self.assertEqual(self.graph.invitations, [])
        self.assertTrue(binding(event, "microsoft").mirror)
        # a second sync does nothing, and Carol is still invited in Odoo
        self.assertEqual(google._sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(outlook._sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertIn("carol@partner.example", event.partner_ids.mapped("email"))
        # an edit of the mirror in Outlook reaches Odoo and Google, attendees kept
        self.graph.update_event(
            ALICE, outlook_copy["id"], {"subject": "Review (moved)"}
        )
        self.sync(outlook, google)
        self.assertEqual(event.name, "Review (moved)")
        self.assertIn("carol@partner.example", event.partner_ids.mapped("email"))
        remote = self.google.get_event(ALICE, binding(event, "google").remote_id)
        self.assertEqual(remote["summary"], "Review (moved)")
        self.assertIn(
            "carol@partner.example", [a["email"] for a in remote["attendees"]]
        )

    def test_a_google_meeting_is_not_created_again_as_an_outlook_meeting(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        self.google.add_event(
            ALICE,
            {
                "summary": "From Google",
                "start": {"dateTime": _future(4).isoformat() + "Z"},
                "end": {"dateTime": _future(4, 10).isoformat() + "Z"},
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": "dave@partner.example"},
                ],
            },
        )
        self.sync(google, outlook)
        [mirror] = self.graph.events(ALICE)
        self.assertEqual(mirror["subject"], "From Google")
        self.assertEqual(self.graph.invitations, [])


@tagged("post_install", "-at_install", "calendar_sync")
class TestRemoteSeriesChangeRules(EngineCase):
    def setUp(self):
        super().setUp()
        self.google_account = self.connect_google(self.alice)

    def test_a_remote_time_change_of_a_series_keeps_the_occurrences_records(self):
        recurrence = self.series(count=3)
        self.sync(self.google_account)
        master_id = binding(recurrence, "google").remote_id
        events = recurrence.calendar_event_ids.sorted("start")
        starts = events.mapped("start")
        partner = self.env["res.partner"].create({"name": "ACME"})
        events[1].write(
            {
                "res_model_id": self.env.ref("base.model_res_partner").id,
                "res_id": partner.id,
            }
        )
        events[1].message_post(body="Minutes of the second meeting")
        master = self.google.get_event(ALICE, master_id)
        start = datetime.fromisoformat(master["start"]["dateTime"]) + timedelta(hours=2)
        end = datetime.fromisoformat(master["end"]["dateTime"]) + timedelta(hours=2)
        self.google.update_event(
            ALICE,
            master_id,
            {
                "start": {"dateTime": start.isoformat(), "timeZone": "Europe/Brussels"},
                "end": {"dateTime": end.isoformat(), "timeZone": "Europe/Brussels"},
            },
        )
        self.sync(self.google_account)
        self.assertTrue(events.exists() == events, "no occurrence was re-created")
        self.assertEqual(
            events.sorted("start").mapped("start"),
            [start + timedelta(hours=2) for start in starts],
        )
        self.assertEqual(events[1].res_id, partner.id)
        self.assertIn(
            "Minutes of the second meeting",
            " ".join(str(b) for b in events[1].message_ids.mapped("body")),
        )
        self.assertEqual(len(recurrence.calendar_event_ids), 3)
        self.assertEqual(
            self.google_account._sync(), {"pulled": 0, "pushed": 0, "failed": 0}
        )

    def test_a_remote_rule_change_keeps_the_occurrences_that_still_exist(self):
        recurrence = self.series(count=3)
        self.sync(self.google_account)
        master_id = binding(recurrence, "google").remote_id
        events = recurrence.calendar_event_ids.sorted("start")
        master = self.google.get_event(ALICE, master_id)
        rule = next(line for line in master["recurrence"] if line.startswith("RRULE"))
        self.google.update_event(
            ALICE, master_id, {"recurrence": [rule.replace("COUNT=3", "COUNT=4")]}
        )
        self.sync(self.google_account)
        self.assertEqual(events.exists(), events)
        self.assertEqual(len(recurrence.calendar_event_ids), 4)
        self.assertEqual(recurrence.count, 4)


@tagged("post_install", "-at_install", "calendar_sync")
class TestFirstSyncAndResetRules(EngineCase):
    """Nothing existing is mailed that the user did not choose to send."""

    def test_the_first_sync_choice_none_sends_no_existing_series_either(self):
        self.series(name="Old weekly")
        for connect in (self.connect_google, self.connect_microsoft):
            account = connect(self.alice)
            account.first_sync_policy = "none"
            self.sync(account)
        self.assertEqual(self.google.events(ALICE), [])
        self.assertEqual(self.graph.events(ALICE), [])
        self.assertEqual(self.graph.invitations, [])

    def test_the_first_sync_choice_counts_series_once(self):
        self.series(name="Old weekly", count=5)
        self.event("Single")
        account = self.connect_google(self.alice)
        counts = account._first_sync_counts()
        self.assertEqual(counts["all"], 2)
        self.assertEqual(counts["future"], 2)

    def test_reconnecting_after_a_reset_mails_nobody_on_its_first_push(self):
        google = self.connect_google(self.alice)
        self.event(
            "Board", partner_ids=[Command.set((self.alice | self.bob).partner_id.ids)]
        )
        self.sync(google)
        wizard = self.env["calendar.sync.account.reset"].create(
            {
                "account_id": google.id,
                "delete_policy": "delete_remote",
                "sync_policy": "all",
            }
        )
        wizard.action_reset()
        google = self.connect_google(self.alice)
        google.first_sync_policy = "all"
        since = len(self.google.requests)
        self.sync(google)
        writes = [r for r in self.google.requests[since:] if r.get("sendUpdates")]
        self.assertTrue(writes)
        self.assertEqual({r["sendUpdates"] for r in writes}, {"none"})


@tagged("post_install", "-at_install", "calendar_sync")
class TestDataShapeRules(EngineCase):
    def test_a_partner_email_with_a_display_name_is_sent_as_the_bare_address(self):
        google = self.connect_google(self.alice)
        carol = self.env["res.partner"].create(
            {"name": "Carol", "email": '"Carol" <Carol@Partner.example>'}
        )
        self.event(
            "Review", partner_ids=[Command.set((self.alice.partner_id | carol).ids)]
        )
        self.sync(google)
        [remote] = self.google.events(ALICE)
        self.assertIn(
            "carol@partner.example", [a["email"] for a in remote["attendees"]]
        )

    def test_an_outlook_series_in_a_zone_outside_the_old_table_keeps_its_local_time(
        self,
    ):
        outlook = self.connect_microsoft(self.alice)
        # Adelaide leaves daylight saving time on the first Sunday of April
        self.graph.add_event(
            ALICE,
            {
                "subject": "Adelaide standup",
                "start": {
                    "dateTime": "2027-03-22T09:00:00",
                    "timeZone": "Cen. Australia Standard Time",
                },
                "end": {
                    "dateTime": "2027-03-22T09:30:00",
                    "timeZone": "Cen. Australia Standard Time",
                },
                "recurrence": {
                    "pattern": {
                        "type": "weekly",
                        "interval": 1,
                        "daysOfWeek": ["monday"],
                        "firstDayOfWeek": "monday",
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": "2027-03-22",
                        "numberOfOccurrences": 4,
                        "recurrenceTimeZone": "Cen. Australia Standard Time",
                    },
                },
            },
        )
        self.sync(outlook)
        events = self.Event.search([("name", "=", "Adelaide standup")]).sorted("start")
        self.assertEqual(len(events), 4)
        zone = pytz.timezone("Australia/Adelaide")
        local = [
            pytz.utc.localize(e.start).astimezone(zone).strftime("%H:%M")
            for e in events
        ]
        self.assertEqual(local, ["09:00"] * 4)
        self.assertEqual(events.recurrence_id.event_tz, "Australia/Adelaide")


@tagged("post_install", "-at_install", "calendar_sync")
class TestWeekStartRules(EngineCase):
    """Odoo expands a series with its user's week start; the providers get it."""

    def biweekly_tue_sun(self):
        tuesday = next(d for d in range(14, 21) if _future(d).weekday() == 1)
        return self.series(
            name="Biweekly",
            days=tuesday,
            count=8,
            interval=2,
            tue=True,
            sun=True,
            **{day: False for day in ("mon", "wed", "thu", "fri", "sat")},
        )

    def test_every_other_week_on_tuesday_and_sunday_keeps_every_meeting_in_google(
        self,
    ):
        self.alice.lang = "en_US"  # weeks start on Sunday
        google = self.connect_google(self.alice)
        recurrence = self.biweekly_tue_sun()
        starts = recurrence.calendar_event_ids.sorted("start").mapped("start")
        self.assertEqual(len(starts), 8)
        self.sync(google)
        master_id = binding(recurrence, "google").remote_id
        master = self.google.get_event(ALICE, master_id)
        self.assertIn("WKST=SU", " ".join(master["recurrence"]))
        instances = [
            i
            for i in google._client().list_instances(master_id)
            if i.get("status") != "cancelled"
        ]
        self.assertEqual(len(instances), 8)
        self.assertEqual(len(recurrence.calendar_event_ids), 8)
        self.assertEqual(google._sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(
            recurrence.calendar_event_ids.sorted("start").mapped("start"), starts
        )

    def test_an_outlook_series_with_another_week_start_is_shown_as_outlook_has_it(
        self,
    ):
        self.alice.lang = "en_US"  # weeks start on Sunday
        outlook = self.connect_microsoft(self.alice)
        self.graph.add_event(
            ALICE,
            {
                "subject": "Monday-week biweekly",
                "start": {"dateTime": "2027-01-05T09:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2027-01-05T10:00:00", "timeZone": "UTC"},
                "recurrence": {
                    "pattern": {
                        "type": "weekly",
                        "interval": 2,
                        "daysOfWeek": ["tuesday", "sunday"],
                        "firstDayOfWeek": "monday",
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": "2027-01-05",
                        "numberOfOccurrences": 8,
                        "recurrenceTimeZone": "UTC",
                    },
                },
            },
        )
        outlook._sync()
        self.assertFalse(outlook.last_error)
        events = self.Event.search([("name", "=", "Monday-week biweekly")])
        self.assertEqual(events.recurrence_id.calendar_sync_managed, "microsoft")
        # Outlook's 8, with its Monday weeks: Sunday 5 days after Tuesday
        self.assertEqual(
            sorted(events.mapped("start"))[:4],
            [
                datetime(2027, 1, 5, 9, 0),
                datetime(2027, 1, 10, 9, 0),
                datetime(2027, 1, 19, 9, 0),
                datetime(2027, 1, 24, 9, 0),
            ],
        )
        self.assertEqual(len(events), 8)
        self.assertEqual(len(self.graph.events(ALICE)), 1, "left in Outlook")
