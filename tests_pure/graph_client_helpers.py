"""Helpers of the Graph client's tests (tests_pure/test_graph_client_*.py): event
bodies and the calendarView window the listings use.
"""

from __future__ import annotations

from datetime import datetime

START, END = datetime(2024, 1, 1), datetime(2025, 1, 1)


def timed(subject, day="2024-07-01", tz="UTC"):
    return {
        "subject": subject,
        "start": {"dateTime": f"{day}T09:00:00", "timeZone": tz},
        "end": {"dateTime": f"{day}T10:00:00", "timeZone": tz},
    }


def weekly(subject="Weekly", count=5, day="2024-03-04"):
    return {
        **timed(subject, day),
        "recurrence": {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
            "range": {
                "type": "numbered",
                "startDate": day,
                "numberOfOccurrences": count,
            },
        },
    }
