# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import json
import socket

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import GoogleEmulatorMixin, GraphEmulatorMixin

GOOGLE_TOKEN_URI = "calendar_sync.google_token_uri"


def closed_url():
    """``http://127.0.0.1:PORT`` of a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@tagged("post_install", "-at_install", "calendar_sync")
class TestSettingsPreflight(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    """ "Check credentials" asks the provider's token endpoint about the Client ID
    and Secret (an invalid code, no sign-in) and says what to fix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env, login="cs_preflight_admin", groups="base.group_system"
        )

    def _settings(self, **values):
        return self.env["res.config.settings"].with_user(self.admin).create(values)

    def _set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def _param(self, key):
        return self.env["ir.config_parameter"].sudo().get_param(key)

    def _check_google(self, **values):
        action = self._settings(**values).action_calendar_sync_check_google()
        self.assertEqual(action["tag"], "display_notification")
        return action["params"]

    def _check_microsoft(self, **values):
        action = self._settings(**values).action_calendar_sync_check_microsoft()
        self.assertEqual(action["tag"], "display_notification")
        return action["params"]

    def _token_requests(self):
        return [r for r in self.google.requests if r["path"] == "/token"]

    # ------------------------------------------------------------------ Google
    def test_check_credentials_accepts_right_google_credentials(self):
        settings = self._settings()
        params = self._check_google()
        self.assertEqual(params["type"], "success")
        self.assertTrue(params["sticky"], "the URI to register stays until dismissed")
        self.assertIn(
            "Google accepted the Client ID and Client Secret", params["message"]
        )
        self.assertIn(settings.calendar_sync_google_redirect_uri, params["message"])
        self.assertEqual(len(self._token_requests()), 1)

    def test_check_credentials_reports_unknown_google_client_id(self):
        params = self._check_google(
            calendar_sync_google_client_id="nobody.apps.googleusercontent.com"
        )
        self.assertEqual(params["type"], "danger")
        self.assertTrue(params["sticky"])
        self.assertIn(
            "Google does not know the Client ID nobody.apps.googleusercontent.com",
            params["message"],
        )

    def test_check_credentials_reports_wrong_google_client_secret(self):
        params = self._check_google(calendar_sync_google_client_secret="not-it")
        self.assertEqual(params["type"], "danger")
        self.assertTrue(params["sticky"])
        self.assertIn("The Client Secret does not match", params["message"])

    def test_check_credentials_reports_missing_google_secret_without_a_request(self):
        self._set_param("google_calendar_client_secret", "")
        params = self._check_google()
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("Enter the Google Client Secret first", params["message"])
        self.assertFalse(self._token_requests())

    def test_check_credentials_reports_missing_google_client_id(self):
        params = self._check_google(calendar_sync_google_client_id="")
        self.assertIn("Enter the Google Client ID first", params["message"])
        self.assertFalse(self._token_requests())

    def test_check_credentials_reports_google_unreachable(self):
        self._set_param(GOOGLE_TOKEN_URI, closed_url() + "/token")
        params = self._check_google()
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("Google could not be reached: ", params["message"])

    def test_check_credentials_uses_the_typed_secret_over_the_stored_one(self):
        from ..emulators.google_emulator import DEFAULT_CLIENT_SECRET

        self._set_param("google_calendar_client_secret", "an-old-secret")
        params = self._check_google(
            calendar_sync_google_client_secret=DEFAULT_CLIENT_SECRET
        )
        self.assertEqual(params["type"], "success")
        # checking saves nothing: the admin still has to save the settings
        self.assertEqual(self._param("google_calendar_client_secret"), "an-old-secret")

    def test_check_credentials_uses_the_configured_google_token_endpoint(self):
        self.google.register_client("odoo.apps.googleusercontent.com", "odoo-secret")
        params = self._check_google(
            calendar_sync_google_client_id="odoo.apps.googleusercontent.com",
            calendar_sync_google_client_secret="odoo-secret",
        )
        self.assertEqual(params["type"], "success")
        self.assertEqual(len(self._token_requests()), 1)

    def test_check_credentials_of_the_form_checks_what_is_typed_and_saves_nothing(
        self,
    ):
        Settings = self.env["res.config.settings"].with_user(self.admin)
        before = Settings.sudo().search_count([])
        action = Settings.calendar_sync_check_credentials(
            "google",
            {"calendar_sync_google_client_id": "nobody.apps.googleusercontent.com"},
        )
        self.assertIn(
            "Google does not know the Client ID nobody.apps.googleusercontent.com",
            action["params"]["message"],
        )
        # no settings record saved (the form stays changed), no parameter written
        self.assertEqual(Settings.sudo().search_count([]), before)
        self.assertNotEqual(
            self._param("google_calendar_client_id"),
            "nobody.apps.googleusercontent.com",
        )
        action = Settings.calendar_sync_check_credentials(
            "microsoft", {"calendar_sync_microsoft_tenant": "contoso.onmicrosoft.com"}
        )
        self.assertEqual(action["tag"], "display_notification")

    def test_only_administrators_check_credentials(self):
        user = new_test_user(
            self.env, login="cs_preflight_user", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(
                user
            ).calendar_sync_check_credentials("google", {})

    # --------------------------------------------------------------- Microsoft
    def test_check_credentials_accepts_right_microsoft_credentials(self):
        settings = self._settings()
        params = self._check_microsoft()
        self.assertEqual(params["type"], "success")
        self.assertTrue(params["sticky"], "the URI to register stays until dismissed")
        self.assertIn(
            "Microsoft accepted the Client ID and Client Secret", params["message"]
        )
        self.assertIn(settings.calendar_sync_microsoft_redirect_uri, params["message"])

    def test_check_credentials_reports_unknown_microsoft_client_id(self):
        params = self._check_microsoft(calendar_sync_microsoft_client_id="0000-nobody")
        self.assertEqual(params["type"], "danger")
        self.assertTrue(params["sticky"])
        self.assertIn(
            "Microsoft does not know the Client ID 0000-nobody in the tenant common",
            params["message"],
        )

    def test_check_credentials_reports_wrong_microsoft_client_secret(self):
        params = self._check_microsoft(calendar_sync_microsoft_client_secret="not-it")
        self.assertEqual(params["type"], "danger")
        self.assertIn("The Client Secret does not match", params["message"])
        self.assertIn("not its Secret ID", params["message"])

    def test_check_credentials_reports_missing_microsoft_secret_without_a_request(
        self,
    ):
        self._set_param("microsoft_calendar_client_secret", "")
        params = self._check_microsoft()
        self.assertEqual(params["type"], "warning")
        self.assertIn("Enter the Outlook Client Secret first", params["message"])
        self.assertFalse(self.graph.requests)

    def test_check_credentials_reports_microsoft_unreachable(self):
        self._set_param(
            "calendar_sync.microsoft_host_map",
            json.dumps({"https://login.microsoftonline.com": closed_url()}),
        )
        params = self._check_microsoft()
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("Microsoft could not be reached: ", params["message"])

    def test_check_credentials_uses_the_tenant_of_the_form(self):
        self._check_microsoft(calendar_sync_microsoft_tenant="contoso.onmicrosoft.com")
        paths = {request.path for request in self.graph.requests}
        self.assertIn("/contoso.onmicrosoft.com/oauth2/v2.0/token", paths)

    # ---------------------------------------------------------- https warning
    def test_web_base_url_is_exposed_read_only(self):
        self._set_param("web.base.url", "http://odoo.example.com")
        settings = self._settings()
        self.assertEqual(settings.calendar_sync_web_base_url, "http://odoo.example.com")
        # saving the settings never writes web.base.url back
        self._set_param("web.base.url", "https://odoo.example.com")
        settings.execute()
        self.assertEqual(self._param("web.base.url"), "https://odoo.example.com")

    def test_settings_form_has_the_buttons_and_the_https_warning(self):
        arch = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        for provider in ("google", "microsoft"):
            self.assertIn(
                f'name="calendar_sync_check_credentials" provider="{provider}"', arch
            )
        self.assertEqual(arch.count('name="calendar_sync_https_warning"'), 2)
