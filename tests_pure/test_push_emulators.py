"""The emulators' push notifications: Google channels and Graph subscriptions
deliver real HTTP to a subscriber, with the providers' headers, bodies and
handshake (a small local server plays the subscriber)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from emulators.google_emulator import GoogleEmulator
from emulators.graph_emulator import GraphEmulator
from services.graph_auth import RewritingSession


class Subscriber:
    """Records every POST; echoes Graph's validationToken when ``echo``."""

    def __init__(self):
        self.received: list[dict] = []
        self.echo = True
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                query = parse_qs(urlsplit(self.path).query)
                subscriber.received.append(
                    {
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "query": query,
                    }
                )
                token = query.get("validationToken", [None])[0]
                answer = token.encode() if token and subscriber.echo else b""
                self.send_response(200 if token is None or subscriber.echo else 400)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def subscriber():
    sub = Subscriber()
    yield sub
    sub.close()


@pytest.fixture
def google():
    with GoogleEmulator(default_account="alice@example.com") as emu:
        yield emu


@pytest.fixture
def graph():
    emu = GraphEmulator(default_account="alice@example.com")
    emu.start()
    emu.subscription_require_https = False
    yield emu
    emu.stop()


def _google_call(emu, token, method, path, body=None):
    return requests.request(
        method,
        emu.base_url + path,
        headers={"Authorization": f"Bearer {token}"},
        json=body,
        timeout=10,
    )


def test_google_watch_sends_sync_then_exists_with_the_channel_token(google, subscriber):
    token = google.issue_tokens("alice@example.com")["access_token"]
    answer = _google_call(
        google,
        token,
        "POST",
        "/calendar/v3/calendars/primary/events/watch",
        {"id": "chan-1", "type": "web_hook", "address": subscriber.url, "token": "s"},
    )
    assert answer.status_code == 200
    channel = answer.json()
    assert channel["kind"] == "api#channel" and channel["resourceId"]
    assert int(channel["expiration"]) > 0
    google.add_event(
        "alice@example.com",
        {
            "summary": "x",
            "start": {"dateTime": "2030-03-04T09:00:00Z"},
            "end": {"dateTime": "2030-03-04T10:00:00Z"},
        },
    )
    google.push.flush()
    states = [r["headers"]["x-goog-resource-state"] for r in subscriber.received]
    assert states == ["sync", "exists"]
    first, second = subscriber.received
    assert first["headers"]["x-goog-channel-token"] == "s"
    assert first["headers"]["x-goog-message-number"] == "1"
    assert int(second["headers"]["x-goog-message-number"]) > 1
    assert second["body"] == b""
    assert second["headers"]["x-goog-resource-id"] == channel["resourceId"]


def test_google_stopped_channel_sends_nothing_more(google, subscriber):
    token = google.issue_tokens("alice@example.com")["access_token"]
    channel = _google_call(
        google,
        token,
        "POST",
        "/calendar/v3/calendars/primary/events/watch",
        {"id": "chan-2", "type": "web_hook", "address": subscriber.url},
    ).json()
    stop = {"id": "chan-2", "resourceId": channel["resourceId"]}
    path = "/calendar/v3/channels/stop"
    assert _google_call(google, token, "POST", path, stop).status_code == 204
    assert _google_call(google, token, "POST", path, stop).status_code == 404
    google.push.flush()
    google.add_event("alice@example.com", {"summary": "y", **_google_times()})
    google.push.flush()
    assert len(subscriber.received) == 1  # the sync message only


def _google_times():
    return {
        "start": {"dateTime": "2030-03-04T09:00:00Z"},
        "end": {"dateTime": "2030-03-04T10:00:00Z"},
    }


def _graph_session(graph):
    session = RewritingSession(graph.url_mapping)
    token = graph.issue_tokens("alice@example.com")["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _subscription(url, minutes=60):
    expiry = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return {
        "changeType": "created,updated,deleted",
        "notificationUrl": url,
        "resource": "me/events",
        "expirationDateTime": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clientState": "secret",
    }


GRAPH = "https://graph.microsoft.com/v1.0"


def test_graph_subscription_is_validated_then_notifies_changes(graph, subscriber):
    session = _graph_session(graph)
    answer = session.post(
        GRAPH + "/subscriptions", json=_subscription(subscriber.url), timeout=10
    )
    assert answer.status_code == 201, answer.text
    sid = answer.json()["id"]
    validation = subscriber.received[0]
    assert validation["query"]["validationToken"]
    assert validation["headers"]["content-type"].startswith("text/plain")
    session.post(
        GRAPH + "/me/events",
        json={
            "subject": "z",
            "start": {"dateTime": "2030-03-04T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2030-03-04T10:00:00", "timeZone": "UTC"},
        },
        timeout=10,
    )
    graph.push.flush()
    item = json.loads(subscriber.received[1]["body"])["value"][0]
    assert item["subscriptionId"] == sid
    assert item["clientState"] == "secret"
    assert item["changeType"] == "created"
    assert item["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"
    assert (
        session.delete(GRAPH + f"/subscriptions/{sid}", timeout=10).status_code == 204
    )


def _subscribe(graph, url, minutes=60):
    return _graph_session(graph).post(
        GRAPH + "/subscriptions", json=_subscription(url, minutes), timeout=10
    )


def test_graph_subscription_fails_when_the_handshake_is_not_echoed(graph, subscriber):
    subscriber.echo = False
    assert _subscribe(graph, subscriber.url).status_code == 400
    assert not graph.subscriptions


def test_graph_subscription_longer_than_the_maximum_is_refused(graph, subscriber):
    answer = _subscribe(graph, subscriber.url, minutes=10080 + 60)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ExtensionError"


def test_graph_subscription_requires_https_by_default(graph, subscriber):
    graph.subscription_require_https = True
    assert _subscribe(graph, subscriber.url).status_code == 400
    assert not subscriber.received
