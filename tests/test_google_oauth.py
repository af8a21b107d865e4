# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from odoo.tests import HttpCase, tagged

from ..services import oauth_state
from .common import GoogleEmulatorMixin, make_users, run_requested


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleOAuth(GoogleEmulatorMixin, HttpCase):
    """The Google sign-in dance, over real HTTP between Odoo and the emulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)

    def _start(self, login="cs_alice", return_url="/odoo/calendar"):
        self.authenticate(login, login)
        response = self.url_open(
            f"/calendar_sync/google/connect?return_url={return_url}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        return response.headers["Location"]

    def _consent(self, authorize_url):
        """What the user's browser does at Google: consent, get redirected."""
        self.google.auto_consent = True
        response = requests.get(authorize_url, allow_redirects=False, timeout=10)
        self.assertEqual(response.status_code, 302)
        return response.headers["Location"]

    def _account(self, user):
        return self.env["calendar.sync.account"]._get_for_user(user, "google")

    def test_connect_consent_callback_stores_tokens_and_account(self):
        authorize_url = self._start()
        query = parse_qs(urlsplit(authorize_url).query)
        self.assertTrue(authorize_url.startswith(self.google.auth_uri))
        self.assertEqual(query["access_type"], ["offline"])
        self.assertEqual(query["prompt"], ["consent"])
        self.assertEqual(query["code_challenge_method"], ["S256"])
        # Google offers the account of the user's e-mail first (they should match)
        self.assertEqual(query["login_hint"], ["alice@example.com"])
        self.assertEqual(
            query["redirect_uri"],
            [f"{self.base_url()}/google_account/authentication"],
        )
        callback = self._consent(authorize_url)
        self.assertTrue(callback.startswith(self.base_url()))
        response = self.url_open(callback, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:500])
        # Alice organizes no event in Odoo: nothing to choose, straight back
        # (with events, the first-sync choice comes first: test_first_sync.py)
        self.assertTrue(response.headers["Location"].endswith("/odoo/calendar"))
        account = self._account(self.alice)
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.email, "alice@example.com")
        self.assertTrue(account.refresh_token)
        self.assertTrue(account.access_token)
        self.assertFalse(account.oauth_nonce)

    def _stored(self, account):
        account.invalidate_recordset()
        fields = ("access_token", "refresh_token", "token_expiry", "email")
        return {name: account.sudo()[name] for name in (*fields, "sync_token", "state")}

    def _start_as(self, email):
        """Click Google, then pick the Google account ``email`` at Google."""
        authorize_url = self._start()
        hint = urlencode({"login_hint": "alice@example.com"})
        self.assertIn(hint, authorize_url)
        return authorize_url.replace(hint, urlencode({"login_hint": email}))

    def test_connecting_another_google_account_replaces_tokens_email_and_sync_token(
        self,
    ):
        account = self.connect_google(self.alice)
        account.sudo().sync_token = "CPDAlvWDx70CEPDAlvWDx70CGAU="
        before = self._stored(account)
        callback = self._consent(self._start_as("alice.private@example.com"))
        response = self.url_open(callback, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:500])
        after = self._stored(account)
        self.assertEqual(after["email"], "alice.private@example.com")
        self.assertEqual(after["state"], "connected")
        self.assertFalse(after["sync_token"])  # another calendar: a full sync
        self.assertNotEqual(after["access_token"], before["access_token"])
        self.assertNotEqual(after["refresh_token"], before["refresh_token"])
        # the new tokens are those of the new Google account
        calendar = account._client().get_primary_calendar()
        self.assertEqual(calendar["id"], "alice.private@example.com")

    def test_failed_identification_of_the_new_google_account_stores_nothing(self):
        # Alice is connected as alice@example.com and signs in again as another
        # Google account; Google then fails to say which account the new
        # tokens belong to: nothing of them may land under the old e-mail and
        # sync token.
        account = self.connect_google(self.alice)
        account.sudo().sync_token = "CPDAlvWDx70CEPDAlvWDx70CGAU="
        before = self._stored(account)
        callback = self._consent(self._start_as("alice.private@example.com"))
        self.google.inject(
            method="GET",
            path_regex=r"/calendars/primary$",
            status=403,
            reason="forbidden",
            in_batch=False,
            times=10,
        )
        response = self.url_open(callback, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("Traceback", response.text)
        self.assertEqual(self._stored(account), before)
        self.assertFalse(account.sudo().oauth_code_verifier)  # the code is used up

    def test_replayed_callback_is_refused_and_changes_nothing(self):
        callback = self._consent(self._start())
        self.assertEqual(
            self.url_open(callback, allow_redirects=False).status_code, 303
        )
        tokens = self._account(self.alice).refresh_token
        again = self.url_open(callback, allow_redirects=False)
        self.assertEqual(again.status_code, 400)
        self.assertIn("invalid or has expired", again.text)
        self.assertEqual(self._account(self.alice).refresh_token, tokens)

    def test_forged_state_gets_a_clear_page_and_changes_nothing(self):
        self._start()
        forged = oauth_state.make_state(
            "not-the-database-secret", self.alice.id, self.env.cr.dbname, "google", "/"
        )
        response = self.url_open(
            f"/google_account/authentication?code=abc&state={forged}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("bad_signature", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertEqual(self._account(self.alice).state, "not_connected")

    def test_state_of_another_user_is_refused(self):
        callback = self._consent(self._start("cs_alice"))
        self.authenticate("cs_bob", "cs_bob")
        response = self.url_open(callback, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("wrong_user", response.text)
        self.assertEqual(self._account(self.bob).state, "not_connected")

    def test_return_url_to_another_site_is_not_followed(self):
        callback = self._consent(self._start(return_url="https://evil.example/x"))
        response = self.url_open(callback, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("evil.example", response.headers["Location"])

    def test_denied_consent_shows_a_page_and_keeps_account_unconnected(self):
        authorize_url = self._start()
        state = parse_qs(urlsplit(authorize_url).query)["state"][0]
        response = self.url_open(
            f"/google_account/authentication?error=access_denied&state={state}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("access_denied", response.text)
        self.assertEqual(self._account(self.alice).state, "not_connected")

    def test_unconfigured_google_explains_instead_of_redirecting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "google_calendar_client_secret", ""
        )
        self.authenticate("cs_alice", "cs_alice")
        response = self.url_open("/calendar_sync/google/connect", allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not configured", response.text)

    def test_status_route_reports_each_provider(self):
        self.connect_google(self.alice)
        self.authenticate("cs_alice", "cs_alice")
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertEqual(status["google"]["status"], "connected")
        self.assertTrue(status["google"]["configured"])
        self.assertEqual(status["microsoft"]["status"], "not_connected")

    def test_sync_route_requests_a_run_that_a_background_worker_makes(self):
        self.connect_google(self.alice)
        self.google.add_event(
            "alice@example.com",
            {
                "summary": "From Google",
                "start": {"dateTime": "2030-03-04T10:00:00+01:00"},
                "end": {"dateTime": "2030-03-04T11:00:00+01:00"},
            },
        )
        self.authenticate("cs_alice", "cs_alice")
        result = self.make_jsonrpc_request(
            "/calendar_sync/sync", {"provider": "google"}
        )
        self.assertEqual(result, {"changed": False, "status": "queued"})
        event = self.env["calendar.event"].search([("name", "=", "From Google")])
        self.assertFalse(event, "nothing ran in the request")
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertEqual(status["google"]["status"], "queued")
        run_requested(self.env)
        self.assertTrue(
            self.env["calendar.event"].search([("name", "=", "From Google")])
        )
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertEqual(status["google"]["status"], "connected")

    def test_status_after_revoked_access_says_needs_reconnect(self):
        account = self.connect_google(self.alice)
        self.google.revoke_refresh_tokens("alice@example.com")
        account.sudo().token_expiry = "2000-01-01 00:00:00"
        account._sync()
        self.authenticate("cs_alice", "cs_alice")
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertEqual(status["google"]["status"], "needs_reconnect")
        self.assertIn("Reconnect", status["google"]["error"])
