# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of the "uninstalled" path of the takeover test: Odoo's modules
were uninstalled before calendar_sync was installed (links and tokens gone);
users connect again. The first syncs re-bind what Odoo's pushes carry (the
Odoo id in Google's shared extended properties) and what the other calendars
prove (iCalUID), never create a duplicate on either side, and list the likely
pairs for the administrator (a mixin of :class:`takeover_checks.TakeoverChecks`).
"""

from datetime import timedelta

from odoo import fields

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"


class RelinkChecks:
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
            "an Outlook meeting listed in two calendars is merged in both by "
            "its iCalUID when the administrator merges it in one: bound, "
            "nothing created or mailed",
            self.outlook_meeting_by_ical_uid,
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

    def outlook_meeting_by_ical_uid(self):
        """Bob's meeting with Carol is in both mailboxes, one iCalUID: listed
        in both calendars, merging it in Bob's merges Carol's copy too."""
        Match = self.env["calendar.sync.match"].sudo()
        pairs = Match.search([("remote_name", "=", "Bob invites Carol")])
        accounts = {m.account_id.email for m in pairs}
        if accounts != {BOB, CAROL} or len(set(pairs.mapped("ical_uid"))) != 1:
            return [f"not listed in Bob's and Carol's calendars: {pairs.read()}"]
        if not pairs[0].ical_uid:
            return ["listed without its iCalUID"]
        bobs = pairs.filtered(lambda m: m.account_id.email == BOB)
        mark, before = self.ctl.mark(), self.census()
        bobs.action_merge()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        problems = [
            f"{m.account_id.email}: {m.state}" for m in pairs if m.state != "merged"
        ]
        _history, sync_problems = self.sync_all()
        problems += sync_problems + self.quiet(mark, before, "merged by iCalUID")
        for match in pairs:
            binding = self.Binding.search(
                [
                    ("account_id", "=", match.account_id.id),
                    ("event_id", "=", match.event_id.id),
                ]
            )
            if (binding.remote_id, binding.ical_uid) != (
                match.remote_id,
                match.ical_uid,
            ):
                problems.append(f"{match.account_id.email}: bound {binding.read()}")
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
