# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import _, models
from odoo.exceptions import UserError

from ..services.takeover import ODOO_MODULES


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def button_install(self):
        """Odoo's own Google and Outlook modules would sync the same users a
        second time: once calendar_sync is installed, they are refused, also
        as the dependency of another module (calendar_sync takes them over
        when it is installed after them)."""
        result = super().button_install()
        installed = self.sudo().search(
            [
                ("name", "=", "calendar_sync"),
                ("state", "in", ("installed", "to upgrade")),
            ]
        )
        theirs = self.sudo().search(
            [("name", "in", ODOO_MODULES), ("state", "=", "to install")]
        )
        if installed and theirs:
            raise UserError(
                _(
                    "%(modules)s would sync calendars a second time beside "
                    "Calendar Sync (Google & Outlook), which replaces them.",
                    modules=", ".join(theirs.mapped("shortdesc")),
                )
            )
        return result
