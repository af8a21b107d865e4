# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Series in a sync run: a ``calendar.recurrence`` as one remote series.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): the
series' local state for the planner, applying a remote series to Odoo
(create, update, delete, fields merged) and building its remote write; the
binding of every occurrence to its remote instance is in
:mod:`engine.series_binding`, taking the calendar's version of a series in
:mod:`engine.series_take`.
"""

import logging
from collections import Counter, defaultdict
from operator import itemgetter

from odoo.tools import SQL

from ..models.calendar_event import SYNC_CONTEXT
from ..services import conflicts, planner
from ..services.neutral_event import normalize_email
from ..services.snapshot import canonical, same_version
from . import adapter
from .keys import SeriesKey
from .managed import ManagedSync
from .series_binding import SeriesBinding
from .series_import import SeriesImport
from .series_revive import SeriesRevive
from .series_slots import SeriesSlots
from .series_take import SeriesTake

_logger = logging.getLogger(__name__)


class SeriesSync(
    SeriesTake, SeriesBinding, SeriesSlots, SeriesRevive, SeriesImport, ManagedSync
):
    """The series half of a sync run (see :class:`engine.run.SyncRun`)."""

    def _owned_series(self):
        self._extend_endless()
        self._sync_managed()
        Recurrence = self.Recurrence
        # a series whose occurrences are all archived (the calendar's Delete
        # of the whole series) is ours too: Odoo unsets its base event, its
        # archived occurrences still name the organizer; a provider-managed
        # series is applied apart (engine/managed.py)
        domain = [
            ("calendar_sync_managed", "=", False),
            "|",
            ("base_event_id.user_id", "=", self.user.id),
            "&",
            ("base_event_id", "=", False),
            ("calendar_event_ids.user_id", "=", self.user.id),
        ]
        if self.step.partial:
            # a part of a long listing: only what it received
            series = Recurrence.concat(
                *self.binder.records("calendar.recurrence", self.masters).values()
            )
            series |= self._claimed_records("calendar.recurrence")
            self.binder.load(series)
            return series
        # changed as a whole, or through an occurrence that follows it
        dirty = self.binder.dirty_domain()
        everywhere = Recurrence.with_context(active_test=False)
        # the occurrences looked at are those of series where the user has
        # events (a superset of the series above, through the organizer's
        # index): not every unbound occurrence of the database
        mine = self.Event.with_context(active_test=False)._search(
            [("user_id", "=", self.user.id), ("recurrence_id", "!=", False)]
        )
        owned = mine.subselect(SQL.identifier(mine.table, "recurrence_id"))
        series = everywhere.search(
            domain
            + [
                "|",
                *dirty,
                (
                    "calendar_event_ids",
                    "any",
                    [
                        ("recurrence_id", "in", owned),
                        *dirty,
                        ("follow_recurrence", "=", True),
                        ("active", "=", True),
                    ],
                ),
            ]
        )
        if self.masters:
            series |= Recurrence.concat(
                *self.binder.records("calendar.recurrence", self.masters).values()
            )
        if self.full_sync:
            series |= everywhere.search(
                domain
                + self.binder.bound_domain(
                    [("remote_id", "!=", False)] + self._not_staged()
                )
                + self.adapter.window_domain("series")
            )
        series = Recurrence.browse(series.ids)  # back to the run's context
        self.binder.load(series)
        return series

    def _sort_tombstones(self, singles, masters, instances):
        """A deleted item comes back as a bare tombstone, known by its id
        only (read as a single event): one bound to a series is the series'
        (Outlook's delete of a series), one bound to an occurrence is that
        occurrence's (the exceptions deleted with their series): it is
        applied with the occurrences, not as an event of its own (a change
        in Odoo meanwhile would send it alone, next to the series it
        restores, which brings it too)."""
        cancelled = [rid for rid, n in singles.items() if n["cancelled"]]
        if not cancelled:
            return
        for remote_id in self.binder.records("calendar.recurrence", cancelled):
            masters[remote_id] = singles.pop(remote_id)
        events = self.binder.records(
            "calendar.event", [rid for rid in cancelled if rid in singles]
        )
        for remote_id, event in events.items():
            if event.recurrence_id:
                instances[remote_id] = singles.pop(remote_id)

    def _series_state(self, recurrence):
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        if not events:
            return self._gone_series_state(recurrence)
        base = self._series_base(recurrence)
        get = self.binder.get
        self.binder.load(events)
        dirty = get(recurrence, "need_sync") or any(
            get(ev, "need_sync") and ev.follow_recurrence and ev.active
            for ev in self._reachable(events)
        )
        # someone else's series invitation seen in another calendar of this
        # user is not ours to create here (it would invite its organizer)
        foreign = not self.binder.remote_id(recurrence) and any(
            binding.guest_copy
            and binding.account_id != self.account
            and binding.account_id.user_id == self.user
            for binding in recurrence.calendar_sync_binding_ids
        )
        return planner.LocalState(
            key=SeriesKey(recurrence.id),
            remote_id=self.binder.remote_id(recurrence),
            dirty=dirty and base.user_id == self.user and not foreign,
            archived=not any(events.mapped("active")),
            write_date=self._series_write_date(recurrence),
            snapshot=self._series_snapshot(recurrence, base),
            remote_etag=get(recurrence, "etag") or None,
            # the series as last synced: a calendar whose master changed only
            # through its occurrences (Outlook) does not undo Odoo's change,
            # and a series changed on both sides is merged field by field
            base=conflicts.loads(get(recurrence, "synced")),
        )

    def _reachable(self, events):
        """``events`` less the occurrences bound nowhere here that lie beyond
        the calendar's window (Outlook's delta window): the series' write
        binds none of them, so they would mark the series changed, and send
        it again, on every run (an endless series)."""
        unbound = events.filtered(lambda ev: not self.binder.of(ev))
        window = self.adapter.window_domain("event")
        if not unbound or not window:
            return events
        return (events - unbound) | unbound.filtered_domain(window)

    def _gone_series_state(self, recurrence):
        """A series with no occurrence left, not even archived: gone from
        Odoo, nothing a remote change could restore. Its remote series is
        deleted when this calendar holds it as the organizer's (Odoo removed
        occurrences this calendar never had, or another calendar of the user
        emptied it: a mirror here), else let go of. One this calendar emptied
        itself is dropped by that run (:meth:`_drop_emptied`)."""
        return planner.LocalState(
            key=SeriesKey(recurrence.id),
            remote_id=self.binder.remote_id(recurrence),
            dirty=not self.binder.get(recurrence, "guest_copy"),
            archived=True,
            write_date=recurrence.write_date,
            snapshot=None,
            remote_etag=self.binder.get(recurrence, "etag") or None,
            gone=True,
        )

    def _drop_emptied(self, series):
        """The series among ``series`` this run left with no occurrence at
        all (its last ones deleted in a calendar, or deleted in Odoo and
        sent): the calendars that host it, and their guests' copies, hold
        nothing of it any more, and deleting it there would only mail its
        guests one more cancellation (finding AN): it is dropped from Odoo.
        Not one with a mirror (the user's own series in their other calendar,
        which may hold instances no occurrence was bound to, beyond Outlook's
        window): the mirror's calendar deletes it there once it finds the
        series empty (:meth:`_gone_series_state`; a mirror mails nobody)."""
        emptied = series.exists().filtered(
            lambda recurrence: (
                not recurrence.calendar_sync_managed
                and not recurrence.with_context(active_test=False).calendar_event_ids
            )
        )
        for recurrence in emptied:
            bindings = recurrence.calendar_sync_binding_ids
            if not bindings.filtered(lambda b: b.remote_id and b.mirror):
                self._drop_local_series(recurrence)

    def _series_base(self, recurrence):
        """The occurrence whose fields stand for the whole series: Odoo's
        base event while it follows the series; once it was changed alone
        (renamed, moved) or deleted alone, the first occurrence that still
        follows (an archived one only when none is left: a deleted one
        missed the changes made since, a guest's answer among them)."""
        base = recurrence.base_event_id
        if base.follow_recurrence and base.active:
            return base
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        following = events.filtered("follow_recurrence").sorted("start")
        live = following.filtered("active")
        if live:
            return live[:1]
        if base.follow_recurrence:
            return base
        return following[:1] or base or events.sorted("start")[:1]

    def _series_neutral(self, recurrence, base):
        neutral = base._calendar_sync_neutral()
        if self._is_mirror(recurrence):
            neutral["attendees"] = []
        else:
            neutral["attendees"] = self._series_answers(
                recurrence, base, neutral["attendees"]
            )
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

    def _series_answers(self, recurrence, base, attendees):
        """``attendees`` (the base's) with, for each guest, the answer most
        of the occurrences that follow the series share, the base's on a
        tie: an answer given to the base occurrence alone (in a calendar, or
        in Odoo) is that occurrence's, not the series' (a write of the series
        would give it to the whole series there; finding BS)."""
        following = self._following(recurrence)
        if len(following) < 2 or base not in following:
            return attendees
        counts = defaultdict(Counter)
        for attendee in following.attendee_ids:
            counts[normalize_email(attendee.partner_id.email)][attendee.state] += 1
        out = []
        for attendee in attendees:
            by_state = counts[attendee["email"]]
            state, count = max(by_state.items(), key=itemgetter(1))
            if count > by_state[attendee["state"]]:
                attendee = {**attendee, "state": state}
            out.append(attendee)
        return out

    def _series_snapshot(self, recurrence, base):
        snapshot = canonical(self._series_neutral(recurrence, base), with_tz=True)
        snapshot["rule"] = recurrence._calendar_sync_rule()
        return snapshot

    def _series_UpdateLocal(self, action):
        recurrence = self.items[action.key]
        self._series_take(recurrence, action.remote_id, self.remote[action.remote_id])

    def _series_MergeFields(self, action):
        """Both sides changed the series since it was last synced: every change
        made on one side only is kept (its rule, zone and times are one
        field), a field changed on both goes to the later change and what lost
        is posted; the merged series is taken in Odoo, and sent to the
        calendar where it differs from the calendar's."""
        recurrence = self.items[action.key]
        neutral = self.remote[action.remote_id]
        remote = self._remote_series_snapshot(neutral)
        local = self._series_snapshot(recurrence, self._series_base(recurrence))
        merged, clashes = conflicts.merge(
            conflicts.complete_series_base(
                conflicts.loads(self.binder.get(recurrence, "synced")), local, remote
            ),
            local,
            remote,
            self._series_write_date(recurrence),
            neutral.get("updated"),
        )
        self._series_take(recurrence, action.remote_id, {**neutral, **merged})
        # what the calendar has is the version last synced with it
        self.binder.set(recurrence, synced=conflicts.dumps(remote))
        if clashes:
            self._post_clashes(self._series_base(recurrence), clashes)
        merged = self._series_snapshot(recurrence, self._series_base(recurrence))
        if (
            same_version(merged, remote)
            and action.remote_id not in self.mirrors_to_rewrite
        ):
            return None
        # sent (and need_sync kept until the calendar took it)
        self.binder.set(recurrence, need_sync=True)
        return self._series_UpdateRemote(action)

    @staticmethod
    def _series_write_date(recurrence):
        """When the series was last changed in Odoo: as a whole, or through
        any of its occurrences."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        return max([recurrence.write_date, *events.mapped("write_date")])

    def _restore_exceptions(self, actions):
        """An occurrence changed in the calendar whose series this run wrote
        again, where that write drops the series' exceptions (Outlook): taken
        in Odoo, and sent back to the calendar, which lost it."""
        if not (self.rewritten_series and self.adapter.series_write_drops_exceptions):
            return actions
        out = []
        for action in actions:
            out.append(action)
            if not isinstance(action, planner.UpdateLocal):
                continue
            event = self.items[action.key]
            if event.recurrence_id.id in self.rewritten_series:
                out.append(planner.UpdateRemote(action.key, action.remote_id))
            elif self._left_rewritten_series(event, action.remote_id):
                out.append(planner.CreateRemote(action.key))
        return out

    def _left_rewritten_series(self, event, remote_id):
        """An occurrence that Odoo's rewrite of its series detached (archived,
        out of the series), changed in the calendar meanwhile and restored by
        that change (a series moved in Odoo while Outlook moved one of its
        occurrences): this run's write of the series dropped its instance
        here, and the instances the other calendars hold for it are of the
        previous rule, or of a series deleted there (a 404 on every run). It
        travels as an event of its own: released from those instances (unless
        one is still an instance of the series there), and sent here again."""
        master = self.remote[remote_id].get("series_master_id")
        if event.recurrence_id or not master or event.user_id != self.user:
            return False
        series = self.binder.records("calendar.recurrence", [master]).get(master)
        if not series or series.id not in self.rewritten_series:
            return False
        self.binder.set(event, original_start=False)
        masters = {
            binding.account_id: binding.remote_id
            for binding in series.sudo().calendar_sync_binding_ids
        }
        event.sudo().calendar_sync_binding_ids.filtered(
            lambda binding: (
                binding.account_id != self.account
                and binding.original_start
                and binding.remote_id
                and adapter(binding.provider).series_of(binding.remote_id)
                != masters.get(binding.account_id)
            )
        ).write(
            {
                "remote_id": False,
                "etag": False,
                "original_start": False,
                "need_sync": True,
            }
        )
        return True

    def _series_DeleteLocal(self, action):
        recurrence = self.items[action.key]
        if not recurrence.with_context(active_test=False).calendar_event_ids:
            # nothing left in Odoo: let go of it, for good once no calendar has it
            if self._bound_elsewhere(recurrence):
                self._unbind_series(recurrence)
            else:
                self._drop_local_series(recurrence)
            return
        if self._series_base(recurrence).user_id != self.user:
            # an attendee removed someone else's series from their calendar
            self._decline(self._occurrences(recurrence))
            self._unbind_series(recurrence)
            return
        heirs = self._outside_copy(recurrence, self.user)
        if heirs and self.binder.get(recurrence, "guest_copy"):
            # an outside organizer's series gone from this user's calendar
            # stays for the other users invited to it: one of them holds it
            # now (as an event, see _do_DeleteLocal; finding AP)
            self._decline(self._occurrences(recurrence))
            self._hand_over(
                recurrence.with_context(active_test=False).calendar_event_ids,
                heirs,
                recurrence,
            )
            self._unbind_series(recurrence)
            self.counters["pulled"] += 1
            return
        if self._bound_elsewhere(recurrence):
            # still in the user's other calendars: the delete goes there too
            recurrence.calendar_sync_binding_ids.filtered(
                lambda b: b.account_id != self.account and b.remote_id
            ).write({"need_sync": True})
            events = self._unbind_series(recurrence)
            # archived with their series: their bindings elsewhere are not
            # marked, the series' are (an occurrence whose binding there is
            # marked was deleted alone in Odoo before, and stays deleted if
            # another calendar brings the series back; finding BO)
            events.filtered("active").with_context(**{SYNC_CONTEXT: True}).write(
                {"active": False, "calendar_sync_deleted": True}
            )
        else:
            self._drop_local_series(recurrence)
        self.counters["pulled"] += 1

    def _series_CreateRemote(self, action):
        recurrence = self.items[action.key]
        return self._series_write(
            action.key, "insert", self.adapter.new_remote_id(), recurrence
        )

    def _series_UpdateRemote(self, action):
        recurrence = self.items[action.key]
        self.rewritten_series.add(recurrence.id)
        return self._series_write(action.key, "patch", action.remote_id, recurrence)

    def _series_write(self, key, action, remote_id, recurrence):
        base = self._series_base(recurrence)
        neutral = self._series_neutral(recurrence, base)
        slots = self._series_slots(recurrence, base)
        # an occurrence that follows the rule sits in its slot (an "all events"
        # move shifts every slot: the stored original start is the old one)
        taken = {
            self._slot(ev) if ev.follow_recurrence else self._original(ev)
            for ev in self._occurrences(recurrence)
        }
        exdates = [slot for slot in slots if slot not in taken]
        first = slots[0] if slots else (base.start_date if base.allday else base.start)
        rule = recurrence._calendar_sync_rule()
        return self.adapter.series_op(
            key, action, remote_id, neutral, rule, first, exdates
        )

    def _answered_by_series(self, recurrence, neutral):
        """The occurrences of someone else's ``recurrence`` that this user's
        answer to the series (this calendar's item ``neutral``) answers: those
        that follow it and, in a calendar that shows the series' answer on its
        exceptions too (Outlook), the exceptions the user left unanswered, or
        every one when the answer differs from the one Odoo has (given to the
        series there, or a new invitation after the series was made again)."""
        following = self._following(recurrence)
        if not self.adapter.series_answer_covers_exceptions:
            return following
        partner = self.user.partner_id
        mine = following.attendee_ids.filtered(lambda att: att.partner_id == partner)
        answered = self._own_state(neutral)
        covered = {"needsAction"}
        if answered and answered not in set(mine.mapped("state")):
            covered |= {"accepted", "declined", "tentative"}
        unanswered = (self._occurrences(recurrence) - following).filtered(
            lambda ev: ev.attendee_ids.filtered(
                lambda att: att.partner_id == partner and att.state in covered
            )
        )
        return following | unanswered

    def _occurrences(self, recurrence):
        return recurrence.calendar_event_ids.filtered("active")

    def _following(self, recurrence):
        return self._occurrences(recurrence).filtered("follow_recurrence")

    def _drop_local_series(self, recurrence):
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        recurrence.unlink()
        events.unlink()
