# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A likely pair for the administrator: an Odoo event and a remote event that
look like one meeting (same organizer, start, stop and title) where nothing
proves it (Odoo's own modules were uninstalled with their links; see
``engine/relink.py``). Until decided, neither side is sent to the other."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..engine.takeover_bindings import ANY_ETAG, settle_occurrences


class CalendarSyncMatch(models.Model):
    _name = "calendar.sync.match"
    _description = "Calendar sync likely pair (Odoo event and remote event)"
    _order = "state desc, id"
    _rec_name = "remote_name"

    account_id = fields.Many2one(
        comodel_name="calendar.sync.account",
        string="Calendar",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    user_id = fields.Many2one(related="account_id.user_id")
    provider = fields.Selection(related="account_id.provider")
    event_id = fields.Many2one(
        comodel_name="calendar.event",
        string="Odoo Event",
        ondelete="cascade",
        readonly=True,
    )
    recurrence_id = fields.Many2one(
        comodel_name="calendar.recurrence",
        string="Odoo Series",
        ondelete="cascade",
        readonly=True,
    )
    start = fields.Datetime(related="event_id.start")
    stop = fields.Datetime(related="event_id.stop")
    remote_id = fields.Char(string="Remote ID", required=True, readonly=True)
    remote_name = fields.Char(string="Remote Event", readonly=True)
    ical_uid = fields.Char(string="iCalUID", readonly=True)
    state = fields.Selection(
        selection=[
            ("pending", "To Review"),
            ("merged", "Merged"),
            ("kept", "Kept Apart"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )

    _sql_constraints = [
        (
            "account_remote_uniq",
            "unique(account_id, remote_id)",
            "A remote event is listed once per calendar.",
        ),
    ]

    def _bindings(self):
        self.ensure_one()
        record = self.recurrence_id or self.event_id
        field = "recurrence_id" if self.recurrence_id else "event_id"
        return (
            self.env["calendar.sync.binding"]
            .sudo()
            .search([("account_id", "=", self.account_id.id), (field, "=", record.id)])
        )

    def _event_bindings(self, events):
        """The bindings of ``events`` in this pair's calendar."""
        return (
            self.env["calendar.sync.binding"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.account_id.id),
                    ("event_id", "in", events.ids),
                ]
            )
        )

    def _pending(self):
        if self.filtered(lambda match: match.state != "pending"):
            raise UserError(_("This pair was decided already."))
        return self.sudo()

    def _same_meeting(self):
        """The pending pairs of the same Odoo event or series in other
        calendars whose remote event has this pair's iCalUID: copies of one
        meeting (an organizer's and an attendee's mailbox), which the iCalUID
        proves once one of them is merged."""
        self.ensure_one()
        if not self.ical_uid:
            return self.browse()
        return self.search(
            [
                ("id", "!=", self.id),
                ("state", "=", "pending"),
                ("ical_uid", "=", self.ical_uid),
                ("event_id", "=", self.event_id.id),
                ("recurrence_id", "=", self.recurrence_id.id),
            ]
        )

    def action_merge(self):
        """One meeting: the remote event is bound to the Odoo one; the next
        sync reads the calendar again and brings them in line. The same
        meeting listed in other calendars (same iCalUID) is merged with it."""
        matches = self._pending()
        for match in matches:
            matches |= match._same_meeting()
        for match in matches:
            match._bindings().write(
                {
                    "remote_id": match.remote_id,
                    "etag": ANY_ETAG,
                    "ical_uid": match.ical_uid or False,
                    "need_sync": False,
                }
            )
            if match.recurrence_id:
                # its occurrences find their instances by their slots
                occurrences = match.recurrence_id.calendar_event_ids
                settle_occurrences(
                    self.env,
                    match.recurrence_id,
                    match._event_bindings(
                        occurrences.filtered(lambda ev: not ev.follow_recurrence)
                    ),
                )
            match.write({"state": "merged"})
            match.account_id.write({"sync_token": False})

    def action_keep(self):
        """Two meetings: the Odoo event is sent to the calendar as its own
        event, and the remote one comes into Odoo as its own, at the next
        sync (which reads the calendar again)."""
        for match in self._pending():
            bindings = match._bindings()
            if match.recurrence_id:
                bindings |= match._event_bindings(
                    match.recurrence_id.calendar_event_ids
                )
            bindings.filtered(lambda b: not b.remote_id).unlink()
            match.write({"state": "kept"})
            match.account_id.write({"sync_token": False})
