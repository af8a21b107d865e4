# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import _, api, models


class CalendarAlarm(models.Model):
    _inherit = "calendar.alarm"

    @api.model
    def _calendar_sync_find_or_create(self, wanted):
        """Alarms for (type, minutes) pairs, reusing existing ones.

        :param wanted: iterable of ("email"|"notification", minutes)
        :return: dict (type, minutes) → calendar.alarm id
        """
        wanted = set(wanted)
        if not wanted:
            return {}
        alarms = self.sudo().search(
            [("alarm_type", "in", ["email", "notification"])], order="id"
        )
        found = {}
        for alarm in alarms:
            key = (alarm.alarm_type, alarm.duration_minutes)
            if key in wanted:
                found.setdefault(key, alarm.id)
        for alarm_type, minutes in sorted(wanted - set(found)):
            found[(alarm_type, minutes)] = (
                self.sudo()
                .create(self._calendar_sync_alarm_values(alarm_type, minutes))
                .id
            )
        return found

    @api.model
    def _calendar_sync_alarm_values(self, alarm_type, minutes):
        if minutes and minutes % 1440 == 0:
            duration, interval = minutes // 1440, "days"
        elif minutes and minutes % 60 == 0:
            duration, interval = minutes // 60, "hours"
        else:
            duration, interval = minutes, "minutes"
        labels = {"days": _("Days"), "hours": _("Hours"), "minutes": _("Minutes")}
        kind = _("Email") if alarm_type == "email" else _("Notification")
        return {
            "name": f"{kind} - {duration} {labels[interval]}",
            "alarm_type": alarm_type,
            "duration": duration,
            "interval": interval,
        }
