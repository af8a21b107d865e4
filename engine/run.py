# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The sync engine shared by every provider: load both sides, plan, apply.

One run syncs one account: the provider's changes since the stored token (a
full listing without one) are planned against the Odoo side by
:func:`services.planner.plan`, local actions are applied with the ORM, remote
ones are sent in batches. Errors on one item are recorded on it and never stop
the others.

Three kinds of items go through the same planner:

* single events (key: the event id, remote id: the provider's event id);
* series (key: ``"r<recurrence id>"``, remote id: the series master's id): the
  rule, times and shared fields of a ``calendar.recurrence``;
* occurrences moved, edited or deleted alone (key: the event id, remote id: the
  occurrence's id), which providers keep as exceptions of the series.

Series are planned first, so that a series created in this run has its
occurrences (and their remote ids) before the exceptions are planned.

A provider subclass (``GoogleRun``, ``MicrosoftRun``) implements the hooks
that speak its API; the event and recurrence fields it uses are named after the
provider: ``<provider>_id``, ``<provider>_etag``, ``<provider>_need_sync``...
"""

import logging
from datetime import datetime, time

import pytz
from markupsafe import escape

from odoo import _, fields

from ..models.calendar_alarm_manager import ALARM_COLLECTOR, PartnerCollector
from ..models.calendar_attendee import ANSWER_STATES
from ..models.calendar_event import SYNC_CONTEXT
from ..services import planner
from ..services.exceptions import AuthorizationError, UnsupportedRecurrence
from ..services.recurrence import expand, normalize_recurrence
from ..services.snapshot import canonical, equivalent_zones
from .binder import Binder

_logger = logging.getLogger(__name__)

SERIES_PREFIX = "r"
_REMOTE_ACTIONS = (planner.CreateRemote, planner.UpdateRemote, planner.DeleteRemote)


class SyncRun:
    """One sync run of one account (plain Python, not a model).

    Subclasses name the provider (:attr:`provider`, :attr:`label`) and
    implement the hooks that talk its language: :meth:`_classify`,
    :meth:`_remote_rule`, :meth:`_event_op`, :meth:`_series_op`,
    :meth:`_delete_op`, :meth:`_instance_ids`, :meth:`_write`.
    """

    provider = None  # "google" / "microsoft": also the prefix of the fields
    label = None  # "Google Calendar" / "Outlook"

    def __init__(self, env, account, client, items, full_sync, time_zone=None):
        self.env = env
        self.account = account.sudo()
        self.binder = Binder(env, self.account)
        self.user = self.account.user_id
        self.client = client
        self.full_sync = full_sync
        self.time_zone = time_zone or "UTC"
        self.alarm_partners = PartnerCollector()
        ctx = {
            SYNC_CONTEXT: self.account.id,
            ALARM_COLLECTOR: self.alarm_partners,
            "active_test": False,
            "no_mail_to_attendees": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "tracking_disable": True,
        }
        self.Event = env["calendar.event"].sudo().with_context(**ctx)
        self.Recurrence = env["calendar.recurrence"].sudo().with_context(**ctx)
        self.counters = {"pulled": 0, "pushed": 0, "failed": 0}
        self.errors = []
        self.items = {}  # key -> record (event or recurrence)
        self.before = {}
        self.answers = {}  # op key of an answer -> the attendees it carries
        self.singles, self.masters, self.instances = self._read_remote(items)

    # ================================================================== load
    def _read_remote(self, items):
        buckets = {"single": {}, "master": {}, "instance": {}}
        for item in items:
            try:
                kind, remote_id, neutral = self._classify(item)
                if kind not in buckets:
                    continue  # e.g. Outlook's sparse occurrences
                if kind == "master" and not neutral["cancelled"]:
                    neutral["rule"], neutral["exdates"] = self._remote_rule(neutral)
                buckets[kind][remote_id] = neutral
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
                self._fail(
                    None,
                    _(
                        "Unreadable event %(id)s from %(provider)s: %(error)s",
                        id=item.get("id"),
                        provider=self.label,
                        error=exc,
                    ),
                )
        singles, masters = buckets["single"], buckets["master"]
        # a deleted series comes back as a bare tombstone: known by its id only
        cancelled = [rid for rid, n in singles.items() if n["cancelled"]]
        if cancelled:
            for remote_id in self.binder.records("calendar.recurrence", cancelled):
                masters[remote_id] = singles.pop(remote_id)
        return singles, masters, buckets["instance"]

    # ------------------------------------------------------------ hooks
    def _classify(self, item):
        """``(kind, remote_id, neutral)`` of a remote item; kind is "single",
        "master" (a series) or "instance" (an occurrence exception)."""
        raise NotImplementedError

    def _remote_rule(self, neutral):
        """``(rec, exdates)`` of a remote series."""
        raise NotImplementedError

    def _event_op(self, key, action, remote_id, event_neutral):
        """The write (insert/patch) of one event or occurrence."""
        raise NotImplementedError

    def _series_op(self, key, action, remote_id, neutral, rule, first, exdates):
        """The write (insert/patch) of a series master."""
        raise NotImplementedError

    def _delete_op(self, key, remote_id):
        raise NotImplementedError

    def _remote_ical_uid(self, item):
        """The iCalUID of a raw remote item (a write's answer)."""
        return item.get("ical_uid")

    def _new_remote_id(self):
        """A client-chosen id for a new remote item, or None (server-chosen)."""
        return

    def _instance_ids(self, recurrence, master_id, originals):
        """dict original start → remote instance id, for ``originals``."""
        raise NotImplementedError

    def _write(self, ops):
        """Send ``ops``; dict op key → result with ``ok``, ``status``,
        ``reason``, ``message`` and ``event`` (the remote item, if any)."""
        raise NotImplementedError

    def _answer_op(self, key, remote_id, event, state):
        """The write sending the account user's own answer ``state``
        (accepted/tentative/declined) to the event or series ``remote_id``
        of their calendar, or None when that calendar has nothing to answer."""
        raise NotImplementedError

    def _window_domain(self, kind):
        """Limit of a full listing: local items outside it are not "gone"
        when the listing lacks them. ``kind`` is "event" or "series"."""
        return []

    def _unmatched_occurrences(self, events):
        """Occurrences of a bound series the provider has no instance for:
        moved in Odoo before the provider knew the series, they leave it and
        travel as events of their own."""
        events.write({"recurrence_id": False})
        self.binder.set(events, need_sync=True)

    def _after_series(self):
        """Hook run between the series pass and the occurrence pass."""

    @staticmethod
    def _local(utc_naive, tz):
        zone = pytz.timezone(tz or "UTC")
        return pytz.utc.localize(utc_naive).astimezone(zone).replace(tzinfo=None)

    def _owned_series(self):
        Recurrence = self.Recurrence
        domain = [("base_event_id.user_id", "=", self.user.id)]
        # changed as a whole, or through an occurrence that follows it
        dirty = self.binder.dirty_domain()
        series = Recurrence.search(
            domain
            + [
                "|",
                *dirty,
                (
                    "calendar_event_ids",
                    "any",
                    [*dirty, ("follow_recurrence", "=", True), ("active", "=", True)],
                ),
            ]
        )
        if self.masters:
            series |= Recurrence.concat(
                *self.binder.records("calendar.recurrence", self.masters).values()
            )
        if self.full_sync:
            series |= Recurrence.search(
                domain
                + self.binder.bound_domain([("remote_id", "!=", False)])
                + self._window_domain("series")
            )
        self.binder.load(series)
        return series

    def _local_singles(self):
        Event = self.Event
        base = [("recurrence_id", "=", False)] + self.binder.unbound_domain(
            [("original_start", "!=", False)]
        )
        events = Event.search(
            base + [("user_id", "=", self.user.id)] + self.binder.dirty_domain()
        )
        if self.singles:
            events |= Event.concat(
                *self.binder.records("calendar.event", self.singles).values()
            )
        if self.full_sync:
            events |= Event.search(
                base
                + [("user_id", "=", self.user.id)]
                + self.binder.bound_domain(
                    [("remote_id", "!=", False), ("etag", "!=", False)]
                )
                + self._window_domain("event")
            )
        self.binder.load(events)
        return events

    def _local_occurrences(self):
        Event = self.Event
        events = Event.search(
            [
                ("user_id", "=", self.user.id),
                *self.binder.bound_domain(
                    [
                        ("original_start", "!=", False),
                        ("remote_id", "!=", False),
                        ("need_sync", "=", True),
                    ]
                ),
                "|",
                ("follow_recurrence", "=", False),
                ("active", "=", False),
            ]
        )
        if self.instances:
            events |= Event.concat(
                *self.binder.records("calendar.event", self.instances).values()
            )
        self.binder.load(events)
        return events

    # ================================================================== states
    def _refuse_guest_changes(self, events):
        """Changes to another organizer's read-only event stay in Odoo."""
        get = self.binder.get
        blocked = events.filtered(
            lambda ev: get(ev, "guest_copy") and get(ev, "need_sync")
        )
        self.binder.set(
            blocked,
            need_sync=False,
            sync_error=_(
                "Only the organizer can change this event in %(provider)s: "
                "your changes stay in Odoo and are replaced by the organizer's "
                "next update.",
                provider=self.label,
            ),
        )

    def _event_state(self, event):
        owned = event.user_id == self.user
        confirmed = self.binder.confirmed(event)
        # someone else's invitation seen in another calendar is not ours to
        # create here: it would invite its organizer to their own meeting
        foreign = not confirmed and any(
            binding.guest_copy and binding.account_id != self.account
            for binding in event.calendar_sync_binding_ids
        )
        return planner.LocalState(
            key=event.id,
            remote_id=self.binder.remote_id(event) if confirmed else None,
            # only the organizer's account pushes an event
            dirty=owned and self.binder.get(event, "need_sync") and not foreign,
            archived=not event.active,
            write_date=event.write_date,
            snapshot=canonical(event._calendar_sync_neutral()),
            remote_etag=self.binder.get(event, "etag") or None,
        )

    def _series_state(self, recurrence):
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        base = self._series_base(recurrence)
        get = self.binder.get
        self.binder.load(events)
        dirty = get(recurrence, "need_sync") or any(
            get(ev, "need_sync") and ev.follow_recurrence and ev.active for ev in events
        )
        return planner.LocalState(
            key=f"{SERIES_PREFIX}{recurrence.id}",
            remote_id=self.binder.remote_id(recurrence),
            dirty=dirty and base.user_id == self.user,
            archived=not any(events.mapped("active")),
            write_date=max([recurrence.write_date, *events.mapped("write_date")]),
            snapshot=self._series_snapshot(recurrence, base),
            remote_etag=get(recurrence, "etag") or None,
        )

    def _series_base(self, recurrence):
        """The occurrence whose fields stand for the whole series."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        following = events.filtered("follow_recurrence").sorted("start")
        return recurrence.base_event_id or following[:1] or events.sorted("start")[:1]

    def _series_neutral(self, recurrence, base):
        neutral = base._calendar_sync_neutral()
        neutral["tz"] = recurrence.event_tz or neutral["tz"]
        first = self._series_slots(recurrence, base)[:1]
        if first:
            if base.allday:
                length = base.stop_date - base.start_date
                neutral["start_date"], neutral["stop_date"] = (
                    first[0],
                    first[0] + length,
                )
            else:
                length = base.stop - base.start
                neutral["start"], neutral["stop"] = first[0], first[0] + length
        return neutral

    def _series_snapshot(self, recurrence, base):
        snapshot = canonical(self._series_neutral(recurrence, base), with_tz=True)
        snapshot["rule"] = recurrence._calendar_sync_rule()
        return snapshot

    def _series_slots(self, recurrence, base):
        """The rule's occurrence starts (naive UTC, or dates when all-day)."""
        tz = recurrence.event_tz or base._calendar_sync_tz()
        dtstart = recurrence.dtstart or base.start
        if base.allday:
            local = base.start_date if not recurrence.dtstart else dtstart.date()
            return expand(recurrence._calendar_sync_rule(), local, tz)
        return expand(recurrence._calendar_sync_rule(), self._local(dtstart, tz), tz)

    def _remote_state(self, remote_id, neutral, series=False):
        snapshot = None
        if not neutral["cancelled"]:
            snapshot = canonical(neutral, with_tz=series)
            if series:
                snapshot["rule"] = normalize_recurrence(neutral["rule"])
        return planner.RemoteState(
            remote_id=remote_id,
            cancelled=neutral["cancelled"],
            updated=neutral["updated"],
            snapshot=snapshot,
            local_key=None if series else neutral.get("odoo_id"),
            etag=neutral.get("etag"),
        )

    # ================================================================== run
    def execute(self):
        self.remote = {**self.singles, **self.masters, **self.instances}
        # taken before the pull, which must not undo them
        answers = self._pending_answers()
        ops = []
        # pass 1: series and single events
        series = self._owned_series()
        for recurrence in series:
            # a zone named differently but ticking the same is the same zone
            remote = self.masters.get(self.binder.remote_id(recurrence))
            if (
                remote
                and not remote["cancelled"]
                and equivalent_zones(remote["tz"], recurrence.event_tz)
            ):
                remote["tz"] = recurrence.event_tz
        singles = self._local_singles()
        self._refuse_guest_changes(singles)
        self.items.update({f"{SERIES_PREFIX}{r.id}": r for r in series})
        self.items.update({e.id: e for e in singles})
        local = [self._series_state(r) for r in series]
        local += [self._event_state(e) for e in singles]
        remote = [self._remote_state(rid, n, True) for rid, n in self.masters.items()]
        remote += [self._remote_state(rid, n) for rid, n in self.singles.items()]
        ops += self._apply(planner.plan(local, remote, full_sync=self.full_sync))
        self._push(ops)
        self._after_series()
        # pass 2: occurrences that differ from their series
        occurrences = self._local_occurrences()
        self._refuse_guest_changes(occurrences)
        self.items.update({e.id: e for e in occurrences})
        local = [self._event_state(e) for e in occurrences]
        remote = [self._remote_state(rid, n) for rid, n in self.instances.items()]
        actions = [
            action
            for action in planner.plan(local, remote)
            # an exception of a series we do not have: nothing to attach it to
            if not isinstance(action, planner.CreateLocal | planner.CreateRemote)
        ]
        self._push(self._apply(actions) + self._answer_ops(answers))

    def _apply(self, actions):
        _logger.debug("%s plan for %s: %s", self.label, self.account.email, actions)
        # the losing local version of a conflict, described before it is lost
        for action in actions:
            if isinstance(action, planner.ReportConflict):
                self.before[action.key] = self._describe_local(action.key)
        actions = [self._join_existing(action) for action in actions]
        new_events = [
            action
            for action in actions
            if isinstance(action, planner.CreateLocal)
            and action.remote_id in self.singles
        ]
        self._create_events(new_events)
        ops = []
        for action in actions:
            if action in new_events:
                continue
            series = isinstance(getattr(action, "key", None), str) or (
                isinstance(action, planner.CreateLocal)
                and action.remote_id in self.masters
            )
            name = ("_series_" if series else "_do_") + type(action).__name__
            remote = isinstance(action, _REMOTE_ACTIONS)
            try:
                if remote:
                    # only builds the request: nothing to roll back
                    op = getattr(self, name)(action)
                else:
                    with self.env.cr.savepoint():
                        op = getattr(self, name)(action)
            except Exception as exc:  # noqa: BLE001 - isolate per item
                _logger.info("%s sync of %s failed: %s", self.label, action, exc)
                self._fail(self.items.get(getattr(action, "key", None)), exc)
                continue
            if op:
                ops.append(op)
        return ops

    def _join_existing(self, action):
        """A meeting new to this calendar but already in Odoo through another
        calendar (the organizer's, or another attendee's mailbox copy, known
        by its iCalUID) is the same Odoo event, bound once more here: an
        update of it, not a second event."""
        if not isinstance(action, planner.CreateLocal):
            return action
        neutral = self.remote.get(action.remote_id) or {}
        uid = neutral.get("ical_uid")
        if not uid or neutral.get("cancelled"):
            return action
        series = action.remote_id in self.masters
        field = "recurrence_id" if series else "event_id"
        others = self.binder.Binding.search(
            [
                ("ical_uid", "=", uid),
                ("account_id", "!=", self.account.id),
                (field, "!=", False),
            ]
        )
        partner = self.user.partner_id
        for other in others:
            record = other[field]
            event = record.base_event_id if series else record
            if self.binder.of(record):
                continue  # bound to something else in this calendar already
            if event.user_id != self.user and partner not in event.partner_ids:
                continue  # not this user's meeting: never theirs to change
            if (
                event.user_id != self.user
                and neutral.get("organizer_email") == self.account.email
                and self._is_guest_copy_elsewhere(record)
            ):
                # this calendar organizes it: the attendee's copy Odoo made
                # first becomes the organizer's event
                events = record.calendar_event_ids if series else record
                events.with_context(active_test=False).write({"user_id": self.user.id})
            self.binder.set(record, **self._bind_values(action.remote_id, neutral))
            key = f"{SERIES_PREFIX}{record.id}" if series else record.id
            self.items[key] = record
            return planner.UpdateLocal(key, action.remote_id)
        return action

    def _is_guest_copy_elsewhere(self, record):
        """``record`` was imported as someone's copy of a meeting they do not
        organize (so its Odoo organizer stands in for the real one)."""
        bindings = record.calendar_sync_binding_ids
        if record._name == "calendar.recurrence":
            bindings |= record.base_event_id.calendar_sync_binding_ids
        return any(b.guest_copy for b in bindings if b.account_id != self.account)

    def _create_events(self, actions):
        """Create the events new remotely in one batch (one by one, each in
        its savepoint, only when the batch fails)."""
        if not actions:
            return
        neutrals = [self.remote[action.remote_id] for action in actions]
        partners = self._partners(neutrals)
        alarms = self._alarms(neutrals)
        vals_list, bindings = [], []
        for action, neutral in zip(actions, neutrals, strict=True):
            vals_list.append(
                self.Event._calendar_sync_values(
                    neutral, self._owner(neutral), partners, alarms
                )
            )
            bindings.append(self._bind_values(action.remote_id, neutral))
        try:
            with self.env.cr.savepoint():
                events = self.Event.create(vals_list)
                self.binder.bind_new(events, bindings)
            self.counters["pulled"] += len(vals_list)
            return
        except Exception:
            _logger.info("Batch import failed, importing one by one", exc_info=True)
        for action, values, binding in zip(actions, vals_list, bindings, strict=True):
            try:
                with self.env.cr.savepoint():
                    self.binder.bind_new(self.Event.create(values), [binding])
                self.counters["pulled"] += 1
            except Exception as exc:  # noqa: BLE001 - isolate per item
                self._fail(
                    None,
                    _(
                        "Event %(id)s from %(provider)s could not be imported: "
                        "%(error)s",
                        id=action.remote_id,
                        provider=self.label,
                        error=exc,
                    ),
                )

    def _bind_values(self, remote_id, neutral):
        """Binding values of a remote item applied to Odoo."""
        return {
            "remote_id": remote_id,
            "etag": neutral.get("etag"),
            "ical_uid": neutral.get("ical_uid") or False,
            "guest_copy": self._guest_copy(neutral),
            "need_sync": False,
            "sync_error": False,
        }

    # ------------------------------------------------------------ events
    def _do_UpdateLocal(self, action):
        event = self.items[action.key]
        neutral = self.remote[action.remote_id]
        if event.user_id != self.user:
            # someone else's meeting, seen in this user's calendar: only this
            # user's own answer comes from here (their calendar is the source)
            self._set_own_answer(event, neutral)
        else:
            values = self._values(neutral, event)
            self.binder.set(event, guest_copy=self._guest_copy(neutral))
            if event.recurrence_id:
                values.pop("user_id")
                values["follow_recurrence"] = False
            event.write(values)
            event._calendar_sync_set_answers(neutral, self._partners([neutral]))
        self.binder.unbind_remote([action.remote_id], keep=event)
        self.binder.set(
            event,
            remote_id=action.remote_id,
            etag=neutral["etag"],
            need_sync=False,
            sync_error=False,
        )
        self.counters["pulled"] += 1

    def _do_DeleteLocal(self, action):
        event = self.items[action.key]
        if event.user_id != self.user:
            # the attendee removed their copy of someone else's meeting: they
            # declined; the meeting itself is not theirs to delete
            self._decline(event)
            self.binder.drop(event)
            return
        event.unlink()
        self.counters["pulled"] += 1

    def _do_BindLocal(self, action):
        record = self.items[action.key]
        self.binder.unbind_remote([action.remote_id], record._name, keep=record)
        self.binder.set(record, remote_id=action.remote_id)

    def _do_MarkSynced(self, action):
        record = self.items[action.key]
        neutral = self.remote.get(action.remote_id) or {}
        self.binder.set(
            record,
            need_sync=False,
            etag=neutral.get("etag") or self.binder.get(record, "etag"),
        )
        if record._name == "calendar.recurrence":
            self.binder.set(self._following(record), need_sync=False)
        else:
            self.binder.set(record, sync_error=False)

    def _do_ReportConflict(self, action):
        record = self.items[action.key]
        if record._name == "calendar.recurrence":
            record = self._series_base(record)
        neutral = self.remote.get(action.remote_id)
        if action.winner == "remote":
            body = _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. The later version, from %(provider)s, was kept; your "
                "version in Odoo was: %(version)s",
                provider=self.label,
                version=self.before[action.key],
            )
        else:
            body = _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. Odoo's later version was kept; the version in "
                "%(provider)s was: %(version)s",
                provider=self.label,
                version=self._describe(neutral) if neutral else _("deleted"),
            )
        if record.exists():
            record.message_post(body=body)

    _series_ReportConflict = _do_ReportConflict
    _series_BindLocal = _do_BindLocal
    _series_MarkSynced = _do_MarkSynced

    def _do_CreateRemote(self, action):
        event = self.items[action.key]
        # a fresh id for a never-pushed event (or a re-creation after a remote
        # delete); a push whose answer was lost is found again by the odoo id
        # it carries (BindLocal) or reconciled by the client: never a duplicate
        return self._event_op(
            action.key, "insert", self._new_remote_id(), event._calendar_sync_neutral()
        )

    def _do_UpdateRemote(self, action):
        event = self.items[action.key]
        return self._event_op(
            action.key, "patch", action.remote_id, event._calendar_sync_neutral()
        )

    def _do_DeleteRemote(self, action):
        return self._delete_op(action.key, action.remote_id)

    _series_DeleteRemote = _do_DeleteRemote

    # ------------------------------------------------------------ series
    def _series_CreateLocal(self, action):
        neutral = self.remote[action.remote_id]
        recurrence = self._create_local_series(action.remote_id, neutral)
        self.items[f"{SERIES_PREFIX}{recurrence.id}"] = recurrence
        self.counters["pulled"] += 1

    def _series_UpdateLocal(self, action):
        recurrence = self.items[action.key]
        neutral = self.remote[action.remote_id]
        base = self._series_base(recurrence)
        if base.user_id != self.user:
            # someone else's series in this user's calendar: their answer only
            following = self._following(recurrence)
            for event in following:
                self._set_own_answer(event, neutral)
            self.binder.set(recurrence, etag=neutral["etag"], need_sync=False)
            if not any(self.binder.remote_id(ev) for ev in following):
                self._bind_occurrences(recurrence, action.remote_id, neutral["etag"])
            self.counters["pulled"] += 1
            return
        old = self._series_snapshot(recurrence, base)
        new = canonical(neutral, with_tz=True)
        new["rule"] = normalize_recurrence(neutral["rule"])
        timing = ("rule", "start", "stop", "start_date", "stop_date", "allday", "tz")
        changed = [key for key in timing if old.get(key) != new.get(key)]
        _logger.debug(
            "series %s changed remotely: %s",
            recurrence.id,
            {key: (old.get(key), new.get(key)) for key in changed},
        )
        if changed:
            # new rule or times: rebuild the series from the remote version
            self._drop_local_series(recurrence)
            self._create_local_series(action.remote_id, neutral)
        else:
            values = self._values(neutral, base)
            for key in ("start", "stop", "start_date", "stop_date", "allday"):
                values.pop(key, None)
            values.pop("user_id")
            following = self._following(recurrence)
            following.write(values)
            for event in following:
                event._calendar_sync_set_answers(neutral, self._partners([neutral]))
            self.binder.set(following, need_sync=False)
            self.binder.set(recurrence, etag=neutral["etag"], need_sync=False)
        self.counters["pulled"] += 1

    def _series_DeleteLocal(self, action):
        recurrence = self.items[action.key]
        if self._series_base(recurrence).user_id != self.user:
            # an attendee removed someone else's series from their calendar
            self._decline(self._occurrences(recurrence))
            events = recurrence.calendar_event_ids.with_context(active_test=False)
            self.binder.drop(recurrence)
            self.binder.drop(events)
            return
        self._drop_local_series(recurrence)
        self.counters["pulled"] += 1

    def _series_CreateRemote(self, action):
        recurrence = self.items[action.key]
        return self._series_write(
            action.key, "insert", self._new_remote_id(), recurrence
        )

    def _series_UpdateRemote(self, action):
        recurrence = self.items[action.key]
        return self._series_write(action.key, "patch", action.remote_id, recurrence)

    def _series_write(self, key, action, remote_id, recurrence):
        base = self._series_base(recurrence)
        neutral = self._series_neutral(recurrence, base)
        slots = self._series_slots(recurrence, base)
        taken = {self._original(ev) for ev in self._occurrences(recurrence)}
        exdates = [slot for slot in slots if slot not in taken]
        first = slots[0] if slots else (base.start_date if base.allday else base.start)
        rule = recurrence._calendar_sync_rule()
        return self._series_op(key, action, remote_id, neutral, rule, first, exdates)

    def _occurrences(self, recurrence):
        return recurrence.calendar_event_ids.filtered("active")

    def _following(self, recurrence):
        return self._occurrences(recurrence).filtered("follow_recurrence")

    def _original(self, event):
        """An occurrence's original slot (naive UTC, or a date when all-day)."""
        value = self.binder.get(event, "original_start")
        if not value:
            value = event.start
        return value.date() if event.allday else value

    def _bind_occurrences(self, recurrence, master_id, etag):
        """Give every occurrence its instance id, and remember its slot."""
        base = self._series_base(recurrence)
        slots = set(self._series_slots(recurrence, base))
        # occurrences of the previous rule of a rewritten series may hold ids
        self.binder.set(self._stale_instances(master_id), remote_id=False, etag=False)
        originals, moved = {}, self.Event
        occurrences = self._occurrences(recurrence)
        self.binder.load(occurrences)
        for event in occurrences:
            if event.follow_recurrence or not self.binder.get(event, "original_start"):
                start = event.start_date if event.allday else event.start
                original = start if start in slots else None
            else:
                original = self._original(event)
            if original is None:
                moved |= event
            else:
                originals[event] = original
        ids = self._instance_ids(recurrence, master_id, set(originals.values()))
        for event, original in originals.items():
            if original not in ids:
                moved |= event
                continue
            stamp = datetime.combine(original, time()) if event.allday else original
            self.binder.unbind_remote([ids[original]], keep=event)
            self.binder.set(
                event,
                original_start=stamp,
                remote_id=ids[original],
                etag=etag,
                guest_copy=self.binder.get(recurrence, "guest_copy"),
                need_sync=not event.follow_recurrence,
                sync_error=False,
            )
        if moved:
            self._unmatched_occurrences(moved)

    def _stale_instances(self, master_id):
        """Archived events still holding an instance id of ``master_id``."""
        return self.Event.browse()

    def _create_local_series(self, master_id, neutral):
        values = self._values(neutral)
        rule = neutral["rule"]
        values.update(
            {
                **{key: value for key, value in rule.items() if value is not False},
                "recurrency": True,
                "event_tz": neutral["tz"],
            }
        )
        if rule["end_type"] != "count":
            values.pop("count", None)
        base = self.Event.create(values)
        recurrence = base.recurrence_id
        self.binder.set(
            recurrence,
            remote_id=master_id,
            etag=neutral["etag"],
            ical_uid=neutral.get("ical_uid") or False,
            guest_copy=self._guest_copy(neutral),
            need_sync=False,
        )
        partners = self._partners([neutral])
        for event in recurrence.calendar_event_ids:
            event._calendar_sync_set_answers(neutral, partners)
        self._bind_occurrences(recurrence, master_id, neutral["etag"])
        excluded = set(neutral.get("exdates") or [])
        if excluded:
            gone = self._occurrences(recurrence).filtered(
                lambda ev: self._original(ev) in excluded
            )
            gone.unlink()
        self.binder.set(self._occurrences(recurrence), need_sync=False)
        return recurrence

    def _drop_local_series(self, recurrence):
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        recurrence.unlink()
        events.unlink()

    # ================================================================== push
    def _push(self, ops):
        if not ops:
            return
        results = self._write(ops)
        follow_ups = []
        for op in ops:
            result = results[op.key]
            if op.key in self.answers:
                self._answered(op, result)
                continue
            record = self.items[op.key]
            if not result.ok:
                self._fail(
                    record,
                    _(
                        "%(provider)s refused the change (%(status)s %(reason)s): "
                        "%(message)s",
                        provider=self.label,
                        status=result.status,
                        reason=result.reason,
                        message=result.message,
                    ),
                )
                continue
            self.counters["pushed"] += 1
            follow_ups += self._pushed(op, record, result.event or {})
        if follow_ups:
            self._push(follow_ups)

    def _pushed(self, op, record, remote):
        """Record a successful write; return follow-up writes, if any."""
        if op.action == "delete":
            if record._name == "calendar.recurrence":
                self._drop_local_series(record)
            else:
                # gone remotely: the archived tombstone goes too
                record.unlink()
            return []
        remote_id = remote.get("id") or op.event_id
        values = {
            "remote_id": remote_id,
            "etag": remote.get("etag"),
            "need_sync": False,
        }
        if self._remote_ical_uid(remote):
            values["ical_uid"] = self._remote_ical_uid(remote)
        self.binder.unbind_remote([remote_id], record._name, keep=record)
        if record._name == "calendar.event":
            self.binder.set(record, **values, sync_error=False)
            return []
        self.binder.set(record, **values)
        self._bind_occurrences(record, remote_id, values["etag"])
        # occurrences changed alone in Odoo become exceptions of the new series
        follow_ups = []
        for event in self._occurrences(record):
            if not event.follow_recurrence and self.binder.remote_id(event):
                self.items[event.id] = event
                action = planner.UpdateRemote(event.id, self.binder.remote_id(event))
                follow_ups.append(self._do_UpdateRemote(action))
        return follow_ups

    # ================================================================== answers
    def _pending_answers(self):
        """The account user's answers given in Odoo and not sent yet:
        ``{attendee: state}``."""
        if not self.account.answers_pending:
            return {}
        self.account.answers_pending = False  # set again for what stays pending
        events = self.binder.search("calendar.event", [("answer_pending", "=", True)])
        attendees = (
            events.with_context(active_test=False)
            .attendee_ids.sudo()
            .filtered(lambda att: att.partner_id == self.user.partner_id)
        )
        unanswerable = events - attendees.event_id
        self.binder.set(unanswerable, answer_pending=False)
        return {attendee: attendee.state for attendee in attendees}

    def _answers_sent(self, attendees):
        """Nothing more to send for these attendees' answers."""
        self.binder.set(
            attendees.event_id.with_context(active_test=False), answer_pending=False
        )

    def _answer_ops(self, answers):
        """The writes sending ``answers``: one per remote event, a series once
        through its master (the answer covers every occurrence)."""
        targets, done = {}, self.env["calendar.attendee"]
        for attendee, state in answers.items():
            attendee = attendee.with_context(**{SYNC_CONTEXT: True}).exists()
            event = attendee.event_id.with_context(active_test=False)
            if not attendee or not event.active or state not in ANSWER_STATES:
                done |= attendee
                continue
            if attendee.state != state:
                # the pull brought the provider's older answer: Odoo's is newer
                attendee.state = state
            recurrence = event.recurrence_id
            if self.binder.remote_id(recurrence) and event.follow_recurrence:
                remote_id = self.binder.remote_id(recurrence)
            else:
                remote_id = self.binder.remote_id(event)
            if remote_id:
                targets.setdefault(remote_id, {})[attendee] = (event, state)
            else:  # no longer in this calendar
                done |= attendee
        ops = []
        for remote_id, found in targets.items():
            attendees = self.env["calendar.attendee"].concat(*found)
            # occurrences answered one by one: the latest answer goes
            event, state = found[max(attendees, key=lambda att: att.write_date)]
            key = ("answer", remote_id)
            try:
                op = self._answer_op(key, remote_id, event, state)
            except AuthorizationError:
                raise
            except Exception as exc:  # noqa: BLE001 - isolate per item
                self._answer_failed(event, exc)
                self.account.answers_pending = True  # tried again next time
                continue
            if op is None:
                done |= attendees
            else:
                self.answers[key] = attendees
                ops.append(op)
        self._answers_sent(done)
        return ops

    def _answered(self, op, result):
        attendees = self.answers.pop(op.key)
        if result.ok or result.status in (404, 410):
            # sent, or the event is no longer in this calendar
            self.counters["pushed"] += bool(result.ok)
            self._answers_sent(attendees)
            return
        if 400 <= result.status < 500 and result.status not in (401, 408, 429):
            # refused for good: reported once, not retried on every run
            self._answers_sent(attendees)
        else:
            self.account.answers_pending = True  # tried again next time
        self._answer_failed(
            attendees.event_id[:1],
            f"{result.status} {result.reason}: {result.message}",
        )

    def _answer_failed(self, event, error):
        self._fail(
            None,
            _(
                "Your answer to %(event)s could not be sent to %(provider)s: %(error)s",
                event=event.name,
                provider=self.label,
                error=error,
            ),
        )

    # ================================================================== helpers
    def _guest_copy(self, neutral):
        organizer = neutral.get("organizer_email")
        return bool(
            organizer
            and organizer != self.account.email
            and not neutral.get("guests_can_modify")
            and self._owner(neutral) == self.user
        )

    def _decline(self, events):
        """This user declines ``events`` (their copy was removed)."""
        events.attendee_ids.filtered(
            lambda att: att.partner_id == self.user.partner_id
        ).state = "declined"

    def _set_own_answer(self, event, neutral):
        for attendee in neutral.get("attendees") or []:
            if attendee["email"] == self.account.email:
                event.attendee_ids.filtered(
                    lambda att: att.partner_id == self.user.partner_id
                ).state = attendee["state"]

    def _owner(self, neutral):
        """An imported event belongs to this account's user (as a guest copy
        when someone else organizes it): an organizer e-mail written in a
        remote item never makes another Odoo user the organizer. Another
        user's own calendar makes them the organizer (see _join_existing)."""
        return self.user

    def _values(self, neutral, event=None):
        return self.Event._calendar_sync_values(
            neutral,
            self._owner(neutral),
            self._partners([neutral]),
            self._alarms([neutral]),
            event,
        )

    def _partners(self, neutrals):
        names = {
            a["email"]: a["name"]
            for n in neutrals
            for a in n.get("attendees") or []
            if a["email"]
        }
        return self.env["res.partner"]._calendar_sync_find_or_create(names)

    def _alarms(self, neutrals):
        wanted = {(a["type"], a["minutes"]) for n in neutrals for a in n["alarms"]}
        return self.env["calendar.alarm"]._calendar_sync_find_or_create(wanted)

    def _describe_local(self, key):
        record = self.items[key]
        if record._name == "calendar.recurrence":
            record = self._series_base(record)
        return self._describe(record._calendar_sync_neutral())

    @staticmethod
    def _describe(neutral):
        start = (
            neutral.get("start_date") if neutral.get("allday") else neutral.get("start")
        )
        return escape(
            f"{neutral.get('name') or ''} — {start or ''} — "
            f"{neutral.get('location') or ''}"
        )

    def _fail(self, record, error):
        message = str(error)
        if isinstance(error, UnsupportedRecurrence):
            message = _(
                "This recurrence cannot be synced with %(provider)s: %(reason)s",
                provider=self.label,
                reason=getattr(error, "reason", message),
            )
        self.counters["failed"] += 1
        self.errors.append(message)
        if record and record._name == "calendar.recurrence":
            record = self._series_base(record)
        if record and record.exists():
            self.binder.set(record, sync_error=message[:500])

    def finish(self, sync_token):
        """Record the successful run on the account: where the next one starts."""
        self.account.write(
            {
                "sync_token": sync_token,
                "last_sync_date": fields.Datetime.now(),
                "state": "connected",
                "last_error": self.summary_error(),
            }
        )
        if self.alarm_partners.ids:
            # once, not after every event created (see calendar_alarm_manager)
            self.env["calendar.alarm_manager"].sudo()._notify_next_alarm(
                sorted(self.alarm_partners.ids)
            )
        return self.counters

    def merge(self, other):
        """Add the outcome of a follow-up run of the same account."""
        for name, value in other.counters.items():
            self.counters[name] += value
        self.alarm_partners.ids |= other.alarm_partners.ids
        self.errors += other.errors

    def summary_error(self):
        if not self.errors:
            return False
        return _(
            "%(count)s event(s) could not be synced; the sync retries them on its "
            "next run. First error: %(error)s",
            count=len(self.errors),
            error=self.errors[0],
        )
