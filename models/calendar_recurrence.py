# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import api, fields, models

from ..services import config
from ..services.recurrence import normalize_recurrence
from .calendar_event import SYNC_CONTEXT

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

    google_id = fields.Char(
        string="Google Series ID", copy=False, index="btree_not_null", readonly=True
    )
    google_etag = fields.Char(copy=False, readonly=True)
    google_need_sync = fields.Boolean(default=True, copy=False)
    microsoft_id = fields.Char(
        string="Outlook Series ID", copy=False, index="btree_not_null", readonly=True
    )
    microsoft_etag = fields.Char(copy=False, readonly=True)
    microsoft_need_sync = fields.Boolean(default=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        recurrences = super().create(vals_list)
        if not self.env.context.get(SYNC_CONTEXT):
            # Odoo rewrites a series ("all events" edits) by deleting its
            # recurrence and creating a new one on the same base event: the new
            # one takes over the remote series left behind by the old one.
            for recurrence in recurrences:
                for provider in config.PROVIDERS:
                    recurrence._calendar_sync_adopt_series(provider)
        return recurrences

    def _calendar_sync_adopt_series(self, provider):
        base = self.base_event_id
        series_id = base[f"{provider}_series_id"]
        if not series_id or self[f"{provider}_id"]:
            return
        self.write(
            {
                f"{provider}_id": series_id,
                f"{provider}_etag": base[f"{provider}_series_etag"],
                f"{provider}_need_sync": True,
            }
        )
        stashed = self.env["calendar.event"].with_context(
            active_test=False, **{SYNC_CONTEXT: True}
        )
        stashed.search([(f"{provider}_series_id", "=", series_id)]).write(
            {f"{provider}_series_id": False, f"{provider}_series_etag": False}
        )

    def write(self, vals):
        applying = self.env.context.get(SYNC_CONTEXT)
        if applying is True or not RULE_FIELDS & set(vals):
            return super().write(vals)
        # Odoo re-serializes the rule on its own (the rrule compute writes it,
        # its inverse writes the fields back): only a real change counts.
        before = {rec.id: rec._calendar_sync_rule_key() for rec in self}
        result = super().write(vals)
        changed = self.filtered(
            lambda rec: before[rec.id] != rec._calendar_sync_rule_key()
        )
        flags = {
            f"{provider}_need_sync": True
            for provider in config.PROVIDERS
            if provider != applying
        }
        if changed and flags:
            super(CalendarRecurrence, changed).write(flags)
        return result

    def unlink(self):
        if not self.env.context.get(SYNC_CONTEXT):
            for recurrence in self:
                # the base event may already be archived and unset: mark every
                # event of the series, the one that gets the new recurrence wins
                events = recurrence.with_context(active_test=False).calendar_event_ids
                values = {}
                for provider in config.PROVIDERS:
                    if recurrence[f"{provider}_id"]:
                        values[f"{provider}_series_id"] = recurrence[f"{provider}_id"]
                        values[f"{provider}_series_etag"] = recurrence[
                            f"{provider}_etag"
                        ]
                if values:
                    events.with_context(**{SYNC_CONTEXT: True}).write(values)
        return super().unlink()

    def _calendar_sync_rule_key(self):
        self.ensure_one()
        return self._calendar_sync_rule(), self.event_tz

    def _calendar_sync_rule(self):
        """The recurrence's fields as the dict :mod:`services.recurrence` takes."""
        self.ensure_one()
        return normalize_recurrence(
            {name: self[name] for name in RULE_FIELDS - {"rrule", "event_tz"}}
        )
