# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The database calendar_sync takes over: synced by Odoo's own modules.

Run inside ``odoo-bin shell`` on a database where Odoo's ``google_calendar``
and/or ``microsoft_calendar`` are installed and calendar_sync is not
(``main(env, control_url, out_path)``, see ``run-tests``). Where only one of
them is installed, only its half of the scenario runs (its users connected,
its remote events, its client id among the system parameters). Odoo's own code
talks to the emulators: this process sends every request addressed to
Google's and Microsoft's hosts to the emulators instead (the HTTP layer,
``requests``), nothing of Odoo's modules is patched.

Users: Alice and Dan (Google; Dan stops his sync at the end), Bob and Carol
(Outlook). Odoo's modules do not support one user on both (each imports what
the other pushed, again and again), so nobody has both here. Single events and
weekly series made in Odoo and remotely, an occurrence moved alone on each
side, invitations between users (Alice invites Dan on Google, Bob invites Carol
on Outlook, Alice's series invites Carol across providers), an outside
invitation; synced by Odoo's modules until nothing is created any more. Then
Dan stops his sync and the administrator pauses Outlook. Odoo's columns, the
users' tokens, the counts and the emulators' state go to ``out_path`` (JSON)
for :mod:`takeover_checks`.
"""

import json
import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
from emulator_host import Control
from old_scenario import TZ, OldScenario, graph_weekly, remote_times, utc

from odoo import fields
from odoo.tools import SQL

ALICE, BOB = "alice@example.com", "bob@example.com"
CAROL, DAN = "carol@example.com", "dan@example.com"
ERIN, DAVE = "erin@outside.example", "dave@outside.example"

_logger = logging.getLogger(__name__)

#: Each event's and series' links in Odoo's modules' columns.
EVENT_COLUMNS = (
    "google_id",
    "need_sync",
    "microsoft_id",
    "ms_universal_event_id",
    "need_sync_m",
)
#: Each user's connection in Odoo's modules' columns (None where the module
#: holding it is not installed).
USER_COLUMNS = (
    "google_calendar_rtoken",
    "google_calendar_sync_token",
    "google_synchronization_stopped",
    "microsoft_calendar_rtoken",
    "microsoft_synchronization_stopped",
)


def main(env, control_url, out_path):
    scenario = OdooScenario(env, Control(control_url))
    installed = scenario.modules()
    scenario.google = "google_calendar" in installed
    scenario.outlook = "microsoft_calendar" in installed
    scenario.run()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(scenario.record(), out, indent=1, default=str, sort_keys=True)


def route_to_emulators(hosts):
    """Every request this process sends to one of ``hosts``' origins goes to
    its emulator instead (``requests`` is what Odoo's modules use)."""
    original = requests.sessions.Session.request

    def request(self, method, url, *args, **kwargs):
        for origin, base in hosts.items():
            if isinstance(url, str) and url.startswith(origin):
                url = base + url[len(origin) :]
                break
        return original(self, method, url, *args, **kwargs)

    requests.sessions.Session.request = request


def google_times(local, hours=1.0):
    """Google's ``start``/``end`` as Google answers them: the local time with
    its UTC offset (Odoo's module reads the offset, not ``timeZone``)."""
    times = remote_times(local, hours)
    for key in ("start", "end"):
        wall = datetime.fromisoformat(times[key]["dateTime"])
        aware = utc(wall).replace(tzinfo=timezone.utc).astimezone(ZoneInfo(TZ))
        times[key]["dateTime"] = aware.isoformat()
    return times


class OdooScenario(OldScenario):
    """Users, events and syncs as in the migration test's scenario, synced by
    Odoo's own modules."""

    google = outlook = True

    def __init__(self, env, ctl):  # pylint: disable=super-init-not-called
        # OldScenario's, without calendar_sync's models (not installed yet)
        self.env, self.ctl, self.log, self.pending = env, ctl, [], []
        self.Event = env["calendar.event"]
        first = fields.Date.today() + timedelta(days=14)
        first += timedelta(days=-first.weekday() % 7)
        self.monday = datetime.combine(first, time(10))

    def say(self, message):
        self.log.append(message)
        _logger.info("Odoo's modules: %s", message)

    # ------------------------------------------------------------ helpers
    def modules(self):
        """The names of Odoo's sync modules installed in this database."""
        return set(
            self.env["ir.module.module"]
            .search(
                [
                    ("name", "in", ("google_calendar", "microsoft_calendar")),
                    ("state", "=", "installed"),
                ]
            )
            .mapped("name")
        )

    def connect_google(self, user):
        """As Odoo's Google callback leaves a user (google_account's
        ``_set_auth_tokens``)."""
        tokens = self.ctl.google_tokens(user.email)
        settings = self.env["res.users.settings"].sudo()._find_or_create_for_user(user)
        settings.write(
            {
                "google_calendar_rtoken": tokens["refresh_token"],
                "google_calendar_token": tokens["access_token"],
                "google_calendar_token_validity": fields.Datetime.now()
                + timedelta(seconds=tokens["expires_in"]),
                "google_calendar_sync_token": False,
            }
        )

    def connect_outlook(self, user):
        """As Odoo's Outlook callback leaves a user (microsoft_account's
        ``_set_microsoft_auth_tokens``)."""
        tokens = self.ctl.graph_tokens(user.email)
        self.env["res.users.settings"].sudo()._find_or_create_for_user(user)
        user.sudo().write(
            {
                "microsoft_calendar_rtoken": tokens["refresh_token"],
                "microsoft_calendar_token": tokens["access_token"],
                "microsoft_calendar_token_validity": fields.Datetime.now()
                + timedelta(seconds=tokens["lifetime"]),
            }
        )

    def sync_user(self, user):
        """One sync of ``user`` by Odoo's modules, as their crons run it."""
        if self.google:
            from odoo.addons.google_calendar.utils.google_calendar import (
                GoogleCalendarService,
            )
        user = user.with_user(user).sudo()
        if (
            self.google
            and user.google_calendar_rtoken
            and not user.google_synchronization_stopped
        ):
            user._sync_google_calendar(
                GoogleCalendarService(self.env["google.service"])
            )
        if self.outlook and user.microsoft_calendar_rtoken:
            user._sync_microsoft_calendar()
        # each sync is a transaction of its own, as the cron runs it (and the
        # commit runs Odoo's post-commit pushes)
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def settle(self, rounds=5):
        """Sync every user until a round creates nothing remotely. Odoo's
        modules never stop writing altogether (each full sync patches the
        events of its range again, and a user with both calendars sends each
        one's changes to the other), so "settled" means every event is linked."""
        for number in range(1, rounds + 1):
            mark = self.ctl.mark()
            for user in self.users:
                self.sync_user(user)
            writes = self.ctl.writes(mark)
            creates = [w for w in writes if w["create"]]
            self.say(
                f"round {number}: {len(writes)} remote write(s), "
                f"{len(creates)} create(s)"
            )
            if number > 1 and not creates:
                return
        raise RuntimeError(f"Odoo's modules still create after {rounds} rounds")

    # ------------------------------------------------------------ scenario
    def run(self):
        env = self.env
        params = env["ir.config_parameter"].sudo()
        for key, value in self.ctl.odoo_params().items():
            params.set_param(key, value)
        # a database that used one module only has that one's client id
        for provider, used in (("google", self.google), ("microsoft", self.outlook)):
            if not used:
                params.set_param(f"{provider}_calendar_client_id", False)
                params.set_param(f"{provider}_calendar_client_secret", False)
        # calendar_sync is not installed yet: Odoo's modules see only their
        # own parameters (client id and secret are shared)
        params.set_param("calendar_sync.google_enabled", False)
        params.set_param("calendar_sync.microsoft_enabled", False)
        route_to_emulators(self.ctl.odoo_module_hosts())
        self.alice = self.user("to_alice", "Alice", ALICE)
        self.bob = self.user("to_bob", "Bob", BOB)
        self.carol = self.user("to_carol", "Carol", CAROL)
        self.dan = self.user("to_dan", "Dan", DAN)
        self.users = [self.alice, self.bob, self.carol, self.dan]
        for user in (self.alice, self.dan) if self.google else ():
            self.connect_google(user)
        for user in (self.bob, self.carol) if self.outlook else ():
            self.connect_outlook(user)
        env.cr.commit()  # pylint: disable=invalid-commit
        # the first syncs (Outlook's sets Odoo's first synchronization date)
        self.settle()
        monday, day = self.monday, timedelta(days=1)
        # ---- made in Odoo
        self.event(self.alice, "Alice: planning", monday, partners=[DAVE])
        self.alice_series = self.series(
            self.alice, "Alice: weekly 1:1", monday + day, 5, partners=[CAROL]
        )
        self.event(self.alice, "Alice meets Dan", monday + 2 * day, partners=[DAN])
        self.event(self.bob, "Bob: budget", monday, partners=[DAVE])
        # (Odoo's Outlook module refuses series made in Odoo: Bob's are made
        # in Outlook)
        self.event(self.bob, "Bob invites Carol", monday + 3 * day, partners=[CAROL])
        self.event(self.carol, "Carol: workshop", monday + 3 * day)
        self.event(self.dan, "Dan: review", monday + 2 * day)
        env.cr.commit()  # pylint: disable=invalid-commit
        # ---- made remotely
        self.remote_events(monday, day)
        self.settle()
        # ---- occurrences moved alone, on both sides
        self.move_alone(self.alice_series, 2, "Alice: 1:1 (moved)", hours=3)
        env.cr.commit()  # pylint: disable=invalid-commit
        self.remote_moves(monday, day)
        self.settle()
        # ---- Dan stops his sync; the administrator pauses Outlook
        if self.google:
            self.dan.sudo().stop_google_synchronization()
            self.say("Dan stopped his Google sync")
        if self.outlook:
            params.set_param("microsoft_calendar_sync_paused", True)
            self.say("Outlook paused for everybody")
        env.cr.commit()  # pylint: disable=invalid-commit

    def remote_events(self, monday, day):
        """Events and series made in the calendars of the modules installed."""
        self.google_series = self.graph_series = None
        if self.google:
            self.google_events(monday, day)
        if self.outlook:
            self.graph_events(monday, day)

    def google_events(self, monday, day):
        ctl = self.ctl
        ctl.google_add(
            ALICE, {"summary": "Alice: dentist", **google_times(monday + 3 * day)}
        )
        self.google_series = ctl.google_add(
            ALICE,
            {
                "summary": "Alice: standup",
                **google_times(monday + day + timedelta(hours=1), 0.25),
                "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4"],
            },
        )
        ctl.google_add(
            ERIN,
            {
                "summary": "Erin's webinar",
                **google_times(monday + 4 * day),
                "attendees": [{"email": ERIN}, {"email": ALICE}],
            },
        )
        ctl.google_add(
            DAN, {"summary": "Dan: gym", **google_times(monday + 4 * day, 2)}
        )

    def graph_events(self, monday, day):
        ctl = self.ctl
        ctl.graph_add(BOB, {"subject": "Bob: lunch", **remote_times(monday + 3 * day)})
        self.graph_series = ctl.graph_add(
            BOB,
            {
                "subject": "Bob: standup",
                **remote_times(monday + timedelta(hours=1), 0.25),
                "recurrence": graph_weekly(monday, 4),
            },
        )
        ctl.graph_add(
            CAROL, {"subject": "Carol: offsite", **remote_times(monday + 2 * day)}
        )

    def remote_moves(self, monday, day):
        """An occurrence moved alone in each calendar's series."""
        ctl = self.ctl
        if self.google:
            original = utc(monday + 2 * 7 * day + day + timedelta(hours=1))
            instance = f"{self.google_series['id']}_" + original.strftime(
                "%Y%m%dT%H%M%SZ"
            )
            moved = monday + 2 * 7 * day + 2 * day + timedelta(hours=2)
            ctl.google_update(ALICE, instance, google_times(moved, 0.25))
        if not self.outlook:
            return
        instances = ctl.graph_instances(BOB, self.graph_series["id"])
        instances.sort(key=lambda item: item["start"]["dateTime"])
        ctl.graph_update(
            BOB,
            instances[1]["id"],
            remote_times(monday + 7 * day + day + timedelta(hours=4), 0.25),
        )

    def rows(self, table, columns, optional, where=None):
        """Rows of ``table``: ``columns``, and ``optional`` ones as they are
        where the modules installed have them (None where not)."""
        cr = self.env.cr
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        present = {row[0] for row in cr.fetchall()}
        selected = list(columns) + [c for c in optional if c in present]
        cr.execute(
            SQL(
                "SELECT %s FROM %s %s ORDER BY %s",
                SQL(", ").join(SQL.identifier(column) for column in selected),
                SQL.identifier(table),
                where or SQL(),
                SQL.identifier(columns[0]),
            )
        )
        rows = cr.dictfetchall()
        for row in rows:
            for column in optional:
                row.setdefault(column, None)
        return rows

    @staticmethod
    def move_alone(base, index, name, hours):
        event = base.recurrence_id.calendar_event_ids.sorted("start")[index]
        event.with_user(event.user_id).write(
            {
                "name": name,
                # as the form sends them (Odoo's Outlook module parses them)
                "start": fields.Datetime.to_string(
                    event.start + timedelta(hours=hours)
                ),
                "stop": fields.Datetime.to_string(event.stop + timedelta(hours=hours)),
                "recurrence_update": "self_only",
            }
        )

    # ------------------------------------------------------------ record
    def record(self):
        cr = self.env.cr
        google = EVENT_COLUMNS[:2] if self.google else ()
        outlook = EVENT_COLUMNS[2:] if self.outlook else ()
        events = self.rows(
            "calendar_event",
            ("id", "name", "user_id", "active", "recurrence_id", "follow_recurrence")
            + ("start", "stop"),
            google + outlook,
        )
        recurrences = self.rows(
            "calendar_recurrence", ("id", "base_event_id"), google + outlook
        )
        cr.execute(
            "SELECT a.id, a.event_id, a.partner_id, a.state "
            "FROM calendar_attendee a ORDER BY a.id"
        )
        attendees = cr.dictfetchall()
        for row in events + recurrences:
            for column in EVENT_COLUMNS:
                row.setdefault(column, None)
        users = self.rows(
            "res_users",
            ("id", "login", "partner_id"),
            ("microsoft_calendar_rtoken",) if self.outlook else (),
            SQL("WHERE login LIKE %s", "to\\_%"),
        )
        settings = {
            row["user_id"]: row
            for row in self.rows(
                "res_users_settings",
                ("user_id",),
                (USER_COLUMNS[:3] if self.google else ())
                + (USER_COLUMNS[4:] if self.outlook else ()),
            )
        }
        for user in users:
            user.update(settings.get(user["id"], {}))
            user["email"] = self.env["res.users"].browse(user["id"]).email
            for column in USER_COLUMNS:
                user.setdefault(column, None)
        counts = {}
        for table in ("calendar_event", "calendar_recurrence", "mail_mail"):
            cr.execute(f"SELECT count(*) FROM {table}")  # pylint: disable=sql-injection
            counts[table] = cr.fetchone()[0]
        return {
            "dbname": cr.dbname,
            "modules": sorted(self.modules()),
            "events": events,
            "recurrences": recurrences,
            "attendees": attendees,
            "users": users,
            "counts": counts,
            "remote": self.ctl.snapshot(),
            "mark": self.ctl.mark(),
            "log": self.log,
        }
