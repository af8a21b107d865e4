# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook (Microsoft Graph): a series' instances, read and compared.

Outlook lists a series' master with sparse occurrences and signals no deleted
occurrence, and its occurrence ids are opaque: the instances of every changed
series are fetched (``/instances``, in ``$batch`` requests) and compared with
Odoo's occurrences, which they bind; an Odoo occurrence Outlook lacks in the
window was deleted there. Outlook has no EXDATE: the occurrences Odoo's series
lacks are deleted one by one. Outlook puts day 29-31 (and February 29) on the
last day of the months lacking it, where Odoo's rule has no occurrence
(:meth:`MicrosoftSeries.extra_occurrences`).

One series whose ``/instances`` cannot be read does not stop the run: its
occurrences are left as they are, the error is recorded on the series, and the
next run reads them again (a series' own binding holds the error meanwhile).

:class:`MicrosoftSeries` is this half of
:class:`engine.microsoft.MicrosoftAdapter`.
"""

import logging
from datetime import datetime

from odoo import _

from ..services.exceptions import CalendarSyncError
from ..services.graph_mapper import from_graph
from ..services.graph_recurrence import graph_extra_dates
from ..services.neutral_event import utc_naive, utc_to_naive_local
from .keys import EventKey, InstanceKey, SeriesKey
from .series_slots import slot_stamp

_logger = logging.getLogger(__name__)


class MicrosoftSeries:
    """The series half of :class:`engine.microsoft.MicrosoftAdapter`: its
    instances cache (``_instances``, ``_instance_errors``, ``_gone``), the
    series to compare (``_changed``), to read again (``_retry``) and waiting
    (``_pending``)."""

    def _series_instances(self, master_ids):
        """Instances of the series, fetched in $batch requests and cached.

        A series whose instances could not be read is in ``_instance_errors``
        (and reads as ``[]`` here): never take that for "no occurrences"."""
        missing = [
            mid
            for mid in master_ids
            if mid not in self._instances and mid not in self._instance_errors
        ]
        if missing:
            start, end = self.window
            found = self.client.instances_results(missing, start, end)
            for master_id, series in found.items():
                if series.error is not None:
                    self._instance_errors[master_id] = series.error
                    continue
                if series.gone:
                    self._gone.add(master_id)
                try:
                    self._instances[master_id] = [
                        from_graph(instance, "UTC")
                        for instance in series.instances or ()
                    ]
                except CalendarSyncError as exc:
                    self._instance_errors[master_id] = exc
        return {mid: self._instances.get(mid) or [] for mid in master_ids}

    def instance_ids(self, recurrence, master_id, originals):
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            # unknown, not empty: its occurrences wait for the next run
            self._instances_failed(recurrence, master_id)
            return {}
        allday = any(not isinstance(o, datetime) for o in originals)
        tz = recurrence.event_tz or "UTC"
        ids = {}
        for instance in instances:
            original = instance.get("original_start")
            if original is None:
                continue
            if allday:
                original = utc_to_naive_local(original, tz).date()
            ids[original] = instance["remote_id"]
        return {o: ids[o] for o in originals if o in ids}

    def managed_instances(self, master_id, neutral):
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            return None
        return instances

    def extra_occurrences(self, neutral, slots):
        """The last day of the months lacking day 29-31 (or February 29)
        where Outlook puts a series' occurrence, up to Odoo's last slot; in
        the window, only those Outlook still has (a deleted one is not
        listed)."""
        recurrence = neutral.get("recurrence") or {}
        if not slots or not recurrence.get("pattern"):
            return []
        tz, allday = neutral["tz"], bool(neutral["allday"])
        until = slots[-1] if allday else utc_to_naive_local(slots[-1], tz).date()
        if neutral["rule"]["end_type"] == "end_date":
            until = neutral["rule"]["until"]
        if not allday:
            wall = utc_to_naive_local(neutral["start"], tz).time()
        days = graph_extra_dates(recurrence, until)
        extra = [
            day if allday else utc_naive(datetime.combine(day, wall), tz)
            for day in days
        ]
        master_id = neutral["remote_id"]
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            return []
        listed = {
            utc_to_naive_local(original, tz).date() if allday else original
            for original in (instance.get("original_start") for instance in instances)
            if original is not None
        }
        start, end = self.window
        if not start:
            return [slot for slot in extra if slot in listed]
        # beyond the window Outlook lists nothing: its occurrences are there
        return [
            slot
            for slot in extra
            if slot in listed
            or not start.date() <= (slot if allday else slot.date()) <= end.date()
        ]

    def unmatched_occurrences(self, events):
        # Outlook lists every occurrence of the window: an Odoo occurrence it
        # lacks was deleted in Outlook (deletions are not in the delta), unless
        # the series' instances could not be read in this run
        waiting = events.filtered(lambda ev: ev.recurrence_id.id in self._pending)
        # not bound until the next run reads them, yet as the series is: not
        # "changed in Odoo" (which would send the whole series again)
        self.binder.set(
            waiting.filtered(
                lambda ev: ev.follow_recurrence and not self.binder.remote_id(ev)
            ),
            need_sync=False,
        )
        events -= waiting
        start, end = self.window
        inside = events.filtered(lambda ev: start <= ev.start <= end)
        self.run.counters["pulled"] += len(inside)
        # an occurrence of someone else's meeting its organizer left the user
        # out of (Outlook deletes it from their calendar): not theirs to
        # delete. One they are still invited to went from their calendar as
        # its organizer's delete reached it, or their own: deleted as ever
        left_out = inside.filtered(
            lambda ev: (
                ev.user_id != self.run.user
                and self.run.user.partner_id not in ev.partner_ids
            )
        )
        self.binder.drop(left_out)
        inside -= left_out
        # still in the user's other calendars: the delete goes there too
        elsewhere = inside.filtered(self.run._bound_elsewhere)
        # unless Odoo changed it alone since (its change, still to send here,
        # wins over the delete) in a series this calendar holds as a mirror:
        # Outlook cannot bring it back, the mirror is made again with it
        # (see _recreate_mirrors; finding BL)
        kept = elsewhere.filtered(self._restored_in_mirror)
        self.binder.set(kept, remote_id=False, etag=False)
        inside -= kept
        elsewhere -= kept
        self.binder.drop(elsewhere)
        elsewhere.write({"active": False, "calendar_sync_deleted": True})
        (inside - elsewhere).unlink()

    def _restored_in_mirror(self, event):
        """Whether ``event``, an occurrence of the user's series deleted in
        this calendar, was changed alone in Odoo since it was last sent here,
        in a series this calendar holds as a mirror."""
        if event.follow_recurrence or event.user_id != self.run.user:
            return False
        if not self.binder.get(event, "need_sync"):
            return False
        return self.run._remade_mirror(event.recurrence_id)

    def after_series(self):
        """Occurrences deleted in Outlook: compare the changed series' instances
        with their Odoo occurrences. The series an earlier run could not read
        are read again here, and brought to where that run would have left
        them."""
        master_ids = list(dict.fromkeys(self._changed + sorted(self._retry)))
        if not master_ids:
            return
        instances = self._series_instances(master_ids)
        bound = self.binder.records("calendar.recurrence", master_ids)
        ops = []
        for master_id, recurrence in bound.items():
            if master_id in self._instance_errors:
                # not "every occurrence deleted": left alone, read next run
                self._instances_failed(recurrence, master_id)
                continue
            if master_id in self._retry:
                try:
                    with self.env.cr.savepoint():
                        ops += self._read_again(recurrence, master_id)
                    self._retry.discard(master_id)
                except Exception as exc:  # noqa: BLE001 - isolate per series
                    _logger.info("Outlook series %s: %s", master_id, exc)
                    self.binder.forget()  # the savepoint's bindings are gone
                    self.run._fail(recurrence, exc)
                continue
            alive = {i["remote_id"] for i in instances[master_id]}
            gone = self.run._occurrences(recurrence).filtered(
                lambda ev, alive=alive: (
                    self.binder.remote_id(ev) and self.binder.remote_id(ev) not in alive
                )
            )
            revived = self._revived(recurrence, master_id)
            gone -= revived
            gone -= self._moved_on(recurrence, master_id, gone)
            ops += self._delete_again(revived)
            self.unmatched_occurrences(gone)
        self.run._push(ops)

    def _deleted_occurrences(self, master_ids):
        """The occurrences of the listed series ``master_ids``, the user's
        own, that Outlook deleted before this run wrote anything: bound to an
        instance it no longer lists ({master id: {event id: instance id}}).
        None of a series Odoo moved or gave a new rule as a whole since it
        was last synced: Odoo made every slot again (as Outlook does when a
        series' times change), the deleted ones too."""
        out = {}
        start, end = self.window
        bound = self.binder.records("calendar.recurrence", master_ids)
        for master_id, recurrence in bound.items():
            if master_id in self._instance_errors:
                continue
            alive = {i["remote_id"] for i in self._instances.get(master_id) or ()}
            deleted = {
                event.id: self.binder.remote_id(event)
                for event in self.run._occurrences(recurrence)
                if event.user_id == self.run.user
                and self.binder.remote_id(event)
                and self.binder.remote_id(event) not in alive
                and (not start or start <= event.start <= end)
            }
            if deleted and not self.run._rewritten_since_sync(recurrence):
                out[master_id] = deleted
        return out

    def _revived(self, recurrence, master_id):
        """Occurrences Outlook had deleted when this run wrote their series
        again: the write drops the series' exceptions, its deleted
        occurrences among them, and Outlook has them back (a split sent
        while the first occurrence was deleted there, AQ's Outlook twin).
        Only those still bound to the instance Outlook deleted, of a write
        that went through: a series the calendar moved meanwhile has every
        occurrence bound to a new instance (the old ones are gone for good),
        and a write refused revived nothing."""
        deleted = self._deleted_there.get(master_id)
        if not deleted or SeriesKey(recurrence.id) not in self.run.written:
            return self.run.Event
        return self.run._occurrences(recurrence).filtered(
            lambda ev: (
                deleted.get(ev.id) and self.binder.remote_id(ev) == deleted[ev.id]
            )
        )

    def _delete_again(self, events):
        """Deletes of the instances ``events`` are bound to (deleted in
        Outlook, back after this run's write of their series): the delete
        made there stays. Each is deleted in Odoo as a user's delete is
        (archived, marked, removed for good once the calendar deleted it):
        a delete Outlook refuses (a 503) is sent again by the next run, whose
        listing no longer tells it was deleted there."""
        events.write({"active": False, "calendar_sync_deleted": True})
        self.binder.set(events, need_sync=True)
        ops = []
        for event in events:
            key = EventKey(event.id)
            self.run.items[key] = event
            ops.append(self.delete_op(key, self.binder.remote_id(event)))
        return ops

    def _instance_delete(self, recurrence, original, instance_id):
        """The delete of ``recurrence``'s Outlook occurrence ``instance_id``
        (at ``original``)."""
        key = InstanceKey(recurrence.id, original)
        self.run.items[key] = recurrence
        return self.delete_op(key, instance_id)

    def _moved_on(self, recurrence, master_id, events):
        """Occurrences of someone else's series whose instance id this
        calendar no longer lists, yet whose slot it still has: the organizer
        wrote the series again (Outlook gives every occurrence a new id in
        each attendee's copy). Each is bound to the instance of its slot;
        returns them (not gone: nothing removed them)."""
        run = self.run
        others = events.filtered(lambda ev: ev.user_id != run.user)
        originals = {
            event: (event.start_date if event.allday else event.start)
            if event.follow_recurrence
            else run._original(event)
            for event in others
        }
        ids = self.instance_ids(recurrence, master_id, set(originals.values()))
        owners = {
            ids[original]: event
            for event, original in originals.items()
            if original in ids
        }
        self.binder.claim(owners)
        for remote_id, event in owners.items():
            stamp = slot_stamp(originals[event], event.allday)
            self.binder.set(event, remote_id=remote_id, original_start=stamp)
        return self.run.Event.concat(*owners.values())

    def _changed_masters(self):
        """The masters of the listing whose instances must be compared: new
        ones, and those whose etag differs from the one recorded when their
        instances were last compared (a cancelled or edited occurrence
        changes its master's etag; our own write coming back does not)."""
        masters = {
            rid: neutral
            for rid, neutral in self.run.masters.items()
            if not neutral["cancelled"]
        }
        bound = self.binder.records("calendar.recurrence", masters)
        return [
            rid
            for rid, neutral in masters.items()
            if rid not in bound
            or not neutral.get("etag")
            or neutral["etag"] != self.binder.get(bound[rid], "etag")
        ]

    # ------------------------------------------------------------ failed series
    @property
    def series_waiting(self):
        """Some series wait for their instances to be read again."""
        return bool(self._pending or self._retry)

    def _instances_failed(self, recurrence, master_id):
        """Record on ``recurrence`` (once per run) that its instances could not
        be read; the next run reads them again (its binding keeps the error)."""
        if not recurrence or recurrence.id in self._pending:
            return
        self._pending.add(recurrence.id)
        error = self._instance_errors[master_id]
        message = _(
            "The occurrences of this series could not be read from %(provider)s "
            "(%(error)s): they are left as they are, and read again on the next "
            "sync.",
            provider=self.label,
            error=getattr(error, "message", None) or str(error),
        )[:500]
        self.run._fail(recurrence, message)
        self.binder.set(recurrence, sync_error=message)

    def _read_again(self, recurrence, master_id):
        """A series an earlier run could not read, now read: bind its
        occurrences (those Outlook no longer has go, as in any run), apply its
        exceptions made in Outlook, and return the deletes of the occurrences
        Odoo's series lacks."""
        run = self.run
        self._clear_failure(recurrence)
        if master_id in self._gone:
            return []  # the series itself is gone: its removal says so
        if recurrence.calendar_sync_managed:
            # Outlook's own occurrences, read again with its next change: no
            # Odoo rule to bind or delete by
            return []
        run._bind_occurrences_again(
            recurrence, master_id, self.binder.get(recurrence, "etag")
        )
        for instance in self._instances.get(master_id) or ():
            if instance.get("graph_type") == "exception":
                # made in Outlook meanwhile: the occurrence pass applies it
                run.instances.setdefault(instance["remote_id"], instance)
                run.remote.setdefault(instance["remote_id"], instance)
        return self._missing_slots(recurrence, master_id)

    def _clear_failure(self, recurrence):
        message = self.binder.get(recurrence, "sync_error")
        if not message:
            return
        self.binder.set(recurrence, sync_error=False)
        base = self.run._series_base(recurrence)
        if base and self.binder.get(base, "sync_error") == message:
            self.binder.set(base, sync_error=False)

    def _missing_slots(self, recurrence, master_id):
        """Deletes of the Outlook occurrences of slots that Odoo's series lacks
        (Outlook has no EXDATE), for a series this calendar organizes."""
        run = self.run
        base = run._series_base(recurrence)
        if (
            base.user_id != run.user
            or self.binder.get(recurrence, "guest_copy")
            or recurrence.calendar_sync_managed
        ):
            return []
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        # an archived occurrence still bound is deleted by the occurrence pass
        taken = {
            run._original(event)
            for event in events
            if event.active or self.binder.remote_id(event)
        }
        slots = run._series_slots(recurrence, base)
        return self._slot_deletes(
            recurrence, master_id, [slot for slot in slots if slot not in taken]
        )

    def _slot_deletes(self, recurrence, master_id, originals):
        """Deletes of the Outlook occurrences of ``originals``."""
        ids = self.instance_ids(recurrence, master_id, set(originals))
        return [
            self._instance_delete(recurrence, original, instance_id)
            for original, instance_id in ids.items()
        ]
