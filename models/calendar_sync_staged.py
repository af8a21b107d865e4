# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The items of a long listing, kept between its steps.

A listing too long for one step (``calendar_sync.step_items``, see
:mod:`engine.steps`) is read page by page, each page kept here and committed
with where the listing goes on; once it is complete, the items are applied a
step at a time (``applied`` marks what a committed step applied). A worker
killed in between loses one step at most. The rows of an account go when its
listing ends (or restarts), and with the account.

Written by the sync only (``sudo()``): users have no access to this model.
"""

from odoo import fields, models


class CalendarSyncStaged(models.Model):
    _name = "calendar.sync.staged"
    _description = "Calendar sync staged item (a remote item of a long listing)"
    _order = "account_id, rank, id"
    _log_access = False

    account_id = fields.Many2one(
        comodel_name="calendar.sync.account",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    remote_id = fields.Char(string="Remote ID", readonly=True)
    rank = fields.Integer(
        readonly=True,
        help="Order of application: series and single events before the "
        "occurrences changed alone (0, then 1).",
    )
    payload = fields.Text(
        readonly=True, help="The item as the provider sent it (JSON)."
    )
    applied = fields.Boolean(readonly=True, help="Applied by a committed step.")
