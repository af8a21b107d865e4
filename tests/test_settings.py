# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config as odoo_config

from ..services import config


@tagged("post_install", "-at_install", "calendar_sync")
class TestSettings(TransactionCase):
    def _save(self, **values):
        settings = self.env["res.config.settings"].create(values)
        settings.execute()
        return settings

    def _param(self, key):
        return self.env["ir.config_parameter"].sudo().get_param(key)

    def test_saved_settings_read_back(self):
        self._save(
            calendar_sync_google=True,
            calendar_sync_google_client_id="gid.apps.googleusercontent.com",
            calendar_sync_google_client_secret="g-secret",
            calendar_sync_google_paused=True,
            calendar_sync_microsoft=True,
            calendar_sync_microsoft_client_id="ms-client",
            calendar_sync_microsoft_client_secret="ms-secret",
            calendar_sync_microsoft_tenant="contoso.onmicrosoft.com",
        )
        fresh = self.env["res.config.settings"].create({})
        self.assertTrue(fresh.calendar_sync_google)
        self.assertEqual(
            fresh.calendar_sync_google_client_id, "gid.apps.googleusercontent.com"
        )
        self.assertTrue(fresh.calendar_sync_google_paused)
        self.assertTrue(fresh.calendar_sync_microsoft)
        self.assertEqual(fresh.calendar_sync_microsoft_client_id, "ms-client")
        self.assertEqual(
            fresh.calendar_sync_microsoft_tenant, "contoso.onmicrosoft.com"
        )
        # stored under Odoo core's keys, so a database coming from core keeps them
        self.assertEqual(self._param("google_calendar_client_secret"), "g-secret")
        self.assertEqual(self._param("microsoft_calendar_client_secret"), "ms-secret")
        self.assertEqual(self._param("google_calendar_sync_paused"), "True")

    def test_saved_secret_is_never_loaded_back_into_the_form(self):
        self._save(calendar_sync_google_client_secret="g-secret")
        fresh = self.env["res.config.settings"].create({})
        self.assertFalse(fresh.calendar_sync_google_client_secret)
        self.assertTrue(fresh.calendar_sync_google_client_secret_set)
        values = fresh.web_read({"calendar_sync_google_client_secret": {}})
        self.assertFalse(values[0]["calendar_sync_google_client_secret"])

    def test_settings_form_says_a_secret_is_saved_once_saved(self):
        Settings = self.env["res.config.settings"]
        spec = {"calendar_sync_microsoft_client_secret_set": {}}
        self.assertFalse(
            Settings.onchange({}, [], spec)["value"].get(
                "calendar_sync_microsoft_client_secret_set"
            )
        )
        saved = self._save(calendar_sync_microsoft_client_secret="ms-secret")
        # the form reloaded after saving, and a new form, both say so
        self.assertTrue(saved.web_read(spec)[0][next(iter(spec))])
        self.assertTrue(
            Settings.onchange({}, [], spec)["value"][
                "calendar_sync_microsoft_client_secret_set"
            ]
        )

    def test_empty_secret_on_save_keeps_the_stored_one(self):
        self._save(calendar_sync_microsoft_client_secret="first")
        self._save(calendar_sync_microsoft_client_id="changed-id")
        self.assertEqual(self._param("microsoft_calendar_client_secret"), "first")
        self._save(calendar_sync_microsoft_client_secret="second")
        self.assertEqual(self._param("microsoft_calendar_client_secret"), "second")

    def test_saved_secret_is_not_kept_in_the_settings_record(self):
        settings = self._save(calendar_sync_google_client_secret="g-secret")
        self.assertFalse(settings.calendar_sync_google_client_secret)

    def test_outlook_tenant_defaults_to_common(self):
        self.assertEqual(
            self.env["res.config.settings"].create({}).calendar_sync_microsoft_tenant,
            "common",
        )

    def test_invalid_tenant_is_refused(self):
        with self.assertRaises(ValidationError):
            self._save(calendar_sync_microsoft_tenant="not a tenant!")

    def test_redirect_uris_outside_a_request_use_web_base_url(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://odoo.example.com"
        )
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.calendar_sync_google_redirect_uri,
            "https://odoo.example.com/google_account/authentication",
        )
        self.assertEqual(
            settings.calendar_sync_microsoft_redirect_uri,
            "https://odoo.example.com/microsoft_account/authentication",
        )

    def test_endpoint_defaults_are_the_real_providers(self):
        self.assertEqual(
            config.ENDPOINT_DEFAULTS["calendar_sync.google_api_root"],
            "https://www.googleapis.com/",
        )
        self.assertEqual(
            config.ENDPOINT_DEFAULTS["calendar_sync.microsoft_authority_host"],
            "https://login.microsoftonline.com",
        )

    def test_core_sync_modules_cannot_be_installed_beside_us(self):
        # calendar_sync takes them over when installed after them (run-tests'
        # takeover test); once it is installed, they are refused
        Module = self.env["ir.module.module"]
        self.assertFalse(
            Module.search(
                [("name", "=", "calendar_sync"), ("exclusion_ids", "!=", False)]
            )
        )
        for name in ("google_calendar", "microsoft_account"):
            module = Module.search([("name", "=", name)])
            with self.assertRaises(UserError):
                module.button_install()
            self.assertEqual(module.state, "uninstalled")


@tagged("post_install", "-at_install", "calendar_sync")
class TestRedirectUriAsTheBrowserSeesIt(HttpCase):
    """The redirect URI shown in Settings is built from the URL the browser used."""

    def _redirect_uris(self, headers=None):
        self.authenticate("admin", "admin")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.config.settings/onchange",
            {
                "model": "res.config.settings",
                "method": "onchange",
                "args": [
                    [],
                    {},
                    [],
                    {
                        "calendar_sync_google_redirect_uri": {},
                        "calendar_sync_microsoft_redirect_uri": {},
                    },
                ],
                "kwargs": {},
            },
            headers=headers,
        )
        return result["value"]

    def test_redirect_uri_without_proxy_is_the_url_used(self):
        values = self._redirect_uris()
        self.assertEqual(
            values["calendar_sync_google_redirect_uri"],
            f"{self.base_url()}/google_account/authentication",
        )
        self.assertEqual(
            values["calendar_sync_microsoft_redirect_uri"],
            f"{self.base_url()}/microsoft_account/authentication",
        )

    def test_redirect_uri_behind_https_proxy_in_proxy_mode(self):
        headers = {
            "X-Forwarded-Host": "odoo.example.com",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        }
        with patch.dict(odoo_config.options, {"proxy_mode": True}):
            values = self._redirect_uris(headers)
        self.assertEqual(
            values["calendar_sync_google_redirect_uri"],
            "https://odoo.example.com/google_account/authentication",
        )
        self.assertEqual(
            values["calendar_sync_microsoft_redirect_uri"],
            "https://odoo.example.com/microsoft_account/authentication",
        )
