# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Every series shows the same occurrences in Odoo, Google and Outlook."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from .common import (
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    binding,
    bound_to,
    event_times,
    make_users,
)

ALICE = "alice@example.com"


class SeriesHelpers:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.alice.tz = "Europe/Brussels"
        cls.Event = cls.env["calendar.event"]

    def sync(self):
        counters = self.account._sync()
        self.assertEqual(self.account.state, "connected", self.account.last_error)
        self.assertFalse(self.account.last_error)
        return counters

    def first_monday(self, days=14):
        """09:00 UTC of a Monday ``days`` from today (inside Outlook's window)."""
        start = datetime.combine(
            fields.Date.today() + timedelta(days=days), datetime.min.time()
        ) + timedelta(hours=9)
        while start.weekday() != 0:
            start += timedelta(days=1)
        return start

    def odoo_series(self, start, **values):
        vals = {
            "name": "Daily check",
            "start": start,
            "stop": start + timedelta(hours=1),
            "user_id": self.alice.id,
            "partner_ids": [Command.set(self.alice.partner_id.ids)],
            "recurrency": True,
            "rrule_type": "daily",
            "interval": 1,
            "end_type": "forever",
            "event_tz": "Europe/Brussels",
        }
        vals.update(values)
        base = self.Event.with_user(self.alice).create(vals)
        base.invalidate_recordset()
        return base.recurrence_id

    def local_series(self, provider, master_id):
        return self.env["calendar.recurrence"].search([bound_to(provider, master_id)])

    @staticmethod
    def occurrences(recurrence):
        return recurrence.calendar_event_ids.sorted("start")

    def extend_horizon(self, today):
        """What the daily cron does, as if run on ``today``."""
        self.env["calendar.recurrence"].with_context(
            calendar_sync_today=today
        )._calendar_sync_extend_endless()


@tagged("post_install", "-at_install", "calendar_sync")
class TestEndlessGoogle(SeriesHelpers, GoogleEmulatorMixin, TransactionCase):
    """Endless stays endless with Google; Odoo's horizon never reaches it."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.sync()

    def masters(self):
        return [e for e in self.google.events(ALICE) if e.get("recurrence")]

    def google_endless(self, rule="RRULE:FREQ=DAILY;INTERVAL=2"):
        start = self.first_monday()
        return self.google.add_event(
            ALICE,
            {
                "summary": "Every other day",
                **event_times(start.replace(hour=10), tz="Europe/Brussels"),
                "recurrence": [rule],
            },
        )

    def assert_endless(self, master):
        [rule] = [line for line in master["recurrence"] if line.startswith("RRULE")]
        self.assertNotIn("COUNT", rule)
        self.assertNotIn("UNTIL", rule)

    def test_endless_google_series_is_never_rewritten_with_an_end(self):
        master = self.google_endless()
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(recurrence.end_type, "forever")
        self.assertEqual(len(self.occurrences(recurrence)), 720)
        self.assertFalse(binding(recurrence, "google").need_sync)
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        self.assert_endless(self.google.get_event(ALICE, master["id"]))

    def test_all_events_edit_of_an_endless_google_series_keeps_it_endless(self):
        master = self.google_endless()
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.occurrences(recurrence)[0].with_user(self.alice).write(
            {"name": "Every other day (renamed)", "recurrence_update": "all_events"}
        )
        self.sync()
        [remote] = self.masters()
        self.assertEqual(remote["summary"], "Every other day (renamed)")
        self.assert_endless(remote)
        self.assertEqual(self.local_series("google", master["id"]).end_type, "forever")

    def test_forever_series_made_in_odoo_is_pushed_endless(self):
        recurrence = self.odoo_series(self.first_monday())
        self.assertEqual(recurrence.end_type, "forever")
        self.sync()
        [remote] = self.masters()
        self.assert_endless(remote)
        self.assertEqual(remote["id"], binding(recurrence, "google").remote_id)
        # and the next run has nothing to say
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        self.assert_endless(self.masters()[0])

    def test_horizon_of_an_endless_series_moves_forward_without_a_push(self):
        start = self.first_monday()
        recurrence = self.odoo_series(start)
        self.sync()
        etag = self.masters()[0]["etag"]
        last = self.occurrences(recurrence)[-1].start
        three_years = start.date() + timedelta(days=3 * 365)
        self.assertLess(last.date(), three_years)
        self.extend_horizon(three_years - timedelta(days=30))
        occurrences = self.occurrences(recurrence)
        self.assertGreater(occurrences[-1].start.date(), three_years)
        self.assertEqual(occurrences[0].start, start)
        self.assertEqual(len(set(occurrences.mapped("start"))), len(occurrences))
        self.assertEqual(recurrence.end_type, "forever")
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        [remote] = self.masters()
        self.assertEqual(remote["etag"], etag)
        self.assert_endless(remote)

    def test_sync_extends_an_old_endless_series_and_binds_the_new_occurrences(self):
        start = datetime.combine(
            fields.Date.today() - timedelta(days=700), datetime.min.time()
        ).replace(hour=10)
        master = self.google.add_event(
            ALICE,
            {
                "summary": "Daily since long ago",
                **event_times(start, tz="UTC"),
                "recurrence": ["RRULE:FREQ=DAILY"],
            },
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(len(self.occurrences(recurrence)), 720)
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        occurrences = self.occurrences(recurrence)
        self.assertGreater(len(occurrences), 720)
        self.assertGreaterEqual(
            occurrences[-1].start.date(), fields.Date.today() + timedelta(days=700)
        )
        last = occurrences[-1]
        self.assertEqual(
            binding(last, "google").remote_id,
            f"{master['id']}_{last.start:%Y%m%dT%H%M%S}Z",
        )
        self.assertFalse(binding(recurrence, "google").need_sync)
        self.assert_endless(self.google.get_event(ALICE, master["id"]))
        self.assertEqual(self.sync()["pushed"], 0)


@tagged("post_install", "-at_install", "calendar_sync")
class TestEndlessOutlook(SeriesHelpers, GraphEmulatorMixin, TransactionCase):
    """Outlook's noEnd stays noEnd; Odoo's forever is pushed as noEnd."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)

    def masters(self):
        return [e for e in self.graph.events(ALICE) if e.get("type") == "seriesMaster"]

    def test_endless_outlook_series_is_never_rewritten_with_an_end(self):
        start = self.first_monday()
        master = self.graph.add_event(
            ALICE,
            {
                "subject": "Every other day",
                **event_times(start.replace(hour=10)),
                "recurrence": {
                    "pattern": {"type": "daily", "interval": 2},
                    "range": {
                        "type": "noEnd",
                        "startDate": start.date().isoformat(),
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        self.sync()
        recurrence = self.local_series("microsoft", master["id"])
        self.assertEqual(recurrence.end_type, "forever")
        self.occurrences(recurrence)[0].with_user(self.alice).write(
            {"name": "Renamed", "recurrence_update": "all_events"}
        )
        self.sync()
        [remote] = self.masters()
        self.assertEqual(remote["subject"], "Renamed")
        self.assertEqual(remote["recurrence"]["range"]["type"], "noEnd")

    def test_forever_series_made_in_odoo_is_pushed_as_no_end(self):
        self.sync()
        self.odoo_series(self.first_monday())
        self.sync()
        [remote] = self.masters()
        self.assertEqual(remote["recurrence"]["range"]["type"], "noEnd")
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
