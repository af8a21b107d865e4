"""GraphCalendarClient and the MSAL helpers, against the Graph emulator: next and delta
links are followed only under the configured Graph root.

Real ``msal`` and ``requests`` over loopback; the real https origins are rewritten
to the emulator by ``RewritingSession``.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from graph_client_helpers import END, START, timed, weekly

from emulators.graph_emulator import GraphEmulator
from services.exceptions import (
    UntrustedLink,
)
from services.graph_client import (
    GraphCalendarClient,
    RewritingSession,
)

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


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
