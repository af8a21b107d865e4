# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Reset Account wizard: unbind a user's events from a provider, optionally
delete them on one side or both, and forget the account's tokens.

What the account holds is read from its bindings (``calendar.sync.binding``);
only the remote deletes speak each provider's API, through its adapter
(:meth:`engine.port.ProviderAdapter.delete_for_reset`), and the provider
revokes the account's grant where it can (Google).
"""

import logging

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import adapters
from ..models.calendar_event import SYNC_CONTEXT
from ..services import providers
from ..services.exceptions import AuthorizationError

_logger = logging.getLogger(__name__)

#: How many failed events the message names before "and N more".
MAX_LISTED = 20

#: What the account forgets (the user then connects again from the calendar).
ACCOUNT_RESET_VALUES = {
    "access_token": False,
    "refresh_token": False,
    "token_expiry": False,
    "sync_token": False,
    "oauth_nonce": False,
    "oauth_code_verifier": False,
    "oauth_flow": False,
    "email": False,
    "last_error": False,
    "last_sync_date": False,
    "state": "not_connected",
    # the next connection asks again what its first sync sends, and that
    # first push mails nobody
    "first_sync_done": False,
    "answers_pending": False,
}


class CalendarSyncAccountReset(models.TransientModel):
    _name = "calendar.sync.account.reset"
    _description = "Reset a Calendar Sync Account"

    account_id = fields.Many2one(
        comodel_name="calendar.sync.account",
        required=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(related="account_id.user_id", readonly=True)
    provider = fields.Selection(related="account_id.provider", readonly=True)
    account_email = fields.Char(
        string="Connected Account", compute="_compute_account_email"
    )
    event_count = fields.Integer(
        string="Events Concerned",
        compute="_compute_event_count",
        help="Events organized by the user that are linked to this account "
        "(archived ones included).",
    )
    delete_policy = fields.Selection(
        selection="_selection_delete_policy",
        string="User's Existing Events",
        required=True,
        default="dont_delete",
        help="What happens to the events organized by the user that are linked to "
        "this account:\n"
        "- Leave them untouched: they stay in Odoo and in the remote calendar, "
        "no longer linked to each other.\n"
        "- Delete from the remote calendar: they are removed from the remote "
        "calendar and kept in Odoo (Google mails the attendees nothing; Outlook "
        "mails them a cancellation of each meeting).\n"
        "- Delete from Odoo: they are removed from Odoo and kept in the remote "
        "calendar.\n"
        "- Delete from both: they are removed from both sides.\n"
        "Events organized by other people are never touched.",
    )
    sync_policy = fields.Selection(
        selection=[
            ("new", "Synchronize only new events"),
            ("all", "Synchronize all existing events"),
        ],
        string="Next Synchronization",
        required=True,
        default="new",
        help="What Odoo sends to the calendar connected next:\n"
        "- Synchronize only new events: only events created or changed in Odoo "
        "from now on.\n"
        "- Synchronize all existing events: also every event kept in Odoo "
        "(apart from archived ones), sent again as new events.\n"
        "Either way, the next synchronization imports what the connected "
        "calendar holds: with the same account and events left untouched, "
        "some of them may then appear twice.",
    )

    # The remote delete's choice as the wizard's calendar names it (shown by
    # the calendar_sync_delete_policy widget).
    delete_remote_label = fields.Char(compute="_compute_delete_remote_label")

    @api.depends("provider")
    def _compute_delete_remote_label(self):
        known = adapters()
        for wizard in self:
            adapter = known.get(wizard.provider)
            wizard.delete_remote_label = (
                self.env._(adapter.reset_delete_label) if adapter else False
            )

    @api.model
    def _selection_delete_policy(self):
        adapter = adapters().get(self.env.context.get("calendar_sync_provider"))
        if adapter:
            remote = self.env._(adapter.reset_delete_label)
        else:
            remote = _("Delete from the remote calendar")
        return [
            ("dont_delete", _("Leave them untouched")),
            ("delete_remote", remote),
            ("delete_odoo", _("Delete from Odoo")),
            ("delete_both", _("Delete from both")),
        ]

    @api.depends("account_id")
    def _compute_account_email(self):
        for wizard in self:
            wizard.account_email = (
                wizard.account_id.sudo().email if wizard._may_see_account() else False
            )

    def _may_see_account(self):
        """The current user may see this wizard's account (their own, or any
        for an administrator): computes say nothing of anyone else's."""
        self.ensure_one()
        account = self.account_id._origin
        if not account:
            return False
        return bool(
            self.env.su
            or self.env.user.has_group("base.group_system")
            or account.sudo().user_id == self.env.user
        )

    @api.depends("account_id")
    def _compute_event_count(self):
        for wizard in self:
            if not wizard._may_see_account():
                wizard.event_count = 0
                continue
            domain = wizard.account_id and wizard._reset_bound_domain(strict=False)
            wizard.event_count = (
                wizard._events_model().search_count(domain) if domain else 0
            )

    # ------------------------------------------------------------------ access
    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_account_access()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        if "account_id" in vals:
            # pointing an existing wizard at someone else's account would show
            # their connected e-mail and event count (related fields)
            self._check_account_access()
        return result

    def _check_account_access(self):
        """Users reset their own accounts; only administrators reset others'."""
        if self.env.su or self.env.is_system():
            return
        for wizard in self:
            if wizard.account_id.sudo().user_id != self.env.user:
                raise AccessError(
                    _(
                        "You can only reset your own calendar accounts. Ask an "
                        "administrator to reset the account of %(user)s.",
                        user=wizard.account_id.sudo().user_id.name,
                    )
                )

    # ------------------------------------------------------------------ action
    def action_reset(self):
        """Apply the chosen policies, forget the account's tokens, and close
        the wizard with a notification. Safe to run again."""
        self.ensure_one()
        self._check_account_access()
        account = self.account_id.sudo()
        self._lock_account(account)
        events = self._events_model().search(self._reset_bound_domain())
        # the user's copies of invitations from outside organizers are only
        # unbound: deleting them would decline or drop someone else's event
        guests = self._bindings().filtered("guest_copy").event_id
        own = events - guests
        problems = []
        if self.delete_policy in ("delete_remote", "delete_both") and own:
            failed, problem = self._reset_remote_events(own)
            if problem:
                problems.append(problem)
            if failed:
                problems.append(self._describe_failed(failed))
        deleted = self._events_model()
        if self.delete_policy in ("delete_odoo", "delete_both") and own:
            deleted = own
            self._unlink_events(own)
        self._reset_unbind((events - deleted).exists())
        account._push_close()
        if account._revoke_grant() is False:
            problems.append(self._revoke_failed(account))
        account.write(
            {**ACCOUNT_RESET_VALUES, "last_error": "\n".join(problems) or False}
        )
        return self._notification(account, len(events), problems)

    def _lock_account(self, account):
        """Make sure no sync of this account runs meanwhile (the cron skips a
        locked account; a running sync makes us refuse rather than wait)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM calendar_sync_account WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [account.id],
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                _(
                    "This account is being synchronized right now. Try again in "
                    "a minute."
                )
            ) from exc

    def _events_model(self):
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                active_test=False,
                mail_notrack=True,
                tracking_disable=True,
                no_mail_to_attendees=True,
                **{SYNC_CONTEXT: True},
            )
        )

    def _unlink_events(self, events):
        recurrences = events.recurrence_id
        events.unlink()  # SYNC_CONTEXT: really removed, not archived
        # series left without any event go too
        recurrences.exists().filtered(lambda r: not r.calendar_event_ids).unlink()

    def _notification(self, account, count, problems):
        provider = dict(
            account._fields["provider"]._description_selection(self.env)
        ).get(account.provider, account.provider)
        message = _(
            "%(count)s event(s) processed. Connect %(provider)s again from the "
            "Calendar app to resume the synchronization.",
            count=count,
            provider=provider,
        )
        if problems:
            message = "\n".join([*problems, message])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Account reset"),
                "message": message,
                "type": "warning" if problems else "success",
                "sticky": bool(problems),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _revoke_failed(self, account):
        return _(
            "%(company)s did not confirm that it revoked Odoo's access to the "
            "account: the account is reset in Odoo anyway. Remove Odoo's access "
            "in the security settings of the %(company)s account if needed.",
            company=providers.get(account.provider).company,
        )

    def _describe_failed(self, failed):
        """One paragraph naming the events (and the reasons) a remote delete
        refused; ``failed`` is a list of (name, reason)."""
        lines = [f"- {name} ({reason})" for name, reason in failed[:MAX_LISTED]]
        if len(failed) > MAX_LISTED:
            lines.append(_("… and %(count)s more", count=len(failed) - MAX_LISTED))
        return "\n".join(
            [
                _(
                    "These events could not be deleted from the remote calendar; "
                    "delete them there yourself:"
                ),
                *lines,
            ]
        )

    # ------------------------------------------------------------------ providers
    def _unsupported_provider(self):
        raise UserError(
            _("Unknown calendar provider %(provider)s.", provider=self.provider)
        )

    def _reset_adapter(self):
        """The adapter of the account's provider (its remote deletes speak its
        API)."""
        adapter = adapters().get(self.account_id.provider)
        if not adapter:
            self._unsupported_provider()
        return adapter

    def _bindings(self):
        """Every binding of the account (events, series, stashed series)."""
        return (
            self.env["calendar.sync.binding"]
            .sudo()
            .with_context(active_test=False)
            .search([("account_id", "=", self.account_id._origin.id)])
        )

    def _remote_targets(self, events, master_of=None):
        """``(targets, masters)``: remote id → the events whose deletion it
        carries, and the remote ids that are series (a series master carries
        its occurrences; ``master_of`` names the master of an instance id,
        where the provider's ids say it)."""
        bindings = self._bindings()
        masters = {}
        for binding in bindings.filtered("remote_id"):
            series = binding.recurrence_id.calendar_event_ids | binding.stash_event_ids
            if binding.recurrence_id or binding.stash_event_ids:
                masters[binding.remote_id] = series.with_context(active_test=False)
        targets = {
            rid: self._events_model().browse(series.ids) & events
            for rid, series in masters.items()
        }
        covered = self._events_model().concat(*targets.values())
        for binding in bindings.filtered(lambda b: b.remote_id and b.event_id):
            event = binding.event_id
            if event not in events or event in covered:
                continue
            master = master_of(binding.remote_id) if master_of else None
            if master in targets:
                targets[master] |= event
                continue
            # a single event, or an occurrence left alone: its own id
            targets[binding.remote_id] = self._events_model().browse(event.ids)
        return targets, set(masters)

    def _reset_bound_domain(self, strict=True):
        """Domain of the events the reset applies to: organized by the
        account's user and bound to the provider (archived ones included, the
        search runs with ``active_test=False``), with the whole of every bound
        series.

        :param strict: raise for a provider the wizard cannot reset (else
            return None)
        """
        user = self.account_id.sudo().user_id
        if self.account_id.provider not in adapters():
            if strict:
                self._unsupported_provider()
            return None
        bindings = self._bindings().filtered("remote_id")
        events = (
            bindings.event_id
            | bindings.stash_event_ids
            | bindings.recurrence_id.with_context(active_test=False).calendar_event_ids
        )
        return [("user_id", "=", user.id), ("id", "in", events.ids)]

    def _reset_remote_events(self, events):
        """Delete ``events`` from the provider.

        :return: ``(failed, problem)``: ``failed`` lists (name, reason) of the
            events the provider refused to delete; ``problem`` is a sentence
            when nothing could be deleted at all (None otherwise)
        """
        adapter = self._reset_adapter()
        account = self.account_id.sudo()
        # remote id -> the events whose deletion it carries; a series master
        # carries its occurrences
        targets, masters = self._remote_targets(events, master_of=adapter.series_of)
        if not targets:
            return [], None
        if not (account.refresh_token or account.access_token):
            return [], self._remote_skipped(account, None)
        try:
            refused, problem = adapter.delete_for_reset(account, list(targets))
        except AuthorizationError as exc:
            _logger.info("Reset of %s: tokens refused, no remote delete", account.id)
            return [], self._remote_skipped(account, exc)
        failed = [
            (self._label(targets[rid], series=rid in masters), reason)
            for rid, reason in refused.items()
        ]
        return failed, problem

    def _reset_unbind(self, events):
        """Forget every binding of the account. With "only new events", the
        user's existing events and series are parked for the next connection
        (bound to nothing, never pushed); with "all", they are pushed again,
        but archived events and copies of someone else's events never are."""
        account = self.account_id.sudo()
        bindings = self._bindings()
        guests = bindings.filtered("guest_copy").event_id
        # the iCalUIDs stay: reconnecting the same calendar re-binds its
        # events instead of importing them a second time
        uids = {
            (b.event_id or b.recurrence_id): b.ical_uid
            for b in bindings
            if b.ical_uid and (b.event_id or b.recurrence_id)
        }
        bindings.unlink()
        events = events.exists()
        if self.sync_policy == "all":
            parked = (events - guests).filtered(lambda e: not e.active) | guests
        else:
            parked = events
        # what the next sync pushes again keeps its iCalUID too (need_sync)
        records = [(event, event in parked) for event in events] + [
            (rec, self.sync_policy != "all") for rec in events.recurrence_id
        ]
        self.env["calendar.sync.binding"].sudo().create(
            [
                {
                    "account_id": account.id,
                    "event_id"
                    if record._name == "calendar.event"
                    else "recurrence_id": (record.id),
                    "need_sync": not is_parked,
                    "ical_uid": uids.get(record, False),
                }
                for record, is_parked in records
                if is_parked or uids.get(record)
            ]
        )
        return True

    @api.model
    def _label(self, events, series=False):
        """How the message names the event(s) behind one remote id."""
        first = events.sorted("start")[:1]
        if not first:
            return "?"
        if series:
            return _("%(name)s (recurring)", name=first.name)
        if first.allday:
            when = fields.Date.to_string(first.start_date)
        else:
            when = first.start.strftime("%Y-%m-%d %H:%M UTC")
        return f"{first.name} ({when})"

    def _remote_skipped(self, account, error):
        provider = providers.get(account.provider)
        company, calendar = provider.company, provider.label
        if error is None:
            return _(
                "The %(company)s account is not connected, so no event was deleted "
                "from %(calendar)s: delete them there yourself if needed.",
                company=company,
                calendar=calendar,
            )
        return _(
            "%(company)s refused the connection (%(reason)s), so no event was "
            "deleted from %(calendar)s: delete them there yourself if needed.",
            company=company,
            calendar=calendar,
            reason=getattr(error, "error", "") or error.message or "?",
        )
