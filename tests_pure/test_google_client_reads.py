"""GoogleCalendarClient against the Google emulator: reads (event lists, sync
tokens, events, instances), errors of single calls, and tokens (refresh,
revoked grants).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from google_client_helpers import ACCOUNT, TIMED, inserts

from emulators.google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from services.exceptions import (
    AuthorizationError,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
)
from services.google_client import GoogleCalendarClient, WriteOp, new_event_id


def test_new_event_ids_are_valid_base32hex_google_ids():
    ids = {new_event_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch(r"[a-v0-9]{5,1024}", i) for i in ids)


def test_primary_calendar_is_the_account_email_with_its_timezone(make_google_client):
    calendar = make_google_client().get_primary_calendar()
    assert (calendar["id"], calendar["timeZone"]) == (ACCOUNT, "Europe/Brussels")


def test_full_list_follows_every_page_beyond_2500_events(
    make_google_client, google_emulator
):
    for i in range(2600):
        google_emulator.add_event(ACCOUNT, {**TIMED, "summary": f"e{i}"})
    client = make_google_client()
    listed = client.list_events()
    assert len(listed.items) == 2600
    assert listed.next_sync_token
    assert listed.time_zone == "Europe/Brussels"
    assert client.request_count == 2
    query = google_emulator.api_requests()[0]["query"]
    assert query["maxResults"] == "2500"
    assert query["showDeleted"] == "true" and query["singleEvents"] == "false"


def test_list_stops_after_max_items_and_goes_on_from_its_page_token(
    make_google_client, google_emulator
):
    for i in range(7):
        google_emulator.add_event(ACCOUNT, {**TIMED, "summary": f"e{i}"})
    client = make_google_client()
    first = client.list_events(max_items=3)
    assert len(first.items) == 3
    assert first.next_page_token and not first.next_sync_token
    assert google_emulator.api_requests()[0]["query"]["maxResults"] == "3"
    rest = client.list_events(page_token=first.next_page_token, max_items=100)
    assert not rest.next_page_token and rest.next_sync_token
    summaries = [i["summary"] for i in first.items + rest.items]
    assert sorted(summaries) == [f"e{i}" for i in range(7)]


def test_an_expired_page_token_is_a_remote_error_400(
    make_google_client, google_emulator
):
    for i in range(4):
        google_emulator.add_event(ACCOUNT, {**TIMED, "summary": f"e{i}"})
    client = make_google_client()
    first = client.list_events(max_items=2)
    google_emulator.invalidate_page_tokens()
    with pytest.raises(RemoteError) as caught:
        client.list_events(page_token=first.next_page_token, max_items=2)
    assert caught.value.status == 400


def test_incremental_list_returns_changes_since_the_sync_token(
    make_google_client, google_emulator
):
    client = make_google_client()
    kept = google_emulator.add_event(ACCOUNT, TIMED)
    gone = google_emulator.add_event(ACCOUNT, TIMED)
    token = client.list_events().next_sync_token
    google_emulator.delete_event(ACCOUNT, gone["id"])
    delta = client.list_events(sync_token=token)
    assert [(i["id"], i["status"]) for i in delta.items] == [(gone["id"], "cancelled")]
    assert delta.next_sync_token != token
    assert kept["id"] not in [i["id"] for i in delta.items]
    nothing = client.list_events(sync_token=delta.next_sync_token)
    assert nothing.items == []


def test_expired_sync_token_raises_invalid_sync_token(
    make_google_client, google_emulator
):
    client = make_google_client()
    token = client.list_events().next_sync_token
    google_emulator.invalidate_sync_tokens()
    with pytest.raises(InvalidSyncToken):
        client.list_events(sync_token=token)


def test_time_window_is_sent_as_rfc3339_utc(make_google_client, google_emulator):
    google_emulator.add_event(ACCOUNT, TIMED)
    client = make_google_client()
    listed = client.list_events(
        time_min=datetime(2024, 1, 15, 10, 0), time_max=datetime(2024, 2, 1)
    )
    assert listed.items == []
    query = google_emulator.api_requests()[-1]["query"]
    assert query["timeMin"] == "2024-01-15T10:00:00Z"


def test_get_event_returns_none_for_an_unknown_event(make_google_client):
    client = make_google_client()
    assert client.get_event("unknown123") is None
    op = inserts(1)[0]
    client.write([op])
    assert client.get_event(op.event_id)["id"] == op.event_id


def test_non_batch_calls_retry_5xx_then_succeed(make_google_client, google_emulator):
    google_emulator.inject(method="GET", status=503, times=2)
    client = make_google_client()
    assert client.get_primary_calendar()["id"] == ACCOUNT
    assert len(client.sleeps) == 2
    assert client.request_count == 3


def test_non_batch_rate_limit_that_outlasts_retries_raises_rate_limited(
    make_google_client, google_emulator
):
    google_emulator.inject(
        method="GET", status=403, reason="rateLimitExceeded", times=9
    )
    client = make_google_client(max_retries=3)
    with pytest.raises(RateLimited) as info:
        client.list_events()
    assert (info.value.status, info.value.retryable) == (403, True)
    assert len(client.sleeps) == 3


def test_non_retryable_error_raises_remote_error_at_once(
    make_google_client, google_emulator
):
    google_emulator.inject(method="GET", status=403, reason="forbidden", times=1)
    client = make_google_client()
    with pytest.raises(RemoteError) as info:
        client.get_primary_calendar()
    assert (info.value.status, info.value.retryable) == (403, False)
    assert client.sleeps == []


def test_connection_refused_is_a_retryable_remote_error(google_emulator):
    sleeps = []
    client = GoogleCalendarClient(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        access_token="x",
        api_root="http://127.0.0.1:9/",
        max_retries=1,
        sleep=sleeps.append,
        timeout=2,
    )
    with pytest.raises(RemoteError) as info:
        client.get_primary_calendar()
    assert (info.value.status, info.value.retryable) == (0, True)
    results = client.write(inserts(1))
    assert not results["k0"].ok and results["k0"].status == 0


def test_invalid_grant_raises_authorization_error(make_google_client, google_emulator):
    google_emulator.revoke_refresh_tokens(ACCOUNT)
    client = make_google_client()
    with pytest.raises(AuthorizationError) as info:
        client.list_events()
    assert (info.value.provider, info.value.error) == ("google", "invalid_grant")
    assert info.value.description == "Token has been expired or revoked."
    with pytest.raises(AuthorizationError):
        client.write(inserts(1))


def test_token_refresh_reports_new_tokens_through_the_callback(
    make_google_client, google_emulator, google_tokens
):
    seen = []
    google_emulator.rotate_refresh_tokens = True
    client = make_google_client(
        access_token=None, on_tokens=lambda *args: seen.append(args)
    )
    client.get_primary_calendar()
    ((access, expiry, refresh),) = seen
    assert access and access != google_tokens["access_token"]
    assert refresh and refresh != google_tokens["refresh_token"]
    assert expiry.tzinfo is None
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert timedelta(minutes=55) < expiry - now <= timedelta(hours=1)
    assert client.token_request_count == 1 and client.request_count == 1


def test_refresh_without_rotation_reports_no_new_refresh_token(
    make_google_client, google_emulator
):
    seen = []
    client = make_google_client(on_tokens=lambda *args: seen.append(args))
    google_emulator.expire_access_tokens()
    client.write(inserts(2))
    assert len(seen) == 1 and seen[0][2] is None
    assert len(google_emulator.events(ACCOUNT)) == 2


def test_expired_token_expiry_triggers_a_refresh_before_the_call(
    make_google_client, google_emulator
):
    seen = []
    client = make_google_client(
        token_expiry=datetime.now(timezone.utc).replace(tzinfo=None)
        - timedelta(minutes=1),
        on_tokens=lambda *args: seen.append(args),
    )
    client.get_primary_calendar()
    assert len(seen) == 1
    assert [r["status"] for r in google_emulator.api_requests()] == [200]


def test_instances_of_a_weekly_series_with_exdate_and_a_moved_instance(
    make_google_client, google_emulator
):
    client = make_google_client()
    master_id = new_event_id()
    body = {
        **TIMED,
        "summary": "Weekly",
        "recurrence": [
            "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5",
            "EXDATE;TZID=Europe/Brussels:20240122T100000",
        ],
    }
    assert client.write([WriteOp("m", "insert", master_id, body)])["m"].ok
    moved_id = f"{master_id}_20240129T090000Z"
    moved = {
        "start": {"dateTime": "2024-01-30T14:00:00+01:00"},
        "end": {"dateTime": "2024-01-30T15:00:00+01:00"},
    }
    cancelled_id = f"{master_id}_20240205T090000Z"
    results = client.write(
        [
            WriteOp("mv", "patch", moved_id, moved),
            WriteOp("rm", "delete", cancelled_id),
        ]
    )
    assert results["mv"].ok and results["rm"].ok
    instances = client.list_instances(master_id)
    got = [
        (i["id"], i["status"], i.get("start", {}).get("dateTime")) for i in instances
    ]
    assert got == [
        (f"{master_id}_20240115T090000Z", "confirmed", "2024-01-15T10:00:00+01:00"),
        (moved_id, "confirmed", "2024-01-30T14:00:00+01:00"),
        (cancelled_id, "cancelled", None),
        (f"{master_id}_20240212T090000Z", "confirmed", "2024-02-12T10:00:00+01:00"),
    ]
    listed = client.list_events()
    by_id = {i["id"]: i for i in listed.items}
    assert (
        by_id[moved_id]["originalStartTime"]["dateTime"] == "2024-01-29T10:00:00+01:00"
    )
    assert by_id[cancelled_id]["status"] == "cancelled"
    assert by_id[cancelled_id]["recurringEventId"] == master_id


def test_clients_of_two_accounts_each_read_their_own_calendar(
    make_google_client, google_emulator
):
    # the clients share one Calendar API Resource (built once per process):
    # each request still goes with its own account's token
    google_emulator.add_event(ACCOUNT, {**TIMED, "summary": "mine"})
    google_emulator.add_event("bob@example.com", {**TIMED, "summary": "bob's"})
    bob = google_emulator.issue_tokens("bob@example.com")
    mine = make_google_client()
    bobs = make_google_client(
        access_token=bob["access_token"], refresh_token=bob["refresh_token"]
    )
    for _round in range(2):
        assert [e["summary"] for e in bobs.list_events().items] == ["bob's"]
        assert [e["summary"] for e in mine.list_events().items] == ["mine"]
    assert mine._service is bobs._service


def test_the_shared_resource_sends_nothing_without_an_accounts_transport(
    make_google_client,
):
    client = make_google_client()
    request = client._events.list(calendarId="primary")
    with pytest.raises(RuntimeError, match="without its account's transport"):
        request.execute()
