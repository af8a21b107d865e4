"""GoogleCalendarClient against the Google emulator."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from emulators.google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from services.exceptions import (
    AuthorizationError,
    InvalidSyncToken,
    RateLimited,
    RemoteError,
    RetryBudget,
)
from services.google_client import GoogleCalendarClient, WriteOp, new_event_id

ACCOUNT = "user@example.com"
TIMED = {
    "start": {"dateTime": "2024-01-15T10:00:00+01:00", "timeZone": "Europe/Brussels"},
    "end": {"dateTime": "2024-01-15T11:00:00+01:00", "timeZone": "Europe/Brussels"},
}


def inserts(count, **body):
    return [
        WriteOp(
            f"k{i}", "insert", new_event_id(), {**TIMED, "summary": f"e{i}", **body}
        )
        for i in range(count)
    ]


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


def test_batch_of_120_writes_uses_3_requests_with_send_updates_none(
    make_google_client, google_emulator
):
    client = make_google_client()
    ops = inserts(120)
    results = client.write(ops)
    assert client.request_count == 3
    assert all(r.ok and not r.reconciled for r in results.values())
    assert {results[op.key].event["id"] for op in ops} == {op.event_id for op in ops}
    assert len(google_emulator.events(ACCOUNT)) == 120
    items = [r for r in google_emulator.requests if r["batch"]]
    assert len(items) == 120
    assert {r["sendUpdates"] for r in items} == {"none"}
    assert {r["query"]["conferenceDataVersion"] for r in items} == {"1"}


def test_batch_size_is_configurable(make_google_client):
    client = make_google_client(batch_size=10)
    client.write(inserts(25))
    assert client.request_count == 3


def test_retried_insert_after_lost_response_creates_no_duplicate(
    make_google_client, google_emulator
):
    google_emulator.inject(method="POST", status=503, in_batch=True, after=True)
    client = make_google_client()
    op = inserts(1)[0]
    result = client.write([op])[op.key]
    assert result.ok and result.reconciled
    assert result.event["id"] == op.event_id
    assert len(google_emulator.events(ACCOUNT)) == 1


def test_insert_of_an_existing_id_is_reconciled_not_an_error(
    make_google_client, google_emulator
):
    client = make_google_client()
    op = inserts(1)[0]
    client.write([op])
    again = client.write([op])[op.key]
    assert again.ok and again.reconciled
    assert again.event["summary"] == "e0"
    assert len(google_emulator.events(ACCOUNT)) == 1


def test_insert_of_an_id_deleted_meanwhile_is_reported_as_a_failure(
    make_google_client, google_emulator
):
    client = make_google_client()
    op = inserts(1)[0]
    client.write([op])
    google_emulator.delete_event(ACCOUNT, op.event_id)
    result = client.write([op])[op.key]
    assert not result.ok
    assert (result.status, result.reason) == (409, "duplicate")


def test_per_item_429_storm_is_retried_for_the_failed_items_only(
    make_google_client, google_emulator
):
    google_emulator.inject(method="POST", status=429, times=30, in_batch=True)
    client = make_google_client()
    results = client.write(inserts(50))
    assert all(r.ok for r in results.values())
    assert len(google_emulator.events(ACCOUNT)) == 50
    item_posts = [r for r in google_emulator.requests if r["batch"]]
    assert len(item_posts) == 80  # 50 + 30 re-sent
    assert client.request_count == 2
    assert len(client.sleeps) == 1


def test_403_rate_limit_and_5xx_items_are_retried(make_google_client, google_emulator):
    google_emulator.inject(
        method="POST", status=403, reason="rateLimitExceeded", times=2
    )
    google_emulator.inject(method="POST", status=500, times=2)
    client = make_google_client()
    results = client.write(inserts(3))
    assert all(r.ok for r in results.values())
    assert len(google_emulator.events(ACCOUNT)) == 3


def test_whole_batch_5xx_is_retried(make_google_client, google_emulator):
    google_emulator.inject(path_regex="^/batch/", status=503, times=2, in_batch=False)
    client = make_google_client()
    results = client.write(inserts(4))
    assert all(r.ok for r in results.values())
    assert client.request_count == 3


def test_rate_limit_that_outlasts_the_retries_fails_only_those_items(
    make_google_client, google_emulator
):
    client = make_google_client(max_retries=2)
    ops = inserts(2)
    google_emulator.inject(
        method="POST", path_regex="/events$", status=429, times=99, in_batch=True
    )
    results = client.write(ops)
    assert [results[op.key].status for op in ops] == [429, 429]
    assert not any(r.ok for r in results.values())
    assert results[ops[0].key].reason == "rateLimitExceeded"
    assert all(results[op.key].retryable for op in ops)
    assert len(client.sleeps) == 2


def test_one_failing_item_does_not_stop_the_others(make_google_client, google_emulator):
    client = make_google_client()
    ops = [
        WriteOp("bad", "patch", "unknown123", {"summary": "x"}),
        *inserts(2),
    ]
    results = client.write(ops)
    assert (results["bad"].ok, results["bad"].status) == (False, 404)
    assert results["k0"].ok and results["k1"].ok
    assert client.sleeps == []


def test_backoff_is_exponential_capped_and_jittered(make_google_client):
    client = make_google_client(max_backoff=10)
    delays = [client._backoff(n) for n in range(8)]
    assert 1 <= delays[0] < 2 and 2 <= delays[1] < 3 and 8 <= delays[3] < 9
    assert max(delays) <= 10


def test_patch_update_and_delete_through_write(make_google_client, google_emulator):
    client = make_google_client()
    op = inserts(1)[0]
    created = client.write([op])[op.key].event
    results = client.write(
        [
            WriteOp("p", "patch", op.event_id, {"summary": "patched"}),
        ]
    )
    assert results["p"].event["summary"] == "patched"
    body = {**TIMED, "summary": "replaced"}
    replaced = client.write([WriteOp("u", "update", op.event_id, body)])["u"]
    assert replaced.event["summary"] == "replaced"
    assert replaced.event["etag"] != created["etag"]
    deleted = client.write([WriteOp("d", "delete", op.event_id)])["d"]
    assert (deleted.ok, deleted.status) == (True, 204)
    assert google_emulator.events(ACCOUNT) == []


def test_delete_of_an_already_gone_event_counts_as_done(make_google_client):
    client = make_google_client()
    op = inserts(1)[0]
    client.write([op])
    results = client.write(
        [WriteOp("d1", "delete", op.event_id), WriteOp("d2", "delete", "unknown123")]
    )
    assert results["d1"].ok
    again = client.write([WriteOp("d1", "delete", op.event_id)])["d1"]
    assert (again.ok, again.status) == (True, 410)
    assert (results["d2"].ok, results["d2"].status) == (True, 404)


def test_stale_if_match_gives_a_412_result(make_google_client, google_emulator):
    client = make_google_client()
    op = inserts(1)[0]
    etag = client.write([op])[op.key].event["etag"]
    google_emulator.update_event(ACCOUNT, op.event_id, {"summary": "remote edit"})
    result = client.write(
        [WriteOp("p", "patch", op.event_id, {"summary": "mine"}, if_match=etag)]
    )["p"]
    assert (result.ok, result.status, result.reason) == (False, 412, "conditionNotMet")
    assert google_emulator.get_event(ACCOUNT, op.event_id)["summary"] == "remote edit"


def _created_then_edited_remotely(client, google_emulator, count=1):
    """Events written by us, then edited in Google: our etags are stale."""
    ops = inserts(count)
    results = client.write(ops)
    etags = {op.event_id: results[op.key].event["etag"] for op in ops}
    for op in ops:
        google_emulator.update_event(ACCOUNT, op.event_id, {"summary": "remote edit"})
    return etags


def test_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(
    make_google_client, google_emulator
):
    client = make_google_client()
    etags = _created_then_edited_remotely(client, google_emulator)
    (event_id, etag) = next(iter(etags.items()))
    before = google_emulator.get_event(ACCOUNT, event_id)
    sent = len(google_emulator.api_requests())
    result = client.write(
        [WriteOp("p", "patch", event_id, {"summary": "mine"}, etag=etag)]
    )["p"]
    assert (result.ok, result.status, result.reason) == (False, 412, "conditionNotMet")
    assert result.precondition_failed and not result.retryable
    assert result.retry_after is None and result.event is None
    assert len(google_emulator.api_requests()) == sent + 1  # not retried
    assert google_emulator.get_event(ACCOUNT, event_id) == before


def test_patch_with_the_current_etag_applies(make_google_client, google_emulator):
    client = make_google_client()
    op = inserts(1)[0]
    etag = client.write([op])[op.key].event["etag"]
    result = client.write(
        [WriteOp("p", "patch", op.event_id, {"summary": "mine"}, etag=etag)]
    )["p"]
    assert (result.ok, result.precondition_failed) == (True, False)
    assert result.event["summary"] == "mine" and result.event["etag"] != etag
    assert google_emulator.get_event(ACCOUNT, op.event_id)["summary"] == "mine"


def test_update_with_a_stale_etag_is_refused(make_google_client, google_emulator):
    client = make_google_client()
    etags = _created_then_edited_remotely(client, google_emulator)
    (event_id, etag) = next(iter(etags.items()))
    body = {**TIMED, "summary": "mine"}
    result = client.write([WriteOp("u", "update", event_id, body, etag=etag)])["u"]
    assert (result.status, result.precondition_failed) == (412, True)
    assert google_emulator.get_event(ACCOUNT, event_id)["summary"] == "remote edit"


def test_delete_with_a_stale_etag_is_refused(make_google_client, google_emulator):
    client = make_google_client()
    etags = _created_then_edited_remotely(client, google_emulator)
    (event_id, etag) = next(iter(etags.items()))
    result = client.write([WriteOp("d", "delete", event_id, etag=etag)])["d"]
    assert (result.ok, result.status, result.precondition_failed) == (False, 412, True)
    assert not result.retryable
    assert google_emulator.get_event(ACCOUNT, event_id)["status"] == "confirmed"


def test_delete_with_the_current_etag_deletes(make_google_client, google_emulator):
    client = make_google_client()
    op = inserts(1)[0]
    etag = client.write([op])[op.key].event["etag"]
    result = client.write([WriteOp("d", "delete", op.event_id, etag=etag)])["d"]
    assert (result.ok, result.status, result.precondition_failed) == (True, 204, False)
    assert google_emulator.events(ACCOUNT) == []


def test_delete_with_an_etag_of_an_event_deleted_meanwhile_counts_as_done(
    make_google_client, google_emulator
):
    client = make_google_client()
    op = inserts(1)[0]
    etag = client.write([op])[op.key].event["etag"]
    google_emulator.delete_event(ACCOUNT, op.event_id)
    result = client.write([WriteOp("d", "delete", op.event_id, etag=etag)])["d"]
    assert (result.ok, result.status) == (True, 410)


def test_conditional_writes_in_one_batch_are_judged_item_by_item(
    make_google_client, google_emulator
):
    client = make_google_client()
    fresh = inserts(2)
    created = client.write(fresh)
    stale = _created_then_edited_remotely(client, google_emulator, count=2)
    (stale_patch, etag_p), (stale_delete, etag_d) = stale.items()
    ops = [
        WriteOp(
            "fresh-patch",
            "patch",
            fresh[0].event_id,
            {"summary": "mine"},
            etag=created[fresh[0].key].event["etag"],
        ),
        WriteOp(
            "fresh-delete",
            "delete",
            fresh[1].event_id,
            etag=created[fresh[1].key].event["etag"],
        ),
        WriteOp("stale-patch", "patch", stale_patch, {"summary": "mine"}, etag=etag_p),
        WriteOp("stale-delete", "delete", stale_delete, etag=etag_d),
    ]
    sent = len(google_emulator.api_requests())
    results = client.write(ops)
    assert len(google_emulator.api_requests()) == sent + 1  # one batch, no retry
    assert [(k, r.ok, r.precondition_failed) for k, r in results.items()] == [
        ("fresh-patch", True, False),
        ("fresh-delete", True, False),
        ("stale-patch", False, True),
        ("stale-delete", False, True),
    ]
    summaries = {e["id"]: e["summary"] for e in google_emulator.events(ACCOUNT)}
    assert summaries == {
        fresh[0].event_id: "mine",
        stale_patch: "remote edit",
        stale_delete: "remote edit",
    }


def test_if_match_goes_only_on_patch_update_and_delete():
    etag = '"3181161784712000"'
    conditions = {
        action: WriteOp("k", action, "abc123", {}, etag=etag).condition
        for action in ("insert", "patch", "update", "delete")
    }
    assert conditions == {
        "insert": None,
        "patch": etag,
        "update": etag,
        "delete": etag,
    }
    assert WriteOp("k", "patch", "abc123", {}, if_match=etag).condition == etag
    assert WriteOp("k", "patch", "abc123", {}).condition is None


def test_etag_and_if_match_must_agree(make_google_client):
    client = make_google_client()
    op = WriteOp("p", "patch", "abc123", {}, if_match='"1"', etag='"2"')
    with pytest.raises(ValueError):
        client.write([op])


def test_send_updates_is_passed_per_write(make_google_client, google_emulator):
    client = make_google_client()
    op = inserts(1)[0]
    op.send_updates = "all"
    client.write([op])
    assert [r["sendUpdates"] for r in google_emulator.requests if r["batch"]] == ["all"]


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


# --------------------------------------------------------------- sleep budget
def test_retry_budget_gives_up_on_a_retry_after_longer_than_what_is_left():
    budget = RetryBudget(max_sleep=5, max_single_sleep=3)
    with budget.call():
        assert budget.delay(2, backoff=1) == 2
        assert budget.delay(3, backoff=1) == 3
        assert budget.delay(1, backoff=1) is None  # nothing is left
    with budget.call():  # the next call starts full
        assert budget.delay(4, backoff=1) is None  # longer than one sleep
        assert budget.delay(None, backoff=8) == 3  # a backoff is shortened
        assert budget.delay(None, backoff=8) == 2
        assert budget.delay(None, backoff=8) is None


def test_nested_calls_share_the_outer_call_s_budget():
    budget = RetryBudget(max_sleep=5, max_single_sleep=3)
    with budget.call():
        assert budget.delay(3, backoff=1) == 3
        with budget.call():
            assert budget.delay(3, backoff=1) is None
            assert budget.delay(2, backoff=1) == 2


def test_retry_after_longer_than_the_budget_gives_up_without_sleeping(
    make_google_client, google_emulator
):
    google_emulator.inject(method="GET", status=429, retry_after=30, times=9)
    client = make_google_client()
    with pytest.raises(RateLimited) as info:
        client.get_primary_calendar()
    error = info.value
    assert (error.status, error.retryable, error.retry_after) == (429, True, 30.0)
    assert error.provider == "google"
    assert client.sleeps == [] and client.request_count == 1


def test_retry_after_within_the_budget_is_waited_exactly(
    make_google_client, google_emulator
):
    google_emulator.inject(method="GET", status=429, retry_after=2, times=2)
    client = make_google_client()
    assert client.get_primary_calendar()["id"] == ACCOUNT
    assert client.sleeps == [2.0, 2.0]


def test_a_call_sleeps_five_seconds_at_most_and_three_at_a_time(
    make_google_client, google_emulator
):
    google_emulator.inject(method="GET", status=503, times=99)
    client = make_google_client(max_retries=10)
    with pytest.raises(RemoteError) as info:
        client.list_events()
    assert sum(client.sleeps) <= 5 and max(client.sleeps) <= 3
    assert len(client.sleeps) >= 2 and client.request_count == len(client.sleeps) + 1
    assert (info.value.retryable, info.value.retry_after) == (True, None)


def test_max_sleep_zero_never_sleeps(make_google_client, google_emulator):
    google_emulator.inject(method="GET", status=503, times=1)
    client = make_google_client(max_sleep=0)
    with pytest.raises(RemoteError) as info:
        client.get_primary_calendar()
    assert client.sleeps == [] and info.value.retryable


def test_each_call_starts_with_a_full_budget(make_google_client, google_emulator):
    client = make_google_client()
    for _call in range(2):
        google_emulator.inject(method="GET", status=429, retry_after=2, times=2)
        assert client.get_primary_calendar()["id"] == ACCOUNT
    assert client.sleeps == [2.0] * 4


def test_write_items_throttled_beyond_the_budget_fail_as_retryable_with_retry_after(
    make_google_client, google_emulator
):
    client = make_google_client()
    google_emulator.inject(
        method="POST", status=429, retry_after=60, times=99, in_batch=True
    )
    ops = inserts(3)
    results = client.write(ops)
    assert [(r.ok, r.status, r.retryable, r.retry_after) for r in results.values()] == [
        (False, 429, True, 60.0)
    ] * 3
    assert client.sleeps == [] and client.request_count == 1
    assert google_emulator.events(ACCOUNT) == []


def test_write_retry_rounds_share_one_budget(make_google_client, google_emulator):
    client = make_google_client(max_retries=10)
    google_emulator.inject(
        method="POST", status=429, retry_after=2, times=99, in_batch=True
    )
    [result] = client.write(inserts(1)).values()
    assert client.sleeps == [2.0, 2.0] and client.request_count == 3
    assert (result.ok, result.retryable, result.retry_after) == (False, True, 2.0)


def test_a_refused_write_is_not_retryable(make_google_client):
    client = make_google_client()
    result = client.write([WriteOp("bad", "patch", "unknown123", {"summary": "x"})])
    assert (result["bad"].status, result["bad"].retryable) == (404, False)
    assert result["bad"].retry_after is None
