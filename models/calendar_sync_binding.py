# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Where an Odoo event or series stands in one connected calendar.

One binding per account × Odoo record (OCA connector's ``external.binding``):
the remote id in that calendar, its etag and iCalUID, the original start of an
occurrence, whether Odoo changed it since the last sync, whether it is the
account user's copy of someone else's meeting, the answer still to send and
the last error. An event therefore carries one binding per calendar it is in:
its organizer's, and each attendee's mailbox copy.

Every lookup by remote id is scoped to an account (unique account × remote
id): a remote id only means something in the calendar it came from.

Sync state is written by the sync only: users have no access to this model
(the event form shows the errors through a computed field), and bindings are
created and changed with ``sudo()`` by the engine.
"""

from odoo import api, fields, models
from odoo.tools.sql import create_index

#: Index of an account's remote ids for prefix searches (``=like``: the
#: instances of a Google series, ``<master id>_<original start>``). The
#: unique (account, remote id) index cannot serve them unless the database's
#: collation is C; without one, each search reads every binding of the
#: account, once per series an import binds (issue 14).
REMOTE_PREFIX_INDEX = "calendar_sync_binding_account_remote_prefix_index"


class CalendarSyncBinding(models.Model):
    _name = "calendar.sync.binding"
    _description = "Calendar sync binding (an Odoo record in one remote calendar)"
    _order = "account_id, id"
    _rec_name = "remote_id"

    account_id = fields.Many2one(
        comodel_name="calendar.sync.account",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    provider = fields.Selection(related="account_id.provider", store=True)
    user_id = fields.Many2one(related="account_id.user_id", store=True)
    event_id = fields.Many2one(
        comodel_name="calendar.event",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
    )
    recurrence_id = fields.Many2one(
        comodel_name="calendar.recurrence",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
    )
    remote_id = fields.Char(string="Remote ID", index="btree_not_null", readonly=True)
    etag = fields.Char(string="ETag", readonly=True)
    ical_uid = fields.Char(string="iCalUID", index="btree_not_null", readonly=True)
    original_start = fields.Datetime(
        readonly=True,
        help="Start of the series slot this occurrence was generated for (its "
        "identity in the remote series, kept when the occurrence is moved).",
    )
    need_sync = fields.Boolean(
        default=True,
        readonly=True,
        help="Changed in Odoo since its last successful sync with this calendar.",
    )
    guest_copy = fields.Boolean(
        readonly=True,
        help="Someone else organizes this event and does not let guests modify "
        "it: changes made in Odoo are not sent to this calendar.",
    )
    mirror = fields.Boolean(
        readonly=True,
        help="The user's own meeting, hosted with its attendees by another of "
        "the user's calendars: this calendar shows it without attendees, so "
        "that nobody is invited twice.",
    )
    answer_pending = fields.Boolean(
        readonly=True,
        help="The account user's answer was given in Odoo and is not in this "
        "calendar yet: the next sync sends it.",
    )
    synced = fields.Text(
        string="Last Synced Version",
        readonly=True,
        help="The event as both sides had it at its last successful sync "
        "(technical): a change made on both sides since is merged field by "
        "field against it.",
    )
    extra_occurrences = fields.Boolean(
        string="Occurrences Beyond the Rule",
        readonly=True,
        help="The remote series has occurrences its Odoo rule does not give "
        "(Outlook's last day of the months lacking day 29 to 31): Odoo holds "
        "them as occurrences of the series of their own.",
    )
    pending_item = fields.Text(
        string="Item to Retry",
        readonly=True,
        help="The remote item (as the provider sent it) whose last application "
        "to Odoo failed: the next run tries it again, even when the provider "
        "lists it no more (technical).",
    )
    sync_error = fields.Char(
        readonly=True,
        help="Why the last attempt to sync this record with this calendar failed.",
    )
    # A remote series whose Odoo recurrence is being rewritten ("all events"
    # edits delete the recurrence and create a new one on one of its events):
    # the binding waits here for the new recurrence to take it over.
    stash_event_ids = fields.Many2many(
        comodel_name="calendar.event",
        string="Waiting Series Events",
        relation="calendar_sync_binding_stash_rel",
        column1="binding_id",
        column2="event_id",
        readonly=True,
    )

    _sql_constraints = [
        (
            "account_remote_uniq",
            "unique(account_id, remote_id)",
            "A remote event is bound once per calendar account.",
        ),
        (
            "account_event_uniq",
            "unique(account_id, event_id)",
            "An event is bound once per calendar account.",
        ),
        (
            "account_recurrence_uniq",
            "unique(account_id, recurrence_id)",
            "A series is bound once per calendar account.",
        ),
    ]

    def init(self):
        create_index(
            self.env.cr,
            REMOTE_PREFIX_INDEX,
            self._table,
            ["account_id", "remote_id text_pattern_ops"],
            where="remote_id IS NOT NULL",
        )

    def _record(self):
        """The bound Odoo record (event or recurrence)."""
        self.ensure_one()
        return self.event_id or self.recurrence_id

    @api.model
    def _not_synced_events(self, account):
        """The Odoo events ``account`` could not sync (their binding holds the
        provider's refusal): the events, and those of a refused series.

        In SQL: it runs after a sync (the log), in the sync's environment,
        whose caches it must leave as they are (no recordset of bindings,
        series or events is read)."""
        self.flush_model(["account_id", "sync_error", "event_id", "recurrence_id"])
        self.env["calendar.event"].flush_model(["active", "recurrence_id"])
        self.env.cr.execute(
            "SELECT DISTINCT e.id FROM calendar_sync_binding b "
            "JOIN calendar_event e ON e.id = b.event_id "
            "OR (b.recurrence_id IS NOT NULL AND e.recurrence_id = b.recurrence_id) "
            "WHERE b.account_id = %s AND b.sync_error IS NOT NULL "
            "AND b.sync_error != '' AND e.active",
            [account.id],
        )
        return self.env["calendar.event"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
