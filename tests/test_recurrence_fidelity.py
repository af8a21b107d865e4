# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Every series shows the same occurrences in Odoo, Google and Outlook: endless
series (their horizon moved forward) and Outlook's month-end fallback.
"""

from datetime import date, datetime, timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import (
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    binding,
    event_times,
)
from .series_helpers import SeriesHelpers

ALICE = "alice@example.com"


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

    def test_first_sync_of_a_later_day_moves_the_horizon_and_binds_new_occurrences(
        self,
    ):
        start = self.first_monday()
        recurrence = self.odoo_series(start)
        self.sync()
        last = self.occurrences(recurrence)[-1].start
        # the same day, a run with nothing to do leaves the series as it is
        self.assertEqual(self.sync()["pushed"], 0)
        self.assertEqual(self.occurrences(recurrence)[-1].start, last)
        later = last.date() - timedelta(days=300)
        counters = self.account.with_context(calendar_sync_today=later)._sync()
        self.assertEqual(counters["pushed"], 0)
        occurrences = self.occurrences(recurrence)
        self.assertGreater(occurrences[-1].start, last)
        master_id = binding(recurrence, "google").remote_id
        newest = occurrences[-1]
        self.assertEqual(
            binding(newest, "google").remote_id,
            f"{master_id}_{newest.start:%Y%m%dT%H%M%S}Z",
        )
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

    def test_import_extends_an_old_endless_series_and_binds_the_new_occurrences(
        self,
    ):
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
        # Odoo's own expansion stops at 720 occurrences (20 days from now):
        # the run that imports it moves the horizon at once
        self.assertEqual(self.sync()["pushed"], 0)
        recurrence = self.local_series("google", master["id"])
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
        # its occurrences beyond the calendar's window are bound nowhere: the
        # series is not sent again for them, run after run
        for _run in range(2):
            counters = self.sync()
            self.assertEqual(counters["pushed"], 0)


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookMonthEnd(SeriesHelpers, GraphEmulatorMixin, TransactionCase):
    """Outlook puts day 29-31 on the last day of shorter months: Odoo shows
    every one of Outlook's occurrences."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)

    def outlook_series(self, first, pattern, count=12):
        return self.graph.add_event(
            ALICE,
            {
                "subject": "Month end report",
                **event_times(first),
                "recurrence": {
                    "pattern": pattern,
                    "range": {
                        "type": "numbered",
                        "numberOfOccurrences": count,
                        "startDate": first.date().isoformat(),
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )

    def next_day(self, day, month=None):
        today = fields.Date.today()
        year, month_ = today.year, month or today.month
        candidate = date(year, month_, day)
        while candidate <= today + timedelta(days=7):
            year += 1
            candidate = date(year, month_, day)
        return datetime.combine(candidate, datetime.min.time()).replace(hour=9)

    def outlook_dates(self, master_id, first):
        instances = self.graph.instances(
            ALICE, master_id, first - timedelta(days=1), first + timedelta(days=800)
        )
        return sorted(
            datetime.fromisoformat(i["start"]["dateTime"][:19]).date()
            for i in instances
        )

    def odoo_dates(self, recurrence):
        return sorted(
            ev.start.date() for ev in recurrence.calendar_event_ids.filtered("active")
        )

    def test_monthly_on_the_31st_shows_every_outlook_occurrence(self):
        first = self.next_day(31, 1)
        master = self.outlook_series(
            first, {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}
        )
        self.sync()
        outlook = self.outlook_dates(master["id"], first)
        self.assertEqual(len(outlook), 12)
        recurrence = self.local_series("microsoft", master["id"])
        self.assertEqual(self.odoo_dates(recurrence), outlook)
        self.assertIn(date(first.year, 2, 28 + (first.year % 4 == 0)), outlook)
        # nothing goes back, and a second run changes nothing
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        self.assertEqual(self.outlook_dates(master["id"], first), outlook)
        self.assertEqual(self.odoo_dates(recurrence), outlook)

    def test_yearly_on_february_29_shows_every_outlook_occurrence(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.microsoft_future_days", "2000"
        )
        today = fields.Date.today()
        year = today.year + 1
        while year % 4:
            year += 1
        first = datetime(year, 2, 29, 9, 0)
        master = self.outlook_series(
            first,
            {"type": "absoluteYearly", "interval": 1, "dayOfMonth": 29, "month": 2},
            count=2,
        )
        self.sync()
        outlook = self.outlook_dates(master["id"], first)
        self.assertEqual(outlook, [date(year, 2, 29), date(year + 1, 2, 28)])
        recurrence = self.local_series("microsoft", master["id"])
        self.assertEqual(self.odoo_dates(recurrence), outlook)

    def month_end_series(self):
        first = self.next_day(31, 1)
        master = self.outlook_series(
            first, {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}
        )
        self.sync()
        return first, master, self.local_series("microsoft", master["id"])

    def test_all_events_edit_of_a_month_end_series_keeps_outlook_dates(self):
        first, master, recurrence = self.month_end_series()
        outlook = self.outlook_dates(master["id"], first)
        self.occurrences(recurrence)[0].with_user(self.alice).write(
            {"name": "Closing", "recurrence_update": "all_events"}
        )
        self.sync()
        masters = [
            e for e in self.graph.events(ALICE) if e.get("type") == "seriesMaster"
        ]
        self.assertEqual([m["subject"] for m in masters], ["Closing"])
        self.assertEqual(self.outlook_dates(masters[0]["id"], first), outlook)
        recurrence = self.local_series("microsoft", masters[0]["id"])
        self.assertEqual(self.odoo_dates(recurrence), outlook)
        self.assertEqual(
            set(recurrence.calendar_event_ids.filtered("active").mapped("name")),
            {"Closing"},
        )

    def test_month_end_occurrences_deleted_on_either_side_go_on_the_other(self):
        first, master, recurrence = self.month_end_series()
        outlook = self.outlook_dates(master["id"], first)
        instances = self.graph.instances(
            ALICE, master["id"], first - timedelta(days=1), first + timedelta(days=800)
        )
        by_day = {
            datetime.fromisoformat(i["start"]["dateTime"][:19]).date(): i
            for i in instances
        }
        february = date(first.year, 2, 28 + (first.year % 4 == 0))
        april = date(first.year, 4, 30)
        # February's in Outlook
        self.graph.delete_event(ALICE, by_day[february]["id"])
        self.sync()
        self.assertNotIn(february, self.odoo_dates(recurrence))
        # April's in Odoo
        [april_event] = recurrence.calendar_event_ids.filtered(
            lambda ev: ev.start.date() == april
        )
        april_event.with_user(self.alice).action_mass_archive("self_only")
        self.sync()
        expected = [day for day in outlook if day not in (february, april)]
        self.assertEqual(self.outlook_dates(master["id"], first), expected)
        self.assertEqual(self.odoo_dates(recurrence), expected)

    def test_month_end_series_moved_to_the_15th_in_outlook_drops_the_fallbacks(self):
        first, master, recurrence = self.month_end_series()
        self.graph.update_event(
            ALICE,
            master["id"],
            {
                "recurrence": {
                    "pattern": {
                        "type": "absoluteMonthly",
                        "interval": 1,
                        "dayOfMonth": 15,
                    },
                    "range": {
                        "type": "numbered",
                        "numberOfOccurrences": 12,
                        "startDate": first.date().isoformat(),
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        self.sync()
        outlook = self.outlook_dates(master["id"], first)
        self.assertEqual({day.day for day in outlook}, {15})
        self.assertEqual(self.odoo_dates(recurrence), outlook)

    def test_month_end_series_made_in_odoo_is_still_refused_on_every_occurrence(self):
        self.sync()
        first = self.next_day(31, 1)
        recurrence = self.odoo_series(
            first,
            name="Invoice run",
            rrule_type="monthly",
            month_by="date",
            day=31,
            end_type="count",
            count=6,
        )
        self.account._sync()
        self.assertFalse(
            [e for e in self.graph.events(ALICE) if e.get("type") == "seriesMaster"]
        )
        self.assertIn("Invoice run", self.account.last_error)
        self.assertIn("once the series is changed", self.account.last_error)
        self.assertNotIn("retries", self.account.last_error)
        for event in recurrence.calendar_event_ids:
            self.assertIn("last day of shorter months", event.calendar_sync_error)
        # it stays while the series stays as it is
        self.account._sync()
        self.assertIn("Invoice run", self.account.last_error)
        # changed to a day every month has: sent, and the errors go
        recurrence.calendar_event_ids.sorted("start")[0].with_user(self.alice).write(
            {"day": 28, "recurrence_update": "all_events"}
        )
        self.sync()
        [master] = [
            e for e in self.graph.events(ALICE) if e.get("type") == "seriesMaster"
        ]
        self.assertEqual(master["recurrence"]["pattern"]["dayOfMonth"], 28)
        recurrence = self.local_series("microsoft", master["id"])
        self.assertFalse(
            any(recurrence.calendar_event_ids.mapped("calendar_sync_error"))
        )
