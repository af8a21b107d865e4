# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""EngineCase: two users with Google and Outlook on the emulators, their events
and series, shared by the engine rules (tests/test_engine_rules*.py).
"""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase

from .common import GoogleEmulatorMixin, GraphEmulatorMixin, make_users


def _future(days, hour=9):
    day = fields.Date.today() + timedelta(days=days)
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)


class EngineCase(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.alice.tz = cls.bob.tz = "Europe/Brussels"
        cls.Event = cls.env["calendar.event"].with_context(active_test=False)

    def sync(self, *accounts):
        for account in accounts:
            account._sync()
            self.assertEqual(account.state, "connected", account.last_error)
            self.assertFalse(account.last_error)

    def event(self, name, days=10, user=None, **values):
        user = user or self.alice
        start = _future(days)
        return (
            self.env["calendar.event"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [Command.set(user.partner_id.ids)],
                    **values,
                }
            )
        )

    def series(self, name="Weekly", count=3, days=14, **values):
        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[_future(days).weekday()]
        values.setdefault(day, True)
        values.setdefault("interval", 1)
        base = self.event(
            name,
            days=days,
            recurrency=True,
            rrule_type="weekly",
            end_type="count",
            count=count,
            event_tz="Europe/Brussels",
            **values,
        )
        base.invalidate_recordset()
        return base.recurrence_id
