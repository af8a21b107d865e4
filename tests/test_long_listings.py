# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Long listings are committed in steps and resume where they stopped
(engine/steps.py): here a step is two items, so a few events make a long
listing; a background worker makes one step per transaction."""

from datetime import timedelta

import pytz

from odoo.tests import tagged

from ..engine import jobs, steps
from ..engine.google import instance_suffix
from .common import binding, event_times, run_requested
from .engine_rules_common import EngineCase, _future

ALICE = "alice@example.com"
STEP = 2


class WorkerKilled(Exception):
    """The worker running a step died before its commit."""


@tagged("post_install", "-at_install", "calendar_sync")
class TestLongListings(EngineCase):
    """A listing longer than a step is applied across several background
    steps, each one committed: nothing is lost or duplicated, nothing local is
    sent before the whole listing is known."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(steps.STEP_PARAM, STEP)
        self.google_account = self.connect_google(self.alice)
        self.outlook_account = self.connect_microsoft(self.alice)
        self.Staged = self.env["calendar.sync.staged"].sudo()

    # ------------------------------------------------------------ helpers
    def step(self, account):
        """One background step: what one job (or one cron transaction) does."""
        account.invalidate_recordset()
        if not account.sync_requested:
            jobs.request(account)
        self.assertEqual(jobs.run_requested(account), jobs.DONE)
        account.invalidate_recordset()
        self.assertEqual(account.state, "connected", account.last_error)

    def steps_to_the_end(self, account, at_most=40):
        """Background steps until the listing ends; how many were needed."""
        for count in range(1, at_most + 1):
            self.step(account)
            if not steps.under_way(account):
                return count
        self.fail("the listing never ended")

    def google_singles(self, count, days=10):
        for index in range(count):
            self.google.add_event(
                ALICE,
                {
                    "summary": f"Google {index}",
                    **event_times(_future(days + index)),
                },
            )

    def google_series_with_an_exception(self):
        """A weekly series of four, its second occurrence renamed alone."""
        first = _future(30)
        master = self.google.add_event(
            ALICE,
            {
                "summary": "Weekly",
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
                **event_times(first),
            },
        )
        second = pytz.timezone("Europe/Brussels").localize(first + timedelta(days=7))
        suffix = instance_suffix(second.astimezone(pytz.utc), False)
        self.google.update_event(
            ALICE, f"{master['id']}_{suffix}", {"summary": "Weekly (renamed)"}
        )
        return master

    def local_names(self):
        return sorted(
            self.env["calendar.event"]
            .search([("user_id", "=", self.alice.id)])
            .mapped("name")
        )

    # ------------------------------------------------------------ Google
    def test_long_google_import_is_applied_in_steps_without_loss_or_duplicate(self):
        self.google_singles(7)
        self.outlook_account.sync_stopped = True
        inserts_before = len(self.google.events(ALICE))
        count = self.steps_to_the_end(self.google_account)
        # 7 items: 4 listing steps (2 items each), then 4 apply steps
        self.assertGreater(count, 4)
        self.assertEqual(self.local_names(), [f"Google {i}" for i in range(7)])
        account = self.google_account
        self.assertTrue(account.sync_token)
        self.assertTrue(account.first_sync_done)
        self.assertFalse(self.Staged.search([("account_id", "=", account.id)]))
        self.assertEqual(len(self.google.events(ALICE)), inserts_before)
        # converged: the next run has nothing to do
        counters = account._sync()
        self.assertEqual((counters["pulled"], counters["pushed"]), (0, 0))

    def test_series_and_its_exception_in_different_steps_make_one_series(self):
        self.google_series_with_an_exception()
        self.google_singles(3)
        self.outlook_account.sync_stopped = True
        self.steps_to_the_end(self.google_account)
        recurrence = self.env["calendar.recurrence"].search(
            [("base_event_id.name", "like", "Weekly")]
        )
        self.assertEqual(len(recurrence), 1)
        names = recurrence.calendar_event_ids.sorted("start").mapped("name")
        self.assertEqual(names, ["Weekly", "Weekly (renamed)", "Weekly", "Weekly"])
        counters = self.google_account._sync()
        self.assertEqual((counters["pulled"], counters["pushed"]), (0, 0))

    def test_a_step_lost_with_its_worker_is_done_again_without_duplicates(self):
        self.google_singles(7)
        self.outlook_account.sync_stopped = True
        account = self.google_account
        for _index in range(5):  # the listing, and a first apply step
            self.step(account)
        before = (account.sync_listing, self.Staged.search_count([]))
        # the next step's worker dies before its commit: nothing of it stays
        with self.assertRaises(WorkerKilled), self.env.cr.savepoint():
            self.step(account)
            raise WorkerKilled()
        account.invalidate_recordset()
        self.assertEqual((account.sync_listing, self.Staged.search_count([])), before)
        self.steps_to_the_end(account)
        self.assertEqual(self.local_names(), [f"Google {i}" for i in range(7)])

    def test_an_expired_page_token_starts_the_listing_again(self):
        self.google_singles(7)
        self.outlook_account.sync_stopped = True
        account = self.google_account
        self.step(account)
        self.step(account)
        self.google.invalidate_page_tokens()
        self.steps_to_the_end(account)
        self.assertEqual(self.local_names(), [f"Google {i}" for i in range(7)])
        self.assertFalse(self.Staged.search([]))

    def test_local_events_are_sent_only_once_the_whole_listing_is_known(self):
        # Alice's events are in Google with the Odoo id our push wrote, but
        # their bindings were lost (a restore): a long listing must bind
        # them again, not send them as new events before it reaches them
        self.outlook_account.sync_stopped = True
        events = [self.event(f"Local {index}", days=10 + index) for index in range(5)]
        self.google_account._sync()
        self.assertEqual(len(self.google.events(ALICE)), 5)
        self.env["calendar.sync.binding"].sudo().search(
            [("account_id", "=", self.google_account.id)]
        ).unlink()
        self.google_account.sync_token = False
        self.step(self.google_account)
        late = self.event("Made during the listing", days=20)
        while steps.under_way(self.google_account):
            self.assertEqual(len(self.google.events(ALICE)), 5)
            self.step(self.google_account)
        remote = self.google.events(ALICE)
        self.assertEqual(len(remote), 6)
        self.assertIn("Made during the listing", [item["summary"] for item in remote])
        for event in [*events, late]:
            self.assertTrue(binding(event, "google").remote_id, event.name)
        self.assertEqual(len(self.local_names()), 6)

    def test_a_remote_deletion_is_found_only_from_the_whole_listing(self):
        self.outlook_account.sync_stopped = True
        self.env["ir.config_parameter"].sudo().set_param(steps.STEP_PARAM, 1000)
        self.google_singles(6)
        self.google_account._sync()
        gone = next(i for i in self.google.events(ALICE) if i["summary"] == "Google 4")
        self.google.delete_event(ALICE, gone["id"])
        self.google.invalidate_sync_tokens()  # the next listing is a full one
        self.env["ir.config_parameter"].sudo().set_param(steps.STEP_PARAM, STEP)
        self.steps_to_the_end(self.google_account)
        self.assertEqual(self.local_names(), [f"Google {i}" for i in (0, 1, 2, 3, 5)])

    def test_first_sync_is_done_only_when_the_listing_ends(self):
        self.google_singles(5)
        self.outlook_account.sync_stopped = True
        account = self.google_account
        self.step(account)
        self.assertFalse(account.first_sync_done)
        self.steps_to_the_end(account)
        self.assertTrue(account.first_sync_done)

    def test_the_user_sees_how_far_a_long_import_is(self):
        self.google_singles(5)
        self.outlook_account.sync_stopped = True
        account = self.google_account
        self.step(account)
        account.invalidate_recordset()
        self.assertIn(
            "2 items read so far", account.with_user(self.alice).sync_progress
        )
        while steps.progress(account)[2]:  # still listing
            self.step(account)
        self.step(account)
        account.invalidate_recordset()
        self.assertIn("2 of 5 items applied", account.sync_progress)
        status = self.env["calendar.sync.account"]._status_for_user(self.alice)
        self.assertEqual(status["google"]["progress"], account.sync_progress)
        self.steps_to_the_end(account)
        account.invalidate_recordset()
        self.assertFalse(account.sync_progress)

    def test_reset_drops_the_listing_under_way(self):
        self.google_singles(5)
        self.outlook_account.sync_stopped = True
        account = self.google_account
        self.step(account)
        self.assertTrue(self.Staged.search([("account_id", "=", account.id)]))
        account.write({"sync_token": False})  # what Reset Account does
        self.assertFalse(account.sync_listing)
        self.assertFalse(self.Staged.search([("account_id", "=", account.id)]))

    def test_requested_runs_go_on_until_the_listing_is_done(self):
        self.google_singles(5)
        self.outlook_account.sync_stopped = True
        jobs.request(self.google_account)
        run_requested(self.env)
        self.assertFalse(steps.under_way(self.google_account))
        self.assertEqual(self.local_names(), [f"Google {i}" for i in range(5)])

    # ------------------------------------------------------------ Outlook
    def outlook_singles(self, count, days=10):
        for index in range(count):
            self.graph.add_event(
                ALICE,
                {"subject": f"Outlook {index}", **event_times(_future(days + index))},
            )

    def test_long_outlook_import_is_applied_in_steps_without_loss_or_duplicate(
        self,
    ):
        self.google_account.sync_stopped = True
        self.outlook_singles(5)
        first = _future(40)
        self.graph.add_event(
            ALICE,
            {
                "subject": "Outlook weekly",
                **event_times(first),
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
                        "numberOfOccurrences": 3,
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        count = self.steps_to_the_end(self.outlook_account)
        self.assertGreater(count, 3)
        names = self.local_names()
        self.assertEqual(names.count("Outlook weekly"), 3)
        self.assertEqual(
            [n for n in names if n != "Outlook weekly"],
            [f"Outlook {i}" for i in range(5)],
        )
        self.assertEqual(len(self.graph.events(ALICE)), 6)
        self.assertTrue(self.outlook_account.sync_token)
        counters = self.outlook_account._sync()
        self.assertEqual((counters["pulled"], counters["pushed"]), (0, 0))
