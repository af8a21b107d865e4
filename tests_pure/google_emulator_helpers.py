"""Helpers of the Google emulator's tests (tests_pure/test_google_emulator_*.py):
a Calendar service of the real client library on the emulator, raw API calls
with ``requests``, seeded events and the bodies of a timed and a weekly event.
"""

from __future__ import annotations

import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from emulators.google_emulator import GoogleEmulator

TIMED = {
    "start": {"dateTime": "2024-01-15T10:00:00+01:00", "timeZone": "Europe/Brussels"},
    "end": {"dateTime": "2024-01-15T11:00:00+01:00", "timeZone": "Europe/Brussels"},
}


WEEKLY = {
    **TIMED,
    "summary": "Weekly",
    "recurrence": [
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5",
        "EXDATE;TZID=Europe/Brussels:20240122T100000",
    ],
}


def service(emu: GoogleEmulator, token: str | None = None, **creds):
    if token is not None:
        credentials = Credentials(token=token)
    else:
        credentials = Credentials(token=None, **creds)
    return build(
        "calendar",
        "v3",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": emu.api_root + "calendar/v3/"},
    )


def api(emu, token, method, path, **kwargs):
    headers = kwargs.pop("headers", {})
    headers["Authorization"] = f"Bearer {token}"
    return requests.request(
        method, emu.base_url + path, headers=headers, timeout=10, **kwargs
    )


# ---------------------------------------------------------------------- lists


def seed(emu, count, account="user@example.com", **extra):
    return [
        emu.add_event(account, {**TIMED, "summary": f"e{i}", **extra})
        for i in range(count)
    ]
