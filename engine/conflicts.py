# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Conflicts in a sync run: an event changed on both sides.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): with
the version last synced known, the change is merged field by field
(:mod:`services.conflicts`) and what lost is posted; without it, the later
side wins and the other version is posted.
"""

from markupsafe import Markup, escape

from odoo import _

from ..services import conflicts, planner
from ..services.snapshot import canonical, same_version


class ConflictSync:
    """The conflict part of a sync run (see :class:`engine.run.SyncRun`)."""

    def _do_MergeFields(self, action):
        """Both sides changed the event: keep every one-sided change, let the
        later change win a field changed on both, post what lost."""
        event = self.items[action.key]
        remote = self.remote[action.remote_id]
        merged, clashes = conflicts.merge(
            conflicts.loads(self.binder.get(event, "synced")),
            canonical(self._local_neutral(event)),
            canonical(remote),
            event.write_date,
            remote.get("updated"),
        )
        # times come as one field: keep the neutral's shape for the other kind
        neutral = {**remote, **merged}
        values = self._values(neutral, event)
        if event.recurrence_id:
            values.pop("user_id")
            values["follow_recurrence"] = False
        event.write(values)
        if not neutral.get("mirror"):
            self._take_answers(event, neutral)
        self.binder.set(
            event,
            etag=remote.get("etag"),
            synced=conflicts.dumps(canonical(remote)),
        )
        if clashes:
            self._post_clashes(event, clashes)
        self.counters["pulled"] += 1
        # a mirror the user invited guests in is written again without them
        # (its attendees are left out of both sides: no difference shows it)
        rewrite = action.remote_id in self.mirrors_to_rewrite
        if not rewrite and same_version(
            canonical(self._local_neutral(event)), canonical(remote)
        ):
            self.binder.set(event, need_sync=False, sync_error=False)
            return None
        return self._do_UpdateRemote(planner.UpdateRemote(action.key, action.remote_id))

    def _post_clashes(self, event, clashes):
        lines = []
        for clash in clashes:
            side = (
                _("from %(provider)s", provider=self.adapter.label)
                if clash.winner == "local"
                else _("from Odoo")
            )
            lines.append(
                Markup("<li>%s</li>")
                % _(
                    "%(field)s: the later change was kept; the version %(side)s "
                    "was: %(value)s",
                    field=clash.field,
                    side=side,
                    value=conflicts.describe(clash.lost),
                )
            )
        body = Markup("%s<ul>%s</ul>") % (
            _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. Changes made on one side only were all kept.",
                provider=self.adapter.label,
            ),
            Markup().join(lines),
        )
        event.message_post(body=body)

    def _do_ReportConflict(self, action):
        record = self.items[action.key]
        neutral = self.remote.get(action.remote_id)
        if (
            record._name == "calendar.event"
            and action.winner == "local"
            and neutral
            and not self._restorable(record)
        ):
            self._post_lost_change(record, neutral)
            return
        if record._name == "calendar.recurrence":
            record = self._series_base(record)
        if action.winner == "remote":
            body = _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. The later version, from %(provider)s, was kept; your "
                "version in Odoo was: %(version)s",
                provider=self.adapter.label,
                version=self.before[action.key],
            )
        else:
            body = _(
                "This event was changed both in Odoo and in %(provider)s since the "
                "last sync. Odoo's later version was kept; the version in "
                "%(provider)s was: %(version)s",
                provider=self.adapter.label,
                version=self._describe(neutral) if neutral else _("deleted"),
            )
        if record.exists():
            record.message_post(body=body)

    def _post_lost_change(self, occurrence, neutral):
        """A change made here to an occurrence that the calendar hosting its
        series deleted for good (see ``_restorable``) is lost: said on the
        series, since the occurrence goes once no calendar holds it."""
        body = _(
            "An occurrence of this series was changed in %(provider)s after it "
            "was deleted. The calendar that hosts the series cannot bring a "
            "deleted occurrence back, so it stays deleted, in %(provider)s too. "
            "The change in %(provider)s was: %(version)s",
            provider=self.adapter.label,
            version=self._describe(neutral),
        )
        series = self._series_base(occurrence.recurrence_id)
        (series if series.active else occurrence).message_post(body=body)

    def _describe_local(self, key):
        record = self.items[key]
        if record._name == "calendar.recurrence":
            record = self._series_base(record)
        return self._describe(record._calendar_sync_neutral())

    @staticmethod
    def _describe(neutral):
        start = (
            neutral.get("start_date") if neutral.get("allday") else neutral.get("start")
        )
        return escape(
            f"{neutral.get('name') or ''} — {start or ''} — "
            f"{neutral.get('location') or ''}"
        )
