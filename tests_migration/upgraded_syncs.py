# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database upgraded from 18.0.1: syncs after the upgrade (parts 2
and 3 of :mod:`upgraded_checks`, whose :class:`UpgradedChecks` mixes
:class:`SyncChecks` in).

2. The new engine syncs every account: no remote create or delete, no local
   create or delete, no mail; only the edits and answers left pending are
   sent, and they arrive. A second sync moves nothing.
3. Later changes flow: edits in Odoo go out as updates, edits made remotely
   come in, and nothing is created anywhere.
"""

import logging

_logger = logging.getLogger(__name__)

#: an answer given in Odoo, as each calendar shows it
ANSWER_STATUS = {
    "google": {
        "accepted": "accepted",
        "tentative": "tentative",
        "declined": "declined",
    },
    "microsoft": {
        "accepted": "accepted",
        "tentative": "tentativelyAccepted",
        "declined": "declined",
    },
}


class SyncChecks:
    """Parts 2 and 3 of :class:`upgraded_checks.UpgradedChecks` (its ``env``,
    ``ctl``, ``state``, ``accounts`` and helpers)."""

    # ------------------------------------------------------------ 2. first sync
    def first_sync(self):
        before = self.local_census()
        mark = self.ctl.mark()
        history, problems = self.sync_all()
        writes = self.ctl.writes(mark)
        mails = self.ctl.mails(mark)
        after = self.local_census()
        _logger.info("first sync after the upgrade: %s", history)
        self.check("the new engine syncs every account without error", problems)
        seen = {(w["provider"], w["create"]) for w in self.state["writes"]}
        self.check(
            "the first sync after the upgrade creates nothing remotely",
            [f"{w['method']} {w['path']}" for w in writes if w["create"]]
            + [
                f"no {provider} create recognized in the previous version's "
                "writes: the check would see none"
                for provider in ("google", "graph")
                if (provider, True) not in seen
            ],
        )
        self.check(
            "the first sync after the upgrade deletes nothing remotely",
            [f"{w['method']} {w['path']}" for w in writes if w["method"] == "DELETE"],
        )
        self.check(
            "the first sync after the upgrade neither imports nor deletes in Odoo",
            self._census_problems(before, after),
        )
        pending = {tuple(p) for p in self.state["pending"]}
        targets = {remote_id for _p, _email, remote_id, _what in pending}
        sent = [w for w in writes if not w["create"] and w["method"] != "DELETE"]
        self.check(
            "the first sync sends the edits and answers left pending, nothing else",
            [
                f"unexpected {w['method']} {w['path']}"
                for w in sent
                if not any(t in w["path"] for t in targets)
            ]
            + [
                f"not sent: {what} of {email} ({provider}) on {remote_id}"
                for provider, email, remote_id, what in sorted(pending)
                if not any(remote_id in w["path"] for w in sent)
            ],
        )
        self.guarded(
            "the pending answers and edits reached the calendars",
            lambda: self._pending_arrived(pending),
        )
        self.check(
            "the first sync after the upgrade mails nobody",
            self._mail_problems(before, after, writes, mails, targets),
        )
        self.guarded(
            "the calendars hold the same events as before the upgrade, changed "
            "only where something was pending",
            lambda: self._same_calendars(self.ctl.snapshot(), targets),
        )
        self.quiet_sync("a second sync after the upgrade moves nothing")

    def quiet_sync(self, name):
        """One sync of every account that must move nothing at all."""
        mark = self.ctl.mark()
        history, problems = self.sync_all(rounds=1)
        self.check(
            name,
            problems
            + [f"{label}: {c}" for label, c in history[0].items()]
            + [f"{w['method']} {w['path']}" for w in self.ctl.writes(mark)],
        )

    def _census_problems(self, before, after):
        problems = []
        for key in ("events", "recurrences"):
            new = sorted(after[key] - before[key])
            gone = sorted(before[key] - after[key])
            if new and key == "events":
                problems.append(
                    "events created: "
                    + ", ".join(
                        f"{e.id} {e.name!r} of {e.user_id.name}"
                        for e in self.Event.browse(new)
                    )
                )
            elif new:
                problems.append(f"{key} created: {new}")
            if gone:
                problems.append(f"{key} deleted: {gone}")
        return problems

    def _mail_problems(self, before, after, writes, mails, answers_to):
        problems = []
        if after["mail"] != before["mail"]:
            problems.append(f"Odoo queued {after['mail'] - before['mail']} mail(s)")
        for mail in mails:
            # an answer goes to the organizer (Outlook tells them): expected
            if mail["action"] in ("invite", "update", "cancel"):
                problems.append(f"Outlook mailed {mail}")
        for write in writes:
            if write["provider"] != "google" or write["sendUpdates"] in (None, "none"):
                continue
            if not any(t in write["path"] for t in answers_to):
                problems.append(
                    f"Google mails ({write['sendUpdates']}) for {write['path']}"
                )
        return problems

    def _same_calendars(self, now, targets):
        problems = []
        for emulator, calendars in self.state["remote"].items():
            for account, events in calendars.items():
                old = {e["id"]: e for e in events}
                new = {e["id"]: e for e in now[emulator].get(account, [])}
                for remote_id in sorted(new.keys() - old.keys()):
                    problems.append(f"new in {account}'s {emulator}: {remote_id}")
                for remote_id in sorted(old.keys() - new.keys()):
                    problems.append(f"gone from {account}'s {emulator}: {remote_id}")
                for remote_id in sorted(old.keys() & new.keys()):
                    if old[remote_id] != new[remote_id] and remote_id not in targets:
                        problems.append(
                            f"changed in {account}'s {emulator}: {remote_id} "
                            f"{old[remote_id]} -> {new[remote_id]}"
                        )
        return problems

    def _pending_arrived(self, pending):
        problems = []
        for provider, email, remote_id, what in sorted(pending):
            if provider == "google":
                remote = self.ctl.google_get(email, remote_id) or {}
            else:
                remote = next(
                    (e for e in self.ctl.graph_events(email) if e["id"] == remote_id),
                    {},
                )
            if what == "edit":
                local = self._bound(provider, email, remote_id)
                location = (
                    remote.get("location")
                    if provider == "google"
                    else (remote.get("location") or {}).get("displayName")
                )
                if location != local.location:
                    problems.append(
                        f"{what} of {local.name!r} in {email}'s {provider}: "
                        f"location {location!r}, Odoo has {local.location!r}"
                    )
                continue
            state = what.split()[-1]
            status = self._own_status(provider, email, remote)
            if status != ANSWER_STATUS[provider][state]:
                problems.append(
                    f"{what} of {email} ({provider}) on {remote.get('summary')!r}"
                    f"{remote.get('subject') or ''}: remote says {status!r}"
                )
        return problems

    @staticmethod
    def _own_status(provider, email, remote):
        for attendee in remote.get("attendees") or []:
            if provider == "google" and attendee.get("email") == email:
                return attendee.get("responseStatus")
        if provider == "microsoft":
            return ((remote.get("responseStatus") or {}).get("response")) or None
        return None

    def _bound(self, provider, email, remote_id):
        account = self.accounts.filtered(
            lambda a: a.provider == provider and a.email == email
        )
        binding = self.Binding.search(
            [("account_id", "=", account.id), ("remote_id", "=", remote_id)]
        )
        return binding.event_id or binding.recurrence_id.base_event_id

    # ------------------------------------------------------------ 3. later changes
    def later_changes(self):
        self.guarded(
            "an edit made in Odoo afterwards is sent as an update", self.odoo_edits
        )
        self.guarded("an edit made remotely afterwards is pulled", self.remote_edits)
        self.quiet_sync("the last sync moves nothing")

    def named(self, name):
        events = self.Event.search([("name", "=", name)], order="start")
        if not events:
            raise AssertionError(f"no event named {name!r}")
        return events

    def odoo_edits(self):
        renames = {
            "Alice: planning": "Alice: planning (v2)",
            "Bob: budget": "Bob: budget (v2)",
            "Carol: workshop": "Carol: workshop (v2)",
        }
        expected = []  # (provider, email, remote id, new name)
        for old, new in renames.items():
            event = self.named(old)[:1]
            for binding in event.sudo().calendar_sync_binding_ids:
                expected.append(
                    (binding.provider, binding.account_id.email, binding.remote_id, new)
                )
            event.with_user(event.user_id).write({"name": new})
        retro = self.named("Carol: retro")
        for binding in retro.recurrence_id.sudo().calendar_sync_binding_ids:
            expected.append(
                (
                    binding.provider,
                    binding.account_id.email,
                    binding.remote_id,
                    "Carol: retro (v2)",
                )
            )
        retro[:1].with_user(retro.user_id[:1]).write(
            {"name": "Carol: retro (v2)", "recurrence_update": "all_events"}
        )
        self.env.cr.commit()  # pylint: disable=invalid-commit
        writes, problems = self.sync_creating_nothing()
        for provider, email, remote_id, name in expected:
            if not any(
                w["method"] == "PATCH" and remote_id in w["path"] for w in writes
            ):
                problems.append(f"no PATCH of {remote_id} ({name!r}, {provider})")
            title = self._remote_title(provider, email, remote_id)
            if title != name:
                problems.append(f"{email}'s {provider} {remote_id}: {title!r}")
        if len(expected) < 6:
            problems.append(f"only {len(expected)} bound records to edit: {expected}")
        return problems

    def sync_creating_nothing(self):
        """Sync every account until settled: (the writes, problems), where
        any event created or deleted on either side is a problem."""
        before = self.local_census()
        mark = self.ctl.mark()
        _history, problems = self.sync_all()
        writes = self.ctl.writes(mark)
        problems += self._census_problems(before, self.local_census())
        problems += [f"{w['method']} {w['path']}" for w in writes if w["create"]]
        return writes, problems

    def _remote_title(self, provider, email, remote_id):
        if provider == "google":
            return (self.ctl.google_get(email, remote_id) or {}).get("summary")
        for event in self.ctl.graph_events(email):
            if event["id"] == remote_id:
                return event.get("subject")
        return None

    def remote_edits(self):
        ctl = self.ctl
        edits = []  # (odoo event name before, name after)

        def edit(provider, email, name, new):
            """``email`` renames, in its own calendar, the event (or the
            series) Odoo calls ``name``."""
            event = self.named(name)[:1]
            record = event.recurrence_id or event
            binding = record.sudo().calendar_sync_binding_ids.filtered(
                lambda b: (
                    b.provider == provider
                    and (provider == "google" or b.account_id.email == email)
                )
            )[:1]
            if provider == "google":
                ctl.google_update(email, binding.remote_id, {"summary": new})
            else:
                ctl.graph_update(email, binding.remote_id, {"subject": new})
            edits.append((name, new, bool(event.recurrence_id)))

        def google(email, name, new):
            edit("google", email, name, new)

        def graph(email, name, new):
            edit("microsoft", email, name, new)

        google("alice@example.com", "Alice: dentist", "Alice: dentist (remote)")
        google("alice@example.com", "Alice: standup", "Alice: standup (remote)")
        google("alice@example.com", "Alice meets Carol", "Alice meets Carol (remote)")
        google("erin@outside.example", "Erin's webinar", "Erin's webinar (remote)")
        graph("bob@example.com", "Bob: lunch", "Bob: lunch (remote)")
        graph("bob@example.com", "Bob: standup", "Bob: standup (remote)")
        graph("bob@example.com", "Dave's demo", "Dave's demo (remote)")
        graph("carol@example.com", "Carol: offsite", "Carol: offsite (remote)")
        # Not "Alice's office hours": 18.0.1 made Alice its organizer in Odoo
        # (by the organizer e-mail of Bob's mailbox copy), and 18.0.2 takes
        # only Bob's answer from Bob's calendar for someone else's event, so a
        # change of it in Outlook no longer reaches Odoo. Who should own such
        # events after the upgrade is an open question, not a binding's.
        _writes, problems = self.sync_creating_nothing()
        for old, new, series in edits:
            # an occurrence edited alone keeps its own name
            stale = [("follow_recurrence", "=", True)] if series else []
            if self.Event.search_count([("name", "=", old), *stale]):
                problems.append(f"{old!r} is still in Odoo")
            if not self.Event.search_count([("name", "=", new)]):
                problems.append(f"{new!r} did not arrive")
        # Carol's offsite came from Outlook: the new name goes on to Google
        offsite = self.named("Carol: offsite (remote)")[:1]
        for binding in offsite.sudo().calendar_sync_binding_ids:
            title = self._remote_title(
                binding.provider, binding.account_id.email, binding.remote_id
            )
            if title != offsite.name:
                problems.append(
                    f"Carol: offsite in {binding.provider}: {title!r}, not relayed"
                )
        return problems
