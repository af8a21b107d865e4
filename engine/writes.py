# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A sync run's remote writes and what their results leave in Odoo.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): the
run's operations sent in batches through its adapter, each result recorded on
its binding (remote id, etag, the version sent), a refusal recorded on its
item and kept for the next run, and the follow-up writes a result calls for
(an exception of a series written again).
"""

from odoo import _

from ..services import conflicts
from ..services.snapshot import canonical, series_fields
from .keys import InstanceKey


class RemoteWrites:
    """Sending a run's writes (see :class:`engine.run.SyncRun`)."""

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
                message = _(
                    "%(provider)s is busy (%(status)s); the sync tries again "
                    "on its next run.",
                    provider=self.adapter.label,
                    status=result.status,
                )
            elif not result.ok:
                message = _(
                    "%(provider)s refused the change (%(status)s %(reason)s): "
                    "%(message)s",
                    provider=self.adapter.label,
                    status=result.status,
                    reason=result.reason,
                    message=result.message,
                )
            if not result.ok:
                self._fail(record, message)
                if op.action == "insert":
                    self._keep_the_delete(record, message)
                continue
            self.counters["pushed"] += 1
            follow_ups += self._pushed(op, record, result.event or {})
        if follow_ups:
            self._push(follow_ups)

    def _keep_the_delete(self, record, message):
        """A re-creation after a remote delete that failed (a 429, an error
        page): the delete this run listed is kept for the next run (as an
        item whose application failed), whose listing no longer brings it.
        That run decides again and sends the create again, as the same
        create (Outlook's transaction id derives from the deleted item's
        id). Bound to the deleted item and changed, the record would be
        patched there instead: the calendar kept it deleted while Odoo had
        it (finding AO)."""
        remote_id = self.binder.remote_id(record)
        if not remote_id:
            return
        listed = self.remote.get(remote_id)
        if listed is not None:
            gone = listed["cancelled"]
        else:
            # a full listing that lacks it (the planner's "gone remotely"):
            # an event or a series, not an occurrence of a rewritten series
            gone = self.full_sync and (
                record._name == "calendar.recurrence" or not record.recurrence_id
            )
        if gone:
            # a delete confirmed apart (Outlook's window) is in no listing
            self.raw.setdefault(remote_id, self.adapter.tombstone(remote_id))
            self._remember_failure(remote_id, message)

    def _pushed(self, op, record, remote):
        """Record a successful write; return follow-up writes, if any."""
        self.written.add(op.key)
        if isinstance(op.key, InstanceKey):
            return []  # an occurrence deleted to match Odoo's series
        follow_ups = self._record_write(op, record, remote)
        return follow_ups + (self.adapter.after_pushed(op, record, remote) or [])

    def _record_write(self, op, record, remote):
        if op.action == "delete":
            if record._name == "calendar.recurrence":
                if self._bound_elsewhere(record):
                    # still in another calendar of the user: deleted there too
                    self._unbind_series(record)
                else:
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
        echoed = self._drop_echo(remote_id, record)
        self.binder.unbind_remote([remote_id], record._name, keep=record)
        if record._name == "calendar.event":
            synced = conflicts.dumps(canonical(self._local_neutral(record)))
            self.binder.set(record, **values, synced=synced, sync_error=False)
            return self._settle_echo(record, remote_id) if echoed else []
        before = conflicts.loads(self.binder.get(record, "synced"))
        self.binder.set(record, **values)
        follow_ups = []
        if op.action == "patch":
            follow_ups += self._vacated_exceptions(record, remote_id)
        reset = self._bind_occurrences(record, remote_id, values["etag"])
        snapshot = self._series_snapshot(record, self._series_base(record))
        self.binder.set(record, synced=conflicts.dumps(snapshot))
        # occurrences changed alone in Odoo become exceptions of the new series
        sent = self.Event
        for event in self._occurrences(record):
            send = not event.follow_recurrence or event in reset
            if not event.follow_recurrence and self._deleted_there(event):
                continue  # the occurrence pass weighs the delete against it
            if send and self.binder.remote_id(event):
                follow_ups.append(self._send_to_instance(event))
                sent |= event
        if op.action == "patch" and (
            not before or series_fields(before) != series_fields(snapshot)
        ):
            follow_ups += self._behind_their_series(record, remote, sent)
        return follow_ups

    def _behind_their_series(self, recurrence, master, sent):
        """The writes of the occurrences of ``recurrence`` that follow it, not
        in ``sent``, whose instance the calendar keeps as an exception that
        the write of the series (``master``, as it returned it) just left
        behind with the series' former title, description, place...
        (``adapter.left_behind``; Google: a guest's answer to one occurrence
        makes one, in the organizer's calendar and the guests'; finding BQ).
        Not one this run's listing brought: the occurrence pass weighs its
        change. Asked only when the write changed those fields."""
        events = self._following(recurrence) - sent
        originals = {
            self.binder.remote_id(event): self.binder.get(event, "original_start")
            for event in events
            if self.binder.remote_id(event)
            and self.binder.get(event, "original_start")
            and self.binder.remote_id(event) not in self.instances
        }
        behind = self.adapter.left_behind(master, originals)
        return [
            self._send_to_instance(event)
            for event in events
            if self.binder.remote_id(event) in behind
        ]

    def _deleted_there(self, event):
        """``event``, an occurrence, was deleted in this calendar (this run's
        listing brings its instance cancelled): the occurrence pass decides
        between that delete and Odoo's change of it, if any. Written with its
        series first, its instance came back there while the pass, finding
        it written, deleted it in Odoo (Google revives a cancelled instance
        that is written; finding BC)."""
        listed = self.instances.get(self.binder.remote_id(event)) or {}
        return bool(listed.get("cancelled"))
