"""Google Calendar client: the writes, through the batch endpoint
===============================================================

Part of the Google client (:class:`.google_client.GoogleCalendarClient` mixes
:class:`GoogleWritesMixin` in): inserts, patches, updates and deletes sent in
batches of ``batch_size``, only the retryable failures re-sent, conditional
writes carrying ``If-Match``, an insert answered 409 ``duplicate`` reconciled
by reading the existing event. See :mod:`.google_client` for the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .exceptions import within_budget
from .google_results import (
    TRANSPORT_ERRORS,
    WRITE_ACTIONS,
    BatchHttpRequest,
    HttpError,
    RefreshError,
    WriteOp,
    WriteResult,
    _auth_error,
    _Outcome,
    _outcome_from_http_error,
)


class GoogleWritesMixin:
    """The write half of :class:`.google_client.GoogleCalendarClient` (its
    ``_events``, ``calendar_id``, ``batch_uri``, ``batch_size``, ``_authed``
    and ``_wait``)."""

    def _build(self, op: WriteOp):
        events = self._events
        common = {"calendarId": self.calendar_id}
        if op.action != "get":
            common["sendUpdates"] = op.send_updates or "none"
        if op.action == "insert":
            body = dict(op.body or {})
            body["id"] = op.event_id
            request = events.insert(body=body, conferenceDataVersion=1, **common)
        elif op.action in ("patch", "update"):
            method = events.patch if op.action == "patch" else events.update
            request = method(
                eventId=op.event_id,
                body=op.body or {},
                conferenceDataVersion=1,
                **common,
            )
        elif op.action == "delete":
            request = events.delete(eventId=op.event_id, **common)
        elif op.action == "get":
            request = events.get(eventId=op.event_id, **common)
        else:
            raise ValueError(f"unknown write action {op.action!r}")
        if op.condition:
            request.headers["If-Match"] = op.condition
        return request

    def _send_batch(self, ops: list[WriteOp]) -> list[_Outcome]:
        """One batch HTTP request; an outcome per op (whole-batch failures copied)."""
        answers: dict[str, _Outcome] = {}

        def callback(request_id, response, exception):
            if exception is None:
                status = 204 if response in ("", None) else 200
                answers[request_id] = _Outcome(status, response)
            elif isinstance(exception, HttpError):
                answers[request_id] = _outcome_from_http_error(exception)
            else:
                answers[request_id] = _Outcome(0, None, "error", str(exception))

        batch = BatchHttpRequest(callback=callback, batch_uri=self.batch_uri)
        for index, op in enumerate(ops):
            batch.add(self._build(op), request_id=str(index))
        try:
            batch.execute(http=self._authed)
        except HttpError as exc:
            failure = _outcome_from_http_error(exc)
            return [failure] * len(ops)
        except RefreshError as exc:
            raise _auth_error(exc) from exc
        except TRANSPORT_ERRORS as exc:
            failure = _Outcome(
                0, None, "transportError", str(exc) or type(exc).__name__
            )
            return [failure] * len(ops)
        missing = _Outcome(0, None, "missingResponse", "no answer in the batch")
        return [answers.get(str(i), missing) for i in range(len(ops))]

    def _run(self, ops: list[WriteOp]) -> dict[Any, _Outcome]:
        """Send ops in batches, re-sending only retryable failures."""
        final: dict[Any, _Outcome] = {}
        pending = list(ops)
        attempt = 0
        while pending:
            retry: list[tuple[WriteOp, _Outcome]] = []
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start : start + self.batch_size]
                for op, outcome in zip(chunk, self._send_batch(chunk), strict=True):
                    final[op.key] = outcome
                    if outcome.retryable:
                        retry.append((op, outcome))
            hints = [o.retry_after for _, o in retry if o.retry_after is not None]
            if not retry or not self._wait(attempt, max(hints, default=None)):
                break
            attempt += 1
            pending = [op for op, _ in retry]
        return final

    # not an Odoo model: pylint-odoo's rule for write() does not apply
    @within_budget
    def write(  # pylint: disable=method-required-super
        self, ops: Iterable[WriteOp]
    ) -> dict[Any, WriteResult]:
        """Execute inserts/patches/updates/deletes through the batch endpoint.

        Returns ``{op.key: WriteResult}``. Never raises for a single item's failure
        (only :class:`AuthorizationError` when the account is no longer authorized):
        an item still throttled or unavailable when the retries or the sleep
        budget run out fails with ``retryable=True`` (and ``retry_after``).
        """
        ops = list(ops)
        for op in ops:
            if op.action not in WRITE_ACTIONS:
                raise ValueError(f"unknown write action {op.action!r}")
            if op.etag and op.if_match and op.etag != op.if_match:
                raise ValueError("WriteOp etag and if_match disagree")
        if len({op.key for op in ops}) != len(ops):
            raise ValueError("WriteOp keys must be unique")
        outcomes = self._run(ops)
        results = {op.key: self._result(op, outcomes[op.key]) for op in ops}
        duplicates = [
            op for op in ops if op.action == "insert" and outcomes[op.key].status == 409
        ]
        if duplicates:
            results.update(self._reconcile(duplicates))
        return results

    @staticmethod
    def _result(op: WriteOp, outcome: _Outcome) -> WriteResult:
        if outcome.ok:
            event = outcome.body if isinstance(outcome.body, dict) else None
            return WriteResult(True, event, outcome.status)
        if op.action == "delete" and outcome.status in (404, 410):
            return WriteResult(
                True, None, outcome.status, outcome.reason, outcome.message
            )
        return WriteResult(
            False,
            None,
            outcome.status,
            outcome.reason,
            outcome.message,
            retryable=outcome.retryable,
            retry_after=outcome.retry_after,
        )

    def _reconcile(self, inserts: list[WriteOp]) -> dict[Any, WriteResult]:
        """An insert answered 409: the event exists already (a lost response)."""
        gets = [WriteOp(op.key, "get", op.event_id) for op in inserts]
        outcomes = self._run(gets)
        results = {}
        for op in inserts:
            outcome = outcomes[op.key]
            event = outcome.body if outcome.ok else None
            if event is not None and event.get("status") != "cancelled":
                results[op.key] = WriteResult(True, event, 200, reconciled=True)
            else:
                message = (
                    "The id exists already but the event is deleted or unreadable."
                )
                results[op.key] = WriteResult(
                    False,
                    event,
                    409,
                    "duplicate",
                    message,
                    # unreadable for now (throttled): the next run reads it again
                    retryable=outcome.retryable,
                    retry_after=outcome.retry_after,
                )
        return results
