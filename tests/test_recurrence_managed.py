# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Every series shows the same occurrences in Odoo, Google and Outlook: series
managed by a provider (rules Odoo cannot express, kept as the provider's
occurrences).
"""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo import fields
from odoo.exceptions import UserError
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
