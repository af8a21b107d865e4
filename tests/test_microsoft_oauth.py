# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import base64
import hashlib
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..services import oauth_state
from ..services.exceptions import AuthorizationError
from ..services.graph_client import RewritingSession
from .common import GraphEmulatorMixin, make_users

LOGIN = "https://login.microsoftonline.com"
CALLBACK = "/microsoft_account/authentication"


@tagged("post_install", "-at_install", "calendar_sync")
class TestMicrosoftOAuth(GraphEmulatorMixin, HttpCase):
    """The Outlook sign-in (msal, PKCE) over real HTTP between Odoo and the Graph
    emulator, and the refresh of its tokens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)

    # ------------------------------------------------------------ helpers
    def _start(self, login="cs_alice", return_url="/odoo/calendar"):
        """Click Outlook: Odoo answers with a redirect to Microsoft."""
        self.authenticate(login, login)
        response = self.url_open(
            f"/calendar_sync/microsoft/connect?return_url={return_url}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        return response.headers["Location"]

    def _browser(self):
        """The user's browser, which reaches Microsoft through the emulator."""
        return RewritingSession(self.graph.url_mapping)

    def _consent(self, authorize_url):
        """What the browser does at Microsoft: sign in, consent, come back."""
        self.graph.auto_consent = True
        response = self._browser().get(authorize_url, allow_redirects=False)
        self.assertEqual(response.status_code, 302, response.text[:500])
        return response.headers["Location"]

    def _deny(self, authorize_url):
        """The user presses Cancel on Microsoft's consent page."""
        browser = self._browser()
        page = browser.get(authorize_url)
        self.assertEqual(page.status_code, 200)
        action = re.search(r'action="([^"]+)"', page.text).group(1)
        consent_id = re.search(r'name="consent_id" value="([^"]+)"', page.text)
        answer = browser.post(
            self.graph.url_mapping[LOGIN] + action,
            data={"consent_id": consent_id.group(1), "decision": "deny"},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def _callback(self, url):
        return self.url_open(url, allow_redirects=False)

    def _account(self, user):
        account = self.env["calendar.sync.account"]._get_for_user(user, "microsoft")
        account.invalidate_recordset()
        return account

    def _set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def _refused(self, call):
        """The AuthorizationError ``call()`` raises. (Odoo's assertRaises rolls
        back to a savepoint, which would hide what the method stored.)"""
        try:
            call()
        except AuthorizationError as exc:
            return exc
        self.fail("AuthorizationError not raised")

    def assertClearPage(self, response, *needles):
        self.assertEqual(response.status_code, 400, response.text[:500])
        self.assertIn("Outlook connection failed", response.text)
        self.assertNotIn("Traceback", response.text)
        for needle in needles:
            self.assertIn(needle, response.text)

    # ----------------------------------------------------------- sign-in
    def test_sign_in_dance_stores_tokens_and_the_microsoft_account(self):
        redirect_uri = self.base_url() + CALLBACK
        self.graph.redirect_uris = {redirect_uri}  # exact match, as Azure does
        authorize_url = self._start()
        self.assertTrue(
            # the host map sends the browser to the emulator's sign-in page too
            authorize_url.startswith(
                f"{self.graph.url_mapping[LOGIN]}/common/oauth2/v2.0/authorize?"
            ),
            authorize_url,
        )
        query = parse_qs(urlsplit(authorize_url).query)
        self.assertEqual(query["client_id"], [self.graph.client_id])
        self.assertEqual(query["response_type"], ["code"])
        self.assertEqual(query["redirect_uri"], [redirect_uri])
        self.assertEqual(query["code_challenge_method"], ["S256"])
        self.assertTrue(query["nonce"][0])
        # Microsoft offers the account of the user's e-mail first
        self.assertEqual(query["login_hint"], ["alice@example.com"])
        scopes = query["scope"][0].split()
        self.assertIn("offline_access", scopes)
        self.assertTrue(any(s.endswith("Calendars.ReadWrite") for s in scopes))
        # the PKCE verifier stays in Odoo, with the flow
        account = self._account(self.alice)
        flow = json.loads(account.oauth_flow)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(flow["code_verifier"].encode()).digest()
        )
        self.assertEqual(query["code_challenge"], [challenge.decode().rstrip("=")])
        self.assertEqual(flow["redirect_uri"], redirect_uri)
        self.assertEqual(query["state"], [flow["state"]])

        callback = self._consent(authorize_url)
        self.assertTrue(callback.startswith(redirect_uri + "?"), callback)
        response = self._callback(callback)
        self.assertEqual(response.status_code, 303, response.text[:500])
        # Alice organizes no event in Odoo: nothing to choose, straight back
        # (with events, the first-sync choice comes first: test_first_sync.py)
        self.assertTrue(response.headers["Location"].endswith("/odoo/calendar"))

        account = self._account(self.alice)
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.email, "alice@example.com")
        self.assertTrue(account.access_token)
        self.assertTrue(account.refresh_token)
        self.assertGreater(account.token_expiry, fields.Datetime.now())
        self.assertFalse(account.oauth_nonce)
        self.assertFalse(account.oauth_flow)
        self.assertFalse(account.last_error)
        # the code exchange used the same redirect URI (else AADSTS500112) and
        # the tokens work against Graph
        me = account._client().get_me()
        self.assertEqual(me["userPrincipalName"], "alice@example.com")

    def test_forged_state_gets_a_clear_page_and_changes_nothing(self):
        self._start()
        forged = oauth_state.make_state(
            "not-the-database-secret",
            self.alice.id,
            self.env.cr.dbname,
            "microsoft",
            "/",
        )
        response = self._callback(f"{CALLBACK}?code=0.Aabc&state={forged}")
        self.assertClearPage(response, "bad_signature", "invalid or has expired")
        account = self._account(self.alice)
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.refresh_token)

    def test_google_state_is_refused_at_the_outlook_callback(self):
        self._start()
        state = oauth_state.make_state(
            self.env["ir.config_parameter"].sudo().get_param("database.secret"),
            self.alice.id,
            self.env.cr.dbname,
            "google",
            "/",
        )
        response = self._callback(f"{CALLBACK}?code=0.Aabc&state={state}")
        self.assertClearPage(response, "wrong_provider")
        self.assertEqual(self._account(self.alice).state, "not_connected")

    def test_replayed_callback_is_refused_and_changes_nothing(self):
        callback = self._consent(self._start())
        self.assertEqual(self._callback(callback).status_code, 303)
        tokens = self._account(self.alice).refresh_token
        again = self._callback(callback)
        self.assertClearPage(again, "replayed")
        account = self._account(self.alice)
        self.assertEqual(account.refresh_token, tokens)
        self.assertEqual(account.state, "connected")

    def test_callback_of_an_older_sign_in_is_refused(self):
        first = self._consent(self._start())
        second = self._consent(self._start())
        self.assertClearPage(self._callback(first), "replayed")
        self.assertEqual(self._callback(second).status_code, 303)
        self.assertEqual(self._account(self.alice).state, "connected")

    def test_state_of_another_user_is_refused(self):
        callback = self._consent(self._start("cs_alice"))
        self.authenticate("cs_bob", "cs_bob")
        response = self._callback(callback)
        self.assertClearPage(response, "wrong_user")
        self.assertEqual(self._account(self.bob).state, "not_connected")
        self.assertFalse(self._account(self.bob).refresh_token)

    def test_return_url_to_another_site_is_not_followed(self):
        callback = self._consent(self._start(return_url="https://evil.example/x"))
        response = self._callback(callback)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("evil.example", response.headers["Location"])

    def test_denied_consent_shows_a_clear_page_and_keeps_account_unconnected(self):
        callback = self._deny(self._start())
        self.assertIn("error=access_denied", callback)
        response = self._callback(callback)
        self.assertClearPage(response, "access_denied", "did not allow")
        account = self._account(self.alice)
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.oauth_flow)

    def test_denied_consent_with_a_bare_error_is_explained(self):
        state = parse_qs(urlsplit(self._start()).query)["state"][0]
        description = quote("AADSTS65004: User declined to consent to access the app.")
        response = self._callback(
            f"{CALLBACK}?error=access_denied&error_description={description}"
            f"&state={state}"
        )
        self.assertClearPage(response, "access_denied", "AADSTS65004")
        self.assertEqual(self._account(self.alice).state, "not_connected")

    def test_admin_consent_required_is_explained(self):
        state = parse_qs(urlsplit(self._start()).query)["state"][0]
        description = quote(
            "AADSTS65001: The user or administrator has not consented to use the "
            "application with ID 'calendar-sync-client'."
        )
        response = self._callback(
            f"{CALLBACK}?error=consent_required&error_description={description}"
            f"&state={state}"
        )
        self.assertClearPage(response, "AADSTS65001", "admin consent")
        self.assertEqual(self._account(self.alice).state, "not_connected")

    def test_wrong_client_secret_gets_a_clear_page(self):
        callback = self._consent(self._start())
        self._set_param("microsoft_calendar_client_secret", "the-secret-id-not-value")
        response = self._callback(callback)
        self.assertClearPage(response, "AADSTS7000215", "client secret")
        account = self._account(self.alice)
        self.assertEqual(account.state, "not_connected")
        self.assertFalse(account.refresh_token)
        self.assertFalse(account.oauth_flow)

    def test_single_tenant_authority_comes_from_the_tenant_setting(self):
        self._set_param("calendar_sync.microsoft_tenant", "contoso.onmicrosoft.com")
        authorize_url = self._start()
        self.assertTrue(
            authorize_url.startswith(
                f"{self.graph.url_mapping[LOGIN]}/contoso.onmicrosoft.com"
                "/oauth2/v2.0/authorize?"
            ),
            authorize_url,
        )
        self.assertEqual(self._callback(self._consent(authorize_url)).status_code, 303)
        self.assertEqual(self._account(self.alice).state, "connected")
        token_posts = [
            r.path for r in self.graph.requests if r.path.endswith("/oauth2/v2.0/token")
        ]
        self.assertEqual(token_posts, ["/contoso.onmicrosoft.com/oauth2/v2.0/token"])

    def test_unconfigured_outlook_explains_instead_of_redirecting(self):
        self._set_param("microsoft_calendar_client_secret", "")
        self.authenticate("cs_alice", "cs_alice")
        response = self.url_open(
            "/calendar_sync/microsoft/connect", allow_redirects=False
        )
        self.assertClearPage(response, "not configured")

    def test_unreachable_microsoft_gets_a_clear_page(self):
        self._set_param(
            "calendar_sync.microsoft_host_map",
            json.dumps({LOGIN: "http://127.0.0.1:9"}),  # nothing listens there
        )
        self.authenticate("cs_alice", "cs_alice")
        response = self.url_open(
            "/calendar_sync/microsoft/connect", allow_redirects=False
        )
        self.assertClearPage(response, "could not be reached")
        self.assertFalse(self._account(self.alice).oauth_flow)

    def test_unknown_provider_is_not_found(self):
        self.authenticate("cs_alice", "cs_alice")
        response = self.url_open("/calendar_sync/yahoo/connect", allow_redirects=False)
        self.assertEqual(response.status_code, 404)

    def test_header_shows_outlook_once_configured(self):
        self.connect_microsoft(self.alice)
        self.authenticate("cs_alice", "cs_alice")
        status = self.make_jsonrpc_request("/calendar_sync/status")
        self.assertTrue(status["microsoft"]["configured"])
        self.assertEqual(status["microsoft"]["status"], "connected")

    # ------------------------------------------------------------ refresh
    def test_refresh_stores_the_rotated_refresh_token(self):
        self.graph.keep_old_refresh_tokens = False  # the old one is used up
        account = self.connect_microsoft(self.alice).sudo()
        first = account.refresh_token
        access = account._signin().refresh()
        self.assertEqual(account.access_token, access)
        self.assertTrue(account.refresh_token)
        self.assertNotEqual(account.refresh_token, first)
        self.assertGreater(account.token_expiry, fields.Datetime.now())
        # the stored (rotated) token is the one that works next time
        second = account.refresh_token
        account._signin().refresh()
        self.assertNotIn(account.refresh_token, (first, second))
        self.assertEqual(account.state, "connected")

    def test_expired_access_token_is_refreshed_when_graph_refuses_it(self):
        account = self.connect_microsoft(self.alice).sudo()
        first = account.refresh_token
        self.graph.expire_access_tokens("alice@example.com")
        me = account._client().get_me()
        self.assertEqual(me["userPrincipalName"], "alice@example.com")
        self.assertNotEqual(account.refresh_token, first)

    def test_access_token_about_to_expire_is_refreshed_before_the_call(self):
        account = self.connect_microsoft(self.alice).sudo()
        old_access = account.access_token
        account.token_expiry = fields.Datetime.now() + timedelta(minutes=2)
        client = account._client()
        self.assertNotEqual(client.access_token, old_access)
        self.assertEqual(account.access_token, client.access_token)
        self.assertGreater(
            account.token_expiry, fields.Datetime.now() + timedelta(minutes=30)
        )
        client.get_me()
        self.assertEqual(client.request_count, 1)

    def test_refused_refresh_token_marks_needs_reconnect_and_keeps_events(self):
        event = self.env["calendar.event"].create(
            {
                "name": "Kept in Odoo",
                "start": "2030-03-04 10:00:00",
                "stop": "2030-03-04 11:00:00",
                "user_id": self.alice.id,
            }
        )
        for code in (70008, 700082, 50173):
            with self.subTest(code=code):
                account = self.connect_microsoft(self.alice).sudo()
                self.graph.add_event(
                    "alice@example.com",
                    {
                        "subject": f"Kept in Outlook {code}",
                        "start": {"dateTime": "2030-03-05T10:00:00", "timeZone": "UTC"},
                        "end": {"dateTime": "2030-03-05T11:00:00", "timeZone": "UTC"},
                    },
                )
                remote_before = self.graph.events("alice@example.com")
                self.graph.revoke_refresh_tokens("alice@example.com", code=code)
                error = self._refused(account._signin().refresh)
                self.assertEqual(error.error, "invalid_grant")
                self.assertEqual(error.codes, [code])
                account.invalidate_recordset()
                self.assertEqual(account.state, "needs_reconnect")
                self.assertEqual(account.sync_status, "needs_reconnect")
                self.assertFalse(account.access_token)
                self.assertIn(
                    "Outlook no longer accepts the connection", account.last_error
                )
                self.assertIn(
                    f"(Detail: invalid_grant, AADSTS{code})", account.last_error
                )
                self.assertNotIn("Traceback", account.last_error)
                self.assertEqual(account.email, "alice@example.com")
                self.assertTrue(event.exists())
                self.assertEqual(event.name, "Kept in Odoo")
                self.assertEqual(self.graph.events("alice@example.com"), remote_before)

    def test_refused_refresh_during_a_graph_call_marks_needs_reconnect(self):
        account = self.connect_microsoft(self.alice).sudo()
        self.graph.expire_access_tokens("alice@example.com")
        self.graph.revoke_refresh_tokens("alice@example.com", code=700082)
        client = account._client()
        self._refused(client.get_me)
        account.invalidate_recordset()
        self.assertEqual(account.state, "needs_reconnect")
        self.assertIn("AADSTS700082", account.last_error)

    def test_reconnecting_after_needs_reconnect_connects_again(self):
        account = self.connect_microsoft(self.alice, "alice@contoso.com").sudo()
        self.graph.revoke_refresh_tokens("alice@contoso.com", code=50173)
        self._refused(account._signin().refresh)
        self.assertEqual(self._callback(self._consent(self._start())).status_code, 303)
        account.invalidate_recordset()
        self.assertEqual(account.state, "connected")
        self.assertFalse(account.last_error)
        account._signin().refresh()
        self.assertEqual(account.state, "connected")
