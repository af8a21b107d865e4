# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The security review's findings (issue 10), each written as the attack."""

from datetime import datetime

from odoo import Command
from odoo.modules import neutralize
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged

from .common import GoogleEmulatorMixin, GraphEmulatorMixin, make_users

REFUSAL = "Only internal users (employees) can connect or synchronize a calendar"


@tagged("post_install", "-at_install", "calendar_sync")
class TestPortalUsersCannotSync(GoogleEmulatorMixin, GraphEmulatorMixin, HttpCase):
    """Portal users (public signup creates them) call every route of the
    addon directly: each refuses in plain words, and nothing is created,
    connected or imported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, _bob, _admin = make_users(cls.env)
        cls.portal = new_test_user(
            cls.env,
            login="cs_portal",
            groups="base.group_portal",
            email="portal@example.com",
            name="Portal Paula",
        )
        cls.Account = cls.env["calendar.sync.account"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate("cs_portal", "cs_portal")

    def assertRefusedPage(self, response):
        self.assertEqual(response.status_code, 403, response.text[:500])
        self.assertIn(REFUSAL, response.text)
        self.assertNotIn("Traceback", response.text)

    def assertNothingCreated(self):
        self.assertFalse(self.Account.search([("user_id", "=", self.portal.id)]))

    def test_portal_user_connecting_a_calendar_gets_a_refusal_page(self):
        for provider in ("google", "microsoft"):
            response = self.url_open(
                f"/calendar_sync/{provider}/connect?return_url=/my",
                allow_redirects=False,
            )
            self.assertRefusedPage(response)
        self.assertNothingCreated()

    def test_portal_user_calling_a_sign_in_callback_gets_a_refusal_page(self):
        # as if the provider sent the browser back (forged state and code)
        for callback in (
            "/google_account/authentication",
            "/microsoft_account/authentication",
        ):
            response = self.url_open(
                f"{callback}?state=forged&code=4/abc", allow_redirects=False
            )
            self.assertRefusedPage(response)
        self.assertNothingCreated()

    def test_portal_user_opening_the_first_sync_page_gets_a_refusal_page(self):
        for provider in ("google", "microsoft"):
            response = self.url_open(
                f"/calendar_sync/{provider}/first_sync", allow_redirects=False
            )
            self.assertRefusedPage(response)
        self.assertNothingCreated()

    def test_portal_user_asking_the_status_gets_a_json_refusal(self):
        status = self.make_jsonrpc_request("/calendar_sync/status")
        for provider in ("google", "microsoft"):
            self.assertEqual(status[provider]["status"], "not_allowed")
            self.assertFalse(status[provider]["configured"])
            self.assertIn(REFUSAL, status[provider]["error"])
        self.assertNothingCreated()

    def test_portal_user_asking_a_sync_gets_a_json_refusal(self):
        for provider in ("google", "microsoft", "bogus"):
            result = self.make_jsonrpc_request(
                "/calendar_sync/sync", {"provider": provider}
            )
            self.assertEqual(result["status"], "not_allowed")
            self.assertFalse(result["changed"])
            self.assertIn(REFUSAL, result["error"])
        self.assertNothingCreated()

    def test_employee_turned_portal_user_imports_nothing_from_a_connected_account(
        self,
    ):
        former = new_test_user(
            self.env,
            login="cs_former",
            groups="base.group_user",
            email="former@example.com",
        )
        account = self.connect_google(former)
        self.google.add_event(
            "former@example.com",
            {
                "summary": "Planted by the remote side",
                "start": {"dateTime": "2030-03-04T10:00:00+01:00"},
                "end": {"dateTime": "2030-03-04T11:00:00+01:00"},
            },
        )
        former.write(
            {"groups_id": [Command.set([self.env.ref("base.group_portal").id])]}
        )
        self.assertFalse(former._is_internal())
        self.authenticate("cs_former", "cs_former")
        result = self.make_jsonrpc_request(
            "/calendar_sync/sync", {"provider": "google"}
        )
        self.assertEqual(result["status"], "not_allowed")
        account.invalidate_recordset()
        self.assertFalse(account.last_sync_date)
        self.assertFalse(account.first_sync_done)
        self.assertFalse(
            self.env["calendar.event"]
            .sudo()
            .search([("name", "=", "Planted by the remote side")])
        )
        self.assertFalse(
            self.env["calendar.sync.log"]
            .sudo()
            .search([("account_id", "=", account.id)])
        )

    def test_employee_still_gets_the_status_of_each_provider(self):
        self.authenticate("cs_alice", "cs_alice")
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertEqual(status["google"]["status"], "not_connected")
        self.assertTrue(status["google"]["configured"])


@tagged("post_install", "-at_install", "calendar_sync")
class TestNeutralizeClearsPendingSignIn(TransactionCase):
    """A neutralized copy cannot finish a sign-in started on the original."""

    def test_neutralization_clears_the_pending_oauth_flow(self):
        alice, bob, _admin = make_users(self.env)
        Account = self.env["calendar.sync.account"].sudo()
        pending = {
            "oauth_nonce": "nonce-of-the-original",
            "oauth_code_verifier": "verifier-of-the-original",
            "oauth_flow": '{"code_verifier": "v", "nonce": "n", "state": "s"}',
            "access_token": "ya29.original",
            "refresh_token": "1//original",
            "token_expiry": datetime(2030, 1, 1),
            "state": "connected",
        }
        accounts = Account.create(
            [
                {"user_id": alice.id, "provider": "google", **pending},
                {"user_id": bob.id, "provider": "microsoft", **pending},
            ]
        )
        self.env.flush_all()
        # as `odoo-bin neutralize` does, with every installed module's queries
        modules = neutralize.get_installed_modules(self.env.cr)
        self.assertIn("calendar_sync", modules)
        for query in neutralize.get_neutralization_queries(modules):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        fields = ["oauth_nonce", "oauth_code_verifier", "oauth_flow"]
        fields += ["access_token", "refresh_token", "token_expiry"]
        self.assertEqual(
            accounts.read([*fields, "state", "sync_stopped"]),
            [
                dict.fromkeys(fields, False)
                | {"id": account.id, "state": "not_connected", "sync_stopped": True}
                for account in accounts
            ],
        )


@tagged("post_install", "-at_install", "calendar_sync")
class TestSettingsFormShowsSavedSecrets(TransactionCase):
    """The settings form, loaded as the web client loads it (first onchange),
    says whether a client secret is saved, and never shows the secret."""

    SPEC = {
        "calendar_sync_google_client_secret": {},
        "calendar_sync_google_client_secret_set": {},
        "calendar_sync_microsoft_client_secret": {},
        "calendar_sync_microsoft_client_secret_set": {},
    }

    def setUp(self):
        super().setUp()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("google_calendar_client_secret", False)
        params.set_param("microsoft_calendar_client_secret", False)

    def _load_form(self):
        return self.env["res.config.settings"].onchange({}, [], self.SPEC)["value"]

    def test_settings_form_loaded_after_saving_a_secret_says_it_is_saved(self):
        before = self._load_form()
        self.assertFalse(before["calendar_sync_google_client_secret_set"])
        self.assertFalse(before["calendar_sync_microsoft_client_secret_set"])
        self.env["res.config.settings"].create(
            {"calendar_sync_google_client_secret": "g-secret"}
        ).execute()
        after = self._load_form()
        self.assertTrue(after["calendar_sync_google_client_secret_set"])
        self.assertFalse(after["calendar_sync_microsoft_client_secret_set"])
        self.assertFalse(after["calendar_sync_google_client_secret"])
        self.assertNotIn("g-secret", str(after))

    def test_settings_view_with_a_saved_outlook_secret_says_it_is_saved(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "microsoft_calendar_client_secret", "ms-secret"
        )
        form = Form(self.env["res.config.settings"])
        self.assertTrue(form.calendar_sync_microsoft_client_secret_set)
        self.assertFalse(form.calendar_sync_google_client_secret_set)
        self.assertFalse(form.calendar_sync_microsoft_client_secret)
