"""GraphCalendarClient and the MSAL helpers, against the Graph emulator: the session,
sign-in and refresh with msal, and an access token expiring mid-call.

Real ``msal`` and ``requests`` over loopback; the real https origins are rewritten
to the emulator by ``RewritingSession``. A fresh msal application is built wherever
msal's in-memory error cache could hide a change of the emulator's state.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from graph_client_helpers import END, START, timed

from services.exceptions import (
    AuthorizationError,
    InvalidOAuthState,
)
from services.graph_client import (
    SCOPES,
    AccessTokenExpired,
    RewritingSession,
    finish_auth_flow,
    make_msal_app,
    refresh,
    start_auth_flow,
)

LOGIN = "https://login.microsoftonline.com"


AUTHORITY = f"{LOGIN}/common"


REDIRECT = "https://odoo.example/microsoft_account/authentication"


pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


def new_app(emulator, session, secret=None, authority=AUTHORITY):
    return make_msal_app(
        emulator.client_id, secret or emulator.client_secret, authority, session
    )


def sign_in(emulator, session, app, state="state-1", login_hint=None):
    emulator.auto_consent = True
    flow = start_auth_flow(app, SCOPES, REDIRECT, state, login_hint=login_hint)
    answer = session.get(flow["auth_uri"], allow_redirects=False)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return flow, {k: v[0] for k, v in query.items()}


# -------------------------------------------------------------------- session
def test_rewriting_session_maps_origins_and_defaults_a_timeout(monkeypatch):
    seen = {}

    def fake_request(self, method, url, *args, **kwargs):
        seen.update(url=url, timeout=kwargs.get("timeout"))
        return "answer"

    monkeypatch.setattr(requests.Session, "request", fake_request)
    session = RewritingSession(
        {"https://graph.microsoft.com": "http://127.0.0.1:1"}, timeout=7
    )
    session.get("https://graph.microsoft.com/v1.0/me")
    assert seen == {"url": "http://127.0.0.1:1/v1.0/me", "timeout": 7}
    session.get("https://graph.microsoft.community/x", timeout=3)
    assert seen == {"url": "https://graph.microsoft.community/x", "timeout": 3}


def test_production_session_changes_nothing():
    assert RewritingSession({}).rewrite(f"{AUTHORITY}/x") == f"{AUTHORITY}/x"


def test_well_known_authority_reads_metadata_without_instance_discovery(
    graph_emulator, graph_session
):
    new_app(graph_emulator, graph_session)
    paths = [r.path for r in graph_emulator.requests]
    assert paths == ["/common/v2.0/.well-known/openid-configuration"]


def test_other_authority_hosts_skip_instance_discovery(graph_emulator):
    mapping = {"https://login.contoso.test": graph_emulator.base_url}
    with RewritingSession(mapping) as session:
        new_app(graph_emulator, session, authority="https://login.contoso.test/common")
    assert [r.path for r in graph_emulator.requests] == [
        "/common/v2.0/.well-known/openid-configuration"
    ]


# -------------------------------------------------------------------- sign-in
def test_sign_in_dance_gives_tokens_and_the_account_email(
    graph_emulator, graph_session
):
    app = new_app(graph_emulator, graph_session)
    flow, params = sign_in(graph_emulator, graph_session, app, login_hint="bob@x.com")
    authorize = next(r for r in graph_emulator.requests if "authorize" in r.path)
    assert authorize.query["code_challenge_method"] == "S256"
    assert authorize.query["nonce"] and authorize.query["redirect_uri"] == REDIRECT
    tokens = finish_auth_flow(app, flow, params)
    assert tokens["email"] == "bob@x.com"
    assert tokens["access_token"] and tokens["refresh_token"]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert tokens["expiry"].tzinfo is None and tokens["expiry"] > now


def test_auth_uri_is_rewritten_for_the_browser_when_hosts_are_mapped(
    graph_emulator, graph_session
):
    flow = start_auth_flow(
        new_app(graph_emulator, graph_session), SCOPES, REDIRECT, "s"
    )
    assert flow["auth_uri"].startswith(graph_emulator.base_url + "/common/oauth2/")


def test_forged_state_raises_invalid_oauth_state(graph_emulator, graph_session):
    app = new_app(graph_emulator, graph_session)
    flow, params = sign_in(graph_emulator, graph_session, app)
    with pytest.raises(InvalidOAuthState):
        finish_auth_flow(app, flow, {**params, "state": "forged"})
    with pytest.raises(InvalidOAuthState):
        finish_auth_flow(app, {}, params)


def test_id_token_with_another_nonce_is_refused(graph_emulator, graph_session):
    app = new_app(graph_emulator, graph_session)
    flow, params = sign_in(graph_emulator, graph_session, app)
    with pytest.raises(AuthorizationError) as caught:
        finish_auth_flow(app, {**flow, "nonce": "replayed"}, params)
    assert caught.value.error == "nonce_mismatch"


def test_declined_consent_raises_authorization_error(graph_emulator, graph_session):
    app = new_app(graph_emulator, graph_session)
    flow = start_auth_flow(app, SCOPES, REDIRECT, "s-9")
    page = graph_session.get(flow["auth_uri"]).text
    consent_id = re.search(r'name="consent_id" value="([^"]+)"', page).group(1)
    answer = graph_session.post(
        f"{AUTHORITY}/oauth2/v2.0/approve",
        data={"consent_id": consent_id, "decision": "deny"},
        allow_redirects=False,
    )
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    with pytest.raises(AuthorizationError) as caught:
        finish_auth_flow(app, flow, {k: v[0] for k, v in query.items()})
    assert caught.value.error == "access_denied"


def test_refresh_returns_a_rotated_refresh_token(graph_emulator, graph_session):
    old = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    tokens = refresh(new_app(graph_emulator, graph_session), old, SCOPES)
    assert tokens["refresh_token"] and tokens["refresh_token"] != old
    assert tokens["email"] == "alice@contoso.com"
    again = refresh(new_app(graph_emulator, graph_session), tokens["refresh_token"])
    assert again["refresh_token"] not in (old, tokens["refresh_token"])


@pytest.mark.parametrize("code", [70008, 700082, 50173])
def test_revoked_refresh_token_raises_authorization_error_with_codes(
    graph_emulator, graph_session, code
):
    token = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    app = new_app(graph_emulator, graph_session)
    refresh(app, token)
    graph_emulator.revoke_refresh_tokens("alice@contoso.com", code=code)
    with pytest.raises(AuthorizationError) as caught:
        refresh(new_app(graph_emulator, graph_session), token)
    error = caught.value
    assert (error.provider, error.error, error.codes) == (
        "microsoft",
        "invalid_grant",
        [code],
    )


def test_wrong_client_secret_raises_authorization_error(graph_emulator, graph_session):
    token = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    with pytest.raises(AuthorizationError) as caught:
        refresh(new_app(graph_emulator, graph_session, secret="wrong"), token)
    assert caught.value.error == "invalid_client"
    assert caught.value.codes == [7000215]


# ----------------------------------------------------------------- auth expiry
def test_expired_access_token_is_refreshed_through_the_callback(
    graph_emulator, make_graph_client
):
    calls = []

    def renew():
        calls.append(1)
        return graph_emulator.issue_tokens("alice@contoso.com")["access_token"]

    client = make_graph_client(on_unauthorized=renew)
    graph_emulator.expire_access_tokens()
    assert client.get_me()["mail"] == "alice@contoso.com"
    graph_emulator.expire_access_tokens()
    [result] = client.batch([client.create_request(timed("E"), "t")])
    assert result.status == 201 and len(calls) == 2


def test_expired_access_token_without_callback_raises_access_token_expired(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    graph_emulator.expire_access_tokens()
    with pytest.raises(AccessTokenExpired) as caught:
        client.get_me()
    assert caught.value.status == 401
    assert not isinstance(caught.value, AuthorizationError)


def test_every_request_carries_a_timeout(
    graph_emulator, graph_session, make_graph_client
):
    timeouts = []
    original = graph_session.request

    def spy(method, url, *args, **kwargs):
        timeouts.append(kwargs.get("timeout"))
        return original(method, url, *args, **kwargs)

    graph_session.request = spy
    client = make_graph_client(timeout=9)
    client.get_me()
    client.delta(start=START, end=END)
    client.batch([client.create_request(timed("E"), "t")])
    assert timeouts == [9, 9, 9]
