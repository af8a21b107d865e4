"""Taking over from Odoo's own Google and Outlook modules: the pure part
=====================================================================

What can be read from the ids and settings Odoo's ``google_calendar`` and
``microsoft_calendar`` left, without Odoo: the original slot an occurrence id
names, the Odoo id a pushed Google event carries, and the likely pairs between
unlinked Odoo events and remote events that only an administrator may merge
(the slots a series' moved occurrences came from:
:func:`.recurrence.pair_moved_occurrences`).

Public API: :data:`ODOO_MODULES`, :func:`google_original_start`,
:func:`legacy_odoo_id`, :func:`pair_key`, :func:`likely_pairs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

#: Odoo's modules calendar_sync takes over, dependents first.
ODOO_MODULES = (
    "google_calendar",
    "microsoft_calendar",
    "google_account",
    "microsoft_account",
)

_GOOGLE_INSTANCE = re.compile(r"_(\d{8})(?:T(\d{6})Z)?$")


def google_original_start(remote_id: str | None) -> datetime | None:
    """The original slot a Google occurrence id names (naive UTC; midnight of
    the day for an all-day occurrence), or None for another id.

    >>> google_original_start("abc123_20261201T090000Z")
    datetime.datetime(2026, 12, 1, 9, 0)
    >>> google_original_start("abc123_20261201")
    datetime.datetime(2026, 12, 1, 0, 0)
    >>> google_original_start("abc123") is None
    True
    """
    match = _GOOGLE_INSTANCE.search(remote_id or "")
    if not match:
        return None
    day, clock = match.groups()
    try:
        return datetime.strptime(day + (clock or "000000"), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def legacy_odoo_id(shared: dict | None, dbname: str) -> int | None:
    """The Odoo id Odoo's ``google_calendar`` wrote in an event it pushed
    (``extendedProperties.shared["<database name>_odoo_id"]``): an event id,
    or a recurrence id on a series master. None when absent or not a number.

    >>> legacy_odoo_id({"prod_odoo_id": "42"}, "prod")
    42
    >>> legacy_odoo_id({"other_odoo_id": "42"}, "prod") is None
    True
    """
    value = (shared or {}).get(f"{dbname}_odoo_id")
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def pair_key(
    organizer: str, start: datetime | date, stop: datetime | date, title: str
) -> tuple:
    """What a likely pair shares: organizer e-mail, start, stop and title
    (case and surrounding spaces ignored)."""
    return (
        (organizer or "").strip().lower(),
        start,
        stop,
        " ".join((title or "").split()).lower(),
    )


def likely_pairs(local: Iterable[tuple], remote: Iterable[tuple]) -> list[tuple]:
    """Pairs of an unlinked Odoo event and a remote event with the same
    :func:`pair_key`: ``(local id, remote id)`` each once, in order. A key
    held by several events on one side pairs them in order, never twice.

    :param local: ``(odoo id, key)``.
    :param remote: ``(remote id, key)``.
    """
    waiting: dict[tuple, list] = {}
    for remote_id, key in remote:
        waiting.setdefault(key, []).append(remote_id)
    pairs = []
    for odoo_id, key in local:
        candidates = waiting.get(key)
        if candidates:
            pairs.append((odoo_id, candidates.pop(0)))
    return pairs
