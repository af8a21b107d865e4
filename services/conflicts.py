"""Conflicts per field: a three-way merge of an event changed on both sides
=========================================================================

When Odoo and the provider both changed an event since its last sync, the
planner emits :class:`services.planner.MergeFields` (when the last synced
version is known) instead of letting one whole side win. :func:`merge` then
decides each field against that common base:

* changed on one side only: that side's value is kept (merged);
* changed on both sides to different values: the later change wins (Odoo's
  write time against the provider's ``updated``; a tie goes to Odoo), and the
  losing value is reported (:class:`Clash`) so that the engine posts it;
* attendees merge one by one (by e-mail): an answer given in the calendar
  and an attendee added in Odoo both survive.

The event's times (``allday``, ``start``/``stop``, ``start_date``/``stop_date``)
are one field: they move together. A series' snapshot (it has a ``rule``) adds
its rule and time zone to that field: a series moved on one side and given
another rule on the other would otherwise start on a day its rule leaves out.

Snapshots are the canonical dicts of :func:`services.snapshot.canonical`;
:func:`dumps` / :func:`loads` store one in a text column.

Public API: :func:`merge`, :class:`Clash`, :func:`attendee_changes`,
:func:`only_series_guests`, :func:`dumps`, :func:`loads`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .snapshot import unnamed

#: Keys merged as one field (the event's times).
TIME_KEYS = ("allday", "start", "stop", "start_date", "stop_date")
#: What a series' version holds beyond an event's.
SERIES_ONLY_KEYS = ("tz", "rule")
#: A series' times: its rule and zone move with them.
SERIES_TIME_KEYS = (*TIME_KEYS, *SERIES_ONLY_KEYS)


def complete_series_base(
    base: dict[str, Any] | None, local: dict[str, Any], remote: dict[str, Any] | None
) -> dict[str, Any] | None:
    """``base``, a series' version last synced, with its rule and zone.

    Up to 18.0.2.3.0, a calendar that joined a series another calendar had
    brought to Odoo (or took it over from Odoo's own module) recorded it as
    an event's version, without them: its timing then counted as changed on
    both sides, and the later side undid the other's move (finding AZ). They
    are taken from the sides whose times are still the recorded ones, when
    those agree on them (the other side's move is then a change of one side
    only); else ``base`` is left as it is (both changed: the later wins).
    """
    if not base or not local or "rule" not in local:
        return base
    if all(k in base for k in SERIES_ONLY_KEYS):
        return base
    kept = [
        side
        for side in (local, remote)
        if side and all(side.get(k) == base.get(k) for k in TIME_KEYS)
    ]
    found = [tuple(side.get(k) for k in SERIES_ONLY_KEYS) for side in kept]
    if not found or any(other != found[0] for other in found):
        return base
    return {**base, **dict(zip(SERIES_ONLY_KEYS, found[0], strict=True))}


@dataclass(frozen=True)
class Clash:
    """A field changed on both sides: ``winner``'s value was kept, ``lost``
    is the other side's value."""

    field: str
    winner: str  # "local" or "remote"
    kept: Any
    lost: Any


def _time_keys(snapshot: dict[str, Any]) -> tuple[str, ...]:
    return SERIES_TIME_KEYS if "rule" in snapshot else TIME_KEYS


def _groups(snapshot: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The snapshot as merge fields: times grouped, attendees by e-mail."""
    out = {k: v for k, v in snapshot.items() if k not in keys}
    out["times"] = tuple(snapshot.get(k) for k in keys)
    return out


def _ungroup(groups: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out = {k: v for k, v in groups.items() if k != "times"}
    out.update(zip(keys, groups["times"], strict=True))
    return out


def _by_email(attendees: list[dict] | None) -> dict[str, dict]:
    return {a["email"]: a for a in attendees or () if a.get("email")}


def _merge_attendees(base, local, remote, remote_wins_ties):
    """Three-way merge of attendee lists, one attendee at a time, each by
    its answer (its name is no change: :func:`services.snapshot.same_version`);
    the one kept has Odoo's name where Odoo has the attendee."""
    b, loc, rem = _by_email(base), _by_email(local), _by_email(remote)
    merged, clashes = [], []
    for email in sorted(set(b) | set(loc) | set(rem)):
        values = (b.get(email), loc.get(email), rem.get(email))
        value, clash = _three_way(*(unnamed(v) for v in values), remote_wins_ties)
        if clash:
            clashes.append((email, (clash[0], _named(clash[1], values))))
        if value is not None:
            merged.append(_named(value, values))
    return merged, clashes


def _named(value, entries):
    """``value`` (an attendee without its name) with a name: Odoo's where
    Odoo has the attendee, else the calendar's (or the last synced one).
    None stays None (an attendee one side removed)."""
    if value is None:
        return None
    base, local, remote = entries
    for entry in (local, remote, base):
        if entry and entry.get("name"):
            return {**value, "name": entry["name"]}
    return {**value, "name": ""}


def _three_way(base, local, remote, remote_wins):
    """``(value, clash)``: ``clash`` is None or ("local"|"remote", lost)."""
    if local == remote:
        return local, None
    if local == base:
        return remote, None  # changed remotely only
    if remote == base:
        return local, None  # changed locally only
    if remote_wins:
        return remote, ("remote", local)
    return local, ("local", remote)


def merge(
    base: dict[str, Any],
    local: dict[str, Any],
    remote: dict[str, Any],
    local_time: datetime | None,
    remote_time: datetime | None,
) -> tuple[dict[str, Any], list[Clash]]:
    """Merge ``local`` and ``remote`` (canonical snapshots) against ``base``.

    :param local_time: when the Odoo change was made (naive UTC), or None
    :param remote_time: the provider's ``updated`` (naive UTC), or None
    :return: ``(merged snapshot, clashes)``; ``merged`` has every key of
        ``local``
    """
    remote_wins = bool(remote_time and (not local_time or remote_time > local_time))
    keys = _time_keys(local)
    gb, gl, gr = _groups(base, keys), _groups(local, keys), _groups(remote, keys)
    merged, clashes = {}, []
    for key, local_value in gl.items():
        if key == "attendees":
            value, found = _merge_attendees(
                gb.get(key), local_value, gr.get(key), remote_wins
            )
            merged[key] = value
            for email, (winner, lost) in found:
                kept = next((a for a in value if a["email"] == email), None)
                clashes.append(Clash(f"attendees:{email}", winner, kept, lost))
            continue
        value, clash = _three_way(gb.get(key), local_value, gr.get(key), remote_wins)
        merged[key] = value
        if clash:
            clashes.append(Clash(key, clash[0], value, clash[1]))
    return _ungroup(merged, keys), clashes


def attendee_changes(
    before: list[dict] | None, after: list[dict] | None
) -> tuple[set[str], set[str]]:
    """``(added, removed)``: the e-mails of the attendees ``after`` has and
    ``before`` lacks, and the other way round."""
    old, new = set(_by_email(before)), set(_by_email(after))
    return new - old, old - new


def only_series_guests(
    before: dict[str, Any], after: dict[str, Any], series: dict[str, Any]
) -> bool:
    """Whether an exception of a series went from snapshot ``before`` to
    ``after`` only by taking its series' guest list (``series``, the series'
    snapshot now): the calendar invites a guest added to the whole series to
    its exceptions too, and removes one removed from it, each attendee who
    stays keeping their answer (Google). Such an exception was not changed
    itself: any other field, an answer, or a guest list of its own was."""
    if changed_keys(before, after) != {"attendees"}:
        return False
    kept = _by_email(before.get("attendees"))
    now = _by_email(after.get("attendees"))
    if set(now) != set(_by_email(series.get("attendees"))):
        return False
    return all(
        unnamed(kept[email]) == unnamed(now[email])
        for email in kept.keys() & now.keys()
    )


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The snapshot keys whose value differs."""
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


def describe(value: Any) -> str:
    """A field's value in a sentence (chatter)."""
    if value is None or value == "" or value is False:
        return "(empty)"
    if isinstance(value, tuple):  # the times (a series' with its rule)
        parts = [v.isoformat() for v in value if isinstance(v, date)]
        rules = [_describe_rule(v) for v in value if isinstance(v, dict)]
        return " – ".join(parts) + "".join(f" ({rule})" for rule in rules)
    if isinstance(value, dict):  # an attendee
        return f"{value.get('email')} ({value.get('state')})"
    if isinstance(value, list):
        return ", ".join(describe(v) for v in value) or "(none)"
    return str(value)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _describe_rule(rule: dict[str, Any]) -> str:
    """A series' rule in a few words: "weekly every 1 (mon, wed), 3 times"."""
    text = f"{rule.get('rrule_type')} every {rule.get('interval')}"
    days = [day for day in _DAYS if rule.get(day)]
    if days:
        text += f" ({', '.join(days)})"
    if rule.get("end_type") == "count":
        return f"{text}, {rule.get('count')} times"
    if rule.get("end_type") == "end_date":
        return f"{text}, until {rule.get('until')}"
    return text


# ---------------------------------------------------------------- storage
def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$dt"}:
            return datetime.fromisoformat(value["$dt"])
        if set(value) == {"$d"}:
            return date.fromisoformat(value["$d"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(snapshot: dict[str, Any] | None) -> str | bool:
    """``snapshot`` as stored text (False for None)."""
    if snapshot is None:
        return False
    return json.dumps(_encode(snapshot), sort_keys=True, separators=(",", ":"))


def loads(text: str | bool | None) -> dict[str, Any] | None:
    """The snapshot stored as ``text`` (None when nothing is stored or it
    cannot be read: the merge then falls back to a whole-event decision)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return _decode(value) if isinstance(value, dict) else None
