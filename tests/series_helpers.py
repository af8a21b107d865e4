# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""SeriesHelpers: the series that the recurrence fidelity tests
(tests/test_recurrence_fidelity.py, tests/test_recurrence_managed.py) share,
over the users and syncs of :class:`.common.AliceSyncCase`.
"""

from datetime import timedelta

from odoo import Command

from .common import AliceSyncCase, bound_to, first_monday


class SeriesHelpers(AliceSyncCase):
    first_monday = staticmethod(first_monday)

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
