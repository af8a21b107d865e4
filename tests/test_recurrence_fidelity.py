# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Every series shows the same occurrences in Odoo, Google and Outlook."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo import Command, fields
from odoo.exceptions import UserError
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


@tagged("post_install", "-at_install", "calendar_sync")
class TestManagedGoogleSeries(SeriesHelpers, GoogleEmulatorMixin, TransactionCase):
    """A Google series Odoo's recurrences cannot hold is shown as Google
    expands it, and edited as a whole in Google."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.sync()

    def google_series(self, rule, summary="Friday the 13th", start=None):
        start = start or datetime(2030, 9, 13, 18, 0)
        return self.google.add_event(
            ALICE,
            {
                "summary": summary,
                **event_times(start, tz="Europe/Brussels"),
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": "carol@example.com", "responseStatus": "needsAction"},
                ],
                "recurrence": [rule],
            },
        )

    def google_starts(self, master_id):
        starts = []
        for item in self.account._client().list_instances(master_id):
            if item.get("status") == "cancelled":
                continue
            moment = datetime.fromisoformat(item["start"]["dateTime"])
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(item["start"]["timeZone"]))
            starts.append(moment.astimezone(timezone.utc).replace(tzinfo=None))
        return sorted(starts)

    def odoo_starts(self, recurrence):
        return sorted(recurrence.calendar_event_ids.filtered("active").mapped("start"))

    def test_friday_the_13th_is_shown_with_googles_dates(self):
        master = self.google_series("RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3")
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "google")
        self.assertIn("htmlLink", str(master.keys()))
        self.assertEqual(recurrence.calendar_sync_manage_url, master["htmlLink"])
        starts = self.odoo_starts(recurrence)
        self.assertEqual(starts, self.google_starts(master["id"]))
        self.assertEqual(
            [s.date() for s in starts],
            [date(2030, 9, 13), date(2030, 12, 13), date(2031, 6, 13)],
        )
        event = recurrence.calendar_event_ids[0]
        self.assertIn("Edit this series in Google", event.calendar_sync_managed_note)
        self.assertFalse(self.account.last_error)
        counters = self.sync()
        self.assertEqual(counters["pushed"], 0)
        self.assertEqual(self.odoo_starts(recurrence), starts)

    def test_whole_series_edits_of_a_managed_series_are_refused_in_odoo(self):
        master = self.google_series("RRULE:FREQ=MONTHLY;BYDAY=-2MO;COUNT=4")
        self.sync()
        recurrence = self.local_series("google", master["id"])
        first = recurrence.calendar_event_ids.sorted("start")[0].with_user(self.alice)
        with self.assertRaisesRegex(UserError, "change the whole series in Google"):
            first.write({"name": "Renamed", "recurrence_update": "all_events"})
        with self.assertRaisesRegex(UserError, "change the whole series in Google"):
            first.action_mass_archive("future_events")
        self.assertEqual(len(self.odoo_starts(recurrence)), 4)

    def test_single_occurrence_edits_sync_both_ways(self):
        master = self.google_series(
            "RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;COUNT=4"
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        events = recurrence.calendar_event_ids.sorted("start")
        self.assertEqual(self.odoo_starts(recurrence), self.google_starts(master["id"]))
        # moved in Odoo: the Google instance moves
        second = events[1]
        second.with_user(self.alice).write(
            {
                "start": second.start + timedelta(hours=2),
                "stop": second.stop + timedelta(hours=2),
                "recurrence_update": "self_only",
            }
        )
        # deleted in Odoo: the Google instance is cancelled
        events[3].with_user(self.alice).action_mass_archive("self_only")
        self.sync()
        google = self.google_starts(master["id"])
        self.assertEqual(len(google), 3)
        self.assertIn(second.start, google)
        # renamed in Google: every occurrence follows
        self.google.update_event(ALICE, master["id"], {"summary": "Last weekday"})
        self.sync()
        active = recurrence.calendar_event_ids.filtered("active")
        google = {
            i["id"]: i
            for i in self.account._client().list_instances(master["id"])
            if i.get("status") != "cancelled"
        }
        self.assertEqual(
            {binding(ev, "google").remote_id: ev.name for ev in active},
            {rid: i["summary"] for rid, i in google.items()},
        )
        self.assertIn("Last weekday", active.mapped("name"))
        self.assertEqual(
            sorted(active.mapped("start")), self.google_starts(master["id"])
        )
        self.assertEqual(self.sync()["pushed"], 0)

    def test_occurrences_moved_or_cancelled_in_google_follow_in_odoo(self):
        master = self.google_series("RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3")
        self.sync()
        recurrence = self.local_series("google", master["id"])
        first, second, _third = self.account._client().list_instances(master["id"])
        self.google.update_event(
            ALICE,
            first["id"],
            event_times(datetime(2030, 9, 14, 11, 0), tz="Europe/Brussels"),
        )
        self.google.delete_event(ALICE, second["id"])
        self.sync()
        self.assertEqual(self.odoo_starts(recurrence), self.google_starts(master["id"]))
        self.assertEqual(self.odoo_starts(recurrence)[0], datetime(2030, 9, 14, 9, 0))
        self.assertEqual(len(self.odoo_starts(recurrence)), 2)
        self.assertEqual(self.sync()["pushed"], 0)

    def test_answer_to_a_managed_occurrence_reaches_google(self):
        carol = "carol@example.com"
        self.google.add_account(carol)
        self.google.issue_tokens(carol)
        master = self.google.add_event(
            carol,
            {
                "summary": "Summer kick-off",
                **event_times(datetime(2031, 6, 2, 9, 0)),
                "attendees": [{"email": carol}, {"email": ALICE}],
                "recurrence": ["RRULE:FREQ=YEARLY;BYMONTH=6,7;BYDAY=1MO;COUNT=4"],
            },
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "google")
        self.assertTrue(binding(recurrence, "google").guest_copy)
        event = recurrence.calendar_event_ids.sorted("start")[0]
        attendee = event.attendee_ids.filtered(
            lambda a: a.partner_id == self.alice.partner_id
        )
        attendee.with_user(self.alice).do_decline()
        self.sync()
        [instance] = [
            i
            for i in self.account._client().list_instances(master["id"])
            if i["id"] == binding(event, "google").remote_id
        ]
        [mine] = [a for a in instance["attendees"] if a["email"] == ALICE]
        self.assertEqual(mine["responseStatus"], "declined")

    def test_series_deleted_in_google_goes_from_odoo(self):
        master = self.google_series("RRULE:FREQ=MONTHLY;BYMONTHDAY=10,11,12;COUNT=6")
        self.sync()
        events = self.local_series("google", master["id"]).calendar_event_ids
        self.assertEqual(len(events), 6)
        self.google.delete_event(ALICE, master["id"])
        self.sync()
        self.assertFalse(events.exists().filtered("active"))

    def test_odoo_series_whose_rule_google_changed_beyond_odoo_becomes_managed(self):
        master = self.google_series(
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=13;COUNT=6", summary="Monthly"
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertFalse(recurrence.calendar_sync_managed)
        self.google.update_event(
            ALICE,
            master["id"],
            {"recurrence": ["RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=2"]},
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "google")
        self.assertEqual(self.odoo_starts(recurrence), self.google_starts(master["id"]))
        # and back to a rule Odoo holds: an Odoo series again
        self.google.update_event(
            ALICE,
            master["id"],
            {"recurrence": ["RRULE:FREQ=MONTHLY;BYMONTHDAY=13;COUNT=3"]},
        )
        self.sync()
        recurrence = self.local_series("google", master["id"])
        self.assertFalse(recurrence.calendar_sync_managed)
        self.assertEqual(self.odoo_starts(recurrence), self.google_starts(master["id"]))


@tagged("post_install", "-at_install", "calendar_sync")
class TestManagedSeriesWithBothCalendars(
    SeriesHelpers, GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase
):
    def test_a_series_managed_by_google_says_it_is_not_copied_to_outlook(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        master = self.google.add_event(
            ALICE,
            {
                "summary": "Friday the 13th",
                **event_times(datetime(2030, 9, 13, 18, 0), tz="Europe/Brussels"),
                "recurrence": ["RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3"],
            },
        )
        for account in (google, outlook, google, outlook):
            account._sync()
            self.assertNotEqual(account.state, "error", account.last_error)
        recurrence = self.local_series("google", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "google")
        # not in Outlook, and each occurrence says why
        self.assertFalse(self.graph.events(ALICE))
        for event in recurrence.calendar_event_ids:
            self.assertIn("not copied to Outlook", event.calendar_sync_error)


@tagged("post_install", "-at_install", "calendar_sync")
class TestManagedOutlookSeries(SeriesHelpers, GraphEmulatorMixin, TransactionCase):
    """An Outlook pattern Odoo cannot hold is shown as Outlook expands it."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)

    def test_first_weekday_of_the_month_is_shown_with_outlooks_dates(self):
        start = fields.Date.today() + timedelta(days=40)
        # the first weekday of next month
        first = datetime.combine(start.replace(day=1), datetime.min.time())
        while first.weekday() > 4:
            first += timedelta(days=1)
        first = first.replace(hour=9)
        master = self.graph.add_event(
            ALICE,
            {
                "subject": "First weekday",
                **event_times(first),
                "recurrence": {
                    "pattern": {
                        "type": "relativeMonthly",
                        "interval": 1,
                        "daysOfWeek": [
                            "monday",
                            "tuesday",
                            "wednesday",
                            "thursday",
                            "friday",
                        ],
                        "index": "first",
                    },
                    "range": {
                        "type": "numbered",
                        "numberOfOccurrences": 5,
                        "startDate": first.date().isoformat(),
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        self.sync()
        recurrence = self.local_series("microsoft", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "microsoft")
        instances = self.graph.instances(
            ALICE, master["id"], first - timedelta(days=1), first + timedelta(days=400)
        )
        outlook = sorted(
            datetime.fromisoformat(i["start"]["dateTime"][:19]).date()
            for i in instances
        )
        self.assertEqual(len(outlook), 5)
        odoo = sorted(
            ev.start.date() for ev in recurrence.calendar_event_ids.filtered("active")
        )
        self.assertEqual(odoo, outlook)
        self.assertTrue(all(day.weekday() < 5 and day.day <= 3 for day in odoo))
        self.assertEqual(self.sync()["pushed"], 0)

    def test_managed_outlook_occurrence_moved_in_odoo_moves_in_outlook(self):
        start = fields.Date.today() + timedelta(days=20)
        first = datetime.combine(start, datetime.min.time()).replace(hour=9)
        master = self.graph.add_event(
            ALICE,
            {
                "subject": "Every other week, Monday weeks",
                **event_times(first),
                "recurrence": {
                    "pattern": {
                        "type": "weekly",
                        "interval": 2,
                        "daysOfWeek": [
                            ("monday", "tuesday", "wednesday", "thursday")[
                                first.weekday() % 4
                            ],
                            "sunday",
                        ],
                        "firstDayOfWeek": "monday",
                    },
                    "range": {
                        "type": "numbered",
                        "numberOfOccurrences": 6,
                        "startDate": first.date().isoformat(),
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        self.alice.lang = "en_US"  # weeks start on Sunday in Odoo
        self.sync()
        recurrence = self.local_series("microsoft", master["id"])
        self.assertEqual(recurrence.calendar_sync_managed, "microsoft")
        event = recurrence.calendar_event_ids.sorted("start")[1]
        event.with_user(self.alice).write(
            {
                "start": event.start + timedelta(hours=3),
                "stop": event.stop + timedelta(hours=3),
                "recurrence_update": "self_only",
            }
        )
        self.sync()
        instances = self.graph.instances(
            ALICE, master["id"], first - timedelta(days=1), first + timedelta(days=120)
        )
        [moved] = [
            i for i in instances if i["id"] == binding(event, "microsoft").remote_id
        ]
        self.assertEqual(moved["type"], "exception")
        self.assertEqual(
            sorted(
                datetime.fromisoformat(i["start"]["dateTime"][:19]) for i in instances
            ),
            sorted(recurrence.calendar_event_ids.filtered("active").mapped("start")),
        )
