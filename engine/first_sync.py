# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What the first sync of a newly connected account sends.

Before anything is sent, the user chooses (``first_sync_policy``: none, future,
all) which of the events they already organize in Odoo the first push sends;
what they leave out stays in Odoo, bound nowhere in that calendar (a binding
that does not need sync), and is never pushed.

Public API: :func:`candidates`, :func:`counts` and :func:`counts_with_other`
(the choice page), :func:`apply_choice` (before the first run).
"""

from odoo import fields

from . import adapter


def candidates(account):
    """What the first sync would send: the single events and series the
    user organizes in Odoo that are in no calendar of this account yet."""
    account.ensure_one()
    env = account.env
    unbound = [
        (
            "calendar_sync_binding_ids",
            "not any",
            [("account_id", "=", account.id)],
        )
    ]
    events = (
        env["calendar.event"]
        .sudo()
        .search(
            [("user_id", "=", account.user_id.id), ("recurrence_id", "=", False)]
            + unbound
        )
    )
    series = (
        env["calendar.recurrence"]
        .sudo()
        .search([("base_event_id.user_id", "=", account.user_id.id)] + unbound)
    )
    return events, series


def counts(account):
    """What the first sync would send (events, a series counting once),
    and how many have attendees."""
    events, series = candidates(account)
    now = fields.Datetime.now()
    owner = account.user_id.partner_id
    items = [(ev.stop, ev.partner_ids) for ev in events] + [
        (
            max(rec.calendar_event_ids.mapped("stop"), default=None),
            rec.base_event_id.partner_ids,
        )
        for rec in series
    ]
    future = [item for item in items if item[0] and item[0] >= now]

    def with_guests(found):
        return len([1 for _stop, partners in found if partners - owner])

    return {
        "all": len(items),
        "all_with_attendees": with_guests(items),
        "future": len(future),
        "future_with_attendees": with_guests(future),
    }


def counts_with_other(account):
    """:func:`counts`, and how many of those events came from the user's
    other connected calendar (``from_other``, with its name in
    ``other_calendar``)."""
    result = counts(account)
    events, series = candidates(account)
    records = (events | series.base_event_id).sudo()
    others = records.calendar_sync_binding_ids.account_id.filtered(
        lambda other: other != account and other.user_id == account.user_id
    )
    result["from_other"] = len(
        records.filtered(lambda ev: ev.calendar_sync_binding_ids.account_id & others)
    )
    result["other_calendar"] = (
        adapter(others[0].provider).calendar_label if others else ""
    )
    return result


def apply_choice(account):
    """Before the first push: leave out what the user chose not to send
    (they stay in Odoo, bound nowhere in this calendar)."""
    account.ensure_one()
    if account.first_sync_done or account.first_sync_policy == "all":
        return
    events, series = candidates(account)
    if account.first_sync_policy == "future":
        now = fields.Datetime.now()
        events = events.filtered(lambda ev: ev.stop and ev.stop < now)
        series = series.filtered(
            lambda rec: max(rec.calendar_event_ids.mapped("stop"), default=now) < now
        )
    Binding = account.env["calendar.sync.binding"].sudo()
    Binding.create(
        [
            {"account_id": account.id, "event_id": event.id, "need_sync": False}
            for event in events
        ]
        + [
            {"account_id": account.id, "recurrence_id": rec.id, "need_sync": False}
            for rec in series
        ]
        # the occurrences of a series left out are left out with it
        + [
            {"account_id": account.id, "event_id": event.id, "need_sync": False}
            for event in series.calendar_event_ids
        ]
    )
