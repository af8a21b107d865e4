"""Neutral events from a provider are cleaned before Odoo stores them.

Each test is an attack (or a broken payload) as a forged remote event would
carry it, and checks that the cleaned copy is harmless and the warning says so.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from neutral_strategies import neutral_events

from services.neutral_event import normalize_attendees
from services.neutral_event import normalize_email as neutral_normalize_email
from services.sanitize import (
    MAX_ALARM_MINUTES,
    MAX_LENGTHS,
    is_valid_email,
    normalize_email,
    sanitize_neutral,
)

CAROL = {"email": "carol@example.com", "name": "Carol", "state": "accepted"}


def attendees_of(*attendees):
    cleaned, warnings = sanitize_neutral({"attendees": list(attendees)})
    return cleaned["attendees"], warnings


def emails_of(attendees):
    return [attendee["email"] for attendee in attendees]


# ----------------------------------------------------------------- e-mails
@pytest.mark.parametrize(
    "value, expected",
    [
        ("  Carol@Example.COM ", "carol@example.com"),
        ('"Carol" <Carol@Example.com>', "carol@example.com"),
        ("Carol Smith <carol@example.com>", "carol@example.com"),
        ('"Smith, Carol" <carol@example.com>', "carol@example.com"),
        ("<carol@example.com>", "carol@example.com"),
        ("carol@example.com\r\n", "carol@example.com"),
        ("", ""),
        (None, ""),
        (42, ""),
    ],
)
def test_normalize_email_gives_the_bare_lower_case_address(value, expected):
    assert normalize_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "carol@example.com\r\nBcc: eve@evil.test",
        "carol@example.com\nX-Header: 1",
        '"Carol\r\nBcc: eve@evil.test" <carol@example.com>',
        "carol\x00@example.com",
    ],
)
def test_normalize_email_of_a_value_with_line_breaks_or_controls_is_empty(value):
    assert normalize_email(value) == ""


def test_neutral_event_normalize_email_is_the_same_function():
    # the mappers and models compare attendees with the same rule
    assert neutral_normalize_email('"Carol" <Carol@X.org>') == "carol@x.org"
    assert neutral_normalize_email("a@x.org\r\nBcc: b@y.org") == ""


@pytest.mark.parametrize(
    "address",
    [
        "carol",
        "carol@",
        "@example.com",
        "carol smith@example.com",
        "carol@example.com, eve@evil.test",
        "carol@example.com;eve@evil.test",
        "carol@@example.com",
        "carol@.example.com",
        "carol@example..com",
        "carol@example.com.",
        "carol\u202e@example.com",
        "x" * 250 + "@example.com",
    ],
)
def test_invalid_address_is_not_valid(address):
    assert not is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    ["carol@example.com", "carol.smith+odoo@mail.example.co.uk", "josé@exämple.de"],
)
def test_ordinary_address_is_valid(address):
    assert is_valid_email(address)


# --------------------------------------------------------------- attendees
def test_attendee_email_with_crlf_is_dropped_and_reported():
    attendees, warnings = attendees_of(
        CAROL,
        {"email": "bob@example.com\r\nBcc: eve@evil.test", "name": "Bob"},
    )
    assert emails_of(attendees) == ["carol@example.com"]
    assert len(warnings) == 1
    # named, with the line break shown escaped (a warning is one log line)
    assert r'"bob@example.com\r\nBcc: eve@evil.test"' in warnings[0]
    assert "not a valid address" in warnings[0]
    assert "\r" not in warnings[0] and "\n" not in warnings[0]


@pytest.mark.parametrize(
    "email",
    ["bob", "bob at example.com", "bob smith@example.com", "a@x.org, b@y.org"],
)
def test_attendee_email_without_one_valid_address_is_dropped_and_reported(email):
    attendees, warnings = attendees_of(CAROL, {"email": email, "name": "Bob"})
    assert emails_of(attendees) == ["carol@example.com"]
    assert warnings == [
        f'The attendee e-mail "{email}" is not a valid address: dropped.'
    ]


def test_attendee_email_in_display_name_form_becomes_the_bare_address():
    attendees, warnings = attendees_of(
        {"email": '"Carol" <Carol@Example.com>', "name": "Carol", "state": "accepted"}
    )
    assert attendees == [CAROL]
    assert warnings == []


def test_attendee_email_is_lower_cased_and_stripped_without_warning():
    attendees, warnings = attendees_of({**CAROL, "email": "  CAROL@example.COM "})
    assert attendees == [CAROL]
    assert warnings == []


def test_duplicate_attendees_are_merged_the_first_state_wins_a_name_fills_in():
    attendees, warnings = attendees_of(
        {"email": "carol@example.com", "name": "", "state": "accepted"},
        {"email": '"C" <CAROL@example.com>', "name": "Carol", "state": "declined"},
        {"email": "alice@example.com", "name": "Alice", "state": "tentative"},
    )
    assert attendees == [
        {"email": "alice@example.com", "name": "Alice", "state": "tentative"},
        CAROL,
    ]
    assert warnings == []


def test_attendee_with_unknown_state_is_kept_as_needs_action():
    attendees, _warnings = attendees_of({**CAROL, "state": "<script>"})
    assert attendees[0]["state"] == "needsAction"


def test_attendee_that_is_not_a_dict_is_dropped_and_reported():
    attendees, warnings = attendees_of(CAROL, "eve@evil.test")
    assert emails_of(attendees) == ["carol@example.com"]
    assert warnings == ['The attendee "eve@evil.test" is unreadable: dropped.']


def test_attendee_name_loses_controls_and_bidi_overrides_and_is_capped():
    spoof = "Bob\u202eeulav\u202c\x00\x1b[31m\u2066x\u2069" + "y" * 400
    attendees, warnings = attendees_of({**CAROL, "name": spoof})
    name = attendees[0]["name"]
    assert name == ("Bobeulav[31mx" + "y" * 400)[: MAX_LENGTHS["attendee_name"]]
    removed, cut = warnings
    assert removed == (
        "Invisible control characters were removed from the name of attendee "
        "carol@example.com."
    )
    assert cut == (
        "The name of attendee carol@example.com was cut to 256 characters (it had 413)."
    )


def test_invalid_organizer_email_is_cleared_and_reported():
    cleaned, warnings = sanitize_neutral({"organizer_email": "eve\n@evil.test"})
    assert cleaned["organizer_email"] == ""
    assert warnings == [
        'The organizer e-mail "eve\\n@evil.test" is not a valid address: dropped.'
    ]


def test_organizer_email_in_display_name_form_becomes_the_bare_address():
    cleaned, warnings = sanitize_neutral({"organizer_email": "Ann <Ann@X.org>"})
    assert cleaned["organizer_email"] == "ann@x.org"
    assert warnings == []


# ------------------------------------------------------------------- texts
@pytest.mark.parametrize("key, label", [("name", "title"), ("location", "location")])
def test_title_and_location_lose_c0_controls_and_bidi_marks(key, label):
    value = "Pay\u202ecod.exe\u202c \u2067invoice\u2069\x00\x07\x1b\x7f"
    cleaned, warnings = sanitize_neutral({key: value})
    assert cleaned[key] == "Paycod.exe invoice"
    assert warnings == [f"Invisible control characters were removed from the {label}."]


def test_title_line_breaks_and_tabs_become_one_space():
    cleaned, warnings = sanitize_neutral({"name": "Team\r\n\tmeeting"})
    assert cleaned["name"] == "Team meeting"
    assert warnings == []


def test_description_keeps_line_feeds_and_tabs_but_loses_other_controls():
    value = "<p>Agenda</p>\r\n\t1. budget\x0b\x00\u202e\rend"
    cleaned, warnings = sanitize_neutral({"description": value})
    assert cleaned["description"] == "<p>Agenda</p>\n\t1. budget\nend"
    assert warnings == [
        "Invisible control characters were removed from the description."
    ]


@pytest.mark.parametrize(
    "key, label",
    [("name", "title"), ("location", "location"), ("description", "description")],
)
def test_overlong_text_is_cut_to_its_limit_and_reported(key, label):
    limit = MAX_LENGTHS[key]
    cleaned, warnings = sanitize_neutral({key: "x" * (limit + 5)})
    assert cleaned[key] == "x" * limit
    assert warnings == [
        f"The {label} was cut to {limit:,} characters (it had {limit + 5:,})."
    ]


def test_text_at_its_limit_is_kept_whole():
    cleaned, warnings = sanitize_neutral({"name": "x" * MAX_LENGTHS["name"]})
    assert len(cleaned["name"]) == MAX_LENGTHS["name"]
    assert warnings == []


def test_missing_or_null_texts_become_empty_strings():
    cleaned, warnings = sanitize_neutral({"name": None, "location": False})
    assert cleaned == {"name": "", "location": ""}
    assert warnings == []


# -------------------------------------------------------------- video call
def test_videocall_url_is_kept():
    url = "https://meet.google.com/abc-defg-hij"
    assert sanitize_neutral({"videocall_location": url}) == (
        {"videocall_location": url},
        [],
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_videocall_url_that_would_run_a_script_is_cleared_and_reported(url):
    cleaned, warnings = sanitize_neutral({"videocall_location": url})
    assert cleaned["videocall_location"] == ""
    assert len(warnings) == 1 and "would run a script: cleared." in warnings[0]


def test_overlong_videocall_url_is_cleared_not_cut():
    url = "https://meet.example/" + "a" * MAX_LENGTHS["videocall_location"]
    cleaned, warnings = sanitize_neutral({"videocall_location": url})
    assert cleaned["videocall_location"] == ""
    assert warnings == [
        f"The video call link was longer than 2,048 characters ({len(url):,}): cleared."
    ]


def test_videocall_url_loses_controls_and_bidi_marks():
    cleaned, warnings = sanitize_neutral(
        {"videocall_location": "https://meet.example/\u202eabc\x00"}
    )
    assert cleaned["videocall_location"] == "https://meet.example/abc"
    assert warnings == [
        "Invisible control characters were removed from the video call link."
    ]


# ------------------------------------------------------------------ alarms
@pytest.mark.parametrize("minutes", [-1, MAX_ALARM_MINUTES + 1, 10**9])
def test_alarm_outside_zero_to_four_weeks_is_dropped_and_reported(minutes):
    cleaned, warnings = sanitize_neutral(
        {
            "alarms": [
                {"type": "email", "minutes": minutes},
                {"type": "notification", "minutes": 15},
            ]
        }
    )
    assert cleaned["alarms"] == [{"type": "notification", "minutes": 15}]
    assert len(warnings) == 1
    assert f"{minutes:,} minutes" in warnings[0] and "dropped" in warnings[0]


@pytest.mark.parametrize("minutes", [0, MAX_ALARM_MINUTES])
def test_alarm_at_the_bounds_is_kept(minutes):
    cleaned, warnings = sanitize_neutral(
        {"alarms": [{"type": "email", "minutes": minutes}]}
    )
    assert cleaned["alarms"] == [{"type": "email", "minutes": minutes}]
    assert warnings == []


@pytest.mark.parametrize("minutes", [30.0, "30", " 30 "])
def test_alarm_minutes_written_as_a_whole_float_or_text_are_read(minutes):
    cleaned, warnings = sanitize_neutral(
        {"alarms": [{"type": "email", "minutes": minutes}]}
    )
    assert cleaned["alarms"] == [{"type": "email", "minutes": 30}]
    assert warnings == []


@pytest.mark.parametrize(
    "alarm",
    [
        {"type": "sms", "minutes": 10},
        {"type": "email", "minutes": "soon"},
        {"type": "email", "minutes": 2.5},
        {"type": "email", "minutes": float("inf")},
        {"type": "email", "minutes": "1" * 5000},
        {"type": "email", "minutes": True},
        {"type": "email", "minutes": None},
        {"type": "email"},
        "10 minutes",
    ],
)
def test_unreadable_alarm_is_dropped_and_reported(alarm):
    cleaned, warnings = sanitize_neutral({"alarms": [alarm]})
    assert cleaned["alarms"] == []
    assert len(warnings) == 1 and "is unreadable: dropped." in warnings[0]


def test_alarms_are_deduplicated_and_sorted():
    cleaned, warnings = sanitize_neutral(
        {
            "alarms": [
                {"type": "email", "minutes": 60},
                {"type": "notification", "minutes": 10},
                {"type": "email", "minutes": 60},
            ]
        }
    )
    assert cleaned["alarms"] == [
        {"type": "notification", "minutes": 10},
        {"type": "email", "minutes": 60},
    ]
    assert warnings == []


# ------------------------------------------------------------- the whole event
def test_input_event_is_never_modified():
    event = {
        "name": "A\x00",
        "attendees": [{"email": "  BOB@x.org ", "name": "Bob\u202e"}],
        "alarms": [{"type": "email", "minutes": -5}],
        "remote_id": "abc",
    }
    before = copy.deepcopy(event)
    cleaned, _warnings = sanitize_neutral(event)
    assert event == before
    assert cleaned["remote_id"] == "abc"


def test_absent_keys_stay_absent():
    assert sanitize_neutral({"remote_id": "abc", "cancelled": True}) == (
        {"remote_id": "abc", "cancelled": True},
        [],
    )


@given(neutral_events())
def test_clean_event_comes_back_unchanged_and_without_warning(event):
    # what the models build: valid addresses, texts without controls
    for attendee in event["attendees"]:
        attendee["name"] = "".join(c for c in attendee["name"] if c.isprintable())
    event["name"] = "".join(c for c in event["name"] if c.isprintable())
    event["location"] = "".join(c for c in event["location"] if c.isprintable())
    cleaned, warnings = sanitize_neutral(event)
    assert warnings == []
    assert cleaned["attendees"] == normalize_attendees(event["attendees"])
    assert cleaned["organizer_email"] == event["organizer_email"].strip().lower()
    for key in ("name", "location", "description", "videocall_location"):
        assert cleaned[key] == event[key]
