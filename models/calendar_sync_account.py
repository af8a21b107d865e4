# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import api, fields, models

from ..services import config

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
        selection=[(config.GOOGLE, "Google"), (config.MICROSOFT, "Outlook")],
        required=True,
        readonly=True,
    )
    email = fields.Char(string="Connected Account", readonly=True)
    access_token = fields.Char(
        string="Access Token (raw)",
        groups="base.group_system",
        copy=False,
        readonly=True,
        prefetch=False,
    )
    refresh_token = fields.Char(
        string="Refresh Token (raw)",
        groups="base.group_system",
        copy=False,
        readonly=True,
        prefetch=False,
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
    last_sync_date = fields.Datetime(string="Last Successful Sync", readonly=True)
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

    _sql_constraints = [
        (
            "user_provider_uniq",
            "unique(user_id, provider)",
            "A user has one account per calendar provider.",
        ),
    ]

    @api.depends("user_id", "provider")
    def _compute_display_name(self):
        labels = dict(self._fields["provider"]._description_selection(self.env))
        for account in self:
            account.display_name = (
                f"{account.user_id.name} – {labels.get(account.provider, '')}"
            )

    @api.depends("access_token", "refresh_token")
    @api.depends_context("uid")
    def _compute_token_display(self):
        # The owner may not read the raw tokens (group restricted), but may see
        # that they exist: read them as superuser and show only their tail.
        for account, raw in zip(self, self.sudo(), strict=True):
            account.access_token_display = config.mask_secret(raw.access_token)
            account.refresh_token_display = config.mask_secret(raw.refresh_token)

    @api.depends("state", "sync_stopped")
    def _compute_sync_status(self):
        paused = {
            provider: self._is_provider_paused(provider)
            for provider in config.PROVIDERS
        }
        for account in self:
            if account.state == "connected" and (
                account.sync_stopped or paused[account.provider]
            ):
                account.sync_status = "paused"
            else:
                account.sync_status = account.state

    @api.model
    def _is_provider_paused(self, provider):
        """Whether the administrator paused ``provider`` for the whole database."""
        param = config.PROVIDER_PARAMS[provider]["paused"]
        value = self.env["ir.config_parameter"].sudo().get_param(param)
        return value not in (False, None, "", "False", "0")

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
