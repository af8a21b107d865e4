# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Where a series' occurrences stand (a mixin of :class:`engine.series.SeriesSync`).

A series' slots are its rule expanded from its first slot (``_series_anchor``),
never from Odoo's ``dtstart``: the earliest start of the occurrences that
follow it, the original slot of those changed alone (the meeting's: recorded
by any calendar, ``_original_start``), an occurrence renamed alone before any
calendar had the series (``_unplaced_anchor``), and the slots of first
occurrences deleted alone in Odoo, which the calendars still hold cancelled.
The slot an occurrence moved alone left, where nothing recorded it, in a
series found again after a push whose answer was lost (``_place_moved``).
"""

from datetime import datetime, time

from ..services.neutral_event import utc_to_naive_local
from ..services.recurrence import expand, normalize_recurrence, pair_moved_occurrences


def slot_stamp(slot, allday):
    """The ``original_start`` a binding stores for an occurrence's slot: the
    slot itself (naive UTC), or midnight of its day when all-day."""
    return datetime.combine(slot, time()) if allday else slot


class SeriesSlots:
    """The slots and original starts of a run's series (see :mod:`engine.series`)."""

    def _series_slots(self, recurrence, base, dtstart=None):
        """The rule's occurrence starts (naive UTC, or dates when all-day),
        from the series' anchor or from ``dtstart``."""
        if dtstart:
            return self._expand_from(recurrence, base, dtstart)
        anchor, deleted = self._series_anchor(recurrence)
        slots = self._expand_from(recurrence, base, anchor or base.start)
        if deleted and (not anchor or deleted < anchor):
            # the first occurrences deleted alone in Odoo keep their slots:
            # the calendars still start the series there (the slot cancelled
            # or deleted), or it would move to its next slot. Unless the
            # series moved since (their slots are not its slots any more)
            earlier = self._expand_from(recurrence, base, deleted)
            if not anchor or not slots or slots[0] in earlier:
                return earlier
        return slots

    def _expand_from(self, recurrence, base, dtstart):
        tz = recurrence.event_tz or base._calendar_sync_tz()
        horizon = recurrence.calendar_sync_horizon or None
        if base.allday:
            return expand(
                recurrence._calendar_sync_rule(), dtstart.date(), tz, horizon=horizon
            )
        return expand(
            recurrence._calendar_sync_rule(),
            utc_to_naive_local(dtstart, tz),
            tz,
            horizon=horizon,
        )

    def _series_anchor(self, recurrence):
        """The series' first slot (naive UTC): the earliest start of the
        occurrences that follow it, or original slot of those changed alone
        (archived ones included). Not Odoo's ``dtstart``, the earliest
        *current* start: a first occurrence moved alone would move the whole
        series with it. ``(first slot, earliest start of the occurrences
        deleted alone in Odoo)``: archived, they still follow the series."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        starts, deleted = [], []
        for event in events:
            original = self._original_start(event)
            if not event.follow_recurrence and original:
                starts.append(original)
            elif event.follow_recurrence:
                (starts if event.active else deleted).append(event.start)
        deleted = min(deleted, default=None)
        if not starts:
            return recurrence.dtstart, deleted
        anchor = min(starts)
        return self._unplaced_anchor(recurrence, events, anchor) or anchor, deleted

    def _unplaced_anchor(self, recurrence, events, anchor):
        """An earlier first slot held by an occurrence changed alone before
        this calendar had the series (no original slot recorded here): its
        own start when the rule, run from it, gives every occurrence that
        follows (renamed alone, not moved; a moved one stays out)."""
        unplaced = events.filtered(
            lambda ev: (
                ev.active
                and not ev.follow_recurrence
                and not self._original_start(ev)
                and ev.start < anchor
            )
        )
        following = {self._slot(ev) for ev in self._following(recurrence)}
        base = self._series_base(recurrence)
        for event in unplaced.sorted("start"):
            slots = set(self._series_slots(recurrence, base, event.start))
            if self._slot(event) in slots and following <= slots:
                return event.start
        return None

    def _place_moved(self, recurrence, master_id, neutral):
        """Occurrences moved alone with no original slot recorded, in a
        series the calendar holds as Odoo last sent it (``neutral``, its
        master as listed; same rule): each takes the slot of the rule no other
        occurrence holds and the calendar did not remove, when there are
        exactly as many such slots (services.recurrence.pair_moved_occurrences).
        Odoo keeps no original slot, and no calendar bound them before they
        moved."""
        rule = neutral.get("rule")
        if not rule or normalize_recurrence(rule) != recurrence._calendar_sync_rule():
            return
        base = self._series_base(recurrence)
        if bool(neutral["allday"]) != base.allday:
            return
        if base.allday:
            first = datetime.combine(neutral["start_date"], time())
        else:
            first = neutral["start"]
        # the calendar's slots: from the first slot it holds (the first
        # occurrence may be the moved one)
        slots = self._series_slots(recurrence, base, first)
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        taken, moved = self._removed_slots(master_id, neutral), []
        for event in events:
            if event.follow_recurrence:
                taken.add(self._slot(event))
            elif self._original_start(event):
                taken.add(self._original(event))
            elif self._slot(event) in slots:
                taken.add(self._slot(event))  # changed alone, not moved
            else:
                moved.append((event, self._slot(event)))
        if not moved:
            return
        found = pair_moved_occurrences(slots, taken, moved, strict=True)
        for event, slot in found.items():
            self.binder.set(event, original_start=slot_stamp(slot, event.allday))

    def _removed_slots(self, master_id, neutral):
        """The slots of a listed remote series whose occurrence the calendar
        removed: its exdates, and its instances listed as cancelled."""
        return set(neutral.get("exdates") or []) | {
            item["original_start"]
            for item in self.instances.values()
            if item.get("cancelled")
            and item.get("recurring_event_id") == master_id
            and item.get("original_start")
        }

    @staticmethod
    def _slot(event):
        """The slot an occurrence that follows its rule sits in."""
        return event.start_date if event.allday else event.start

    def _original_start(self, event):
        """The original slot (naive UTC, False when unknown) of an occurrence
        as this calendar holds it; for an exception this calendar has not
        bound yet, as another calendar recorded it. The slot is the series',
        not a calendar's: an exception imported from one calendar (or changed
        alone in Odoo once that calendar had bound it) still stands in its
        slot when the series reaches the next calendar. An occurrence that
        follows its series is in its slot (another calendar's record may
        predate a move of the whole series). An occurrence changed alone in
        Odoo stands in the slot it left then (finding AS)."""
        own = self.binder.get(event, "original_start")
        if event.follow_recurrence:
            return own
        if event.calendar_sync_left_slot:
            return event.calendar_sync_left_slot
        if own:
            return own
        recorded = event.sudo().calendar_sync_binding_ids.filtered(
            lambda binding: (
                binding.account_id != self.account and binding.original_start
            )
        )
        return min(recorded.mapped("original_start"), default=False)

    def _original(self, event):
        """An occurrence's original slot (naive UTC, or a date when all-day)."""
        value = self._original_start(event)
        if not value:
            value = event.start
        return value.date() if event.allday else value
