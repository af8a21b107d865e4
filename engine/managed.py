# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Series whose occurrences Odoo's rule alone does not give, in a sync run.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state, used by
:class:`engine.series.SeriesSync`):

* endless series: Odoo holds an endless series as its first 720 occurrences
  (``calendar.recurrence`` expands "forever" as 720 times); the run moves that
  horizon forward as time passes (:meth:`_extend_endless`), so that a daily
  meeting with no end still shows in three years. Nothing is sent: the rule
  stays endless on every side, and the new occurrences are bound to their
  remote instances.
* extra occurrences: a remote series may have occurrences its Odoo rule lacks
  (Outlook puts "monthly on the 31st" on the last day of shorter months,
  where Odoo skips those months). The adapter names them
  (:meth:`engine.port.ProviderAdapter.extra_occurrences`), and they are held
  in Odoo as occurrences of the series that do not follow its rule, bound to
  their remote instances (:meth:`_add_extra_occurrences`): Odoo shows every
  remote occurrence, and each syncs as any occurrence.
"""

from datetime import datetime, time

from .keys import SeriesKey


class ManagedSync:
    """Endless horizons and extra occurrences of the series of a run."""

    def _extend_endless(self):
        """Move the horizon of this user's endless series bound here forward
        (see :meth:`calendar.recurrence._calendar_sync_extend_endless`) and
        bind their new occurrences."""
        series = self.Recurrence.search(
            [
                ("end_type", "=", "forever"),
                ("base_event_id.user_id", "=", self.user.id),
                *self.binder.bound_domain([("remote_id", "!=", False)]),
            ]
        )
        if not series:
            return
        for recurrence in series._calendar_sync_extend_endless():
            self.binder.load(recurrence.calendar_event_ids)
            master_id = self.binder.remote_id(recurrence)
            self._bind_occurrences(
                recurrence, master_id, self.binder.get(recurrence, "etag")
            )

    def _add_extra_occurrences(self, recurrence, master_id, neutral):
        """Occurrences the remote series has beyond its Odoo rule (see the
        module's notes): made in Odoo as occurrences that do not follow the
        rule, bound to their remote instances. Those Odoo has already (by
        their original start) are left as they are."""
        base = self._series_base(recurrence)
        slots = self._series_slots(recurrence, base)
        extra = self.adapter.extra_occurrences(neutral, slots)
        self.binder.set(recurrence, extra_occurrences=bool(extra))
        if not extra:
            return
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        have = {self._original(event) for event in events}
        extra = [slot for slot in extra if slot not in have]
        if not extra:
            return
        allday = bool(neutral["allday"])
        if allday:
            length = neutral["stop_date"] - neutral["start_date"]
        else:
            length = neutral["stop"] - neutral["start"]
        [base_values] = base.copy_data()
        made = self.Event.create(
            [
                {
                    **base_values,
                    **self._times(slot, length, allday),
                    "recurrence_id": recurrence.id,
                    "follow_recurrence": False,
                }
                for slot in extra
            ]
        )
        ids = self.adapter.instance_ids(recurrence, master_id, set(extra))
        # archived occurrences of the series' previous Odoo recurrence (an
        # "all events" edit rewrites it) may still hold these instances
        self.binder.unbind_remote(list(ids.values()))
        etag = neutral.get("etag")
        pairs = []
        for event, slot in zip(made, extra, strict=True):
            stamp = datetime.combine(slot, time()) if allday else slot
            pairs.append(
                (
                    event,
                    {
                        "original_start": stamp,
                        "remote_id": ids.get(slot, False),
                        "etag": etag,
                        "need_sync": False,
                    },
                )
            )
        self.binder.set_each(pairs)
        self.items.setdefault(SeriesKey(recurrence.id), recurrence)
