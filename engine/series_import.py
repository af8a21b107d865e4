# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Series new remotely, created in Odoo in one batch (a mixin of
:class:`engine.series.SeriesSync`).

Every new series of a run is created in one savepoint: their first events in
one ``create``, their occurrences by one run of Odoo's ``_apply_recurrence``
(``calendar.recurrence._calendar_sync_create_series``), bound in one batch.
When the batch fails, each series is created alone in its own savepoint, so
that one bad series is recorded on itself and the others are imported.
"""

import logging

from odoo import _

from ..services import conflicts
from ..services.exceptions import UnsupportedRecurrence
from ..services.recurrence import normalize_recurrence
from .keys import SeriesKey

_logger = logging.getLogger(__name__)


class SeriesImport:
    """The import of new remote series (see :mod:`engine.series`)."""

    def _create_series(self, actions):
        """Create the series new remotely in one batch (one by one, each in
        its savepoint, when the batch fails, and for a rule Odoo cannot
        hold: refused alone)."""
        alone, batch = [], []
        for action in actions:
            try:
                self._check_week_start(self.remote[action.remote_id]["rule"])
            except UnsupportedRecurrence:
                alone.append(action)
            else:
                batch.append(action)
        if len(batch) > 1:
            try:
                with self.env.cr.savepoint():
                    made = self._create_local_series(batch)
            except Exception:  # noqa: BLE001 - then one by one
                _logger.info("Batch import of series failed, importing one by one")
                self.binder.forget()  # the savepoint's bindings are gone
            else:
                self._series_created(made)
                batch = []
        for action in batch + alone:
            try:
                with self.env.cr.savepoint():
                    made = self._create_local_series([action])
            except Exception as exc:  # noqa: BLE001 - isolate per item
                _logger.info(
                    "%s sync of %s failed: %s", self.adapter.label, action, exc
                )
                self.binder.forget()
                self._fail(None, exc)
                self._remember_failure(action.remote_id, exc)
                continue
            self._series_created(made)

    def _series_created(self, recurrences):
        for recurrence in recurrences:
            self.imported_series.add(recurrence.id)
            self.items[SeriesKey(recurrence.id)] = recurrence
            self.counters["pulled"] += 1

    def _check_week_start(self, rule):
        """Odoo expands a series with its user's week start: a remote rule
        whose occurrences depend on another week start cannot be held."""
        local = self.Recurrence._calendar_sync_week_start()
        if normalize_recurrence({**rule, "week_start": local}) != normalize_recurrence(
            rule
        ):
            raise UnsupportedRecurrence(
                "week start",
                rule=str(rule),
                reason=_(
                    "its weeks start on another day than yours in Odoo (see your "
                    "language's first day of the week), which gives this rule "
                    "other dates: it is left in %(provider)s",
                    provider=self.adapter.label,
                ),
            )

    def _create_local_series(self, actions):
        """The series of ``actions`` (remote series new to Odoo) created and
        bound: their first events in one ``create``, their occurrences in one
        more (``calendar.recurrence._calendar_sync_create_series``)."""
        neutrals = [self.remote[action.remote_id] for action in actions]
        partners = self._partners(neutrals)
        alarms = self._alarms(neutrals)
        vals_list = []
        for neutral in neutrals:
            rule = neutral["rule"]
            self._check_week_start(rule)
            values = self.Event._calendar_sync_values(
                neutral, self._owner(neutral), partners, alarms
            )
            values.update(
                {
                    **{
                        key: value
                        for key, value in rule.items()
                        if value is not False and key in self.Event._fields
                    },
                    "recurrency": True,
                    "event_tz": neutral["tz"],
                }
            )
            if rule["end_type"] != "count":
                values.pop("count", None)
            vals_list.append(values)
        firsts = self.Recurrence._calendar_sync_create_series(vals_list)
        recurrences = self.Recurrence.browse([ev.recurrence_id.id for ev in firsts])
        self.binder.bind_new(
            recurrences,
            [
                {
                    "remote_id": action.remote_id,
                    "etag": neutral["etag"],
                    "ical_uid": neutral.get("ical_uid") or False,
                    "guest_copy": self._guest_copy(neutral),
                    "need_sync": False,
                    # the version last synced: a series changed on both sides
                    # later is merged field by field against it
                    "synced": conflicts.dumps(self._remote_series_snapshot(neutral)),
                }
                for action, neutral in zip(actions, neutrals, strict=True)
            ],
        )
        self.binder.load(recurrences.calendar_event_ids)  # one query, not one each
        gone = self.Event
        for action, neutral, recurrence in zip(
            actions, neutrals, recurrences, strict=True
        ):
            recurrence.calendar_event_ids._calendar_sync_set_answers(neutral, partners)
            self._bind_occurrences(recurrence, action.remote_id, neutral["etag"])
            excluded = set(neutral.get("exdates") or [])
            if excluded:
                gone |= self._occurrences(recurrence).filtered(
                    lambda ev, excluded=excluded: self._original(ev) in excluded
                )
        gone.unlink()
        for action, neutral, recurrence in zip(
            actions, neutrals, recurrences, strict=True
        ):
            self._add_extra_occurrences(recurrence, action.remote_id, neutral)
        deleted = self.Event
        if not self.full_sync:
            for action, recurrence in zip(actions, recurrences, strict=True):
                deleted |= self._deleted_before(recurrence, action.remote_id)
        empty = recurrences.filtered(
            lambda rec: (
                self._all_cancelled(rec) or not (self._occurrences(rec) - deleted)
            )
        )
        for recurrence in empty:
            self._drop_local_series(recurrence)
        recurrences -= empty
        deleted.exists().unlink()
        self.binder.set(
            recurrences.calendar_event_ids.filtered("active"), need_sync=False
        )
        return recurrences

    def _deleted_before(self, recurrence, master_id):
        """Occurrences of a series new to Odoo, met in a listing of changes
        only, whose instances the calendar keeps deleted though the listing
        does not bring them: deleted before an earlier listing (a series
        Odoo let go of once every occurrence was gone, listed again by a
        later change, finding AQ). Asked of the calendar, where it keeps
        deleted instances (Google; one request per such series)."""
        originals = {}
        for event in self._occurrences(recurrence):
            remote_id = self.binder.remote_id(event)
            if remote_id and remote_id not in self.instances:
                originals[remote_id] = self._original(event)
        cancelled = self.adapter.cancelled_instances(master_id, originals)
        return self._occurrences(recurrence).filtered(
            lambda ev: self.binder.remote_id(ev) in cancelled
        )

    def _all_cancelled(self, recurrence):
        """Every occurrence of a series new to Odoo is cancelled in this
        listing (each one deleted alone in the calendar, which keeps the
        empty series): nothing to show, nothing imported (made and deleted
        at once on every full listing, it would be let go of each time)."""
        occurrences = self._occurrences(recurrence)
        return all(
            self.instances.get(self.binder.remote_id(event), {}).get("cancelled")
            for event in occurrences
        )
