# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database calendar_sync took over (after :mod:`odoo_scenario`).

Run inside ``odoo-bin shell`` with the emulators Odoo's modules synced with
still running (``main(env, control_url, state_path, out_path, path)``, see
``run-tests``). Each check is one test of the run-tests summary.

``path`` "installed": calendar_sync was installed beside Odoo's modules.

1. Odoo's modules are gone (uninstalled by the installation), their columns
   with them.
2. Every user they connected has a connected account: same refresh token,
   Google's sync token, Dan's "stopped"; Outlook stays paused.
3. Every event and series they linked has its binding: same remote id, and
   Outlook's iCalUID.
4. Paused Outlook sends and reads nothing.
5. Outlook unpaused, every access token expired (only the carried refresh
   tokens let the sync go on): calendar_sync syncs every account; no remote
   create or delete, no Odoo event created, no mail, no invitation; a
   stopped user is left alone.
6. Later changes made on each side, in each calendar, sync as updates.

``path`` "uninstalled": Odoo's modules were uninstalled before calendar_sync
was installed (links and tokens gone); users connect again. The first syncs
re-bind what Odoo's pushes carry (the Odoo id in Google's shared extended
properties) and what the other calendars prove (iCalUID), never create a
duplicate on either side, and list the likely pairs for the administrator.
"""

import json
import logging
import traceback
from datetime import timedelta

from emulator_host import Control
from upgraded_checks import UpgradedChecks

from odoo import fields

_logger = logging.getLogger(__name__)

ODOO_MODULES = ("google_calendar", "microsoft_calendar", "google_account")
ALICE, BOB, CAROL, DAN = (
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "dan@example.com",
)


def main(env, control_url, state_path, out_path, path):
    with open(state_path, encoding="utf-8") as state_file:
        state = json.load(state_file)
    checks = TakeoverChecks(env, Control(control_url), state, path)
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


class TakeoverChecks(UpgradedChecks):
    """The migration test's checks (their plumbing), on a taken-over database."""

    def __init__(self, env, ctl, state, path):  # pylint: disable=super-init-not-called
        self.env = env
        self.ctl = ctl
        self.state = state
        self.path = path
        self.results = []
        self.Account = env["calendar.sync.account"].sudo()
        self.Binding = env["calendar.sync.binding"].sudo()
        self.Event = env["calendar.event"].sudo().with_context(active_test=False)
        self.users = {row["login"]: row for row in state["users"]}

    # ------------------------------------------------------------ plumbing
    @property
    def accounts(self):
        """Every account, as UpgradedChecks.sync_all syncs them."""
        return self.Account.search([], order="id")

    def census(self):
        self.env.invalidate_all()
        return {
            "events": set(self.Event.search([]).ids),
            "recurrences": set(self.env["calendar.recurrence"].sudo().search([]).ids),
            "mail": self.env["mail.mail"].sudo().search_count([]),
        }

    def quiet(self, mark, census, what):
        """Problems: anything created or deleted, on either side, or mailed,
        since ``mark`` and ``census``."""
        problems = []
        for write in self.ctl.writes(mark):
            if write["create"] or write["method"] == "DELETE":
                problems.append(
                    f"{what}: remote {write['method']} {write['path']} "
                    f"({write['provider']})"
                )
        now = self.census()
        created = now["events"] - census["events"]
        if created:
            names = self.Event.browse(sorted(created)).mapped("name")
            problems.append(f"{what}: Odoo events created: {names}")
        gone = census["events"] - now["events"]
        if gone:
            problems.append(f"{what}: Odoo events deleted: {sorted(gone)}")
        if now["recurrences"] - census["recurrences"]:
            problems.append(f"{what}: Odoo series created")
        if now["mail"] != census["mail"]:
            problems.append(f"{what}: {now['mail'] - census['mail']} mail(s) queued")
        mails = [m for m in self.ctl.mails(mark) if m["action"] in ("invite", "cancel")]
        if mails:
            problems.append(f"{what}: Outlook mailed {mails}")
        return problems

    # ------------------------------------------------------------ run
    def run(self):
        self.guarded(
            "Odoo's modules are uninstalled, their columns gone", self.modules_gone
        )
        if self.path == "installed":
            self.run_installed()
        else:
            self.run_uninstalled()

    def run_installed(self):
        self.guarded(
            "every user Odoo's modules connected has a connected account with "
            "the same refresh token (Google's sync token, stopped users kept)",
            self.accounts_carried,
        )
        self.guarded(
            "every event and series Odoo's modules linked has a binding with "
            "the same remote id (and Outlook's iCalUID) in the calendar holding it",
            self.bindings_carried,
        )
        self.guarded("taking over a second time changes nothing", self.takeover_again)
        self.guarded(
            "Outlook paused by the administrator stays paused: its sync sends "
            "and reads nothing",
            self.paused_outlook,
        )
        self.guarded(
            "calendar_sync's first syncs, with every access token expired: "
            "no remote create or delete, no Odoo event created, no mail, no "
            "invitation, no error",
            self.first_syncs,
        )
        self.guarded(
            "every event in every calendar syncing is bound to an Odoo event "
            "in its account (nothing left to import twice)",
            self.all_bound,
        )
        self.guarded("a second round of syncs moves nothing", self.second_round)
        self.guarded(
            "changes made afterwards in Odoo and in each calendar sync as updates",
            self.later_changes,
        )

    # ------------------------------------------------------------ checks
    def modules_gone(self):
        problems = []
        modules = (
            self.env["ir.module.module"]
            .sudo()
            .search([("name", "in", ODOO_MODULES + ("microsoft_account",))])
        )
        for module in modules:
            if module.state != "uninstalled":
                problems.append(f"{module.name} is {module.state}")
        cr = self.env.cr
        cr.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE (table_name = 'calendar_event' AND column_name IN "
            "('google_id', 'microsoft_id', 'ms_universal_event_id')) "
            "OR (table_name = 'res_users_settings' "
            "AND column_name = 'google_calendar_rtoken')"
        )
        problems += [f"column {t}.{c} is still there" for t, c in cr.fetchall()]
        return problems

    def account_of(self, login, provider):
        user = self.users[login]
        return self.Account.search(
            [("user_id", "=", user["id"]), ("provider", "=", provider)]
        )

    def accounts_carried(self):
        problems = []
        for login, user in self.users.items():
            for provider, token in (
                ("google", user["google_calendar_rtoken"]),
                ("microsoft", user["microsoft_calendar_rtoken"]),
            ):
                account = self.account_of(login, provider)
                label = f"{login}/{provider}"
                if not token:
                    if account and account.state == "connected":
                        problems.append(f"{label}: connected without a token")
                    continue
                if not account:
                    problems.append(f"{label}: no account")
                    continue
                if account.refresh_token != token:
                    problems.append(f"{label}: refresh token not carried")
                if account.state != "connected" or not account.first_sync_done:
                    problems.append(f"{label}: {account.state}, first sync to do")
                if provider == "google":
                    if account.sync_token != user["google_calendar_sync_token"]:
                        problems.append(f"{label}: sync token not carried")
                    stopped = bool(user["google_synchronization_stopped"])
                else:
                    stopped = bool(user["microsoft_synchronization_stopped"])
                if account.sync_stopped != stopped:
                    problems.append(f"{label}: stopped {account.sync_stopped}")
        dan = self.account_of("to_dan", "google")
        if not dan.sync_stopped:
            problems.append("Dan stopped his sync, his account is not stopped")
        return problems

    def bindings_carried(self):
        problems = []
        for row in self.state["events"]:
            for provider, column in (
                ("google", "google_id"),
                ("microsoft", "microsoft_id"),
            ):
                if not row[column]:
                    continue
                binding = self.Binding.search(
                    [
                        ("event_id", "=", row["id"]),
                        ("provider", "=", provider),
                        ("remote_id", "=", row[column]),
                    ]
                )
                if len(binding) < 1:
                    problems.append(f"event {row['id']} {row['name']}: no {provider}")
                elif provider == "microsoft" and (
                    binding[0].ical_uid != row["ms_universal_event_id"]
                ):
                    problems.append(f"event {row['id']}: iCalUID not carried")
        for row in self.state["recurrences"]:
            for provider, column in (
                ("google", "google_id"),
                ("microsoft", "microsoft_id"),
            ):
                if row[column] and not self.Binding.search(
                    [
                        ("recurrence_id", "=", row["id"]),
                        ("provider", "=", provider),
                        ("remote_id", "=", row[column]),
                    ]
                ):
                    problems.append(f"series {row['id']}: no {provider} binding")
        return problems

    def takeover_again(self):
        from odoo.addons.calendar_sync import hooks
        from odoo.addons.calendar_sync.engine import takeover

        def state():
            self.env.invalidate_all()
            accounts = self.Account.search([])
            return (
                sorted(accounts.mapped(lambda a: (a.id, a.refresh_token, a.state))),
                sorted(self.Binding.search([]).mapped(lambda b: (b.id, b.remote_id))),
            )

        before = state()
        hooks.post_init_hook(self.env)
        takeover.take_over(self.env)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return [] if state() == before else ["accounts or bindings changed"]

    def paused_outlook(self):
        problems = []
        outlook = self.accounts.filtered(lambda a: a.provider == "microsoft")
        if not outlook:
            return ["no Outlook account"]
        for account in outlook:
            if not account.sync_paused:
                problems.append(f"{account.email}: Outlook not paused")
        mark = self.ctl.mark()
        for account in outlook:
            account._sync()
            self.env.cr.commit()  # pylint: disable=invalid-commit
        if self.ctl.mark()["graph"] != mark["graph"]:
            problems.append("a paused Outlook account talked to Graph")
        return problems

    def first_syncs(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("microsoft_calendar_sync_paused", False)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.ctl.expire_access_tokens()
        self.mark, self.before = self.ctl.mark(), self.census()
        self.history, problems = self.sync_all()
        problems += self.quiet(self.mark, self.before, "first syncs")
        dan = self.users["to_dan"]["email"]
        touched = [w for w in self.ctl.writes(self.mark) if w.get("account") == dan]
        if touched:
            problems.append(f"stopped Dan's calendar was written: {touched}")
        _logger.info("first syncs: %s", self.history)
        return problems

    def all_bound(self):
        problems = []
        remote = self.ctl.snapshot()
        for account in self.accounts:
            if account.sync_stopped:
                continue
            if account.provider == "google":
                ids = {
                    event["id"]
                    for event in remote["google"].get(account.email, [])
                    if event.get("status") != "cancelled"
                }
            else:
                ids = set()
                for event in remote["graph"].get(account.email, []):
                    ids.add(event["id"])
                    ids.update(i["id"] for i in event["instances"])
            bound = self.Binding.search(
                [("account_id", "=", account.id), ("remote_id", "in", list(ids))]
            )
            for remote_id in sorted(ids - set(bound.mapped("remote_id"))):
                problems.append(f"{account.email}/{account.provider}: {remote_id}")
        return problems

    def second_round(self):
        mark, before = self.ctl.mark(), self.census()
        history, problems = self.sync_all(rounds=1)
        if history and history[0]:
            problems.append(f"moved: {history[0]}")
        return problems + self.quiet(mark, before, "second round")

    def named(self, name):
        return self.Event.search([("name", "=", name)], order="id", limit=1)

    def later_changes(self):
        problems = []
        mark, before = self.ctl.mark(), self.census()
        # in Odoo: Alice's Google event, Bob's Outlook event
        planning = self.named("Alice: planning")
        planning.write({"location": "Room 4"})
        budget = self.named("Bob: budget")
        budget.write({"location": "Room 5"})
        # remotely: Alice's dentist in Google, Bob's lunch in Outlook
        dentist = self.named("Alice: dentist")
        lunch = self.named("Bob: lunch")
        google = self.Binding.search(
            [("event_id", "=", dentist.id), ("provider", "=", "google")], limit=1
        )
        graph = self.Binding.search(
            [("event_id", "=", lunch.id), ("provider", "=", "microsoft")], limit=1
        )
        self.ctl.google_update(ALICE, google.remote_id, {"location": "Clinic"})
        self.ctl.graph_update(
            BOB, graph.remote_id, {"location": {"displayName": "Canteen"}}
        )
        self.env.cr.commit()  # pylint: disable=invalid-commit
        _history, problems = self.sync_all()
        self.env.invalidate_all()
        if dentist.location != "Clinic":
            problems.append(f"Google's edit did not reach Odoo: {dentist.location}")
        if lunch.location != "Canteen":
            problems.append(f"Outlook's edit did not reach Odoo: {lunch.location}")
        planning_id = self.Binding.search(
            [("event_id", "=", planning.id), ("provider", "=", "google")], limit=1
        ).remote_id
        remote = self.ctl.google_get(ALICE, planning_id) or {}
        if remote.get("location") != "Room 4":
            problems.append(f"Odoo's edit did not reach Google: {remote}")
        budget_id = self.Binding.search(
            [("event_id", "=", budget.id), ("provider", "=", "microsoft")], limit=1
        ).remote_id
        found = [e for e in self.ctl.graph_events(BOB) if e["id"] == budget_id]
        location = found and found[0].get("location", {}).get("displayName")
        if location != "Room 5":
            problems.append(f"Odoo's edit did not reach Outlook: {location}")
        return problems + self.quiet(mark, before, "later changes")

    # ------------------------------------------------------------ uninstalled
    def run_uninstalled(self):
        self.guarded(
            "users connect again (Odoo's modules took their tokens with them)",
            self.connect_again,
        )
        self.guarded(
            "calendar_sync's first syncs: no remote create or delete, no Odoo "
            "event created, no mail, no invitation, no error",
            self.first_syncs,
        )
        self.guarded(
            "every Google event and series Odoo's module pushed is bound again "
            "to its Odoo event (the Odoo id it carries)",
            self.google_relinked,
        )
        self.guarded(
            "every other event of every calendar is bound or listed as a "
            "likely pair for the administrator",
            self.bound_or_listed,
        )
        self.guarded(
            "the administrator merges the likely pairs: bound, nothing created "
            "or mailed, every event in every calendar bound",
            self.merge_pairs,
        )
        self.guarded(
            "a likely pair kept apart becomes two events on both sides, and "
            "nothing else is created",
            self.keep_apart,
        )
        self.guarded(
            "changes made afterwards in Odoo and in each calendar sync as updates",
            self.later_changes,
        )

    def connect_again(self):
        """As the OAuth callback leaves an account (Dan, who had stopped his
        sync, does not connect again)."""
        problems = []
        for login, user in self.users.items():
            if login == "to_dan":
                continue
            for provider, token in (
                ("google", user["google_calendar_rtoken"]),
                ("microsoft", user["microsoft_calendar_rtoken"]),
            ):
                if not token:
                    continue
                if provider == "google":
                    tokens, extra = self.ctl.google_tokens(user["email"]), {}
                else:
                    tokens = self.ctl.graph_tokens(user["email"])
                    extra = {
                        "token_expiry": fields.Datetime.now()
                        + timedelta(seconds=tokens["lifetime"])
                    }
                odoo_user = self.env["res.users"].browse(user["id"])
                account = self.Account._get_for_user(odoo_user, provider)
                account.write(
                    {
                        "email": user["email"],
                        "access_token": tokens["access_token"],
                        "refresh_token": tokens["refresh_token"],
                        "state": "connected",
                        **extra,
                    }
                )
        self.env.cr.commit()  # pylint: disable=invalid-commit
        if len(self.accounts) != 3:
            problems.append(f"{len(self.accounts)} accounts, not 3")
        return problems

    def google_relinked(self):
        problems = []
        alice = self.users["to_alice"]
        attends = {
            row["event_id"]
            for row in self.state["attendees"]
            if row["partner_id"] == alice["partner_id"]
        }
        account = self.account_of("to_alice", "google")
        # what Odoo's module pushed carries the Odoo id (not what it imported)
        key = f"{self.state['dbname']}_odoo_id"
        remote = {
            e["id"]
            for e in self.ctl.google_events(ALICE)
            if key in ((e.get("extendedProperties") or {}).get("shared") or {})
        }
        for row in self.state["events"]:
            if not row["google_id"] or row["recurrence_id"]:
                continue
            if row["google_id"] not in remote or row["id"] not in attends:
                continue
            if not self.Binding.search(
                [
                    ("account_id", "=", account.id),
                    ("event_id", "=", row["id"]),
                    ("remote_id", "=", row["google_id"]),
                ]
            ):
                problems.append(f"event {row['id']} {row['name']} not bound again")
        for row in self.state["recurrences"]:
            if row["google_id"] in remote and not self.Binding.search(
                [
                    ("account_id", "=", account.id),
                    ("recurrence_id", "=", row["id"]),
                    ("remote_id", "=", row["google_id"]),
                ]
            ):
                problems.append(f"series {row['id']} not bound again")
        return problems

    def unbound_remote(self, occurrences=True):
        """{account: remote ids in its calendar it has no binding for}; an
        Outlook occurrence counts with ``occurrences`` only."""
        remote, out = self.ctl.snapshot(), {}
        for account in self.accounts:
            if account.provider == "google":
                events = remote["google"].get(account.email, [])
                ids = {e["id"] for e in events if e.get("status") != "cancelled"}
                ids = {i for i in ids if "_" not in i}  # occurrences: by series
            else:
                ids = {
                    e["id"]
                    for e in remote["graph"].get(account.email, [])
                    if occurrences
                    or e.get("type") in ("singleInstance", "seriesMaster")
                }
            bound = self.Binding.search(
                [("account_id", "=", account.id), ("remote_id", "in", list(ids))]
            )
            missing = ids - set(bound.mapped("remote_id"))
            if missing:
                out[account] = missing
        return out

    def bound_or_listed(self):
        problems = []
        Match = self.env["calendar.sync.match"].sudo()
        for account, missing in self.unbound_remote(occurrences=False).items():
            listed = set(
                Match.search(
                    [("account_id", "=", account.id), ("state", "=", "pending")]
                ).mapped("remote_id")
            )
            for remote_id in sorted(missing - listed):
                problems.append(
                    f"{account.email}: {remote_id} neither bound nor listed"
                )
        if not Match.search_count([("state", "=", "pending")]):
            problems.append("no likely pair listed (Outlook events have no proof)")
        return problems

    def merge_pairs(self):
        Match = self.env["calendar.sync.match"].sudo()
        pending = Match.search([("state", "=", "pending")])
        # one is kept for the next check
        self.kept = pending.filtered(lambda m: m.remote_name == "Carol: offsite")
        pending -= self.kept
        mark, before = self.ctl.mark(), self.census()
        pending.action_merge()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        _history, problems = self.sync_all()
        problems += self.quiet(mark, before, "merged pairs")
        kept = set(self.kept.mapped("remote_id"))
        for account, missing in self.unbound_remote().items():
            problems += [
                f"{account.email}: {rid} unbound" for rid in sorted(missing - kept)
            ]
        return problems

    def keep_apart(self):
        if len(self.kept) != 1:
            return [f"Carol's offsite is not a pending pair: {self.kept}"]
        event = self.kept.event_id
        mark, before = self.ctl.mark(), self.census()
        self.kept.action_keep()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        _history, problems = self.sync_all()
        creates = [w for w in self.ctl.writes(mark) if w["create"]]
        if len(creates) != 1 or creates[0]["provider"] != "graph":
            problems.append(f"remote creates: {creates}")
        created = self.census()["events"] - before["events"]
        names = self.Event.browse(sorted(created)).mapped("name")
        if names != ["Carol: offsite"]:
            problems.append(f"Odoo events created: {names}")
        offsites = [
            e
            for e in self.ctl.graph_events(CAROL)
            if e.get("subject") == "Carol: offsite"
        ]
        if len(offsites) != 2:
            problems.append(f"{len(offsites)} offsites in Carol's Outlook")
        binding = self.Binding.search(
            [("event_id", "=", event.id), ("account_id", "=", self.kept.account_id.id)]
        )
        if not binding.remote_id or binding.remote_id == self.kept.remote_id:
            problems.append(f"the Odoo offsite is not its own event: {binding}")
        return problems
