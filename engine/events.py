# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Single events in a sync run: the planner's actions on one event applied.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): remote
events imported in one batch, remote changes written over Odoo's, deletes,
bindings, and the writes (conditional on the last etag) sent to the provider.
"""

import logging
from contextlib import contextmanager

from odoo import _

from ..models.calendar_event import SYNC_CONTEXT
from ..services import conflicts, planner
from ..services.snapshot import canonical, equivalent_zones
from .keys import EventKey

_logger = logging.getLogger(__name__)


class EventSync:
    """The single-event part of a sync run (see :class:`engine.run.SyncRun`)."""

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
            self.binder.forget()  # the savepoint's bindings are gone
        for action, values, binding in zip(actions, vals_list, bindings, strict=True):
            try:
                with self.env.cr.savepoint():
                    event = self.Event.create(values)
                    self.binder.bind_new(event, [binding])
                    self.imported.add(event.id)
                self.counters["pulled"] += 1
            except Exception as exc:  # noqa: BLE001 - isolate per item
                self.binder.forget()
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

    def _bind_values(self, remote_id, neutral, record=None):
        """Binding values of a remote item applied to Odoo (``record``, where
        known). A series' version last synced holds its rule and zone, as its
        Odoo version does: without them a series joined this way counted as
        changed on both sides in its timing, and a later change of it in the
        calendar (a guest invited) undid Odoo's move of it (finding AZ). A
        zone the calendar names otherwise, ticking the same, is Odoo's (as
        the run takes it, see :meth:`execute`)."""
        if remote_id in self.masters:
            series = record and record._name == "calendar.recurrence"
            tz = record.event_tz if series else None
            if tz and equivalent_zones(neutral.get("tz"), tz):
                neutral = {**neutral, "tz": tz}
            snapshot = self._remote_series_snapshot(neutral)
        else:
            snapshot = canonical(neutral)
        return {
            "remote_id": remote_id,
            "etag": neutral.get("etag"),
            "synced": conflicts.dumps(snapshot),
            "ical_uid": neutral.get("ical_uid") or False,
            "guest_copy": self._guest_copy(neutral),
            "need_sync": False,
            "sync_error": False,
        }

    def _do_UpdateLocal(self, action):
        event = self.items[action.key]
        neutral = self.remote[action.remote_id]
        shared = event.user_id != self.user and self._shared(event, event.user_id)
        if event.user_id != self.user and not shared:
            # someone else's meeting, seen in this user's calendar: only this
            # user's own answer comes from here (their calendar is the source)
            self._set_own_answer(event, neutral)
        else:
            # an outside organizer's meeting is a copy in each guest's
            # calendar: any of them brings the organizer's latest version
            if (
                event.recurrence_id.id in self.rewritten_series
                and self.adapter.series_write_drops_exceptions
            ):
                # listed before this run wrote its series again, which gives
                # the series' guests to every occurrence there: Odoo's stand
                # (the occurrence is sent back, see _restore_exceptions)
                neutral = self._with_odoo_attendees(neutral, event)
            values = self._values(neutral, event)
            self.binder.set(event, guest_copy=self._guest_copy(neutral))
            if event.recurrence_id or shared:
                values.pop("user_id")
            if event.recurrence_id:
                values["follow_recurrence"] = False
            if shared:
                self._write_shared(event, values)
            else:
                event.write(values)
            if not neutral.get("mirror"):
                self._take_answers(event, neutral)
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

    def _shared(self, record, owner_user):
        """Whether ``record`` (an event, or a series whose Odoo owner is
        ``owner_user``, another user) is an outside organizer's meeting that
        this user's calendar holds as a copy too, as its Odoo owner does:
        any of the copies brings the organizer's latest version (the owner
        may leave it, finding AP: the others hold it on)."""
        return bool(
            self.binder.get(record, "guest_copy")
            and self._outside_copy(record, owner_user)
        )

    def _write_shared(self, event, values):
        """Write a guest's copy over the outside organizer's meeting that
        Odoo has as another user's copy (see :meth:`_shared_write`)."""
        with self._shared_write(event):
            event.write(values)

    @contextmanager
    def _shared_write(self, events, series=None):
        """Write this user's copy of an outside organizer's meeting over
        ``events`` (of the ``series``, if any), which another user holds in
        Odoo as their copy. Odoo resets the answer of an event's owner when
        someone else writes its times, even unchanged ones: their answer is
        kept, their own calendar brings it. The other guests' copies are not
        marked changed: the organizer gave them this version too (their run
        would find Odoo's change refused, or send it as the series' owner)."""
        owner = events.attendee_ids.filtered(
            lambda att: att.partner_id == att.event_id.user_id.partner_id
        )
        states = {att.id: att.state for att in owner}
        copies = self._meeting_bindings(events, series).filtered(
            lambda b: b.guest_copy and not b.need_sync and b.account_id != self.account
        )
        yield
        copies.exists().write({"need_sync": False})
        for attendee in owner.exists():
            state = states[attendee.id]
            if attendee.state != state:
                attendee.with_context(**{SYNC_CONTEXT: True}).state = state

    def _do_DeleteLocal(self, action):
        event = self.items[action.key]
        if event.user_id != self.user:
            # the attendee removed their copy of someone else's meeting: they
            # declined; the meeting itself is not theirs to delete
            self._decline(event)
            self.binder.drop(event)
            return
        heirs = self._outside_copy(event)
        if heirs and self.binder.get(event, "guest_copy"):
            # an outside organizer's meeting gone from this user's calendar
            # (removed, or deleted by the user: declined) stays for the other
            # users invited to it: one of them holds it now
            self._decline(event)
            self._hand_over(event, heirs)
            self.binder.drop(event)
        elif self._bound_elsewhere(event):
            # still in the user's other calendars: the delete goes there too
            event.write({"active": False, "calendar_sync_deleted": True})
            self.binder.drop(event)
        else:
            event.unlink()
        self.counters["pulled"] += 1

    def _hand_over(self, events, heirs, series=None):
        """The first of ``heirs`` (see :meth:`_outside_copy`) holds
        ``events`` from now on (an outside organizer's meeting, or all of the
        ``series``' occurrences); bookkeeping: the heir's calendar already
        has them as they are, the organizer's version (what Odoo wrote over
        them while their owner was another is nothing to send from there)."""
        heir = heirs[0]
        events = events.with_context(active_test=False)
        events.with_context(**{SYNC_CONTEXT: True}).write({"user_id": heir.user_id.id})
        self._meeting_bindings(events, series).filtered(
            lambda b: b.account_id == heir and b.guest_copy and b.need_sync
        ).write({"need_sync": False})

    @staticmethod
    def _meeting_bindings(events, series=None):
        """Every calendar's bindings of ``events`` and of their ``series``."""
        bindings = events.sudo().calendar_sync_binding_ids
        if series:
            bindings |= series.sudo().calendar_sync_binding_ids
        return bindings

    def _outside_copy(self, event, owner_user=None):
        """The accounts of other users whose calendars hold ``event`` (or a
        series, whose Odoo owner is ``owner_user``) as their copy of an
        outside organizer's meeting: empty unless its Odoo owner only has it
        as a guest's copy too (an Odoo user's own meeting is theirs, whoever
        else holds a copy)."""
        owner_user = owner_user or event.user_id
        bindings = event.sudo().calendar_sync_binding_ids.filtered("remote_id")
        owner = bindings.filtered(lambda b: b.account_id.user_id == owner_user)
        if not owner or not all(owner.mapped("guest_copy")):
            return []
        return [
            binding.account_id
            for binding in bindings
            if binding.guest_copy and binding.account_id.user_id != self.user
        ]

    def _do_BindLocal(self, action):
        record = self.items[action.key]
        self.binder.unbind_remote([action.remote_id], record._name, keep=record)
        values = {"remote_id": action.remote_id}
        # the meeting's iCalUID, by which its guests' copies join it
        ical_uid = (self.remote.get(action.remote_id) or {}).get("ical_uid")
        if ical_uid:
            values["ical_uid"] = ical_uid
        self.binder.set(record, **values)
        if record._name == "calendar.recurrence":
            self._bind_found_series(record, action.remote_id, planned=True)

    def _do_MarkSynced(self, action):
        record = self.items[action.key]
        neutral = self.remote.get(action.remote_id) or {}
        self.binder.set(
            record,
            need_sync=False,
            etag=neutral.get("etag") or self.binder.get(record, "etag"),
        )
        ops = []
        if record._name == "calendar.recurrence":
            reset = self.Event
            if self._remade_unbound(record):
                # Odoo's series is the calendar's, yet Odoo made occurrences
                # again since (an "all events" move that another calendar's
                # later version undid): bound as a write of it would, or a
                # change of one of them here would reach the archived
                # occurrence of the old series (finding AY)
                reset = self._bind_occurrences_again(
                    record, action.remote_id, self.binder.get(record, "etag")
                )
            self.binder.set(self._following(record) - reset, need_sync=False)
            snapshot = self._series_snapshot(record, self._series_base(record))
            self.binder.set(record, synced=conflicts.dumps(snapshot))
            # one that took the instance of an exception (or of a deleted
            # one) is sent to it, as after a write of the series
            ops = [self._send_to_instance(event) for event in reset]
        else:
            self.binder.set(record, sync_error=False)
        return ops

    def _send_to_instance(self, event):
        """The write of the occurrence ``event`` to the instance it is bound
        to (an exception of its series there)."""
        key = EventKey(event.id)
        self.items[key] = event
        return self._do_UpdateRemote(
            planner.UpdateRemote(key, self.binder.remote_id(event))
        )

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
        """The etag a write of ``record`` is conditional on: the version
        this run listed, else the one last synced. A remote change made while
        the run was under way is then refused (412), not overwritten. Single
        events only: an occurrence's or a series' etag moves with every
        change of the series, which the run may have made itself a moment
        before."""
        if record._name != "calendar.event" or record.recurrence_id:
            return None
        if self.binder.get(record, "original_start"):
            return None
        # the version this run listed, which its decision took into account
        # (an archive that wins over a later listed change is sent against
        # that change: refused, it was stuck, finding AM)
        listed = self.remote.get(self.binder.remote_id(record))
        if listed and not listed["cancelled"] and listed.get("etag"):
            return listed["etag"]
        return self.binder.get(record, "etag") or None
