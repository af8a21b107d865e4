# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.http import request

from ..services import config


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    calendar_sync_google = fields.Boolean(
        string="Google Calendar",
        config_parameter="calendar_sync.google_enabled",
    )
    calendar_sync_google_client_id = fields.Char(
        string="Google Client ID",
        config_parameter=config.PARAM_GOOGLE_CLIENT_ID,
    )
    # Secrets are write-only: never loaded into the settings form (so never
    # sent to the browser once saved); an empty value keeps the stored one.
    calendar_sync_google_client_secret = fields.Char(string="Google Client Secret")
    calendar_sync_google_client_secret_set = fields.Boolean(
        string="Google Client Secret Saved",
        compute="_compute_calendar_sync_secret_set",
    )
    calendar_sync_google_paused = fields.Boolean(
        string="Pause Google Synchronization",
        config_parameter=config.PARAM_GOOGLE_PAUSED,
    )
    # Defaults rather than computes: the settings form gets them on load.
    calendar_sync_google_redirect_uri = fields.Char(
        string="Google Redirect URI",
        default=lambda self: self._calendar_sync_redirect_uri(config.GOOGLE),
        readonly=True,
    )
    calendar_sync_microsoft = fields.Boolean(
        string="Outlook Calendar",
        config_parameter="calendar_sync.microsoft_enabled",
    )
    calendar_sync_microsoft_client_id = fields.Char(
        string="Outlook Client ID",
        config_parameter=config.PARAM_MICROSOFT_CLIENT_ID,
    )
    calendar_sync_microsoft_client_secret = fields.Char(string="Outlook Client Secret")
    calendar_sync_microsoft_client_secret_set = fields.Boolean(
        string="Outlook Client Secret Saved",
        compute="_compute_calendar_sync_secret_set",
    )
    calendar_sync_microsoft_paused = fields.Boolean(
        string="Pause Outlook Synchronization",
        config_parameter=config.PARAM_MICROSOFT_PAUSED,
    )
    calendar_sync_microsoft_tenant = fields.Char(
        string="Outlook Tenant",
        config_parameter=config.PARAM_MICROSOFT_TENANT,
        default=config.DEFAULT_MICROSOFT_TENANT,
        help="'common' (work, school and personal accounts), 'organizations', "
        "'consumers', or your directory's tenant id or domain for a "
        "single-tenant app registration.",
    )
    calendar_sync_microsoft_redirect_uri = fields.Char(
        string="Outlook Redirect URI",
        default=lambda self: self._calendar_sync_redirect_uri(config.MICROSOFT),
        readonly=True,
    )

    def _compute_calendar_sync_secret_set(self):
        params = self.env["ir.config_parameter"].sudo()
        google = bool(params.get_param(config.PARAM_GOOGLE_CLIENT_SECRET))
        microsoft = bool(params.get_param(config.PARAM_MICROSOFT_CLIENT_SECRET))
        for settings in self:
            settings.calendar_sync_google_client_secret_set = google
            settings.calendar_sync_microsoft_client_secret_set = microsoft

    @api.model
    def _calendar_sync_redirect_uri(self, provider):
        return config.redirect_uri(self._calendar_sync_base_url(), provider)

    @api.model
    def _calendar_sync_base_url(self):
        """The server's root as the browser sees it.

        Inside a request this is the URL the browser used (https and the public
        host behind a reverse proxy when Odoo runs with ``--proxy-mode``);
        outside one (cron, shell), ``web.base.url``.
        """
        if request:
            return request.httprequest.url_root
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")

    @api.constrains("calendar_sync_microsoft_tenant")
    def _check_calendar_sync_microsoft_tenant(self):
        for settings in self:
            tenant = settings.calendar_sync_microsoft_tenant
            if tenant and not config.is_valid_tenant(tenant):
                raise ValidationError(
                    _(
                        "The Outlook tenant must be 'common', 'organizations', "
                        "'consumers', a tenant id or a domain name, not %(tenant)s.",
                        tenant=tenant,
                    )
                )

    def set_values(self):
        super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, param in (
            ("calendar_sync_google_client_secret", config.PARAM_GOOGLE_CLIENT_SECRET),
            (
                "calendar_sync_microsoft_client_secret",
                config.PARAM_MICROSOFT_CLIENT_SECRET,
            ),
        ):
            secret = (self[field_name] or "").strip()
            if secret:
                params.set_param(param, secret)
            # do not keep the secret in the (transient) settings record
            self[field_name] = False
        if self.calendar_sync_microsoft_tenant:
            params.set_param(
                config.PARAM_MICROSOFT_TENANT,
                self.calendar_sync_microsoft_tenant.strip(),
            )
