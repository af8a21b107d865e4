# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _calendar_sync_find_or_create(self, names_by_email):
        """Partners for attendee emails: existing ones matched by normalized
        email (a user's partner first), new ones only for unknown emails.

        :param names_by_email: dict normalized email → display name ("" if none)
        :return: dict normalized email → res.partner id
        """
        if not names_by_email:
            return {}
        emails = list(names_by_email)
        found = {}
        users = (
            self.env["res.users"]
            .sudo()
            .search([("email_normalized", "in", emails)], order="id")
        )
        for user in users:
            found.setdefault(user.email_normalized, user.partner_id.id)
        missing = [email for email in emails if email not in found]
        if missing:
            partners = self.sudo().search(
                [("email_normalized", "in", missing)], order="id"
            )
            for partner in partners:
                found.setdefault(partner.email_normalized, partner.id)
        new = [email for email in emails if email not in found]
        if new:
            created = self.sudo().create(
                [
                    {"name": names_by_email[email] or email, "email": email}
                    for email in new
                ]
            )
            found.update(zip(new, created.ids, strict=True))
        return found
