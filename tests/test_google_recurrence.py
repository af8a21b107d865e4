# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase, tagged

from ..engine.series import SeriesSync
from .common import (
    AliceSyncCase,
    GoogleEmulatorMixin,
    binding,
    bound_to,
    bound_values,
)

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleRecurrence(AliceSyncCase, GoogleEmulatorMixin, TransactionCase):
    """A calendar.recurrence is one Google series, both ways."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.sync()

    def masters(self):
        return [e for e in self.google.events(ALICE) if e.get("recurrence")]

    def instances(self, master_id):
        return [
            instance
            for instance in self.account._client().list_instances(master_id)
            if instance.get("status") != "cancelled"
        ]

    def odoo_series(
        self, count=4, start=datetime(2030, 3, 4, 9, 0), as_user=True, **values
    ):
        """A weekly Monday series at 10:00 Brussels (09:00 UTC in winter)."""
        vals = {
            "name": "Weekly sync",
            "start": start,
            "stop": start + timedelta(hours=1),
            "user_id": self.alice.id,
            "partner_ids": [Command.set(self.alice.partner_id.ids)],
            "recurrency": True,
            "rrule_type": "weekly",
            "interval": 1,
            "end_type": "count",
            "count": count,
            "mon": True,
            "event_tz": "Europe/Brussels",
        }
        vals.update(values)
        Event = self.Event.with_user(self.alice) if as_user else self.Event
        base = Event.create(vals)
        base.invalidate_recordset()
        return base.recurrence_id

    def occurrences(self, recurrence):
        return recurrence.calendar_event_ids.sorted("start")

    # ------------------------------------------------------------ Odoo → Google
    def test_series_created_in_odoo_is_one_google_series(self):
        recurrence = self.odoo_series()
        self.sync()
        [master] = self.masters()
        self.assertEqual(master["id"], binding(recurrence, "google").remote_id)
        self.assertIn("FREQ=WEEKLY", master["recurrence"][0])
        self.assertIn("COUNT=4", master["recurrence"][0])
        self.assertEqual(master["start"]["timeZone"], "Europe/Brussels")
        self.assertEqual(len(self.instances(master["id"])), 4)
        occurrences = self.occurrences(recurrence)
        self.assertEqual(
            bound_values(occurrences, "google", "remote_id"),
            [
                f"{master['id']}_2030{d}T090000Z"
                for d in ("0304", "0311", "0318", "0325")
            ],
        )
        self.assertFalse(any(bound_values(occurrences, "google", "need_sync")))

    def test_series_across_dst_keeps_its_local_time_on_google(self):
        self.odoo_series(count=6)  # March 4 → April 8: Brussels moves to CEST
        self.sync()
        [master] = self.masters()
        starts = [i["start"]["dateTime"] for i in self.instances(master["id"])]
        self.assertEqual(len(starts), 6)
        self.assertTrue(all("T10:00:00" in s for s in starts), starts)

    def test_moved_occurrence_in_odoo_becomes_an_exception(self):
        recurrence = self.odoo_series()
        self.sync()
        second = self.occurrences(recurrence)[1]
        second.with_user(self.alice).write(
            {
                "start": datetime(2030, 3, 12, 14, 0),
                "stop": datetime(2030, 3, 12, 15, 0),
                "recurrence_update": "self_only",
            }
        )
        self.sync()
        moved = [
            i
            for i in self.instances(binding(recurrence, "google").remote_id)
            if i["id"] == binding(second, "google").remote_id
        ]
        self.assertEqual(len(moved), 1)
        self.assertTrue(moved[0]["start"]["dateTime"].startswith("2030-03-12T15:00:00"))
        self.assertEqual(len(self.masters()), 1)
        self.assertEqual(len(self.google.events(ALICE)), 1 + 1)  # master + exception

    def test_deleted_occurrence_in_odoo_cancels_the_instance(self):
        recurrence = self.odoo_series()
        self.sync()
        third = self.occurrences(recurrence)[2]
        instance_id = binding(third, "google").remote_id
        third.with_user(self.alice).action_mass_archive("self_only")
        self.sync()
        remaining = [
            i["id"] for i in self.instances(binding(recurrence, "google").remote_id)
        ]
        self.assertEqual(len(remaining), 3)
        self.assertNotIn(instance_id, remaining)

    def test_rule_changed_for_all_events_in_odoo_updates_the_master(self):
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "google").remote_id
        first = self.occurrences(recurrence)[0]
        first.with_user(self.alice).write(
            {
                "count": 6,
                "name": "Weekly sync (longer)",
                "recurrence_update": "all_events",
            }
        )
        self.sync()
        [master] = self.masters()
        self.assertEqual(master["id"], master_id)
        self.assertIn("COUNT=6", master["recurrence"][0])
        self.assertEqual(master["summary"], "Weekly sync (longer)")
        self.assertEqual(len(self.instances(master_id)), 6)

    def test_occurrence_renamed_in_google_as_odoo_moves_its_series_stays_beside_it(
        self,
    ):
        # Google keeps the renamed occurrence on its old slot, beside the
        # moved series' occurrence that day: Odoo shows both, and the renamed
        # one stays Google's occurrence (edited or deleted in Odoo, it is)
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "google").remote_id
        first = self.occurrences(recurrence)[0]
        renamed_id = binding(first, "google").remote_id
        self.google.update_event(ALICE, renamed_id, {"summary": "Kick-off"})
        first.with_user(self.alice).write(
            {
                "start": datetime(2030, 3, 4, 10, 0),
                "stop": datetime(2030, 3, 4, 11, 0),
                "recurrence_update": "all_events",
            }
        )
        self.sync()
        kept = self.Event.search([bound_to("google", renamed_id)])
        self.assertEqual(kept.name, "Kick-off")
        self.assertEqual(kept.start, datetime(2030, 3, 4, 9, 0))
        self.assertFalse(kept.recurrence_id)
        series = self.local_series(master_id)
        self.assertEqual(
            [ev.start.hour for ev in self.occurrences(series)], [10, 10, 10, 10]
        )
        self.assertEqual(len(self.instances(master_id)), 4)
        in_google = len(self.google.events(ALICE))
        kept.with_user(self.alice).write({"name": "Kick-off, room 2"})
        self.sync()
        self.assertEqual(
            self.google.get_event(ALICE, renamed_id)["summary"], "Kick-off, room 2"
        )
        self.assertEqual(len(self.google.events(ALICE)), in_google)
        kept.with_user(self.alice).unlink()
        self.sync()
        self.assertEqual(len(self.google.events(ALICE)), in_google - 1)
        self.assertEqual(len(self.instances(master_id)), 4)

    def test_this_and_following_edit_in_odoo_splits_the_series_on_google(self):
        recurrence = self.odoo_series(count=6)
        self.sync()
        old_master = binding(recurrence, "google").remote_id
        third = self.occurrences(recurrence)[2]
        third.with_user(self.alice).write(
            {"name": "New format", "recurrence_update": "future_events"}
        )
        self.sync()
        masters = {m["id"]: m for m in self.masters()}
        self.assertEqual(len(masters), 2)
        self.assertEqual(len(self.instances(old_master)), 2)
        [new_master] = [m for m in masters.values() if m["id"] != old_master]
        self.assertEqual(new_master["summary"], "New format")
        self.assertEqual(len(self.instances(new_master["id"])), 4)

    def test_deleting_the_whole_series_in_odoo_deletes_the_master(self):
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "google").remote_id
        self.occurrences(recurrence)[0].with_user(self.alice).action_mass_archive(
            "all_events"
        )
        self.sync()
        self.assertEqual(self.masters(), [])
        self.assertEqual(self.google.get_event(ALICE, master_id)["status"], "cancelled")

    def test_series_whose_occurrences_are_all_deleted_alone_is_deleted_in_google(
        self,
    ):
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "google").remote_id
        for event in self.occurrences(recurrence):
            event.with_user(self.alice).action_mass_archive("self_only")
        self.assertTrue(recurrence.exists())  # kept, all archived, until synced
        self.sync()
        self.assertEqual(self.masters(), [])
        self.assertEqual(self.google.get_event(ALICE, master_id)["status"], "cancelled")

    def test_series_created_as_an_activity_on_a_contact_syncs_as_one_series(self):
        contact = self.env["res.partner"].create({"name": "Customer"})
        recurrence = self.odoo_series(
            as_user=False,
            res_model_id=self.env["ir.model"]._get_id("res.partner"),
            res_id=contact.id,
        )
        self.sync()
        self.assertEqual(len(self.masters()), 1)
        self.assertEqual(len(self.google.events(ALICE)), 1)
        self.assertEqual(self.occurrences(recurrence)[0].res_id, contact.id)

    def test_allday_series_is_pushed_with_dates(self):
        recurrence = self.odoo_series(
            count=3,
            allday=True,
            start=datetime(2030, 3, 4, 8, 0),
            start_date=date(2030, 3, 4),
            stop_date=date(2030, 3, 4),
        )
        self.sync()
        [master] = self.masters()
        self.assertEqual(master["start"].get("date"), "2030-03-04")
        self.assertFalse(master["start"].get("dateTime"))
        self.assertEqual(len(self.instances(master["id"])), 3)
        self.assertTrue(
            binding(self.occurrences(recurrence)[0], "google").remote_id.endswith(
                "_20300304"
            )
        )

    # ------------------------------------------------------------ Google → Odoo
    def google_series(self, **extra):
        body = {
            "summary": "Standup",
            "start": {"dateTime": "2030-03-05T09:30:00", "timeZone": "Europe/Brussels"},
            "end": {"dateTime": "2030-03-05T09:45:00", "timeZone": "Europe/Brussels"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4"],
        }
        body.update(extra)
        return self.google.add_event(ALICE, body)

    def local_series(self, master_id):
        return self.env["calendar.recurrence"].search([bound_to("google", master_id)])

    def test_series_created_in_google_is_imported_as_one_recurrence(self):
        master = self.google_series()
        self.sync()
        recurrence = self.local_series(master["id"])
        self.assertEqual(recurrence.rrule_type, "weekly")
        self.assertTrue(recurrence.tue)
        events = self.occurrences(recurrence)
        self.assertEqual(len(events), 4)
        self.assertEqual(events[0].start, datetime(2030, 3, 5, 8, 30))
        self.assertEqual(events.mapped("name"), ["Standup"] * 4)
        self.assertFalse(any(bound_values(events, "google", "need_sync")))
        # and nothing goes back to Google
        self.sync()
        self.assertEqual(len(self.google.events(ALICE)), 1)

    def test_moved_instance_in_google_moves_the_occurrence(self):
        master = self.google_series()
        self.sync()
        instance = self.instances(master["id"])[1]
        self.google.update_event(
            ALICE,
            instance["id"],
            {
                "start": {
                    "dateTime": "2030-03-13T11:00:00",
                    "timeZone": "Europe/Brussels",
                },
                "end": {
                    "dateTime": "2030-03-13T11:15:00",
                    "timeZone": "Europe/Brussels",
                },
            },
        )
        self.sync()
        event = self.Event.search([bound_to("google", instance["id"])])
        self.assertEqual(event.start, datetime(2030, 3, 13, 10, 0))
        self.assertFalse(event.follow_recurrence)
        self.assertEqual(len(self.occurrences(self.local_series(master["id"]))), 4)

    def test_cancelled_instance_in_google_removes_the_occurrence(self):
        master = self.google_series()
        self.sync()
        instance = self.instances(master["id"])[2]
        self.google.delete_event(ALICE, instance["id"])
        self.sync()
        self.assertFalse(self.Event.search([bound_to("google", instance["id"])]))
        self.assertEqual(len(self.occurrences(self.local_series(master["id"]))), 3)

    def test_series_renamed_in_google_renames_every_occurrence(self):
        master = self.google_series()
        self.sync()
        self.google.update_event(ALICE, master["id"], {"summary": "Daily-ish standup"})
        self.sync()
        events = self.occurrences(self.local_series(master["id"]))
        self.assertEqual(set(events.mapped("name")), {"Daily-ish standup"})

    def test_series_rule_changed_in_google_rebuilds_the_local_series(self):
        master = self.google_series()
        self.sync()
        self.google.update_event(
            ALICE, master["id"], {"recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=2"]}
        )
        self.sync()
        recurrence = self.local_series(master["id"])
        self.assertEqual(len(self.occurrences(recurrence)), 2)
        self.assertEqual(recurrence.count, 2)

    def test_series_deleted_in_google_is_deleted_in_odoo(self):
        master = self.google_series()
        self.sync()
        events = self.occurrences(self.local_series(master["id"]))
        self.google.delete_event(ALICE, master["id"])
        self.sync()
        self.assertFalse(events.exists())

    def test_series_with_exdate_from_google_skips_that_occurrence(self):
        master = self.google_series(
            recurrence=[
                "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4",
                "EXDATE;TZID=Europe/Brussels:20300312T093000",
            ]
        )
        self.sync()
        events = self.occurrences(self.local_series(master["id"]))
        self.assertEqual(len(events), 3)
        self.assertNotIn(datetime(2030, 3, 12, 8, 30), events.mapped("start"))

    def test_google_rule_odoo_cannot_hold_is_shown_as_google_expands_it(self):
        master = self.google.add_event(
            ALICE,
            {
                "summary": "Twice a month",
                "start": {
                    "dateTime": "2030-03-01T09:00:00",
                    "timeZone": "Europe/Brussels",
                },
                "end": {
                    "dateTime": "2030-03-01T10:00:00",
                    "timeZone": "Europe/Brussels",
                },
                "recurrence": ["RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4"],
            },
        )
        self.sync()
        recurrence = self.local_series(master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "google")
        self.assertEqual(
            [ev.start for ev in self.occurrences(recurrence)],
            [
                datetime(2030, 3, 1, 8, 0),
                datetime(2030, 3, 15, 8, 0),
                datetime(2030, 4, 1, 7, 0),
                datetime(2030, 4, 15, 7, 0),
            ],
        )
        self.assertEqual(self.sync()["pushed"], 0)
        self.assertEqual(
            self.google.get_event(ALICE, master["id"])["recurrence"],
            ["RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4"],
        )

    # ------------------------------------------------------------ many at once
    def guest_series(self, summary, answer, **extra):
        return self.google_series(
            summary=summary,
            attendees=[
                {"email": ALICE, "responseStatus": "accepted"},
                {"email": "carol@example.com", "responseStatus": answer},
            ],
            reminders={
                "useDefault": False,
                "overrides": [{"method": "popup", "minutes": 10}],
            },
            **extra,
        )

    @staticmethod
    def shape(recurrence):
        """What Odoo makes of a series: its occurrences' times, attendees
        with their answers, followers, alarms and flags, and its rule."""
        events = recurrence.calendar_event_ids.sorted("start")
        return {
            # (the text of rrule starts with the time it was written at)
            "rule": (
                recurrence._calendar_sync_rule(),
                recurrence.rrule.split("\n")[-1],
                recurrence.dtstart,
                recurrence.event_tz,
            ),
            "trigger": recurrence.trigger_id.call_at,
            "events": [
                (
                    ev.start,
                    ev.stop,
                    sorted((a.partner_id.id, a.state) for a in ev.attendee_ids),
                    sorted(ev.message_partner_ids.ids),
                    ev.alarm_ids.ids,
                    (ev.recurrency, ev.follow_recurrence, ev.active, ev.user_id),
                )
                for ev in events
            ],
        }

    def test_series_imported_together_are_as_odoo_makes_each_one(self):
        masters = [self.guest_series(f"Standup {i}", "needsAction") for i in range(3)]
        self.sync()
        imported = [self.local_series(master["id"]) for master in masters]
        first = imported[0].base_event_id
        # Odoo's create of one series, in the sync's mail context
        reference = (
            self.Event.with_user(self.alice)
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
                no_mail_to_attendees=True,
            )
            .create(
                {
                    "name": "Standup 0",
                    "start": first.start,
                    "stop": first.stop,
                    "user_id": self.alice.id,
                    "partner_ids": [Command.set(first.partner_ids.ids)],
                    "alarm_ids": [Command.set(first.alarm_ids.ids)],
                    "recurrency": True,
                    "rrule_type": "weekly",
                    "interval": 1,
                    "end_type": "count",
                    "count": 4,
                    "tue": True,
                    "event_tz": "Europe/Brussels",
                }
            )
            .recurrence_id
        )
        expected = self.shape(reference)
        for recurrence in imported:
            self.assertEqual(self.shape(recurrence), expected)

    def test_series_imported_together_keep_each_guest_answer(self):
        declined = self.guest_series("Declined", "declined")
        accepted = self.guest_series("Accepted", "accepted")
        self.sync()
        for master, state in ((declined, "declined"), (accepted, "accepted")):
            events = self.occurrences(self.local_series(master["id"]))
            self.assertEqual(len(events), 4)
            carol = events.attendee_ids.filtered(
                lambda a: a.partner_id.email == "carol@example.com"
            )
            self.assertEqual(set(carol.mapped("state")), {state})

    def test_a_series_failing_to_import_leaves_the_others_of_its_run(self):
        good = self.google_series(summary="Good")
        bad = self.google_series(summary="Bad")
        also_good = self.google_series(summary="Also good")
        original = SeriesSync._add_extra_occurrences

        def fail_for_bad(run, recurrence, master_id, neutral):
            if master_id == bad["id"]:
                raise ValueError("cannot import this one")
            return original(run, recurrence, master_id, neutral)

        with patch.object(SeriesSync, "_add_extra_occurrences", fail_for_bad):
            counters = self.account._sync()
        self.assertEqual(counters["failed"], 1)
        self.assertFalse(self.local_series(bad["id"]))
        for master in (good, also_good):
            self.assertEqual(len(self.occurrences(self.local_series(master["id"]))), 4)
