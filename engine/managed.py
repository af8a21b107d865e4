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
* provider-managed series: a remote series whose rule Odoo's recurrence model
  cannot hold (Friday the 13th, BYSETPOS, BYWEEKNO, hourly, a week start other
  than the user's...) is still shown in Odoo, as the provider expands it
  (:meth:`_sync_managed`): a ``calendar.recurrence`` marked
  ``calendar_sync_managed`` (Odoo never computes its occurrences: its rule
  fields only sketch the frequency) whose occurrences are the provider's
  instances, each bound to its instance and none following the rule. It is
  read again whenever the remote master changes; whole-series edits in Odoo
  are refused (:mod:`models.calendar_event`), single occurrences and answers
  sync as any occurrence (the occurrence pass).
"""

import logging
from datetime import datetime, time

from odoo import _, fields

from ..services.exceptions import UnsupportedRecurrence
from ..services.recurrence import normalize_recurrence
from .keys import SeriesKey
from .series_slots import slot_stamp

_logger = logging.getLogger(__name__)

#: Odoo's frequency sketched for a provider-managed series, from the remote rule
_FREQS = {
    "DAILY": "daily",
    "WEEKLY": "weekly",
    "MONTHLY": "monthly",
    "YEARLY": "yearly",
    "daily": "daily",
    "weekly": "weekly",
    "absoluteMonthly": "monthly",
    "relativeMonthly": "monthly",
    "absoluteYearly": "yearly",
    "relativeYearly": "yearly",
}


class ManagedSync:
    """Endless horizons and extra occurrences of the series of a run."""

    def _daily(self):
        """Whether this run does the daily upkeep of series (horizons of
        endless series, notices of series managed elsewhere): a full sync, or
        the account's first run of the day. An incremental run with nothing
        to do then costs no query for them (the scheduler's no-op pass)."""
        last = self.account.last_sync_date
        today = self.env.context.get("calendar_sync_today") or fields.Date.today()
        if self.step.partial:
            return False  # the last part of a long listing does it
        return self.full_sync or not last or last.date() < today

    def _extend_endless(self, received=None):
        """Move the horizon of this user's endless series bound here forward
        (see :meth:`calendar.recurrence._calendar_sync_extend_endless`) and
        bind their new occurrences: all of them once a day (:meth:`_daily`),
        and the series ``received`` (remote ids) in this run right after they
        were applied (an old endless series is not shown ending soon)."""
        bound = [("remote_id", "!=", False)]
        if received is None:
            if not self._daily():
                return
        elif received:
            bound.append(("remote_id", "in", list(received)))
        else:
            return
        series = self.Recurrence.search(
            [
                ("end_type", "=", "forever"),
                ("base_event_id.user_id", "=", self.user.id),
                *self.binder.bound_domain(bound),
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
            stamp = slot_stamp(slot, allday)
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

    # ------------------------------------------------------------ managed series
    def _remote_rule(self, neutral):
        """``(rule, exdates)`` of a remote master; ``(None, [])`` for a rule
        Odoo cannot hold, the master then marked ``managed`` (the reason)."""
        try:
            rule, exdates = self.adapter.remote_rule(neutral)
        except UnsupportedRecurrence as exc:
            neutral["managed"] = getattr(exc, "reason", None) or str(exc)
            return None, []
        local = self.Recurrence._calendar_sync_week_start()
        if normalize_recurrence({**rule, "week_start": local}) != rule:
            # weeks counted from another day than Odoo counts them for this user
            neutral["managed"] = _("its weeks start on another day than yours")
            return None, []
        return rule, exdates

    def _managed_masters(self):
        """The masters of the listing held as provider-managed series."""
        return {
            remote_id: neutral
            for remote_id, neutral in self.masters.items()
            if neutral.get("managed") and not neutral["cancelled"]
        }

    def _sync_managed(self):
        """Apply the provider-managed series of the listing (taken out of the
        planner's masters), each in its savepoint."""
        expressible = [
            remote_id
            for remote_id, neutral in self.masters.items()
            if not neutral.get("managed") and not neutral["cancelled"]
        ]
        for recurrence in self.binder.records(
            "calendar.recurrence", expressible
        ).values():
            if recurrence.calendar_sync_managed:
                # its rule changed to one Odoo holds: imported again as an
                # Odoo series (the planner finds the master unbound)
                self.binder.drop(recurrence)
                self._drop_local_series(recurrence)
        self._note_managed_elsewhere()
        managed = self._managed_masters()
        if not managed:
            return
        bound = self.binder.records("calendar.recurrence", list(managed))
        for remote_id, neutral in managed.items():
            del self.masters[remote_id]
            recurrence = bound.get(remote_id)
            if (
                recurrence
                and recurrence.calendar_sync_managed
                and self.binder.get(recurrence, "etag") == neutral.get("etag")
                and not self.binder.get(recurrence, "sync_error")
            ):
                continue  # as last read
            try:
                with self.env.cr.savepoint():
                    self._apply_managed(remote_id, neutral, recurrence)
                self.counters["pulled"] += 1
            except Exception as exc:  # noqa: BLE001 - isolate per series
                _logger.info("managed series %s: %s", remote_id, exc)
                self.binder.forget()  # the savepoint's bindings are gone
                message = _(
                    "Series “%(title)s” (%(id)s) from %(provider)s could not be "
                    "shown in Odoo: %(error)s",
                    title=neutral.get("name") or "?",
                    id=remote_id,
                    provider=self.adapter.label,
                    error=exc,
                )
                self._fail(recurrence, message)
                self._remember_failure(remote_id, message)

    def _note_managed_elsewhere(self):
        """The user's series managed by their other calendar are not copied
        into this one (their rule is one this provider may not hold): each
        occurrence says so here, once, instead of missing silently; at a full
        sync and once a day (:meth:`_daily`)."""
        if not self._daily():
            return
        series = self.Recurrence.search(
            [
                ("calendar_sync_managed", "!=", False),
                ("calendar_sync_managed", "!=", self.adapter.provider),
                ("calendar_event_ids.user_id", "=", self.user.id),
            ]
        )
        if not series:
            return
        self.binder.load(series)
        for recurrence in series:
            if self.binder.get(recurrence, "sync_error"):
                continue  # said already
            message = _(
                "This series is managed by %(manager)s (it repeats in a way Odoo "
                "cannot): it is not copied to %(provider)s. See and change it in "
                "%(manager)s.",
                manager=recurrence._calendar_sync_managed_label(),
                provider=self.adapter.label,
            )
            occurrences = recurrence.calendar_event_ids
            self.binder.set(recurrence, sync_error=message, need_sync=False)
            self.binder.set(occurrences, sync_error=message, need_sync=False)

    def _apply_managed(self, master_id, neutral, recurrence):
        instances = self.adapter.managed_instances(master_id, neutral)
        if instances is None:
            raise UserWarning(_("its occurrences could not be read"))
        instances = [
            instance for instance in instances if not instance.get("cancelled")
        ]
        if not instances:
            if recurrence:
                self._drop_local_series(recurrence)
            return
        if recurrence is None:
            recurrence = self._create_managed(neutral, instances)
        else:
            self._reconcile_managed(recurrence, neutral, instances)
        recurrence.write(
            {
                "calendar_sync_managed": self.adapter.provider,
                "calendar_sync_manage_url": self.adapter.remote_link(
                    self.raw.get(master_id) or {}
                ),
            }
        )
        self.binder.set(
            recurrence,
            remote_id=master_id,
            etag=neutral.get("etag"),
            ical_uid=neutral.get("ical_uid") or False,
            guest_copy=self._guest_copy(neutral),
            need_sync=False,
            sync_error=False,
        )

    @staticmethod
    def _managed_rule(neutral, day, count):
        """Odoo's rule fields sketching a managed series (its frequency,
        never expanded), whose first occurrence is on ``day``."""
        recurrence = neutral.get("recurrence")
        if isinstance(recurrence, dict):
            kind = (recurrence.get("pattern") or {}).get("type")
        else:
            rule = next((r for r in recurrence or () if r.startswith("RRULE")), "")
            kind = next(
                (part[5:] for part in rule[6:].split(";") if part.startswith("FREQ=")),
                "",
            )
        values = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), False)
        values[("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]] = True
        return {
            **values,
            "rrule_type": _FREQS.get(kind, "daily"),
            "interval": 1,
            "end_type": "count",
            "count": max(count, 1),
            "month_by": "date",
            "day": day.day,
        }

    def _managed_values(self, instances, neutral):
        """Event values of the instances (the master's own when an instance
        lacks a field, e.g. Outlook's sparse occurrences)."""
        merged = [{**neutral, **instance} for instance in instances]
        partners = self._partners(merged)
        alarms = self._alarms(merged)
        owner = self._owner(neutral)
        return merged, [
            self.Event._calendar_sync_values(item, owner, partners, alarms)
            for item in merged
        ]

    def _bind_managed(self, events, instances, neutral):
        guest_copy = self._guest_copy(neutral)
        pairs = []
        for event, instance in zip(events, instances, strict=True):
            original = instance.get("original_start") or instance.get("start")
            if isinstance(original, datetime):
                stamp = original
            else:
                stamp = datetime.combine(original or event.start_date, time())
            pairs.append(
                (
                    event,
                    {
                        "remote_id": instance["remote_id"],
                        "etag": instance.get("etag") or neutral.get("etag"),
                        "original_start": stamp,
                        "guest_copy": guest_copy,
                        "need_sync": False,
                        "sync_error": False,
                    },
                )
            )
        self.binder.unbind_remote([i["remote_id"] for i in instances], keep={})
        self.binder.set_each(pairs)

    def _create_managed(self, neutral, instances):
        merged, vals_list = self._managed_values(instances, neutral)
        events = self.Event.create(vals_list)
        self.imported.update(events.ids)
        first = events.sorted("start")[0]
        recurrence = self.Recurrence.create(
            {
                **self._managed_rule(neutral, first.start.date(), len(events)),
                "base_event_id": first.id,
                "calendar_event_ids": [(6, 0, events.ids)],
                "event_tz": neutral["tz"],
                "calendar_sync_managed": self.adapter.provider,
            }
        )
        events.write({"recurrency": True, "follow_recurrence": False})
        partners = self._partners(merged)
        for event, item in zip(events, merged, strict=True):
            event._calendar_sync_set_answers(item, partners)
        self._bind_managed(events, instances, neutral)
        return recurrence

    def _reconcile_managed(self, recurrence, neutral, instances):
        """Bring a series (managed, or one whose remote rule Odoo can no
        longer hold) to the provider's instances: bound occurrences take
        their instance's fields (unless changed in Odoo and not sent yet),
        new instances are added, the others go."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        by_id = {
            self.binder.remote_id(ev): ev for ev in events if self.binder.remote_id(ev)
        }
        merged, vals_list = self._managed_values(instances, neutral)
        partners = self._partners(merged)
        keep, new = self.Event, []
        for instance, item, values in zip(instances, merged, vals_list, strict=True):
            event = by_id.get(instance["remote_id"])
            if event is None:
                new.append((instance, item, values))
                continue
            keep |= event
            if self.binder.get(event, "need_sync") or not event.active:
                continue  # changed in Odoo: the occurrence pass sends it
            values.pop("user_id", None)
            event.write({**values, "follow_recurrence": False})
            event._calendar_sync_set_answers(item, partners)
        (events - keep).filtered("active").unlink()
        (events - keep).exists().filtered(lambda ev: not ev.active).unlink()
        if new:
            made = self.Event.create(
                [
                    {
                        **values,
                        "recurrence_id": recurrence.id,
                        "recurrency": True,
                        "follow_recurrence": False,
                    }
                    for _instance, _item, values in new
                ]
            )
            for event, (_instance, item, _values) in zip(made, new, strict=True):
                event._calendar_sync_set_answers(item, partners)
            self._bind_managed(made, [i for i, _it, _v in new], neutral)
            keep |= made
        keep.filtered("follow_recurrence").write({"follow_recurrence": False})
        if not recurrence.calendar_sync_managed:
            first = keep.sorted("start")[0]
            recurrence.write(
                {
                    "calendar_sync_managed": self.adapter.provider,
                    "base_event_id": first.id,
                    **self._managed_rule(neutral, first.start.date(), len(keep)),
                }
            )
