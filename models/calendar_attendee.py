# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A user's own answer to an event someone else organizes, given in Odoo
(accept / tentative / decline buttons, the invitation mail's links, a write of
``state``), is marked for the providers the event is synced with: the next
sync of that user's account sends it (see ``SyncRun._answer_ops``)."""

from collections import defaultdict

from odoo import fields, models

from ..services import config
from .calendar_event import SYNC_CONTEXT

#: Attendee states that are an answer (``needsAction`` is none).
ANSWER_STATES = ("accepted", "tentative", "declined")


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    google_answer_pending = fields.Boolean(
        copy=False,
        readonly=True,
        help="This attendee's answer was given in Odoo and is not in Google "
        "Calendar yet: the next sync of their Google account sends it.",
    )
    microsoft_answer_pending = fields.Boolean(
        copy=False,
        readonly=True,
        help="This attendee's answer was given in Odoo and is not in Outlook "
        "yet: the next sync of their Outlook account sends it.",
    )

    def write(self, vals):
        applying = self.env.context.get(SYNC_CONTEXT)
        if "state" not in vals or applying is True:
            return super().write(vals)
        changed = self.filtered(lambda att: att.state != vals["state"])
        result = super().write(vals)
        if changed and vals["state"] in ANSWER_STATES:
            # an answer applied from one provider still goes to the others
            providers = [p for p in config.PROVIDERS if p != applying]
            changed._calendar_sync_mark_answer(providers)
        return result

    def _calendar_sync_mark_answer(self, providers):
        """Mark the answers of users who do not organize the event (or whose
        copy of it belongs to an outside organizer), for each of ``providers``
        the event is synced with, and flag their accounts."""
        users = defaultdict(set)  # provider -> ids of the users who answered
        for attendee in self.sudo():
            partner = attendee.partner_id
            event = attendee.event_id
            if not partner.user_ids or not event:
                continue
            marked = [
                provider
                for provider in providers
                if (event[f"{provider}_id"] or event.recurrence_id[f"{provider}_id"])
                and (
                    partner != event.user_id.partner_id
                    or event[f"{provider}_guest_copy"]
                )
            ]
            if marked:
                attendee.write({f"{p}_answer_pending": True for p in marked})
            for provider in marked:
                users[provider].update(partner.user_ids.ids)
        Account = self.env["calendar.sync.account"].sudo()
        for provider, user_ids in users.items():
            Account.search(
                [
                    ("provider", "=", provider),
                    ("user_id", "in", list(user_ids)),
                    ("answers_pending", "=", False),
                ]
            ).write({"answers_pending": True})


class CalendarSyncAccount(models.Model):
    _inherit = "calendar.sync.account"

    # Read with the account's row: a sync with no answer to send looks for none.
    answers_pending = fields.Boolean(
        copy=False,
        readonly=True,
        help="The user answered invitations in Odoo that the next sync sends.",
    )
