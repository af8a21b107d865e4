"""GraphCalendarClient and the MSAL helpers, against the Graph emulator.

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

from emulators.graph_emulator import GraphEmulator
from services.exceptions import (
    AuthorizationError,
    InstancesFailed,
    InvalidOAuthState,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
    UntrustedLink,
)
from services.graph_client import (
    DELTA_PAGE_SIZE,
    SCOPES,
    AccessTokenExpired,
    GraphCalendarClient,
    RewritingSession,
    finish_auth_flow,
    make_msal_app,
    refresh,
    start_auth_flow,
)

LOGIN = "https://login.microsoftonline.com"
AUTHORITY = f"{LOGIN}/common"
REDIRECT = "https://odoo.example/microsoft_account/authentication"
START, END = datetime(2024, 1, 1), datetime(2025, 1, 1)

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


def timed(subject, day="2024-07-01", tz="UTC"):
    return {
        "subject": subject,
        "start": {"dateTime": f"{day}T09:00:00", "timeZone": tz},
        "end": {"dateTime": f"{day}T10:00:00", "timeZone": tz},
    }


def weekly(subject="Weekly", count=5, day="2024-03-04"):
    return {
        **timed(subject, day),
        "recurrence": {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
            "range": {
                "type": "numbered",
                "startDate": day,
                "numberOfOccurrences": count,
            },
        },
    }


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


# ---------------------------------------------------------------------- delta
def test_delta_asks_for_the_largest_page_and_the_configured_zone(
    graph_emulator, make_graph_client
):
    client = make_graph_client(tz="Europe/Brussels")
    client.create_event(timed("A"), "t-a")
    result = client.delta(start=START, end=END)
    prefer = graph_emulator.requests[-1].headers["prefer"]
    assert f"odata.maxpagesize={DELTA_PAGE_SIZE}" in prefer
    assert 'outlook.timezone="Europe/Brussels"' in prefer
    assert result.items[0]["start"]["timeZone"] == "Europe/Brussels"
    query = graph_emulator.requests[-1].query
    assert query == {
        "startdatetime": "2024-01-01T00:00:00Z",
        "enddatetime": "2025-01-01T00:00:00Z",
    }


def test_delta_follows_next_links_and_returns_the_delta_link(
    graph_emulator, make_graph_client
):
    for n in range(1, 8):
        graph_emulator.add_event("alice@contoso.com", timed(f"E{n}", f"2024-07-0{n}"))
    client = make_graph_client(page_size=3)
    result = client.delta(start=START, end=END)
    assert len(result.items) == 7 and result.pages == 3
    assert client.request_count == 3
    assert "$deltatoken=" in result.delta_link


def test_incremental_delta_returns_changes_and_removals(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    kept = client.create_event(timed("Kept"), "t-1")
    gone = client.create_event(timed("Gone", "2024-07-02"), "t-2")
    link = client.delta(start=START, end=END).delta_link
    client.delete_event(gone["id"])
    client.patch_event(kept["id"], {"subject": "Kept 2"})
    items = {i["id"]: i for i in client.delta(link).items}
    assert items[gone["id"]]["@removed"] == {"reason": "deleted"}
    assert items[kept["id"]]["subject"] == "Kept 2"


def test_expired_delta_link_raises_invalid_sync_token(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    link = client.delta(start=START, end=END).delta_link
    graph_emulator.invalidate_delta_tokens()
    with pytest.raises(InvalidSyncToken):
        client.delta(link)


def test_a_first_round_needs_a_window(make_graph_client):
    with pytest.raises(ValueError):
        make_graph_client().delta()


# ---------------------------------------------------------------------- batch
def test_twenty_writes_go_out_in_one_batch_of_four_chains(
    graph_emulator, make_graph_client
):
    graph_emulator.mailbox_concurrency_limit = 4
    client = make_graph_client()
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(20)]
    )
    assert [r.status for r in results] == [201] * 20
    assert client.request_count == 1
    assert [r.body["subject"] for r in results] == [f"E{n}" for n in range(20)]


def test_batches_hold_at_most_twenty_requests(graph_emulator, make_graph_client):
    client = make_graph_client()
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(45)]
    )
    assert all(r.ok for r in results) and client.request_count == 3
    assert len(graph_emulator.events("alice@contoso.com")) == 45


def test_throttle_storm_is_retried_to_success_after_retry_after(
    graph_emulator, make_graph_client
):
    graph_emulator.mailbox_concurrency_limit = 4
    graph_emulator.inject(status=429, retry_after=2, times=6, in_batch=True)
    client = make_graph_client()
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(20)]
    )
    assert all(r.status == 201 for r in results)
    assert client.sleeps and set(client.sleeps) == {2.0}
    assert len(graph_emulator.events("alice@contoso.com")) == 20


def test_failed_dependency_items_are_sent_again(graph_emulator, make_graph_client):
    client = make_graph_client()
    graph_emulator.inject(status=503, retry_after=None, times=1, in_batch=True)
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(8)]
    )
    assert all(r.status == 201 for r in results)
    statuses = [r.status for r in graph_emulator.requests if r.in_batch]
    assert statuses.count(503) == 1 and 424 not in statuses  # 424 is not an item run
    assert client.request_count == 2
    assert len(graph_emulator.events("alice@contoso.com")) == 8


def test_retries_that_run_out_leave_the_failure_in_the_result(
    graph_emulator, make_graph_client
):
    client = make_graph_client(max_retries=2)
    graph_emulator.inject(status=429, retry_after=1, times=10, in_batch=True)
    [result] = client.batch([client.create_request(timed("E"), "t")])
    assert result.status == 429 and isinstance(result.to_error(), RateLimited)
    assert (result.retryable, result.retry_after) == (True, 1.0)
    assert result.to_error().retry_after == 1.0
    assert client.sleeps == [1.0, 1.0]


def test_retried_create_with_the_same_transaction_id_does_not_duplicate(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    first = client.create_event(timed("Once"), "odoo-42-create")
    second = client.create_event(timed("Once"), "odoo-42-create")
    assert first["id"] == second["id"]
    assert len(graph_emulator.events("alice@contoso.com")) == 1


def test_top_level_throttling_honours_retry_after(graph_emulator, make_graph_client):
    client = make_graph_client()
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=2, times=2)
    assert client.get_me()["mail"] == "alice@contoso.com"
    assert client.sleeps == [2.0, 2.0] and client.request_count == 3


def test_throttling_without_end_raises_rate_limited(graph_emulator, make_graph_client):
    client = make_graph_client(max_retries=1)
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=2, times=5)
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    assert caught.value.retry_after == 2.0


def test_answers_go_out_through_accept_tentatively_accept_decline(
    graph_emulator, make_graph_client
):
    body = timed("Invite")
    body["attendees"] = [{"emailAddress": {"address": "alice@contoso.com"}}]
    event = graph_emulator.add_event("alice@contoso.com", body, organizer="c@f.com")
    client = make_graph_client()
    [result] = client.batch([client.respond_request(event["id"], "declined")])
    assert result.status == 202
    assert client.get_event(event["id"])["responseStatus"]["response"] == "declined"


# ------------------------------------------------------------------ instances
def test_instances_of_many_series_come_in_few_batches(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    results = client.batch(
        [client.create_request(weekly(f"S{n}"), f"s{n}") for n in range(30)]
    )
    masters = [r.body["id"] for r in results]
    client.request_count = 0
    found = client.instances_batch(masters + ["AAMkAGgone"], START, END)
    assert client.request_count == 2
    assert all(len(found[m]) == 5 for m in masters)
    assert found["AAMkAGgone"] is None


def test_deleted_occurrence_is_found_by_comparing_instances(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    master = client.create_event(weekly(count=3), "w")
    link = client.delta(start=START, end=END).delta_link
    second = client.instances(master["id"], START, END)[1]
    client.delete_event(second["id"])
    changes = client.delta(link).items
    # The series comes again (its master changed) without the deleted occurrence,
    # and nothing says it was removed.
    assert changes[0]["id"] == master["id"] and len(changes) == 3
    assert second["id"] not in {i["id"] for i in changes}
    assert not any("@removed" in i for i in changes)
    remaining = client.instances(master["id"], START, END)
    assert second["id"] not in {i["id"] for i in remaining} and len(remaining) == 2


def test_instances_follow_next_links(graph_emulator, make_graph_client):
    body = timed("Daily", "2024-01-01")
    body["recurrence"] = {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "noEnd", "startDate": "2024-01-01"},
    }
    client = make_graph_client()
    master = client.create_event(body, "d")
    instances = client.instances(
        master["id"], datetime(2024, 1, 1), datetime(2027, 1, 1)
    )
    assert len(instances) == 1096  # more than one page of 1000


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


# --------------------------------------------------------------- sleep budget
def test_retry_after_longer_than_the_budget_gives_up_without_sleeping(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=30, times=9)
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    error = caught.value
    assert (error.retryable, error.retry_after, error.status) == (True, 30.0, 429)
    assert client.sleeps == [] and client.request_count == 1


def test_a_call_sleeps_five_seconds_at_most_in_total(graph_emulator, make_graph_client):
    client = make_graph_client(max_retries=10)
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=2, times=99)
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    # 2 + 2 slept; the third wait of 2 s no longer fits the 5 s budget
    assert client.sleeps == [2.0, 2.0] and client.request_count == 3
    assert (caught.value.retryable, caught.value.retry_after) == (True, 2.0)


def test_unavailable_without_retry_after_backs_off_within_the_budget(
    graph_emulator, make_graph_client
):
    client = make_graph_client(max_retries=10)
    graph_emulator.inject(path_regex=r"/me$", status=503, retry_after=None, times=99)
    with pytest.raises(RemoteError) as caught:
        client.get_me()
    assert client.sleeps == [1, 2, 2]  # 1, 2, then what is left of the 5 s
    assert (caught.value.status, caught.value.retryable) == (503, True)
    assert caught.value.retry_after is None


def test_max_sleep_and_max_retry_after_are_the_client_s_budget(
    graph_emulator, make_graph_client
):
    client = make_graph_client(max_sleep=20, max_retry_after=8)
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=8, times=2)
    assert client.get_me()["mail"] == "alice@contoso.com"
    assert client.sleeps == [8.0, 8.0]
    graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=9, times=1)
    with pytest.raises(RateLimited):
        client.get_me()
    assert client.sleeps == [8.0, 8.0]


def test_each_call_starts_with_a_full_budget(graph_emulator, make_graph_client):
    client = make_graph_client()
    for _call in range(2):
        graph_emulator.inject(path_regex=r"/me$", status=429, retry_after=2, times=2)
        assert client.get_me()["mail"] == "alice@contoso.com"
    assert client.sleeps == [2.0] * 4


def test_one_budget_spans_every_page_of_a_delta(
    graph_emulator, graph_session, make_graph_client
):
    for n in range(1, 8):
        graph_emulator.add_event("alice@contoso.com", timed(f"E{n}", f"2024-07-0{n}"))
    original, pages_seen = graph_session.request, set()

    def throttle_each_new_page(method, url, *args, **kwargs):
        if url not in pages_seen:  # the first try of every page is throttled
            pages_seen.add(url)
            graph_emulator.inject(path_regex="/delta$", status=429, retry_after=2)
        return original(method, url, *args, **kwargs)

    graph_session.request = throttle_each_new_page
    client = make_graph_client(page_size=3)
    with pytest.raises(RateLimited) as caught:
        client.delta(start=START, end=END)
    # page 1 and page 2 waited 2 s each; page 3 finds 1 s left: no sleep
    assert client.sleeps == [2.0, 2.0] and len(pages_seen) == 3
    assert caught.value.retry_after == 2.0


def test_batch_items_throttled_beyond_the_budget_fail_as_retryable_without_sleeping(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    graph_emulator.inject(status=429, retry_after=60, times=99, in_batch=True)
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(3)]
    )
    assert [(r.status, r.retryable, r.retry_after) for r in results] == [
        (429, True, 60.0)
    ] * 3
    assert client.sleeps == [] and client.request_count == 1
    assert graph_emulator.events("alice@contoso.com") == []


def test_batch_retry_rounds_share_one_budget(graph_emulator, make_graph_client):
    client = make_graph_client(max_retries=10)
    graph_emulator.inject(status=429, retry_after=2, times=99, in_batch=True)
    [result] = client.batch([client.create_request(timed("E"), "t")])
    assert client.sleeps == [2.0, 2.0] and client.request_count == 3
    assert (result.status, result.retryable, result.retry_after) == (429, True, 2.0)


def test_a_whole_batch_throttled_beyond_the_budget_fails_each_item_and_sends_no_more(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    graph_emulator.inject(
        path_regex=r"/\$batch$", status=429, retry_after=30, times=99, in_batch=False
    )
    results = client.batch(
        [client.create_request(timed(f"E{n}"), f"t{n}") for n in range(45)]
    )
    assert client.request_count == 1  # the 2nd and 3rd chunks were not sent
    assert {(r.status, r.retryable, r.retry_after) for r in results} == {
        (429, True, 30.0)
    }
    assert results[44].error_code == "ApplicationThrottled"
    assert isinstance(results[0].to_error(), RateLimited)
    assert client.sleeps == []


def test_a_refused_item_is_not_retryable(graph_emulator, make_graph_client):
    client = make_graph_client()
    [result] = client.batch([client.patch_request("AAMkAGnone", {"subject": "x"})])
    assert (result.status, result.retryable, result.retry_after) == (404, False, None)


# ------------------------------------------------------- conditional writes
ALICE = "alice@contoso.com"


def edited_in_outlook(emulator, client, subject="Mine"):
    """An event we created, then edited in Outlook: our etag is stale."""
    event = client.create_event(timed(subject), f"t-{subject}")
    emulator.update_event(ALICE, event["id"], {"subject": "Outlook edit"})
    return event


def stored(emulator, event_id):
    return next(e for e in emulator.events(ALICE) if e["id"] == event_id)


def test_patch_and_delete_requests_carry_the_etag_as_if_match(make_graph_client):
    client = make_graph_client()
    etag = 'W/"EZ9r3czxY0m2jz8c45czkwAAFXcvIQ=="'
    patch = client.patch_request("AAMkAGx", {"subject": "x"}, etag=etag)
    delete = client.delete_request("AAMkAGx", etag=etag)
    assert patch["headers"]["If-Match"] == delete["headers"]["If-Match"] == etag
    assert "If-Match" not in client.patch_request("AAMkAGx", {})["headers"]
    assert "headers" not in client.delete_request("AAMkAGx")


def test_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    event = edited_in_outlook(graph_emulator, client)
    before = stored(graph_emulator, event["id"])
    [result] = client.batch(
        [client.patch_request(event["id"], {"subject": "x"}, event["@odata.etag"])]
    )
    assert (result.status, result.error_code) == (412, "ErrorIrresolvableConflict")
    assert result.precondition_failed and not result.retryable
    assert client.request_count == 2  # the create, then one $batch: no retry
    assert stored(graph_emulator, event["id"]) == before


def test_patch_with_the_current_etag_applies(graph_emulator, make_graph_client):
    client = make_graph_client()
    event = client.create_event(timed("Mine"), "t1")
    [result] = client.batch(
        [client.patch_request(event["id"], {"subject": "x"}, event["@odata.etag"])]
    )
    assert (result.status, result.precondition_failed) == (200, False)
    assert result.body["subject"] == "x"
    assert result.body["@odata.etag"] != event["@odata.etag"]
    assert stored(graph_emulator, event["id"])["subject"] == "x"


def test_delete_with_a_stale_etag_is_refused(graph_emulator, make_graph_client):
    client = make_graph_client()
    event = edited_in_outlook(graph_emulator, client)
    [result] = client.batch(
        [client.delete_request(event["id"], etag=event["@odata.etag"])]
    )
    assert (result.status, result.precondition_failed) == (412, True)
    assert stored(graph_emulator, event["id"])["subject"] == "Outlook edit"


def test_delete_with_the_current_etag_deletes(graph_emulator, make_graph_client):
    client = make_graph_client()
    event = client.create_event(timed("Mine"), "t1")
    assert client.delete_event(event["id"], etag=event["@odata.etag"]) is True
    assert graph_emulator.events(ALICE) == []


def test_single_conditional_writes_raise_a_non_retryable_412(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    event = edited_in_outlook(graph_emulator, client)
    for call in (
        lambda: client.patch_event(event["id"], {"subject": "x"}, event["@odata.etag"]),
        lambda: client.delete_event(event["id"], etag=event["@odata.etag"]),
    ):
        with pytest.raises(RemoteError) as info:
            call()
        assert (info.value.status, info.value.reason) == (
            412,
            "ErrorIrresolvableConflict",
        )
        assert not info.value.retryable
    assert stored(graph_emulator, event["id"])["subject"] == "Outlook edit"


def test_conditional_writes_in_one_batch_are_judged_item_by_item(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    fresh = [client.create_event(timed(f"F{n}"), f"f{n}") for n in range(2)]
    stale = [edited_in_outlook(graph_emulator, client, f"S{n}") for n in range(2)]
    results = client.batch(
        [
            client.patch_request(
                fresh[0]["id"], {"subject": "x"}, fresh[0]["@odata.etag"]
            ),
            client.delete_request(fresh[1]["id"], etag=fresh[1]["@odata.etag"]),
            client.patch_request(
                stale[0]["id"], {"subject": "x"}, stale[0]["@odata.etag"]
            ),
            client.delete_request(stale[1]["id"], etag=stale[1]["@odata.etag"]),
        ]
    )
    assert [(r.status, r.precondition_failed) for r in results] == [
        (200, False),
        (204, False),
        (412, True),
        (412, True),
    ]
    subjects = {e["id"]: e["subject"] for e in graph_emulator.events(ALICE)}
    assert subjects == {
        fresh[0]["id"]: "x",
        stale[0]["id"]: "Outlook edit",
        stale[1]["id"]: "Outlook edit",
    }
    sent = [r for r in graph_emulator.requests if r.method in ("PATCH", "DELETE")]
    assert [r.headers.get("if-match") for r in sent] == [
        fresh[0]["@odata.etag"],
        fresh[1]["@odata.etag"],
        stale[0]["@odata.etag"],
        stale[1]["@odata.etag"],
    ]


def test_a_409_irresolvable_conflict_counts_as_a_failed_precondition(
    graph_emulator, make_graph_client
):
    graph_emulator.inject(
        status=409, code="ErrorIrresolvableConflict", times=1, in_batch=True
    )
    client = make_graph_client()
    [result] = client.batch([client.patch_request("AAMkAGx", {"subject": "x"})])
    assert (result.status, result.precondition_failed, result.retryable) == (
        409,
        True,
        False,
    )


# ---------------------------------------------------------------------- links
@pytest.fixture(scope="module")
def elsewhere():
    """Another server, standing for a host outside the Graph root: it records
    whatever reaches it."""
    with GraphEmulator() as emulator:
        yield emulator


@pytest.fixture
def naming(elsewhere):
    """A Graph emulator whose next and delta links name ``origin``, and a client
    of it whose session maps ``https://attacker.test`` to ``elsewhere``."""
    started = []

    def make(origin, page_size=3, **options):
        emulator = GraphEmulator(graph_origin=origin, **options).start()
        started.append(emulator)
        mapping = {
            **emulator.url_mapping,
            "https://graph.microsoft.com": emulator.base_url,
            "https://attacker.test": elsewhere.base_url,
        }
        session = RewritingSession(mapping, timeout=10)
        token = emulator.issue_tokens("alice@contoso.com")["access_token"]
        client = GraphCalendarClient(token, session=session, page_size=page_size)
        return emulator, client

    elsewhere.reset()
    yield make
    for emulator in started:
        emulator.stop()


def add_events(emulator, count):
    for n in range(1, count + 1):
        emulator.add_event("alice@contoso.com", timed(f"E{n}", f"2024-07-0{n}"))


def test_graph_next_link_to_another_host_is_refused_without_sending_the_token(
    naming, elsewhere
):
    emulator, client = naming("https://attacker.test")
    add_events(emulator, 7)
    with pytest.raises(UntrustedLink) as caught:
        client.delta(start=START, end=END)
    error = caught.value
    assert (error.host, error.link_kind, error.retryable) == (
        "attacker.test",
        "nextLink",
        False,
    )
    assert error.graph_root == "https://graph.microsoft.com/v1.0"
    assert "attacker.test" in error.message
    assert client.request_count == 1 and elsewhere.requests == []


def test_graph_delta_link_to_another_host_is_not_returned(naming, elsewhere):
    emulator, client = naming("https://attacker.test")
    add_events(emulator, 2)
    with pytest.raises(UntrustedLink) as caught:
        client.delta(start=START, end=END)
    assert (caught.value.host, caught.value.link_kind) == ("attacker.test", "deltaLink")
    assert elsewhere.requests == []


@pytest.mark.parametrize(
    "link",
    [
        "https://attacker.test/v1.0/me/calendarView/delta?$deltatoken=x",
        "http://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=x",
        "https://graph.microsoft.com:8443/v1.0/me/calendarView/delta?$deltatoken=x",
        "https://graph.microsoft.com/beta/me/calendarView/delta?$deltatoken=x",
        "https://graph.microsoft.com/v1.0evil/me/calendarView/delta?$deltatoken=x",
        "https://graph.microsoft.com/v1.0/../beta/me/events",
        "https://graph.microsoft.com/v1.0/%2e%2e/beta/me/events",
        "https://graph.microsoft.com@attacker.test/v1.0/me/calendarView/delta",
        "https://graph.microsoft.com.attacker.test/v1.0/me/calendarView/delta",
        "/v1.0/me/calendarView/delta?$deltatoken=x",
    ],
)
def test_stored_delta_link_outside_the_graph_root_is_not_requested(
    graph_emulator, make_graph_client, link
):
    client = make_graph_client()
    with pytest.raises(UntrustedLink) as caught:
        client.delta(link)
    assert caught.value.link_kind == "stored deltaLink"
    assert client.request_count == 0 and graph_emulator.requests == []


def test_links_under_the_graph_root_are_followed_as_the_host_map_sends_them(naming):
    # links naming the emulator's own http address: the host map sends the
    # configured root https://graph.microsoft.com/v1.0 to that very address
    emulator, client = naming("https://unused.test", advertise_public_origins=False)
    add_events(emulator, 7)
    result = client.delta(start=START, end=END)
    assert result.delta_link.startswith(emulator.base_url + "/v1.0/")
    assert len(result.items) == 7 and result.pages == 3
    assert client.delta(result.delta_link).items == []


def test_instances_next_link_to_another_host_fails_that_series_only(naming, elsewhere):
    emulator, client = naming("https://attacker.test")
    daily = timed("Daily", "2024-01-01")
    daily["recurrence"] = {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "noEnd", "startDate": "2024-01-01"},
    }
    long = emulator.add_event("alice@contoso.com", daily)["id"]
    short = emulator.add_event("alice@contoso.com", weekly())["id"]
    found = client.instances_results([long, short], START, datetime(2027, 1, 1))
    assert isinstance(found[long].error, UntrustedLink) and not found[long].ok
    assert found[long].error.host == "attacker.test"
    assert found[short].ok and len(found[short].instances) == 5
    assert elsewhere.requests == []


# ------------------------------------------------------- per-series instances
def three_series(client):
    results = client.batch(
        [client.create_request(weekly(f"S{n}"), f"s{n}") for n in range(3)]
    )
    return [r.body["id"] for r in results]


def test_one_series_whose_instances_fail_does_not_hide_the_others(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    first, broken, last = three_series(client)
    graph_emulator.inject(
        path_regex=re.escape(broken) + "/instances", status=500, times=9, in_batch=True
    )
    found = client.instances_results([first, broken, last, "AAMkAGgone"], START, END)
    assert [len(found[m].instances) for m in (first, last)] == [5, 5]
    assert found["AAMkAGgone"].gone and found["AAMkAGgone"].ok
    assert not found[broken].ok and found[broken].instances is None
    assert (found[broken].error.status, found[broken].error.retryable) == (500, True)


def test_instances_batch_raises_per_series_after_reading_the_others(
    graph_emulator, make_graph_client
):
    client = make_graph_client()
    first, broken, last = three_series(client)
    graph_emulator.inject(
        path_regex=re.escape(broken) + "/instances",
        status=429,
        retry_after=60,
        times=9,
        in_batch=True,
    )
    with pytest.raises(InstancesFailed) as caught:
        client.instances_batch([first, broken, last], START, END)
    error = caught.value
    assert list(error.failures) == [broken]
    assert isinstance(error.failures[broken], RateLimited)
    assert (error.retryable, error.retry_after, error.status) == (True, 60.0, 429)
    assert sorted(error.found) == sorted([first, last])
    assert all(len(instances) == 5 for instances in error.found.values())
    assert client.sleeps == []


def test_instances_of_one_series_raise_its_own_error(graph_emulator, make_graph_client):
    client = make_graph_client()
    master = client.create_event(weekly(), "w")["id"]
    graph_emulator.inject(status=429, retry_after=60, times=9, in_batch=True)
    with pytest.raises(RateLimited) as caught:
        client.instances(master, START, END)
    assert caught.value.retry_after == 60.0
