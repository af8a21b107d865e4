"""Checks on the neutral events that come from a provider
=======================================================

A provider's payload is remote data: a forged or broken event must not put
control characters, bidi tricks, invalid addresses or megabytes of text into
Odoo. :func:`sanitize_neutral` cleans a neutral event (the "OdooEvent" dict of
``DEVELOPERS.md``, as ``from_google``/``from_graph`` return it) before the models
store it, and says in plain English what it changed.

Public API:

* :func:`sanitize_neutral` ``(neutral) -> (cleaned copy, warnings)``:

  - attendee and organizer e-mails normalized (:func:`normalize_email`); an
    invalid one is dropped (the attendee) or cleared (the organizer) with a
    warning naming it; duplicate attendees merged, unknown states become
    ``needsAction``, attendees sorted by e-mail;
  - title, location and attendee names: C0 control characters and DEL removed
    (tabs and line breaks become one space), Unicode bidi embeddings,
    overrides and isolates (U+202A-U+202E, U+2066-U+2069) removed;
  - description: the same, except that tabs and line breaks are kept
    (``\\r\\n`` and ``\\r`` become ``\\n``);
  - lengths capped (:data:`MAX_LENGTHS`): longer texts are cut; a longer
    video call link, or one with a script scheme (``javascript:``,
    ``vbscript:``, ``data:``), is cleared;
  - alarms of another type than email/notification, or whose minutes are not
    a whole number from 0 to :data:`MAX_ALARM_MINUTES` (4 weeks), dropped;
    the rest deduplicated and sorted.

  Only the keys present are checked; the input is never modified (the lists
  it cleans are new lists, other values are shared).
* :func:`normalize_email` (the one of :mod:`.neutral_event`): the bare
  lower-case address of ``" Carol@X "`` or ``'"Carol" <carol@x>'``; ``""`` for a
  value with a line break or another control character.
* :func:`is_valid_email`: whether a normalized address is one valid address
  (no spaces, controls or bidi marks, one "@", a domain, at most 254
  characters).
"""

from __future__ import annotations

import re
from typing import Any

from .neutral_event import normalize_alarms, normalize_attendees, normalize_email

__all__ = [
    "MAX_ALARM_MINUTES",
    "MAX_EMAIL_LENGTH",
    "MAX_LENGTHS",
    "is_valid_email",
    "normalize_email",
    "sanitize_neutral",
]

#: Longest value kept, in characters.
MAX_LENGTHS = {
    "name": 1024,
    "location": 1024,
    "description": 100_000,
    "attendee_name": 256,
    "videocall_location": 2048,
}
#: Latest reminder kept: 4 weeks before the event (Google's own limit).
MAX_ALARM_MINUTES = 40320
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest path

_ALARM_TYPES = ("email", "notification")
_LABELS = {
    "name": "title",
    "location": "location",
    "description": "description",
}
# Bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_BIDI = "\u202a-\u202e\u2066-\u2069"
# What no text keeps: C0 controls but tab, line feed, carriage return; DEL; bidi.
_INVISIBLE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f{_BIDI}]")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")
_CARRIAGE_RETURN = re.compile(r"\r\n?")
_SHOWN = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI}]")
_SHOWN_MAX = 80
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|data):", re.IGNORECASE)
# Never in an address: whitespace, C0 controls and DEL, the specials of RFC 5322
# that separate or quote addresses, invisible bidi formatting marks.
_NOT_IN_ADDRESS = r'\s\x00-\x1f\x7f<>()\[\],;:"\\@\u061c\u200e\u200f' + _BIDI
_ADDRESS = re.compile(
    rf"[^{_NOT_IN_ADDRESS}]+@(?!\.)(?!.*\.\.)[^{_NOT_IN_ADDRESS}]+(?<!\.)"
)


def is_valid_email(address: str) -> bool:
    """Whether ``address`` (as :func:`normalize_email` returns it) is one
    address: ``local@domain`` without spaces, controls, bidi marks, quotes,
    brackets or separators, a domain without empty labels, 254 characters at
    most."""
    return len(address) <= MAX_EMAIL_LENGTH and bool(_ADDRESS.fullmatch(address))


def _shown(value: Any) -> str:
    """``value`` quoted for a warning: controls and bidi marks escaped, cut."""
    text = value if isinstance(value, str) else repr(value)
    text = _SHOWN.sub(lambda m: ascii(m.group())[1:-1], text)
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1] + "…"
    return f'"{text}"'


def _as_text(value: Any) -> str:
    if value is None or value is False:
        return ""
    return value if isinstance(value, str) else str(value)


def _clean_text(
    value: Any, limit: int, label: str, warnings: list[str], multiline: bool = False
) -> str:
    """``value`` without invisible characters, cut to ``limit`` characters.

    One line: each run of tabs and line breaks becomes one space. Several
    lines (``multiline``): tabs and line feeds stay, carriage returns become
    line feeds.
    """
    text = _as_text(value)
    if multiline:
        text = _CARRIAGE_RETURN.sub("\n", text)
    else:
        text = _LINE_BREAKS.sub(" ", text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
        warnings.append(f"Invisible control characters were removed from the {label}.")
    if len(text) > limit:
        warnings.append(
            f"The {label} was cut to {limit:,} characters (it had {len(text):,})."
        )
        text = text[:limit]
    return text


def _clean_videocall(value: Any, warnings: list[str]) -> str:
    """The link without controls, or "" (with a warning) when it is too long
    (a cut link would lead elsewhere) or would run a script in the browser."""
    raw = _as_text(value)
    # browsers drop tabs and line breaks from URLs: "java\tscript:" is a script
    url = _INVISIBLE.sub("", _LINE_BREAKS.sub("", raw)).strip()
    limit = MAX_LENGTHS["videocall_location"]
    if len(url) > limit:
        warnings.append(
            f"The video call link was longer than {limit:,} characters "
            f"({len(url):,}): cleared."
        )
        return ""
    if _SCRIPT_SCHEME.match(url):
        warnings.append(
            f"The video call link {_shown(raw)} would run a script: cleared."
        )
        return ""
    if url != raw.strip():
        warnings.append(
            "Invisible control characters were removed from the video call link."
        )
    return url


def _clean_email(value: Any, role: str, warnings: list[str]) -> str:
    """The normalized address, or "" with a warning naming the invalid value."""
    email = normalize_email(value)
    if email and is_valid_email(email):
        return email
    if _as_text(value).strip():
        warnings.append(
            f"The {role} e-mail {_shown(value)} is not a valid address: dropped."
        )
    return ""


def _clean_attendees(attendees: Any, warnings: list[str]) -> list[dict[str, Any]]:
    """Valid attendees with clean names, merged by e-mail and sorted."""
    kept = []
    for attendee in attendees if isinstance(attendees, list) else ():
        if not isinstance(attendee, dict):
            warnings.append(f"The attendee {_shown(attendee)} is unreadable: dropped.")
            continue
        email = _clean_email(attendee.get("email"), "attendee", warnings)
        if not email:
            continue
        name = _clean_text(
            attendee.get("name"),
            MAX_LENGTHS["attendee_name"],
            f"name of attendee {email}",
            warnings,
        )
        kept.append({"email": email, "name": name, "state": attendee.get("state")})
    return normalize_attendees(kept)


def _alarm_minutes(alarm: Any) -> int | None:
    """The minutes of an alarm of a known type, if a whole number; else None."""
    if not isinstance(alarm, dict) or alarm.get("type") not in _ALARM_TYPES:
        return None
    minutes = alarm.get("minutes")
    if isinstance(minutes, bool):
        return None
    if isinstance(minutes, int):
        return minutes
    if isinstance(minutes, float):
        return int(minutes) if minutes.is_integer() else None
    try:
        return int(minutes) if isinstance(minutes, str) else None
    except ValueError:
        return None


def _clean_alarms(alarms: Any, warnings: list[str]) -> list[dict[str, Any]]:
    """Alarms within 0 to 4 weeks before the event, deduplicated and sorted."""
    kept = []
    for alarm in alarms if isinstance(alarms, list) else ():
        minutes = _alarm_minutes(alarm)
        if minutes is None:
            warnings.append(f"The reminder {_shown(alarm)} is unreadable: dropped.")
        elif not 0 <= minutes <= MAX_ALARM_MINUTES:
            warnings.append(
                f"A reminder {minutes:,} minutes before the event is outside 0 to "
                f"{MAX_ALARM_MINUTES:,} minutes (4 weeks): dropped."
            )
        else:
            kept.append({"type": alarm["type"], "minutes": minutes})
    return normalize_alarms(kept)


def sanitize_neutral(neutral: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A cleaned copy of a neutral event from a provider, and what was changed
    (plain-English sentences; none when the event was clean)."""
    warnings: list[str] = []
    cleaned = dict(neutral)
    for key in ("name", "location", "description"):
        if key in cleaned:
            cleaned[key] = _clean_text(
                cleaned[key],
                MAX_LENGTHS[key],
                _LABELS[key],
                warnings,
                multiline=key == "description",
            )
    if "videocall_location" in cleaned:
        cleaned["videocall_location"] = _clean_videocall(
            cleaned["videocall_location"], warnings
        )
    if "organizer_email" in cleaned:
        cleaned["organizer_email"] = _clean_email(
            cleaned["organizer_email"], "organizer", warnings
        )
    if "attendees" in cleaned:
        cleaned["attendees"] = _clean_attendees(cleaned["attendees"], warnings)
    if "alarms" in cleaned:
        cleaned["alarms"] = _clean_alarms(cleaned["alarms"], warnings)
    return cleaned, warnings
