"""GraphCalendarClient and the MSAL helpers, against the Graph emulator: delta listings,
$batch requests and the instances of series (per series, one failure not
stopping the others).

Real ``msal`` and ``requests`` over loopback; the real https origins are rewritten
to the emulator by ``RewritingSession``.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from graph_client_helpers import END, START, timed, weekly

from services.exceptions import (
    InstancesFailed,
    InvalidSyncToken,
    RateLimited,
)
from services.graph_client import (
    DELTA_PAGE_SIZE,
)

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


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


def test_delta_stops_after_max_items_and_goes_on_from_its_next_link(
    graph_emulator, make_graph_client
):
    for n in range(1, 8):
        graph_emulator.add_event("alice@contoso.com", timed(f"E{n}", f"2024-07-0{n}"))
    client = make_graph_client()
    first = client.delta(start=START, end=END, max_items=3)
    assert len(first.items) == 3 and first.delta_link is None
    assert "odata.maxpagesize=3" in graph_emulator.requests[-1].headers["prefer"]
    rest = client.delta(next_link=first.next_link)
    assert "$deltatoken=" in rest.delta_link and rest.next_link is None
    subjects = sorted(i["subject"] for i in first.items + rest.items)
    assert subjects == [f"E{n}" for n in range(1, 8)]


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
