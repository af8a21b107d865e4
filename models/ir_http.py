# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import models

from .res_config_settings import DEMO_PAGE_PARAM


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """In a ``./run-odoo --demo`` database, the page of the emulators that
        play Google and Outlook (the calendar shows the demo banner)."""
        info = super().session_info()
        if self.env.user._is_internal():
            info["calendar_sync_demo_url"] = (
                self.env["ir.config_parameter"].sudo().get_param(DEMO_PAGE_PARAM)
                or False
            )
        return info
