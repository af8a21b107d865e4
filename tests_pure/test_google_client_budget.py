"""GoogleCalendarClient against the Google emulator: one call sleeps within its
budget (Retry-After, backoff, nested calls, write retry rounds).
"""

from __future__ import annotations

import pytest
from google_client_helpers import ACCOUNT, inserts

from services.exceptions import (
    RateLimited,
    RemoteError,
    RetryBudget,
)
from services.google_client import WriteOp


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
