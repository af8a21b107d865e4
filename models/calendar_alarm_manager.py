# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import models

#: context key of a sync run's :class:`PartnerCollector`
ALARM_COLLECTOR = "calendar_sync_alarm_partners"


class PartnerCollector:
    """The attendees whose next alarm a sync run changed (hashable by
    identity, so that it can travel in a context)."""

    def __init__(self):
        self.ids = set()


class CalendarAlarmManager(models.AbstractModel):
    _inherit = "calendar.alarm_manager"

    def _notify_next_alarm(self, partner_ids):
        """Odoo sends each attendee their next alarm after every event created
        or moved, each time with a query over all their events. A sync run
        (thousands of events in a first import) collects the attendees instead
        and tells each of them once, when it finishes."""
        collector = self.env.context.get(ALARM_COLLECTOR)
        if collector is None:
            return super()._notify_next_alarm(partner_ids)
        collector.ids.update(partner_ids)
        return None
