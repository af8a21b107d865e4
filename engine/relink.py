# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Re-linking after Odoo's own modules were uninstalled (their links gone).

Part of a full sync run (:class:`engine.run.SyncRun` calls :func:`relink`
after binding what it knows by iCalUID, before planning). A calendar Odoo's
``google_calendar`` or ``microsoft_calendar`` synced holds the events they
pushed, and Odoo holds the same events, unlinked: without this step the first
sync would import the one and push the other.

* Proven: a Google event Odoo's module pushed carries the Odoo id in
  ``extendedProperties.shared["<database name>_odoo_id"]`` (an event, or the
  series on a master): it is bound to that record when the account's user
  organizes it or attends it.
* Likely (at each account's first sync, where calendar_sync was installed
  after Odoo's modules were uninstalled): a remote event new to this
  calendar and an Odoo event of this user
  unbound in this calendar with the same organizer, start, stop and title are
  listed for the administrator (``calendar.sync.match``), never merged
  silently: until decided, the remote one is not imported and the Odoo one is
  not sent. A pair merged is bound; a pair kept is two events, as they are.

Public API: :func:`relink`.
"""

import logging
from datetime import datetime, time

from ..services.neutral_event import normalize_email
from ..services.takeover import legacy_odoo_id, likely_pairs, pair_key
from .takeover import PARAM_RELINK

_logger = logging.getLogger(__name__)


def relink(run):
    """Bind the remote items of ``run`` that Odoo's module left proof of, and
    hold back the likely pairs (see the module docstring)."""
    Match = run.env["calendar.sync.match"].sudo()
    if run.remote:  # a likely pair waiting for the administrator stays apart
        held = Match.search(
            [
                ("account_id", "=", run.account.id),
                ("state", "=", "pending"),
                ("remote_id", "in", list(run.remote)),
            ]
        )
        for remote_id in set(held.mapped("remote_id")):
            _hold(run, remote_id)
    if not run.full_sync:
        return
    new = _new_items(run)
    if not new:
        return
    if run.adapter.carries_legacy_odoo_id:
        _bind_proven(run, new)
        _bind_proven_occurrences(run)
        new = _new_items(run)
    params = run.env["ir.config_parameter"].sudo()
    if run.account.first_sync_done or not params.get_param(PARAM_RELINK):
        return  # likely pairs: at each account's first sync after Odoo's modules
    kept = set(
        Match.search(
            [("account_id", "=", run.account.id), ("state", "=", "kept")]
        ).mapped("remote_id")
    )
    _list_likely_pairs(run, {rid: n for rid, n in new.items() if rid not in kept})


def _new_items(run):
    """Live singles and masters this calendar has no binding for."""
    todo = {
        rid: neutral
        for rid, neutral in {**run.singles, **run.masters}.items()
        if not neutral["cancelled"]
    }
    if not todo:
        return {}
    # read around the binder: its cache is the run's (nothing to load here)
    bound = run.binder.Binding.search(
        [
            ("account_id", "=", run.account.id),
            ("remote_id", "in", list(todo)),
            "|",
            ("event_id", "!=", False),
            ("recurrence_id", "!=", False),
        ]
    )
    known = set(bound.mapped("remote_id"))
    return {rid: n for rid, n in todo.items() if rid not in known}


def _hold(run, remote_id):
    for bucket in (run.singles, run.masters, run.remote):
        bucket.pop(remote_id, None)


def _may_bind(run, record):
    """The account's user organizes or attends ``record``, and it is in this
    calendar under no other id."""
    if not record or run.binder.remote_id(record):
        return False
    series = record._name == "calendar.recurrence"
    event = record.base_event_id if series else record
    return event.user_id == run.user or run.user.partner_id in event.partner_ids


def _bind_proven(run, new):
    dbname = run.env.cr.dbname
    for remote_id, neutral in new.items():
        shared = (run.raw.get(remote_id, {}).get("extendedProperties") or {}).get(
            "shared"
        )
        odoo_id = legacy_odoo_id(shared, dbname)
        if not odoo_id:
            continue
        model = run.Recurrence if remote_id in run.masters else run.Event
        record = model.browse(odoo_id).exists()
        if not _may_bind(run, record):
            continue
        run.binder.set(record, **run._bind_values(remote_id, neutral, record))
        _logger.info(
            "%s: %s bound again to %s (Odoo's own module had pushed it)",
            run.account.email,
            remote_id,
            record,
        )


def _bind_proven_occurrences(run):
    """A moved occurrence Odoo's module pushed carries its event's Odoo id
    too: bound to it, with its original slot, when its series is bound here."""
    dbname = run.env.cr.dbname
    for remote_id, neutral in run.instances.items():
        if neutral.get("cancelled") or not neutral.get("original_start"):
            continue
        shared = (run.raw.get(remote_id, {}).get("extendedProperties") or {}).get(
            "shared"
        )
        event = run.Event.browse(legacy_odoo_id(shared, dbname) or []).exists()
        if (
            not event.recurrence_id
            or not run.binder.remote_id(event.recurrence_id)
            or not _may_bind(run, event)
        ):
            continue
        original = neutral["original_start"]
        if not isinstance(original, datetime):
            original = datetime.combine(original, time())
        run.binder.set(
            event, **run._bind_values(remote_id, neutral), original_start=original
        )


def _neutral_key(neutral):
    allday = neutral.get("allday")
    return pair_key(
        neutral.get("organizer_email") or "",
        neutral.get("start_date") if allday else neutral.get("start"),
        neutral.get("stop_date") if allday else neutral.get("stop"),
        neutral.get("name") or "",
    )


def _event_key(event):
    organizer = normalize_email(event.user_id.partner_id.email or "")
    if event.allday:
        return pair_key(organizer, event.start_date, event.stop_date, event.name)
    return pair_key(organizer, event.start, event.stop, event.name)


def _pair(events, new, bucket):
    """Likely pairs of ``events`` and the ``new`` items of ``bucket``; an
    event with no organizer in Odoo (someone outside Odoo invited the user)
    pairs on start, stop and title, and is in the remote event's attendees."""
    remote = {rid: n for rid, n in new.items() if rid in bucket}
    pairs = likely_pairs(
        [(ev, _event_key(ev)) for ev in events],
        [(rid, _neutral_key(n)) for rid, n in remote.items()],
    )
    taken = {rid for _ev, rid in pairs}
    orphans = [ev for ev in events if not ev.user_id and ev not in dict(pairs)]
    for event, remote_id in likely_pairs(
        [(ev, _event_key(ev)) for ev in orphans],
        [
            (rid, _neutral_key({**n, "organizer_email": ""}))
            for rid, n in remote.items()
            if rid not in taken
        ],
    ):
        emails = {normalize_email(p.email or "") for p in event.partner_ids}
        if normalize_email(remote[remote_id].get("organizer_email") or "") in emails:
            pairs.append((event, remote_id))
    return pairs


def _list_likely_pairs(run, new):
    if not new:
        return
    user = run.user
    candidates = run.Event.search(
        [
            "|",
            ("user_id", "=", user.id),
            ("partner_ids", "in", user.partner_id.ids),
            ("active", "=", True),
            *run.binder.unbound_domain(),
        ]
    )
    singles = candidates.filtered(lambda ev: not ev.recurrence_id)
    bases = candidates.recurrence_id.base_event_id & candidates
    pairs = [
        (single, remote_id) for single, remote_id in _pair(singles, new, run.singles)
    ] + [
        (base.recurrence_id, remote_id)
        for base, remote_id in _pair(bases, new, run.masters)
    ]
    Match = run.env["calendar.sync.match"].sudo()
    for record, remote_id in pairs:
        series = record._name == "calendar.recurrence"
        Match.create(
            {
                "account_id": run.account.id,
                "event_id": record.base_event_id.id if series else record.id,
                "recurrence_id": record.id if series else False,
                "remote_id": remote_id,
                "remote_name": new[remote_id].get("name") or "",
                "ical_uid": new[remote_id].get("ical_uid") or False,
            }
        )
        # the Odoo side waits too: not sent to this calendar meanwhile
        run.binder.set(record, need_sync=False)
        if series:
            run.binder.set(record.calendar_event_ids, need_sync=False)
        _hold(run, remote_id)
        _logger.info(
            "%s: %s and %s listed as a likely pair",
            run.account.email,
            record,
            remote_id,
        )
