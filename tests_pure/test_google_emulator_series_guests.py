# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google emulator: a guest change of a whole series reaches its exceptions."""

from __future__ import annotations

SERIES = {
    "summary": "Weekly",
    "start": {"dateTime": "2024-01-15T10:00:00", "timeZone": "Europe/Brussels"},
    "end": {"dateTime": "2024-01-15T11:00:00", "timeZone": "Europe/Brussels"},
    "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
    "attendees": [
        {"email": "olga@example.com", "responseStatus": "accepted"},
        {"email": "erin@example.com", "responseStatus": "declined"},
    ],
}


def series_with_a_renamed_occurrence(emu):
    """Olga's series, its second occurrence renamed: (master, exception id)."""
    master = emu.add_event("olga@example.com", SERIES)
    renamed = master["id"] + "_20240122T090000Z"
    emu.update_event("olga@example.com", renamed, {"summary": "Once"})
    return master, renamed


def test_a_guest_added_to_a_series_is_added_to_its_modified_occurrences(
    google_emulator,
):
    google_emulator.add_account("alice@example.com")
    master, renamed = series_with_a_renamed_occurrence(google_emulator)
    google_emulator.update_event(
        "olga@example.com",
        master["id"],
        {"attendees": [*SERIES["attendees"], {"email": "alice@example.com"}]},
    )
    exception = google_emulator.get_event("olga@example.com", renamed)
    answers = {a["email"]: a.get("responseStatus") for a in exception["attendees"]}
    # the new guest is invited, the others keep their answers
    assert answers == {
        "olga@example.com": "accepted",
        "erin@example.com": "declined",
        "alice@example.com": "needsAction",
    }
    # and the guest's calendar shows the modified occurrence
    assert "Once" in [
        e.get("summary") for e in google_emulator.events("alice@example.com")
    ]


def test_a_guest_removed_from_a_series_leaves_its_modified_occurrences(
    google_emulator,
):
    google_emulator.add_account("erin@example.com")
    master, renamed = series_with_a_renamed_occurrence(google_emulator)
    google_emulator.update_event(
        "olga@example.com", master["id"], {"attendees": SERIES["attendees"][:1]}
    )
    exception = google_emulator.get_event("olga@example.com", renamed)
    assert [a["email"] for a in exception["attendees"]] == ["olga@example.com"]
    assert google_emulator.events("erin@example.com") == []


def test_a_guest_added_to_a_series_gets_its_deleted_occurrences_as_deleted(
    google_emulator,
):
    # as the guest's instances: the series listed without its cancelled
    # exception would bring the deleted occurrence back to its clients
    google_emulator.add_account("alice@example.com")
    master = google_emulator.add_event("olga@example.com", SERIES)
    deleted = master["id"] + "_20240115T090000Z"
    google_emulator.delete_event("olga@example.com", deleted)
    google_emulator.update_event(
        "olga@example.com",
        master["id"],
        {"attendees": [*SERIES["attendees"], {"email": "alice@example.com"}]},
    )
    listed = google_emulator.events("alice@example.com", include_cancelled=True)
    assert {e["id"]: e["status"] for e in listed} == {
        master["id"]: "confirmed",
        deleted: "cancelled",
    }
