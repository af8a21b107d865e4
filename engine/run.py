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

import logging

from odoo import _, fields

from ..models.calendar_alarm_manager import ALARM_COLLECTOR, PartnerCollector
from ..models.calendar_attendee import ACCOUNT_CACHE
from ..models.calendar_event import SYNC_CONTEXT
from ..services import conflicts, planner
from ..services.recurrence import normalize_recurrence
from ..services.sanitize import sanitize_neutral
from ..services.snapshot import canonical, equivalent_zones
from .answers import AnswerSync
from .binder import Binder
from .conflicts import ConflictSync
from .events import EventSync
from .keys import EventKey, SeriesKey
from .matching import MatchingSync
from .recovery import RecoverySync
from .relink import relink
from .series import SeriesSync
from .steps import Step, staged_remote_ids
from .writes import RemoteWrites

_logger = logging.getLogger(__name__)

_REMOTE_ACTIONS = (planner.CreateRemote, planner.UpdateRemote, planner.DeleteRemote)


class SyncRun(
    RemoteWrites,
    EventSync,
    SeriesSync,
    AnswerSync,
    MatchingSync,
    ConflictSync,
    RecoverySync,
):
    """One sync run of one account (plain Python, not a model).

    Subclasses name the provider (:attr:`provider`, :attr:`label`) and
    implement the hooks that talk its language: :meth:`_classify`,
    :meth:`_remote_rule`, :meth:`_event_op`, :meth:`_series_op`,
    :meth:`_delete_op`, :meth:`_instance_ids`, :meth:`_write`.
    """

    def __init__(
        self,
        env,
        account,
        adapter,
        client,
        items,
        full_sync,
        time_zone=None,
        step=None,
        **options,
    ):
        """
        :param adapter: the provider's :class:`engine.port.ProviderAdapter`
            class (the run makes its own instance, with ``options``)
        :param items: the remote items listed since the account's sync token
        :param full_sync: whether ``items`` is (part of) the whole calendar
        :param step: which part of a long listing ``items`` are
            (:class:`engine.steps.Step`); None: the whole listing
        """
        self.env = env
        self.adapter = adapter(self, **options)
        # (action type, is a series) -> the method applying it
        self._handlers = {
            (planner.UpdateLocal, False): self._do_UpdateLocal,
            (planner.UpdateLocal, True): self._series_UpdateLocal,
            (planner.DeleteLocal, False): self._do_DeleteLocal,
            (planner.DeleteLocal, True): self._series_DeleteLocal,
            (planner.BindLocal, False): self._do_BindLocal,
            (planner.BindLocal, True): self._do_BindLocal,
            (planner.MarkSynced, False): self._do_MarkSynced,
            (planner.MarkSynced, True): self._do_MarkSynced,
            (planner.MergeFields, False): self._do_MergeFields,
            (planner.MergeFields, True): self._series_MergeFields,
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
        self.step = step or Step()
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
        # as the account's user (superuser mode): Odoo expands series with the
        # week start of its user's language, the one the sync reasons with
        self.Event = (
            env["calendar.event"].with_user(self.user).sudo().with_context(**ctx)
        )
        self.Recurrence = (
            env["calendar.recurrence"].with_user(self.user).sudo().with_context(**ctx)
        )
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
        self.mirrors_to_rewrite = set()  # remote ids of mirrors given guests
        self.rewritten_series = set()  # ids of the series patched by this run
        self.imported_series = set()  # ids of the series it created so
        self.errors = []
        self.items = {}  # key -> record (event or recurrence)
        self.before = {}
        self.written = set()  # keys of the items this run wrote remotely
        self.answers = {}  # op key of an answer -> the attendees it carries
        # answers sent again that their organizer had: their attendees' ids,
        # and the op keys of their writes, sent without a mail (_lost_answers)
        self.restored_answers = set()
        self.quiet_answers = set()
        self.warnings = {}  # remote id -> what sanitizing its item changed
        self.raw = {}  # remote id -> the item as the provider sent it
        items = self._with_pending(items)
        self.singles, self.masters, self.instances = self._read_remote(items)

    # ================================================================== load
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
                    neutral["rule"], neutral["exdates"] = self._remote_rule(neutral)
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
        self._sort_tombstones(buckets["single"], buckets["master"], buckets["instance"])
        return buckets["single"], buckets["master"], buckets["instance"]

    def _local_singles(self):
        Event = self.Event
        if self.step.partial:
            # a part of a long listing: only what it received (the rest may
            # still come in a later part)
            events = Event.concat(
                *self.binder.records("calendar.event", self.singles).values()
            )
            events |= self._claimed_records("calendar.event")
            self.binder.load(events)
            return events
        # an occurrence bound here is an instance (the occurrence pass); one
        # whose instance is gone (its series made again there while another
        # calendar detached it) is an event of its own, to send (finding BA)
        base = [("recurrence_id", "=", False)] + self.binder.unbound_domain(
            [("original_start", "!=", False), ("remote_id", "!=", False)]
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
                    + self._not_staged()
                )
                + self.adapter.window_domain("event")
            )
        self.binder.load(events)
        return events

    def _not_staged(self):
        """Binding domain leaving out the items earlier parts of a long
        listing applied: what a full listing may find missing is the rest."""
        if not self.step.staged:
            return []
        return [("remote_id", "not in", staged_remote_ids(self.account))]

    def _local_occurrences(self):
        Event = self.Event
        if self.step.partial:
            events = Event.concat(
                *self.binder.records("calendar.event", self.instances).values()
            )
            self.binder.load(events)
            return events
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
            restorable=self._restorable(event),
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
            replaces=None if neutral["cancelled"] else self.adapter.replaced(neutral),
        )

    # ================================================================== run
    def execute(self):
        self.adapter.before_execute()
        self.remote = {**self.singles, **self.masters, **self.instances}
        # taken before the pull, which must not undo them
        answers = self._pending_answers()
        self._mark_mirrors()
        self._rebind_known()
        # after Odoo's own sync modules: what they pushed, and likely pairs
        relink(self)
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
        actions = planner.plan(local, remote, full_sync=self.full_sync)
        ops += self._apply(self._rewrite_mirrors(actions))
        self._take_kept_answers(actions, answers)
        self._push(ops)
        self._refresh_etags()
        self._extend_endless(received=self.masters)
        self.adapter.after_series()
        # pass 2: occurrences that differ from their series
        self._revive_occurrences()
        self._recreate_mirrors()
        occurrences = self._local_occurrences()
        self._refuse_guest_changes(occurrences)
        self.items.update({EventKey(e.id): e for e in occurrences})
        touched = series | occurrences.recurrence_id
        local = [self._event_state(e) for e in occurrences]
        remote = [self._remote_state(rid, n) for rid, n in self.instances.items()]
        actions = self._revive_cancelled(planner.plan(local, remote, made_again=False))
        actions = self._restore_exceptions(actions)
        answers.update(self._lost_answers(actions, answers))
        self._push(self._apply(actions) + self._answer_ops(answers))
        self._refresh_etags()
        self._drop_emptied(touched)

    def _refresh_etags(self):
        """Listed remote items that needed nothing in Odoo (an unmapped field
        changed) still moved on: remember their etag, or the next write of
        them would be refused as based on an outdated version."""
        if not self.remote:
            return
        # not an item this run wrote: its etag is the write's, newer than the
        # listing's (an older one would have its next write refused, 412)
        bindings = self.binder.Binding.concat(
            *(
                self.binder.of(record)
                for key, record in self.items.items()
                if key not in self.written
            )
        ).exists()
        for binding in bindings:
            neutral = self.remote.get(binding.remote_id)
            fresh = neutral and not neutral["cancelled"] and neutral.get("etag")
            if fresh and not binding.need_sync and fresh != binding.etag:
                binding.etag = fresh

    def _apply(self, actions):
        # the provider's key: a lazy label is translated with no language here
        _logger.debug(
            "%s plan for %s: %s", self.adapter.provider, self.account.email, actions
        )
        # the losing local version of a conflict, described before it is lost
        for action in actions:
            if isinstance(action, planner.ReportConflict):
                self.before[action.key] = self._describe_local(action.key)
        # what is new remotely is created in batches, first
        new = [a for a in actions if isinstance(a, planner.CreateLocal)]
        self._create_events([a for a in new if a.remote_id in self.singles])
        self._create_series([a for a in new if a.remote_id in self.masters])
        ops = []
        for action in actions:
            if isinstance(action, planner.CreateLocal):
                continue  # made above
            series = isinstance(getattr(action, "key", None), SeriesKey)
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
                    "%s sync of %s failed: %s", self.adapter.provider, action, exc
                )
                if not remote:
                    self.binder.forget()  # the savepoint's bindings are gone
                self._fail(self.items.get(getattr(action, "key", None)), exc)
                if not remote:
                    self._remember_failure(getattr(action, "remote_id", None), exc)
                continue
            if isinstance(op, list):
                ops += op
            elif op:
                ops.append(op)
        return ops

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
            neutral = self._with_odoo_attendees(neutral, event)
        return self.Event._calendar_sync_values(
            neutral,
            self._owner(neutral),
            self._partners([neutral]),
            self._alarms([neutral]),
            event,
        )

    @staticmethod
    def _with_odoo_attendees(neutral, event):
        """``neutral`` with the attendees Odoo's ``event`` has."""
        return {**neutral, "attendees": event._calendar_sync_neutral()["attendees"]}

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

    def finish(self, sync_token):
        """Record the successful run on the account: where the next one starts
        (a part of a long listing leaves that to the last part)."""
        values = {"state": "connected", "last_error": self.summary_error()}
        if not self.step.partial:
            values.update(sync_token=sync_token, last_sync_date=fields.Datetime.now())
        self.account.write(values)
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
