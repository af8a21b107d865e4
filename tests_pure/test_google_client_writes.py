"""GoogleCalendarClient against the Google emulator: writes through the batch
endpoint (retries of the failed items, reconciled inserts, conditional writes).
"""

from __future__ import annotations

import pytest
from google_client_helpers import ACCOUNT, TIMED, inserts

from services.google_client import WriteOp


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
