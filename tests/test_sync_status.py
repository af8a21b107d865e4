# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Each state the calendar header and the Calendar tab show, reached the way it
happens for real: through the emulators (refused tokens, a 5xx storm), the
administrator's pause switch, or another worker syncing the account."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..engine import jobs
from ..engine.scheduler import SYNC_LOCK_KEY, USER_LOCK_KEY
from .common import GoogleEmulatorMixin, GraphEmulatorMixin, make_users, run_requested


class SyncStatusRules:
    """The rules, for one provider (``provider``, ``connect``, ``refuse_tokens``,
    ``storm``, ``add_remote_event``)."""

    provider = None
    allow_inherited_tests_method = True  # Odoo's loader skips inherited tests

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.Account = cls.env["calendar.sync.account"]
        # a storm is over after one retry: the test need not wait 30 s of backoff
        cls.env["ir.config_parameter"].sudo().set_param("calendar_sync.max_retries", 1)

    def header(self, user=None):
        self.env.invalidate_all()  # as a new request would
        return self.Account._status_for_user(user or self.alice)[self.provider]

    def tab(self, account):
        """The account as its owner reads it on the Calendar tab."""
        account.invalidate_recordset()
        return account.with_user(self.alice)

    # ------------------------------------------------------------ states
    def test_user_without_account_sees_the_connect_button(self):
        header = self.header()
        self.assertTrue(header["configured"])
        self.assertEqual(header["status"], "not_connected")
        self.assertEqual(
            header["connect_url"], f"/calendar_sync/{self.provider}/connect"
        )

    def test_successful_sync_shows_connected_with_the_time_of_the_sync(self):
        account = self.connect(self.alice)
        self.add_remote_event("Kick-off")
        account._sync()
        header = self.header()
        self.assertEqual(header["status"], "connected")
        self.assertFalse(header["error"])
        self.assertEqual(header["last_sync"], str(account.last_sync_date))
        tab = self.tab(account)
        self.assertEqual(tab.sync_status, "connected")
        self.assertTrue(tab.last_sync_date)
        self.assertFalse(tab.last_error)
        self.assertEqual(tab.last_run_pulled, 1)

    def test_paused_provider_shows_paused_and_nothing_syncs(self):
        account = self.connect(self.alice)
        self.set_paused(True)
        self.assertEqual(self.header()["status"], "paused")
        self.assertEqual(self.tab(account).sync_status, "paused")
        self.assertEqual(
            self.Account._sync_for_user(self.alice, self.provider),
            {"changed": False, "status": "paused"},
        )
        self.set_paused(False)
        self.assertEqual(self.header()["status"], "connected")

    def test_refused_refresh_token_shows_needs_reconnect_with_the_reason(self):
        account = self.connect(self.alice)
        self.refuse_tokens(account)
        self.assertIsNone(account._sync())
        header = self.header()
        self.assertEqual(header["status"], "needs_reconnect")
        self.assertIn("Reconnect", header["error"])
        tab = self.tab(account)
        self.assertEqual(tab.sync_status, "needs_reconnect")
        self.assertEqual(tab.last_error, header["error"])
        self.assertNotIn("Traceback", tab.last_error)

    def test_5xx_storm_shows_error_and_the_next_run_recovers(self):
        account = self.connect(self.alice)
        self.add_remote_event("Kick-off")
        self.storm()
        with self.assertLogs("odoo.addons.calendar_sync.engine.scheduler", "WARNING"):
            self.assertIsNone(account._sync())
        header = self.header()
        self.assertEqual(header["status"], "error")
        # said in plain words (translated), what the provider said as a detail
        self.assertIn("is not available right now", header["error"])
        self.assertIn("(Detail: ", header["error"])
        self.assertIn("503", header["error"])
        self.assertNotIn("Traceback", header["error"])
        self.assertEqual(self.tab(account).last_error, header["error"])
        self.assertFalse(
            self.env["calendar.event"].search([("name", "=", "Kick-off")]),
            "nothing of the failed run is kept",
        )
        # the storm is over: the scheduled sync tries again and recovers
        self.clear_faults()
        self.Account._cron_sync_all()
        self.assertEqual(self.header()["status"], "connected")
        self.assertFalse(self.header()["error"])
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "Kick-off")]))

    def test_account_synced_by_another_worker_shows_syncing(self):
        account = self.connect(self.alice)
        with self.registry.cursor() as other:
            # the cron (another connection) is syncing Alice's account
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [SYNC_LOCK_KEY, account.id]
            )
            self.assertEqual(self.header()["status"], "syncing")
            self.assertEqual(self.header(self.bob)["status"], "not_connected")
            # the calendar view's own sync does not run twice, and says why
            self.assertEqual(
                self.Account._sync_for_user(self.alice, self.provider),
                {"changed": False, "status": "syncing"},
            )
            other.rollback()
        self.assertEqual(self.header()["status"], "connected")

    def test_own_sync_is_not_reported_as_syncing_elsewhere(self):
        account = self.connect(self.alice)
        self.assertTrue(account._lock())
        self.assertEqual(self.header()["status"], "connected")

    def test_sync_now_and_opening_the_calendar_try_a_failed_account_again(self):
        account = self.connect(self.alice)
        for retry in (
            lambda: self.Account._sync_for_user(self.alice, self.provider),
            lambda: account.with_user(self.alice).action_sync_now(),
        ):
            self.storm()
            with self.assertLogs(
                "odoo.addons.calendar_sync.engine.scheduler", "WARNING"
            ):
                account._sync()
            self.assertEqual(self.header()["status"], "error")
            self.clear_faults()
            retry()
            self.assertEqual(self.header()["status"], "queued")
            run_requested(self.env)
            header = self.header()
            self.assertEqual(header["status"], "connected")
            self.assertFalse(header["error"])

    def test_administrators_bulk_sync_now_asks_the_provider_again(self):
        accounts = self.connect(self.alice) | self.connect(self.bob)
        self.storm()
        with self.assertLogs("odoo.addons.calendar_sync.engine.scheduler", "WARNING"):
            for account in accounts:
                account._sync()
        self.assertEqual(set(accounts.mapped("state")), {"error"})
        self.clear_faults()
        action = accounts.with_user(self.admin).action_sync_now()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        run_requested(self.env)
        self.assertEqual(set(accounts.mapped("state")), {"connected"})

    # ------------------------------------------------------------ background
    def test_opening_the_calendar_requests_a_run_that_a_worker_makes(self):
        account = self.connect(self.alice)
        self.add_remote_event("Kick-off")
        answer = self.Account._sync_for_user(self.alice, self.provider)
        self.assertEqual(answer, {"changed": False, "status": "queued"})
        # nothing ran in the request: the header shows the run as queued
        self.assertFalse(self.env["calendar.event"].search([("name", "=", "Kick-off")]))
        self.assertEqual(self.header()["status"], "queued")
        cron = self.env.ref(jobs.REQUESTED_CRON)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        run_requested(self.env)
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "Kick-off")]))
        self.assertEqual(self.header()["status"], "connected")
        self.assertFalse(self.tab(account).sync_requested)

    def test_several_requests_before_the_run_make_one_run(self):
        account = self.connect(self.alice)
        self.Account._sync_for_user(self.alice, self.provider)
        account.with_user(self.alice).action_sync_now()
        self.Account._sync_for_user(self.alice, self.provider)
        run_requested(self.env)
        logs = self.env["calendar.sync.log"].search([("account_id", "=", account.id)])
        self.assertEqual(len(logs), 1)

    def test_account_another_worker_runs_is_left_to_it_and_run_later(self):
        account = self.connect(self.alice)
        self.add_remote_event("Kick-off")
        self.Account._sync_for_user(self.alice, self.provider)
        for key, lock_id in (
            (SYNC_LOCK_KEY, account.id),
            (USER_LOCK_KEY, self.alice.id),
        ):
            with self.registry.cursor() as other:
                # another worker syncs this account (or another account of
                # its user) right now
                other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [key, lock_id])
                run_requested(self.env)
                self.assertFalse(
                    self.env["calendar.event"].search([("name", "=", "Kick-off")])
                )
                self.assertTrue(account.sync_requested, "the request stays")
                other.rollback()
        run_requested(self.env)
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "Kick-off")]))
        self.assertFalse(account.sync_requested)

    # ------------------------------------------------------------ throttled
    def test_throttled_run_does_not_wait_in_its_transaction(self):
        account = self.connect(self.alice)
        account._sync()
        # the provider asks for 2 seconds: the client once slept and retried
        self.throttle(retry_after=2, times=1)
        calls = self.api_calls()
        self.Account._sync_for_user(self.alice, self.provider)
        run_requested(self.env)
        self.assertEqual(self.api_calls() - calls, 1, "no retry inside the run")
        self.assertTrue(account.sync_retry_at)
        self.assertEqual(account.state, "connected")

    def test_throttled_account_is_retried_at_the_time_the_provider_named(self):
        account = self.connect(self.alice)
        account._sync()
        self.add_remote_event("Kick-off")
        self.throttle(retry_after=600, times=1)
        self.Account._sync_for_user(self.alice, self.provider)
        run_requested(self.env)
        # the run gave up and said when it tries again; nothing is lost
        self.assertFalse(self.env["calendar.event"].search([("name", "=", "Kick-off")]))
        self.assertEqual(account.state, "connected")
        self.assertGreater(
            account.sync_retry_at, fields.Datetime.now() + timedelta(minutes=5)
        )
        header = self.header()
        self.assertEqual(header["status"], "throttled")
        self.assertEqual(header["retry_at"], str(account.sync_retry_at))
        self.assertIn("slow down", header["error"])
        self.assertEqual(self.tab(account).sync_retry_at, account.sync_retry_at)
        # the scheduler leaves it alone until then, and comes back for it
        cron = self.env.ref(jobs.REQUESTED_CRON)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(account.sync_retry_at, triggers.mapped("call_at"))
        calls = self.api_calls()
        self.Account._cron_sync_all()
        self.Account._sync_for_user(self.alice, self.provider)
        run_requested(self.env)
        self.assertEqual(self.api_calls(), calls, "not called before the time")
        # the time has come (as the clock would have it)
        account.sudo().sync_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        run_requested(self.env)
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "Kick-off")]))
        self.assertFalse(account.sync_retry_at)
        self.assertEqual(self.header()["status"], "connected")

    def test_scheduled_pass_requests_every_account_and_runs_them(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.Account._cron_sync_all()
        self.env.invalidate_all()
        self.assertFalse((alice | bob).filtered("sync_requested"))
        self.assertEqual(
            len(
                self.env["calendar.sync.log"].search(
                    [("account_id", "in", (alice | bob).ids)]
                )
            ),
            2,
        )

    def test_sync_stopped_by_the_user_is_told_apart_from_the_pause(self):
        account = self.connect(self.alice)
        account.with_user(self.alice).action_stop_sync()
        header = self.header()
        self.assertEqual((header["status"], header["stopped"]), ("paused", True))
        account.with_user(self.alice).action_restart_sync()
        header = self.header()
        self.assertEqual((header["status"], header["stopped"]), ("connected", False))
        self.set_paused(True)
        header = self.header()
        self.assertEqual((header["status"], header["stopped"]), ("paused", False))

    def test_refused_event_is_counted_in_the_header_and_listed_with_why(self):
        account = self.connect(self.alice)
        account._sync()
        start = datetime.now().replace(microsecond=0) + timedelta(days=2)
        event = (
            self.env["calendar.event"]
            .with_user(self.alice)
            .create(
                {"name": "Refused", "start": start, "stop": start + timedelta(hours=1)}
            )
        )
        self.refuse_pushes()
        account._sync()
        self.assertEqual(self.header()["not_synced"], 1)
        action = account.with_user(self.alice).action_open_not_synced_events()
        listed = (
            self.env["calendar.event"].with_user(self.alice).search(action["domain"])
        )
        self.assertEqual(listed, event)
        self.assertTrue(listed.calendar_sync_error)
        # the Calendar tab and the account name it too
        self.assertEqual(self.tab(account).not_synced_event_ids, event)
        self.assertEqual(self.tab(account).not_synced_count, 1)
        # accepted on the next run: nothing left to show
        self.clear_faults()
        account._sync()
        self.assertEqual(self.header()["not_synced"], 0)

    def test_account_of_another_email_shows_the_mismatch_warning(self):
        account = self.connect(self.alice, account_email="alice.private@example.org")
        tab = self.tab(account)
        self.assertTrue(tab.email_mismatch)
        self.assertIn("alice@example.com", tab.email_mismatch_warning)
        account._sync()
        self.assertEqual(self.header()["status"], "connected")


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleSyncStatus(SyncStatusRules, GoogleEmulatorMixin, TransactionCase):
    provider = "google"

    def connect(self, user, account_email=None):
        return self.connect_google(user, account_email)

    def set_paused(self, paused):
        self.env["ir.config_parameter"].sudo().set_param(
            "google_calendar_sync_paused", "True" if paused else ""
        )

    def refuse_tokens(self, account):
        self.google.revoke_refresh_tokens(account.email)
        account.sudo().token_expiry = datetime(2000, 1, 1)

    def storm(self):
        self.google.inject(status=503, times=50)

    def throttle(self, retry_after, times):
        self.google.inject(
            method="GET",
            status=429,
            reason="rateLimitExceeded",
            retry_after=retry_after,
            times=times,
        )

    def api_calls(self):
        return len(self.google.api_requests())

    def refuse_pushes(self):
        self.google.inject(
            method="POST",
            path_regex=r"/calendar/v3/calendars/[^/]+/events$",
            status=400,
            reason="invalid",
            times=10,
        )

    def clear_faults(self):
        self.google.clear_faults()

    def add_remote_event(self, name):
        start = datetime.now().replace(microsecond=0) + timedelta(days=3)
        self.google.add_event(
            self.alice.email,
            {
                "summary": name,
                "start": {"dateTime": start.isoformat() + "Z"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat() + "Z"},
            },
        )


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookSyncStatus(SyncStatusRules, GraphEmulatorMixin, TransactionCase):
    provider = "microsoft"

    def connect(self, user, account_email=None):
        return self.connect_microsoft(user, account_email)

    def set_paused(self, paused):
        self.env["ir.config_parameter"].sudo().set_param(
            "microsoft_calendar_sync_paused", "True" if paused else ""
        )

    def refuse_tokens(self, account):
        self.graph.revoke_refresh_tokens(account.email)
        account.sudo().token_expiry = datetime(2000, 1, 1)

    def storm(self):
        self.graph.inject(status=503, times=50, retry_after=None)

    def throttle(self, retry_after, times):
        self.graph.inject(
            method="GET", status=429, retry_after=retry_after, times=times
        )

    def api_calls(self):
        return len([r for r in self.graph.requests if r.path.startswith("/v1.0")])

    def refuse_pushes(self):
        self.graph.inject(
            method="POST",
            path_regex=r"/events$",
            status=400,
            code="ErrorInvalidRequest",
            retry_after=None,
            times=10,
        )

    def clear_faults(self):
        self.graph.clear_faults()

    def add_remote_event(self, name):
        start = datetime.now().replace(microsecond=0) + timedelta(days=3)
        self.graph.add_event(
            self.alice.email,
            {
                "subject": name,
                "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "end": {
                    "dateTime": (start + timedelta(hours=1)).isoformat(),
                    "timeZone": "UTC",
                },
            },
        )
