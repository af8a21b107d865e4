# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""18.0.2.0.0: sync state moves from per-provider columns to bindings.

The columns of 18.0.1 (``calendar_event.google_id``, ``…_etag``,
``…_need_sync``, ``…_guest_copy``, ``…_original_start``, ``…_sync_error``,
``…_series_id``; ``calendar_recurrence.google_id``…;
``calendar_attendee.google_answer_pending``, and the ``microsoft_`` twins)
become rows of ``calendar_sync_binding``, one per account × record, so that
nothing is imported or pushed again. Odoo drops the old columns after this
script (their fields are gone).

Which account held an event's or a series' id: its organizer's account of
that provider; for one whose organizer has none (an attendee's copy imported by
the attendee's sync), the account of an attendee who has one. Two events bound
to the same remote id in one account (a duplicate of 18.0.1) keep one binding:
the one of the lowest id.

A Google event has the same id in every calendar it is in, and 18.0.1 found it
by that id whichever attendee's sync brought it: each attendee's Google
account that holds it gets a binding too (same id and etag, nothing to send),
so that their next sync finds the event instead of importing it again, and an
answer they gave in Odoo has a remote id to go to. Outlook ids are per
mailbox: an Outlook event stays bound in the one account that held its id.

What the columns cannot tell: an Outlook meeting between two Odoo users that
18.0.1 imported a second time from the attendee's mailbox (a duplicate event
it gave to the organizer, holding the attendee's mailbox id) is bound in the
organizer's account like the original: which mailbox an Outlook id came from
is not stored anywhere.
"""

import logging

_logger = logging.getLogger(__name__)

PROVIDERS = ("google", "microsoft")


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def _event_bindings(cr, provider):
    p = provider
    # the organizer's account, else an attendee's (lowest account id)
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
             WHERE e.{p}_id IS NOT NULL
                OR e.{p}_need_sync IS NOT TRUE
                OR e.{p}_sync_error IS NOT NULL
        )
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, event_id, remote_id, etag,
             original_start, need_sync, guest_copy, sync_error, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT h.account_id, %(p)s, a.user_id, e.id, e.{p}_id, e.{p}_etag,
               e.{p}_original_start, COALESCE(e.{p}_need_sync, FALSE),
               COALESCE(e.{p}_guest_copy, FALSE), e.{p}_sync_error, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM holder h
          JOIN calendar_event e ON e.id = h.event_id
          JOIN calendar_sync_account a ON a.id = h.account_id
         ORDER BY e.id
        ON CONFLICT DO NOTHING
        """,
        {"p": p},
    )
    return cr.rowcount


def _series_bindings(cr, provider):
    p = provider
    # the organizer's account, else an attendee's (lowest account id), as for
    # events: a series imported by an attendee whose organizer has no account
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
             WHERE r.{p}_id IS NOT NULL OR r.{p}_need_sync IS NOT TRUE
        )
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, recurrence_id, remote_id, etag,
             need_sync, guest_copy, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT a.id, %(p)s, a.user_id, r.id, r.{p}_id, r.{p}_etag,
               COALESCE(r.{p}_need_sync, FALSE), FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM holder h
          JOIN calendar_recurrence r ON r.id = h.recurrence_id
          JOIN calendar_sync_account a ON a.id = h.account_id
         ORDER BY r.id
        ON CONFLICT DO NOTHING
        """,
        {"p": p},
    )
    return cr.rowcount


def _google_attendee_copies(cr):
    """Bind each Google event and series in its attendees' Google accounts
    too: one event id in every calendar (see the module docstring). An
    attendee's calendar never pushes the organizer's event (need_sync off);
    guest_copy stays off as 18.0.1 had it: on another account's binding it
    would keep the organizer's other calendars from receiving the event."""
    cr.execute(
        """
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, event_id, remote_id, etag,
             original_start, need_sync, guest_copy, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT ON (a.id, e.id)
               a.id, 'google', a.user_id, e.id, e.google_id, e.google_etag,
               e.google_original_start, FALSE, FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_event e
          JOIN calendar_attendee att ON att.event_id = e.id
          JOIN res_users u ON u.partner_id = att.partner_id
          JOIN calendar_sync_account a ON a.user_id = u.id AND a.provider = 'google'
         WHERE e.google_id IS NOT NULL
         ORDER BY a.id, e.id
        ON CONFLICT DO NOTHING
        """
    )
    events = cr.rowcount
    cr.execute(
        """
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, recurrence_id, remote_id, etag,
             need_sync, guest_copy, answer_pending,
             create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT ON (a.id, r.id)
               a.id, 'google', a.user_id, r.id, r.google_id, r.google_etag,
               FALSE, FALSE, FALSE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_recurrence r
          JOIN calendar_event ev ON ev.recurrence_id = r.id
          JOIN calendar_attendee att ON att.event_id = ev.id
          JOIN res_users u ON u.partner_id = att.partner_id
          JOIN calendar_sync_account a ON a.user_id = u.id AND a.provider = 'google'
         WHERE r.google_id IS NOT NULL
         ORDER BY a.id, r.id
        ON CONFLICT DO NOTHING
        """
    )
    return events + cr.rowcount


def _stashed_series(cr, provider):
    """Series being rewritten at upgrade time: the remote series waits on its
    events for the new recurrence (see calendar.recurrence.create)."""
    p = provider
    cr.execute(
        f"""
        SELECT e.{p}_series_id, MIN(e.{p}_series_etag), MIN(a.id),
               array_agg(e.id)
          FROM calendar_event e
          JOIN calendar_sync_account a
            ON a.user_id = e.user_id AND a.provider = %s
         WHERE e.{p}_series_id IS NOT NULL
         GROUP BY e.{p}_series_id
        """,
        [p],
    )
    for series_id, etag, account_id, event_ids in cr.fetchall():
        cr.execute(
            """
            INSERT INTO calendar_sync_binding
                (account_id, provider, user_id, remote_id, etag, need_sync,
                 guest_copy, answer_pending,
                 create_uid, write_uid, create_date, write_date)
            SELECT a.id, a.provider, a.user_id, %s, %s, TRUE, FALSE, FALSE,
                   1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM calendar_sync_account a WHERE a.id = %s
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            [series_id, etag, account_id],
        )
        row = cr.fetchone()
        if row:
            cr.execute(
                "INSERT INTO calendar_sync_binding_stash_rel (binding_id, event_id) "
                "SELECT %s, unnest(%s::int[]) ON CONFLICT DO NOTHING",
                [row[0], event_ids],
            )


def _answers(cr, provider):
    p = provider
    cr.execute(
        f"""
        INSERT INTO calendar_sync_binding
            (account_id, provider, user_id, event_id, need_sync, guest_copy,
             answer_pending, create_uid, write_uid, create_date, write_date)
        SELECT DISTINCT ON (a.id, att.event_id)
               a.id, %(p)s, a.user_id, att.event_id, FALSE, FALSE, TRUE,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_attendee att
          JOIN res_users u ON u.partner_id = att.partner_id
          JOIN calendar_sync_account a ON a.user_id = u.id AND a.provider = %(p)s
         WHERE att.{p}_answer_pending
        ON CONFLICT (account_id, event_id) DO UPDATE SET answer_pending = TRUE
        """,
        {"p": p},
    )


def migrate(cr, version):
    if not version:
        return
    events = _columns(cr, "calendar_event")
    recurrences = _columns(cr, "calendar_recurrence")
    attendees = _columns(cr, "calendar_attendee")
    for provider in PROVIDERS:
        if f"{provider}_id" in events:
            count = _event_bindings(cr, provider)
            _logger.info("calendar_sync: %s %s event bindings", count, provider)
        if f"{provider}_series_id" in events:
            _stashed_series(cr, provider)
        if f"{provider}_id" in recurrences:
            count = _series_bindings(cr, provider)
            _logger.info("calendar_sync: %s %s series bindings", count, provider)
        if provider == "google" and {"google_id"} <= events & recurrences:
            count = _google_attendee_copies(cr)
            _logger.info("calendar_sync: %s Google attendee copies bound", count)
        if f"{provider}_answer_pending" in attendees:
            _answers(cr, provider)
