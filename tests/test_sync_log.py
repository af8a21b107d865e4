# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import (
    GoogleEmulatorMixin,
    connect_account,
    make_users,
    run_requested,
)
from .common import utc_times as timed

ALICE = "alice@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestSyncLog(GoogleEmulatorMixin, TransactionCase):
    """One log record per sync run, whatever started it and however it ended."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, cls.admin = make_users(cls.env)
        cls.Log = cls.env["calendar.sync.log"]

    def setUp(self):
        super().setUp()
        self.account = self.connect_google(self.alice)
        self.start = datetime(2030, 3, 4, 9, 0)

    def logs(self, account=None):
        account = account or self.account
        return self.Log.sudo().search([("account_id", "=", account.id)])

    def local_event(self, name):
        return (
            self.env["calendar.event"]
            .with_user(self.alice)
            .create(
                {
                    "name": name,
                    "start": self.start,
                    "stop": self.start + timedelta(hours=1),
                    "user_id": self.alice.id,
                }
            )
        )

    # ------------------------------------------------------------ one per run
    def test_successful_run_is_logged_with_what_it_did(self):
        self.google.add_event(ALICE, {"summary": "From Google", **timed(self.start)})
        self.local_event("From Odoo")
        before = fields.Datetime.now()
        counters = self.account._sync()
        log = self.logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.account_id, self.account)
        self.assertEqual(log.user_id, self.alice)
        self.assertEqual(log.provider, "google")
        self.assertEqual((log.pulled, log.pushed, log.failed), (1, 1, 0))
        self.assertEqual(counters, {"pulled": 1, "pushed": 1, "failed": 0})
        self.assertEqual(log.state, "success")
        self.assertFalse(log.error)
        self.assertGreaterEqual(log.started, before.replace(microsecond=0))
        self.assertGreaterEqual(log.duration, 0)

    def test_every_run_adds_one_record(self):
        self.account._sync()
        self.account._sync()
        self.account._sync()
        self.assertEqual(len(self.logs()), 3)
        self.assertEqual(set(self.logs().mapped("state")), {"success"})

    def test_run_with_a_refused_event_is_logged_as_partial_with_the_error(self):
        self.account._sync()
        self.local_event("Refused")
        self.google.inject(
            method="POST", status=400, reason="invalid", times=1, in_batch=True
        )
        self.account._sync()
        log = self.logs()[0]
        self.assertEqual(log.state, "partial")
        self.assertEqual(log.failed, 1)
        self.assertEqual(log.error, self.account.last_error)
        self.assertIn("could not be synced", log.error)
        # the run names the event it could not sync (a link in the log's form)
        self.assertEqual(log.failed_event_ids.mapped("name"), ["Refused"])

    def test_run_that_needs_reconnect_is_logged_as_failed_with_the_reason(self):
        self.google.revoke_refresh_tokens(ALICE)
        self.account.sudo().token_expiry = datetime(2000, 1, 1)
        self.assertIsNone(self.account._sync())
        self.assertEqual(self.account.state, "needs_reconnect")
        log = self.logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.state, "failed")
        self.assertEqual((log.pulled, log.pushed, log.failed), (0, 0, 0))
        self.assertIn("Reconnect", log.error)

    def test_run_that_ends_in_error_is_logged_although_the_run_is_rolled_back(self):
        self.google.add_event(ALICE, {"summary": "Never imported", **timed(self.start)})
        self.google.inject(method="GET", status=404, reason="notFound", times=1)
        with self.assertLogs("odoo.addons.calendar_sync.engine.scheduler", "WARNING"):
            self.assertIsNone(self.account._sync())
        self.assertEqual(self.account.state, "error")
        # the run's savepoint was rolled back, its log was not
        self.assertFalse(
            self.env["calendar.event"].search([("name", "=", "Never imported")])
        )
        log = self.logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.state, "failed")
        self.assertEqual(log.error, self.account.last_error)
        self.assertTrue(log.error)

    def test_run_that_does_not_start_is_not_logged(self):
        self.account.with_user(self.alice).action_stop_sync()
        self.assertIsNone(self.account._sync())
        self.assertFalse(self.logs())

    def test_run_requested_by_sync_now_is_logged(self):
        self.account.with_user(self.alice).action_sync_now()
        self.assertFalse(self.logs())
        run_requested(self.env)
        self.assertEqual(len(self.logs()), 1)

    def test_scheduled_sync_logs_every_account_it_runs(self):
        bob_account = self.connect_google(self.bob)
        self.Log.sudo().search([]).unlink()
        self.env["calendar.sync.account"]._cron_sync_all()
        self.assertEqual(len(self.logs()), 1)
        self.assertEqual(len(self.logs(bob_account)), 1)

    # ------------------------------------------------------------ the account
    def test_account_shows_what_its_last_run_did(self):
        self.assertFalse(self.account.last_run_started)
        self.google.add_event(ALICE, {"summary": "One", **timed(self.start)})
        self.google.add_event(ALICE, {"summary": "Two", **timed(self.start)})
        self.account._sync()
        self.assertEqual(self.account.last_run_pulled, 2)
        self.assertEqual(self.account.last_run_pushed, 0)
        self.local_event("Mine")
        self.account._sync()
        account = self.account.with_user(self.alice)
        self.assertEqual(
            (account.last_run_pulled, account.last_run_pushed, account.last_run_failed),
            (0, 1, 0),
        )
        self.assertEqual(account.last_run_started, self.logs()[0].started)

    # ------------------------------------------------------------ retention
    def _old_log(self, days):
        return self.Log._log_run(
            self.account,
            fields.Datetime.now() - timedelta(days=days),
            0.5,
            {"pulled": 0, "pushed": 0, "failed": 0},
        )

    def test_cleaning_keeps_30_days_by_default(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.log_retention_days", False
        )
        old, recent = self._old_log(31), self._old_log(29)
        self.Log._cron_clean()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_cleaning_follows_the_retention_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.log_retention_days", "7"
        )
        old, recent = self._old_log(8), self._old_log(6)
        self.Log._cron_clean()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_invalid_retention_parameter_falls_back_to_30_days(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.log_retention_days", "forever"
        )
        old, recent = self._old_log(31), self._old_log(10)
        with self.assertLogs(
            "odoo.addons.calendar_sync.models.calendar_sync_log", "WARNING"
        ):
            self.Log._cron_clean()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_cleaning_runs_daily_as_a_scheduled_action(self):
        cron = self.env.ref("calendar_sync.ir_cron_clean_sync_log")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self._old_log(40)
        cron.method_direct_trigger()
        self.assertFalse(self.logs())

    # ------------------------------------------------------------ access
    def test_user_reads_own_runs_only(self):
        bob_account = self.connect_google(self.bob)
        self.account._sync()
        bob_account._sync()
        mine = self.Log.with_user(self.alice).search([])
        self.assertEqual(mine.user_id, self.alice)
        self.assertEqual(len(mine), 1)
        with self.assertRaises(AccessError):
            self.logs(bob_account).with_user(self.alice).read(["error"])

    def test_user_cannot_change_or_delete_a_run(self):
        self.account._sync()
        log = self.logs().with_user(self.alice)
        with self.assertRaises(AccessError):
            log.write({"error": "nothing happened"})
        with self.assertRaises(AccessError):
            log.unlink()

    def test_administrator_reads_every_run(self):
        bob_account = self.connect_google(self.bob)
        self.account._sync()
        bob_account._sync()
        every = self.Log.with_user(self.admin).search([])
        self.assertGreaterEqual(set(every.user_id.ids), {self.alice.id, self.bob.id})

    def test_log_menu_is_for_administrators_only(self):
        menu = self.env.ref("calendar_sync.calendar_sync_log_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.admin)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.alice)._visible_menu_ids())


@tagged("post_install", "-at_install", "calendar_sync")
class TestEmailMismatch(TransactionCase):
    """The Calendar tab warns when the connected account is not the user's
    e-mail (Odoo matches events by e-mail)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, _bob, _admin = make_users(cls.env)

    def test_account_of_another_email_is_flagged_with_the_tip(self):
        account = connect_account(self.env, self.alice, email="alice.private@gmail.com")
        account = account.with_user(self.alice)
        self.assertTrue(account.email_mismatch)
        self.assertTrue(account.email_mismatch_label)
        self.assertEqual(
            account.email_mismatch_warning,
            "Odoo matches your events by e-mail: connect the account of "
            "alice@example.com, or change your e-mail in Odoo.",
        )

    def test_same_email_in_another_case_is_not_flagged(self):
        self.alice.email = " Alice@Example.com "
        account = connect_account(self.env, self.alice, email="alice@example.com")
        self.assertFalse(account.email_mismatch)
        self.assertFalse(account.email_mismatch_warning)

    def test_account_not_connected_is_not_flagged(self):
        account = self.env["calendar.sync.account"]._get_for_user(self.alice, "google")
        self.assertFalse(account.email_mismatch)

    def test_changing_the_users_email_clears_the_warning(self):
        account = connect_account(self.env, self.alice, email="alice.private@gmail.com")
        self.assertTrue(account.email_mismatch)
        self.alice.email = "alice.private@gmail.com"
        self.assertFalse(account.email_mismatch)

    def test_user_without_email_is_told_to_set_it(self):
        account = connect_account(self.env, self.alice, email="alice.private@gmail.com")
        self.alice.email = False
        self.assertTrue(account.email_mismatch)
        self.assertIn("alice.private@gmail.com", account.email_mismatch_warning)


@tagged("post_install", "-at_install", "calendar_sync")
class TestSyncLogRoute(GoogleEmulatorMixin, HttpCase):
    """The calendar view's background sync is logged like any other run."""

    def test_sync_route_is_logged(self):
        alice, _bob, _admin = make_users(self.env)
        account = self.connect_google(alice)
        self.google.add_event(
            ALICE, {"summary": "Route", **timed(datetime(2030, 1, 7))}
        )
        self.authenticate("cs_alice", "cs_alice")
        self.make_jsonrpc_request("/calendar_sync/sync", {"provider": "google"})
        run_requested(self.env)
        log = self.env["calendar.sync.log"].search([("account_id", "=", account.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.pulled, 1)
        self.assertEqual(log.state, "success")
