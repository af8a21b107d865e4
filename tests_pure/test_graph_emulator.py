"""The Graph emulator behaves like the Microsoft identity platform and Graph v1.0.

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator), and the sign-in dance uses the real ``msal``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import msal
import pytest
import requests

from emulators.graph_recurrence import expand_dates
from services.graph_recurrence import to_graph_recurrence
from services.recurrence import expand

GRAPH = "https://graph.microsoft.com/v1.0"
LOGIN = "https://login.microsoftonline.com"
REDIRECT = "https://odoo.example/microsoft_account/authentication"
SCOPES = ["Calendars.ReadWrite", "User.Read"]
WINDOW = {
    "startDateTime": "2024-01-01T00:00:00Z",
    "endDateTime": "2025-01-01T00:00:00Z",
}

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


class Api:
    """Raw Graph calls with a bearer token (no client code involved)."""

    def __init__(self, session, token):
        self.session, self.token = session, token

    def call(self, method, path, headers=None, **kwargs):
        url = path if path.startswith("http") else GRAPH + path
        all_headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.session.request(method, url, headers=all_headers, **kwargs)

    def create(self, body, **kwargs):
        response = self.call("POST", "/me/events", json=body, **kwargs)
        assert response.status_code == 201, response.text
        return response.json()

    def delta_round(self, link=None, page_size=50, prefer=""):
        headers = {"Prefer": f"odata.maxpagesize={page_size}{prefer}"}
        url = link or "/me/calendarView/delta"
        params = None if link else WINDOW
        pages = []
        while True:
            page = self.call("GET", url, headers=headers, params=params).json()
            pages.append(page)
            if "@odata.nextLink" not in page:
                return pages
            url, params = page["@odata.nextLink"], None


def timed(subject, start, end, tz="UTC", **extra):
    return {
        "subject": subject,
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        **extra,
    }


def weekly(subject="Weekly", count=5, start="2024-03-04T09:00:00", tz="UTC"):
    day = start[:10]
    end = start[:11] + "10:00:00"
    recurrence = {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
        "range": {"type": "numbered", "startDate": day, "numberOfOccurrences": count},
    }
    return timed(subject, start, end, tz, recurrence=recurrence)


def items_of(pages):
    return [item for page in pages for item in page["value"]]


@pytest.fixture
def api(graph_emulator, graph_session):
    tokens = graph_emulator.issue_tokens("alice@contoso.com")
    return Api(graph_session, tokens["access_token"])


def fresh_app(emulator, session, secret=None, tenant="common"):
    return msal.ConfidentialClientApplication(
        emulator.client_id,
        client_credential=secret or emulator.client_secret,
        authority=f"{LOGIN}/{tenant}",
        http_client=session,
    )


def claims_of(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


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


# --------------------------------------------------------------------- graph
def test_graph_needs_a_valid_access_token(graph_emulator, api):
    assert api.call("GET", "/me").json()["userPrincipalName"] == "alice@contoso.com"
    graph_emulator.expire_access_tokens()
    answer = api.call("GET", "/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert "WWW-Authenticate" in answer.headers


def test_me_describes_the_signed_in_user(api):
    me = api.call("GET", "/me").json()
    assert me["mail"] == "alice@contoso.com" and me["displayName"] == "Alice"
    assert me["id"]


def test_created_event_has_graph_shape(api):
    event = api.create(
        timed(
            "Sync",
            "2024-07-01T09:00:00",
            "2024-07-01T10:00:00",
            "Europe/Brussels",
            body={"contentType": "html", "content": "<p>Hi</p>"},
        )
    )
    assert event["type"] == "singleInstance" and event["seriesMasterId"] is None
    assert event["@odata.etag"] == f'W/"{event["changeKey"]}"'
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", event["createdDateTime"]
    )
    assert event["start"] == {
        "dateTime": "2024-07-01T07:00:00.0000000",
        "timeZone": "UTC",
    }
    assert event["originalStartTimeZone"] == "Romance Standard Time"
    assert event["iCalUId"].startswith("040000008200E00074C5B7101A82E008")
    assert event["body"]["content"].startswith("<html>")
    assert "<p>Hi</p>" in event["body"]["content"]
    assert event["isOrganizer"] and event["responseStatus"]["response"] == "organizer"


def test_unknown_property_is_refused_like_graph_does(api):
    body = timed("x", "2024-07-01T09:00:00", "2024-07-01T10:00:00", colour="red")
    answer = api.call("POST", "/me/events", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "RequestBodyRead"


def test_all_day_event_must_start_and_end_at_midnight(api):
    body = timed("x", "2024-07-01T09:00:00", "2024-07-02T00:00:00", isAllDay=True)
    assert api.call("POST", "/me/events", json=body).status_code == 400
    ok = timed("x", "2024-07-01T00:00:00", "2024-07-02T00:00:00", isAllDay=True)
    assert api.create(ok)["isAllDay"] is True


def test_same_transaction_id_returns_the_existing_event(graph_emulator, api):
    body = timed("Once", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    first = api.create({**body, "transactionId": "odoo-1"})
    second = api.create({**body, "transactionId": "odoo-1"})
    assert first["id"] == second["id"]
    assert second["transactionId"] == "odoo-1"
    assert len(graph_emulator.events("alice@contoso.com")) == 1


def test_patch_bumps_the_change_key_and_if_match_guards_it(api):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    patched = api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json={"subject": "B"},
        headers={"If-Match": event["@odata.etag"]},
    )
    assert patched.status_code == 200 and patched.json()["subject"] == "B"
    assert patched.json()["changeKey"] != event["changeKey"]
    stale = api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json={"subject": "C"},
        headers={"If-Match": event["@odata.etag"]},
    )
    assert stale.status_code == 412


def _edited_elsewhere(graph_emulator, api):
    """An event and the etag it had before an edit made in Outlook."""
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    graph_emulator.update_event("alice@contoso.com", event["id"], {"subject": "B"})
    return event


def _now(api, event_id):
    return api.call("GET", f"/me/events/{event_id}").json()


def _if_match(api, method, event_id, etag, subject=None):
    """PATCH (to ``subject``) or DELETE ``event_id`` with ``If-Match: etag``."""
    body = {"json": {"subject": subject}} if method == "PATCH" else {}
    return api.call(
        method, f"/me/events/{event_id}", headers={"If-Match": etag}, **body
    )


def test_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(
    graph_emulator, api
):
    event = _edited_elsewhere(graph_emulator, api)
    before = _now(api, event["id"])
    stale = _if_match(api, "PATCH", event["id"], event["@odata.etag"], "C")
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "ErrorIrresolvableConflict"
    assert "change key passed in the request does not match" in error["message"]
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])
    assert _now(api, event["id"]) == before
    assert graph_emulator.invitations == []


@pytest.mark.parametrize("form", ["W/{tag}", "{tag}", "*"])
def test_patch_with_the_current_etag_applies_with_or_without_the_weak_prefix(api, form):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    tag = f'"{event["changeKey"]}"'
    assert event["@odata.etag"] == f"W/{tag}"
    answer = _if_match(api, "PATCH", event["id"], form.format(tag=tag), "C")
    assert answer.status_code == 200 and answer.json()["subject"] == "C"


def test_every_modification_gives_a_new_etag(graph_emulator, api):
    body = timed("Invite", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    body["attendees"] = [{"emailAddress": {"address": "alice@contoso.com"}}]
    event = graph_emulator.add_event(
        "alice@contoso.com", body, organizer="carol@fabrikam.com"
    )
    etags = [event["@odata.etag"]]
    api.call("PATCH", f"/me/events/{event['id']}", json={"subject": "x"})
    etags.append(_now(api, event["id"])["@odata.etag"])
    api.call("POST", f"/me/events/{event['id']}/accept", json={})
    etags.append(_now(api, event["id"])["@odata.etag"])
    graph_emulator.set_attendee_response(
        "alice@contoso.com", event["id"], "alice@contoso.com", "declined"
    )
    etags.append(_now(api, event["id"])["@odata.etag"])
    assert len(set(etags)) == 4
    assert all(tag.startswith('W/"') for tag in etags)


def test_delete_with_a_stale_etag_is_refused(graph_emulator, api):
    event = _edited_elsewhere(graph_emulator, api)
    stale = _if_match(api, "DELETE", event["id"], event["@odata.etag"])
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "ErrorIrresolvableConflict"
    assert _now(api, event["id"])["subject"] == "B"
    assert graph_emulator.invitations == []


def test_delete_with_the_current_etag_deletes(graph_emulator, api):
    event = _edited_elsewhere(graph_emulator, api)
    current = _now(api, event["id"])["@odata.etag"]
    answer = _if_match(api, "DELETE", event["id"], current)
    assert answer.status_code == 204
    assert graph_emulator.events("alice@contoso.com") == []


def test_a_missing_event_answers_404_whatever_its_if_match(api):
    for method in ("PATCH", "DELETE"):
        answer = _if_match(api, method, "AAMkAGnothere", 'W/"whatever"', "x")
        assert answer.status_code == 404


def _occurrences(api):
    return [i for i in items_of(api.delta_round()) if i["type"] == "occurrence"]


def test_an_occurrence_patched_with_a_stale_etag_stays_an_occurrence(
    graph_emulator, api
):
    master = api.create(weekly(count=3))
    occurrence = _occurrences(api)[1]
    assert occurrence["@odata.etag"] == master["@odata.etag"]
    graph_emulator.update_event("alice@contoso.com", master["id"], {"subject": "X"})
    stale = _if_match(api, "PATCH", occurrence["id"], occurrence["@odata.etag"], "x")
    assert stale.status_code == 412
    assert _now(api, occurrence["id"])["type"] == "occurrence"
    assert [e["type"] for e in graph_emulator.events("alice@contoso.com")] == [
        "seriesMaster"
    ]
    current = _now(api, master["id"])["@odata.etag"]
    fresh = _if_match(api, "PATCH", occurrence["id"], current, "x")
    assert fresh.status_code == 200 and fresh.json()["type"] == "exception"


def test_an_occurrence_deleted_with_a_stale_etag_stays(graph_emulator, api):
    master = api.create(weekly(count=3))
    occurrence = _occurrences(api)[0]
    graph_emulator.update_event("alice@contoso.com", master["id"], {"subject": "X"})
    stale = _if_match(api, "DELETE", occurrence["id"], occurrence["@odata.etag"])
    assert stale.status_code == 412
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    assert occurrence["id"] in {i["id"] for i in instances}


def test_if_match_inside_batch_items_is_judged_item_by_item(graph_emulator, api):
    fresh = api.create(timed("F", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    stale = _edited_elsewhere(graph_emulator, api)
    doomed = _edited_elsewhere(graph_emulator, api)
    json_headers = {"Content-Type": "application/json"}

    def patch(n, event):
        return {
            "id": str(n),
            "method": "PATCH",
            "url": f"/me/events/{event['id']}",
            "headers": {**json_headers, "If-Match": event["@odata.etag"]},
            "body": {"subject": f"P{n}"},
        }

    requests_ = [
        patch(1, fresh),
        patch(2, stale),
        {
            "id": "3",
            "method": "DELETE",
            "url": f"/me/events/{doomed['id']}",
            "headers": {"If-Match": doomed["@odata.etag"]},
        },
    ]
    answer = api.call("POST", "/$batch", json={"requests": requests_})
    responses = {r["id"]: r for r in answer.json()["responses"]}
    assert {k: r["status"] for k, r in responses.items()} == {
        "1": 200,
        "2": 412,
        "3": 412,
    }
    assert responses["2"]["body"]["error"]["code"] == "ErrorIrresolvableConflict"
    subjects = {
        e["id"]: e["subject"] for e in graph_emulator.events("alice@contoso.com")
    }
    assert subjects == {fresh["id"]: "P1", stale["id"]: "B", doomed["id"]: "B"}


def test_delete_answers_204_then_404(api):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    assert api.call("DELETE", f"/me/events/{event['id']}").status_code == 204
    again = api.call("DELETE", f"/me/events/{event['id']}")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "ErrorItemNotFound"
    assert "request-id" in again.json()["error"]["innerError"]


def test_creating_with_attendees_records_the_invitations_outlook_sends(
    graph_emulator, api
):
    attendee = {"emailAddress": {"address": "Bob@Contoso.com", "name": "Bob"}}
    body = timed("Meet", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    event = api.create({**body, "attendees": [attendee]})
    api.call("PATCH", f"/me/events/{event['id']}", json={"subject": "Meet 2"})
    api.call("DELETE", f"/me/events/{event['id']}")
    actions = [(m["action"], m["recipients"]) for m in graph_emulator.invitations]
    assert actions == [
        ("invite", ["bob@contoso.com"]),
        ("update", ["bob@contoso.com"]),
        ("cancel", ["bob@contoso.com"]),
    ]


def test_attendee_answers_update_the_response_status(graph_emulator, api):
    body = timed("Invite", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    body["attendees"] = [{"emailAddress": {"address": "alice@contoso.com"}}]
    event = graph_emulator.add_event(
        "alice@contoso.com", body, organizer="carol@fabrikam.com"
    )
    assert event["responseStatus"]["response"] == "notResponded"
    answer = api.call(
        "POST", f"/me/events/{event['id']}/tentativelyAccept", json={"comment": ""}
    )
    assert answer.status_code == 202
    now = api.call("GET", f"/me/events/{event['id']}").json()
    assert now["responseStatus"]["response"] == "tentativelyAccepted"
    assert now["attendees"][0]["status"]["response"] == "tentativelyAccepted"
    assert graph_emulator.invitations[-1]["recipients"] == ["carol@fabrikam.com"]


def test_the_organizer_cannot_answer_its_own_meeting(api):
    event = api.create(timed("Mine", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    assert (
        api.call("POST", f"/me/events/{event['id']}/accept", json={}).status_code == 400
    )


# ---------------------------------------------------------------- recurrence
def _dates(pattern, rng, until="2026-12-31"):
    recurrence = {"pattern": pattern, "range": rng}
    return [
        d.isoformat()
        for d in expand_dates(recurrence, datetime.fromisoformat(until).date())
    ]


def test_absolute_monthly_day_31_falls_on_the_last_day_of_shorter_months():
    dates = _dates(
        {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
        {"type": "numbered", "startDate": "2024-01-31", "numberOfOccurrences": 4},
    )
    assert dates == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]


def test_yearly_february_29_falls_on_february_28_in_common_years():
    dates = _dates(
        {"type": "absoluteYearly", "interval": 1, "dayOfMonth": 29, "month": 2},
        {"type": "numbered", "startDate": "2024-02-29", "numberOfOccurrences": 3},
    )
    assert dates == ["2024-02-29", "2025-02-28", "2026-02-28"]


def test_relative_monthly_last_friday_and_end_date_is_inclusive():
    dates = _dates(
        {
            "type": "relativeMonthly",
            "interval": 1,
            "daysOfWeek": ["friday"],
            "index": "last",
        },
        {"type": "endDate", "startDate": "2024-01-01", "endDate": "2024-03-29"},
    )
    assert dates == ["2024-01-26", "2024-02-23", "2024-03-29"]


def test_weekly_every_other_week_counts_weeks_from_first_day_of_week():
    dates = _dates(
        {
            "type": "weekly",
            "interval": 2,
            "daysOfWeek": ["monday", "sunday"],
            "firstDayOfWeek": "monday",
        },
        {"type": "numbered", "startDate": "2024-01-01", "numberOfOccurrences": 4},
    )
    assert dates == ["2024-01-01", "2024-01-07", "2024-01-15", "2024-01-21"]


def test_weekly_pattern_with_another_first_day_of_week_is_refused(api):
    body = weekly()
    body["recurrence"]["pattern"]["firstDayOfWeek"] = "someday"
    answer = api.call("POST", "/me/events", json=body)
    assert answer.status_code == 400


@pytest.mark.parametrize("week_start", ["mon", "sun"])
@pytest.mark.parametrize("tz", ["Europe/Brussels", "America/New_York"])
def test_pushed_biweekly_tuesday_and_sunday_series_lists_the_occurrences_of_its_rule(
    api, week_start, tz
):
    # firstDayOfWeek sunday puts each Sunday a week later than monday; the
    # series crosses the zone's spring DST change
    rule = {"rrule_type": "weekly", "interval": 2, "tue": True, "sun": True}
    rule |= {"end_type": "count", "count": 8, "week_start": week_start}
    start = datetime(2024, 3, 5, 9)
    recurrence = to_graph_recurrence(rule, start.date(), tz)
    body = timed(
        "Every other Tuesday and Sunday",
        "2024-03-05T09:00:00",
        "2024-03-05T10:00:00",
        tz,
        recurrence=recurrence,
    )
    master = api.create(body)
    assert (
        master["recurrence"]["pattern"]["firstDayOfWeek"]
        == (recurrence["pattern"]["firstDayOfWeek"])
    )
    expected = expand(rule, start, tz)
    occurrences = [i for i in items_of(api.delta_round()) if i["type"] == "occurrence"]
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    for items in (occurrences, instances):
        starts = sorted(
            datetime.fromisoformat(i["start"]["dateTime"][:19]) for i in items
        )
        assert {i["start"]["timeZone"] for i in items} == {"UTC"}
        assert starts == expected


def test_relative_yearly_and_daily_no_end():
    yearly = _dates(
        {
            "type": "relativeYearly",
            "interval": 1,
            "daysOfWeek": ["thursday"],
            "index": "fourth",
            "month": 11,
        },
        {"type": "noEnd", "startDate": "2024-01-01"},
        until="2025-12-31",
    )
    assert yearly == ["2024-11-28", "2025-11-27"]
    daily = _dates(
        {"type": "daily", "interval": 3},
        {"type": "noEnd", "startDate": "2024-01-01"},
        until="2024-01-10",
    )
    assert daily == ["2024-01-01", "2024-01-04", "2024-01-07", "2024-01-10"]


def test_series_keeps_its_local_time_across_dst(api):
    # Summer time starts on 2024-03-31 in Brussels: 09:00 is 08:00Z, then 07:00Z.
    api.create(weekly(count=2, start="2024-03-25T09:00:00", tz="Europe/Brussels"))
    items = items_of(api.delta_round())
    starts = [i["start"]["dateTime"] for i in items if i["type"] == "occurrence"]
    assert starts == ["2024-03-25T08:00:00.0000000", "2024-04-01T07:00:00.0000000"]


# --------------------------------------------------------------------- delta
def test_delta_needs_a_time_window(api):
    answer = api.call("GET", "/me/calendarView/delta")
    assert answer.status_code == 400


def test_delta_refuses_query_options_it_does_not_support(api):
    answer = api.call("GET", "/me/calendarView/delta", params={**WINDOW, "$top": "5"})
    assert answer.status_code == 400


def test_delta_pages_honour_maxpagesize_and_end_with_an_absolute_delta_link(api):
    for n in range(7):
        api.create(
            timed(f"E{n}", f"2024-07-0{n + 1}T09:00:00", f"2024-07-0{n + 1}T10:00:00")
        )
    pages = api.delta_round(page_size=3)
    assert [len(p["value"]) for p in pages] == [3, 3, 1]
    assert pages[0]["@odata.nextLink"].startswith(
        f"{GRAPH}/me/calendarView/delta?$skiptoken="
    )
    assert pages[-1]["@odata.deltaLink"].startswith(
        f"{GRAPH}/me/calendarView/delta?$deltatoken="
    )


def test_next_round_returns_only_changes_and_removals(graph_emulator, api):
    keep = api.create(timed("Keep", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    edit = api.create(timed("Edit", "2024-07-02T09:00:00", "2024-07-02T10:00:00"))
    gone = api.create(timed("Gone", "2024-07-03T09:00:00", "2024-07-03T10:00:00"))
    link = api.delta_round()[-1]["@odata.deltaLink"]
    api.call("PATCH", f"/me/events/{edit['id']}", json={"subject": "Edited"})
    api.call("DELETE", f"/me/events/{gone['id']}")
    outlook = graph_emulator.add_event(
        "alice@contoso.com", timed("New", "2024-07-04T09:00:00", "2024-07-04T10:00:00")
    )
    pages = api.delta_round(link)
    items = items_of(pages)
    by_id = {i["id"]: i for i in items}
    assert keep["id"] not in by_id
    assert by_id[edit["id"]]["subject"] == "Edited"
    assert by_id[gone["id"]]["@removed"] == {"reason": "deleted"}
    assert by_id[outlook["id"]]["subject"] == "New"
    assert items_of(api.delta_round(pages[-1]["@odata.deltaLink"])) == []


def test_change_that_leaves_the_window_is_reported_as_removed(api):
    event = api.create(timed("Move", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    link = api.delta_round()[-1]["@odata.deltaLink"]
    api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json=timed("Move", "2030-07-01T09:00:00", "2030-07-01T10:00:00"),
    )
    assert items_of(api.delta_round(link)) == [
        {
            "@odata.type": "#microsoft.graph.event",
            "id": event["id"],
            "@removed": {"reason": "deleted"},
        }
    ]


def test_unknown_or_invalidated_delta_tokens_answer_410(graph_emulator, api):
    link = api.delta_round()[-1]["@odata.deltaLink"]
    unknown = api.call("GET", f"{GRAPH}/me/calendarView/delta?$deltatoken=nope")
    assert unknown.status_code == 410
    assert unknown.json()["error"]["code"] == "SyncStateNotFound"
    graph_emulator.invalidate_delta_tokens()
    assert api.call("GET", link).status_code == 410


def test_delta_carries_full_masters_and_sparse_occurrences(api):
    master = api.create(weekly(count=3))
    items = items_of(api.delta_round())
    assert [i["type"] for i in items] == [
        "seriesMaster",
        "occurrence",
        "occurrence",
        "occurrence",
    ]
    assert items[0]["recurrence"]["pattern"]["type"] == "weekly"
    assert items[0]["subject"] == "Weekly"
    for occurrence in items[1:]:
        assert set(occurrence) == {
            "@odata.type",
            "@odata.etag",
            "id",
            "seriesMasterId",
            "type",
            "start",
            "end",
        }
        assert occurrence["seriesMasterId"] == master["id"]


def test_a_series_is_never_split_across_delta_pages(api):
    api.create(timed("Before", "2024-03-01T09:00:00", "2024-03-01T10:00:00"))
    api.create(weekly(count=4))
    api.create(timed("After", "2024-09-01T09:00:00", "2024-09-01T10:00:00"))
    pages = api.delta_round(page_size=3)
    shapes = [[i["type"] for i in p["value"]] for p in pages]
    assert shapes == [
        ["singleInstance"],
        ["seriesMaster"] + ["occurrence"] * 4,
        ["singleInstance"],
    ]


def test_deleted_occurrence_is_not_signalled_but_missing_from_instances(api):
    master = api.create(weekly(count=3))
    first = api.delta_round()
    occurrences = [i for i in items_of(first) if i["type"] == "occurrence"]
    api.call("DELETE", f"/me/events/{occurrences[1]['id']}")
    changes = items_of(api.delta_round(first[-1]["@odata.deltaLink"]))
    assert not any("@removed" in i for i in changes)
    assert occurrences[1]["id"] not in {i["id"] for i in changes}
    assert changes[0]["id"] == master["id"]  # the master changed (changeKey)
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    assert [i["id"] for i in instances] == [occurrences[0]["id"], occurrences[2]["id"]]


def test_editing_an_occurrence_makes_it_a_full_exception(api):
    master = api.create(weekly(count=3))
    link_pages = api.delta_round()
    occurrence = [i for i in items_of(link_pages) if i["type"] == "occurrence"][1]
    moved = api.call(
        "PATCH",
        f"/me/events/{occurrence['id']}",
        json=timed("Moved", "2024-03-12T15:00:00", "2024-03-12T16:00:00"),
    ).json()
    assert moved["type"] == "exception" and moved["id"] == occurrence["id"]
    assert moved["seriesMasterId"] == master["id"]
    assert moved["originalStart"] == "2024-03-11T09:00:00Z"
    changes = items_of(api.delta_round(link_pages[-1]["@odata.deltaLink"]))
    exception = next(i for i in changes if i["type"] == "exception")
    assert exception["subject"] == "Moved"


def test_each_occurrence_has_its_own_ical_uid(api):
    master = api.create(weekly(count=2))
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    uids = {master["iCalUId"], *(i["iCalUId"] for i in instances)}
    assert len(uids) == 3
    assert all(i["subject"] == "Weekly" for i in instances)  # full objects


def test_outlook_timezone_preference_accepts_iana_and_windows_names(api):
    api.create(timed("TZ", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    for zone in ("Europe/Brussels", "Romance Standard Time"):
        item = items_of(api.delta_round(prefer=f', outlook.timezone="{zone}"'))[0]
        assert item["start"] == {
            "dateTime": "2024-07-01T11:00:00.0000000",
            "timeZone": zone,
        }


def test_body_content_type_preference_gives_text(api):
    api.create(
        timed(
            "Body",
            "2024-07-01T09:00:00",
            "2024-07-01T10:00:00",
            body={"contentType": "html", "content": "<p>Hello &amp; bye</p>"},
        )
    )
    prefer = ', outlook.body-content-type="text"'
    item = items_of(api.delta_round(prefer=prefer))[0]
    assert item["body"] == {"contentType": "text", "content": "Hello & bye"}


def test_instances_need_a_window_and_page_with_top(api):
    master = api.create(weekly(count=5))
    path = f"/me/events/{master['id']}/instances"
    assert api.call("GET", path).status_code == 400
    page = api.call("GET", path, params={**WINDOW, "$top": "2"}).json()
    assert len(page["value"]) == 2
    assert page["@odata.nextLink"].startswith(GRAPH + path)


# --------------------------------------------------------------------- batch
def _item(n, **extra):
    body = timed(f"B{n}", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    return {
        "id": str(n),
        "method": "POST",
        "url": "/me/events",
        "headers": {"Content-Type": "application/json"},
        "body": body,
        **extra,
    }


def test_batch_refuses_more_than_20_requests(api):
    answer = api.call(
        "POST", "/$batch", json={"requests": [_item(n) for n in range(21)]}
    )
    assert answer.status_code == 400


def test_batch_refuses_duplicate_ids_and_absolute_urls(api):
    dup = api.call("POST", "/$batch", json={"requests": [_item(1), _item(1)]})
    assert dup.status_code == 400
    absolute = api.call(
        "POST", "/$batch", json={"requests": [_item(1, url=f"{GRAPH}/me/events")]}
    )
    assert absolute.status_code == 400


def test_batch_answers_each_item_and_fails_dependents_with_424(api):
    requests_ = [
        _item(1),
        {
            "id": "2",
            "method": "DELETE",
            "url": "/me/events/AAMkAGnothere",
            "dependsOn": ["1"],
        },
        _item(3, dependsOn=["2"]),
        {"id": "4", "method": "GET", "url": "/me"},
    ]
    answer = api.call("POST", "/$batch", json={"requests": requests_})
    statuses = {r["id"]: r["status"] for r in answer.json()["responses"]}
    assert statuses == {"1": 201, "2": 404, "3": 424, "4": 200}


def test_mailbox_concurrency_throttles_unchained_items_beyond_four(graph_emulator, api):
    graph_emulator.mailbox_concurrency_limit = 4
    answer = api.call(
        "POST", "/$batch", json={"requests": [_item(n) for n in range(6)]}
    )
    responses = {r["id"]: r for r in answer.json()["responses"]}
    assert sorted(r["status"] for r in responses.values()) == [201] * 4 + [429] * 2
    throttled = [r for r in responses.values() if r["status"] == 429]
    assert throttled[0]["headers"]["Retry-After"] == "1"
    assert throttled[0]["body"]["error"]["code"] == "ApplicationThrottled"
    assert "MailboxConcurrency" in throttled[0]["body"]["error"]["message"]


def test_items_chained_with_depends_on_are_not_throttled(graph_emulator, api):
    graph_emulator.mailbox_concurrency_limit = 4
    chain = [_item(n, dependsOn=[str(n - 1)]) if n else _item(n) for n in range(8)]
    answer = api.call("POST", "/$batch", json={"requests": chain})
    assert {r["status"] for r in answer.json()["responses"]} == {201}


def test_batch_items_run_through_the_same_endpoints(graph_emulator, api):
    answer = api.call("POST", "/$batch", json={"requests": [_item(1)]})
    assert answer.json()["responses"][0]["body"]["subject"] == "B1"
    recorded = [(r.method, r.path, r.in_batch) for r in graph_emulator.requests]
    assert ("POST", "/v1.0/$batch", False) in recorded
    assert ("POST", "/v1.0/me/events", True) in recorded


# -------------------------------------------------------------------- faults
def test_injected_faults_hit_only_matching_requests(graph_emulator, api):
    graph_emulator.inject(
        method="GET", path_regex=r"/me$", status=503, retry_after=3, times=1
    )
    first = api.call("GET", "/me")
    assert first.status_code == 503 and first.headers["Retry-After"] == "3"
    assert api.call("GET", "/me").status_code == 200


def test_injected_faults_can_target_batch_items_only(graph_emulator, api):
    graph_emulator.inject(status=429, retry_after=2, times=1, in_batch=True)
    assert api.call("GET", "/me").status_code == 200
    answer = api.call("POST", "/$batch", json={"requests": [_item(1)]})
    item = answer.json()["responses"][0]
    assert item["status"] == 429 and item["headers"]["Retry-After"] == "2"


def test_latency_slows_requests_down(graph_emulator, api):
    graph_emulator.inject(status=0, latency=0.2, times=1)
    started = time.monotonic()
    assert api.call("GET", "/me").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_emulator_runs_as_a_module(tmp_path):
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "emulators.graph_emulator", "--port", "0"],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        base = re.search(r"http://\S+", line).group(0)
        doc = requests.get(
            f"{base}/common/v2.0/.well-known/openid-configuration", timeout=5
        )
        assert doc.json()["token_endpoint"].startswith(
            "https://login.microsoftonline.com/"
        )
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_events_introspection_is_utc_and_reset_forgets_everything(graph_emulator, api):
    api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00", "Asia/Tokyo"))
    stored = graph_emulator.events("alice@contoso.com")
    assert stored[0]["start"]["timeZone"] == "UTC"
    assert stored[0]["start"]["dateTime"] == "2024-07-01T00:00:00.0000000"
    graph_emulator.reset()
    assert graph_emulator.events("alice@contoso.com") == []
    assert graph_emulator.requests == []


def test_window_instants_parse_with_offsets():
    from emulators.graph_recurrence import parse_instant

    assert parse_instant("2024-01-01T01:00:00+01:00") == datetime(
        2024, 1, 1, tzinfo=timezone.utc
    )


def test_concurrent_writers_are_served_consistently(graph_emulator, graph_session):
    from concurrent.futures import ThreadPoolExecutor

    token = graph_emulator.issue_tokens("alice@contoso.com")["access_token"]

    def create(n):
        with requests.Session() as own:
            answer = own.post(
                f"{graph_emulator.base_url}/v1.0/me/events",
                json=timed(f"T{n}", "2024-07-01T09:00:00", "2024-07-01T10:00:00"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            return answer.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(40)))
    assert statuses == [201] * 40
    assert len(graph_emulator.events("alice@contoso.com")) == 40
