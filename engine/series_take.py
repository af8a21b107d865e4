# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A remote series taken into Odoo in a sync run.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state, see
:mod:`engine.series`): the calendar's version of a series (its own, or merged
with Odoo's) given to its ``calendar.recurrence``: restored when Odoo had
deleted it, reshaped when its rule or times changed, its guests carried to the
occurrences changed alone; and whether Odoo moved the series since it was last
synced.
"""

import logging
from contextlib import nullcontext

from odoo import Command

from ..services import conflicts
from ..services.recurrence import normalize_recurrence
from ..services.snapshot import canonical, equivalent_zones, same_but_answers

_logger = logging.getLogger(__name__)

#: The fields of a series' snapshot that make its rule and times.
TIMING = ("rule", "start", "stop", "start_date", "stop_date", "allday", "tz")


class SeriesTake:
    """Taking a remote series (see :class:`engine.run.SyncRun`)."""

    @staticmethod
    def _remote_series_snapshot(neutral):
        snapshot = canonical(neutral, with_tz=True)
        snapshot["rule"] = normalize_recurrence(neutral["rule"])
        return snapshot

    def _series_take(self, recurrence, remote_id, neutral):
        """Give ``recurrence`` the remote series ``neutral`` (its version, or
        the version merged with Odoo's)."""
        restored = self.Event
        deleted = not self._occurrences(recurrence)
        if deleted and self._deleted_by_its_organizer(recurrence):
            # a copy of another Odoo user's series that its organizer deleted
            # in Odoo: only this user's answer comes from here, and no
            # occurrence is left to answer; the organizer's calendar takes the
            # delete there (or brings the series back, its later change) and
            # this copy follows (finding BG)
            self.binder.set(recurrence, etag=neutral["etag"], need_sync=False)
            self.counters["pulled"] += 1
            return
        moved = self._rewritten_since_sync(recurrence)
        if deleted:
            # deleted in Odoo, changed later in the calendar: the calendar's
            # version wins (planner), the series comes back; an occurrence
            # removed alone before has no instance here and stays removed.
            # One that Odoo made since the last sync (an "all events" move
            # makes every slot again) is bound nowhere yet: it comes back too
            events = recurrence.calendar_event_ids.with_context(active_test=False)
            self.binder.load(events)
            # one of the user's deleted alone in Odoo before the whole series
            # was, whose delete has not reached this calendar yet: it stays
            # deleted, and its delete is sent (finding AU). Not when each was
            # deleted alone: then nothing tells them apart
            alone = events.filtered(
                lambda ev: (
                    ev.user_id == self.user
                    and ev.follow_recurrence
                    and self.binder.remote_id(ev)
                    and self.binder.get(ev, "need_sync")
                )
            )
            if events - alone:
                events -= alone
            restored = (
                events.filtered(
                    lambda ev: (
                        self.binder.remote_id(ev)
                        or (moved and ev.follow_recurrence and not self.binder.of(ev))
                    )
                )
                or events
            )
            restored.write({"active": True, "calendar_sync_deleted": False})
            # Odoo unset its base event with the last occurrence archived:
            # the series names its organizer and guests again
            recurrence.with_context(active_test=True)._select_new_base_event()
        # found again after a push whose answer was lost, then deleted in Odoo
        unbound = restored and not any(self.binder.remote_id(ev) for ev in restored)
        base = self._series_base(recurrence)
        if base.user_id == self.user:
            # the user's occurrences changed alone come back as exceptions:
            # the archive settled them with the series (need_sync unset), and
            # the calendar only has them as they were last sent
            self.binder.set(
                restored.filtered(lambda ev: not ev.follow_recurrence),
                need_sync=True,
            )
        shared = base.user_id != self.user and self._shared(recurrence, base.user_id)
        if base.user_id != self.user and not shared:
            # someone else's series in this user's calendar: their answer only
            following = self._following(recurrence)
            self._set_own_answer(self._answered_by_series(recurrence, neutral), neutral)
            self.binder.set(recurrence, etag=neutral["etag"], need_sync=False)
            if not any(self.binder.remote_id(ev) for ev in following):
                self._bind_occurrences(recurrence, remote_id, neutral["etag"])
            self.counters["pulled"] += 1
            return
        old = self._series_snapshot(recurrence, base)
        new = self._remote_series_snapshot(neutral)
        changed = [key for key in TIMING if old.get(key) != new.get(key)]
        if (
            changed
            and not moved
            and not (restored and "rule" in changed)
            and self._timing_as_synced(recurrence, new)
        ):
            # the calendar kept the rule and times last synced: Odoo's differ
            # in form only (its first occurrences removed in the calendar,
            # Google keeps the series' start on the slot it cancelled; Odoo
            # keeps no slot for them): reshaping would bring them back. Not
            # a series deleted in Odoo that the calendar's later change
            # restores, whose rule Odoo changed before (a split): the
            # calendar's version wins whole
            changed = []
        _logger.debug(
            "series %s changed remotely: %s",
            recurrence.id,
            {key: (old.get(key), new.get(key)) for key in changed},
        )
        # an outside organizer's series that another user holds in Odoo as
        # their copy: this copy brings the organizer's version as theirs does
        # (see _do_UpdateLocal)
        writing = nullcontext()
        if shared:
            writing = self._shared_write(self._occurrences(recurrence), recurrence)
        with writing:
            if changed:
                # new rule or times: the occurrences that still exist move (their
                # chatter, tags and links stay), new ones are made, gone ones go
                self._reshape_series(recurrence, remote_id, neutral)
            elif self._moved_elsewhere(recurrence, remote_id, new):
                # Odoo has the calendar's new rule or times already (another
                # guest's copy of an outside organizer's series brought them):
                # this calendar's instances are new all the same (Outlook's ids
                # name their slot, Google's their start)
                self._bind_occurrences(recurrence, remote_id, neutral["etag"])
            elif unbound:
                # as the calendar still has it: its occurrences are bound as
                # the lost push would have, its exceptions (in the slots they
                # left) sent as such
                self._bind_found_series(recurrence, remote_id)
            if not base.exists():
                # the reshape removed it (its slot gone in the calendar): the
                # series' values stand on the first occurrence left (finding AV)
                base = self._series_base(recurrence)
            values = self._values(neutral, base)
            for key in ("start", "stop", "start_date", "stop_date", "allday"):
                values.pop(key, None)
            values.pop("user_id")
            following = self._following(recurrence)
            if changed or not same_but_answers(old, new):
                # not when only answers differ: the write would mark the
                # series for every other calendar of it, which would write
                # it there, on every run (finding BH)
                following.write(values)
            if not neutral.get("mirror"):
                self._take_answers(following, neutral, recurrence)
                self._guests_to_exceptions(recurrence, neutral, old["attendees"])
        self.binder.set(following, need_sync=False)
        self.binder.set(
            recurrence,
            etag=neutral["etag"],
            need_sync=False,
            synced=conflicts.dumps(new),
        )
        self.counters["pulled"] += 1

    def _deleted_by_its_organizer(self, recurrence):
        """Whether ``recurrence`` is another Odoo user's series (not an
        outside organizer's meeting, which any guest's copy brings, see
        :meth:`_shared`) whose delete in Odoo its organizer's calendar has
        still to take."""
        owner = self._meeting_event(recurrence).user_id
        if not owner or owner == self.user or self._shared(recurrence, owner):
            return False
        return bool(
            recurrence.sudo().calendar_sync_binding_ids.filtered(
                lambda b: (
                    b.account_id.user_id == owner
                    and b.remote_id
                    and b.need_sync
                    and not b.guest_copy
                )
            )
        )

    def _rewritten_since_sync(self, recurrence):
        """Whether Odoo moved the series or changed its rule since it was last
        synced here: an "all events" change of its times or rule makes every
        occurrence but its base again, bound nowhere here yet, and its times
        or rule differ from the ones last synced. Not a series whose times
        differ in form only (its first occurrences removed in the calendar:
        every occurrence left is bound here, or was deleted in a calendar).
        Nor a series never synced here (found again after a push whose answer
        was lost): no "since", and none of its occurrences is bound here yet
        (finding AL)."""
        if not self.binder.get(recurrence, "need_sync") or not self.binder.get(
            recurrence, "synced"
        ):
            return False
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        if all(
            self.binder.of(ev) or ev.calendar_sync_deleted
            for ev in events.filtered("follow_recurrence")
        ):
            return False
        snapshot = self._series_snapshot(recurrence, self._series_base(recurrence))
        return not self._timing_as_synced(recurrence, snapshot)

    def _moved_elsewhere(self, recurrence, remote_id, new):
        """Whether the calendar's series ``remote_id`` has rule and times
        other than the ones last synced with it, which Odoo has already
        (``new``: the series Odoo takes, the calendar's own or merged with
        Odoo's: a merge keeping Odoo's move is sent there, its instances
        are not there yet)."""
        if not self.binder.get(recurrence, "synced"):
            return False
        listed = self._remote_series_snapshot(self.remote[remote_id])
        return not self._timing_as_synced(recurrence, new) and all(
            listed.get(key) == new.get(key) for key in TIMING
        )

    def _timing_differs(self, recurrence, neutral):
        """Whether the remote series ``neutral`` has another rule or other
        times (:data:`TIMING`) than ``recurrence`` has in Odoo; a zone the
        calendar names otherwise, ticking the same, is Odoo's (Outlook names
        Europe/Brussels Europe/Paris)."""
        old = self._series_snapshot(recurrence, self._series_base(recurrence))
        new = self._remote_series_snapshot(neutral)
        if equivalent_zones(old.get("tz"), new.get("tz")):
            new["tz"] = old.get("tz")
        return any(old.get(key) != new.get(key) for key in TIMING)

    def _timing_as_synced(self, recurrence, new):
        """Whether ``new`` (a series' snapshot) has the :data:`TIMING` of the
        version last synced with this calendar."""
        synced = conflicts.loads(self.binder.get(recurrence, "synced"))
        if not synced:
            return False
        if "rule" not in synced:
            # recorded as an event's, up to 18.0.2.3.0 (finding AZ)
            local = self._series_snapshot(recurrence, self._series_base(recurrence))
            synced = conflicts.loads(
                conflicts.dumps(conflicts.complete_series_base(synced, local, new))
            )
        # compared as stored (a tuple is stored as a list)
        taken = conflicts.loads(conflicts.dumps({key: new.get(key) for key in TIMING}))
        return all(synced.get(key) == taken[key] for key in TIMING)

    def _guests_to_exceptions(self, recurrence, neutral, before):
        """Guests the calendar invited to (removed from) the whole series join
        (leave) its occurrences changed alone in Odoo too, each keeping its
        own answers: a guest of a series has every occurrence of it there
        (Outlook delivers them the series' exceptions, Google invites them to
        its modified occurrences). ``before``: the series' attendees in Odoo
        before ``neutral`` was taken. Not sent back here: the calendar that
        changed the series changed its exceptions too (listed in the same
        run), and a write of them would mail their guests an update no one
        made; the other calendars they are bound in get them (Odoo's write)."""
        added, removed = conflicts.attendee_changes(before, neutral["attendees"])
        exceptions = self._occurrences(recurrence).filtered(
            lambda ev: not ev.follow_recurrence
        )
        if not (added or removed) or not exceptions:
            return
        partners = self._partners([neutral])
        invited = [partners[email] for email in sorted(added) if email in partners]
        guest_copy = self.binder.get(recurrence, "guest_copy")
        for event in exceptions:
            organizer = event.user_id.partner_id
            kept = event.partner_ids.filtered(
                lambda partner, organizer=organizer: (
                    partner.email_normalized not in removed or partner == organizer
                )
            )
            ids = kept.ids + [pid for pid in invited if pid not in kept.ids]
            if set(ids) != set(event.partner_ids.ids):
                joined = set(ids) - set(event.partner_ids.ids)
                event.write({"partner_ids": [Command.set(ids)]})
                # a guest who joins with an answer to the series (given in
                # the calendar while Odoo had removed them) has it there too;
                # a guest's copy gives the user's own answer only (see
                # _take_answers)
                if guest_copy:
                    joined &= {self.user.partner_id.id}
                event._calendar_sync_set_answers(
                    neutral,
                    {e: pid for e, pid in partners.items() if pid in joined},
                )
