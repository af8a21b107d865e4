"""Helpers of the Google client's tests (tests_pure/test_google_client_*.py): the
account, an event body and batches of inserts.
"""

from __future__ import annotations

from services.google_client import WriteOp, new_event_id

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
