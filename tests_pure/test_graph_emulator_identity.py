"""The Graph emulator behaves like the Microsoft identity platform: sign-in,
consent, codes and tokens.

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator), and the sign-in dance uses the real ``msal``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import parse_qs, urlsplit

import msal
import pytest

LOGIN = "https://login.microsoftonline.com"


REDIRECT = "https://odoo.example/microsoft_account/authentication"


SCOPES = ["Calendars.ReadWrite", "User.Read"]


pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


def fresh_app(emulator, session, secret=None, tenant="common"):
    return msal.ConfidentialClientApplication(
        emulator.client_id,
        client_credential=secret or emulator.client_secret,
        authority=f"{LOGIN}/{tenant}",
        http_client=session,
    )


def consent(session, auth_uri, decision="allow"):
    """Open the consent page and press a button, like the browser would."""
    page = session.get(auth_uri)
    assert page.status_code == 200
    assert 'id="emulator-consent-allow"' in page.text
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    consent_id = re.search(r'name="consent_id" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        LOGIN + action,
        data={"consent_id": consent_id, "decision": decision},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


# ------------------------------------------------------------------ identity
def test_openid_metadata_advertises_the_real_https_endpoints(
    graph_emulator, graph_session
):
    doc = graph_session.get(f"{LOGIN}/common/v2.0/.well-known/openid-configuration")
    body = doc.json()
    assert body["token_endpoint"] == f"{LOGIN}/common/oauth2/v2.0/token"
    assert body["authorization_endpoint"] == f"{LOGIN}/common/oauth2/v2.0/authorize"
    assert body["issuer"] == f"{LOGIN}/{{tenantid}}/v2.0"


def test_sign_in_through_the_consent_page_yields_tokens_with_the_nonce(
    graph_emulator, graph_session
):
    app = fresh_app(graph_emulator, graph_session)
    flow = app.initiate_auth_code_flow(
        SCOPES, redirect_uri=REDIRECT, state="s-1", login_hint="bob@contoso.com"
    )
    location, params = consent(graph_session, flow["auth_uri"])
    assert location.startswith(REDIRECT + "?")
    assert params["state"] == "s-1" and params["code"] and params["session_state"]
    result = app.acquire_token_by_auth_code_flow(flow, params)
    assert "error" not in result, result
    claims = result["id_token_claims"]
    assert claims["preferred_username"] == "bob@contoso.com"
    assert claims["nonce"] == hashlib.sha256(flow["nonce"].encode()).hexdigest()
    assert {"oid", "tid", "sub", "aud", "iss", "iat", "nbf", "exp"} <= set(claims)
    info = json.loads(base64.urlsafe_b64decode(result["client_info"] + "=="))
    assert info == {"uid": claims["oid"], "utid": claims["tid"]}


def test_auto_consent_redirects_at_once_to_the_redirect_uri(
    graph_emulator, graph_session
):
    graph_emulator.auto_consent = True
    app = fresh_app(graph_emulator, graph_session)
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=REDIRECT, state="s-2")
    answer = graph_session.get(flow["auth_uri"], allow_redirects=False)
    assert answer.status_code == 302
    params = parse_qs(urlsplit(answer.headers["Location"]).query)
    result = app.acquire_token_by_auth_code_flow(
        flow, {k: v[0] for k, v in params.items()}
    )
    assert result["id_token_claims"]["preferred_username"] == "alice@contoso.com"


def test_declining_consent_redirects_with_access_denied(graph_emulator, graph_session):
    app = fresh_app(graph_emulator, graph_session)
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=REDIRECT, state="s-3")
    _location, params = consent(graph_session, flow["auth_uri"], decision="deny")
    assert params["error"] == "access_denied" and params["state"] == "s-3"


def _code(graph_emulator, graph_session, challenge=None, redirect=REDIRECT):
    graph_emulator.auto_consent = True
    query = {
        "client_id": graph_emulator.client_id,
        "response_type": "code",
        "redirect_uri": redirect,
        "scope": "Calendars.ReadWrite offline_access openid",
        "state": "x",
    }
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    answer = graph_session.get(
        f"{LOGIN}/common/oauth2/v2.0/authorize", params=query, allow_redirects=False
    )
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def _redeem(graph_emulator, graph_session, code, **extra):
    data = {
        "client_id": graph_emulator.client_id,
        "client_secret": graph_emulator.client_secret,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "scope": "Calendars.ReadWrite offline_access openid",
        **extra,
    }
    return graph_session.post(f"{LOGIN}/common/oauth2/v2.0/token", data=data)


def test_code_exchange_checks_the_pkce_verifier(graph_emulator, graph_session):
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .decode()
        .rstrip("=")
    )
    code = _code(graph_emulator, graph_session, challenge)
    wrong = _redeem(graph_emulator, graph_session, code, code_verifier="w" * 50)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.json()["error_codes"] == [501481]
    right = _redeem(graph_emulator, graph_session, code, code_verifier=verifier)
    assert right.status_code == 200 and right.json()["access_token"]


def test_code_exchange_needs_the_identical_redirect_uri(graph_emulator, graph_session):
    code = _code(graph_emulator, graph_session)
    answer = _redeem(graph_emulator, graph_session, code, redirect_uri=REDIRECT + "/")
    assert answer.status_code == 400
    assert answer.json()["error_codes"] == [500112]


def test_a_code_is_redeemed_only_once(graph_emulator, graph_session):
    code = _code(graph_emulator, graph_session)
    assert _redeem(graph_emulator, graph_session, code).status_code == 200
    again = _redeem(graph_emulator, graph_session, code)
    assert again.status_code == 400 and again.json()["error_codes"] == [54005]


def test_wrong_client_secret_is_401_invalid_client(graph_emulator, graph_session):
    code = _code(graph_emulator, graph_session)
    answer = _redeem(graph_emulator, graph_session, code, client_secret="nope")
    body = answer.json()
    assert answer.status_code == 401
    assert body["error"] == "invalid_client" and body["error_codes"] == [7000215]
    assert body["error_description"].startswith("AADSTS7000215:")
    assert {"timestamp", "trace_id", "correlation_id"} <= set(body)


def test_token_endpoint_checks_client_then_secret_then_code(
    graph_emulator, graph_session
):
    def codes(**extra):
        answer = _redeem(graph_emulator, graph_session, "not-a-code", **extra)
        body = answer.json()
        return answer.status_code, body["error"], body["error_codes"]

    # an unknown application wins over a missing or wrong secret
    assert codes(client_id="other", client_secret="") == (
        400,
        "unauthorized_client",
        [700016],
    )
    assert codes(client_id="other", client_secret="nope") == (
        400,
        "unauthorized_client",
        [700016],
    )
    # a missing or wrong secret wins over the invalid code
    assert codes(client_secret="") == (401, "invalid_client", [7000218])
    assert codes(client_secret="nope") == (401, "invalid_client", [7000215])
    assert codes() == (400, "invalid_grant", [70000])


def test_refresh_rotates_the_refresh_token_and_keeps_the_old_one_valid(
    graph_emulator, graph_session
):
    first = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    app = fresh_app(graph_emulator, graph_session)
    second = app.acquire_token_by_refresh_token(first, SCOPES)
    assert second["refresh_token"] != first
    again = fresh_app(graph_emulator, graph_session).acquire_token_by_refresh_token(
        first, SCOPES
    )
    assert "access_token" in again


def test_old_refresh_token_can_be_made_single_use(graph_emulator, graph_session):
    graph_emulator.keep_old_refresh_tokens = False
    first = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    fresh_app(graph_emulator, graph_session).acquire_token_by_refresh_token(
        first, SCOPES
    )
    again = fresh_app(graph_emulator, graph_session).acquire_token_by_refresh_token(
        first, SCOPES
    )
    assert again["error"] == "invalid_grant"


@pytest.mark.parametrize("code", [70008, 700082, 50173])
def test_revoked_refresh_tokens_fail_with_the_chosen_aadsts_code(
    graph_emulator, graph_session, code
):
    token = graph_emulator.issue_tokens("alice@contoso.com")["refresh_token"]
    graph_emulator.revoke_refresh_tokens("alice@contoso.com", code=code)
    result = fresh_app(graph_emulator, graph_session).acquire_token_by_refresh_token(
        token, SCOPES
    )
    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [code]
    assert result["error_description"].startswith(f"AADSTS{code}:")
