"""GraphCalendarClient and the MSAL helpers, against the Graph emulator: throttled
requests within the sleep budget, and conditional writes (If-Match).

Real ``msal`` and ``requests`` over loopback; the real https origins are rewritten
to the emulator by ``RewritingSession``.
"""

from __future__ import annotations

import pytest
from graph_client_helpers import END, START, timed

from services.exceptions import (
    RateLimited,
    RemoteError,
)

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


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
