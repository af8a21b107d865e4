# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Background-run benchmark: many accounts, and push latency (``./run-bench fleet``).

    python bench/fleet_bench.py --odoo-src SRC --addons-path PATHS -d DB \
        [--scenario fleet_noop_5000 --scenario notify_latency_100] \
        [--fleet-accounts 5000] [--latency-changes 100] [--fleet-workers 1,2,4]

Reuses bench/google_bench.py's Bench (the Google emulator in a thread of this
process, Odoo pointed at it) and starts Odoo's own threaded HTTP server in this
process on a free loopback port (``calendar_sync.push_url`` points at it), so
that notifications reach the real webhooks over HTTP.

* ``fleet_noop_N`` (N accounts, default 5,000): N internal users with a connected
  Google account and nothing to do, each synced once beforehand (not measured: each
  holds a sync token). Then the scheduled pass (``Account._cron_sync_all()``: its
  request step, then ``jobs.requested_pass``) with 1, 2 and 4 workers: the request
  step in this process, then W forked processes (each its own connections, as
  Odoo's cron workers) running ``jobs.requested_pass`` at once. Per worker count:
  ``requests`` (Calendar API requests: N listings, no account listed twice),
  ``sql_per_account`` (every query of the request step and of every worker, over
  N), ``seconds`` (wall time of the pass), ``speedup`` (against one worker).
  Targets: requests == N, ``max_listings_per_account`` == 1, sql_per_account <=
  11; ``scaled`` (2 workers at least 1.3x faster than 1) is reported, judged only
  where the machine has 2 free cores (``scaling_judged``).
  Then ``fleet_noop_N_push``: every account has an open push channel (set in the
  database: channel, secret, expiry in a week, last sync now) and 1 % of them get
  a Google notification POSTed to ``/calendar_sync/push/google`` (real HTTP, the
  webhook requests their runs); one pass (1 worker): requests == notified.
* ``notify_latency_N`` (N changes, default 100): one account syncs once, which
  opens its push channel at the emulator (to this process's HTTP server); one
  cron thread of Odoo's (``ThreadedServer.cron_spawn``, as ``odoo-bin`` runs it)
  serves the triggers. Each change is an event added at the emulator, which POSTs
  the notification; the time is from the change to the event's row in Odoo
  (polled every 20 ms on a fresh cursor). ``median_seconds``, ``worst_seconds``;
  changes not arrived after 60 s count as ``missed`` (target 0). The scheduled
  pass's cron is postponed by a day meanwhile (it would sync the fleet).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from bench_harness import (
    QueryRecorder,
    common_parser,
    log,
    print_breakdown,
    split_name,
    start_odoo,
)
from google_bench import TZ, Bench

KINDS = {"fleet_noop": 5000, "notify_latency": 100}
SQL_PER_ACCOUNT = 11
#: 2 workers count as scaling when at least this much faster than 1.
SCALING = 1.3
BATCH = 500
ARRIVAL_TIMEOUT = 60


def parse_args(argv):
    parser = common_parser(__doc__)
    parser.add_argument(
        "--scenario",
        action="append",
        type=lambda name: split_name(name, KINDS),
        help="fleet_noop[_N], notify_latency[_N]; repeatable; default: both",
    )
    parser.add_argument("--fleet-accounts", type=int, default=KINDS["fleet_noop"])
    parser.add_argument("--latency-changes", type=int, default=KINDS["notify_latency"])
    parser.add_argument("--fleet-workers", default="1,2,4")
    return parser.parse_args(argv)


def listed_accounts(requests):
    """Calendar listings per account (the token's owner, as the emulator
    records it) among API ``requests``."""
    return Counter(
        r["account"] or "?"
        for r in requests
        if r["method"] == "GET" and r["path"].endswith("/events")
    )


class FleetBench(Bench):
    def __init__(self, args):
        super().__init__(args)
        self.httpd_port = None
        self.cron_started = False
        self._push_url(False)  # no push until this process serves the webhooks

    def _push_url(self, value):
        with self.env() as env:
            env["ir.config_parameter"].sudo().set_param("calendar_sync.push_url", value)

    # ------------------------------------------------------------ Odoo's HTTP
    def start_http(self):
        """Odoo's threaded WSGI server in this process, on a free loopback
        port; the push address points at it."""
        if self.httpd_port:
            return
        from odoo.service import server
        from odoo.tools import config

        config["http_interface"] = "127.0.0.1"
        config["http_port"] = 0  # a free port, read back below
        self.server = server.ThreadedServer(self.odoo.http.root)
        self.server.http_spawn()
        self.httpd_port = self.server.httpd.server_port
        self._push_url(f"http://127.0.0.1:{self.httpd_port}")
        log(f"Odoo's HTTP server on 127.0.0.1:{self.httpd_port}")

    def start_cron(self):
        """One cron thread of Odoo's (as ``odoo-bin --max-cron-threads=1``);
        the scheduled pass is postponed (it would sync every account)."""
        if self.cron_started:
            return
        from odoo.tools import config

        with self.env() as env:
            env.ref("calendar_sync.ir_cron_sync_all").sudo().nextcall = (
                datetime.now() + timedelta(days=1)
            )
        config["max_cron_threads"] = 1
        self.server.cron_spawn()
        self.cron_started = True

    # ------------------------------------------------------------ fleet
    def make_fleet(self, count):
        """``count`` users with a connected Google account each (batched
        creates, a transaction per batch); returns the account ids."""
        stamp = f"{int(time.time() * 1000) % 10**9}"
        emails = [f"fleet{i}_{stamp}@example.com" for i in range(count)]
        tokens = {}
        for email in emails:
            self.google.add_account(email, TZ)
            tokens[email] = self.google.issue_tokens(email)
        ids = []
        for chunk in range(0, count, BATCH):
            with self.env() as env:
                Users = env["res.users"].with_context(
                    no_reset_password=True,
                    mail_create_nolog=True,
                    tracking_disable=True,
                )
                group = env.ref("base.group_user").id
                part = emails[chunk : chunk + BATCH]
                users = Users.create(
                    [
                        {
                            "name": f"Fleet {email.split('@')[0]}",
                            "login": email,
                            "email": email,
                            "tz": TZ,
                            "groups_id": [(6, 0, [group])],
                        }
                        for email in part
                    ]
                )
                accounts = env["calendar.sync.account"].create(
                    [
                        {
                            "user_id": user.id,
                            "provider": "google",
                            "email": email,
                            "access_token": tokens[email]["access_token"],
                            "refresh_token": tokens[email]["refresh_token"],
                            "state": "connected",
                        }
                        for user, email in zip(users, part, strict=True)
                    ]
                )
                ids += accounts.ids
        return ids

    def request_step(self, ids, recorder):
        """The scheduled pass's request step (``scheduler.cron_pass`` without
        its requested_pass), on the fleet's accounts only."""
        from odoo.addons.calendar_sync.engine import jobs, scheduler

        thread = threading.current_thread()
        thread.query_hooks = [recorder]
        try:
            with self.env() as env:
                Account = env["calendar.sync.account"]
                accounts = Account.search(
                    [
                        ("id", "in", ids),
                        ("state", "in", ("connected", "error")),
                        ("sync_stopped", "=", False),
                        *scheduler.polled_domain(Account),
                    ],
                    order="last_attempt_date asc nulls first, id",
                )
                return len(jobs.request(accounts))
        finally:
            del thread.query_hooks

    def _worker(self, pipe):
        """A forked worker: ``jobs.requested_pass`` on its own connections,
        as a cron worker runs it; sends back its query counts. A pass that
        fails (a serialization failure: another worker committed the row it
        was picking) is rolled back and started again, as the cron's next
        wake-up would (counted: ``failed_passes``)."""
        import psycopg2.errors

        from odoo.addons.calendar_sync.engine import jobs

        recorder = QueryRecorder(self.addon_dir)
        threading.current_thread().query_hooks = [recorder]
        failed = []
        for _attempt in range(20):
            try:
                with self.env() as env:
                    jobs.requested_pass(env["calendar.sync.account"])
                break
            except psycopg2.errors.SerializationFailure as exc:
                failed.append(str(exc).strip().splitlines()[0])
        del threading.current_thread().query_hooks
        pipe.send(
            {
                "total": recorder.total,
                "sql_seconds": recorder.sql_seconds,
                "failed": failed,
                "by_statement": recorder.by_statement,
                "by_phase": recorder.by_phase,
                "by_phase_statement": recorder.by_phase_statement,
                "by_site": recorder.by_site,
            }
        )
        pipe.close()

    def run_workers(self, workers, recorder):
        """``workers`` forked processes running the requested runs at once;
        their query counts are added to ``recorder``; returns how many passes
        failed and were started again, and how many workers crashed."""
        import multiprocessing

        self.odoo.sql_db.close_all()  # no connection shared with a child
        context = multiprocessing.get_context("fork")
        pipes, procs = [], []
        for _n in range(workers):
            mine, theirs = context.Pipe(duplex=False)
            proc = context.Process(target=self._child, args=(theirs,))
            proc.start()
            pipes.append(mine)
            procs.append(proc)
        failed, lost = [], 0
        for pipe, proc in zip(pipes, procs, strict=True):
            try:
                counts = pipe.recv()
            except EOFError:  # the worker crashed (its traceback is on stderr)
                counts = None
            proc.join()
            if counts is None:
                lost += 1
                continue
            failed += counts["failed"]
            recorder.total += counts["total"]
            recorder.sql_seconds += counts["sql_seconds"]
            for key in ("by_statement", "by_phase", "by_phase_statement", "by_site"):
                getattr(recorder, key).update(counts[key])
        return {"failed_passes": len(failed), "crashed_workers": lost}

    def _child(self, pipe):
        try:
            self._worker(pipe)
        except BaseException:  # noqa: BLE001 - told on stderr, the parent sees EOF
            import traceback

            log(f"fleet worker {os.getpid()} crashed:\n{traceback.format_exc()}")
        finally:
            self.odoo.sql_db.close_all()
            os._exit(0)  # no atexit of the parent's (emulator, servers)

    def fleet_pass(self, ids, workers, expected):
        """One measured pass: request step, then ``workers`` workers."""
        mark = len(self.google.api_requests())
        recorder = QueryRecorder(self.addon_dir)
        started = time.perf_counter()
        requested = self.request_step(ids, recorder)
        request_queries = recorder.total
        troubles = self.run_workers(workers, recorder)
        seconds = time.perf_counter() - started
        requests = self.google.api_requests()[mark:]
        listed = listed_accounts(requests)
        with self.env() as env:
            env.cr.execute(
                "SELECT count(*) FROM calendar_sync_account "
                "WHERE id = ANY(%s) AND sync_requested IS NOT NULL",
                [ids],
            )
            left = env.cr.fetchone()[0]
        return {
            "workers": workers,
            "requested_by_pass": requested,
            "requests": len(requests),
            "accounts_listed": len(listed),
            "max_listings_per_account": max(listed.values(), default=0),
            "requests_left": left,
            "sql_queries": recorder.total,
            "sql_queries_request_step": request_queries,
            "sql_per_account": round(recorder.total / max(expected, 1), 2),
            "sql_seconds": round(recorder.sql_seconds, 2),
            "seconds": round(seconds, 2),
            **troubles,
            "_recorder": recorder,
        }

    def _reset(self, ids):
        with self.env() as env:
            env.cr.execute(
                "UPDATE calendar_sync_account SET sync_requested = NULL, "
                "last_attempt_date = NULL WHERE id = ANY(%s)",
                [ids],
            )

    def fleet(self, count, worker_counts):
        """fleet_noop: the JSON lines of the polled and the push variants."""
        started = time.perf_counter()
        ids = self.make_fleet(count)
        made = time.perf_counter() - started
        log(f"fleet: {count} users and accounts in {made:.0f}s; first syncs")
        started = time.perf_counter()
        warm = self.fleet_pass(ids, max(worker_counts), count)
        log(f"fleet: first syncs in {time.perf_counter() - started:.0f}s")
        rounds = []
        for workers in worker_counts:
            self._reset(ids)
            result = self.fleet_pass(ids, workers, count)
            log(
                f"fleet: {workers} worker(s): {result['seconds']}s, "
                f"{result['requests']} requests, "
                f"{result['sql_per_account']} SQL/account"
            )
            rounds.append(result)
        return {
            "accounts": count,
            "setup_seconds": round(made, 1),
            "first_sync_seconds": warm["seconds"],
            "first_sync_requests": warm["requests"],
            "rounds": rounds,
        }, self.fleet_push(ids)

    def fleet_push(self, ids):
        """fleet_noop_push: every channel open, 1 % notified through the
        webhook; one pass with one worker."""
        from odoo.addons.calendar_sync.engine import push

        self.start_http()
        notified = ids[::100] or ids[:1]
        with self.env() as env:
            address, reason = push.status(env, "google")
            assert address, reason
            env.cr.execute(
                "UPDATE calendar_sync_account SET push_channel_id = 'fleet-' || id, "
                "push_secret = 'secret-' || id, push_resource_id = 'res-' || id, "
                "push_address = %s, push_expiry = %s, last_sync_date = %s, "
                "sync_requested = NULL, last_attempt_date = NULL WHERE id = ANY(%s)",
                [address, datetime.now() + timedelta(days=7), datetime.now(), ids],
            )
            env.invalidate_all()
        statuses = Counter()
        for account_id in notified:
            headers = {
                "X-Goog-Channel-ID": f"fleet-{account_id}",
                "X-Goog-Channel-Token": f"secret-{account_id}",
                "X-Goog-Resource-ID": f"res-{account_id}",
                "X-Goog-Resource-State": "exists",
                "X-Goog-Message-Number": "2",
            }
            statuses[self.google.push.call(address, headers)[0]] += 1
        result = self.fleet_pass(ids, 1, len(notified))
        result.update(notified=len(notified), webhook_statuses=dict(statuses))
        with self.env() as env:  # closed channels: nothing left to close later
            env.cr.execute(
                "UPDATE calendar_sync_account SET push_channel_id = NULL, "
                "push_secret = NULL, push_resource_id = NULL, push_address = NULL, "
                "push_expiry = NULL WHERE id = ANY(%s)",
                [ids],
            )
        return result

    # ------------------------------------------------------------ latency
    def latency(self, changes):
        """notify_latency: seconds from a change at the emulator to its event
        in Odoo, through the webhook and a cron worker's run."""
        self.start_http()
        self.start_cron()
        _user_id, account_id, email = self.new_account("latency")
        self.sync(account_id)  # the first sync opens the push channel
        with self.env() as env:
            account = env["calendar.sync.account"].browse(account_id)
            channel = account.push_channel_id
            if not channel:
                raise RuntimeError(f"no push channel opened: {account.push_error}")
        delivered = len(self.google.push.delivered)
        times, missed = [], 0
        start = datetime(2032, 3, 1, 9, 0)
        for i in range(changes):
            day = start + timedelta(days=i)
            name = f"Latency {account_id} {i}"
            body = {
                "summary": name,
                "start": {"dateTime": day.isoformat(), "timeZone": TZ},
                "end": {
                    "dateTime": (day + timedelta(hours=1)).isoformat(),
                    "timeZone": TZ,
                },
            }
            changed = time.perf_counter()
            self.google.add_event(email, body)
            arrived = self._wait_for(name, changed + ARRIVAL_TIMEOUT)
            if arrived is None:
                missed += 1
                log(f"latency: change {i} not in Odoo after {ARRIVAL_TIMEOUT}s")
            else:
                times.append(arrived - changed)
        sent = self.google.push.delivered[delivered:]
        return {
            "changes": changes,
            "arrived": len(times),
            "missed": missed,
            "median_seconds": round(statistics.median(times), 3) if times else None,
            "worst_seconds": round(max(times), 3) if times else None,
            "best_seconds": round(min(times), 3) if times else None,
            "notifications": len(sent),
            "notification_statuses": dict(Counter(m["status"] for m in sent)),
        }

    def _wait_for(self, name, deadline):
        while time.perf_counter() < deadline:
            with self.registry.cursor() as cr:
                cr.execute("SELECT 1 FROM calendar_event WHERE name = %s", [name])
                if cr.fetchone():
                    return time.perf_counter()
            time.sleep(0.02)
        return None

    def close(self):
        if self.httpd_port:
            self._push_url(False)  # nobody serves that address any more
            self.server.httpd.shutdown()
        return super().close()


# ----------------------------------------------------------------------- report
def emit(name, result, targets, top):
    """The JSON line: ``targets`` are ``{metric: (op, bound)}`` over ``result``
    (op "<=", ">=" or "=="); True when all are met."""
    recorders = [r.pop("_recorder", None) for r in [result, *result.get("rounds", [])]]
    compare = {
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
    }
    met = {}
    for metric, (op, bound, value) in targets.items():
        met[metric] = value is not None and compare[op](value, bound)
    line = {
        "scenario": name,
        **result,
        "targets": {m: f"{op} {bound}" for m, (op, bound, _v) in targets.items()},
        "met": met,
    }
    print(json.dumps(line, default=str), flush=True)
    log(
        f"=== {name}: "
        + ", ".join(f"{m}: {'MET' if ok else 'MISSED'}" for m, ok in met.items())
    )
    for recorder in filter(None, recorders):
        print_breakdown(name, recorder, result.get("accounts"), top)
        break
    return all(met.values())


def fleet_lines(bench, args, count):
    workers = [int(w) for w in args.fleet_workers.split(",")]
    polled, pushed = bench.fleet(count, workers)
    rounds = polled["rounds"]
    targets = {}
    for r in rounds:
        w = r["workers"]
        targets[f"requests_{w}w"] = ("==", count, r["requests"])
        targets[f"max_listings_per_account_{w}w"] = (
            "==",
            1,
            r["max_listings_per_account"],
        )
        targets[f"sql_per_account_{w}w"] = ("<=", SQL_PER_ACCOUNT, r["sql_per_account"])
    one = next((r["seconds"] for r in rounds if r["workers"] == 1), None)
    for r in rounds:
        r["speedup"] = round(one / r["seconds"], 2) if one and r["seconds"] else None
    two = next((r["speedup"] for r in rounds if r["workers"] == 2), None)
    polled["cpu_count"] = os.cpu_count()
    polled["load_average"] = [round(x, 1) for x in os.getloadavg()]
    polled["scaled"] = two is not None and two >= SCALING
    # scaling needs free cores: judged only when the load leaves two of them
    polled["scaling_judged"] = (os.cpu_count() or 1) - os.getloadavg()[0] >= 2
    if polled["scaling_judged"]:
        targets["speedup_2w"] = (">=", SCALING, two)
    ok = emit(f"fleet_noop_{count}", polled, targets, args.breakdown)
    push_targets = {
        "requests": ("==", pushed["notified"], pushed["requests"]),
        "sql_per_account": ("<=", SQL_PER_ACCOUNT, pushed["sql_per_account"]),
        "max_listings_per_account": ("==", 1, pushed["max_listings_per_account"]),
    }
    ok &= emit(f"fleet_noop_{count}_push", pushed, push_targets, args.breakdown)
    return ok


def main(argv=None):
    args = parse_args(argv)
    start_odoo(args)
    chosen = args.scenario or [(kind, None) for kind in KINDS]
    bench = FleetBench(args)
    ok, crashed = True, False
    try:
        for kind, size in sorted(chosen, key=lambda pair: list(KINDS).index(pair[0])):
            if kind == "fleet_noop":
                count = size or args.fleet_accounts
                name = f"fleet_noop_{count}"
            else:
                count = size or args.latency_changes
                name = f"notify_latency_{count}"
            log(f"=== {name}: running")
            try:
                if kind == "fleet_noop":
                    ok &= fleet_lines(bench, args, count)
                else:
                    result = bench.latency(count)
                    ok &= emit(name, result, {"missed": ("<=", 0, result["missed"])}, 0)
            except Exception:  # noqa: BLE001 - report and go on with the others
                import traceback

                log(f"=== {name}: CRASHED\n{traceback.format_exc()}")
                error = traceback.format_exc().strip().splitlines()[-1]
                print(
                    json.dumps(
                        {"scenario": name, "error": "crashed", "exception": error}
                    )
                )
                crashed = True
    finally:
        bench.close()
    log(
        "targets: "
        + (
            "NOT judged, a scenario CRASHED"
            if crashed
            else "all met"
            if ok
            else "NOT all met"
        )
    )
    return 2 if crashed else (0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
