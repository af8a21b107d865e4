# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""SeriesHelpers: the users, syncs and series that the recurrence fidelity
tests (tests/test_recurrence_fidelity.py, tests/test_recurrence_managed.py)
share.
"""

from datetime import datetime, timedelta

from odoo import Command, fields

from .common import bound_to, make_users


class SeriesHelpers:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.alice.tz = "Europe/Brussels"
        cls.Event = cls.env["calendar.event"]

    def sync(self):
        counters = self.account._sync()
        self.assertEqual(self.account.state, "connected", self.account.last_error)
        self.assertFalse(self.account.last_error)
        return counters

    def first_monday(self, days=14):
        """09:00 UTC of a Monday ``days`` from today (inside Outlook's window)."""
        start = datetime.combine(
            fields.Date.today() + timedelta(days=days), datetime.min.time()
        ) + timedelta(hours=9)
        while start.weekday() != 0:
            start += timedelta(days=1)
        return start

    def odoo_series(self, start, **values):
        vals = {
            "name": "Daily check",
            "start": start,
            "stop": start + timedelta(hours=1),
            "user_id": self.alice.id,
            "partner_ids": [Command.set(self.alice.partner_id.ids)],
            "recurrency": True,
            "rrule_type": "daily",
            "interval": 1,
            "end_type": "forever",
            "event_tz": "Europe/Brussels",
        }
        vals.update(values)
        base = self.Event.with_user(self.alice).create(vals)
        base.invalidate_recordset()
        return base.recurrence_id

    def local_series(self, provider, master_id):
        return self.env["calendar.recurrence"].search([bound_to(provider, master_id)])

    @staticmethod
    def occurrences(recurrence):
        return recurrence.calendar_event_ids.sorted("start")

    def extend_horizon(self, today):
        """What the daily cron does, as if run on ``today``."""
        self.env["calendar.recurrence"].with_context(
            calendar_sync_today=today
        )._calendar_sync_extend_endless()
