"""The Graph emulator behaves like Graph v1.0: ``$batch`` requests and injected
faults.

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from graph_emulator_helpers import GRAPH, timed

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


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
