"""Helpers of the Graph emulator's tests (tests_pure/test_graph_emulator_*.py):
raw Graph calls with a bearer token (no client code involved), event bodies,
the items of delta pages and the claims of a JWT.
"""

from __future__ import annotations

import base64
import json

GRAPH = "https://graph.microsoft.com/v1.0"


WINDOW = {
    "startDateTime": "2024-01-01T00:00:00Z",
    "endDateTime": "2025-01-01T00:00:00Z",
}


class Api:
    """Raw Graph calls with a bearer token (no client code involved)."""

    def __init__(self, session, token):
        self.session, self.token = session, token

    def call(self, method, path, headers=None, **kwargs):
        url = path if path.startswith("http") else GRAPH + path
        all_headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.session.request(method, url, headers=all_headers, **kwargs)

    def create(self, body, **kwargs):
        response = self.call("POST", "/me/events", json=body, **kwargs)
        assert response.status_code == 201, response.text
        return response.json()

    def delta_round(self, link=None, page_size=50, prefer=""):
        headers = {"Prefer": f"odata.maxpagesize={page_size}{prefer}"}
        url = link or "/me/calendarView/delta"
        params = None if link else WINDOW
        pages = []
        while True:
            page = self.call("GET", url, headers=headers, params=params).json()
            pages.append(page)
            if "@odata.nextLink" not in page:
                return pages
            url, params = page["@odata.nextLink"], None


def timed(subject, start, end, tz="UTC", **extra):
    return {
        "subject": subject,
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        **extra,
    }


def weekly(subject="Weekly", count=5, start="2024-03-04T09:00:00", tz="UTC"):
    day = start[:10]
    end = start[:11] + "10:00:00"
    recurrence = {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
        "range": {"type": "numbered", "startDate": day, "numberOfOccurrences": count},
    }
    return timed(subject, start, end, tz, recurrence=recurrence)


def items_of(pages):
    return [item for page in pages for item in page["value"]]


def claims_of(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
