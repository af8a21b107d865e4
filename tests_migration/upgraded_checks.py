# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Checks of a database upgraded from 18.0.1 (after :mod:`old_scenario`).

Run inside ``odoo-bin shell`` on the upgraded database, with the emulators the
old version synced with still running (``main(env, control_url, state_path,
out_path)``, see ``run-tests``). Each check is one test of the run-tests
summary: ``{"name", "ok", "detail"}`` in ``out_path`` (JSON).

1. Bindings (:mod:`upgraded_bindings`): each provider id has its binding,
   flags and pending answers carried, the old columns gone.
2. The new engine syncs every account and 3. later changes flow
   (:mod:`upgraded_syncs`): nothing created or deleted, no mail, only what was
   pending is sent.

This module holds :func:`main`, the plumbing of the checks and their order
(:meth:`UpgradedChecks.run`); ``tests_takeover/takeover_checks.py`` subclasses
:class:`UpgradedChecks`.
"""

import json
import logging
import traceback

from emulator_host import Control
from upgraded_bindings import BindingChecks
from upgraded_syncs import SyncChecks

_logger = logging.getLogger(__name__)


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


class UpgradedChecks(BindingChecks, SyncChecks):
    """The checks, in the order of :meth:`run`: the bindings
    (:mod:`upgraded_bindings`), the syncs after the upgrade (:mod:`upgraded_syncs`)."""

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
