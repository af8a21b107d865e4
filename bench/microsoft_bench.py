# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook (Microsoft Graph) sync benchmark: inside Odoo, started by ``./run-bench``.

    python bench/microsoft_bench.py --odoo-src SRC --addons-path PATHS -d DB \
        [--db_host H --db_port P --db_user U] [--scenario microsoft_push ...] \
        [--push-events 1000] [--import-events 10000] [--breakdown 15]

Same harness as ``bench/google_bench.py`` (its Bench plumbing, and
``bench/bench_harness.py``: QueryRecorder, judge/emit, the scenario runner; one
JSON line per scenario on stdout, targets and the SQL breakdown on stderr), with
the Graph emulator (``emulators/graph_emulator.py``) in a thread of this process.
Odoo reaches it over real loopback HTTP through
``calendar_sync.microsoft_host_map`` (msal and the Graph client keep the real
https origins), as ``tests/common.py``'s GraphEmulatorMixin does. Every event
lies in the sync window (today - 1 year .. today + 2 years): dates are relative
to today.

* ``requests``: top-level Graph HTTP requests (a ``$batch`` counts once; OAuth
  token requests are not API requests, see ``token_requests``).
  ``batch_requests``/``batch_items``: ``$batch`` requests and the items they held;
  ``instances_batch_requests``: the ``$batch`` requests holding ``/instances`` items
  (per-series detail); ``delta_requests``: delta pages fetched;
  ``delta_page_size``: the ``Prefer: odata.maxpagesize`` sent (1000:
  ``services/graph_client.py`` DELTA_PAGE_SIZE, the largest figure with a public
  source, see its docstring); ``items``: batch items by method and kind.
* ``sql_queries``/``seconds``: as for Google.

Scenarios (targets are issue 4's, scaled linearly when the size is not nominal):

* ``microsoft_push_N``: a connected user (settled by a first, empty sync) creates
  N events in Odoo (from next week, organizer + one outside guest, every third
  with a reminder); the measured sync pushes them. Targets at 1,000: <= 55
  requests (Graph's ``$batch`` holds at most 20 items, so 1,000 creates need at
  least 50 ``$batch`` requests; 55 leaves room for the delta before and the echo
  delta after), <= 6 SQL queries per event.
* ``microsoft_import_N``: Outlook holds N events, 5 % of them weekly series of 10
  occurrences, the rest single events (one guest, every 20th all-day, every third
  with a reminder), spread over the window; the measured sync
  is the first (full) one. Remote events = the N stored events (a series counts
  once). Targets at 10,000: <= 30 ``$batch`` requests for ``/instances``, <= 3 SQL
  queries per remote event; delta pages are reported with the page size. Memory
  and linearity (``microsoft_import_100000``) as google_import's.
* ``microsoft_noop``: a user with 36 single events and 4 series from Outlook
  and 10 events from Odoo, synced until a sync changes nothing; the measured
  sync is the next one. Targets: 1 request, <= 11 SQL queries.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

from bench_harness import IMPORT_SCALE_TARGETS, parse_args, run_scenarios, start_odoo
from google_bench import GUESTS, SERIES_RATIO, TZ, Bench

NOMINAL = {"microsoft_push": 1000, "microsoft_import": 10000, "microsoft_noop": None}
TARGETS = {
    # scenario: [(metric, limit at the nominal size, scales with the size)]
    # push: 1,000 creates / 20 items per $batch (Graph's limit) = 50 requests at
    # least; issue 4 allows 55 (the full delta before, the echo delta after).
    "microsoft_push": [("requests", 55, True), ("sql_per_event", 6, False)],
    "microsoft_import": [
        ("instances_batch_requests", 30, True),
        ("sql_per_event", 3, False),
        *IMPORT_SCALE_TARGETS,
    ],
    "microsoft_noop": [("requests", 1, False), ("sql_queries", 11, False)],
}
WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]


def _today():
    return datetime.combine(datetime.now().date(), datetime.min.time())


def _item_kind(path):
    """'/v1.0/me/events/ID/instances' -> 'instances'; '/v1.0/me/events' -> 'events'"""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if len(parts) >= 4 and parts[2] == "events":
        return parts[4] if len(parts) > 4 else "event"
    return parts[-1] if parts else "?"


class MicrosoftBench(Bench):
    def _start_emulator(self):
        from odoo.addons.calendar_sync.emulators import graph_emulator, graph_mailbox

        self.graph_mailbox = graph_mailbox
        self.graph = graph_emulator.GraphEmulator()
        self.graph.start()

    def _params(self):
        return {
            "calendar_sync.microsoft_enabled": "True",
            "microsoft_calendar_client_id": self.graph.client_id,
            "microsoft_calendar_client_secret": self.graph.client_secret,
            "calendar_sync.microsoft_tenant": "common",
            "calendar_sync.microsoft_host_map": json.dumps(self.graph.url_mapping),
        }

    def close(self):
        self.graph.stop()

    def remote_count(self, email):
        return len(self.graph.events(email))

    def new_account(self, label):
        """A fresh internal user with a connected Outlook account (the sign-in
        skipped: tokens issued by the emulator)."""
        stamp, email = self._stamp(label)
        tokens = self.graph.issue_tokens(email)
        with self.env() as env:
            user = self._new_user(env, stamp, email)
            account = env["calendar.sync.account"]._get_for_user(user, "microsoft")
            account.write(
                {
                    "email": email,
                    "access_token": tokens["access_token"],
                    "refresh_token": tokens["refresh_token"],
                    "token_expiry": datetime.now(timezone.utc).replace(tzinfo=None)
                    + timedelta(seconds=self.graph.access_token_lifetime),
                    "sync_token": False,
                    "state": "connected",
                }
            )
            return user.id, account.id, email

    # ------------------------------------------------------------ measures
    def _requests_mark(self):
        return len(self.graph.requests)

    def _request_metrics(self, mark):
        new = list(self.graph.requests[mark:])
        top = [r for r in new if not r.in_batch and r.path.startswith("/v1.0")]
        delta = [r for r in top if r.path.endswith("/calendarView/delta")]
        sizes = [
            int(p.split("=", 1)[1])
            for r in delta
            for p in (r.headers.get("prefer") or "").replace(";", ",").split(",")
            if p.strip().startswith("odata.maxpagesize=")
        ]
        # a $batch's items are recorded before it (the emulator records a request
        # once answered): group the items by the $batch that follows them
        batches, pending = [], []
        for r in new:
            if r.in_batch:
                pending.append(r)
            elif r.path.endswith("/$batch"):
                batches.append(pending)
                pending = []
        items = [r for r in new if r.in_batch]
        return {
            "requests": len(top),
            "delta_requests": len(delta),
            "delta_page_size": max(sizes) if sizes else None,
            "batch_requests": len(batches),
            "instances_batch_requests": sum(
                1 for b in batches if any(_item_kind(r.path) == "instances" for r in b)
            ),
            "batch_items": len(items),
            "items": dict(Counter(f"{r.method} {_item_kind(r.path)}" for r in items)),
            "failed_items": sum(1 for r in items if r.status >= 400),
            "token_requests": sum(
                1 for r in new if not r.in_batch and "/oauth2/" in r.path
            ),
        }

    # ------------------------------------------------------------ scenarios
    def push(self, count):
        # from next Monday 8:00, 6 a day: 1,000 events fill ~167 days
        start = _today() + timedelta(days=7 - _today().weekday(), hours=8)
        return super().push(count, start=start)

    def noop(self):
        return super().noop(start=_today() + timedelta(days=30, hours=9))

    def seed_remote(self, email, count, series_ratio=SERIES_RATIO, prefix="import"):
        """Put ``count`` events in the emulator (in-process API), ``series_ratio`` of
        them weekly series of 10 occurrences, spread from 360 days back to about
        640 days ahead (at least 8 a day). Returns the number of series."""
        series = round(count * series_ratio)
        every = count / series if series else None
        per_day = max(8, math.ceil(count / 1000))
        step = max(1, 600 // per_day)  # minutes between events of a day
        base = _today() - timedelta(days=360) + timedelta(hours=8)
        made = 0
        for i in range(count):
            day = base + timedelta(days=i // per_day, minutes=(i % per_day) * step)
            body = {
                "subject": f"Bench {prefix} {i}",
                "attendees": [
                    {
                        "emailAddress": {
                            "address": f"guest{i % GUESTS}@bench.example",
                            "name": f"Guest {i % GUESTS}",
                        },
                        "type": "required",
                    }
                ],
            }
            if i % 3 == 0:
                body["isReminderOn"] = True
                body["reminderMinutesBeforeStart"] = 10
            else:
                body["isReminderOn"] = False
            if i % 5 == 0:
                body["location"] = {"displayName": f"Room {i % 7}"}
            is_series = every and made < series and i >= made * every
            if not is_series and i % 20 == 0:
                start = day.replace(hour=0, minute=0)
                body["isAllDay"] = True
                body["start"] = {"dateTime": start.isoformat(), "timeZone": TZ}
                end = start + timedelta(days=1)
                body["end"] = {"dateTime": end.isoformat(), "timeZone": TZ}
            else:
                stop = day + timedelta(minutes=30)
                body["start"] = {"dateTime": day.isoformat(), "timeZone": TZ}
                body["end"] = {"dateTime": stop.isoformat(), "timeZone": TZ}
            if is_series:
                body["recurrence"] = {
                    "pattern": {
                        "type": "weekly",
                        "interval": 1,
                        "daysOfWeek": [WEEKDAYS[day.weekday()]],
                        "firstDayOfWeek": "sunday",
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": day.date().isoformat(),
                        "numberOfOccurrences": 10,
                        "recurrenceTimeZone": TZ,
                    },
                }
                made += 1
            self.graph.add_event(email, body)
        if prefix == "import":
            self._delta_items = self.delta_items(email)
        return made

    def delta_items(self, email):
        """Items a full delta of the sync window returns (singles, masters and
        their sparse occurrences), asked of the emulator in-process (not measured)."""
        with self.env() as env:
            from odoo.addons.calendar_sync.engine.microsoft_window import _window

            start, end = _window(env)
        box = self.graph.mailbox(email)
        with self.graph._lock:
            groups = box.delta_groups(
                start.replace(tzinfo=timezone.utc),
                end.replace(tzinfo=timezone.utc),
                0,
                self.graph_mailbox.Prefs(),
            )
        return sum(len(group) for group in groups)

    def import_(self, count):
        self._delta_items = None
        result = super().import_(count)
        items, size = self._delta_items, result.get("delta_page_size")
        result["delta_items"] = items
        minimum = math.ceil(items / size) if items and size else None
        result["delta_pages_minimum"] = minimum
        return result


def main(argv=None):
    args = parse_args(argv, __doc__, NOMINAL, provider="microsoft")
    start_odoo(args)
    return run_scenarios(args, MicrosoftBench(args), "microsoft", NOMINAL, TARGETS)


if __name__ == "__main__":
    sys.exit(main())
