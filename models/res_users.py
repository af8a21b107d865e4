# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Record rules on calendar.sync.account make this list empty for anybody
    # but the user themself and Settings administrators.
    calendar_sync_account_ids = fields.One2many(
        comodel_name="calendar.sync.account",
        inverse_name="user_id",
        string="Calendar Accounts",
        readonly=True,
    )
