# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database upgraded from 18.0.1: the bindings (part 1 of
:mod:`upgraded_checks`, whose :class:`UpgradedChecks` mixes :class:`BindingChecks` in).

Every event and series that had a provider id has one binding in the account
whose calendar holds that id, with the same id and etag; need-sync, guest copy,
original start, error and pending answers carried; events left out of a
calendar stay out; the old columns are gone.
"""

PROVIDERS = ("google", "microsoft")


class BindingChecks:
    """Part 1 of :class:`upgraded_checks.UpgradedChecks` (its ``env``, ``state``,
    ``old_events``, ``old_series``, ``holds`` and helpers)."""

    # ------------------------------------------------------------ 1. bindings
    def columns_dropped(self):
        cr = self.env.cr
        cr.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name IN ('calendar_event', 'calendar_recurrence', "
            "'calendar_attendee') AND (column_name LIKE 'google\\_%%' "
            "OR column_name LIKE 'microsoft\\_%%')"
        )
        return [f"{table}.{column} is still there" for table, column in cr.fetchall()]

    def _bindings(self, field, record_id, provider):
        return self.Binding.search(
            [(field, "=", record_id), ("provider", "=", provider)]
        )

    def event_bindings(self):
        return self._record_bindings(
            "event", "event_id", self.old_events, lambda old: old
        )

    def series_bindings(self):
        return self._record_bindings(
            "series",
            "recurrence_id",
            self.old_series,
            lambda old: self.old_events[old["base_event_id"]],
        )

    def _record_bindings(self, label, field, old_records, base_of):
        """Each provider id of ``old_records`` (the 18.0.1 rows) against the
        bindings of ``field`` (``base_of``: the event that names its
        organizer and attendees)."""
        problems = []
        for record_id, old in old_records.items():
            base = base_of(old)
            for provider in PROVIDERS:
                remote_id = old[f"{provider}_id"]
                if not remote_id:
                    continue
                right = self.right_accounts(
                    provider,
                    remote_id,
                    base["user_id"],
                    self.attendee_partners(base["id"]),
                )
                problems += self._one_binding(
                    f"{label} {record_id} {base['name']!r}",
                    self._bindings(field, record_id, provider),
                    remote_id,
                    old[f"{provider}_etag"],
                    right,
                )
        return problems

    @staticmethod
    def _one_binding(what, bindings, remote_id, etag, right):
        same = bindings.filtered(lambda b: b.remote_id == remote_id)
        if not right:
            return [f"{what}: no account's calendar holds {remote_id}"]
        problems = []
        bound = same.account_id
        if len(bound) != len(same) or bound != right:
            problems.append(
                f"{what}: {remote_id} bound in {same.mapped('account_id.email')}, "
                f"held by {right.mapped('email')}"
            )
        for binding in same:
            if (binding.etag or None) != (etag or None):
                problems.append(
                    f"{what}: etag {binding.etag!r} in {binding.account_id.email}'s "
                    f"account, was {etag!r}"
                )
        return problems

    def flags_carried(self):
        problems = []
        for event_id, old in self.old_events.items():
            for provider in PROVIDERS:
                if not old[f"{provider}_id"]:
                    continue
                binding = self._bindings("event_id", event_id, provider).filtered(
                    lambda b, rid=old[f"{provider}_id"]: b.remote_id == rid
                )[:1]
                if not binding:
                    continue  # reported by the binding check
                expected = {
                    "need_sync": bool(old[f"{provider}_need_sync"]),
                    "guest_copy": bool(old[f"{provider}_guest_copy"]),
                    "original_start": (old[f"{provider}_original_start"] or None),
                    "sync_error": old[f"{provider}_sync_error"] or None,
                }
                found = {
                    "need_sync": binding.need_sync,
                    "guest_copy": binding.guest_copy,
                    "original_start": str(binding.original_start)
                    if binding.original_start
                    else None,
                    "sync_error": binding.sync_error or None,
                }
                for key, value in expected.items():
                    if (str(value) if value is not None else None) != (
                        str(found[key]) if found[key] is not None else None
                    ):
                        problems.append(
                            f"event {event_id} {old['name']!r} {provider} {key}: "
                            f"{found[key]!r}, was {value!r}"
                        )
        for series_id, old in self.old_series.items():
            for provider in PROVIDERS:
                if not old[f"{provider}_id"]:
                    continue
                binding = self._bindings("recurrence_id", series_id, provider)[:1]
                if binding and binding.need_sync != bool(old[f"{provider}_need_sync"]):
                    problems.append(
                        f"series {series_id} {provider} need_sync "
                        f"{binding.need_sync}, was {old[f'{provider}_need_sync']}"
                    )
        return problems

    def left_out_carried(self):
        problems, seen = [], 0
        for event_id, old in self.old_events.items():
            for provider in PROVIDERS:
                account = self.account_of(provider, old["user_id"])
                if old[f"{provider}_id"] or old[f"{provider}_need_sync"] or not account:
                    continue
                seen += 1
                binding = self._bindings("event_id", event_id, provider).filtered(
                    lambda b, a=account: b.account_id == a
                )
                if len(binding) != 1 or binding.need_sync or binding.remote_id:
                    problems.append(
                        f"event {event_id} {old['name']!r} left out of {provider}: "
                        f"bindings {[(b.remote_id, b.need_sync) for b in binding]}"
                    )
        if not seen:
            problems.append("the scenario has no event left out (nothing checked)")
        return problems

    def bindings_real(self):
        problems = []
        for binding in self.Binding.search([("remote_id", "!=", False)]):
            holders = self.holder_ids(binding.provider, binding.remote_id)
            if binding.account_id.email not in holders:
                record = binding.event_id or binding.recurrence_id
                problems.append(
                    f"{record._name} {record.id} {record.display_name!r}: bound to "
                    f"{binding.remote_id} in {binding.account_id.email}'s "
                    f"{binding.provider} account, which is in {sorted(holders)}'s"
                )
        return problems

    def answers_carried(self):
        problems, seen = [], 0
        for row in self.state["attendees"]:
            for provider in PROVIDERS:
                if not row[f"{provider}_answer_pending"]:
                    continue
                account = self.accounts.filtered(
                    lambda a, p=provider, r=row: (
                        a.provider == p and a.user_id.partner_id.id == r["partner_id"]
                    )
                )
                if not account:
                    continue  # no calendar of that provider to answer in
                seen += 1
                event = self.Event.browse(row["event_id"])
                what = f"answer of {account.email} to {event.name!r} ({provider})"
                binding = self.Binding.search(
                    [("account_id", "=", account.id), ("event_id", "=", event.id)]
                )
                if not binding.answer_pending:
                    problems.append(f"{what}: not pending any more")
                series = self.Binding.search(
                    [
                        ("account_id", "=", account.id),
                        ("recurrence_id", "=", event.recurrence_id.id or 0),
                    ]
                )
                target = (
                    series.remote_id
                    if event.recurrence_id and event.follow_recurrence
                    else binding.remote_id
                )
                if not target:
                    problems.append(
                        f"{what}: no remote id in that account to send it to"
                    )
                if not account.answers_pending:
                    problems.append(f"{what}: the account is not flagged")
        if not seen:
            problems.append("the scenario has no pending answer (nothing checked)")
        return problems

    def upgrade_census(self):
        census = self.local_census()
        before = self.state["counts"]
        problems = []
        if len(census["events"]) != before["calendar_event"]:
            problems.append(
                f"{len(census['events'])} events, {before['calendar_event']} before"
            )
        if len(census["recurrences"]) != before["calendar_recurrence"]:
            problems.append(
                f"{len(census['recurrences'])} series, "
                f"{before['calendar_recurrence']} before"
            )
        return problems
