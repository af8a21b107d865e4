# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo.tests import tagged

from .. import hooks
from .common import GoogleEmulatorMixin, GraphEmulatorMixin
from .test_push import PushCase


@tagged("post_install", "-at_install", "calendar_sync")
class TestUninstallClosesPushChannels(
    GoogleEmulatorMixin, GraphEmulatorMixin, PushCase
):
    """Uninstalling calendar_sync closes every push channel at the provider
    (the uninstall hook, called here as Odoo calls it before dropping the
    module's tables)."""

    def setUp(self):
        super().setUp()
        self.google.push.hold = True
        self.graph.push.hold = True
        self.graph.subscription_require_https = False  # the test server is http
        self.google_account = self.connect_google(self.alice)
        self.outlook_account = self.connect_microsoft(self.bob)

    def test_uninstall_stops_google_channels_and_deletes_outlook_subscriptions(self):
        for account in (self.google_account, self.outlook_account):
            account._sync()
            self.assertEqual(account.state, "connected", account.last_error)
        self.assertTrue(self.google.channels)
        self.assertTrue(self.graph.subscriptions)
        hooks.uninstall_hook(self.env)
        self.assertFalse(self.google.channels)
        self.assertFalse(self.graph.subscriptions)
        self.assertTrue(
            [r for r in self.google.requests if r["path"].endswith("channels/stop")]
        )
        self.assertFalse(self.google_account.push_channel_id)
        self.assertFalse(self.outlook_account.push_channel_id)

    def test_uninstall_of_a_database_without_push_asks_no_provider_anything(self):
        hooks.uninstall_hook(self.env)
        self.assertFalse(self.google.requests)
        self.assertFalse(self.graph.requests)
