# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook: the calendarView window is not a delete, one unreadable series does
not stop a run, and single events are written conditionally (If-Match)."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..engine.keys import EventKey, SeriesKey
from ..engine.microsoft import MicrosoftAdapter
from ..engine.microsoft_window import (
    PARAM_WINDOW_REFRESH_DAYS,
    _window,
    split_token,
    stamp_token,
)
from ..engine.run import SyncRun
from .common import (
    AliceSyncCase,
    GraphEmulatorMixin,
    binding,
    bound_to,
    first_monday,
)
from .common import event_times as graph_times

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookWindow(AliceSyncCase, GraphEmulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)
        self.today = fields.Date.today()
        # a Monday in the delta window (1 year back, 2 ahead by default)
        self.start = first_monday()
        self.far = self.start + timedelta(days=3 * 365)  # beyond the window

    # ------------------------------------------------------------ helpers
    def graph_requests(self, since=0):
        """Top-level Graph requests (a ``$batch`` counts once) since ``since``."""
        return [
            r
            for r in self.graph.requests[since:]
            if r.path.startswith("/v1.0") and not r.in_batch
        ]

    def batch_items(self, since=0):
        return [r for r in self.graph.requests[since:] if r.in_batch]

    def odoo_series(self):
        """A weekly series of 4 Mondays made in Odoo."""
        return self.local_event(
            name="Weekly sync",
            recurrency=True,
            rrule_type="weekly",
            interval=1,
            end_type="count",
            count=4,
            mon=True,
            event_tz="Europe/Brussels",
        ).recurrence_id

    def outlook_event(self, subject, start):
        return self.graph.add_event(ALICE, {"subject": subject, **graph_times(start)})

    def outlook_series(self, subject, first, count=4):
        return self.graph.add_event(
            ALICE,
            {
                "subject": subject,
                **graph_times(first, hours=0.5),
                "recurrence": {
                    "pattern": {
                        "type": "weekly",
                        "interval": 1,
                        "daysOfWeek": [first.strftime("%A").lower()],
                        "firstDayOfWeek": "sunday",
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": first.date().isoformat(),
                        "numberOfOccurrences": count,
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )

    def outlook_instances(self, master_id):
        start, end = self.start - timedelta(days=30), self.start + timedelta(days=400)
        return self.graph.instances(ALICE, master_id, start, end)

    def bound(self, model, remote_id):
        return self.env[model].search([bound_to("microsoft", remote_id)])

    def fail_instances(self, master_id):
        return self.graph.inject(
            method="GET",
            path_regex=rf"/me/events/{re.escape(master_id)}/instances",
            status=500,
            times=1000,
            in_batch=True,
        )

    def age_window(self, days):
        """Make the stored delta link's window ``days`` old."""
        link, _taken, waiting = split_token(self.account.sync_token)
        self.account.sudo().sync_token = stamp_token(
            link, self.today - timedelta(days=days), waiting
        )

    def full_listing_requested(self, since):
        return any(
            "/calendarView/delta" in r.path and "startdatetime" in r.query
            for r in self.graph_requests(since)
        )

    # ------------------------------------------------------------ the window
    def test_event_created_in_odoo_beyond_the_window_stays_in_odoo(self):
        self.sync()
        event = self.local_event(
            name="Far away", start=self.far, stop=self.far + timedelta(hours=1)
        )
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        self.assertTrue(event.exists())
        [remote] = self.graph.events(ALICE)
        self.assertEqual(binding(event, "microsoft").remote_id, remote["id"])
        since = len(self.graph.requests)
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(len(self.graph_requests(since)), 1)  # a no-op: the delta
        self.assertTrue(event.exists())
        self.assertEqual(len(self.graph.events(ALICE)), 1)

    def test_event_moved_beyond_the_window_in_outlook_is_moved_not_deleted(self):
        self.sync()
        remote = self.outlook_event("Offsite", self.start)
        self.sync()
        event = self.bound("calendar.event", remote["id"])
        self.assertEqual(len(event), 1)
        self.graph.update_event(ALICE, remote["id"], graph_times(self.far))
        self.sync()
        self.assertTrue(event.exists())
        self.assertEqual(binding(event, "microsoft").remote_id, remote["id"])
        self.assertEqual(event.start.date(), self.far.date())
        # moved back into the window: the same event, never a second one
        self.graph.update_event(ALICE, remote["id"], graph_times(self.start))
        self.sync()
        self.assertEqual(self.bound("calendar.event", remote["id"]), event)
        self.assertEqual(event.start.date(), self.start.date())
        self.assertEqual(self.Event.search_count([("name", "=", "Offsite")]), 1)

    def test_event_deleted_in_outlook_beyond_the_window_is_deleted(self):
        self.sync()
        event = self.local_event(
            name="Far away", start=self.far, stop=self.far + timedelta(hours=1)
        )
        self.sync()
        self.graph.delete_event(ALICE, binding(event, "microsoft").remote_id)
        self.sync()
        self.assertFalse(event.exists())

    def unconfirmed_removal(self, status, times, **fault):
        """An Outlook event deleted, whose removal the next run cannot confirm
        (its GET answers ``status`` ``times`` times): kept, and said on it."""
        self.sync()
        remote = self.outlook_event("Kept", self.start)
        self.sync()
        event = self.bound("calendar.event", remote["id"])
        self.graph.delete_event(ALICE, remote["id"])
        self.graph.inject(
            method="GET",
            path_regex=rf"/me/events/{re.escape(remote['id'])}$",
            status=status,
            times=times,
            in_batch=True,
            **fault,
        )
        counters = self.account._sync()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(counters["failed"], 1)
        self.assertTrue(event.exists())
        self.assertIn("could not tell", binding(event, "microsoft").sync_error)
        return event

    def test_removal_graph_cannot_confirm_keeps_the_event(self):
        event = self.unconfirmed_removal(500, 1000)
        # asked again by every run (a full listing of the window too) until
        # Graph answers
        self.graph.clear_faults()
        self.age_window(400)
        self.sync()
        self.assertFalse(event.exists())

    def test_removal_graph_could_not_confirm_is_asked_again_on_the_next_run(self):
        # the delta link moves on and reports the removal no more: the run
        # keeps it on the binding, and the next one asks Graph again
        event = self.unconfirmed_removal(429, 1, retry_after=120)
        self.sync()
        self.assertFalse(event.exists())
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})

    def test_removal_of_an_exception_of_a_deleted_series_is_confirmed_with_it(self):
        # Outlook reports a deleted series' exceptions @removed too: each is
        # asked about as any removal, and applied with the series'
        # occurrences, not as an event of its own
        series = self.outlook_series("Standup", self.start + timedelta(days=1))
        window = self.start - timedelta(days=30), self.start + timedelta(days=400)
        first = self.graph.instances(ALICE, series["id"], *window)[0]
        self.graph.update_event(ALICE, first["id"], {"subject": "Standup (once)"})
        self.sync()
        recurrence = self.bound("calendar.recurrence", series["id"])
        renamed = self.bound("calendar.event", first["id"])
        self.assertEqual(renamed.name, "Standup (once)")
        self.graph.delete_event(ALICE, series["id"])
        since = len(self.graph.requests)
        self.assertEqual(self.sync()["failed"], 0)
        asked = {r.path for r in self.batch_items(since) if r.method == "GET"}
        self.assertTrue(any(path.endswith(first["id"]) for path in asked))
        self.assertFalse(recurrence.exists())
        self.assertFalse(renamed.exists())

    def test_stale_window_is_replaced_without_deleting_or_duplicating(self):
        self.params.set_param("calendar_sync.microsoft_future_days", "60")
        self.sync()  # a delta link over today - 1 year .. today + 60 days
        later_day = self.start + timedelta(days=180)
        inside = self.outlook_event("Inside", self.start)
        later = self.outlook_event("Later", later_day)
        series = self.outlook_series("Standup", self.start + timedelta(days=1))
        mine = self.local_event(
            name="Odoo later", start=later_day, stop=later_day + timedelta(hours=1)
        )
        self.sync()
        self.assertFalse(self.bound("calendar.event", later["id"]))  # not yet
        first = self.bound("calendar.event", inside["id"])
        recurrence = self.bound("calendar.recurrence", series["id"])
        self.assertEqual(len(recurrence.calendar_event_ids), 4)
        self.assertTrue(binding(mine, "microsoft").remote_id)
        self.params.set_param("calendar_sync.microsoft_future_days", "730")
        # a young window stays as it is: the next run reads its delta link
        since = len(self.graph.requests)
        self.sync()
        self.assertFalse(self.full_listing_requested(since))
        self.assertFalse(self.bound("calendar.event", later["id"]))
        # older than calendar_sync.microsoft_window_refresh_days (30 by
        # default): a new delta over the current window
        self.age_window(31)
        since = len(self.graph.requests)
        counters = self.sync()
        self.assertTrue(self.full_listing_requested(since))
        self.assertEqual(counters["pulled"], 1)  # "Later" entered the window
        self.assertEqual(counters["pushed"], 0)
        self.assertEqual(split_token(self.account.sync_token)[1], self.today)
        self.assertEqual(len(self.bound("calendar.event", later["id"])), 1)
        self.assertEqual(self.bound("calendar.event", inside["id"]), first)
        self.assertEqual(self.bound("calendar.recurrence", series["id"]), recurrence)
        self.assertEqual(len(recurrence.calendar_event_ids), 4)
        self.assertTrue(mine.exists())
        self.assertEqual(len(self.graph.events(ALICE)), 4)
        for name in ("Inside", "Later", "Odoo later"):
            self.assertEqual(self.Event.search_count([("name", "=", name)]), 1, name)
        since = len(self.graph.requests)
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(len(self.graph_requests(since)), 1)

    def test_window_refresh_days_is_a_system_parameter(self):
        self.params.set_param(PARAM_WINDOW_REFRESH_DAYS, "7")
        self.sync()
        self.age_window(6)
        since = len(self.graph.requests)
        self.sync()
        self.assertFalse(self.full_listing_requested(since))
        self.age_window(7)
        since = len(self.graph.requests)
        self.sync()
        self.assertTrue(self.full_listing_requested(since))

    def test_delta_link_of_an_earlier_version_gets_a_new_window(self):
        self.sync()
        event = self.local_event()
        self.sync()
        link, _taken, _waiting = split_token(self.account.sync_token)
        self.account.sudo().sync_token = link  # stored without its window's day
        since = len(self.graph.requests)
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertTrue(self.full_listing_requested(since))
        self.assertEqual(split_token(self.account.sync_token)[1], self.today)
        self.assertTrue(event.exists())
        self.assertEqual(len(self.graph.events(ALICE)), 1)

    # ------------------------------------------------------------ series
    def test_series_whose_instances_fail_does_not_stop_the_run(self):
        self.sync()
        broken = self.outlook_series("Standup", self.start)
        fine = self.outlook_series("Review", self.start + timedelta(days=1))
        single = self.outlook_event("Lunch", self.start + timedelta(days=2))
        self.fail_instances(broken["id"])
        counters = self.account._sync()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(counters["failed"], 1)
        self.assertTrue(self.bound("calendar.event", single["id"]))
        good = self.bound("calendar.recurrence", fine["id"])
        self.assertEqual(len(good.calendar_event_ids), 4)
        self.assertTrue(
            all(binding(ev, "microsoft").remote_id for ev in good.calendar_event_ids)
        )
        # imported, its occurrences kept but not bound: the error says why
        recurrence = self.bound("calendar.recurrence", broken["id"])
        occurrences = recurrence.calendar_event_ids
        self.assertEqual(len(occurrences), 4)
        self.assertFalse(any(binding(ev, "microsoft").remote_id for ev in occurrences))
        self.assertIn("could not be read", binding(recurrence, "microsoft").sync_error)
        self.assertIn("could not be read", recurrence.base_event_id.calendar_sync_error)
        self.assertTrue(split_token(self.account.sync_token)[2])  # read it again
        # nothing changed in Outlook: the next run reads the series again
        self.graph.clear_faults()
        self.sync()
        self.assertEqual(
            {binding(ev, "microsoft").remote_id for ev in occurrences},
            {i["id"] for i in self.outlook_instances(broken["id"])},
        )
        self.assertFalse(binding(recurrence, "microsoft").sync_error)
        self.assertFalse(recurrence.base_event_id.calendar_sync_error)
        self.assertFalse(split_token(self.account.sync_token)[2])
        since = len(self.graph.requests)
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(len(self.graph_requests(since)), 1)

    def test_occurrences_of_an_unreadable_series_are_not_deleted(self):
        self.sync()
        master = self.outlook_series("Standup", self.start)
        self.sync()
        recurrence = self.bound("calendar.recurrence", master["id"])
        instances = self.outlook_instances(master["id"])
        self.graph.delete_event(ALICE, instances[2]["id"])  # changes the master
        self.fail_instances(master["id"])
        counters = self.account._sync()
        self.assertEqual(counters["failed"], 1)
        self.assertEqual(len(recurrence.calendar_event_ids), 4)
        self.assertTrue(binding(recurrence, "microsoft").sync_error)
        self.graph.clear_faults()
        self.sync()
        self.assertEqual(len(recurrence.calendar_event_ids), 3)
        events = recurrence.calendar_event_ids
        self.assertNotIn(
            instances[2]["id"], [binding(ev, "microsoft").remote_id for ev in events]
        )
        self.assertFalse(binding(recurrence, "microsoft").sync_error)

    def test_series_pushed_while_its_instances_fail_is_completed_next_run(self):
        self.sync()
        recurrence = self.odoo_series()
        occurrences = recurrence.calendar_event_ids.sorted("start")
        occurrences[2].with_user(self.alice).action_mass_archive("self_only")
        fault = self.graph.inject(
            method="GET", path_regex=r"/instances", status=500, times=1000
        )
        counters = self.account._sync()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(counters["failed"], 1, self.account.last_error)
        master_id = binding(recurrence, "microsoft").remote_id
        self.assertTrue(master_id)
        self.assertTrue(fault.hits)
        self.assertEqual(len(self.outlook_instances(master_id)), 4)
        self.graph.clear_faults()
        self.sync()
        alive = self.outlook_instances(master_id)
        self.assertEqual(len(alive), 3)
        active = recurrence.calendar_event_ids.filtered("active")
        self.assertEqual(
            {binding(ev, "microsoft").remote_id for ev in active},
            {i["id"] for i in alive},
        )
        self.assertFalse(binding(recurrence, "microsoft").sync_error)

    # ------------------------------------------------------------ If-Match
    def adapter_run(self):
        client = self.account._client()
        return SyncRun(
            self.env,
            self.account,
            MicrosoftAdapter,
            client,
            [],
            False,
            window=_window(self.env),
        )

    def test_single_event_writes_carry_its_etag_and_a_changed_event_refuses(self):
        self.sync()
        event = self.local_event()
        self.sync()
        remote_id = binding(event, "microsoft").remote_id
        etag = binding(event, "microsoft").etag
        self.graph.update_event(ALICE, remote_id, {"subject": "Changed in Outlook"})
        run = self.adapter_run()
        key = EventKey(event.id)
        run.items[key] = event
        neutral = event._calendar_sync_neutral()
        patch = run.adapter.event_op(key, "patch", remote_id, neutral, etag=etag)
        self.assertEqual(patch.request["headers"]["If-Match"], etag)
        result = run.adapter.send([patch])[key]
        self.assertFalse(result.ok)
        self.assertEqual(result.status, 412)
        self.assertTrue(result.precondition_failed)
        self.assertFalse(result.retryable)
        delete = run.adapter.delete_op(key, remote_id, etag=etag)
        self.assertTrue(run.adapter.send([delete])[key].precondition_failed)
        [remote] = self.graph.events(ALICE)
        self.assertEqual(remote["subject"], "Changed in Outlook")
        # with the current etag the write goes through
        patch = run.adapter.event_op(
            key, "patch", remote_id, neutral, etag=remote["@odata.etag"]
        )
        result = run.adapter.send([patch])[key]
        self.assertTrue(result.ok)
        self.assertFalse(result.precondition_failed)
        self.assertEqual(self.graph.events(ALICE)[0]["subject"], "Planning")

    def test_series_and_occurrence_writes_are_not_conditional(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        occurrence = recurrence.calendar_event_ids.sorted("start")[1]
        occurrence.write({"name": "Moved agenda", "follow_recurrence": False})
        run = self.adapter_run()
        event_key, series_key = EventKey(occurrence.id), SeriesKey(recurrence.id)
        run.items[event_key] = occurrence
        run.items[series_key] = recurrence
        master_id = binding(recurrence, "microsoft").remote_id
        stale = binding(recurrence, "microsoft").etag
        ops = [
            run.adapter.event_op(
                event_key,
                "patch",
                binding(occurrence, "microsoft").remote_id,
                occurrence._calendar_sync_neutral(),
                etag=binding(occurrence, "microsoft").etag,
            ),
            # the occurrence's write changes the master's change key: a stale
            # etag on the master must not refuse the series' own write
            run._series_write(series_key, "patch", master_id, recurrence),
        ]
        for op in ops:
            self.assertNotIn("If-Match", op.request.get("headers") or {})
        results = run.adapter.send(ops)
        self.assertTrue(all(result.ok for result in results.values()), results)
        delete = run.adapter.delete_op(series_key, master_id, etag=stale)
        self.assertNotIn("If-Match", delete.request.get("headers") or {})
