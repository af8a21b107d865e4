# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database upgraded from 18.0.1 (after :mod:`old_scenario`).

Run inside ``odoo-bin shell`` on the upgraded database, with the emulators the
old version synced with still running (``main(env, control_url, state_path,
out_path)``, see ``run-tests``). Each check is one test of the run-tests
summary: ``{"name", "ok", "detail"}`` in ``out_path`` (JSON).

1. Bindings: every event and series that had a provider id has one binding
   in the account whose calendar holds that id, with the same id and etag;
   need-sync, guest copy, original start, error and pending answers carried;
   events left out of a calendar stay out; the old columns are gone.
2. The new engine syncs every account: no remote create or delete, no local
   create or delete, no mail; only the edits and answers left pending are
   sent, and they arrive. A second sync moves nothing.
3. Later changes flow: edits in Odoo go out as updates, edits made remotely
   come in, and nothing is created anywhere.
"""

import json
import logging
import traceback

from emulator_host import Control

_logger = logging.getLogger(__name__)

PROVIDERS = ("google", "microsoft")
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


def main(env, control_url, state_path, out_path):
    with open(state_path, encoding="utf-8") as state_file:
        state = json.load(state_file)
    checks = UpgradedChecks(env, Control(control_url), state)
    try:
        checks.run()
    except Exception:  # noqa: BLE001 - the checks so far, and why it stopped
        checks.results.append(
            {"name": "the checks ran to the end", "ok": False, "detail": _tail()}
        )
    finally:
        with open(out_path, "w", encoding="utf-8") as out:
            json.dump(checks.results, out, indent=1, default=str)


def _tail():
    return traceback.format_exc()[-3000:]


class UpgradedChecks:
    def __init__(self, env, ctl, state):
        self.env = env
        self.ctl = ctl
        self.state = state
        self.results = []
        self.Binding = env["calendar.sync.binding"].sudo()
        self.Event = env["calendar.event"].sudo().with_context(active_test=False)
        self.accounts = env["calendar.sync.account"].sudo().search([], order="id")
        self.old_events = {row["id"]: row for row in state["events"]}
        self.old_series = {row["id"]: row for row in state["recurrences"]}
        self.holds = self._remote_ids(state["remote"])

    # ------------------------------------------------------------ plumbing
    def check(self, name, problems):
        """One test: passes when ``problems`` (a list of strings) is empty."""
        problems = [str(p) for p in problems]
        self.results.append(
            {"name": name, "ok": not problems, "detail": "; ".join(problems)[:3000]}
        )
        _logger.info("%s %s", "ok  " if not problems else "FAIL", name)
        for problem in problems[:20]:
            _logger.info("     %s", problem)
        return not problems

    def guarded(self, name, function):
        try:
            return self.check(name, function())
        except Exception:  # noqa: BLE001 - one check's crash is its failure
            return self.check(name, [_tail()])

    @staticmethod
    def _remote_ids(remote):
        """{(provider, account email): remote ids its calendar holds}."""
        holds = {}
        for account, events in remote["google"].items():
            ids = {e["id"] for e in events if e.get("status") != "cancelled"}
            holds[("google", account)] = ids
        for account, events in remote["graph"].items():
            ids = set()
            for event in events:
                ids.add(event["id"])
                ids.update(i["id"] for i in event["instances"])
            holds[("microsoft", account)] = ids
        return holds

    def holder_ids(self, provider, remote_id):
        """Emails of the accounts whose calendar holds ``remote_id`` (a
        Google occurrence is held where its series is)."""
        master = remote_id.split("_")[0] if provider == "google" else remote_id
        return {
            email
            for (p, email), ids in self.holds.items()
            if p == provider and (remote_id in ids or master in ids)
        }

    def account_of(self, provider, user_id):
        return self.accounts.filtered(
            lambda a: a.provider == provider and a.user_id.id == user_id
        )

    def right_accounts(self, provider, remote_id, organizer_id, attendee_partners):
        """The accounts that must bind ``remote_id``: the organizer's when its
        calendar holds the id, else one attendee's that holds it (an Outlook
        id is in one mailbox); for Google, also every attendee's account
        whose calendar holds it (one id in every calendar)."""
        holders = self.holder_ids(provider, remote_id)
        organizer = self.account_of(provider, organizer_id)
        attendees = self.accounts.filtered(
            lambda a: (
                a.provider == provider
                and a.email in holders
                and a.user_id.partner_id.id in attendee_partners
            )
        )
        if organizer and organizer.email in holders:
            primary = organizer
        else:
            primary = attendees.sorted("id")[:1]
        if provider == "google":
            return primary | attendees
        return primary

    def attendee_partners(self, event_id):
        return {
            row["partner_id"]
            for row in self.state["attendees"]
            if row["event_id"] == event_id
        }

    def sync_all(self, rounds=4):
        """Sync every account until a round moves nothing; return
        (counters per round, problems)."""
        history, problems = [], []
        for _number in range(rounds):
            moved = {}
            for account in self.accounts:
                counters = account._sync() or {}
                # one transaction per sync, as the cron runs them
                self.env.cr.commit()  # pylint: disable=invalid-commit
                label = f"{account.email}/{account.provider}"
                if account.state != "connected" or account.last_error:
                    problems.append(f"{label}: {account.state} {account.last_error}")
                if any(counters.get(k) for k in ("pulled", "pushed", "failed")):
                    moved[label] = counters
            history.append(moved)
            if not moved:
                return history, problems
        problems.append(f"still moving after {rounds} rounds: {history}")
        return history, problems

    def local_census(self):
        self.env.invalidate_all()
        return {
            "events": set(self.Event.search([]).ids),
            "recurrences": set(self.env["calendar.recurrence"].sudo().search([]).ids),
            "mail": self.env["mail.mail"].sudo().search_count([]),
        }

    # ------------------------------------------------------------ run
    def run(self):
        self.guarded("the old sync columns are dropped", self.columns_dropped)
        self.guarded(
            "every event with a provider id has one binding in each account "
            "holding it, same id and etag",
            self.event_bindings,
        )
        self.guarded(
            "every series with a provider id has one binding in each account "
            "holding it, same id and etag",
            self.series_bindings,
        )
        self.guarded(
            "need_sync, guest copy, original start and sync error are carried",
            self.flags_carried,
        )
        self.guarded(
            "events the first-sync choice left out stay out (bound, nothing to send)",
            self.left_out_carried,
        )
        self.guarded(
            "every bound remote id is in its account's calendar", self.bindings_real
        )
        self.guarded(
            "answers given in Odoo and not sent yet are carried, with where to "
            "send them",
            self.answers_carried,
        )
        self.guarded(
            "the upgrade neither creates nor deletes events", self.upgrade_census
        )
        self.first_sync()
        self.later_changes()

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
