"""Delivery of the emulators' push notifications (test infrastructure)
=====================================================================

Google and Graph POST their notifications to the subscriber's address from
their own servers, never inside the API request that caused the change. An
:class:`Outbox` does the same for the emulators: every notification is sent by
a background thread, so the Odoo request that changed an event never waits for
(and never deadlocks with) the webhook call it causes.

Public API::

    outbox = Outbox(timeout=10)
    outbox.hold = True            # queue instead of sending (tests decide when)
    outbox.post(url, headers, body)   # sent in the background (or queued)
    outbox.flush(timeout=30)      # send what is queued, wait for every delivery
    outbox.delivered              # dicts: url, headers, body, status (0: failed)
    outbox.call(url, headers, body, method="POST") -> (status, headers, body)
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request


class Outbox:
    """Notifications waiting for, or already given to, a sender thread."""

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout
        self.hold = False
        self.lock = threading.Lock()
        self.queued: list[dict] = []
        self.delivered: list[dict] = []
        self._threads: list[threading.Thread] = []

    def post(self, url: str, headers: dict, body: bytes = b"") -> None:
        message = {"url": url, "headers": dict(headers), "body": body}
        with self.lock:
            if self.hold:
                self.queued.append(message)
                return
        self._send_later([message])

    def flush(self, timeout: float = 30.0) -> list[dict]:
        """Send the queued notifications and wait until every sender thread
        (queued or not) is done; returns what was delivered meanwhile."""
        with self.lock:
            messages, self.queued = self.queued, []
            before = len(self.delivered)
        if messages:
            self._send_later(messages)
        with self.lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        with self.lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            return self.delivered[before:]

    def _send_later(self, messages: list[dict]) -> None:
        with self.lock:
            # in the order they were posted, as the providers number them
            # (Google's "sync" message comes first): after the sender before
            previous = self._threads[-1] if self._threads else None
            thread = threading.Thread(
                target=self._deliver,
                args=(messages, previous),
                name="emulator-push",
                daemon=True,
            )
            self._threads.append(thread)
        thread.start()

    def _deliver(self, messages: list[dict], previous=None) -> None:
        if previous is not None:
            previous.join(self.timeout * 3)
        for message in messages:
            status, _headers, _body = self.call(
                message["url"], message["headers"], message["body"]
            )
            with self.lock:
                self.delivered.append({**message, "status": status})

    def call(
        self, url: str, headers: dict, body: bytes = b"", method: str = "POST"
    ) -> tuple[int, dict, bytes]:
        """One HTTP call to the subscriber: ``(status, headers, body)``;
        status 0 when it could not be reached."""
        request = urllib.request.Request(url, data=body, method=method)
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers or {}), exc.read() or b""
        except OSError:
            return 0, {}, b""
