# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database calendar_sync took over (after :mod:`odoo_scenario`).

Run inside ``odoo-bin shell`` with the emulators Odoo's modules synced with
still running (``main(env, control_url, state_path, out_path, path)``, see
``run-tests``). Each check is one test of the run-tests summary.

``path`` "installed": calendar_sync was installed beside Odoo's modules
("google-only", "outlook-only": beside the one Odoo's module the database
used; only its half of the checks applies, and the other provider stays off).

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
7. Taking over again, after all this, changes nothing.

``path`` "kept": a module of the test needs google_calendar: it stays
installed (Outlook's modules go), holds no token any more, Settings say
which module keeps it, and neither its cron nor its pushes on a write send
anything; the rest as "installed".

``path`` "uninstalled": see :mod:`relink_checks`.
"""

import json
import logging
import traceback

from emulator_host import Control
from relink_checks import RelinkChecks
from upgraded_checks import UpgradedChecks

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


class TakeoverChecks(RelinkChecks, UpgradedChecks):
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
        self.google = "google_calendar" in state["modules"]
        self.outlook = "microsoft_calendar" in state["modules"]

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
        if self.path == "kept":
            self.guarded(
                "google_calendar, needed by another module, stays installed "
                "(Outlook's modules go) with no token to sync anybody, and "
                "Settings say which module needs it",
                self.modules_kept,
            )
        else:
            self.guarded(
                "Odoo's modules are uninstalled, their columns gone", self.modules_gone
            )
        if self.path == "uninstalled":
            self.run_uninstalled()
        else:
            self.run_installed()

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
        if self.outlook:
            self.guarded(
                "Outlook paused by the administrator stays paused: its sync "
                "sends and reads nothing",
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
        if self.path == "kept":
            self.guarded(
                "google_calendar left installed sends nothing: neither its cron "
                "nor its push on a write by a user without Google; "
                "calendar_sync sends the change once",
                self.kept_module_quiet,
            )
        self.guarded(
            "taking over again after these syncs changes nothing",
            self.takeover_again,
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
        if self.google and not dan.sync_stopped:
            problems.append("Dan stopped his sync, his account is not stopped")
        params = self.env["ir.config_parameter"].sudo()
        for provider, used in (("google", self.google), ("microsoft", self.outlook)):
            if not used and (
                params.get_param(f"calendar_sync.{provider}_enabled") == "True"
                or self.Account.search_count([("provider", "=", provider)])
            ):
                problems.append(f"{provider}, which Odoo's modules did not use, is on")
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
        """The installation hook and the takeover run again: no account,
        binding or event changes."""
        from odoo.addons.calendar_sync import hooks
        from odoo.addons.calendar_sync.engine import takeover

        def state():
            self.env.invalidate_all()
            accounts = self.Account.search_read(
                [],
                [
                    "provider",
                    "refresh_token",
                    "sync_token",
                    "sync_stopped",
                    "state",
                    "first_sync_done",
                ],
                order="id",
            )
            bindings = self.Binding.search_read(
                [],
                [
                    "account_id",
                    "event_id",
                    "recurrence_id",
                    "remote_id",
                    "etag",
                    "ical_uid",
                    "need_sync",
                    "original_start",
                    "guest_copy",
                ],
                order="id",
            )
            events = self.Event.search_read([], ["follow_recurrence"], order="id")
            return accounts, bindings, events

        before = state()
        hooks.post_init_hook(self.env)
        takeover.take_over(self.env)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        after = state()
        return [
            f"{what} changed"
            for what, old, new in zip(
                ("accounts", "bindings", "events"), before, after, strict=True
            )
            if old != new
        ]

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
        touched = [
            w
            for w in self.ctl.writes(self.mark)
            if self.google and w.get("account") == dan
        ]
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
        mark, before = self.ctl.mark(), self.census()
        halves = [
            half
            for half, used in (
                (self.later_google, self.google),
                (self.later_outlook, self.outlook),
            )
            if used
        ]
        checks = [half() for half in halves]
        self.env.cr.commit()  # pylint: disable=invalid-commit
        _history, problems = self.sync_all()
        self.env.invalidate_all()
        for check in checks:
            problems += check()
        return problems + self.quiet(mark, before, "later changes")

    def remote_id(self, event, provider):
        return self.Binding.search(
            [("event_id", "=", event.id), ("provider", "=", provider)], limit=1
        ).remote_id

    def later_google(self):
        """Alice's planning changed in Odoo, her dentist in Google; returns
        the check to run after the syncs."""
        planning = self.named("Alice: planning")
        planning.write({"location": "Room 4"})
        dentist = self.named("Alice: dentist")
        self.ctl.google_update(
            ALICE, self.remote_id(dentist, "google"), {"location": "Clinic"}
        )

        def check():
            problems = []
            if dentist.location != "Clinic":
                problems.append(f"Google's edit did not reach Odoo: {dentist.location}")
            remote = self.ctl.google_get(ALICE, self.remote_id(planning, "google"))
            if (remote or {}).get("location") != "Room 4":
                problems.append(f"Odoo's edit did not reach Google: {remote}")
            return problems

        return check

    def later_outlook(self):
        """Bob's budget changed in Odoo, his lunch in Outlook."""
        budget = self.named("Bob: budget")
        budget.write({"location": "Room 5"})
        lunch = self.named("Bob: lunch")
        self.ctl.graph_update(
            BOB,
            self.remote_id(lunch, "microsoft"),
            {"location": {"displayName": "Canteen"}},
        )

        def check():
            problems = []
            if lunch.location != "Canteen":
                problems.append(f"Outlook's edit did not reach Odoo: {lunch.location}")
            budget_id = self.remote_id(budget, "microsoft")
            found = [e for e in self.ctl.graph_events(BOB) if e["id"] == budget_id]
            location = found and found[0].get("location", {}).get("displayName")
            if location != "Room 5":
                problems.append(f"Odoo's edit did not reach Outlook: {location}")
            return problems

        return check

    # ------------------------------------------------------------ kept
    def modules_kept(self):
        problems = []
        Module = self.env["ir.module.module"].sudo()
        names = (*ODOO_MODULES, "microsoft_account")
        states = {m.name: m.state for m in Module.search([("name", "in", names)])}
        for name in ("google_calendar", "google_account"):
            if states.get(name) != "installed":
                problems.append(f"{name} is {states.get(name)}")
        for name in ("microsoft_calendar", "microsoft_account"):
            if states.get(name) != "uninstalled":
                problems.append(f"{name} is {states.get(name)}")
        cr = self.env.cr
        cr.execute(
            "SELECT user_id FROM res_users_settings "
            "WHERE COALESCE(google_calendar_rtoken, '') != '' "
            "OR COALESCE(google_calendar_token, '') != ''"
        )
        problems += [f"user {row[0]} holds a token of Odoo's" for row in cr.fetchall()]
        cr.execute(
            "SELECT user_id FROM res_users_settings "
            "WHERE NOT COALESCE(google_synchronization_stopped, FALSE) "
            "AND user_id IN %s",
            [tuple(self.users[login]["id"] for login in ("to_alice", "to_dan"))],
        )
        problems += [f"user {row[0]} not stopped in Odoo's" for row in cr.fetchall()]
        notice = self.env["res.config.settings"].create({})
        text = notice.calendar_sync_odoo_modules_kept or ""
        if "calendar_sync_takeover_dependent" not in text:
            problems.append(f"Settings do not say what keeps it: {text!r}")
        return problems

    def kept_module_quiet(self):
        """Odoo's cron runs, and Bob (no Google) renames Alice's planning, a
        Google event Odoo's module had linked: Odoo's module sends nothing,
        calendar_sync sends the change."""
        mark, before = self.ctl.mark(), self.census()
        planning = self.named("Alice: planning")
        bob = self.env["res.users"].browse(self.users["to_bob"]["id"])
        planning.with_user(bob).sudo().write({"name": "Alice: planning (Bob)"})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["res.users"].sudo()._sync_all_google_calendar()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        problems = [
            f"Odoo's module sent {w['method']} {w['path']}"
            for w in self.ctl.writes(mark)
        ]
        _history, sync_problems = self.sync_all()
        problems += sync_problems + self.quiet(mark, before, "kept module")
        writes = [w for w in self.ctl.writes(mark) if w["provider"] == "google"]
        remote = self.ctl.google_get(ALICE, self.remote_id(planning, "google"))
        if len(writes) != 1 or (remote or {}).get("summary") != planning.name:
            problems.append(f"calendar_sync sent {writes}; Google has {remote}")
        return problems
