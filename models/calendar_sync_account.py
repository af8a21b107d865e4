# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..engine import (
    account_views,
    adapter,
    adapters,
    first_sync,
    jobs,
    messages,
    oauth,
    params,
    push,
    scheduler,
    steps,
)
from ..services import providers

_logger = logging.getLogger(__name__)

STATE_SELECTION = [
    ("not_connected", "Not Connected"),
    ("connected", "Connected"),
    ("needs_reconnect", "Needs Reconnect"),
    ("error", "Error"),
]
SYNC_STATUS_SELECTION = [
    ("not_connected", "Not Connected"),
    ("connected", "Connected"),
    ("paused", "Paused"),
    ("needs_reconnect", "Needs Reconnect"),
    ("error", "Error"),
]


#: Fields that are no criterion for anybody (not offered as a "group by").
TECHNICAL_FIELDS = (
    "access_token",
    "refresh_token",
    "sync_token",
    "sync_listing",
    "oauth_nonce",
    "oauth_code_verifier",
    "oauth_flow",
    "token_expiry",
    "pending_items",
    "first_sync_done",
)


class CalendarSyncAccount(models.Model):
    """A user's connection to one calendar provider: tokens and sync state.

    Readable only by the user it belongs to and by Settings administrators
    (record rules in ``security/calendar_sync_security.xml``); the raw tokens
    are restricted to administrators and to the sync itself (sudo), the owner
    sees them masked.
    """

    _name = "calendar.sync.account"
    _description = "Calendar Sync Account"
    _order = "user_id, provider"
    _rec_names_search = ["email"]

    user_id = fields.Many2one(
        comodel_name="res.users",
        string="User",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    provider = fields.Selection(
        selection=[(p.key, p.short_label) for p in providers.REGISTRY.values()],
        required=True,
        readonly=True,
    )
    email = fields.Char(string="Connected Account", readonly=True)
    access_token = fields.Char(
        string="Access Token (raw)",
        groups="base.group_system",
        copy=False,
        readonly=True,
    )
    refresh_token = fields.Char(
        string="Refresh Token (raw)",
        groups="base.group_system",
        copy=False,
        readonly=True,
    )
    access_token_display = fields.Char(
        string="Access Token", compute="_compute_token_display"
    )
    refresh_token_display = fields.Char(
        string="Refresh Token", compute="_compute_token_display"
    )
    token_expiry = fields.Datetime(string="Token Valid Until", readonly=True)
    sync_token = fields.Char(
        string="Sync Token / Delta Link",
        copy=False,
        readonly=True,
        help="Google's syncToken or Outlook's delta link: where the next "
        "incremental sync starts. Empty means the next sync is a full one.",
    )
    sync_listing = fields.Text(
        groups="base.group_system",
        copy=False,
        readonly=True,
        help="A long listing under way (engine/steps.py): where it goes on, "
        "as JSON. Empty when no listing is under way.",
    )
    sync_progress = fields.Char(
        string="Import Progress",
        compute="_compute_sync_progress",
        help="A long import goes on in steps: how far it is.",
    )
    last_sync_date = fields.Datetime(string="Last Successful Sync", readonly=True)
    last_attempt_date = fields.Datetime(
        string="Last Attempt",
        readonly=True,
        help="When the scheduler last tried this account (successful or not): "
        "it takes the accounts it tried longest ago first.",
    )
    state = fields.Selection(
        selection=STATE_SELECTION,
        default="not_connected",
        required=True,
        readonly=True,
    )
    sync_stopped = fields.Boolean(
        string="Synchronization Stopped",
        readonly=True,
        help="The user stopped the synchronization of their calendar.",
    )
    sync_status = fields.Selection(
        selection=SYNC_STATUS_SELECTION,
        string="Status",
        compute="_compute_sync_status",
    )
    last_error = fields.Text(readonly=True)
    first_sync_policy = fields.Selection(
        selection=[
            ("none", "None of my existing events"),
            ("future", "My future events only"),
            ("all", "All my events"),
        ],
        string="First Sync Sends",
        default="future",
        required=True,
        help="Which of the events you already organize in Odoo the first "
        "synchronization sends to the connected calendar. Their attendees may be "
        "mailed by the provider; events left out stay in Odoo.",
    )
    first_sync_done = fields.Boolean(readonly=True, copy=False)
    # Read with the account's row: a run with no failed item to retry looks
    # for none (see SyncRun._with_pending).
    pending_items = fields.Boolean(string="Items to Retry", readonly=True, copy=False)
    # Read with the account's row: a sync with no answer to send looks for none
    # (set by calendar.attendee when the user answers in Odoo).
    answers_pending = fields.Boolean(
        copy=False,
        readonly=True,
        help="The user answered invitations in Odoo that the next sync sends.",
    )
    # What the last run did (from the sync log), for the Calendar tab.
    log_ids = fields.One2many(
        comodel_name="calendar.sync.log",
        inverse_name="account_id",
        string="Sync Log",
        readonly=True,
    )
    last_run_started = fields.Datetime(string="Last Run", compute="_compute_last_run")
    last_run_pulled = fields.Integer(
        string="Received in Last Run", compute="_compute_last_run"
    )
    last_run_pushed = fields.Integer(
        string="Sent in Last Run", compute="_compute_last_run"
    )
    last_run_failed = fields.Integer(
        string="Failed in Last Run", compute="_compute_last_run"
    )
    # The events this account could not sync, each with its reason (the
    # Calendar tab and the header link to them).
    not_synced_event_ids = fields.Many2many(
        comodel_name="calendar.event",
        string="Events Not Synced",
        compute="_compute_not_synced_event_ids",
    )
    not_synced_count = fields.Integer(
        string="Not Synced", compute="_compute_not_synced_event_ids"
    )
    # Odoo matches attendees by e-mail: the connected account should be the user's.
    email_mismatch = fields.Boolean(
        string="E-mail Mismatch", compute="_compute_email_mismatch"
    )
    email_mismatch_label = fields.Char(
        string="E-mail Check", compute="_compute_email_mismatch"
    )
    email_mismatch_warning = fields.Char(
        string="E-mail Warning", compute="_compute_email_mismatch"
    )
    sync_paused = fields.Boolean(
        string="Paused or Stopped",
        compute="_compute_sync_paused",
        search="_search_sync_paused",
        help="The user stopped the synchronization, or the administrator paused "
        "the provider for everybody.",
    )
    # Background runs (engine/jobs.py): a run requested (by the calendar, Sync
    # Now, a notification, the scheduler) and not made yet; a provider that
    # asked to wait.
    sync_requested = fields.Datetime(
        string="Synchronization Requested",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="A synchronization was asked for at this time and waits for a "
        "background worker.",
    )
    sync_retry_at = fields.Datetime(
        string="Retrying At",
        copy=False,
        readonly=True,
        help="The provider asked to wait (too many requests): the next "
        "synchronization is not before this time.",
    )
    # Push notifications (engine/push.py): the open channel (Google) or
    # subscription (Outlook) and its secret.
    push_channel_id = fields.Char(
        string="Push Channel", copy=False, readonly=True, index="btree_not_null"
    )
    push_secret = fields.Char(groups="base.group_system", copy=False, readonly=True)
    push_resource_id = fields.Char(copy=False, readonly=True)
    push_expiry = fields.Datetime(
        string="Push Channel Valid Until", copy=False, readonly=True
    )
    push_address = fields.Char(copy=False, readonly=True)
    push_error = fields.Char(
        string="Push Problem",
        copy=False,
        readonly=True,
        help="Why the last attempt to open the push channel failed (the "
        "calendar is still synchronized by the scheduler).",
    )
    # Pending OAuth flow (between the redirect to the provider and its callback).
    oauth_nonce = fields.Char(groups="base.group_system", copy=False, readonly=True)
    oauth_code_verifier = fields.Char(
        groups="base.group_system", copy=False, readonly=True
    )
    # Outlook: msal's auth code flow dict (PKCE verifier, nonce, state,
    # redirect_uri), as JSON, kept server-side between redirect and callback.
    oauth_flow = fields.Text(groups="base.group_system", copy=False, readonly=True)

    _sql_constraints = [
        (
            "user_provider_uniq",
            "unique(user_id, provider)",
            "A user has one account per calendar provider.",
        ),
    ]

    def _compute_sync_progress(self):
        for account in self:
            account.sync_progress = steps.describe(account)

    @api.depends("user_id", "provider")
    def _compute_display_name(self):
        labels = dict(self._fields["provider"]._description_selection(self.env))
        for account in self:
            account.display_name = (
                f"{account.user_id.name} – {labels.get(account.provider, '')}"
            )

    # The computed fields' bodies are in engine/account_views.py.
    @api.depends("access_token", "refresh_token")
    @api.depends_context("uid")
    def _compute_token_display(self):
        account_views.compute_token_display(self)

    @api.depends("state", "sync_stopped")
    def _compute_sync_status(self):
        account_views.compute_sync_status(self)

    @api.depends("log_ids")
    def _compute_last_run(self):
        account_views.compute_last_run(self)

    def _compute_not_synced_event_ids(self):
        account_views.compute_not_synced(self)

    @api.depends("email", "user_id.email")
    @api.depends_context("uid")
    def _compute_email_mismatch(self):
        account_views.compute_email_mismatch(self)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Tokens, sync tokens and the pending sign-in's nonce and verifier
        mean nothing as a "group by": the search view does not offer them."""
        res = super().fields_get(allfields, attributes)
        for name in TECHNICAL_FIELDS:
            if name in res and "groupable" in res[name]:
                res[name]["groupable"] = False
        return res

    @api.depends("sync_stopped", "provider")
    def _compute_sync_paused(self):
        account_views.compute_sync_paused(self)

    def _search_sync_paused(self, operator, value):
        return account_views.search_sync_paused(self, operator, value)

    @api.model
    def _get_for_user(self, user, provider, create=True):
        """The account of ``user`` for ``provider`` (sudo), created on demand."""
        account = (
            self.sudo()
            .with_context(active_test=False)
            .search([("user_id", "=", user.id), ("provider", "=", provider)], limit=1)
        )
        if not account and create:
            account = self.sudo().create({"user_id": user.id, "provider": provider})
        return account

    # ------------------------------------------------------------------ config
    # The system parameters a sync reads, with their defaults (engine/params.py).
    @api.model
    def _param(self, key, default=None):
        return params.param(self.env, key, default)

    @api.model
    def _http_timeout(self):
        return params.http_timeout(self.env)

    @api.model
    def _max_retries(self):
        return params.max_retries(self.env)

    @api.model
    def _provider_credentials(self, provider):
        """(client_id, client_secret) of ``provider``, empty strings if unset."""
        return params.provider_credentials(self.env, provider)

    @api.model
    def _is_provider_configured(self, provider):
        return params.is_provider_configured(self.env, provider)

    @api.model
    def _is_provider_paused(self, provider):
        """Whether the administrator paused ``provider`` for the whole database."""
        return params.is_provider_paused(self.env, provider)

    # ------------------------------------------------------------------ sign-in
    # Each provider's sign-in and client live in engine/<provider>_signin.py,
    # reached through the one registry (engine.adapter(provider).signin).
    def _signin(self):
        """The :class:`engine.port.ProviderSignin` of this account's provider."""
        self.ensure_one()
        return adapter(self.provider).signin(self)

    def _client(self, **options):
        """The provider's API client for this account; refreshed tokens are
        stored back on the account. In a run (``calendar_sync_no_sleep`` in
        the context) it never sleeps: what the provider throttles is retried
        by a later run (engine/scheduler.py)."""
        if self.env.context.get("calendar_sync_no_sleep"):
            options.setdefault("max_sleep", 0)
        return self._signin().client(**options)

    def _authorization_url(self, redirect_uri, return_url):
        """Start the sign-in: the URL of the provider's sign-in page.

        :raises CalendarSyncError: the provider could not be reached
        """
        return self._signin().authorization_url(redirect_uri, return_url)

    def _finish_authorization(self, params, redirect_uri):
        """The sign-in callback (after :meth:`_oauth_consume_state`): exchange
        the code, identify the remote account, store its tokens."""
        return self._signin().finish_authorization(params, redirect_uri)

    def _sign_in_error(self, error):
        """One plain sentence for the user whose sign-in failed."""
        return self._signin().sign_in_error(error)

    def _oauth_new_state(self, return_url):
        """``(state, nonce)`` of a new sign-in (engine/oauth.py)."""
        return oauth.new_state(self, return_url)

    def _oauth_consume_state(self, state):
        """Check the callback's ``state`` and burn its nonce (engine/oauth.py).

        :raises InvalidOAuthState: forged, expired, replayed, other user/db
        """
        return oauth.consume_state(self, state)

    def _revoke_grant(self):
        """Revoke the stored grant at the provider where it can be (Google);
        never raises. See :meth:`engine.port.ProviderSignin.revoke`."""
        if self.provider not in adapters():
            return None
        try:
            return self._signin().revoke()
        except Exception:
            _logger.exception("Revoking the grant of account %s failed", self.id)
            return False

    def write(self, vals):
        if "sync_token" in vals and not vals["sync_token"]:
            # a new start (reset, new sign-in, a merge): a long listing under
            # way is started again too
            steps.drop(self)
        return super().write(vals)

    def unlink(self):
        # the provider forgets the grant too (Microsoft has no per-token revoke)
        self.check_access("unlink")
        for account in self.sudo():
            push.close(account)
            account._revoke_grant()
        return super().unlink()

    def _mark_needs_reconnect(self, error):
        """The provider refused our refresh token: keep every event, ask the
        user to reconnect."""
        self.sudo().write(
            {
                "state": "needs_reconnect",
                "access_token": False,
                "token_expiry": False,
                "last_error": self._describe_error(error),
            }
        )

    @api.model
    def _describe_error(self, error):
        """One plain sentence for the user about ``error``, in their language;
        what the provider said stays as its detail (engine/messages.py)."""
        return messages.describe_error(self, error)

    # ------------------------------------------------------------------ status
    def _not_synced_events(self):
        """The Odoo events this account could not sync (their binding holds the
        provider's refusal): the events, and those of a refused series.

        In SQL: it runs after a sync (the log), in the sync's environment,
        whose caches it must leave as they are (no recordset of bindings,
        series or events is read)."""
        self.ensure_one()
        return self.env["calendar.sync.binding"]._not_synced_events(self)

    def _not_synced_count(self):
        self.ensure_one()
        return len(self._not_synced_events())

    # The buttons' actions are made in engine/account_views.py.
    def action_open_not_synced_events(self):
        """The list of the events this account could not sync, each saying why."""
        self.ensure_one()
        self.check_access("read")
        return account_views.not_synced_events_action(self)

    def action_open_sync_log(self):
        """The runs of this account (its owner sees their own runs only)."""
        self.ensure_one()
        self.check_access("read")
        return account_views.sync_log_action(self)

    def _first_sync_counts(self):
        """What the first sync would send (engine/first_sync.py), and how many
        of those events came from the user's other connected calendar
        (``from_other``, with its name in ``other_calendar``)."""
        self.ensure_one()
        return first_sync.counts_with_other(self)

    @api.model
    def _status_for_user(self, user):
        """What the calendar header shows, per provider."""
        return scheduler.status_for_user(self, user)

    @api.model
    def _sync_for_user(self, user, provider):
        """Request a run of ``user``'s ``provider`` account, for the calendar view
        (see :func:`engine.scheduler.sync_for_user`)."""
        return scheduler.sync_for_user(self, user, provider)

    @api.model
    def _pushing_users(self, users):
        """Those of ``users`` whose events some provider hosts now (a connected,
        running account of a provider that is not paused): the provider sends
        the invitations of their events."""
        return scheduler.pushing_users(self, users)

    # ------------------------------------------------------------------ sync
    # One attempt (locks, isolation, outcome, log) and the scheduler's pass
    # are in engine/scheduler.py.
    def _sync(self):
        """Sync this account now; never raises for provider trouble: the
        outcome is stored on the account where the user sees it.

        :return: the run's counters, or None when nothing ran
        """
        return scheduler.sync(self)

    def _lock(self):
        """Lock this account for the transaction; False when another worker
        (the cron, another browser tab) is syncing it right now."""
        return scheduler.lock(self)

    def action_sync_now(self):
        """Request a run of these accounts now and say so (one notification)."""
        self.check_access("read")
        return self._notify(*scheduler.sync_now(self))

    @api.model
    def _notify(self, message, kind):
        return account_views.notification(message, kind)

    def action_stop_sync(self):
        """Stop syncing this account (the user's choice); nothing is deleted."""
        self.check_access("read")
        self._push_close()
        self.sudo().write({"sync_stopped": True})

    def action_restart_sync(self):
        """Resume syncing: changes made meanwhile on either side are caught up."""
        self.check_access("read")
        self.sudo().write({"sync_stopped": False})

    @api.model
    def _cron_sync_all(self, time_budget=None):
        """The scheduled pass: request a run of every connected account
        (engine/scheduler.py)."""
        scheduler.cron_pass(self, time_budget)

    def action_invite_to_connect(self):
        """Administrators' overview: ask the users of these not connected
        accounts to connect their calendar (an Odoo notification, by e-mail
        or in their inbox as each of them chose)."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can invite users to connect."))
        return account_views.invite_to_connect(self)

    @api.model
    def _cron_run_requested(self):
        """Run the requested synchronizations (engine/jobs.py)."""
        jobs.requested_pass(self)

    def _run_requested_sync(self):
        """queue_job's job: this account's requested run (engine/jobs.py)."""
        return jobs.perform(self)

    def _push_close(self):
        """Close the push channel of these accounts (best effort)."""
        for account in self.sudo():
            push.close(account)

    # ------------------------------------------------------------------ reset
    def action_open_reset_wizard(self):
        """Open the Reset Account wizard on this account."""
        self.ensure_one()
        self.check_access("read")
        return account_views.reset_wizard_action(self)
