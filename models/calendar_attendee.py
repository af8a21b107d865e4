# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A user's own answer to an event someone else organizes, given in Odoo
(accept / tentative / decline buttons, the invitation mail's links, a write of
``state``), is marked for the providers the event is synced with: the next
sync of that user's account sends it (see ``SyncRun._answer_ops``)."""

from odoo import models

from .calendar_event import create_field_indexes, sync_applying

#: Context key of a dict ``{user id: ids of their accounts}`` that a sync run
#: shares between its answer writes (one search per user, not per answer).
ACCOUNT_CACHE = "calendar_sync_accounts_of_users"

#: Attendee states that are an answer (``needsAction`` is none).
ANSWER_STATES = ("accepted", "tentative", "declined")


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def init(self):
        # an event's attendees (``attendee_ids``): Odoo indexes no event
        # here, so every read of them scanned every attendee of the database
        create_field_indexes(self.env.cr, self._table, ["event_id"])
        return super().init()

    def write(self, vals):
        applying = sync_applying(self.env)
        if "state" not in vals or applying is True:
            return super().write(vals)
        changed = self.filtered(lambda att: att.state != vals["state"])
        result = super().write(vals)
        if changed and vals["state"] in ANSWER_STATES:
            # an answer applied from one calendar still goes to the others
            changed._calendar_sync_mark_answer([applying] if applying else [])
        return result

    def _calendar_sync_mark_answer(self, applying):
        """Mark the answers of users who do not organize the event (or whose
        copy of it belongs to an outside organizer), in each of their calendars
        the event is bound in (but ``applying``, the ids of the accounts the
        answer came from), and flag those accounts."""
        Account = self.env["calendar.sync.account"].sudo()
        Binding = self.env["calendar.sync.binding"].sudo()
        flagged = Account
        users = self.sudo().partner_id.user_ids
        if not users:
            return
        cache = self.env.context.get(ACCOUNT_CACHE)
        if cache is None:
            cache = {}
        missing = [uid for uid in users.ids if uid not in cache]
        if missing:
            found = Account.search([("user_id", "in", missing)])
            for uid in missing:
                cache[uid] = found.filtered(lambda a, u=uid: a.user_id.id == u).ids
        all_accounts = Account.browse(
            [aid for uid in users.ids for aid in cache[uid] if aid not in applying]
        )
        if not all_accounts:
            return
        sources = Account.browse(applying)
        for attendee in self.sudo():
            partner = attendee.partner_id
            event = attendee.event_id.with_context(active_test=False)
            if not partner.user_ids or not event:
                continue
            # an answer read in another person's copy is already the
            # provider's: sent again, it would mail the organizer and change
            # every copy, whose next sync reads it again, and so on
            relayed = {
                source.provider
                for source in sources
                if source.user_id not in partner.user_ids
            }
            accounts = all_accounts.filtered(
                lambda a, p=partner, r=relayed: (
                    a.user_id in p.user_ids and a.provider not in r
                )
            )
            organizer = partner == event.user_id.partner_id
            for account in accounts:
                mine = (
                    event.calendar_sync_binding_ids
                    | event.recurrence_id.calendar_sync_binding_ids
                ).filtered(lambda b, a=account: b.account_id == a)
                own = mine.filtered("event_id")
                # the user's copy of someone else's meeting (a series' copy
                # says so on the series, its occurrences bound or not yet)
                copy = any(mine.mapped("guest_copy"))
                if organizer and not (mine.filtered("remote_id") and copy):
                    continue
                # an invitee's answer is sent once the invitation is in their
                # calendar, even if it is not there yet (see _answer_ops)
                if own:
                    own.answer_pending = True
                else:
                    Binding.create(
                        {
                            "account_id": account.id,
                            "event_id": event.id,
                            "need_sync": False,
                            "answer_pending": True,
                        }
                    )
                flagged |= account
        flagged.filtered(lambda a: not a.answers_pending).write(
            {"answers_pending": True}
        )
