# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Occurrences a calendar deleted that Odoo has again (a mixin of
:class:`engine.series.SeriesSync`).

An occurrence deleted in Odoo is deleted in each calendar, and its binding
there lets go of the instance. Odoo may have it again: a later change in
another calendar restores it (the planner's ``_decide_archived``), or Odoo
rewrites the series ("all events" with a new rule) and makes every slot
again. A provider that keeps a deleted occurrence as a cancelled exception
(``revives_instances``: Google) brings it back with a write of the instance;
one that cannot (Outlook: a deleted occurrence of a series is gone for good)
gets the series' mirror made again. Where such a calendar *hosts* the
series, the occurrence it deleted stays deleted: a later change in another
calendar does not restore it (:meth:`_restorable`).
"""

import logging

from ..services import conflicts, planner
from ..services.snapshot import canonical
from . import adapter
from .keys import SeriesKey

_logger = logging.getLogger(__name__)


class SeriesRevive:
    """Restored occurrences of a run's series (see :mod:`engine.series`)."""

    def _restorable(self, event):
        """Whether a change of ``event`` in this calendar may bring it back
        when it is archived in Odoo (the planner's ``LocalState.restorable``).
        Not an occurrence that another calendar of the user, which hosts its
        series (not a mirror, not a guest's copy), has deleted (its binding
        there let go of the instance) and cannot bring back (not
        ``revives_instances``): that series is not made again
        (:meth:`_recreate_mirrors`), so the restored occurrence would stay
        missing there; it stays deleted, here too."""
        if event.active or not event.recurrence_id:
            return True
        hosts = {
            binding.account_id
            for binding in event.recurrence_id.calendar_sync_binding_ids
            if binding.account_id != self.account
            and binding.account_id.user_id == self.user
            and binding.remote_id
            and not binding.mirror
            and not binding.guest_copy
            and not adapter(binding.account_id.provider).revives_instances
        }
        return not any(
            binding.account_id in hosts and not binding.remote_id
            for binding in event.calendar_sync_binding_ids
        )

    def _took_cancelled(self, master_id, pairs, held):
        """Odoo rewrote the series ("all events" with a new rule) and made
        every slot again, those of occurrences deleted alone before too: the
        calendar still has such an instance deleted (the delete's binding
        let go of it, so no event held it), and an occurrence that takes it
        is sent, where the provider brings it back (``revives_instances``).
        Arguments as :meth:`_took_exception`."""
        if not self.adapter.revives_instances:
            return self.Event
        fresh = {
            values["remote_id"]: (event, values)
            for event, values in pairs
            if event.follow_recurrence
            and values["remote_id"] not in held
            and self.binder.remote_id(event) != values["remote_id"]
        }
        originals = {
            rid: values["original_start"] for rid, (_e, values) in fresh.items()
        }
        cancelled = self.adapter.cancelled_instances(master_id, originals)
        for remote_id in cancelled:
            fresh[remote_id][1]["need_sync"] = True
        return self.Event.concat(*(fresh[rid][0] for rid in cancelled))

    def _revive_cancelled(self, actions):
        """The occurrences pass's actions, less the creates: an occurrence
        is not created alone, and an exception of a series Odoo does not
        have has nothing to attach to. But an occurrence changed alone in
        Odoo whose instance the calendar deleted meanwhile (the change wins,
        the planner's ``_decide_cancelled``) is written to that instance,
        which brings it back, where the provider can (``revives_instances``;
        elsewhere the occurrence stays deleted, see :meth:`_restorable`).
        Not one that follows its series (a change of the whole series, whose
        write failed, is no change of that occurrence), nor one of a guest's
        copy (a guest's change is refused)."""
        out, deleted = [], set()
        for action in actions:
            if isinstance(action, planner.CreateRemote):
                event = self.items.get(action.key)
                remote_id = event and self.binder.remote_id(event)
                cancelled = remote_id and self._deleted_there(event)
                if cancelled and self._changed_with_its_series(event):
                    # Odoo changed it as a whole series only: the delete
                    # made there stays (finding BC)
                    out.append(planner.DeleteLocal(action.key, remote_id))
                    deleted.add(action.key)
                elif (
                    cancelled
                    and self.adapter.revives_instances
                    and not event.follow_recurrence
                    and not self.binder.get(event.recurrence_id, "guest_copy")
                ):
                    out.append(planner.UpdateRemote(action.key, remote_id))
                continue
            if isinstance(action, planner.ReportConflict) and action.key in deleted:
                continue
            if not isinstance(action, planner.CreateLocal):
                out.append(action)
        return out

    def _changed_with_its_series(self, event):
        """Whether every change Odoo made to the occurrence ``event`` since
        it was last synced here gives it its series' value (Odoo writes an
        "all events" change, a new title or guest, on every occurrence, its
        exceptions too): no change of that occurrence alone, which would win
        over a delete in the calendar (README, *Recurring events*)."""
        synced = conflicts.loads(self.binder.get(event, "synced"))
        recurrence = event.recurrence_id
        if not synced or not recurrence:
            return False
        now = canonical(self._local_neutral(event))
        series = self._series_snapshot(recurrence, self._series_base(recurrence))
        changed = [key for key, value in now.items() if synced.get(key) != value]
        return all(key in series and series[key] == now[key] for key in changed)

    def _restored_occurrences(self, made_again=True):
        """The user's occurrences changed alone, in series bound here, that
        Odoo has again after this calendar deleted them: bound here without
        remote id and needing sync (restored in Odoo since), or, with
        ``made_again``, bound only in another calendar, which recorded their
        slot (made again by that calendar: a series Odoo rewrote)."""
        lost = self.binder.bound_domain(
            [
                ("remote_id", "=", False),
                ("need_sync", "=", True),
                ("original_start", "!=", False),
                ("guest_copy", "=", False),
            ]
        )
        if made_again:
            lost = [
                "|",
                *lost,
                "&",
                *self.binder.unbound_domain(),
                (
                    "calendar_sync_binding_ids",
                    "any",
                    [("original_start", "!=", False), ("guest_copy", "=", False)],
                ),
            ]
        return self.Event.search(
            [
                ("user_id", "=", self.user.id),
                ("active", "=", True),
                ("follow_recurrence", "=", False),
                ("recurrence_id", "!=", False),
                (
                    "recurrence_id",
                    "any",
                    self.binder.bound_domain([("remote_id", "!=", False)]),
                ),
                *lost,
            ]
        )

    def _revive_occurrences(self):
        """Occurrences changed alone that Odoo has again after this calendar
        deleted them (:meth:`_restored_occurrences`): nothing would send
        them. They are bound again to their instance, whose write brings it
        back, where the provider can (``revives_instances``; elsewhere see
        :meth:`_recreate_mirrors`). A cancelled instance this listing brings
        is that delete, which the restore in Odoo overrides (a change in
        Odoo wins over a remote delete, see the planner)."""
        if not self.adapter.revives_instances:
            return
        events = self._restored_occurrences()
        self.binder.load(events)
        self._adopt_original_starts(events.filtered(lambda ev: not self.binder.of(ev)))
        for recurrence in events.recurrence_id:
            originals = {
                event: self._original(event)
                for event in events.filtered(
                    lambda ev, r=recurrence: ev.recurrence_id == r
                )
            }
            ids = self.adapter.instance_ids(
                recurrence, self.binder.remote_id(recurrence), set(originals.values())
            )
            owners = {ids[o]: event for event, o in originals.items() if o in ids}
            self.binder.claim(owners)
            etag = self.binder.get(recurrence, "etag")
            for remote_id, event in owners.items():
                self.binder.set(event, remote_id=remote_id, etag=etag)
                if self.instances.get(remote_id, {}).get("cancelled"):
                    del self.instances[remote_id]
                    self.remote.pop(remote_id, None)

    def _remade_mirror(self, recurrence):
        """Whether this calendar holds ``recurrence`` as a mirror it may
        delete and make again (not a guest's copy, not a series managed
        elsewhere)."""
        binding = self.binder.of(recurrence)
        return bool(
            binding.mirror
            and not binding.guest_copy
            and not recurrence.calendar_sync_managed
        )

    def _recreate_mirrors(self):
        """Where the provider cannot bring a deleted occurrence back (not
        ``revives_instances``), a mirror whose occurrence Odoo has again
        (:meth:`_restored_occurrences`) is deleted and made again, after the
        series pass (which applied what the listing brought of it), as for a
        calendar new to the series: the occurrences changed alone are sent
        as its exceptions, the restored one among them. A mirror holds no
        attendees: nobody is mailed. A series this calendar hosts stays as
        it is (made again, its guests would get it cancelled and sent
        anew)."""
        if self.adapter.revives_instances or self.step.partial:
            return
        events = self._restored_occurrences(made_again=False)
        deletes = []
        for recurrence in events.recurrence_id:
            binding = self.binder.of(recurrence)
            if not self._remade_mirror(recurrence) or not self._bound_elsewhere(
                recurrence
            ):
                continue
            _logger.debug(
                "mirror %s made again for its restored occurrences", recurrence
            )
            key = SeriesKey(recurrence.id)
            self.items[key] = recurrence
            deletes.append(self.adapter.delete_op(key, binding.remote_id))
        # the delete's record unbinds the series here (still in the other
        # calendar, see _record_write); one that failed is tried next run
        self._push(deletes)
        self._push(
            [
                self._series_CreateRemote(planner.CreateRemote(op.key))
                for op in deletes
                if not self.binder.remote_id(self.items[op.key])
            ]
        )
