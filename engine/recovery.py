# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Failures in a sync run: recorded where the user looks, retried next run.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): an
item that fails is recorded on its record and in the run's errors; a remote
item whose application failed is kept on its binding and tried again on every
run until it syncs; what sanitizing a remote item left out is said on it.
"""

import json

from markupsafe import Markup

from odoo import _

from ..services.exceptions import RemoteError, UnsupportedRecurrence


class RecoverySync:
    """The failure-handling part of a sync run (see :class:`engine.run.SyncRun`)."""

    #: messages of the series whose rule the provider cannot hold: not retried
    #: until the series changes (each run instance sets its own)
    refusals = frozenset()

    def _with_pending(self, items):
        """``items`` plus the remote items whose application failed on an
        earlier run (kept on their binding): they are tried again until they
        sync, even if the provider lists them no more. A newer version in
        ``items`` replaces the kept one."""
        if not self.account.pending_items:
            return items
        self.account.pending_items = False  # set again by what fails again
        pending = self.binder.Binding.search(
            [("account_id", "=", self.account.id), ("pending_item", "!=", False)]
        )
        if not pending:
            return items
        listed = {item.get("id") for item in items}
        kept = []
        for binding in pending:
            try:
                item = json.loads(binding.pending_item)
            except ValueError:
                item = None
            if isinstance(item, dict) and binding.remote_id not in listed:
                kept.append(item)
        # placeholders (nothing in Odoo yet) go: an import binds the item anew
        placeholders = pending.filtered(
            lambda b: not (b.event_id or b.recurrence_id or b.stash_event_ids)
        )
        placeholders.unlink()
        (pending - placeholders).write({"pending_item": False})
        return [*kept, *items]

    def _remember_failure(self, remote_id, error):
        """Keep the remote item whose application failed, with the error, on
        its binding (a placeholder binding when nothing is in Odoo yet)."""
        item = self.raw.get(remote_id)
        if not remote_id or item is None:
            return
        self.account.pending_items = True
        values = {
            "pending_item": json.dumps(item, default=str),
            "sync_error": str(error)[:500],
        }
        Binding = self.binder.Binding
        found = Binding.search(
            [("account_id", "=", self.account.id), ("remote_id", "=", remote_id)]
        )
        if found:
            found.write(values)
        else:
            Binding.create(
                {
                    "account_id": self.account.id,
                    "remote_id": remote_id,
                    "need_sync": False,
                    **values,
                }
            )

    def _note_warnings(self, event, remote_id):
        """Say on the event what was left out of the remote item (invalid
        e-mails, control characters, over-long texts...)."""
        warnings = self.warnings.get(remote_id)
        if warnings:
            event.message_post(
                body=Markup("%s<ul>%s</ul>")
                % (
                    _(
                        "Some of what %(provider)s sent for this event was left "
                        "out or cleaned:",
                        provider=self.adapter.label,
                    ),
                    Markup().join(Markup("<li>%s</li>") % w for w in warnings),
                )
            )

    def _fail(self, record, error):
        # what the provider said, in a sentence of the user's language (its
        # code kept as a detail); our own messages as they are
        if isinstance(error, RemoteError):
            message = self.account._describe_error(error)
        else:
            message = str(error)
        refused = isinstance(error, UnsupportedRecurrence) and bool(record)
        if refused and record._name == "calendar.recurrence" and record.exists():
            # the rule itself: said on every occurrence, by the series' title
            message = _(
                "“%(name)s”: this recurrence cannot be synced with %(provider)s: "
                "%(reason)s It is sent again once the series is changed in Odoo.",
                name=self._series_base(record).name,
                provider=self.adapter.label,
                reason=getattr(error, "reason", message),
            )
            self.refusals = self.refusals | {message}
        elif isinstance(error, UnsupportedRecurrence):
            message = _(
                "This recurrence cannot be synced with %(provider)s: %(reason)s",
                provider=self.adapter.label,
                reason=getattr(error, "reason", message),
            )
        self.counters["failed"] += 1
        self.errors.append(message)
        if record and record._name == "calendar.recurrence":
            occurrences = record.exists().calendar_event_ids.filtered("active")
            if refused and occurrences:
                self.binder.set(occurrences, sync_error=message[:500])
            record = self._series_base(record)
        if record and record.exists():
            self.binder.set(record, sync_error=message[:500])

    def summary_error(self):
        if not self.errors:
            return False
        if self.errors[0] in self.refusals:
            # the error says when it is sent again
            return _(
                "%(count)s event(s) could not be synced. First error: %(error)s",
                count=len(self.errors),
                error=self.errors[0],
            )
        return _(
            "%(count)s event(s) could not be synced; the sync retries them on its "
            "next run. First error: %(error)s",
            count=len(self.errors),
            error=self.errors[0],
        )
