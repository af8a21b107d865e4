# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The World: users, accounts, emulators, syncs and settles."""

from collections import Counter
from contextlib import suppress

from odoo.tools import mute_logger

from ...engine.steps import STEP_PARAM
from .common import (
    ACCOUNTS,
    GOOGLE,
    HTML_PAGE,
    MAX_ROUNDS,
    MICROSOFT,
    OLGA,
    SMALL_STEP,
    TIMEOUT,
    TZ,
    ConvergenceFailure,
    LostCommit,
    operation,
)
from .deletes import Deletes
from .invariants import Invariants
from .odoo_side import OdooOperations
from .remote_side import RemoteOperations


class World(OdooOperations, RemoteOperations, Invariants, Deletes):
    """Users, accounts and the two emulators of one test class, and what an
    example does to them (used by the machine and the explicit tests)."""

    def __init__(self, case):
        self.case = case
        self.env = case.env
        self.google = case.google
        self.graph = case.graph
        self.users = case.users
        self.accounts = {}
        self.tokens = {}
        self.meetings = {}  # tag -> {"organizer": email, "origin": ..., "series": bool}
        self.archived = set()  # tags archived in Odoo
        self.count = 0
        self.syncs = 0
        self.changes = 0
        self.stats = Counter()  # rule -> examples' steps that did something
        self.base = case.base
        self.announced = set()  # tags whose provider mails an operation announced
        self.shrinkable = set()  # tags an operation since the check removed from
        self.alive = Counter()  # tag -> active Odoo events at the last check
        self.mails = []  # (login, provider, mail) sent by the runs since the check
        self.trespasses = []  # other users' events a run changed (descriptions)
        self.strict = False  # no divergence of OPEN_DEFECTS tolerated
        # Odoo's clock: standing still at the transaction's start (behind the
        # providers': every remote change is later than every Odoo change), or
        # in step with them (each operation and run dated when it happens)
        self.ticking = False
        self.forget_deletes()

    # ---------------------------------------------------------------- world
    def reset(self):
        """Empty calendars, accounts connected as the OAuth dance leaves them."""
        self.google.reset()
        self.graph.reset()
        self.graph.auto_consent = False
        self.graph.keep_old_refresh_tokens = True
        self.graph.redirect_uris = set()
        self.google.add_account(OLGA, timezone=TZ)
        self.graph.account(OLGA)
        for login, provider in ACCOUNTS:
            user = self.users[login]
            if provider == GOOGLE:
                self.google.add_account(user.email, timezone=TZ)
                account = self.case.connect_google(user)
            else:
                account = self.case.connect_microsoft(user)
            account.sudo().first_sync_policy = "all"
            self.accounts[(login, provider)] = account.sudo()
        self.tokens = {}
        self.meetings = {}
        self.archived = set()
        self.count = 0
        self.announced = set()
        self.shrinkable = set()
        self.alive = Counter()
        self.ticking = False
        self.odoo_made = Counter()  # (title, start) -> times Odoo itself made it
        self.mails = []
        self.trespasses = []
        self.forget_deletes()

    def new_tag(self, organizer, origin, series):
        self.count += 1
        tag = f"M{self.count}"
        self.meetings[tag] = {
            "organizer": organizer,
            "origin": origin,
            "series": series,
        }
        return tag

    def user_of(self, email):
        return next((u for u in self.users.values() if u.email == email), None)

    def login_of(self, email):
        """The key of USERS for an Odoo user's e-mail, else None."""
        return next((k for k, u in self.users.items() if u.email == email), None)

    def partner(self, email):
        user = self.user_of(email)
        if user:
            return user.partner_id
        return self.case.outsiders[email]

    # ---------------------------------------------------------------- sync
    @operation
    def sync(self, login, provider, fault="none"):
        """One run of an account, meeting ``fault``; never raises for it."""
        account = self.accounts[(login, provider)]
        email = account.email
        self.syncs += 1
        if account.state == "error":
            account.state = "connected"  # what the cron does before a run
        emulator = self.google if provider == GOOGLE else self.graph
        if fault == "expired_token":
            if provider == GOOGLE:
                self.google.invalidate_sync_tokens()
            else:
                self.graph.invalidate_delta_tokens(email)
        elif fault not in ("none", "lost_commit", "in_steps", "stopped_between_steps"):
            kind, where = fault.split("_")
            self.inject(emulator, provider, kind, where)
        params = self.env["ir.config_parameter"].sudo()
        if fault.startswith("timeout"):
            params.set_param("calendar_sync.http_timeout", str(TIMEOUT))
        before = self.event_rows()
        sent = len(self.google.mails), len(self.graph.invitations)
        if fault in ("in_steps", "stopped_between_steps"):
            params.set_param(STEP_PARAM, str(SMALL_STEP))
        try:
            if fault == "stopped_between_steps":
                # one step, as one background job does; the next run goes on
                return account.with_context(calendar_sync_one_step=True)._sync()
            if fault == "lost_commit":
                # the run's own savepoint is released, the transaction is not
                # committed: roll back to before it, the emulator keeps its writes
                with suppress(LostCommit), self.env.cr.savepoint():
                    account._sync()
                    raise LostCommit()
                return None
            if fault.startswith("html"):
                # the run fails as expected and says so in the log
                with mute_logger("odoo.addons.calendar_sync.engine.scheduler"):
                    return account._sync()
            return account._sync()
        finally:
            emulator.clear_faults()
            if fault.startswith("timeout"):
                params.set_param("calendar_sync.http_timeout", False)
            params.set_param(STEP_PARAM, False)
            self.mails += [
                (login, provider, mail)
                for mail in self.google.mails[sent[0] :]
                + self.graph.invitations[sent[1] :]
            ]
            self.trespasses += self.trespassed(login, provider, before)

    def inject(self, emulator, provider, kind, where):
        """One fault on the account's next listing, or on its next writes."""
        if where == "listing":
            options = {"method": "GET", "in_batch": False, "times": 1}
        else:
            options = {"in_batch": True, "times": 2}
            if provider == GOOGLE:
                options["method"] = "POST"
        if kind == "timeout":
            # performed by the provider, answered after the client gave up
            if where == "listing":
                emulator.hang(TIMEOUT + 0.5, method="GET")
            else:
                batch = r"\$batch" if provider == MICROSOFT else r"^/batch/"
                emulator.hang(TIMEOUT + 0.5, method="POST", path_regex=batch)
            return
        if kind == "html":
            if where == "writes":
                # the whole batch request answers the page
                options = {"method": "POST", "in_batch": False, "times": 1}
                if provider == MICROSOFT:
                    options["path_regex"] = r"\$batch"
                else:
                    options["path_regex"] = r"^/batch/"
            emulator.inject(status=200, html=HTML_PAGE, **options)
            return
        status = 429 if kind == "throttled" else 503
        emulator.inject(status=status, retry_after=120, **options)

    @operation
    def settle(self, order=None):
        """Sync every account until a round changes nothing (at most
        MAX_ROUNDS rounds); the counters of each round."""
        order = order or list(self.accounts)
        rounds = []
        for _round in range(MAX_ROUNDS):
            counters = {}
            for login, provider in order:
                result = self.sync(login, provider)
                account = self.accounts[(login, provider)]
                if result is None:
                    raise ConvergenceFailure(
                        f"the sync of {login}'s {provider} account did not run"
                    )
                counters[f"{login}/{provider}"] = dict(result)
                if account.state != "connected":
                    counters[f"{login}/{provider}"]["error"] = account.last_error
            rounds.append(counters)
            if not any(
                c["pulled"] or c["pushed"] or c["failed"] for c in counters.values()
            ):
                return rounds
        raise ConvergenceFailure(
            f"no convergence in {MAX_ROUNDS} rounds; the last ones did:\n  "
            + "\n  ".join(
                f"{name}: {c}"
                for name, c in rounds[-1].items()
                if c["pulled"] or c["pushed"] or c["failed"]
            )
            + self.errors()
        )

    def errors(self):
        lines = [
            f"\n  {account.user_id.login}/{account.provider}: {account.last_error}"
            for account in self.accounts.values()
            if account.last_error
        ]
        return "".join(lines)
