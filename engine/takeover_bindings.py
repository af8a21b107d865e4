# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The bindings of the takeover from Odoo's own ``google_calendar`` and
``microsoft_calendar`` (``engine/takeover.py`` connects the accounts and
calls :func:`bind_linked`), read with SQL from the columns Odoo's modules
left, where they exist:

* every event and series linked by them (``google_id``, ``microsoft_id`` and
  ``ms_universal_event_id``) gets a binding in the account whose calendar
  holds it, with its pending change (``need_sync``/``need_sync_m``); a Google
  event also in each attendee's Google account (one id in every calendar);
* each bound occurrence gets its original start (:func:`settle_occurrences`,
  also used when the administrator confirms a likely pair);
* the events and series a connected user organizes that Odoo's module left
  unlinked are left out of that calendar (a binding that needs no sync),
  except future events Odoo still had to send.

Public API: :func:`bind_linked`, :func:`settle_occurrences`,
:func:`table_columns`, :data:`ANY_ETAG`.
"""

from odoo import fields
from odoo.tools import SQL

from ..services import config
from ..services.recurrence import pair_moved_occurrences
from ..services.takeover import google_original_start

#: Odoo's modules keep no etag: a binding they leave is confirmed (bound and
#: acknowledged) with the etag that matches any, as after a forced write; the
#: first sync that reads the item records its real one.
ANY_ETAG = "*"
#: Odoo's columns per provider: the event/series id, the pending-change flag
#: (on events and series), the iCalUID column.
COLUMNS = {
    config.GOOGLE: {"id": "google_id", "need_sync": "need_sync", "uid": None},
    config.MICROSOFT: {
        "id": "microsoft_id",
        "need_sync": "need_sync_m",
        "uid": "ms_universal_event_id",
    },
}


def table_columns(cr, table):
    """The column names of ``table`` (Odoo's modules may have left some)."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def bind_linked(env, taken):
    """Bindings in the accounts ``taken`` (ids) for what Odoo's modules
    linked, and what they left unlinked left out; returns the counts."""
    cr = env.cr
    report = {}
    events = table_columns(cr, "calendar_event")
    recurrences = table_columns(cr, "calendar_recurrence")
    for provider, cols in COLUMNS.items():
        if cols["id"] in events:
            report[f"{provider} event bindings"] = _event_bindings(
                cr, provider, events, taken
            )
        if cols["id"] in recurrences:
            report[f"{provider} series bindings"] = _series_bindings(
                cr, provider, recurrences, taken
            )
    if {"google_id"} <= events & recurrences:
        report["google attendee copies"] = _google_attendee_copies(cr, taken)
    env.invalidate_all()
    _original_starts(env, taken)
    report["left out"] = _leave_out_unlinked(env, events, recurrences, taken)
    return report


# ------------------------------------------------------------------ bindings
def _event_bindings(cr, provider, columns, taken):
    """A binding for every event linked by Odoo's module, in its organizer's
    account, else in the account of an attendee (lowest id): Odoo's column
    holds one id, the one of the calendar that synced it."""
    cols = COLUMNS[provider]
    need_sync = (
        f"COALESCE(e.{cols['need_sync']}, FALSE)"
        if cols["need_sync"] in columns
        else "FALSE"
    )
    uid = f"e.{cols['uid']}" if cols["uid"] and cols["uid"] in columns else "NULL"
    readonly = (
        "COALESCE(e.guests_readonly, FALSE)"
        if provider == config.GOOGLE and "guests_readonly" in columns
        else "TRUE"
    )
    cr.execute(
        f"""
        WITH holder AS (
            SELECT e.id AS event_id,
                   COALESCE(
                       (SELECT a.id FROM calendar_sync_account a
                         WHERE a.user_id = e.user_id AND a.provider = %(p)s),
                       (SELECT MIN(a.id) FROM calendar_sync_account a
                          JOIN res_users u ON u.id = a.user_id
                          JOIN calendar_attendee att ON att.partner_id = u.partner_id
                         WHERE att.event_id = e.id AND a.provider = %(p)s)
                   ) AS account_id
              FROM calendar_event e
             WHERE COALESCE(e.{cols["id"]}, '') != ''
        )
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, event_id, remote_id, etag, ical_uid,
             need_sync, guest_copy, mirror, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT h.account_id, %(p)s, a.user_id, e.id, e.{cols["id"]}, %(etag)s, {uid},
               {need_sync},
               a.user_id IS DISTINCT FROM e.user_id AND {readonly},
               FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM holder h
          JOIN calendar_event e ON e.id = h.event_id
          JOIN calendar_sync_account a ON a.id = h.account_id
         WHERE a.id = ANY(%(taken)s)
         ORDER BY e.id
        ON CONFLICT DO NOTHING
        """,
        {"p": provider, "etag": ANY_ETAG, "taken": list(taken)},
    )
    return cr.rowcount


def _series_bindings(cr, provider, columns, taken):
    """A binding for every series linked by Odoo's module (see events)."""
    cols = COLUMNS[provider]
    need_sync = (
        f"COALESCE(r.{cols['need_sync']}, FALSE)"
        if cols["need_sync"] in columns
        else "FALSE"
    )
    uid = f"r.{cols['uid']}" if cols["uid"] and cols["uid"] in columns else "NULL"
    cr.execute(
        f"""
        WITH holder AS (
            SELECT r.id AS recurrence_id,
                   COALESCE(
                       (SELECT a.id FROM calendar_sync_account a
                          JOIN calendar_event base ON base.id = r.base_event_id
                         WHERE a.user_id = base.user_id AND a.provider = %(p)s),
                       (SELECT MIN(a.id) FROM calendar_sync_account a
                          JOIN res_users u ON u.id = a.user_id
                          JOIN calendar_attendee att ON att.partner_id = u.partner_id
                          JOIN calendar_event ev ON ev.id = att.event_id
                         WHERE ev.recurrence_id = r.id AND a.provider = %(p)s)
                   ) AS account_id
              FROM calendar_recurrence r
             WHERE COALESCE(r.{cols["id"]}, '') != ''
        )
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, recurrence_id, remote_id, etag, ical_uid,
             need_sync, guest_copy, mirror, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT a.id, %(p)s, a.user_id, r.id, r.{cols["id"]}, %(etag)s, {uid},
               {need_sync},
               a.user_id IS DISTINCT FROM base.user_id AND %(p)s = 'microsoft',
               FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM holder h
          JOIN calendar_recurrence r ON r.id = h.recurrence_id
          LEFT JOIN calendar_event base ON base.id = r.base_event_id
          JOIN calendar_sync_account a ON a.id = h.account_id
         WHERE a.id = ANY(%(taken)s)
         ORDER BY r.id
        ON CONFLICT DO NOTHING
        """,
        {"p": provider, "etag": ANY_ETAG, "taken": list(taken)},
    )
    return cr.rowcount


def _google_attendee_copies(cr, taken):
    """A Google event has the same id in every calendar it is in, and Odoo's
    module found it by that id whichever attendee's sync brought it: each
    attendee's Google account gets a binding too (nothing to send), so that
    their next sync finds the event instead of importing it again (as the
    18.0.2 migration does)."""
    cr.execute(
        """
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, event_id, remote_id, etag,
             need_sync, guest_copy, mirror, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT ON (a.id, e.id)
               a.id, 'google', a.user_id, e.id, e.google_id, %(etag)s, FALSE, FALSE,
               FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_event e
          JOIN calendar_attendee att ON att.event_id = e.id
          JOIN res_users u ON u.partner_id = att.partner_id
          JOIN calendar_sync_account a ON a.user_id = u.id AND a.provider = 'google'
         WHERE COALESCE(e.google_id, '') != '' AND a.id = ANY(%(taken)s)
         ORDER BY a.id, e.id
        ON CONFLICT DO NOTHING
        """,
        {"etag": ANY_ETAG, "taken": list(taken)},
    )
    events = cr.rowcount
    cr.execute(
        """
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, recurrence_id, remote_id, etag,
             need_sync, guest_copy, mirror, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT ON (a.id, r.id)
               a.id, 'google', a.user_id, r.id, r.google_id, %(etag)s,
               FALSE, FALSE, FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_recurrence r
          JOIN calendar_event ev ON ev.recurrence_id = r.id
          JOIN calendar_attendee att ON att.event_id = ev.id
          JOIN res_users u ON u.partner_id = att.partner_id
          JOIN calendar_sync_account a ON a.user_id = u.id AND a.provider = 'google'
         WHERE COALESCE(r.google_id, '') != '' AND a.id = ANY(%(taken)s)
         ORDER BY a.id, r.id
        ON CONFLICT DO NOTHING
        """,
        {"etag": ANY_ETAG, "taken": list(taken)},
    )
    return events + cr.rowcount


def _original_starts(env, taken):
    """Where each bound occurrence sits in its series. Odoo's Outlook module
    keeps every occurrence it imported detached from the rule
    (``follow_recurrence`` off): one that still sits on its slot, as its
    series' base event is, follows the rule again. The original slot of each
    occurrence moved away from its rule comes from the instance id on Google,
    from the rule's free slots on Outlook (whose ids do not tell)."""
    Binding = env["calendar.sync.binding"].sudo()
    bindings = Binding.search(
        [
            ("account_id", "in", taken),
            ("event_id.recurrence_id", "!=", False),
            ("event_id.follow_recurrence", "=", False),
            ("remote_id", "!=", False),
            ("original_start", "=", False),
        ]
    )
    outlook = Binding
    for binding in bindings:
        if binding.provider == config.GOOGLE:
            original = google_original_start(binding.remote_id)
            if original:
                binding.original_start = original
        else:
            outlook |= binding
    for recurrence in outlook.event_id.recurrence_id:
        settle_occurrences(
            env,
            recurrence,
            outlook.filtered(lambda b, r=recurrence: b.event_id.recurrence_id == r),
        )


def settle_occurrences(env, recurrence, bindings):
    """Occurrences of ``recurrence`` on their rule's slot follow it again (as
    its base event); ``bindings`` (of its other occurrences, in one account)
    get the rule's free slots as original starts, in order."""
    events = recurrence.calendar_event_ids
    base = recurrence.base_event_id or events.sorted("start")[:1]
    if not base:
        return
    slots = {
        start.replace(tzinfo=None)
        for start, _stop in recurrence._range_calculation(base, base.stop - base.start)
    }
    on_slot = events.filtered(
        lambda ev: (
            not ev.follow_recurrence
            and ev.start in slots
            and ev.stop - ev.start == base.stop - base.start
            and (ev.name, ev.location or "", ev.allday)
            == (base.name, base.location or "", base.allday)
        )
    )
    if on_slot:
        # as the rule has them: no recurrence rewrite (plain SQL)
        env.cr.execute(
            "UPDATE calendar_event SET follow_recurrence = TRUE WHERE id IN %s",
            [tuple(on_slot.ids)],
        )
        on_slot.invalidate_recordset(["follow_recurrence"])
    moved = bindings.filtered(lambda b: b.event_id not in on_slot)
    found = pair_moved_occurrences(
        slots,
        events.filtered("follow_recurrence").mapped("start"),
        [(binding.id, binding.event_id.start) for binding in moved],
    )
    for binding in moved:
        if binding.id in found:
            binding.original_start = found[binding.id]


def _leave_out_unlinked(env, event_columns, recurrence_columns, taken):
    """What a connected user organizes and Odoo's module left unlinked stays
    out of that calendar (a binding that needs no sync), except active future
    events Odoo still had to send (its need-sync flag on): the first sync
    sends them, as Odoo's module would have."""
    from .first_sync import candidates

    Binding = env["calendar.sync.binding"].sudo()
    now = fields.Datetime.now()
    accounts = (
        env["calendar.sync.account"]
        .sudo()
        .search([("id", "in", taken), ("state", "=", "connected")])
    )
    count = 0
    for account in accounts:
        cols = COLUMNS[account.provider]
        events, series = candidates(account)
        pending_events = _flagged(env.cr, "calendar_event", cols, event_columns)
        pending_series = _flagged(
            env.cr, "calendar_recurrence", cols, recurrence_columns
        )
        events = events.filtered(
            lambda ev, p=pending_events: (
                not (ev.id in p and ev.active and ev.stop and ev.stop >= now)
            )
        )
        series = series.filtered(
            lambda rec, p=pending_series: (
                not (
                    rec.id in p
                    and max(rec.calendar_event_ids.mapped("stop"), default=now) >= now
                )
            )
        )
        values = (
            [{"event_id": event.id} for event in events]
            + [{"recurrence_id": rec.id} for rec in series]
            + [{"event_id": event.id} for event in series.calendar_event_ids]
        )
        Binding.create(
            [{**v, "account_id": account.id, "need_sync": False} for v in values]
        )
        count += len(values)
    return count


def _flagged(cr, table, cols, columns):
    """Ids of the unlinked ``table`` rows whose need-sync flag is on."""
    if cols["need_sync"] not in columns:
        return set()
    link = (
        SQL("COALESCE(%s, '') = ''", SQL.identifier(cols["id"]))
        if cols["id"] in columns
        else SQL("TRUE")
    )
    cr.execute(
        SQL(
            "SELECT id FROM %s WHERE %s AND %s",
            SQL.identifier(table),
            SQL.identifier(cols["need_sync"]),
            link,
        )
    )
    return {row[0] for row in cr.fetchall()}
