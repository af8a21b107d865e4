# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import Command, api, fields, models

from ..services.recurrence import normalize_recurrence, week_start_from_lang
from .calendar_event import mark_bindings_dirty, sync_applying

#: calendar.recurrence fields that make a new rule for the remote series.
RULE_FIELDS = {
    "rrule",
    "rrule_type",
    "interval",
    "end_type",
    "count",
    "until",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "month_by",
    "day",
    "weekday",
    "byday",
    "event_tz",
}


class CalendarRecurrence(models.Model):
    _inherit = "calendar.recurrence"

    calendar_sync_binding_ids = fields.One2many(
        comodel_name="calendar.sync.binding",
        inverse_name="recurrence_id",
        string="Calendar Bindings",
        groups="base.group_system",
        copy=False,
    )

    @api.model_create_multi
    def create(self, vals_list):
        recurrences = super().create(vals_list)
        if not sync_applying(self.env):
            # Odoo rewrites a series ("all events" edits) by deleting its
            # recurrence and creating a new one on one of its events: the new
            # one takes over the remote series left behind by the old one.
            for recurrence in recurrences:
                recurrence._calendar_sync_adopt_series()
        return recurrences

    def _calendar_sync_adopt_series(self):
        base = self.base_event_id
        if not base:
            return
        Binding = self.env["calendar.sync.binding"].sudo()
        stashed = Binding.search(
            [("stash_event_ids", "in", base.ids), ("recurrence_id", "=", False)]
        )
        taken = self.sudo().calendar_sync_binding_ids.account_id
        for binding in stashed:
            if binding.account_id in taken:
                continue
            binding.write(
                {"recurrence_id": self.id, "need_sync": True, "stash_event_ids": False}
            )
            taken |= binding.account_id

    def write(self, vals):
        applying = sync_applying(self.env)
        if applying is True or not RULE_FIELDS & set(vals):
            return super().write(vals)
        # Odoo re-serializes the rule on its own (the rrule compute writes it,
        # its inverse writes the fields back): only a real change counts.
        before = {rec.id: rec._calendar_sync_rule_key() for rec in self}
        result = super().write(vals)
        changed = self.filtered(
            lambda rec: before[rec.id] != rec._calendar_sync_rule_key()
        )
        mark_bindings_dirty(changed, applying)
        return result

    def unlink(self):
        if not sync_applying(self.env):
            for recurrence in self:
                # the base event may already be archived and unset: every
                # event of the series keeps the remote series, the one that
                # gets the new recurrence takes it over
                events = recurrence.with_context(active_test=False).calendar_event_ids
                bindings = recurrence.sudo().calendar_sync_binding_ids.filtered(
                    "remote_id"
                )
                bindings.write(
                    {
                        "recurrence_id": False,
                        "stash_event_ids": [Command.set(events.ids)],
                    }
                )
        return super().unlink()

    def _calendar_sync_rule_key(self):
        self.ensure_one()
        return self._calendar_sync_rule(), self.event_tz

    def _calendar_sync_rule(self):
        """The recurrence's fields as the dict :mod:`services.recurrence` takes,
        with the week start Odoo expands it with (the current user's
        language's, as Odoo's own ``_get_lang_week_start``)."""
        self.ensure_one()
        rule = {name: self[name] for name in RULE_FIELDS - {"rrule", "event_tz"}}
        rule["week_start"] = self._calendar_sync_week_start()
        return normalize_recurrence(rule)

    @api.model
    def _calendar_sync_week_start(self):
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "en_US")
        return week_start_from_lang(lang.week_start or "7")
