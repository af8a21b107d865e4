"""Hypothesis strategies of neutral events, and written examples
(:func:`sample_event`, :func:`sample_allday_event`), shared by the mapper
tests."""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from services.neutral_event import (
    ATTENDEE_STATES,
    MAPPED_KEYS,
    normalize_alarms,
    normalize_attendees,
)

ZONES = [
    "UTC",
    "Europe/Brussels",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
]

emails = st.tuples(
    st.text(string.ascii_letters + string.digits + "._+", min_size=1, max_size=10),
    st.sampled_from(["example.com", "Odoo.COM", "x.org"]),
    st.booleans(),
).map(lambda p: f"  {p[0]}@{p[1]} ".upper() if p[2] else f"{p[0]}@{p[1]}")

attendees = st.lists(
    st.fixed_dictionaries(
        {
            "email": emails,
            "name": st.text(max_size=15),
            "state": st.sampled_from(ATTENDEE_STATES),
        }
    ),
    max_size=6,
)

alarms = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["email", "notification"]),
            "minutes": st.integers(0, 40320),
        }
    ),
    max_size=5,
)

moments = st.datetimes(datetime(1990, 1, 1), datetime(2036, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)
)
videocalls = st.sampled_from(
    ["", "https://meet.jit.si/abc", "https://odoo.example/calendar/join_videocall/x"]
)


@st.composite
def neutral_events(draw):
    """A neutral event as a model builds it (not yet normalized)."""
    allday = draw(st.booleans())
    event = {
        "odoo_id": draw(st.none() | st.integers(1, 10**9)),
        "name": draw(st.text(max_size=30)),
        "description": draw(st.sampled_from(["", "<p>Agenda</p>", "<b>x</b> &amp;"])),
        "location": draw(st.text(max_size=20) | videocalls),
        "allday": allday,
        "start": None,
        "stop": None,
        "start_date": None,
        "stop_date": None,
        "tz": draw(st.sampled_from(ZONES)),
        "attendees": draw(attendees),
        "alarms": draw(alarms),
        "privacy": draw(st.sampled_from([False, "public", "private", "confidential"])),
        "show_as": draw(st.sampled_from(["busy", "free"])),
        "videocall_location": draw(videocalls),
    }
    if allday:
        event["start_date"] = draw(moments).date()
        event["stop_date"] = event["start_date"] + timedelta(
            days=draw(st.integers(0, 9))
        )
    else:
        event["start"] = draw(moments)
        event["stop"] = event["start"] + timedelta(minutes=draw(st.integers(0, 9999)))
    known = [a["email"] for a in event["attendees"]]
    event["organizer_email"] = draw(st.sampled_from(["", *known]) | emails)
    return event


def sample_event(**values) -> dict:
    """A timed neutral event (Monday 15 January 2024, 9:00 to 10:00 UTC),
    ``values`` replaced."""
    base = {
        "odoo_id": 42,
        "name": "Standup",
        "description": "<p>Agenda</p>",
        "location": "",
        "allday": False,
        "start": datetime(2024, 1, 15, 9),
        "stop": datetime(2024, 1, 15, 10),
        "start_date": None,
        "stop_date": None,
        "tz": "Europe/Brussels",
        "organizer_email": "alice@example.com",
        "attendees": [],
        "alarms": [],
        "privacy": False,
        "show_as": "busy",
        "videocall_location": "",
    }
    return {**base, **values}


def sample_allday_event(**values) -> dict:
    """:func:`sample_event` as an all-day event of 15 and 16 January 2024."""
    dates = {"start_date": date(2024, 1, 15), "stop_date": date(2024, 1, 16)}
    return sample_event(
        **{"allday": True, "start": None, "stop": None, **dates, **values}
    )


def normalized(event: dict) -> dict:
    """The mapped keys of ``event`` in their canonical form."""
    out = {key: event.get(key) for key in MAPPED_KEYS}
    out["attendees"] = normalize_attendees(event["attendees"])
    out["alarms"] = normalize_alarms(event["alarms"])
    out["organizer_email"] = event["organizer_email"].strip().lower()
    return out


def mapped(event: dict) -> dict:
    """Only the mapped keys of a mapper's output."""
    return {key: event[key] for key in MAPPED_KEYS}
