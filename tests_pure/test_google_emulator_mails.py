# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google emulator: the mails Google sends for API writes (``emu.mails``)."""

from __future__ import annotations

import json

MEETING = {
    "summary": "Review",
    "start": {"dateTime": "2024-01-15T10:00:00", "timeZone": "Europe/Brussels"},
    "end": {"dateTime": "2024-01-15T11:00:00", "timeZone": "Europe/Brussels"},
    "attendees": [{"email": "alice@example.com"}, {"email": "erin@example.com"}],
}


def write(emu, account, method, path, body=None):
    token = emu.issue_tokens(account)["access_token"]
    response = emu.handle(
        method,
        "/calendar/v3/calendars/primary/events" + path,
        {"authorization": "Bearer " + token, "content-type": "application/json"},
        json.dumps(body).encode() if body is not None else b"",
        False,
    )
    assert response.status in (200, 204), response.body
    return response.body


def test_writes_mail_the_guests_only_with_send_updates(google_emulator):
    emu = google_emulator
    quiet = write(emu, "alice@example.com", "POST", "?sendUpdates=none", MEETING)
    write(emu, "alice@example.com", "PATCH", f"/{quiet['id']}", {"summary": "R2"})
    assert emu.mails == []
    loud = write(emu, "alice@example.com", "POST", "?sendUpdates=all", MEETING)
    write(
        emu,
        "alice@example.com",
        "PATCH",
        f"/{loud['id']}?sendUpdates=all",
        {"attendees": [{"email": "alice@example.com"}, {"email": "bob@example.com"}]},
    )
    write(emu, "alice@example.com", "DELETE", f"/{loud['id']}?sendUpdates=all")
    assert [(m["action"], m["recipients"]) for m in emu.mails] == [
        ("invite", ["erin@example.com"]),
        ("invite", ["bob@example.com"]),
        ("cancel", ["erin@example.com"]),
        ("cancel", ["bob@example.com"]),
    ]
