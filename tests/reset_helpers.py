# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""ResetHelpers: what the Reset Account tests of both providers
(tests/test_reset_account.py, tests/test_reset_outlook_account.py) share:
Alice's events and series, the wizard run as she would, and what a reset
account and unbound events look like in the ``provider`` calendar.
"""

from .common import AliceSyncCase, bound_values


class ResetHelpers(AliceSyncCase):
    #: the provider of the account under test (set by the test class)
    provider = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.Event.with_context(active_test=False)

    def local_event(self, user=None, days=0, **values):
        return super().local_event(user, days, **{"name": f"Planning {days}", **values})

    def local_series(self, count=4):
        base = self.local_event(
            name="Weekly sync",
            recurrency=True,
            rrule_type="weekly",
            interval=1,
            end_type="count",
            count=count,
            mon=True,
            event_tz="Europe/Brussels",
        )
        base.invalidate_recordset()
        return base.recurrence_id

    def alice_events(self):
        return self.Event.search([("user_id", "=", self.alice.id)])

    def reset(self, delete_policy="dont_delete", sync_policy="new", user=None):
        """Reset ``self.account`` with the wizard, as ``user`` (Alice)."""
        user = user or self.alice
        action = self.account.with_user(user).action_open_reset_wizard()
        Wizard = self.env["calendar.sync.account.reset"].with_user(user)
        wizard = Wizard.with_context(**action["context"]).create(
            {"delete_policy": delete_policy, "sync_policy": sync_policy}
        )
        self.assertEqual(wizard.account_id, self.account)
        result = wizard.action_reset()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["next"], {"type": "ir.actions.act_window_close"}
        )
        return result

    def assertAccountReset(self, account=None):
        account = (account or self.account).sudo()
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.access_token)
        self.assertFalse(account.refresh_token)
        self.assertFalse(account.token_expiry)
        self.assertFalse(account.sync_token)  # Outlook: the delta link
        self.assertFalse(account.email)
        self.assertFalse(account.oauth_nonce)
        self.assertFalse(account.oauth_code_verifier)

    def assertUnbound(self, events):
        """``events`` and their series have no remote id (nor etag) left in
        the ``provider`` calendar, nor a binding that stashes them."""
        self.assertFalse(any(bound_values(events, self.provider, "remote_id")))
        self.assertFalse(any(bound_values(events, self.provider, "etag")))
        self.assertFalse(
            self.env["calendar.sync.binding"].search(
                [
                    ("account_id", "=", self.account.id),
                    ("remote_id", "!=", False),
                    ("stash_event_ids", "in", events.ids),
                ]
            )
        )
        series = events.recurrence_id
        self.assertFalse(any(bound_values(series, self.provider, "remote_id")))
        self.assertFalse(any(bound_values(series, self.provider, "etag")))
