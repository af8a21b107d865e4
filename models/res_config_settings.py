# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request

from ..engine import push, takeover
from ..engine.microsoft_signin import host_map
from ..services import config, credentials_check, graph_client

#: What Check credentials reads of the form, per provider.
CHECKED_FIELDS = {
    config.GOOGLE: (
        "calendar_sync_google_client_id",
        "calendar_sync_google_client_secret",
    ),
    config.MICROSOFT: (
        "calendar_sync_microsoft_client_id",
        "calendar_sync_microsoft_client_secret",
        "calendar_sync_microsoft_tenant",
    ),
}
#: ``./run-odoo --demo``: the demo users (login, also their password; name).
DEMO_USERS = (("alice", "Alice Demo"), ("bob", "Bob Demo"))
#: Set by ``./run-odoo --demo`` only: the emulators' page, linked from the
#: calendar's demo banner.
DEMO_PAGE_PARAM = "calendar_sync.demo_page_url"


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
    # Whether a secret is stored. Not stored in the settings record: the form
    # reloaded after a save reads it again from the system parameters (a
    # stored value would say what was there before the save). The default is
    # what the form's first onchange shows (it does not compute it).
    calendar_sync_google_client_secret_set = fields.Boolean(
        string="Google Client Secret Saved",
        compute="_compute_calendar_sync_secret_set",
        default=lambda self: self._calendar_sync_secret_set(config.GOOGLE),
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
    # Push notifications: whether the providers can notify Odoo, and why not.
    calendar_sync_push_status = fields.Text(
        string="Push Notifications",
        default=lambda self: self._calendar_sync_push_status(),
        readonly=True,
    )
    # Odoo's own Google / Outlook modules another module keeps installed
    calendar_sync_odoo_modules_kept = fields.Text(
        string="Odoo's Own Calendar Modules",
        default=lambda self: self._calendar_sync_odoo_modules_kept(),
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
        default=lambda self: self._calendar_sync_secret_set(config.MICROSOFT),
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

    # What Odoo thinks its address is; the https warning of the settings compares
    # it with the protocol the browser uses. A default (the form's first onchange
    # leaves computes without dependencies empty), and no config_parameter:
    # saving the settings never writes web.base.url.
    calendar_sync_web_base_url = fields.Char(
        string="Web Base URL",
        default=lambda self: self._calendar_sync_web_base_url(),
        readonly=True,
    )

    @api.depends(
        "calendar_sync_google_client_secret", "calendar_sync_microsoft_client_secret"
    )
    def _compute_calendar_sync_secret_set(self):
        google = self._calendar_sync_secret_set(config.GOOGLE)
        microsoft = self._calendar_sync_secret_set(config.MICROSOFT)
        for settings in self:
            settings.calendar_sync_google_client_secret_set = google
            settings.calendar_sync_microsoft_client_secret_set = microsoft

    @api.model
    def _calendar_sync_stored_secret(self, provider):
        """The client secret of ``provider`` saved in the system parameters."""
        key = config.PROVIDER_PARAMS[provider]["client_secret"]
        return (self.env["ir.config_parameter"].sudo().get_param(key) or "").strip()

    @api.model
    def _calendar_sync_secret_set(self, provider):
        """Whether a client secret of ``provider`` is saved (never the secret)."""
        return bool(self._calendar_sync_stored_secret(provider))

    @api.model
    def _calendar_sync_web_base_url(self):
        """The ``web.base.url`` system parameter (False if unset)."""
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param("web.base.url") or False

    @api.model
    def _calendar_sync_push_status(self):
        """What Settings say about push notifications (engine/push.py)."""
        address, reason = push.status(self.env, config.GOOGLE)
        if not address:
            return _(
                "Not active: %(reason)s Changes made in Google or Outlook reach "
                "Odoo when the scheduler runs and when a user opens the calendar.",
                reason=push.reason_text(self.env, reason),
            )
        root = address.rsplit("/calendar_sync/", 1)[0]
        lines = [
            _(
                "Active: Google and Outlook notify Odoo of each change at "
                "%(root)s/calendar_sync/push/… (the server must be reachable "
                "there from the internet, with a valid certificate).",
                root=root,
            )
        ]
        failed = (
            self.env["calendar.sync.account"]
            .sudo()
            .search_count([("push_error", "!=", False), ("state", "=", "connected")])
        )
        if failed:
            lines.append(
                _(
                    "%(count)s calendar(s) could not open a notification channel "
                    "(is the address reachable?); they are synchronized by the "
                    "scheduler.",
                    count=failed,
                )
            )
        return "\n".join(lines)

    @api.model
    def _calendar_sync_odoo_modules_kept(self):
        """Which of Odoo's own sync modules stay installed beside
        calendar_sync, and which modules need them (engine/takeover.py)."""
        kept = takeover.kept_modules(self.env)
        if not kept:
            return False
        lines = [
            _(
                "%(module)s stays installed because %(needed_by)s needs it.",
                module=module.shortdesc or module.name,
                needed_by=", ".join(names),
            )
            for module, names in kept.items()
        ]
        lines.append(
            _(
                "It no longer synchronizes anybody: Calendar Sync took over its "
                "users and links. Uninstall it in Apps once you no longer need "
                "the modules above."
            )
        )
        return "\n".join(lines)

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
        res = super().set_values()
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
        return res

    # ------------------------------------------------------- credentials check
    @api.model
    def calendar_sync_check_credentials(self, provider, values):
        """The settings form's Check credentials, on what is typed in the form
        (``values``), without saving anything: the form stays changed, and
        leaving it still asks whether to save.

        :return: the notification action of the check
        """
        if not self.env.is_admin():
            raise AccessError(_("Only administrators can check the credentials."))
        if provider not in CHECKED_FIELDS:
            raise ValidationError(_("Unknown calendar provider."))
        typed = {
            name: values[name]
            for name in CHECKED_FIELDS[provider]
            if isinstance(values.get(name), str)
        }
        record = self.new(typed)
        return getattr(record, f"action_calendar_sync_check_{provider}")()

    def action_calendar_sync_check_google(self):
        """Ask Google whether it accepts the Client ID and Secret (no sign-in)."""
        self.ensure_one()
        client_id, secret = self._calendar_sync_form_credentials(config.GOOGLE)
        redirect_uri = self._calendar_sync_form_redirect_uri(config.GOOGLE)
        result = credentials_check.check_google_credentials(
            self.env["calendar.sync.account"]._param("calendar_sync.google_token_uri"),
            client_id,
            secret,
            redirect_uri,
        )
        message = self._calendar_sync_google_check_message(
            result, client_id, redirect_uri
        )
        return self._calendar_sync_check_notification(
            _("Google Calendar"), message, result
        )

    def action_calendar_sync_check_microsoft(self):
        """Ask Microsoft whether it accepts the Client ID and Secret (no sign-in)."""
        self.ensure_one()
        accounts = self.env["calendar.sync.account"]
        client_id, secret = self._calendar_sync_form_credentials(config.MICROSOFT)
        redirect_uri = self._calendar_sync_form_redirect_uri(config.MICROSOFT)
        tenant = (
            (self.calendar_sync_microsoft_tenant or "").strip()
            or accounts._param(config.PARAM_MICROSOFT_TENANT)
            or config.DEFAULT_MICROSOFT_TENANT
        )
        authority = config.microsoft_authority(
            accounts._param("calendar_sync.microsoft_authority_host"), tenant
        )
        session = graph_client.RewritingSession(
            host_map(self.env), timeout=credentials_check.CHECK_TIMEOUT
        )
        with session:
            result = credentials_check.check_microsoft_credentials(
                client_id, secret, authority, redirect_uri, session=session
            )
        message = self._calendar_sync_microsoft_check_message(
            result, client_id, tenant, redirect_uri
        )
        return self._calendar_sync_check_notification(
            _("Outlook Calendar"), message, result
        )

    def _calendar_sync_form_credentials(self, provider):
        """(client_id, secret) as typed in the form. The Client ID field shows
        the stored value; the secret field is write-only (empty unless typed),
        so an empty one means the stored secret."""
        client_id = (self[f"calendar_sync_{provider}_client_id"] or "").strip()
        secret = (self[f"calendar_sync_{provider}_client_secret"] or "").strip()
        return client_id, secret or self._calendar_sync_stored_secret(provider)

    def _calendar_sync_form_redirect_uri(self, provider):
        field_name = f"calendar_sync_{provider}_redirect_uri"
        return self[field_name] or self._calendar_sync_redirect_uri(provider)

    @api.model
    def _calendar_sync_check_notification(self, title, message, result):
        if result.ok and result.status == credentials_check.OK:
            kind = "success"
        elif result.field and result.status not in (
            credentials_check.MISSING_CLIENT_ID,
            credentials_check.MISSING_CLIENT_SECRET,
        ):
            kind = "danger"
        else:
            kind = "warning"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                # the redirect URI to register stays until dismissed
                "sticky": True,
            },
        }

    @api.model
    def _calendar_sync_google_check_message(self, result, client_id, redirect_uri):
        status = result.status
        if status == credentials_check.OK:
            return _(
                "Google accepted the Client ID and Client Secret. Register this "
                "redirect URI in Google Cloud console › APIs & Services › "
                "Credentials › your OAuth client › Authorized redirect URIs, if it "
                "is not there yet: %(redirect_uri)s",
                redirect_uri=redirect_uri,
            )
        if status == credentials_check.REDIRECT_URI_NOT_REGISTERED:
            return _(
                "Google accepted the Client ID and Client Secret, but this redirect "
                "URI is not registered for the client: %(redirect_uri)s. Add it in "
                "Google Cloud console › APIs & Services › Credentials › your OAuth "
                "client › Authorized redirect URIs.",
                redirect_uri=redirect_uri,
            )
        if status == credentials_check.MISSING_CLIENT_ID:
            return _(
                "Enter the Google Client ID first. Copy it from Google Cloud console "
                "› APIs & Services › Credentials › OAuth 2.0 Client IDs."
            )
        if status == credentials_check.MISSING_CLIENT_SECRET:
            return _(
                "Enter the Google Client Secret first. Copy it from Google Cloud "
                "console › APIs & Services › Credentials › your OAuth client."
            )
        if status == credentials_check.UNKNOWN_CLIENT_ID:
            return _(
                "Google does not know the Client ID %(client_id)s. Copy it again "
                "from Google Cloud console › APIs & Services › Credentials (an "
                "OAuth client of type Web application).",
                client_id=client_id,
            )
        if status == credentials_check.WRONG_CLIENT_SECRET:
            return _(
                "The Client Secret does not match the Client ID %(client_id)s. Copy "
                "the secret again from Google Cloud console › APIs & Services › "
                "Credentials › your OAuth client (or add a new secret there), paste "
                "it here and save.",
                client_id=client_id,
            )
        return self._calendar_sync_check_failure_message("Google", result)

    @api.model
    def _calendar_sync_microsoft_check_message(
        self, result, client_id, tenant, redirect_uri
    ):
        status = result.status
        if status == credentials_check.OK:
            return _(
                "Microsoft accepted the Client ID and Client Secret. Register this "
                'redirect URI (platform "Web") in your app registration › '
                "Authentication, if it is not there yet: %(redirect_uri)s",
                redirect_uri=redirect_uri,
            )
        if status == credentials_check.MISSING_CLIENT_ID:
            return _(
                "Enter the Outlook Client ID first: the Application (client) ID on "
                "the Overview page of your app registration (Microsoft Entra admin "
                "center › App registrations)."
            )
        if status == credentials_check.MISSING_CLIENT_SECRET:
            return _(
                "Enter the Outlook Client Secret first. Create one in your app "
                "registration › Certificates & secrets and copy its Value (not its "
                "Secret ID)."
            )
        if status == credentials_check.UNKNOWN_CLIENT_ID:
            return _(
                "Microsoft does not know the Client ID %(client_id)s in the tenant "
                "%(tenant)s. Copy the Application (client) ID again from the "
                "Overview page of your app registration, and check that the Tenant "
                "field matches the account types the app supports.",
                client_id=client_id,
                tenant=tenant,
            )
        if status == credentials_check.WRONG_CLIENT_SECRET:
            return _(
                "The Client Secret does not match the Client ID %(client_id)s. Copy "
                "the secret's Value (not its Secret ID) from your app registration › "
                "Certificates & secrets (or create a new secret there), paste it "
                "here and save.",
                client_id=client_id,
            )
        if status == credentials_check.EXPIRED_CLIENT_SECRET:
            return _(
                "The Client Secret has expired. Create a new secret in your app "
                "registration › Certificates & secrets, paste its Value here and "
                "save."
            )
        if status == credentials_check.INVALID_TENANT:
            return _(
                "Microsoft does not know the tenant %(tenant)s. Enter 'common', "
                "'organizations', 'consumers', your directory's tenant id or its "
                "domain name.",
                tenant=tenant,
            )
        return self._calendar_sync_check_failure_message("Microsoft", result)

    @api.model
    def _calendar_sync_check_failure_message(self, provider, result):
        if result.status == credentials_check.UNREACHABLE:
            return _(
                "%(provider)s could not be reached: %(detail)s. Check this server's "
                "internet access (proxy, firewall) and try again.",
                provider=provider,
                detail=result.detail,
            )
        return _(
            "%(provider)s gave an unexpected answer: %(detail)s. Try again later.",
            provider=provider,
            detail=result.detail or result.error,
        )

    # ------------------------------------------------------------------ demo
    @api.model
    def _calendar_sync_setup_demo(self, params, page_url):
        """``./run-odoo --demo``: point both providers at the emulators (the
        system parameters ``params``), remember the emulators' page (the
        calendar then shows the demo banner), and create the demo users with a
        few events, unless they exist.

        :return: the demo users
        """
        config_params = self.env["ir.config_parameter"].sudo()
        for key, value in params.items():
            config_params.set_param(key, value)
        config_params.set_param(DEMO_PAGE_PARAM, page_url)
        users = self.env["res.users"]
        for login, name in DEMO_USERS:
            users |= self._calendar_sync_demo_user(login, name)
        alice, bob = users
        if not self.env["calendar.event"].search_count(
            [("user_id", "in", users.ids)], limit=1
        ):
            self._calendar_sync_demo_events(alice, bob)
        return users

    @api.model
    def _calendar_sync_demo_user(self, login, name):
        Users = self.env["res.users"].with_context(active_test=False)
        user = Users.search([("login", "=", login)], limit=1)
        if user:
            return user
        return Users.with_context(no_reset_password=True).create(
            {
                "login": login,
                "password": login,
                "name": name,
                "email": f"{login}@demo.example",
                "tz": "Europe/Brussels",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )

    @api.model
    def _calendar_sync_demo_events(self, alice, bob):
        """Alice's meetings with Bob (one past, two ahead), Bob's own one."""
        today = fields.Datetime.now().replace(hour=8, minute=0, second=0)
        both = [(6, 0, (alice.partner_id | bob.partner_id).ids)]
        for user, name, days, partners in (
            (alice, "Retrospective (from Odoo)", -20, both),
            (alice, "Project kick-off (from Odoo)", 1, both),
            (alice, "Planning (from Odoo)", 6, both),
            (bob, "Dentist (from Odoo)", 2, [(6, 0, bob.partner_id.ids)]),
        ):
            start = today + timedelta(days=days)
            self.env["calendar.event"].with_user(user).with_context(
                no_mail_to_attendees=True
            ).create(
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": user.id,
                    "partner_ids": partners,
                }
            )
