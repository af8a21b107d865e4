# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The database the upgrade starts from: synced with calendar_sync 18.0.1.

Run inside ``odoo-bin shell`` on a database where the previous version is
installed (``main(env, control_url, out_path)``, see ``run-tests``). Users:
Alice (Google), Bob (Outlook), Carol (both). Made in Odoo and remotely, synced
by the old engine until nothing moves: single events, weekly series with an
edited occurrence (both sides), an event with an outside guest, an invitation
from Alice to Carol (one Google event in both calendars), outside invitations
(guest copies), an event left out by the first-sync choice, an event Carol's
two calendars share. Then, not synced: an edit in Odoo on each provider and
answers given in Odoo (pending). The old sync columns, the counts and the
emulators' state go to ``out_path`` (JSON) for :mod:`upgraded_checks`.
"""

import json
import logging
from datetime import datetime, timedelta

import pytz
from emulator_host import Control

from odoo import Command, fields

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
ERIN, DAVE = "erin@outside.example", "dave@outside.example"
TZ = "Europe/Brussels"

_logger = logging.getLogger(__name__)
PROVIDERS = ("google", "microsoft")
EVENT_COLUMNS = (
    "id",
    "guest_copy",
    "need_sync",
    "etag",
    "original_start",
    "sync_error",
    "series_id",
    "series_etag",
)


def main(env, control_url, out_path):
    scenario = OldScenario(env, Control(control_url))
    scenario.run()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(scenario.record(), out, indent=1, default=str, sort_keys=True)


def utc(local):
    """Naive UTC (Odoo's) of a naive Brussels wall time."""
    zone = pytz.timezone(TZ)
    return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def remote_times(local, hours=1.0):
    """Google's and Graph's ``start``/``end`` of a naive Brussels wall time."""
    end = local + timedelta(hours=hours)
    return {
        "start": {"dateTime": local.isoformat(), "timeZone": TZ},
        "end": {"dateTime": end.isoformat(), "timeZone": TZ},
    }


def graph_weekly(first, count):
    """Graph's ``recurrence`` of ``count`` weeks on the weekday of ``first``."""
    return {
        "pattern": {
            "type": "weekly",
            "interval": 1,
            "daysOfWeek": [first.strftime("%A").lower()],
            "firstDayOfWeek": "sunday",
        },
        "range": {
            "type": "numbered",
            "startDate": first.date().isoformat(),
            "numberOfOccurrences": count,
            "recurrenceTimeZone": TZ,
        },
    }


class OldScenario:
    def __init__(self, env, ctl):
        self.env = env
        self.ctl = ctl
        self.Event = env["calendar.event"]
        self.Account = env["calendar.sync.account"].sudo()
        self.log = []
        self.pending = []  # writes the upgraded sync must send: what and where
        # a Monday two weeks or more from now, 10:00 in Brussels (inside
        # Graph's window); every time below is a Brussels wall time
        start = datetime.combine(
            fields.Date.today() + timedelta(days=14), datetime.min.time()
        ) + timedelta(hours=10)
        while start.weekday() != 0:
            start += timedelta(days=1)
        self.monday = start

    # ------------------------------------------------------------ helpers
    def say(self, message):
        self.log.append(message)
        _logger.info("previous version: %s", message)

    def user(self, login, name, email):
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "name": name,
                    "email": email,
                    "tz": TZ,
                    "groups_id": [Command.set([self.env.ref("base.group_user").id])],
                }
            )
        )

    def connect(self, user, provider):
        """A connected account, as the OAuth callback would leave it."""
        if provider == "google":
            tokens = self.ctl.google_tokens(user.email)
            extra = {}
        else:
            tokens = self.ctl.graph_tokens(user.email)
            extra = {
                "token_expiry": fields.Datetime.now()
                + timedelta(seconds=tokens["lifetime"])
            }
        account = self.Account._get_for_user(user, provider)
        account.write(
            {
                "email": user.email,
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
                "sync_token": False,
                "state": "connected",
                **extra,
            }
        )
        return account

    def event(self, user, name, local, hours=1, partners=(), **values):
        vals = {
            "name": name,
            "start": utc(local),
            "stop": utc(local + timedelta(hours=hours)),
            "user_id": user.id,
            "partner_ids": [
                Command.set((user.partner_id | self.partners(partners)).ids)
            ],
        }
        vals.update(values)
        return self.Event.with_user(user).create(vals)

    def series(self, user, name, local, count, partners=(), **values):
        return self.event(
            user,
            name,
            local,
            partners=partners,
            recurrency=True,
            rrule_type="weekly",
            interval=1,
            end_type="count",
            count=count,
            event_tz=TZ,
            **{local.strftime("%a").lower()[:3]: True},
            **values,
        )

    def partners(self, emails):
        Partner = self.env["res.partner"]
        found = Partner
        for email in emails:
            partner = Partner.search([("email", "=", email)], limit=1)
            found |= partner or Partner.create({"name": email, "email": email})
        return found

    def sync(self, account):
        counters = account._sync()
        # each sync is a transaction of its own, as the cron runs it, and the
        # database must keep them for the upgrade
        self.env.cr.commit()  # pylint: disable=invalid-commit
        if account.state != "connected" or account.last_error:
            raise RuntimeError(
                f"old sync of {account.email} ({account.provider}): "
                f"{account.state} {account.last_error}"
            )
        return counters or {}

    def settle(self, rounds=6):
        """Sync every account until a whole round moves nothing."""
        for number in range(1, rounds + 1):
            moved = {}
            for account in self.accounts:
                counters = self.sync(account)
                if any(counters.get(k) for k in ("pulled", "pushed", "failed")):
                    moved[f"{account.email}/{account.provider}"] = counters
            if not moved:
                self.say(f"settled after {number} round(s)")
                return
            self.say(f"round {number}: {moved}")
        raise RuntimeError(f"the old version did not settle in {rounds} rounds")

    # ------------------------------------------------------------ scenario
    def run(self):
        env = self.env
        self.mark = self.ctl.mark()
        params = env["ir.config_parameter"].sudo()
        for key, value in self.ctl.odoo_params().items():
            params.set_param(key, value)
        self.alice = self.user("mig_alice", "Alice", ALICE)
        self.bob = self.user("mig_bob", "Bob", BOB)
        self.carol = self.user("mig_carol", "Carol", CAROL)
        monday, day = self.monday, timedelta(days=1)
        # before any account: a past event the first-sync choice ("future")
        # leaves out of Google
        self.event(self.alice, "Alice: last month's review", monday - 40 * day)
        self.accounts = [
            self.connect(self.alice, "google"),
            self.connect(self.carol, "google"),
            self.connect(self.carol, "microsoft"),
            self.connect(self.bob, "microsoft"),
        ]
        # ---- made in Odoo
        self.event(self.alice, "Alice: planning", monday, partners=[DAVE])
        alice_series = self.series(
            self.alice, "Alice: weekly 1:1", monday + day, 5, partners=[CAROL]
        )
        self.event(self.alice, "Alice meets Carol", monday + 2 * day, partners=[CAROL])
        self.event(self.bob, "Bob: budget", monday, partners=[DAVE])
        bob_series = self.series(self.bob, "Bob: weekly report", monday + day, 4)
        self.event(self.carol, "Carol: workshop", monday + 3 * day)
        self.series(self.carol, "Carol: retro", monday + 4 * day, 3)
        env.cr.commit()  # pylint: disable=invalid-commit
        # ---- made remotely
        ctl = self.ctl
        ctl.google_add(
            ALICE, {"summary": "Alice: dentist", **remote_times(monday + 3 * day)}
        )
        google_series = ctl.google_add(
            ALICE,
            {
                "summary": "Alice: standup",
                **remote_times(monday + day + timedelta(hours=1), 0.25),
                "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4"],
            },
        )
        ctl.google_add(
            ERIN,
            {
                "summary": "Erin's webinar",
                **remote_times(monday + 4 * day),
                "attendees": [{"email": ERIN}, {"email": ALICE}],
            },
        )
        ctl.graph_add(BOB, {"subject": "Bob: lunch", **remote_times(monday + 3 * day)})
        graph_series = ctl.graph_add(
            BOB,
            {
                "subject": "Bob: standup",
                **remote_times(monday + timedelta(hours=1), 0.25),
                "recurrence": graph_weekly(monday, 4),
            },
        )
        ctl.graph_add(
            BOB,
            {
                "subject": "Dave's demo",
                **remote_times(monday + 4 * day),
                "attendees": [
                    {"emailAddress": {"address": BOB}, "type": "required"},
                ],
            },
            DAVE,
        )
        ctl.graph_add(
            CAROL, {"subject": "Carol: offsite", **remote_times(monday + 2 * day)}
        )
        # a series Alice organizes from an Outlook Odoo does not sync: Bob's
        # sync imports it, and it is Alice's in Odoo
        ctl.graph_add(
            BOB,
            {
                "subject": "Alice's office hours",
                **remote_times(monday + 2 * day + timedelta(hours=6)),
                "attendees": [{"emailAddress": {"address": BOB}, "type": "required"}],
                "recurrence": graph_weekly(monday + 2 * day, 3),
            },
            ALICE,
        )
        self.settle()
        # ---- occurrences edited alone, on both sides
        self.move_alone(alice_series, 2, "Alice: 1:1 (moved)", hours=3)
        self.move_alone(bob_series, 1, "Bob: report (special)", hours=2)
        original = utc(monday + 2 * 7 * day + day + timedelta(hours=1))
        instance = f"{google_series['id']}_" + original.strftime("%Y%m%dT%H%M%SZ")
        moved = monday + 2 * 7 * day + 2 * day + timedelta(hours=2)
        ctl.google_update(ALICE, instance, remote_times(moved, 0.25))
        instances = ctl.graph_instances(BOB, graph_series["id"])
        instances.sort(key=lambda item: item["start"]["dateTime"])
        graph_second = instances[1]
        ctl.graph_update(
            BOB,
            graph_second["id"],
            remote_times(monday + 7 * day + day + timedelta(hours=4), 0.25),
        )
        env.cr.commit()  # pylint: disable=invalid-commit
        self.settle()
        self.leave_pending()
        env.cr.commit()  # pylint: disable=invalid-commit

    @staticmethod
    def move_alone(base, index, name, hours):
        """Rename and move occurrence ``index`` of ``base``'s series alone."""
        event = base.recurrence_id.calendar_event_ids.sorted("start")[index]
        event.with_user(event.user_id).write(
            {
                "name": name,
                "start": event.start + timedelta(hours=hours),
                "stop": event.stop + timedelta(hours=hours),
                "recurrence_update": "self_only",
            }
        )

    def leave_pending(self):
        """What the upgrade finds unsent: edits made in Odoo, and answers."""

        def named(name):
            return self.Event.search([("name", "=", name)], order="id", limit=1)

        dentist = named("Alice: dentist")
        dentist.with_user(self.alice).write({"location": "Dental clinic, 2nd floor"})
        self.pending.append(("google", ALICE, dentist.google_id, "edit"))
        lunch = named("Bob: lunch")
        lunch.with_user(self.bob).write({"location": "Canteen"})
        self.pending.append(("microsoft", BOB, lunch.microsoft_id, "edit"))
        webinar = named("Erin's webinar")
        self.own(webinar, self.alice).with_user(self.alice).do_accept()
        self.pending.append(("google", ALICE, webinar.google_id, "answer accepted"))
        meeting = named("Alice meets Carol")
        self.own(meeting, self.carol).with_user(self.carol).do_tentative()
        self.pending.append(("google", CAROL, meeting.google_id, "answer tentative"))
        demo = named("Dave's demo")
        self.own(demo, self.bob).with_user(self.bob).do_decline()
        self.pending.append(("microsoft", BOB, demo.microsoft_id, "answer declined"))
        # answers to a whole series, given on one occurrence
        one_on_one = named("Alice: weekly 1:1")
        self.own(one_on_one, self.carol).with_user(self.carol).do_decline()
        series_id = one_on_one.recurrence_id.google_id
        self.pending.append(("google", CAROL, series_id, "answer declined"))
        hours = named("Alice's office hours")
        self.own(hours, self.bob).with_user(self.bob).do_tentative()
        series_id = hours.recurrence_id.microsoft_id
        self.pending.append(("microsoft", BOB, series_id, "answer tentative"))

    @staticmethod
    def own(event, user):
        return event.attendee_ids.filtered(lambda a: a.partner_id == user.partner_id)

    # ------------------------------------------------------------ record
    def record(self):
        cr = self.env.cr
        columns = ", ".join(f"e.{p}_{c}" for p in PROVIDERS for c in EVENT_COLUMNS)
        # column names from the constants above, no input
        cr.execute(  # pylint: disable=sql-injection
            f"SELECT e.id, e.name, e.user_id, e.active, e.recurrence_id, "
            f"e.follow_recurrence, {columns} FROM calendar_event e ORDER BY e.id"
        )
        events = _rows(cr)
        cr.execute(
            "SELECT r.id, r.base_event_id, r.google_id, r.google_etag, "
            "r.google_need_sync, r.microsoft_id, r.microsoft_etag, "
            "r.microsoft_need_sync FROM calendar_recurrence r ORDER BY r.id"
        )
        recurrences = _rows(cr)
        cr.execute(
            "SELECT a.id, a.event_id, a.partner_id, a.state, "
            "a.google_answer_pending, a.microsoft_answer_pending "
            "FROM calendar_attendee a ORDER BY a.id"
        )
        attendees = _rows(cr)
        cr.execute(
            "SELECT a.id, a.user_id, a.provider, a.email, a.answers_pending, "
            "a.sync_token IS NOT NULL AS has_token, u.partner_id "
            "FROM calendar_sync_account a JOIN res_users u ON u.id = a.user_id "
            "ORDER BY a.id"
        )
        accounts = _rows(cr)
        counts = {}
        for table in ("calendar_event", "calendar_recurrence", "mail_mail"):
            cr.execute(f"SELECT count(*) FROM {table}")  # pylint: disable=sql-injection
            counts[table] = cr.fetchone()[0]
        return {
            "events": events,
            "recurrences": recurrences,
            "attendees": attendees,
            "accounts": accounts,
            "counts": counts,
            "pending": self.pending,
            # what the previous version wrote: proves the write log is read
            "writes": self.ctl.writes(self.mark),
            "remote": self.ctl.snapshot(),
            "log": self.log,
        }


def _rows(cr):
    return cr.dictfetchall()
