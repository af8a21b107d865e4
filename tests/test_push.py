# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..engine import jobs, push
from ..services import push as push_rules
from .common import (
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    event_times,
    make_users,
    run_requested,
)

ALICE = "alice@example.com"


class PushCase(HttpCase):
    """What both providers' push tests share: a user, the webhook address the
    emulator calls (Odoo's test server), the held deliveries, the cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.Account = cls.env["calendar.sync.account"]

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.push_url", self.base_url()
        )

    def sync(self):
        self.account._sync()
        self.assertEqual(self.account.state, "connected", self.account.last_error)

    def local(self, name):
        return self.env["calendar.event"].search([("name", "=", name)])

    def deliver(self):
        """The provider delivers what the emulator holds (what the test wrote
        is flushed first: Odoo's HTTP thread reads the database; the test
        cursor is idle meanwhile)."""
        self.env.flush_all()
        return self.emulator.push.flush()

    def run_notified(self):
        """The requested-runs cron, as its own transaction sees the database
        (the webhook wrote from Odoo's HTTP thread)."""
        run_requested(self.env)


@tagged("post_install", "-at_install", "calendar_sync")
class TestGooglePush(GoogleEmulatorMixin, PushCase):
    """Google push channels: the emulator POSTs real notifications to Odoo's
    webhook, which requests a sync of the account (run here by calling the
    requested-runs cron)."""

    def setUp(self):
        super().setUp()
        self.emulator = self.google
        self.google.push.hold = True
        self.account = self.connect_google(self.alice)

    def remote_event(self, name):
        return self.google.add_event(
            ALICE,
            {
                "summary": name,
                "start": {"dateTime": "2030-03-04T09:00:00+01:00"},
                "end": {"dateTime": "2030-03-04T10:00:00+01:00"},
            },
        )

    def notify(self, headers):
        url = self.base_url() + push_rules.WEBHOOK_PATHS["google"]
        self.env.flush_all()
        return self.opener.post(url, data=b"", headers=headers, timeout=10)

    # ------------------------------------------------------------ channel
    def test_sync_opens_a_watch_channel_with_a_secret_token(self):
        self.sync()
        account = self.account.sudo()
        channel = self.google.channels[account.push_channel_id]
        self.assertEqual(channel["account"], ALICE)
        self.assertEqual(
            channel["address"], self.base_url() + "/calendar_sync/push/google"
        )
        self.assertEqual(channel["token"], account.push_secret)
        self.assertGreaterEqual(len(account.push_secret), 32)
        self.assertEqual(account.push_resource_id, channel["resourceId"])
        self.assertGreater(account.push_expiry, fields.Datetime.now())

    def test_no_channel_when_odoo_has_no_public_https_address(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("calendar_sync.push_url", "")
        params.set_param("web.base.url", "http://localhost:8069")
        self.sync()
        self.assertFalse(self.account.push_channel_id)
        self.assertFalse(self.google.channels)
        self.assertEqual(push.status(self.env, "google"), (None, "not_https"))

    def test_settings_say_whether_push_is_active_and_why_not(self):
        Settings = self.env["res.config.settings"]
        self.assertIn(self.base_url(), Settings.create({}).calendar_sync_push_status)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("calendar_sync.push_url", "")
        params.set_param("web.base.url", "http://erp.example.com")
        status = Settings.create({}).calendar_sync_push_status
        self.assertIn("Not active", status)
        self.assertIn("not https", status)
        params.set_param("web.base.url", "https://localhost")
        self.assertIn("local", Settings.create({}).calendar_sync_push_status)

    def test_channel_close_to_expiry_is_replaced_and_the_old_one_stopped(self):
        self.sync()
        old = self.account.push_channel_id
        self.account.push_expiry = fields.Datetime.now() + timedelta(hours=1)
        self.sync()
        self.assertNotEqual(self.account.push_channel_id, old)
        self.assertEqual(list(self.google.channels), [self.account.push_channel_id])

    def runs(self):
        return self.env["calendar.sync.log"].search_count(
            [("account_id", "=", self.account.id)]
        )

    def test_scheduler_polls_a_calendar_with_push_only_at_its_longer_interval(self):
        self.sync()
        self.assertTrue(self.account.push_channel_id)
        runs = self.runs()
        self.Account._cron_sync_all()
        self.assertEqual(self.runs(), runs, "push brings its changes: not polled")
        self.account.sudo().last_sync_date = fields.Datetime.now() - timedelta(
            minutes=61
        )
        self.Account._cron_sync_all()
        self.assertEqual(self.runs(), runs + 1, "polled after 60 minutes")

    def test_scheduler_polls_a_calendar_whose_channel_expired(self):
        self.sync()
        runs = self.runs()
        self.account.sudo().push_expiry = fields.Datetime.now() - timedelta(seconds=1)
        self.Account._cron_sync_all()
        self.assertEqual(self.runs(), runs + 1)

    def test_stopping_the_sync_stops_the_channel(self):
        self.sync()
        self.account.with_user(self.alice).action_stop_sync()
        self.assertFalse(self.google.channels)
        self.assertFalse(self.account.push_channel_id)
        self.assertTrue(
            [r for r in self.google.requests if r["path"].endswith("channels/stop")]
        )

    def test_reset_and_deletion_stop_the_channel(self):
        self.sync()
        action = self.account.with_user(self.alice).action_open_reset_wizard()
        Wizard = self.env["calendar.sync.account.reset"].with_user(self.alice)
        Wizard.with_context(**action["context"]).create(
            {"delete_policy": "dont_delete", "sync_policy": "new"}
        ).action_reset()
        self.assertFalse(self.google.channels)
        self.assertFalse(self.account.push_channel_id)
        bob = self.connect_google(self.bob)
        bob._sync()
        self.assertTrue(self.google.channels)
        bob.unlink()
        self.assertFalse(self.google.channels)

    # ------------------------------------------------------------ notifications
    def test_remote_change_reaches_odoo_through_the_webhook_and_one_run(self):
        self.sync()
        self.deliver()  # the channel's "sync" message
        self.assertFalse(self.account.sync_requested)
        self.remote_event("Pushed meeting")
        self.remote_event("Second pushed meeting")
        delivered = self.deliver()
        self.assertEqual([d["status"] for d in delivered], [200, 200])
        self.assertEqual(delivered[0]["headers"]["X-Goog-Resource-State"], "exists")
        self.account.invalidate_recordset()
        self.assertTrue(self.account.sync_requested)
        cron = self.env.ref(jobs.REQUESTED_CRON)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertFalse(self.local("Pushed meeting"))
        listings = len(self.google.api_requests())
        self.run_notified()
        self.assertTrue(self.local("Pushed meeting"))
        self.assertTrue(self.local("Second pushed meeting"))
        self.assertFalse(self.account.sync_requested)
        # both notifications: one run (one listing, whatever it sends back)
        listings_after = [
            r
            for r in self.google.api_requests()[listings:]
            if r["method"] == "GET" and r["path"].endswith("/events")
        ]
        self.assertEqual(len(listings_after), 1)

    def test_sync_message_is_answered_and_ignored(self):
        self.sync()
        delivered = self.deliver()
        self.assertEqual(
            [(d["headers"]["X-Goog-Resource-State"], d["status"]) for d in delivered],
            [("sync", 200)],
        )
        self.account.invalidate_recordset()
        self.assertFalse(self.account.sync_requested)

    def test_forged_notifications_are_refused_and_change_nothing(self):
        self.sync()
        self.deliver()
        channel = self.account.push_channel_id
        forged = [
            {"X-Goog-Channel-ID": channel, "X-Goog-Channel-Token": "guess"},
            {"X-Goog-Channel-ID": channel},
            {"X-Goog-Channel-ID": "unknown", "X-Goog-Channel-Token": "x"},
        ]
        for headers in forged:
            answer = self.notify({**headers, "X-Goog-Resource-State": "exists"})
            self.assertEqual(answer.status_code, 404)
        self.account.invalidate_recordset()
        self.assertFalse(self.account.sync_requested)

    def test_notification_of_a_stopped_account_is_refused(self):
        self.sync()
        self.deliver()
        headers = {
            "X-Goog-Channel-ID": self.account.push_channel_id,
            "X-Goog-Channel-Token": self.account.sudo().push_secret,
            "X-Goog-Resource-State": "exists",
        }
        self.account.sudo().sync_stopped = True
        self.assertEqual(self.notify(headers).status_code, 404)
        self.account.sudo().sync_stopped = False
        self.assertEqual(self.notify(headers).status_code, 200)
        self.account.invalidate_recordset()
        self.assertTrue(self.account.sync_requested)


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookPush(GraphEmulatorMixin, PushCase):
    """Graph subscriptions: the validation handshake, change and lifecycle
    notifications POSTed by the emulator to Odoo's webhook, forged ones."""

    def setUp(self):
        super().setUp()
        self.emulator = self.graph
        self.graph.push.hold = True
        self.graph.subscription_require_https = False  # the test server is http
        self.account = self.connect_microsoft(self.alice)
        self.start = datetime.now().replace(microsecond=0, second=0) + timedelta(days=2)

    def url(self):
        return self.base_url() + push_rules.WEBHOOK_PATHS["microsoft"]

    def post(self, items):
        self.env.flush_all()
        return self.opener.post(self.url(), json={"value": items}, timeout=10)

    def remote_event(self, name):
        return self.graph.add_event(ALICE, {"subject": name, **event_times(self.start)})

    def test_sync_creates_a_subscription_after_the_validation_handshake(self):
        self.sync()
        account = self.account.sudo()
        subscription = self.graph.subscriptions[account.push_channel_id]
        self.assertEqual(subscription["account"], ALICE)
        self.assertEqual(subscription["changeType"], "created,updated,deleted")
        self.assertEqual(subscription["resource"], "me/events")
        self.assertEqual(subscription["clientState"], account.push_secret)
        self.assertEqual(subscription["notificationUrl"], self.url())
        self.assertGreater(account.push_expiry, fields.Datetime.now())
        self.assertLessEqual(
            account.push_expiry, fields.Datetime.now() + timedelta(minutes=10080)
        )

    def test_validation_token_is_echoed_decoded_in_plain_text(self):
        answer = self.opener.post(
            self.url() + "?validationToken=Validation%3A%20Testing%20a%2Bb",
            data=b"",
            headers={"Content-Type": "text/plain; charset=utf-8"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(answer.text, "Validation: Testing a+b")

    def test_subscription_is_refused_when_the_handshake_fails(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "calendar_sync.push_url", self.base_url() + "/nowhere"
        )
        self.sync()  # the sync itself still works: polling
        self.assertFalse(self.account.push_channel_id)
        self.assertFalse(self.graph.subscriptions)
        self.assertTrue(self.account.push_error)
        status = self.env["res.config.settings"].create({}).calendar_sync_push_status
        self.assertIn("1 calendar(s) could not open", status)

    def test_remote_change_reaches_odoo_through_the_webhook(self):
        self.sync()
        self.remote_event("Pushed Outlook meeting")
        delivered = self.deliver()
        self.assertEqual([d["status"] for d in delivered], [202])
        self.account.invalidate_recordset()
        self.assertTrue(self.account.sync_requested)
        self.assertFalse(self.local("Pushed Outlook meeting"))
        self.run_notified()
        self.assertTrue(self.local("Pushed Outlook meeting"))
        self.assertFalse(self.account.sync_requested)

    def test_forged_notifications_are_refused_and_change_nothing(self):
        self.sync()
        sid = self.account.push_channel_id
        for item in (
            {"subscriptionId": sid, "clientState": "guess", "changeType": "updated"},
            {"subscriptionId": sid, "changeType": "updated"},
            {"subscriptionId": "unknown", "clientState": "x"},
        ):
            self.assertEqual(self.post([item]).status_code, 403)
        self.assertEqual(
            self.opener.post(self.url(), data=b"not json", timeout=10).status_code,
            400,
        )
        self.account.invalidate_recordset()
        self.assertFalse(self.account.sync_requested)

    def test_reauthorization_required_renews_the_subscription(self):
        self.sync()
        sid = self.account.push_channel_id
        self.graph.lifecycle(sid, "reauthorizationRequired")
        self.assertEqual([d["status"] for d in self.deliver()], [202])
        self.run_notified()
        self.assertEqual(self.account.push_channel_id, sid)
        self.assertGreater(
            self.account.push_expiry, fields.Datetime.now() + timedelta(days=1)
        )
        self.assertTrue(
            [
                r
                for r in self.graph.requests
                if r.method == "PATCH" and "/subscriptions/" in r.path
            ]
        )

    def test_removed_subscription_is_recreated(self):
        self.sync()
        sid = self.account.push_channel_id
        self.graph.lifecycle(sid, "subscriptionRemoved")
        self.assertEqual([d["status"] for d in self.deliver()], [202])
        self.run_notified()
        self.assertTrue(self.account.push_channel_id)
        self.assertNotEqual(self.account.push_channel_id, sid)
        self.assertEqual(list(self.graph.subscriptions), [self.account.push_channel_id])

    def test_missed_notifications_request_a_sync(self):
        self.sync()
        self.remote_event("Missed meeting")
        self.graph.push.queued.clear()  # Graph dropped it...
        self.graph.lifecycle(self.account.push_channel_id, "missed")  # ...and says so
        self.assertEqual([d["status"] for d in self.deliver()], [202])
        self.run_notified()
        self.assertTrue(self.local("Missed meeting"))

    def test_stopping_the_sync_deletes_the_subscription(self):
        self.sync()
        self.account.with_user(self.alice).action_stop_sync()
        self.assertFalse(self.graph.subscriptions)
        self.assertFalse(self.account.push_channel_id)
