# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The sync engine shared by every provider: load both sides, plan, apply.

One run syncs one account: the provider's changes since the stored token (a
full listing without one) are planned against the Odoo side by
:func:`services.planner.plan`, local actions are applied with the ORM, remote
ones are sent in batches. Errors on one item are recorded on it and never stop
the others.

Three kinds of items go through the same planner:

* single events (key: ``EventKey(event id)``, remote id: the provider's id);
* series (key: ``SeriesKey(recurrence id)``, remote id: the master's id): the
  rule, times and shared fields of a ``calendar.recurrence``;
* occurrences moved, edited or deleted alone (key: ``EventKey``, remote id: the
  occurrence's id), which providers keep as exceptions of the series.

Series are planned first, so that a series created in this run has its
occurrences (and their remote ids) before the exceptions are planned.

The run is composed with a provider adapter (:mod:`engine.port`) that speaks
the provider's API; where each Odoo record stands in the account's calendar is
read and written through the run's :class:`engine.binder.Binder`.
"""

import json
import logging

from markupsafe import Markup, escape

from odoo import _, fields

from ..models.calendar_alarm_manager import ALARM_COLLECTOR, PartnerCollector
from ..models.calendar_attendee import ACCOUNT_CACHE
from ..models.calendar_event import SYNC_CONTEXT
from ..services import conflicts, planner
from ..services.exceptions import UnsupportedRecurrence
from ..services.recurrence import normalize_recurrence
from ..services.sanitize import sanitize_neutral
from ..services.snapshot import canonical, equivalent_zones
from .answers import AnswerSync
from .binder import Binder
from .keys import EventKey, InstanceKey, SeriesKey
from .series import SeriesSync

_logger = logging.getLogger(__name__)

_REMOTE_ACTIONS = (planner.CreateRemote, planner.UpdateRemote, planner.DeleteRemote)


class SyncRun(SeriesSync, AnswerSync):
    """One sync run of one account (plain Python, not a model).

    Subclasses name the provider (:attr:`provider`, :attr:`label`) and
    implement the hooks that talk its language: :meth:`_classify`,
    :meth:`_remote_rule`, :meth:`_event_op`, :meth:`_series_op`,
    :meth:`_delete_op`, :meth:`_instance_ids`, :meth:`_write`.
    """

    def __init__(
        self, env, account, adapter, client, items, full_sync, time_zone=None, **options
    ):
        """
        :param adapter: the provider's :class:`engine.port.ProviderAdapter`
            class (the run makes its own instance, with ``options``)
        :param items: the remote items listed since the account's sync token
        :param full_sync: whether ``items`` is the whole calendar
        """
        self.env = env
        self.adapter = adapter(self, **options)
        # (action type, is a series) -> the method applying it
        self._handlers = {
            (planner.CreateLocal, True): self._series_CreateLocal,
            (planner.UpdateLocal, False): self._do_UpdateLocal,
            (planner.UpdateLocal, True): self._series_UpdateLocal,
            (planner.DeleteLocal, False): self._do_DeleteLocal,
            (planner.DeleteLocal, True): self._series_DeleteLocal,
            (planner.BindLocal, False): self._do_BindLocal,
            (planner.BindLocal, True): self._do_BindLocal,
            (planner.MarkSynced, False): self._do_MarkSynced,
            (planner.MarkSynced, True): self._do_MarkSynced,
            (planner.MergeFields, False): self._do_MergeFields,
            (planner.ReportConflict, False): self._do_ReportConflict,
            (planner.ReportConflict, True): self._do_ReportConflict,
            (planner.CreateRemote, False): self._do_CreateRemote,
            (planner.CreateRemote, True): self._series_CreateRemote,
            (planner.UpdateRemote, False): self._do_UpdateRemote,
            (planner.UpdateRemote, True): self._series_UpdateRemote,
            (planner.DeleteRemote, False): self._do_DeleteRemote,
            (planner.DeleteRemote, True): self._do_DeleteRemote,
        }
        self.account = account.sudo()
        self.user = self.account.user_id
        self.client = client
        self.full_sync = full_sync
        self.time_zone = time_zone or "UTC"
        self.alarm_partners = PartnerCollector()
        ctx = {
            SYNC_CONTEXT: self.account.id,
            ALARM_COLLECTOR: self.alarm_partners,
            ACCOUNT_CACHE: {},
            "active_test": False,
            "no_mail_to_attendees": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "tracking_disable": True,
        }
        self.Event = env["calendar.event"].sudo().with_context(**ctx)
        self.Recurrence = env["calendar.recurrence"].sudo().with_context(**ctx)
        self.binder = Binder(
            env,
            self.account,
            models={
                "calendar.event": self.Event,
                "calendar.recurrence": self.Recurrence,
            },
        )
        self.counters = {"pulled": 0, "pushed": 0, "failed": 0}
        self.imported = set()  # ids of the events this run created from remote
        self.errors = []
        self.items = {}  # key -> record (event or recurrence)
        self.before = {}
        self.answers = {}  # op key of an answer -> the attendees it carries
        self.warnings = {}  # remote id -> what sanitizing its item changed
        self.raw = {}  # remote id -> the item as the provider sent it
        items = self._with_pending(items)
        self.singles, self.masters, self.instances = self._read_remote(items)

    # ================================================================== load
    def _with_pending(self, items):
        """``items`` plus the remote items whose application failed on an
        earlier run (kept on their binding): they are tried again until they
        sync, even if the provider lists them no more. A newer version in
        ``items`` replaces the kept one."""
        if not self.account.pending_items:
            return items
        self.account.pending_items = False  # set again by what fails again
        pending = self.binder.Binding.search(
            [("account_id", "=", self.account.id), ("pending_item", "!=", False)]
        )
        if not pending:
            return items
        listed = {item.get("id") for item in items}
        kept = []
        for binding in pending:
            try:
                item = json.loads(binding.pending_item)
            except ValueError:
                item = None
            if isinstance(item, dict) and binding.remote_id not in listed:
                kept.append(item)
        # placeholders (nothing in Odoo yet) go: an import binds the item anew
        placeholders = pending.filtered(
            lambda b: not (b.event_id or b.recurrence_id or b.stash_event_ids)
        )
        placeholders.unlink()
        (pending - placeholders).write({"pending_item": False})
        return [*kept, *items]

    def _remember_failure(self, remote_id, error):
        """Keep the remote item whose application failed, with the error, on
        its binding (a placeholder binding when nothing is in Odoo yet)."""
        item = self.raw.get(remote_id)
        if not remote_id or item is None:
            return
        self.account.pending_items = True
        values = {
            "pending_item": json.dumps(item, default=str),
            "sync_error": str(error)[:500],
        }
        Binding = self.binder.Binding
        found = Binding.search(
            [("account_id", "=", self.account.id), ("remote_id", "=", remote_id)]
        )
        if found:
            found.write(values)
        else:
            Binding.create(
                {
                    "account_id": self.account.id,
                    "remote_id": remote_id,
                    "need_sync": False,
                    **values,
                }
            )

    def _read_remote(self, items):
        buckets = {"single": {}, "master": {}, "instance": {}}
        for item in items:
            if item.get("id"):
                self.raw[item["id"]] = item
            try:
                kind, remote_id, neutral = self.adapter.classify(item)
                if kind not in buckets:
                    continue  # e.g. Outlook's sparse occurrences
                if not neutral.get("cancelled"):
                    neutral, warnings = sanitize_neutral(neutral)
                    if warnings:
                        self.warnings[remote_id] = warnings
                if kind == "master" and not neutral["cancelled"]:
                    neutral["rule"], neutral["exdates"] = self.adapter.remote_rule(
                        neutral
                    )
                buckets[kind][remote_id] = neutral
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
                message = _(
                    "Unreadable event %(id)s from %(provider)s: %(error)s",
                    id=item.get("id"),
                    provider=self.adapter.label,
                    error=exc,
                )
                self._fail(None, message)
                self._remember_failure(item.get("id"), message)
        singles, masters = buckets["single"], buckets["master"]
        # a deleted series comes back as a bare tombstone: known by its id only
        cancelled = [rid for rid, n in singles.items() if n["cancelled"]]
        if cancelled:
            for remote_id in self.binder.records("calendar.recurrence", cancelled):
                masters[remote_id] = singles.pop(remote_id)
        return singles, masters, buckets["instance"]

    def _local_singles(self):
        Event = self.Event
        base = [("recurrence_id", "=", False)] + self.binder.unbound_domain(
            [("original_start", "!=", False)]
        )
        events = Event.search(
            base
            + [("user_id", "=", self.user.id)]
            + [
                "|",
                "&",
                ("active", "=", True),
                *self.binder.unbound_domain(),
                *self.binder.bound_domain([("need_sync", "=", True)]),
            ]
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
                + self.adapter.window_domain("event")
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
                provider=self.adapter.label,
            ),
        )

    def _event_state(self, event):
        owned = event.user_id == self.user
        confirmed = self.binder.confirmed(event)
        # someone else's invitation seen in another calendar is not ours to
        # create here: it would invite its organizer to their own meeting
        foreign = not confirmed and any(
            binding.guest_copy
            and binding.account_id != self.account
            and binding.account_id.user_id == self.user
            for binding in event.calendar_sync_binding_ids
        )
        return planner.LocalState(
            key=EventKey(event.id),
            remote_id=self.binder.remote_id(event) if confirmed else None,
            # only the organizer's account pushes an event
            dirty=owned and self.binder.get(event, "need_sync") and not foreign,
            archived=not event.active,
            write_date=event.write_date,
            snapshot=canonical(self._local_neutral(event)),
            remote_etag=self.binder.get(event, "etag") or None,
            base=conflicts.loads(self.binder.get(event, "synced"))
            if confirmed
            else None,
        )

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
            local_key=self._claimed_key(neutral, series),
            etag=neutral.get("etag"),
        )

    def _claimed_key(self, neutral, series):
        """The local key a remote item names through the Odoo id our push
        wrote in it (a push whose answer was lost is bound again, never
        duplicated): an event, or the series of the base event it names."""
        odoo_id = neutral.get("odoo_id")
        if not odoo_id or neutral["cancelled"]:
            return None
        if not series:
            return EventKey(odoo_id)
        event = self.Event.browse(odoo_id).exists()
        if event.recurrence_id and event.user_id == self.user:
            return SeriesKey(event.recurrence_id.id)
        return None

    # ================================================================== run
    def execute(self):
        self.adapter.before_execute()
        self.remote = {**self.singles, **self.masters, **self.instances}
        # taken before the pull, which must not undo them
        answers = self._pending_answers()
        self._mark_mirrors()
        self._rebind_known()
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
        self.items.update({SeriesKey(r.id): r for r in series})
        self.items.update({EventKey(e.id): e for e in singles})
        local = [self._series_state(r) for r in series]
        local += [self._event_state(e) for e in singles]
        remote = [self._remote_state(rid, n, True) for rid, n in self.masters.items()]
        remote += [self._remote_state(rid, n) for rid, n in self.singles.items()]
        ops += self._apply(planner.plan(local, remote, full_sync=self.full_sync))
        self._push(ops)
        self._refresh_etags()
        self.adapter.after_series()
        # pass 2: occurrences that differ from their series
        occurrences = self._local_occurrences()
        self._refuse_guest_changes(occurrences)
        self.items.update({EventKey(e.id): e for e in occurrences})
        local = [self._event_state(e) for e in occurrences]
        remote = [self._remote_state(rid, n) for rid, n in self.instances.items()]
        actions = [
            action
            for action in planner.plan(local, remote)
            # an exception of a series we do not have: nothing to attach it to
            if not isinstance(action, planner.CreateLocal | planner.CreateRemote)
        ]
        self._push(self._apply(actions) + self._answer_ops(answers))
        self._refresh_etags()

    def _refresh_etags(self):
        """Listed remote items that needed nothing in Odoo (an unmapped field
        changed) still moved on: remember their etag, or the next write of
        them would be refused as based on an outdated version."""
        if not self.remote:
            return
        bindings = self.binder.Binding.concat(
            *(self.binder.of(record) for record in self.items.values())
        ).exists()
        for binding in bindings:
            neutral = self.remote.get(binding.remote_id)
            fresh = neutral and not neutral["cancelled"] and neutral.get("etag")
            if fresh and not binding.need_sync and fresh != binding.etag:
                binding.etag = fresh

    def _apply(self, actions):
        _logger.debug(
            "%s plan for %s: %s", self.adapter.label, self.account.email, actions
        )
        # the losing local version of a conflict, described before it is lost
        for action in actions:
            if isinstance(action, planner.ReportConflict):
                self.before[action.key] = self._describe_local(action.key)
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
            series = isinstance(getattr(action, "key", None), SeriesKey) or (
                isinstance(action, planner.CreateLocal)
                and action.remote_id in self.masters
            )
            handler = self._handlers[type(action), series]
            remote = isinstance(action, _REMOTE_ACTIONS)
            try:
                if remote:
                    # only builds the request: nothing to roll back
                    op = handler(action)
                else:
                    with self.env.cr.savepoint():
                        op = handler(action)
            except Exception as exc:  # noqa: BLE001 - isolate per item
                _logger.info(
                    "%s sync of %s failed: %s", self.adapter.label, action, exc
                )
                self._fail(self.items.get(getattr(action, "key", None)), exc)
                if not remote:
                    self._remember_failure(getattr(action, "remote_id", None), exc)
                continue
            if op:
                ops.append(op)
        return ops

    def _rebind_known(self):
        """Bind, before planning, the remote items new to this calendar that
        are meetings Odoo already has (known by their iCalUID): an event this
        calendar held before (a reset or a lost binding left it parked, with
        its iCalUID), or a meeting in Odoo through another calendar (the
        organizer's, or another attendee's mailbox copy). They are then
        planned as bound items: updates, never second events."""
        todo = {
            rid: neutral
            for rid, neutral in {**self.singles, **self.masters}.items()
            if not neutral["cancelled"] and neutral.get("ical_uid")
        }
        if not todo:
            return
        known = self.binder.records("calendar.event", todo)
        known.update(self.binder.records("calendar.recurrence", todo))
        by_uid = {n["ical_uid"]: rid for rid, n in todo.items() if rid not in known}
        if not by_uid:
            return
        found = self.binder.Binding.search(
            [
                ("ical_uid", "in", list(by_uid)),
                "|",
                ("event_id", "!=", False),
                ("recurrence_id", "!=", False),
            ],
            order="id",
        )
        for other in found:
            remote_id = by_uid.get(other.ical_uid)
            record = other.event_id or other.recurrence_id
            if remote_id is None or (remote_id in self.masters) != bool(
                other.recurrence_id
            ):
                continue
            if self._may_join(other, record, self.remote[remote_id]):
                values = self._bind_values(remote_id, self.remote[remote_id])
                if other.account_id == self.account:
                    # what the user asked of it at the reset still holds
                    del values["need_sync"]
                self.binder.set(record, **values)
                del by_uid[other.ical_uid]

    def _may_join(self, other, record, neutral):
        """Whether remote ``neutral`` may be bound to ``record`` (bound as
        ``other`` already): never a meeting the user is not in."""
        if other.account_id == self.account:
            return not other.remote_id  # parked here; else bound elsewhere
        if self.binder.of(record):
            return False  # bound to something else in this calendar already
        series = record._name == "calendar.recurrence"
        event = record.base_event_id if series else record
        if event.user_id != self.user and self.user.partner_id not in (
            event.partner_ids
        ):
            return False  # not this user's meeting: never theirs to change
        if (
            event.user_id != self.user
            and neutral.get("organizer_email") == self.account.email
            and self._is_guest_copy_elsewhere(record)
        ):
            # this calendar organizes it: the attendee's copy Odoo made
            # first becomes the organizer's event
            events = record.calendar_event_ids if series else record
            events.with_context(active_test=False).write({"user_id": self.user.id})
        return True

    # ------------------------------------------------------------ mirrors
    def _hosted_elsewhere(self, record):
        """Another calendar of this user holds ``record`` as the meeting
        itself (with its attendees): this calendar only mirrors it."""
        bindings = record.calendar_sync_binding_ids
        return any(
            b.remote_id
            and not b.mirror
            and not b.guest_copy
            and b.account_id != self.account
            and b.account_id.user_id == self.user
            for b in bindings
        )

    def _is_mirror(self, record):
        """This calendar shows the user's meeting that another of their
        calendars hosts: it gets it without attendees, so that nobody is
        invited twice (one meeting reaches a provider once per person)."""
        binding = self.binder.of(record)
        if binding and binding.remote_id:
            return binding.mirror
        return self._hosted_elsewhere(record)

    def _local_neutral(self, event):
        """The neutral event this calendar is to hold for ``event``."""
        neutral = event._calendar_sync_neutral()
        if self._is_mirror(event):
            neutral["attendees"] = []
        return neutral

    def _mark_mirrors(self):
        """Listed items this calendar holds as mirrors: their (absent)
        attendees are not a change."""
        listed = [rid for rid, n in self.remote.items() if not n["cancelled"]]
        if not listed:
            return
        mirrors = self.binder.Binding.search(
            [
                ("account_id", "=", self.account.id),
                ("mirror", "=", True),
                ("remote_id", "in", listed),
            ]
        )
        for remote_id in mirrors.mapped("remote_id"):
            neutral = self.remote[remote_id]
            neutral["attendees"] = []
            neutral["mirror"] = True

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
                self.imported.update(events.ids)
            for action, event in zip(actions, events, strict=True):
                self._note_warnings(event, action.remote_id)
            self.counters["pulled"] += len(vals_list)
            return
        except Exception:
            _logger.info("Batch import failed, importing one by one", exc_info=True)
        for action, values, binding in zip(actions, vals_list, bindings, strict=True):
            try:
                with self.env.cr.savepoint():
                    event = self.Event.create(values)
                    self.binder.bind_new(event, [binding])
                    self.imported.add(event.id)
                self.counters["pulled"] += 1
            except Exception as exc:  # noqa: BLE001 - isolate per item
                message = _(
                    "Event %(title)s (%(id)s) from %(provider)s could not be "
                    "imported: %(error)s",
                    title=self.remote[action.remote_id].get("name") or "?",
                    id=action.remote_id,
                    provider=self.adapter.label,
                    error=exc,
                )
                self._fail(None, message)
                self._remember_failure(action.remote_id, message)

    def _note_warnings(self, event, remote_id):
        """Say on the event what was left out of the remote item (invalid
        e-mails, control characters, over-long texts...)."""
        warnings = self.warnings.get(remote_id)
        if warnings:
            event.message_post(
                body=Markup("%s<ul>%s</ul>")
                % (
                    _(
                        "Some of what %(provider)s sent for this event was left "
                        "out or cleaned:",
                        provider=self.adapter.label,
                    ),
                    Markup().join(Markup("<li>%s</li>") % w for w in warnings),
                )
            )

    def _bind_values(self, remote_id, neutral):
        """Binding values of a remote item applied to Odoo."""
        return {
            "remote_id": remote_id,
            "etag": neutral.get("etag"),
            "synced": conflicts.dumps(canonical(neutral)),
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
            if not neutral.get("mirror"):
                event._calendar_sync_set_answers(neutral, self._partners([neutral]))
            self._note_warnings(event, action.remote_id)
        self.binder.unbind_remote([action.remote_id], keep=event)
        self.binder.set(
            event,
            remote_id=action.remote_id,
            etag=neutral["etag"],
            synced=conflicts.dumps(canonical(neutral)),
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
        if self._bound_elsewhere(event):
            # still in the user's other calendars: the delete goes there too
            event.write({"active": False, "calendar_sync_deleted": True})
            self.binder.drop(event)
        else:
            event.unlink()
        self.counters["pulled"] += 1

    def _bound_elsewhere(self, record):
        """``record`` is still in another calendar (bound with a remote id)."""
        return any(
            binding.remote_id and binding.account_id != self.account
            for binding in record.calendar_sync_binding_ids
        )

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

    def _do_MergeFields(self, action):
        """Both sides changed the event: keep every one-sided change, let the
        later change win a field changed on both, post what lost."""
        event = self.items[action.key]
        remote = self.remote[action.remote_id]
        merged, clashes = conflicts.merge(
            conflicts.loads(self.binder.get(event, "synced")),
            canonical(self._local_neutral(event)),
            canonical(remote),
            event.write_date,
            remote.get("updated"),
        )
        # times come as one field: keep the neutral's shape for the other kind
        neutral = {**remote, **merged}
        values = self._values(neutral, event)
        if event.recurrence_id:
            values.pop("user_id")
            values["follow_recurrence"] = False
        event.write(values)
        if not neutral.get("mirror"):
            event._calendar_sync_set_answers(neutral, self._partners([neutral]))
        self.binder.set(
            event,
            etag=remote.get("etag"),
            synced=conflicts.dumps(canonical(remote)),
        )
        if clashes:
            self._post_clashes(event, clashes)
        self.counters["pulled"] += 1
        if canonical(self._local_neutral(event)) == canonical(remote):
            self.binder.set(event, need_sync=False, sync_error=False)
            return None
        return self._do_UpdateRemote(planner.UpdateRemote(action.key, action.remote_id))

    def _post_clashes(self, event, clashes):
        lines = []
        for clash in clashes:
            side = (
                _("from %(provider)s", provider=self.adapter.label)
                if clash.winner == "local"
                else _("from Odoo")
            )
            lines.append(
                Markup("<li>%s</li>")
                % _(
                    "%(field)s: the later change was kept; the version %(side)s "
                    "was: %(value)s",
                    field=clash.field,
                    side=side,
                    value=conflicts.describe(clash.lost),
                )
            )
        body = Markup("%s<ul>%s</ul>") % (
            _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. Changes made on one side only were all kept.",
                provider=self.adapter.label,
            ),
            Markup().join(lines),
        )
        event.message_post(body=body)

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
                provider=self.adapter.label,
                version=self.before[action.key],
            )
        else:
            body = _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. Odoo's later version was kept; the version in "
                "%(provider)s was: %(version)s",
                provider=self.adapter.label,
                version=self._describe(neutral) if neutral else _("deleted"),
            )
        if record.exists():
            record.message_post(body=body)

    def _do_CreateRemote(self, action):
        event = self.items[action.key]
        # a fresh id for a never-pushed event (or a re-creation after a remote
        # delete); a push whose answer was lost is found again by the odoo id
        # it carries (BindLocal) or reconciled by the client: never a duplicate
        return self.adapter.event_op(
            action.key,
            "insert",
            self.adapter.new_remote_id(),
            self._local_neutral(event),
        )

    def _do_UpdateRemote(self, action):
        event = self.items[action.key]
        return self.adapter.event_op(
            action.key,
            "patch",
            action.remote_id,
            self._local_neutral(event),
            etag=self._if_match(event),
        )

    def _do_DeleteRemote(self, action):
        record = self.items.get(action.key)
        etag = self._if_match(record) if record else None
        return self.adapter.delete_op(action.key, action.remote_id, etag=etag)

    def _if_match(self, record):
        """The etag a write of ``record`` is conditional on: a remote change
        made while the run was under way is then refused (412), not
        overwritten. Single events only: an occurrence's or a series' etag
        moves with every change of the series, which the run may have made
        itself a moment before."""
        if record._name != "calendar.event" or record.recurrence_id:
            return None
        if self.binder.get(record, "original_start"):
            return None
        return self.binder.get(record, "etag") or None

    # ================================================================== push
    def _push(self, ops):
        if not ops:
            return
        results = self.adapter.send(ops)
        follow_ups = []
        for op in ops:
            result = results[op.key]
            if op.key in self.answers:
                self._answered(op, result)
                continue
            record = self.items[op.key]
            if getattr(result, "precondition_failed", False):
                # changed remotely meanwhile: the next listing brings that
                # change, and the two are then merged; should it bring none,
                # the next write goes through ("*": whatever the remote etag)
                self.binder.set(record, etag="*")
                continue
            if not result.ok and getattr(result, "retryable", False):
                self._fail(
                    record,
                    _(
                        "%(provider)s is busy (%(status)s); the sync tries again "
                        "on its next run.",
                        provider=self.adapter.label,
                        status=result.status,
                    ),
                )
                continue
            if not result.ok:
                self._fail(
                    record,
                    _(
                        "%(provider)s refused the change (%(status)s %(reason)s): "
                        "%(message)s",
                        provider=self.adapter.label,
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
        if isinstance(op.key, InstanceKey):
            return []  # an occurrence deleted to match Odoo's series
        follow_ups = self._record_write(op, record, remote)
        return follow_ups + (self.adapter.after_pushed(op, record, remote) or [])

    def _drop_echo(self, remote_id, record):
        """The provider answered an (idempotent) create with an item this run
        imported as new: our own earlier push, whose binding was lost. The
        import was its echo, not a second meeting."""
        echo = self.binder.records(record._name, [remote_id]).get(remote_id)
        if echo and echo != record and echo.id in self.imported:
            self.imported.discard(echo.id)
            echo.unlink()
            self.counters["pulled"] -= 1

    def _record_write(self, op, record, remote):
        if op.action == "delete":
            if record._name == "calendar.recurrence":
                self._drop_local_series(record)
            elif record.calendar_sync_deleted and not self._bound_elsewhere(record):
                # deleted in Odoo, and now gone from every calendar: for good
                record.unlink()
            else:
                # archived in Odoo (or still in another calendar): it stays,
                # bound to nothing here; unarchived, it is sent again
                self.binder.set(record, remote_id=False, etag=False, need_sync=False)
            return []
        remote_id = remote.get("id") or op.event_id
        values = {
            "remote_id": remote_id,
            "etag": remote.get("etag"),
            "need_sync": False,
        }
        if self.adapter.remote_ical_uid(remote):
            values["ical_uid"] = self.adapter.remote_ical_uid(remote)
        if op.action == "insert":
            values["mirror"] = self._is_mirror(record)
        self._drop_echo(remote_id, record)
        self.binder.unbind_remote([remote_id], record._name, keep=record)
        if record._name == "calendar.event":
            synced = conflicts.dumps(canonical(self._local_neutral(record)))
            self.binder.set(record, **values, synced=synced, sync_error=False)
            return []
        self.binder.set(record, **values)
        self._bind_occurrences(record, remote_id, values["etag"])
        # occurrences changed alone in Odoo become exceptions of the new series
        follow_ups = []
        for event in self._occurrences(record):
            if not event.follow_recurrence and self.binder.remote_id(event):
                self.items[EventKey(event.id)] = event
                action = planner.UpdateRemote(
                    EventKey(event.id), self.binder.remote_id(event)
                )
                follow_ups.append(self._do_UpdateRemote(action))
        return follow_ups

    # ================================================================== helpers
    def _guest_copy(self, neutral):
        organizer = neutral.get("organizer_email")
        return bool(
            organizer
            and organizer != self.account.email
            and not neutral.get("guests_can_modify")
            and self._owner(neutral) == self.user
        )

    def _owner(self, neutral):
        """An imported event belongs to this account's user (as a guest copy
        when someone else organizes it): an organizer e-mail written in a
        remote item never makes another Odoo user the organizer. Another
        user's own calendar makes them the organizer (see _may_join)."""
        return self.user

    def _values(self, neutral, event=None):
        if neutral.get("mirror") and event:
            # a mirror carries no attendees: Odoo's stay as they are
            neutral = {
                **neutral,
                "attendees": event._calendar_sync_neutral()["attendees"],
            }
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
                provider=self.adapter.label,
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
