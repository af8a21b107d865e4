# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import api, fields, models


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

    @api.model
    def action_calendar_sync_preferences(self):
        """My Preferences of the current user, opened on the Calendar tab (the
        calendar header's menu)."""
        action = self.action_get()
        view = self.env.ref("calendar_sync.res_users_view_form_preferences_calendar")
        action.update(
            res_id=self.env.user.id,
            view_id=view.id,
            views=[(view.id, "form")],
        )
        return action
