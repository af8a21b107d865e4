# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook (Microsoft Graph): the delta window, and removals confirmed before
they are applied.

Changes come from ``/me/calendarView/delta`` over a window (1 year back and 2
ahead by default): :func:`_window`; the stored token is the delta link with the
day its window was taken (:func:`split_token`, :func:`stamp_token`).

The window is not a delete: Graph reports an event that leaves the window of a
delta link (moved or created beyond it) as ``@removed``, exactly as a deleted
one (api-notes §3.1). A removal (or, in a full listing, a bound event the
listing lacks) is applied only once a ``GET`` of the event (batched) answers 404
or 410; an event that still exists is applied as it now is, and stays bound;
one Graph could not tell about (throttled, unavailable) is kept, and asked
again on the next run.
The window of a delta link is frozen when the link is first taken: after
``calendar_sync.microsoft_window_refresh_days`` days the next run starts a new
delta over the current window (a full listing, matched by remote id).

:class:`DeltaWindow` is the half of :class:`engine.microsoft.MicrosoftAdapter`
that does this (what a full listing covers, removals confirmed by a ``GET``).
"""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

from odoo import _, fields

from ..services.exceptions import CalendarSyncError

DEFAULT_PAST_DAYS = 365
DEFAULT_FUTURE_DAYS = 730
#: System parameter: after how many days a delta link's window is replaced by
#: the current one (Graph freezes a link's window when it is first taken).
PARAM_WINDOW_REFRESH_DAYS = "calendar_sync.microsoft_window_refresh_days"
DEFAULT_WINDOW_REFRESH_DAYS = 30
#: The stored delta link carries, as a URL fragment (cut off before the link
#: is requested), the day its window was taken and whether some series wait to
#: have their instances read again (so that a no-op run needs no query for it).
WINDOW_KEY = "calendar_sync_window"
WAITING_KEY = "calendar_sync_series"
#: What a GET answers for an event that no longer exists.
GONE_STATUSES = (404, 410)


def _window(env):
    params = env["ir.config_parameter"].sudo()
    past = int(params.get_param("calendar_sync.microsoft_past_days", 0) or 0)
    future = int(params.get_param("calendar_sync.microsoft_future_days", 0) or 0)
    today = datetime.combine(fields.Date.today(), datetime.min.time())
    return (
        today - timedelta(days=past or DEFAULT_PAST_DAYS),
        today + timedelta(days=future or DEFAULT_FUTURE_DAYS),
    )


def _refresh_days(env):
    value = env["ir.config_parameter"].sudo().get_param(PARAM_WINDOW_REFRESH_DAYS)
    try:
        days = int(value or 0)
    except ValueError:
        days = 0
    return days if days > 0 else DEFAULT_WINDOW_REFRESH_DAYS


def split_token(token):
    """``(delta link, day its window was taken or None, whether some series
    wait to be read again)`` of a stored token."""
    link, _sep, fragment = (token or "").partition("#")
    marks = parse_qs(fragment)
    try:
        taken = date.fromisoformat(marks[WINDOW_KEY][0])
    except (KeyError, ValueError):
        taken = None
    return link or None, taken, WAITING_KEY in marks


def stamp_token(link, taken, waiting=False):
    """The token to store: ``link`` with the day its window was taken, and
    whether some series wait to be read again."""
    marks = {WINDOW_KEY: taken.isoformat()}
    if waiting:
        marks[WAITING_KEY] = "retry"
    return f"{link}#{urlencode(marks)}"


class DeltaWindow:
    """Mixed into the Outlook adapter: the window of a run's listing, and the
    removals it confirms with Graph before the engine applies them."""

    def window_domain(self, kind):
        start, end = self.window
        if not start:
            return []
        if kind == "series":
            # a series whose every occurrence ended before the window is not
            # in a listing of the window either
            return [
                ("base_event_id.start", "<=", end),
                ("calendar_event_ids", "any", [("stop", ">=", start)]),
            ]
        return [("stop", ">=", start), ("start", "<=", end)]

    def _confirm_removals(self):
        """Graph reports an event that left the delta's window (moved or
        created beyond it) as ``@removed``, as it reports a deleted one, and a
        full listing of the window lacks it: ask Graph for each bound item the
        run would delete, and delete only those it no longer has.

        An item that still exists takes the removal's place in the run as it
        now is (a move beyond the window is applied; it stays bound). An item
        Graph could not tell about is kept, and its removal waits on its
        binding for the next run, which asks again (:meth:`_ask_again`); a full
        listing is then planned as changes only (with the confirmed removals),
        so that nothing it lacks is deleted."""
        run = self.run
        suspects = self._removal_suspects()
        if not suspects:
            return
        remote_ids = list(suspects)
        results = self.client.batch(
            [self.client.get_request(remote_id) for remote_id in remote_ids]
        )
        kept = False
        for remote_id, result in zip(remote_ids, results, strict=True):
            record = suspects[remote_id]
            for bucket in (run.singles, run.masters, run.instances):
                bucket.pop(remote_id, None)
            if result.status in GONE_STATUSES:
                item = self.tombstone(remote_id)
            elif result.ok and isinstance(result.body, dict):
                item = result.body
            else:
                kept = True
                self._ask_again(remote_id, record, self._unconfirmed(result.to_error()))
                continue
            try:
                kept |= not self._place(remote_id, record, item)
            except CalendarSyncError as exc:
                kept = True
                run._fail(record, self._unconfirmed(exc))
        if kept and run.full_sync:
            # the listing's gaps are no longer all known deletions
            run.full_sync = False

    def _removal_suspects(self):
        """``{remote id: record}`` of the bound items the run would delete:
        those of ``@removed`` items, and on a full listing those it lacks."""
        run = self.run
        received = {**run.singles, **run.masters, **run.instances}
        removed = [rid for rid, n in received.items() if n["cancelled"]]
        suspects = {}
        if removed:
            suspects.update(self.binder.records("calendar.event", removed))
            suspects.update(self.binder.records("calendar.recurrence", removed))
        if run.full_sync:
            listed = set(run.singles) | set(run.masters)
            for event in run._local_singles():
                remote_id = self.binder.remote_id(event)
                if self.binder.confirmed(event) and remote_id not in listed:
                    suspects[remote_id] = event
            for recurrence in run._owned_series():
                remote_id = self.binder.remote_id(recurrence)
                if remote_id and remote_id not in listed:
                    suspects[remote_id] = recurrence
        return suspects

    def _place(self, remote_id, record, item):
        """Put ``item`` (what Graph has for ``remote_id`` now, or a removal)
        in the run, where the engine plans it for ``record``; False when it
        cannot stand for ``record`` (e.g. a sparse occurrence): left alone."""
        run = self.run
        kind, _remote_id, neutral = self.classify(item)
        series = record._name == "calendar.recurrence"
        if neutral["cancelled"]:
            # an occurrence's removal is applied with its series' occurrences
            bucket = run.masters if series else run.singles
            if not series and record.recurrence_id:
                bucket = run.instances
        elif series and kind == "master":
            neutral["rule"], neutral["exdates"] = self.remote_rule(neutral)
            bucket = run.masters
        elif not series and kind == "single" and not record.recurrence_id:
            bucket = run.singles
        elif not series and kind == "instance" and record.recurrence_id:
            bucket = run.instances
        else:
            return False
        bucket[remote_id] = neutral
        return True

    def _ask_again(self, remote_id, record, message):
        """Keep ``record`` (Graph could not tell whether ``remote_id`` is
        gone), say so on it, and keep the removal on its binding: the next run
        asks Graph again (the delta link moves on and would not report it
        again), until Graph answers."""
        run = self.run
        run._fail(record, message)
        run.raw[remote_id] = {"id": remote_id, "@removed": {"reason": "deleted"}}
        run._remember_failure(remote_id, message)

    def _unconfirmed(self, error):
        return _(
            "%(provider)s no longer lists this event, but could not tell whether "
            "it was deleted (%(error)s): it is kept in Odoo.",
            provider=self.label,
            error=getattr(error, "message", None) or str(error),
        )
