# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google sync benchmark: runs inside Odoo, started by ``./run-bench``.

    python bench/google_bench.py --odoo-src SRC --addons-path PATHS -d DB \
        [--db_host H --db_port P --db_user U] [--scenario google_push ...] \
        [--push-events 1000] [--import-events 10000] [--breakdown 15]

Builds the registry of DB (``calendar_sync`` already installed), starts the Google
emulator in a thread of this process (Odoo reaches it over real loopback HTTP), points
Odoo at it through the documented system parameters, and runs each scenario on a
fresh emulator and a fresh user/account. The measured part is one cron-like run:
a new cursor and environment (empty cache, SUPERUSER), ``account._sync()``, commit;
a listing longer than ``calendar_sync.step_items`` (5,000) is one such transaction per
step, as the background jobs make it (``steps``: how many).
Setup (users, seeding, earlier syncs) is never measured.

stdout gets ONE JSON line per scenario; stderr gets Odoo's log, the targets and a
breakdown of the SQL queries (by statement and table, and by the innermost
calendar_sync line that issued them; "[flush]" marks queries of an ORM flush).

* ``requests``: the emulator's ``api_requests()`` (Calendar API HTTP requests; a
  batch counts once; OAuth token requests are not API requests).
* ``sql_queries``: the sync cursor's ``sql_log_count`` (Odoo's per-cursor
  counter); ``sql_queries_all_cursors`` counts every query of the thread (a
  cursor opened by the sync itself would show up there only).
* ``seconds``: ``time.perf_counter`` around sync + commit.

Scenarios (sizes from the command line; the targets are issue 3's, scaled linearly
when the size is not the nominal one, see ``"nominal"``):

* ``google_push_N``: a connected user (settled by a first, empty sync) creates N
  events in Odoo (organizer + one outside guest from a pool of 50 contacts, every
  third with a 10-minute notification); the measured sync pushes them. Targets at
  1,000: <= 25 requests, <= 6 SQL queries per event. ``next_sync_*``: the sync after.
* ``google_import_N``: Google holds N events, 5 % of them weekly series
  (``COUNT=10``), the rest single events (owner + one guest, every 20th all-day,
  every third with a reminder); the measured sync is the first (full) one. Remote
  events = the items the listing returns (``singleEvents=false``: a series is one
  item). Targets at 10,000: <= 6 list requests, <= 3 SQL queries per remote event;
  at any size ``peak_memory_mb`` (the process's ``ru_maxrss``, emulator included)
  <= 1536; above 10,000 (``google_import_100000``) ``per_event_vs_nominal`` (seconds
  per event over those of the 10,000 run of the same invocation) <= 1.3, "unjudged"
  when no 10,000 run came first.
* ``google_noop``: a user with 40 synced single events and 4 series (both
  directions), synced until a sync changes nothing (``settle_syncs``); the measured
  sync is the next one. Targets: 1 request, <= 11 SQL queries.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from bench_harness import (
    IMPORT_SCALE_TARGETS,
    QueryRecorder,
    memory_mb,
    parse_args,
    peak_memory_mb,
    run_scenarios,
    start_odoo,
)

TZ = "Europe/Brussels"
GUESTS = 50
SERIES_RATIO = 0.05
NOMINAL = {"google_push": 1000, "google_import": 10000, "google_noop": None}
TARGETS = {
    # scenario: [(metric, limit at the nominal size, scales with the size)]
    "google_push": [("requests", 25, True), ("sql_per_event", 6, False)],
    "google_import": [
        ("list_requests", 6, True),
        ("sql_per_event", 3, False),
        *IMPORT_SCALE_TARGETS,
    ],
    "google_noop": [("requests", 1, False), ("sql_queries", 11, False)],
}


# ----------------------------------------------------------------------- bench
class Bench:
    def __init__(self, args):
        import odoo
        from odoo import SUPERUSER_ID, api
        from odoo.modules.registry import Registry

        self.args = args
        self.api = api
        self.uid = SUPERUSER_ID
        threading.current_thread().dbname = args.database
        self.registry = Registry(args.database)
        import odoo.addons.calendar_sync as addon
        from odoo.addons.calendar_sync.emulators import google_emulator as emu_mod

        self.addon_dir = addon.__path__[0]
        self.emu_mod = emu_mod
        self.seq = 0
        self.odoo = odoo
        self._start_emulator()
        with self.env() as env:
            params = env["ir.config_parameter"].sudo()
            for key, value in self._params().items():
                params.set_param(key, value)
            self.guests = self._guest_partners(env)

    # provider hooks (bench/microsoft_bench.py overrides them)

    def _start_emulator(self):
        self.google = self.emu_mod.GoogleEmulator()
        self.google.start()

    def _params(self):
        """System parameters pointing Odoo at the emulator."""
        return {
            "calendar_sync.google_enabled": "True",
            "google_calendar_client_id": self.emu_mod.DEFAULT_CLIENT_ID,
            "google_calendar_client_secret": self.emu_mod.DEFAULT_CLIENT_SECRET,
            "calendar_sync.google_auth_uri": self.google.auth_uri,
            "calendar_sync.google_token_uri": self.google.token_uri,
            "calendar_sync.google_revoke_uri": self.google.revoke_uri,
            "calendar_sync.google_api_root": self.google.api_root,
        }

    def close(self):
        self.google.stop()

    def remote_count(self, email):
        return len(self.google.events(email))

    def _requests_mark(self):
        return len(self.google.api_requests()), len(self.google.requests)

    def _request_metrics(self, mark):
        """The request measures of a sync, from the emulator's log after ``mark``."""
        google = self.google
        before, items_before = mark
        requests = google.api_requests()[before:]
        items = google.requests[items_before:]
        return {
            "requests": len(requests),
            "list_requests": sum(
                1
                for r in requests
                if r["method"] == "GET" and r["path"].endswith("/events")
            ),
            "batch_requests": sum(
                1 for r in requests if r["path"].startswith("/batch")
            ),
            "batch_items": sum(1 for r in items if r["batch"]),
            "send_updates": dict(
                Counter(str(r["sendUpdates"]) for r in items if r["batch"])
            ),
        }

    # ------------------------------------------------------------ plumbing
    class _EnvContext:
        def __init__(self, bench):
            self.bench = bench

        def __enter__(self):
            self.cr = self.bench.registry.cursor()
            return self.bench.api.Environment(self.cr, self.bench.uid, {})

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                self.cr.commit()
            else:
                self.cr.rollback()
            self.cr.close()

    def env(self):
        """A new cursor + SUPERUSER environment, committed on exit (like a cron
        job's transaction)."""
        return self._EnvContext(self)

    def _guest_partners(self, env):
        Partner = env["res.partner"]
        emails = [f"contact{i}@bench.example" for i in range(GUESTS)]
        found = Partner.search([("email", "in", emails)])
        known = set(found.mapped("email"))
        Partner.create(
            [
                {"name": f"Contact {i}", "email": email}
                for i, email in enumerate(emails)
                if email not in known
            ]
        )
        return Partner.search([("email", "in", emails)], order="id").ids

    def new_account(self, label):
        """A fresh internal user with a connected Google account (the OAuth dance
        skipped: tokens issued by the emulator)."""
        stamp, email = self._stamp(label)
        self.google.add_account(email, TZ)
        tokens = self.google.issue_tokens(email)
        with self.env() as env:
            user = self._new_user(env, stamp, email)
            account = env["calendar.sync.account"]._get_for_user(user, "google")
            account.write(
                {
                    "email": email,
                    "access_token": tokens["access_token"],
                    "refresh_token": tokens["refresh_token"],
                    "sync_token": False,
                    "state": "connected",
                }
            )
            return user.id, account.id, email

    def _stamp(self, label):
        self.seq += 1
        stamp = f"{label}{self.seq}_{int(time.time() * 1000) % 10**9}"
        return stamp, f"bench_{stamp}@example.com"

    def _new_user(self, env, stamp, email):
        return (
            env["res.users"]
            .with_context(no_reset_password=True, mail_create_nolog=True)
            .create(
                {
                    "name": f"Bench {stamp}",
                    "login": f"bench_{stamp}",
                    "email": email,
                    "tz": TZ,
                    "groups_id": [(6, 0, [env.ref("base.group_user").id])],
                }
            )
        )

    def sync(self, account_id, record=False):
        """A cron-like sync of the account: one transaction per step, as the
        background jobs make it (a listing longer than a step,
        ``calendar_sync.step_items``, takes several: ``steps``).

        :return: dict of the measures
        """
        mark = self._requests_mark()
        recorder = QueryRecorder(self.addon_dir) if record else None
        thread = threading.current_thread()
        queries, seconds, steps, counters = 0, 0.0, 0, None
        while True:
            with self.env() as env:
                cr = env.cr
                account = (
                    env["calendar.sync.account"]
                    .browse(account_id)
                    .with_context(calendar_sync_one_step=True)
                )
                queries_before = cr.sql_log_count
                if recorder:
                    thread.query_hooks = [recorder]
                started = time.perf_counter()
                try:
                    step = account._sync()
                    cr.commit()  # flush + COMMIT, as a job does after each step
                finally:
                    seconds += time.perf_counter() - started
                    if recorder:
                        del thread.query_hooks
                queries += cr.sql_log_count - queries_before
                steps += 1
                counters = {
                    name: (counters or {}).get(name, 0) + value
                    for name, value in (step or {}).items()
                } or counters
                state, last_error = account.state, account.last_error
                under_way = bool(account.sync_listing)
            if not under_way or state != "connected":
                break
        return {
            **self._request_metrics(mark),
            "sql_queries": queries,
            "sql_queries_all_cursors": recorder.total if recorder else None,
            # time spent in PostgreSQL round trips (the rest of ``seconds`` is
            # Python: ORM, mapping, HTTP to the emulator)
            "sql_seconds": round(recorder.sql_seconds, 3) if recorder else None,
            "seconds": round(seconds, 3),
            "steps": steps,
            "counters": counters,
            "state": state,
            "last_error": (last_error or "")[:300] or None,
            "_recorder": recorder,
        }

    # ------------------------------------------------------------ scenarios
    def push(self, count, start=datetime(2030, 1, 7, 8, 0)):
        _user_id, account_id, email = self.new_account("push")
        self.sync(account_id)  # connected and settled: empty calendar both sides
        with self.env() as env:
            user = env["res.users"].browse(_user_id)
            Event = (
                env["calendar.event"]
                .with_user(user)
                .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
            )
            alarm = env["calendar.alarm"].search(
                [("alarm_type", "=", "notification"), ("duration_minutes", "=", 10)],
                limit=1,
            )
            vals_list = []
            for i in range(count):
                day = start + timedelta(days=i // 6, hours=i % 6)
                vals_list.append(
                    {
                        "name": f"Bench push {i}",
                        "start": day,
                        "stop": day + timedelta(minutes=45),
                        "location": f"Room {i % 7}" if i % 2 else False,
                        "description": f"<p>Agenda {i}</p>" if i % 4 == 0 else False,
                        "user_id": user.id,
                        "partner_ids": [
                            (6, 0, [user.partner_id.id, self.guests[i % GUESTS]])
                        ],
                        "alarm_ids": [(6, 0, alarm.ids if i % 3 == 0 else [])],
                    }
                )
            for chunk in range(0, count, 500):
                Event.create(vals_list[chunk : chunk + 500])
        result = self.sync(account_id, record=True)
        result["events"] = count
        result["remote_events_after"] = self.remote_count(email)
        after = self.sync(account_id)
        result["next_sync_requests"] = after["requests"]
        result["next_sync_sql_queries"] = after["sql_queries"]
        result["next_sync_counters"] = after["counters"]
        return result

    def seed_remote(self, email, count, series_ratio=SERIES_RATIO, prefix="import"):
        """Put ``count`` events in the emulator (in-process API), ``series_ratio`` of
        them weekly series of 10 occurrences. Returns the number of series."""
        series = round(count * series_ratio)
        every = count / series if series else None
        base = datetime(2030, 1, 7, 8, 0)
        made = 0
        for i in range(count):
            day = base + timedelta(days=i // 8, hours=i % 8)
            body = {
                "summary": f"Bench {prefix} {i}",
                "attendees": [
                    {"email": email, "responseStatus": "accepted"},
                    {
                        "email": f"guest{i % GUESTS}@bench.example",
                        "displayName": f"Guest {i % GUESTS}",
                        "responseStatus": "needsAction",
                    },
                ],
            }
            if i % 3 == 0:
                body["reminders"] = {
                    "useDefault": False,
                    "overrides": [{"method": "popup", "minutes": 10}],
                }
            if i % 5 == 0:
                body["location"] = f"Room {i % 7}"
            is_series = every and made < series and i >= made * every
            if not is_series and i % 20 == 0:
                body["start"] = {"date": day.date().isoformat()}
                body["end"] = {"date": (day.date() + timedelta(days=1)).isoformat()}
            else:
                stop = day + timedelta(minutes=30)
                body["start"] = {"dateTime": day.isoformat(), "timeZone": TZ}
                body["end"] = {"dateTime": stop.isoformat(), "timeZone": TZ}
            if is_series:
                weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.weekday()]
                body["recurrence"] = [f"RRULE:FREQ=WEEKLY;BYDAY={weekday};COUNT=10"]
                made += 1
            self.google.add_event(email, body)
        return made

    def import_(self, count):
        user_id, account_id, email = self.new_account("import")
        started = time.perf_counter()
        series = self.seed_remote(email, count)
        seeded = time.perf_counter() - started
        remote = self.remote_count(email)
        memory_before = memory_mb()
        result = self.sync(account_id, record=True)
        # the process's peak (the emulator's events are in this process too:
        # memory_before_sync_mb is what it held before the sync)
        result["peak_memory_mb"] = peak_memory_mb()
        result["memory_before_sync_mb"] = memory_before
        with self.env() as env:
            Event = env["calendar.event"].with_context(active_test=False)
            mine = [("user_id", "=", user_id)]
            result["local_events"] = Event.search_count(mine)
            result["local_series"] = len(
                Event.search(mine + [("recurrence_id", "!=", False)]).recurrence_id
            )
            result["local_series_bound"] = env["calendar.sync.binding"].search_count(
                [
                    ("account_id", "=", account_id),
                    ("recurrence_id", "!=", False),
                    ("remote_id", "!=", False),
                ]
            )
        result.update(
            events=remote, remote_series=series, seed_seconds=round(seeded, 1)
        )
        return result

    def noop(self, start=datetime(2031, 6, 2, 9, 0)):
        user_id, account_id, email = self.new_account("noop")
        self.seed_remote(email, 40, series_ratio=0.1, prefix="noop")
        self.sync(account_id)
        with self.env() as env:
            user = env["res.users"].browse(user_id)
            env["calendar.event"].with_user(user).with_context(
                no_mail_to_attendees=True
            ).create(
                [
                    {
                        "name": f"Bench noop local {i}",
                        "start": start + timedelta(days=i),
                        "stop": start + timedelta(days=i, hours=1),
                        "user_id": user.id,
                        "partner_ids": [(6, 0, [user.partner_id.id, self.guests[i]])],
                    }
                    for i in range(10)
                ]
            )
        settle = 1
        for _attempt in range(4):
            settle += 1
            done = self.sync(account_id)
            if not any((done["counters"] or {}).values()):
                break
        result = self.sync(account_id, record=True)
        result.update(settle_syncs=settle, events=self.remote_count(email))
        return result


def main(argv=None):
    args = parse_args(argv, __doc__, NOMINAL, provider="google")
    start_odoo(args)
    return run_scenarios(args, Bench(args), "google", NOMINAL, TARGETS)


if __name__ == "__main__":
    sys.exit(main())
