# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Uninstall Odoo's own sync modules, as an administrator does in Apps:
their columns (links, tokens) are dropped. Run in ``odoo-bin shell``."""

from takeover_checks import ODOO_MODULES


def main(env):
    modules = env["ir.module.module"].search(
        [
            ("name", "in", [*ODOO_MODULES, "microsoft_account"]),
            ("state", "=", "installed"),
        ]
    )
    modules.button_immediate_uninstall()
    env.cr.commit()  # pylint: disable=invalid-commit
