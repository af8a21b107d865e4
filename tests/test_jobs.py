# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Background runs: requested by the calendar, Sync Now, a notification and
the scheduler; made by the requested-runs cron (Odoo alone) or by queue_job's
jobs (when OCA's queue_job is installed: ``./run-tests --queue-job``)."""

from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged

from ..engine import jobs, steps
from ..engine.scheduler import SYNC_LOCK_KEY, USER_LOCK_KEY
from .common import GoogleEmulatorMixin, make_users, run_requested

ALICE = "alice@example.com"


class JobsCase(GoogleEmulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.Account = cls.env["calendar.sync.account"]
        cls.Event = cls.env["calendar.event"]

    def add_remote_event(self, name):
        start = datetime(2030, 3, 4, 9)
        self.google.add_event(
            ALICE,
            {
                "summary": name,
                "start": {"dateTime": start.isoformat() + "Z"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat() + "Z"},
            },
        )

    def request_three_times(self, account):
        """The calendar opens, the user clicks Sync Now, the calendar opens
        in another tab: three requests before any worker runs."""
        self.Account._sync_for_user(self.alice, "google")
        account.with_user(self.alice).action_sync_now()
        self.Account._sync_for_user(self.alice, "google")

    def logs(self, account):
        return self.env["calendar.sync.log"].search([("account_id", "=", account.id)])

    def triggers(self):
        cron = self.env.ref(jobs.REQUESTED_CRON)
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])


@tagged("post_install", "-at_install", "calendar_sync")
class TestCronRuns(JobsCase):
    """Without queue_job: Odoo's cron triggers."""

    def test_without_queue_job_a_request_triggers_the_requested_runs_cron(self):
        self.assertFalse(jobs.queue_job_enabled(self.env))
        account = self.connect_google(self.alice)
        self.add_remote_event("Kick-off")
        before = len(self.triggers())
        self.request_three_times(account)
        self.assertGreater(len(self.triggers()), before)
        self.assertFalse(self.Event.search([("name", "=", "Kick-off")]))
        run_requested(self.env)
        self.assertTrue(self.Event.search([("name", "=", "Kick-off")]))
        self.assertEqual(len(self.logs(account)), 1, "three requests, one run")

    def test_picking_an_account_locks_it_and_consumes_its_request_in_one_query(self):
        account = self.connect_google(self.alice)
        self.Account._sync_for_user(self.alice, "google")
        with self.assertQueryCount(1):
            picked = jobs._pick(self.Account.sudo(), set())
        self.assertEqual(picked.account_id, account.id)
        self.assertTrue(picked.locked)
        self.assertFalse(account.sync_requested, "consumed: the run is under way")
        self.assertTrue(account.last_attempt_date)

    def test_picked_account_whose_user_another_worker_runs_keeps_its_request(self):
        account = self.connect_google(self.alice)
        self.Account._sync_for_user(self.alice, "google")
        with self.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [USER_LOCK_KEY, self.alice.id]
            )
            picked = jobs._pick(self.Account.sudo(), set())
            other.rollback()
        self.assertEqual(picked.account_id, account.id)
        self.assertFalse(picked.locked)
        self.assertTrue(picked.may_sync)
        self.assertTrue(account.sync_requested, "the request stays")

    def test_account_of_a_stopped_sync_is_not_run_even_when_requested(self):
        account = self.connect_google(self.alice)
        self.Account._sync_for_user(self.alice, "google")
        account.with_user(self.alice).action_stop_sync()
        run_requested(self.env)
        self.assertFalse(self.logs(account))


@tagged("post_install", "-at_install", "-standard", "calendar_sync_queue_job")
class TestQueueJobRuns(JobsCase):
    """With OCA's queue_job installed (``./run-tests --queue-job`` installs it
    on its own database): every requested run is a job."""

    def setUp(self):
        super().setUp()
        self.assertTrue(
            jobs.queue_job_enabled(self.env),
            "queue_job is not installed in this database",
        )

    def queued(self, account=None, state="pending"):
        domain = [
            ("model_name", "=", "calendar.sync.account"),
            ("method_name", "=", "_run_requested_sync"),
            ("state", "=", state),
        ]
        jobs_ = self.env["queue.job"].search(domain)
        if account is not None:
            jobs_ = jobs_.filtered(lambda job: job.records == account)
        return jobs_

    def perform(self, job_record):
        """What queue_job's runner does with a job (its controller, without
        the HTTP request): load, start, perform, done."""
        from odoo.addons.queue_job.job import Job

        job = Job.load(self.env, job_record.uuid)
        job.set_started()
        job.store()
        result = job.perform()
        job.set_done(result=result)
        job.store()
        self.env.invalidate_all()

    def test_requesting_three_times_enqueues_one_job_per_account(self):
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        triggers = len(self.triggers())
        self.request_three_times(alice)
        bob.with_user(self.bob).action_sync_now()
        self.assertEqual(len(self.queued(alice)), 1)
        self.assertEqual(len(self.queued(bob)), 1)
        self.assertEqual(set(self.queued().mapped("channel")), {jobs.CHANNEL})
        self.assertEqual(len(self.triggers()), triggers, "no cron is triggered")
        self.assertFalse(self.logs(alice), "nothing ran in the request")

    def test_job_performed_syncs_the_account_and_a_new_request_makes_a_new_job(self):
        account = self.connect_google(self.alice)
        self.add_remote_event("Kick-off")
        self.request_three_times(account)
        self.perform(self.queued(account))
        self.assertTrue(self.Event.search([("name", "=", "Kick-off")]))
        self.assertFalse(account.sync_requested)
        self.assertEqual(len(self.logs(account)), 1)
        self.assertEqual(len(self.queued(account, "done")), 1)
        # a change after the run: a new job
        self.Account._sync_for_user(self.alice, "google")
        self.assertEqual(len(self.queued(account)), 1)

    def test_a_long_import_goes_on_in_one_job_per_step(self):
        self.env["ir.config_parameter"].sudo().set_param(steps.STEP_PARAM, 2)
        account = self.connect_google(self.alice)
        for index in range(5):
            self.add_remote_event(f"Step {index}")
        account.with_user(self.alice).action_sync_now()
        performed = 0
        while self.queued(account):
            self.assertEqual(len(self.queued(account)), 1)
            self.perform(self.queued(account))
            performed += 1
            self.assertLess(performed, 20)
        # 3 listing steps and 3 apply steps, each its own job
        self.assertEqual(performed, 6)
        names = self.Event.search([("name", "like", "Step ")]).mapped("name")
        self.assertEqual(sorted(names), [f"Step {index}" for index in range(5)])
        self.assertFalse(steps.under_way(account))
        self.assertTrue(account.sync_token)

    def test_job_of_an_account_another_worker_runs_is_postponed(self):
        from odoo.addons.queue_job.exception import RetryableJobError

        account = self.connect_google(self.alice)
        self.Account._sync_for_user(self.alice, "google")
        with self.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [SYNC_LOCK_KEY, account.id]
            )
            with self.assertRaises(RetryableJobError):
                account._run_requested_sync()
            other.rollback()
        self.assertTrue(account.sync_requested, "the request stays")
        self.assertFalse(self.logs(account))

    def test_scheduled_pass_enqueues_a_job_per_account_and_runs_none_itself(self):
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        self.Account._cron_sync_all()
        self.assertEqual(len(self.queued(alice)), 1)
        self.assertEqual(len(self.queued(bob)), 1)
        self.assertFalse(self.logs(alice) | self.logs(bob))
        # the requested-runs cron (a safety net) hands lost requests to
        # queue_job again, without a second pending job
        run_requested(self.env)
        self.assertEqual(len(self.queued(alice)), 1)
        self.assertFalse(self.logs(alice))

    def test_throttled_run_leaves_a_job_for_the_time_the_provider_named(self):
        account = self.connect_google(self.alice)
        account._sync()
        self.google.inject(
            method="GET",
            status=429,
            reason="rateLimitExceeded",
            retry_after=600,
            times=1,
        )
        self.Account._sync_for_user(self.alice, "google")
        self.perform(self.queued(account))
        self.assertTrue(account.sync_retry_at)
        later = self.queued(account)
        self.assertEqual(len(later), 1)
        self.assertEqual(later.eta, account.sync_retry_at)
