# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Model-based convergence test of the real sync engine (issue 9).

A hypothesis ``RuleBasedStateMachine`` plays a small company: Odoo users who
invite each other and outside guests, change their meetings in Odoo, in Google
Calendar and in Outlook, answer invitations on either side, while the
providers fail now and then; after each ``settle`` (every account synced until
nothing changes) the calendars must agree with Odoo. Nothing of ours is
mocked: ``account._sync()`` of real ``calendar.sync.account`` records talks
over loopback HTTP to the project's Google and Graph emulators, which deliver
invitations between their own users as the providers do.

The world (:class:`World`):

* Odoo users Alice (Google), Bob (Outlook), Carol (Google **and** Outlook) and
  Dan (no calendar connected), all in Europe/Brussels;
* outside people: Olga (organizes meetings in her own Google calendar and in
  her own Outlook mailbox, invites the users; no Odoo user) and Erin (a plain
  e-mail address that is only ever invited).

Every meeting the machine creates gets a tag (``M1``, ``M2``...) that starts
its title, so each one can be followed through renames on either side; the
machine remembers its real organizer and where it was created.

What "a user sees" means (the invariant checked by :meth:`World.check`),
for each connected calendar (user U, provider P) after a settle:

* every active Odoo event (single event or occurrence) that U organizes is in
  U's P calendar, as U's own meeting: with its attendees when that calendar
  hosts it, without them when U's other calendar hosts it and P holds a
  mirror (README, "Both calendars at once": a meeting reaches a provider once
  per person);
* every active Odoo event U is invited to (U's partner is an attendee) whose
  organizer is someone else is in U's P calendar **when provider P hosts the
  meeting**: its organizer is an Odoo user whose P calendar has it with its
  attendees (P delivers the invitation to U's P calendar; a mirror delivers
  nothing), or it is an outside organizer's meeting that came from P. An
  invitation is never copied by Odoo into a calendar of another provider:
  there it would be a second meeting organized by U;
* when U declined such an invitation, U's calendar may keep or drop its copy;
* events organized by a user without any calendar (Dan) are in no calendar;
* and nothing else is in U's P calendar: each remote item (a single event, an
  occurrence or an exception of a series) is one of the above, exactly once,
  with equal title, all-day flag, start and stop (UTC, or dates for all-day
  events), location, description (as text), attendees (the organizer left
  out) and, for an invitation, U's own answer.

Besides: no iCalUID twice in a calendar, no title and start twice in a
calendar, no meeting twice in Odoo (two active events with the same title and
start), and the last round of the settle did nothing (pulled = pushed =
failed = 0 for every account). A sync never raises, whatever the provider
answers.

Faults (argument ``fault`` of the ``sync`` rule): 429 or 503 with a long
``Retry-After`` on the listing or on the writes (the clients give up at once,
without sleeping), a 200 with an HTML page, an expired sync token (410 on
Google, a refused delta link on Outlook), a listing or a batch of writes
whose answer comes after the client's timeout (the provider did the writes:
``hang`` of the emulators, ``calendar_sync.http_timeout`` of 1 s for that
run), and a run whose commit is lost after its remote writes
(``account._sync()`` inside a savepoint that is rolled back: the emulators
keep what it wrote).

Each example runs in a savepoint of the test's transaction, rolled back at
its end, and both emulators are reset: a fresh world per example.

Every defect the machine found is written out, step by step, as an example
in :class:`TestConvergenceExamples` (named after the rule it proves). A defect
found and not fixed yet is written out the same way in a class of its own,
tagged ``-standard`` (not run by default), and the machine leaves out the
operations that trigger it (:data:`OPEN_DEFECTS`) until it is fixed.

Operations of an organizer in Odoo are done as that user, and only while Odoo
shows them as the organizer (an invitation imported first from a guest's
calendar is the guest's event until the organizer's own calendar syncs).

``CALENDAR_SYNC_CONVERGENCE_EXAMPLES=<n>`` runs n random examples (a long local
run), ``CALENDAR_SYNC_CONVERGENCE_STEPS=<n>`` makes them up to n steps long
(default :data:`CI_STEPS`); without them the CI run is a fixed, derandomized
set of :data:`CI_EXAMPLES` examples.
"""

import functools
import html as html_lib
import logging
import os
import re
import time as clock
from collections import Counter
from contextlib import suppress
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import GoogleEmulatorMixin, GraphEmulatorMixin

_logger = logging.getLogger(__name__)

TZ = "Europe/Brussels"
ZONE = ZoneInfo(TZ)
GOOGLE, MICROSOFT = "google", "microsoft"

ALICE = "alice@example.com"
BOB = "bob@example.com"
CAROL = "carol@example.com"
DAN = "dan@example.com"
OLGA = "olga@outside.example"
ERIN = "erin@outside.example"

#: Odoo users: login, name, e-mail, the providers they connect.
USERS = {
    "alice": ("Alice", ALICE, (GOOGLE,)),
    "bob": ("Bob", BOB, (MICROSOFT,)),
    "carol": ("Carol", CAROL, (GOOGLE, MICROSOFT)),
    "dan": ("Dan", DAN, ()),
}
#: The calendars synced with Odoo: (user, provider).
ACCOUNTS = [
    (login, provider)
    for login, (_n, _e, providers) in USERS.items()
    for provider in providers
]
#: Who may create or change a meeting in a remote calendar: the users in
#: their connected calendars, and Olga in hers.
REMOTE_CALENDARS = [
    *((USERS[u][1], p) for u, p in ACCOUNTS),
    (OLGA, GOOGLE),
    (OLGA, MICROSOFT),
]
GUESTS = (ALICE, BOB, CAROL, DAN, ERIN, OLGA)

#: Faults a sync may meet (see the module docstring).
FAULTS = (
    "none",
    "throttled_listing",
    "throttled_writes",
    "unavailable_listing",
    "unavailable_writes",
    "html_listing",
    "html_writes",
    "timeout_listing",
    "timeout_writes",
    "expired_token",
    "lost_commit",
)
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Proxy error</title></head>"
    "<body><h1>502 Bad Gateway</h1></body></html>"
)

#: Operations (rule names) and faults of the machine that trigger defects the
#: engine still has: the default run leaves them out. Each entry names the
#: written-out test of its defect (module docstring); none is open today.
OPEN_DEFECTS: dict[str, tuple[str, ...]] = {
    # Carol (both calendars) gives her series one more occurrence in Odoo
    # ("All events"): her Outlook run binds an Outlook occurrence id that an
    # occurrence of the series Odoo rewrote still holds (UniqueViolation)
    "change_series_rule_in_odoo": ("test_series_given_one_more_occurrence_in_odoo",),
    # found by the long run: a guest added by an outside organizer to her
    # Google series with an exception: the guest's Google copy lacks the
    # exception that Odoo shows them (the emulator does not add a series'
    # new guest to its exceptions: to check against Google's behaviour)
    "invite_remotely_to_an_outside_series": (
        "test_guest_added_to_an_outside_google_series_with_an_exception",
    ),
}

KINDS = ("timed", "allday", "series")
ODOO_FIELDS = ("name", "location", "description", "time", "allday")
REMOTE_FIELDS = ("name", "location", "description", "time")
OCCURRENCE_CHANGES = ("name", "time", "delete")
#: Changes of a whole series in Odoo ("All events"), or of an occurrence and
#: the following ones ("This and following events").
SERIES_CHANGES = ("name", "time", "rule")
SERIES_SCOPES = ("all_events", "future_events")

#: Seconds of the HTTP timeout in a run that meets a timeout fault.
TIMEOUT = 1

#: Settle rounds at most (every account once a round) before "does not converge".
MAX_ROUNDS = 4
#: CI size of the machine (about five minutes on a 2-CPU machine).
CI_EXAMPLES = 30
CI_STEPS = 12

ANSWERS = {
    # Outlook's answers in the neutral (Odoo, Google) words
    "none": "needsAction",
    "notResponded": "needsAction",
    "organizer": "accepted",
    "tentativelyAccepted": "tentative",
    "accepted": "accepted",
    "declined": "declined",
    "needsAction": "needsAction",
    "tentative": "tentative",
}
GRAPH_ACTIONS = {
    "accepted": "accept",
    "tentative": "tentativelyAccept",
    "declined": "decline",
}


class LostCommit(Exception):
    """Raised inside a savepoint to roll back a finished sync run."""


class ConvergenceFailure(AssertionError):
    """An invariant of the machine does not hold."""


def tag_of(name):
    """The meeting tag a title starts with (``M3`` of ``"M3 r2"``)."""
    return (name or "").split(" ", 1)[0]


def text(value):
    """A description as plain text (tags, entities and spacing left out)."""
    value = re.sub(r"<[^>]+>", " ", str(value or ""))
    return " ".join(html_lib.unescape(value).split())


def utc_naive(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def local_iso(utc):
    """A naive UTC datetime as Brussels wall time (ISO, no offset)."""
    return (
        utc.replace(tzinfo=timezone.utc)
        .astimezone(ZONE)
        .replace(tzinfo=None)
        .isoformat()
    )


def google_time(value):
    if value.get("date"):
        return date.fromisoformat(value["date"])
    moment = datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(value.get("timeZone") or "UTC"))
    return utc_naive(moment)


def graph_time(value, allday):
    moment = datetime.fromisoformat(value["dateTime"][:19])
    if allday:
        return moment.date()
    if value.get("timeZone") not in (None, "UTC"):
        moment = moment.replace(tzinfo=ZoneInfo(value["timeZone"]))
        return utc_naive(moment)
    return moment


class Item:
    """One appointment as a calendar (or Odoo) shows it to one user: what the
    invariant compares. ``answer`` is the user's own answer to an invitation,
    None for the user's own meetings."""

    __slots__ = (
        "allday",
        "answer",
        "description",
        "guests",
        "location",
        "name",
        "start",
        "stop",
    )

    def __init__(self, **values):
        for key in self.__slots__:
            setattr(self, key, values[key])

    def key(self):
        return tuple(getattr(self, key) for key in self.__slots__)

    @staticmethod
    def describe(key):
        item = dict(zip(Item.__slots__, key, strict=True))
        when = f"{item['start']}..{item['stop']}"
        extra = " all day" if item["allday"] else ""
        extra += f" at {item['location']!r}" if item["location"] else ""
        extra += f" ({item['description']!r})" if item["description"] else ""
        if item["guests"]:
            extra += f" with {', '.join(sorted(item['guests']))}"
        extra += f" answered {item['answer']}" if item["answer"] else ""
        return f"{item['name']!r} {when}{extra}"


def step(method):
    """A rule of the machine: marks the example as busy while it runs, so that
    teardown knows whether the last step finished (and checks the world only
    then)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.busy = True
        before = self.world.changes
        method(self, *args, **kwargs)
        if self.world.changes != before:
            self.world.stats[method.__name__] += 1
        self.busy = False

    return wrapper


def operation(method):
    """An operation of the World, counted (the machine's statistics)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.changes += 1
        return method(self, *args, **kwargs)

    return wrapper


def when(kind, defect=None):
    """Precondition: the rule has candidates of ``kind`` (see
    :meth:`Convergence.options`), and is not left out for an open defect."""
    return precondition(
        lambda self: defect not in OPEN_DEFECTS and bool(self.options(kind))
    )


def allowed(pattern, values):
    """``values`` whose operation (``pattern`` formatted with the value) is not
    left out for an open defect."""
    return st.sampled_from([v for v in values if pattern.format(v) not in OPEN_DEFECTS])


class World:
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

    # ---------------------------------------------------------------- odoo
    def odoo_events(self, tag=None):
        """Active Odoo events (of meeting ``tag``), by start."""
        events = (
            self.env["calendar.event"]
            .sudo()
            .search([("user_id", "in", self.user_ids())], order="start, id")
        )
        if tag:
            events = events.filtered(lambda ev: tag_of(ev.name) == tag)
        return events

    def user_ids(self):
        return [u.id for u in self.users.values()]

    def Event(self, email):
        return (
            self.env["calendar.event"]
            .with_user(self.user_of(email))
            .with_context(no_mail_to_attendees=True)
        )

    def slot(self, day, hour, hours, allday):
        """Odoo values of a slot ``day`` days after the base Monday."""
        if allday:
            first = (self.base + timedelta(days=day)).date()
            last = first + timedelta(days=max(hours // 4, 0))
            return {
                "allday": True,
                "start": datetime.combine(first, time(8)),
                "stop": datetime.combine(last, time(18)),
            }
        start = self.base + timedelta(days=day, hours=hour)
        return {"allday": False, "start": start, "stop": start + timedelta(hours=hours)}

    @operation
    def odoo_create(
        self, organizer, guests, day, hour, hours, allday=False, series=False
    ):
        tag = self.new_tag(organizer, "odoo", series)
        partners = self.partner(organizer) | self.env["res.partner"].concat(
            *(self.partner(g) for g in guests)
        )
        values = {
            "name": tag,
            "user_id": self.user_of(organizer).id,
            "partner_ids": [Command.set(partners.ids)],
            **self.slot(day, hour, hours, allday),
        }
        if series:
            local = values["start"].replace(tzinfo=timezone.utc).astimezone(ZONE)
            weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
            values.update(
                recurrency=True,
                rrule_type="weekly",
                interval=1,
                end_type="count",
                count=3,
                event_tz=TZ,
                **{weekday: True},
            )
        self.Event(organizer).create(values)
        return tag

    @operation
    def odoo_edit(self, tag, field, amount=1):
        """The organizer changes a field of a single event in Odoo."""
        [event] = self.odoo_events(tag)
        event = event.with_user(event.user_id).with_context(no_mail_to_attendees=True)
        event.write(self.new_values(event, field, amount))

    def new_values(self, event, field, amount):
        self.count += 1
        if field == "name":
            return {"name": f"{tag_of(event.name)} o{self.count}"}
        if field == "location":
            return {"location": f"Room {self.count}"}
        if field == "description":
            return {"description": f"<p>Notes {self.count}</p>"}
        if field == "time":
            if event.allday:
                shift = timedelta(days=amount)
                return {
                    "start": event.start + shift,
                    "stop": event.stop + shift,
                    "start_date": event.start_date + shift,
                    "stop_date": event.stop_date + shift,
                }
            shift = timedelta(hours=amount)
            return {"start": event.start + shift, "stop": event.stop + shift}
        if field == "allday":
            if event.allday:
                start = datetime.combine(event.start_date, time(8))
                return {
                    "allday": False,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                }
            day = event.start.date()
            return {
                "allday": True,
                "start": datetime.combine(day, time(8)),
                "stop": datetime.combine(day, time(18)),
            }
        raise ValueError(field)

    @operation
    def odoo_delete(self, tag):
        events = self.odoo_events(tag)
        organizer = events[0].user_id
        if self.meetings[tag]["series"]:
            events[0].with_user(organizer).with_context(
                no_mail_to_attendees=True
            ).action_mass_archive("all_events")
        else:
            events.with_user(organizer).unlink()

    @operation
    def odoo_archive(self, tag):
        [event] = self.odoo_events(tag)
        event.with_user(event.user_id).action_archive()
        self.archived.add(tag)

    @operation
    def odoo_unarchive(self, tag):
        events = (
            self.env["calendar.event"]
            .sudo()
            .with_context(active_test=False)
            .search([("active", "=", False), ("user_id", "in", self.user_ids())])
            .filtered(lambda ev: tag_of(ev.name) == tag)
        )
        self.archived.discard(tag)
        events.with_user(events[:1].user_id).action_unarchive()

    @operation
    def odoo_answer(self, email, tag, answer, index=0):
        """``email`` answers in Odoo (on one occurrence of a series)."""
        events = self.odoo_events(tag)
        event = events[min(index, len(events) - 1)]
        user = self.user_of(email)
        attendee = event.attendee_ids.filtered(
            lambda att: att.partner_id == user.partner_id
        )
        attendee = attendee.with_user(user)
        {
            "accepted": attendee.do_accept,
            "declined": attendee.do_decline,
            "tentative": attendee.do_tentative,
        }[answer]()

    @operation
    def odoo_guests(self, tag, email, add):
        """The organizer invites (or un-invites) ``email`` in Odoo."""
        events = self.odoo_events(tag)
        organizer = events[0].user_id
        command = Command.link if add else Command.unlink
        values = {"partner_ids": [command(self.partner(email).id)]}
        if self.meetings[tag]["series"]:
            values["recurrence_update"] = "all_events"
        events[0].with_user(organizer).with_context(no_mail_to_attendees=True).write(
            values
        )

    @operation
    def odoo_series(self, tag, index, change, scope):
        """The organizer changes the series from occurrence ``index`` on
        (``future_events``) or as a whole (``all_events``): its title, its
        time, or its rule (one more occurrence)."""
        events = self.odoo_events(tag).filtered("follow_recurrence")
        if not events:
            return
        if scope == "all_events":
            index = 0
        event = events[min(index, len(events) - 1)]
        event = event.with_user(event.user_id).with_context(no_mail_to_attendees=True)
        if change == "rule":
            recurrence = event.recurrence_id
            values = {"count": recurrence.count + 1, "end_type": "count"}
        else:
            values = self.new_values(event, change, 1)
        values["recurrence_update"] = scope
        event.write(values)

    @operation
    def odoo_occurrence(self, tag, index, change):
        """The organizer changes (or deletes) one occurrence of a series."""
        events = self.odoo_events(tag)
        event = events[min(index, len(events) - 1)]
        event = event.with_user(event.user_id).with_context(no_mail_to_attendees=True)
        if change == "delete":
            event.action_mass_archive("self_only")
            return
        values = self.new_values(event, change, 2)
        values["recurrence_update"] = "self_only"
        event.write(values)

    # ---------------------------------------------------------------- remote
    def google_token(self, email):
        if email not in self.tokens:
            self.tokens[email] = self.google.issue_tokens(email)["access_token"]
        return self.tokens[email]

    def google_instances(self, email):
        """Every appointment of a Google calendar, occurrences expanded (what
        ``events.list?singleEvents=true`` answers)."""
        response = self.google.handle(
            "GET",
            "/calendar/v3/calendars/primary/events?singleEvents=true&maxResults=2500",
            {"authorization": "Bearer " + self.google_token(email)},
            b"",
            False,
        )
        assert response.status == 200, response.body
        return response.body["items"]

    def graph_window(self):
        return (
            (self.base - timedelta(days=60)).replace(tzinfo=timezone.utc),
            (self.base + timedelta(days=400)).replace(tzinfo=timezone.utc),
        )

    def graph_instances(self, email):
        """Every appointment of an Outlook calendar, occurrences expanded."""
        out = []
        for item in self.graph.events(email):
            if item["type"] == "seriesMaster":
                out += self.graph.instances(email, item["id"], *self.graph_window())
            elif item["type"] == "singleInstance":
                out.append(item)
        return [item for item in out if not item.get("isCancelled")]

    def remote_items(self, email, provider):
        """Top-level items (single events and series masters) of a calendar."""
        if provider == GOOGLE:
            return [
                ev for ev in self.google.events(email) if not ev.get("recurringEventId")
            ]
        return [ev for ev in self.graph.events(email) if ev["type"] != "exception"]

    def remote_find(self, email, provider, tag):
        found = [
            ev
            for ev in self.remote_items(email, provider)
            if tag_of(remote_name(ev)) == tag
        ]
        return found[0] if found else None

    @operation
    def remote_create(
        self, email, provider, guests, day, hour, hours, allday=False, series=False
    ):
        tag = self.new_tag(email, provider, series)
        slot = self.slot(day, hour, hours, allday)
        guests = [g for g in guests if g != email]
        if provider == GOOGLE:
            body = {"summary": tag, **google_slot(slot)}
            if guests:
                body["attendees"] = [{"email": email, "responseStatus": "accepted"}] + [
                    {"email": g} for g in guests
                ]
            if series:
                body["recurrence"] = ["RRULE:FREQ=WEEKLY;COUNT=3"]
            self.google.add_event(email, body)
        else:
            body = {"subject": tag, **graph_slot(slot)}
            body["attendees"] = [
                {"emailAddress": {"address": g}, "type": "required"} for g in guests
            ]
            if series:
                start = datetime.fromisoformat(body["start"]["dateTime"])
                body["recurrence"] = {
                    "pattern": {
                        "type": "weekly",
                        "interval": 1,
                        "daysOfWeek": [start.strftime("%A").lower()],
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": start.date().isoformat(),
                        "numberOfOccurrences": 3,
                        "recurrenceTimeZone": TZ,
                    },
                }
            self.graph.add_event(email, body)
        return tag

    @operation
    def remote_edit(self, email, provider, tag, field, amount=1):
        """The organizer changes a field of a meeting in its calendar."""
        item = self.remote_find(email, provider, tag)
        self.count += 1
        if field == "name":
            name = f"{tag} r{self.count}"
            patch = {"summary": name} if provider == GOOGLE else {"subject": name}
        elif field == "location":
            place = f"Hall {self.count}"
            patch = (
                {"location": place}
                if provider == GOOGLE
                else {"location": {"displayName": place}}
            )
        elif field == "description":
            notes = f"Agenda {self.count}"
            patch = (
                {"description": notes}
                if provider == GOOGLE
                else {"body": {"contentType": "html", "content": f"<p>{notes}</p>"}}
            )
        elif field == "time":
            patch = shifted(item, provider, amount)
        else:
            raise ValueError(field)
        if provider == GOOGLE:
            self.google.update_event(email, item["id"], patch)
        else:
            self.graph.update_event(email, item["id"], patch)

    @operation
    def remote_delete(self, email, provider, tag):
        item = self.remote_find(email, provider, tag)
        if provider == GOOGLE:
            self.google.delete_event(email, item["id"])
        else:
            self.graph.delete_event(email, item["id"])

    @operation
    def remote_guests(self, email, provider, tag, guest, add):
        """The organizer invites (or un-invites) ``guest`` in its calendar."""
        item = self.remote_find(email, provider, tag)
        if provider == GOOGLE:
            attendees = [a for a in item.get("attendees") or [] if a["email"] != guest]
            if add:
                if not attendees:
                    attendees = [{"email": email, "responseStatus": "accepted"}]
                attendees.append({"email": guest})
            self.google.update_event(email, item["id"], {"attendees": attendees})
        else:
            attendees = [
                # Outlook keeps the answers of the attendees who stay
                {
                    "emailAddress": a["emailAddress"],
                    "type": a["type"],
                    "status": a["status"],
                }
                for a in item.get("attendees") or []
                if a["emailAddress"]["address"].lower() != guest
            ]
            if add:
                attendees.append(
                    {"emailAddress": {"address": guest}, "type": "required"}
                )
            self.graph.update_event(email, item["id"], {"attendees": attendees})

    @operation
    def remote_answer(self, email, provider, tag, answer):
        """``email`` answers its copy of an invitation in its calendar."""
        item = self.remote_find(email, provider, tag)
        if provider == GOOGLE:
            attendees = [dict(a) for a in item.get("attendees") or []]
            for attendee in attendees:
                attendee.pop("self", None)
                if attendee["email"] == email:
                    attendee["responseStatus"] = answer
            self.google.update_event(email, item["id"], {"attendees": attendees})
        else:
            self.graph.respond(email, item["id"], GRAPH_ACTIONS[answer])

    @operation
    def remote_occurrence(self, email, provider, tag, index, change):
        """The organizer changes (or cancels) one occurrence of a series."""
        if provider == GOOGLE:
            found = [
                i
                for i in self.google_instances(email)
                if tag_of(i.get("summary")) == tag
            ]
        else:
            found = [
                i
                for i in self.graph_instances(email)
                if tag_of(i.get("subject")) == tag
            ]
        if provider == GOOGLE:
            found.sort(
                key=lambda i: (
                    str(google_time(i.get("originalStartTime") or i["start"])),
                    i["id"],
                )
            )
        else:
            found.sort(
                key=lambda i: (
                    i.get("originalStart") or i["start"]["dateTime"],
                    i["id"],
                )
            )
        if not found:
            return
        item = found[min(index, len(found) - 1)]
        self.count += 1
        if change == "delete":
            if provider == GOOGLE:
                self.google.delete_event(email, item["id"])
            else:
                self.graph.delete_event(email, item["id"])
            return
        if change == "name":
            name = f"{tag} x{self.count}"
            patch = {"summary": name} if provider == GOOGLE else {"subject": name}
        else:
            patch = shifted(item, provider, 2)
        if provider == GOOGLE:
            self.google.update_event(email, item["id"], patch)
        else:
            self.graph.update_event(email, item["id"], patch)

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
        elif fault != "none" and fault != "lost_commit":
            kind, where = fault.split("_")
            self.inject(emulator, provider, kind, where)
        params = self.env["ir.config_parameter"].sudo()
        if fault.startswith("timeout"):
            params.set_param("calendar_sync.http_timeout", str(TIMEOUT))
        try:
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

    # ---------------------------------------------------------------- check
    def check(self):
        """The invariant of the module docstring; raises ConvergenceFailure."""
        problems = []
        seen = Counter((ev.name, ev.start) for ev in self.odoo_events())
        problems += [
            f"Odoo has {name!r} at {start} {n} times"
            for (name, start), n in seen.items()
            if n > 1
        ]
        for login, provider in ACCOUNTS:
            user = self.users[login]
            required, optional = self.expected(user, provider)
            instances = (
                self.google_instances(user.email)
                if provider == GOOGLE
                else self.graph_instances(user.email)
            )
            actual = Counter(
                self.remote_item(user, provider, item).key() for item in instances
            )
            where = f"{login}'s {provider} calendar"
            for key in required - actual:
                problems.append(f"{where} lacks {Item.describe(key)}")
            for key in actual - required - optional:
                problems.append(
                    f"{where} has {Item.describe(key)}, which Odoo does not show (so)"
                )
            for key, n in actual.items():
                if n > 1:
                    problems.append(f"{where} has {Item.describe(key)} {n} times")
            uids = Counter(
                (item.get("iCalUID") or item.get("iCalUId"))
                for item in self.remote_items(user.email, provider)
            )
            problems += [
                f"{where} has the iCalUID {uid} {n} times"
                for uid, n in uids.items()
                if n > 1
            ]
            slots = Counter(
                (remote_name(i), remote_start(i, provider)) for i in instances
            )
            problems += [
                f"{where} has {name!r} at {start} {n} times"
                for (name, start), n in slots.items()
                if n > 1
            ]
        if problems:
            raise ConvergenceFailure(
                "\n  ".join(["the calendars disagree with Odoo:", *problems])
            )

    def organizer(self, event):
        meeting = self.meetings.get(tag_of(event.name))
        return meeting["organizer"] if meeting else event.user_id.email

    def expected(self, user, provider):
        """(required, optional) items of ``user``'s ``provider`` calendar."""
        required, optional = Counter(), Counter()
        for event in self.odoo_events():
            organizer = self.organizer(event)
            if organizer == user.email:
                item = self.odoo_item(event, user)
                if self.mirrored(event, user, provider):
                    # one meeting reaches a provider once per person: the
                    # user's other calendar holds their copy, no attendees
                    item.guests = frozenset()
                required[item.key()] += 1
                continue
            if user.partner_id not in event.partner_ids:
                continue
            if not self.hosted(event, provider):
                continue
            item = self.odoo_item(event, user)
            if item.answer == "declined":
                optional[item.key()] += 1
            else:
                required[item.key()] += 1
        return required, optional

    def mirrored(self, event, user, provider):
        """Whether ``user``'s ``provider`` calendar holds ``event`` as a
        mirror of the meeting their other calendar hosts (README: "Both
        calendars at once"); then the other calendar must host it in full."""
        record = event.recurrence_id or event
        bindings = (
            record.sudo().calendar_sync_binding_ids
            | event.sudo().calendar_sync_binding_ids
        )
        if "mirror" not in bindings._fields:
            return False  # an engine without mirrors: every calendar in full
        mine = bindings.filtered(
            lambda b: b.account_id.user_id == user and b.provider == provider
        )
        hosts = bindings.filtered(
            lambda b: (
                b.account_id.user_id == user
                and b.provider != provider
                and b.remote_id
                and not b.mirror
            )
        )
        return bool(mine.filtered("mirror")) and bool(hosts)

    def hosted(self, event, provider):
        """Whether ``provider`` hosts ``event``: its organizer's calendar there
        has it with its attendees (not as a mirror), so the provider delivers
        it to the attendees' calendars of that provider."""
        host = self.login_of(self.organizer(event))
        if host is not None:
            return (host, provider) in self.accounts and not self.mirrored(
                event, self.users[host], provider
            )
        return self.meetings.get(tag_of(event.name), {}).get("origin") == provider

    def odoo_item(self, event, user):
        organizer = self.organizer(event)
        answer = None
        if organizer != user.email:
            mine = event.attendee_ids.filtered(
                lambda att: att.partner_id == user.partner_id
            )
            answer = mine[:1].state or None
        guests = {p.email_normalized for p in event.partner_ids} - {organizer}
        return Item(
            name=event.name,
            allday=event.allday,
            start=event.start_date if event.allday else event.start,
            stop=event.stop_date if event.allday else event.stop,
            location=event.location or "",
            description=text(event.description),
            guests=frozenset(guests),
            answer=answer,
        )

    def remote_item(self, user, provider, item):
        if provider == GOOGLE:
            organizer = (item.get("organizer") or {}).get("email", "").lower()
            attendees = {
                a["email"].lower(): a.get("responseStatus")
                for a in item.get("attendees") or []
            }
            allday = bool(item["start"].get("date"))
            start, stop = google_time(item["start"]), google_time(item["end"])
            location = item.get("location") or ""
            description = item.get("description")
            own = attendees.get(user.email)
        else:
            organizer = item["organizer"]["emailAddress"]["address"].lower()
            attendees = {
                a["emailAddress"]["address"].lower(): a["status"]["response"]
                for a in item.get("attendees") or []
            }
            allday = item["isAllDay"]
            start, stop = (
                graph_time(item["start"], allday),
                graph_time(item["end"], allday),
            )
            location = item["location"].get("displayName") or ""
            description = item["body"]["content"]
            own = item["responseStatus"]["response"]
        if allday:
            stop -= timedelta(days=1)  # exclusive end
        answer = None
        if organizer != user.email:
            answer = ANSWERS.get(own or "needsAction", own)
        return Item(
            name=remote_name(item),
            allday=allday,
            start=start,
            stop=stop,
            location=location,
            description=text(description),
            guests=frozenset(set(attendees) - {organizer}),
            answer=answer,
        )


def remote_name(item):
    return (
        item.get("summary")
        if "summary" in item or "kind" in item
        else item.get("subject")
    )


def remote_start(item, provider):
    if provider == GOOGLE:
        return google_time(item["start"])
    return graph_time(item["start"], item["isAllDay"])


def google_slot(slot):
    if slot["allday"]:
        first = slot["start"].date()
        end = slot["stop"].date() + timedelta(days=1)
        return {"start": {"date": first.isoformat()}, "end": {"date": end.isoformat()}}
    return {
        "start": {"dateTime": local_iso(slot["start"]), "timeZone": TZ},
        "end": {"dateTime": local_iso(slot["stop"]), "timeZone": TZ},
    }


def graph_slot(slot):
    if slot["allday"]:
        first = slot["start"].date()
        end = slot["stop"].date() + timedelta(days=1)
        return {
            "isAllDay": True,
            "start": {"dateTime": f"{first.isoformat()}T00:00:00", "timeZone": TZ},
            "end": {"dateTime": f"{end.isoformat()}T00:00:00", "timeZone": TZ},
        }
    return {
        "isAllDay": False,
        "start": {"dateTime": local_iso(slot["start"]), "timeZone": TZ},
        "end": {"dateTime": local_iso(slot["stop"]), "timeZone": TZ},
    }


def shifted(item, provider, amount):
    """A patch moving ``item`` by ``amount`` hours (days when all-day)."""
    if provider == GOOGLE:
        if item["start"].get("date"):
            return {
                key: {
                    "date": (
                        date.fromisoformat(item[key]["date"]) + timedelta(days=amount)
                    ).isoformat()
                }
                for key in ("start", "end")
            }
        return {
            key: {
                "dateTime": local_iso(google_time(item[key]) + timedelta(hours=amount)),
                "timeZone": TZ,
            }
            for key in ("start", "end")
        }
    allday = item["isAllDay"]
    out = {}
    for key in ("start", "end"):
        value = graph_time(item[key], allday)
        if allday:
            out[key] = {
                "dateTime": f"{(value + timedelta(days=amount)).isoformat()}T00:00:00",
                "timeZone": TZ,
            }
        else:
            out[key] = {
                "dateTime": local_iso(value + timedelta(hours=amount)),
                "timeZone": TZ,
            }
    return out


def allowed_guests(organizer, guests, series=False):
    """``guests`` the machine may invite to ``organizer``'s meeting."""
    return [g for g in guests if g != organizer]


class Convergence(RuleBasedStateMachine):
    """The machine (see the module docstring); :attr:`world` is set by the test."""

    world = None

    def __init__(self):
        super().__init__()
        self.busy = False
        self._options, self._options_at = {}, None
        self.started = clock.monotonic()
        self.savepoint = self.world.env.cr.savepoint()
        self.world.reset()

    def teardown(self):
        try:
            if not self.busy:
                # every example ends settled and checked
                self.world.settle()
                self.world.check()
        finally:
            self.savepoint.close(rollback=True)
            _logger.debug(
                "convergence example done in %.1fs", clock.monotonic() - self.started
            )

    # ------------------------------------------------------------ helpers
    def options(self, kind):
        """The candidates of a rule (sorted), computed once per world state."""
        if self._options_at != self.world.changes:
            self._options, self._options_at = {}, self.world.changes
        if kind not in self._options:
            self._options[kind] = sorted(set(getattr(self, "_" + kind)()))
        return self._options[kind]

    def pick(self, data, kind, label):
        return data.draw(st.sampled_from(self.options(kind)), label=label)

    def _odoo_meetings(self, series=None):
        """Tags of the meetings active in Odoo that an Odoo user organizes
        (and Odoo shows as theirs: an invitation imported from a guest's
        calendar is the guest's until the organizer's own calendar syncs)."""
        world = self.world
        organizers = {}
        for event in world.odoo_events():
            organizers.setdefault(tag_of(event.name), set()).add(event.user_id.email)
        for tag, found in organizers.items():
            meeting = world.meetings.get(tag)
            if (
                meeting
                and world.user_of(meeting["organizer"])
                and found == {meeting["organizer"]}
                and series in (None, meeting["series"])
            ):
                yield tag

    def _odoo_singles(self):
        return self._odoo_meetings(series=False)

    def _odoo_deletable(self, series=None):
        """The meetings the machine may delete or archive in Odoo."""
        return self._odoo_meetings(series=series)

    def _odoo_archivable(self):
        return self._odoo_deletable(series=False)

    def _odoo_series(self):
        return self._odoo_meetings(series=True)

    def _archived(self):
        return list(self.world.archived)

    def _odoo_invitations(self):
        """(tag, e-mail) of the Odoo users invited to someone else's meeting."""
        world = self.world
        for event in world.odoo_events():
            for attendee in event.attendee_ids:
                email = attendee.partner_id.email_normalized
                if not world.user_of(email) or email == world.organizer(event):
                    continue
                yield tag_of(event.name), email

    def _remote_meetings(self, series=None, organized=True):
        """(organizer e-mail, provider, tag) of the meetings their organizer
        holds in a remote calendar (``organized``), or (attendee e-mail,
        provider, tag) of the invitations in the users' calendars."""
        world = self.world
        for email, provider in REMOTE_CALENDARS:
            if not organized and email == OLGA:
                continue
            for item in world.remote_items(email, provider):
                tag = tag_of(remote_name(item))
                meeting = world.meetings.get(tag)
                if not meeting or (series is not None and meeting["series"] != series):
                    continue
                if (meeting["organizer"] == email) != organized:
                    continue
                yield email, provider, tag

    def _remote_singles(self):
        return self._remote_meetings(series=False)

    def _remote_series(self):
        return self._remote_meetings(series=True)

    def _remote_invitations(self):
        return self._remote_meetings(organized=False)

    # ------------------------------------------------------------ odoo
    @rule(
        organizer=st.sampled_from((ALICE, BOB, CAROL, DAN)),
        guests=st.lists(st.sampled_from(GUESTS), max_size=3, unique=True),
        day=st.integers(0, 13),
        hour=st.integers(7, 16),
        hours=st.integers(1, 3),
        kind=allowed("create_{}_in_odoo", KINDS),
    )
    @step
    def create_in_odoo(self, organizer, guests, day, hour, hours, kind):
        self.world.odoo_create(
            organizer,
            allowed_guests(organizer, guests),
            day,
            hour,
            hours,
            kind == "allday",
            kind == "series",
        )

    @when("odoo_singles")
    @rule(
        data=st.data(),
        field=allowed("edit_{}_in_odoo", ODOO_FIELDS),
        amount=st.sampled_from((-1, 1, 2, 24)),
    )
    @step
    def edit_in_odoo(self, data, field, amount):
        self.world.odoo_edit(self.pick(data, "odoo_singles", "meeting"), field, amount)

    @when("odoo_deletable", "delete_in_odoo")
    @rule(data=st.data())
    @step
    def delete_in_odoo(self, data):
        self.world.odoo_delete(self.pick(data, "odoo_deletable", "meeting"))

    @when("odoo_archivable", "archive_in_odoo")
    @rule(data=st.data())
    @step
    def archive_in_odoo(self, data):
        self.world.odoo_archive(self.pick(data, "odoo_archivable", "meeting"))

    @when("archived", "archive_in_odoo")
    @rule(data=st.data())
    @step
    def unarchive_in_odoo(self, data):
        self.world.odoo_unarchive(self.pick(data, "archived", "meeting"))

    @when("odoo_invitations", "answer_in_odoo")
    @rule(
        data=st.data(),
        answer=st.sampled_from(("accepted", "declined", "tentative")),
        index=st.integers(0, 2),
    )
    @step
    def answer_in_odoo(self, data, answer, index):
        tag, email = self.pick(data, "odoo_invitations", "meeting and attendee")
        self.world.odoo_answer(email, tag, answer, index)

    @when("odoo_meetings", "invite_in_odoo")
    @rule(data=st.data(), guest=st.sampled_from(GUESTS))
    @step
    def invite_in_odoo(self, data, guest):
        world = self.world
        tag = self.pick(data, "odoo_meetings", "meeting")
        if allowed_guests(world.meetings[tag]["organizer"], [guest], False):
            events = world.odoo_events(tag)
            add = world.partner(guest) not in events[0].partner_ids
            world.odoo_guests(tag, guest, add)

    @when("odoo_series")
    @rule(
        data=st.data(),
        change=allowed("change_occurrence_{}_in_odoo", OCCURRENCE_CHANGES),
    )
    @step
    def change_occurrence_in_odoo(self, data, change):
        tag = self.pick(data, "odoo_series", "series")
        index = data.draw(st.integers(0, 2), label="occurrence")
        self.world.odoo_occurrence(tag, index, change)

    @when("odoo_series")
    @rule(
        data=st.data(),
        change=allowed("change_series_{}_in_odoo", SERIES_CHANGES),
        scope=allowed("change_{}_in_odoo", SERIES_SCOPES),
    )
    @step
    def change_series_in_odoo(self, data, change, scope):
        tag = self.pick(data, "odoo_series", "series")
        index = data.draw(st.integers(0, 2), label="occurrence")
        self.world.odoo_series(tag, index, change, scope)

    # ------------------------------------------------------------ remote
    @rule(
        calendar=st.sampled_from(REMOTE_CALENDARS),
        guests=st.lists(st.sampled_from(GUESTS), max_size=3, unique=True),
        day=st.integers(0, 13),
        hour=st.integers(7, 16),
        hours=st.integers(1, 3),
        kind=st.sampled_from(KINDS),
    )
    @step
    def create_remotely(self, calendar, guests, day, hour, hours, kind):
        email, provider = calendar
        if f"create_{kind}_in_{provider}" in OPEN_DEFECTS:
            return
        self.world.remote_create(
            email,
            provider,
            allowed_guests(email, guests, kind == "series"),
            day,
            hour,
            hours,
            kind == "allday",
            kind == "series",
        )

    @when("remote_meetings")
    @rule(
        data=st.data(),
        field=st.sampled_from(REMOTE_FIELDS),
        amount=st.sampled_from((-1, 1, 2, 24)),
    )
    @step
    def edit_remotely(self, data, field, amount):
        kind = "remote_singles" if field == "time" else "remote_meetings"
        if not self.options(kind):
            return
        email, provider, tag = self.pick(data, kind, "calendar and meeting")
        if f"edit_{field}_in_{provider}" not in OPEN_DEFECTS:
            self.world.remote_edit(email, provider, tag, field, amount)

    @when("remote_deletable")
    @rule(data=st.data())
    @step
    def delete_remotely(self, data):
        picked = self.pick(data, "remote_deletable", "calendar and meeting")
        self.world.remote_delete(*picked)

    def _remote_deletable(self):
        return self._remote_meetings()

    @when("remote_meetings", "invite_remotely")
    @rule(data=st.data(), guest=st.sampled_from(GUESTS))
    @step
    def invite_remotely(self, data, guest):
        world = self.world
        email, provider, tag = self.pick(
            data, "remote_meetings", "calendar and meeting"
        )
        if not allowed_guests(email, [guest], world.meetings[tag]["series"]):
            return
        if (
            "invite_remotely_to_an_outside_series" in OPEN_DEFECTS
            and email == OLGA
            and world.meetings[tag]["series"]
        ):
            return
        item = world.remote_find(email, provider, tag)
        if provider == GOOGLE:
            invited = {a["email"] for a in item.get("attendees") or []}
        else:
            invited = {
                a["emailAddress"]["address"].lower()
                for a in item.get("attendees") or []
            }
        world.remote_guests(email, provider, tag, guest, guest not in invited)

    @when("remote_invitations")
    @rule(data=st.data(), answer=st.sampled_from(("accepted", "declined", "tentative")))
    @step
    def answer_remotely(self, data, answer):
        picked = self.pick(data, "remote_invitations", "calendar and invitation")
        if f"answer_in_{picked[1]}" not in OPEN_DEFECTS:
            self.world.remote_answer(*picked, answer)

    @when("remote_series")
    @rule(data=st.data(), index=st.integers(0, 2))
    @step
    def change_occurrence_remotely(self, data, index):
        email, provider, tag = self.pick(data, "remote_series", "calendar and series")
        change = data.draw(st.sampled_from(OCCURRENCE_CHANGES), label="change")
        self.world.remote_occurrence(email, provider, tag, index, change)

    # ------------------------------------------------------------ sync
    @rule(account=st.sampled_from(ACCOUNTS), data=st.data())
    @step
    def sync(self, account, data):
        faults = [f for f in FAULTS if not self.left_out(f, account[1])]
        self.world.sync(*account, data.draw(st.sampled_from(faults), label="fault"))

    def left_out(self, fault, provider):
        """Whether OPEN_DEFECTS leaves ``fault`` out of a ``provider`` run now."""
        return fault in OPEN_DEFECTS or f"{fault}_in_{provider}" in OPEN_DEFECTS

    @rule(order=st.permutations(ACCOUNTS))
    @step
    def settle(self, order):
        self.world.settle(order)
        self.world.check()


class ConvergenceCase(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    """Both emulators, the users of the module docstring, and a World."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for login, (name, email, _providers) in USERS.items():
            cls.users[login] = new_test_user(
                cls.env,
                login=f"conv_{login}",
                groups="base.group_user",
                email=email,
                name=name,
                tz=TZ,
            )
        cls.outsiders = {
            email: cls.env["res.partner"].create({"name": name, "email": email})
            for name, email in (("Olga", OLGA), ("Erin", ERIN))
        }
        # a Monday one to three weeks ahead, inside Outlook's sync window
        base = fields.Date.today() + timedelta(days=7)
        base += timedelta(days=(7 - base.weekday()) % 7)
        cls.base = datetime.combine(base, time(0))

    def setUp(self):
        super().setUp()
        self.world = World(self)


# In the default run (CI_EXAMPLES fixed examples); the steps that meet an
# entry of OPEN_DEFECTS are left out until it is fixed. A long run:
# CALENDAR_SYNC_CONVERGENCE_EXAMPLES=... --test-tags calendar_sync_convergence
@tagged("post_install", "-at_install", "calendar_sync", "calendar_sync_convergence")
class TestConvergence(ConvergenceCase):
    """The convergence machine, sized for CI (see the module docstring)."""

    def test_calendars_and_odoo_converge_whatever_users_and_providers_do(self):
        examples = int(os.environ.get("CALENDAR_SYNC_CONVERGENCE_EXAMPLES") or 0)
        steps = int(os.environ.get("CALENDAR_SYNC_CONVERGENCE_STEPS") or 0)
        machine = type("ConvergenceMachine", (Convergence,), {"world": self.world})
        started = clock.monotonic()
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=examples or CI_EXAMPLES,
                    stateful_step_count=steps or CI_STEPS,
                    deadline=None,
                    database=None,
                    # CI: the same examples on every run; a long run: random ones
                    derandomize=not examples,
                    print_blob=True,
                    suppress_health_check=list(HealthCheck),
                ),
            )
        finally:
            _logger.info(
                "convergence machine: %d syncs in %.0fs; steps that did something: %s",
                self.world.syncs,
                clock.monotonic() - started,
                dict(sorted(self.world.stats.items())),
            )


@tagged("post_install", "-at_install", "calendar_sync")
class TestEmulatorInvitations(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    """What the machine relies on in the emulators: invitations between their
    own users, answers reaching the organizer, and the HTML page fault."""

    def graph_meeting(self, **extra):
        return self.graph.add_event(
            BOB,
            {
                "subject": "Review",
                **graph_slot(
                    {
                        "allday": False,
                        "start": datetime(2030, 3, 4, 9),
                        "stop": datetime(2030, 3, 4, 10),
                    }
                ),
                "attendees": [
                    {"emailAddress": {"address": CAROL}, "type": "required"},
                    {"emailAddress": {"address": ERIN}, "type": "required"},
                ],
                **extra,
            },
        )

    def test_outlook_delivers_a_meeting_to_each_attendee_mailbox_with_its_own_id(self):
        self.graph.account(CAROL)
        meeting = self.graph_meeting()
        [copy] = self.graph.events(CAROL)
        self.assertNotEqual(copy["id"], meeting["id"])
        self.assertEqual(copy["iCalUId"], meeting["iCalUId"])
        self.assertFalse(copy["isOrganizer"])
        self.assertEqual(copy["organizer"]["emailAddress"]["address"], BOB)
        self.assertEqual(copy["responseStatus"]["response"], "notResponded")
        self.graph.update_event(BOB, meeting["id"], {"subject": "Review (moved)"})
        self.assertEqual(
            [e["subject"] for e in self.graph.events(CAROL)], ["Review (moved)"]
        )
        self.graph.delete_event(BOB, meeting["id"])
        self.assertEqual(self.graph.events(CAROL), [])

    def test_outlook_delivers_the_cancelled_and_changed_occurrences_of_a_series(self):
        self.graph.account(CAROL)
        master = self.graph_meeting(
            recurrence={
                "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                "range": {
                    "type": "numbered",
                    "startDate": "2030-03-04",
                    "numberOfOccurrences": 3,
                    "recurrenceTimeZone": TZ,
                },
            }
        )
        window = (
            datetime(2030, 3, 1, tzinfo=timezone.utc),
            datetime(2030, 4, 1, tzinfo=timezone.utc),
        )
        first, second, _third = self.graph.instances(BOB, master["id"], *window)
        self.graph.update_event(BOB, second["id"], {"subject": "Review (once)"})
        self.graph.delete_event(BOB, first["id"])
        [copy] = [e for e in self.graph.events(CAROL) if e["type"] == "seriesMaster"]
        self.assertEqual(
            [i["subject"] for i in self.graph.instances(CAROL, copy["id"], *window)],
            ["Review (once)", "Review"],
        )
        # an answer to the series answers its exceptions too
        self.graph.respond(CAROL, copy["id"], "accept")
        self.assertEqual(
            [
                i["responseStatus"]["response"]
                for i in self.graph.instances(CAROL, copy["id"], *window)
            ],
            ["accepted", "accepted"],
        )

    def test_an_outlook_answer_reaches_the_organizer_and_a_removed_guest_loses_it(self):
        self.graph.account(CAROL)
        meeting = self.graph_meeting()
        [copy] = self.graph.events(CAROL)
        self.graph.respond(CAROL, copy["id"], "accept")
        [organizer_copy] = self.graph.events(BOB)
        answers = {
            a["emailAddress"]["address"]: a["status"]["response"]
            for a in organizer_copy["attendees"]
        }
        self.assertEqual(answers[CAROL], "accepted")
        self.graph.update_event(
            BOB,
            meeting["id"],
            {"attendees": [{"emailAddress": {"address": ERIN}, "type": "required"}]},
        )
        self.assertEqual(self.graph.events(CAROL), [])

    def test_google_shows_a_guest_the_organizer_event_under_the_same_id(self):
        self.google.add_account(CAROL)
        event = self.google.add_event(
            ALICE,
            {
                "summary": "Review",
                **google_slot(
                    {
                        "allday": False,
                        "start": datetime(2030, 3, 4, 9),
                        "stop": datetime(2030, 3, 4, 10),
                    }
                ),
                "attendees": [{"email": ALICE}, {"email": CAROL}],
            },
        )
        [copy] = self.google.events(CAROL)
        self.assertEqual(copy["id"], event["id"])

    def test_the_emulators_answer_an_html_page_when_told(self):
        token = self.google.issue_tokens(ALICE)["access_token"]
        self.google.inject(status=200, html=HTML_PAGE, method="GET")
        answer = requests.get(
            self.google.api_root + "calendar/v3/calendars/primary/events",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(answer.text, HTML_PAGE)
        token = self.graph.issue_tokens(BOB)["access_token"]
        self.graph.inject(status=200, html=HTML_PAGE, method="GET")
        answer = requests.get(
            self.graph.base_url + "/v1.0/me/events",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(answer.text, HTML_PAGE)


class WrittenOutCase(ConvergenceCase):
    """An example of the machine written out step by step: one fresh world
    per test; :meth:`settled` settles and checks it."""

    def setUp(self):
        super().setUp()
        self.world.reset()

    def settled(self):
        self.world.settle()
        self.world.check()


@tagged("post_install", "-at_install", "calendar_sync")
class TestConvergenceExamples(WrittenOutCase):
    """Examples of the machine written out, which pass: what it checks, told
    step by step."""

    def test_archiving_and_unarchiving_a_synced_meeting_round_trips(self):
        self.world.odoo_create(ALICE, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.odoo_archive("M1")
        self.settled()
        self.world.odoo_unarchive("M1")
        self.settled()

    def test_google_event_pushed_by_a_run_whose_commit_is_lost(self):
        self.world.odoo_create(ALICE, [], day=8, hour=11, hours=2)
        self.world.sync("alice", GOOGLE, "lost_commit")
        self.settled()

    def test_outlook_series_invitation_seen_first_by_a_guest_with_both(self):
        # Bob's recurring meeting reaches Carol's Outlook; imported from there
        # first, it must not be created in Carol's Google as her own series
        self.world.remote_create(
            BOB, MICROSOFT, [CAROL], day=12, hour=16, hours=2, series=True
        )
        self.world.sync("carol", MICROSOFT)
        self.settled()

    def test_occurrence_cancelled_in_google_reaches_odoo(self):
        self.world.odoo_create(ALICE, [], day=0, hour=13, hours=1, series=True)
        self.settled()
        self.world.remote_occurrence(ALICE, GOOGLE, "M1", 1, "delete")
        self.settled()

    def test_occurrence_cancelled_in_outlook_reaches_odoo(self):
        self.world.odoo_create(BOB, [], day=0, hour=13, hours=1, series=True)
        self.settled()
        self.world.remote_occurrence(BOB, MICROSOFT, "M1", 1, "delete")
        self.settled()

    def test_answer_given_in_odoo_before_the_invitation_reaches_google_is_sent(self):
        self.world.odoo_create(ALICE, [CAROL], day=0, hour=7, hours=1)
        self.world.odoo_answer(CAROL, "M1", "accepted")
        self.world.sync("carol", GOOGLE)
        self.settled()

    # ---------------------------------------------------------------- fixed
    # found by the machine on earlier engines, fixed since: regression tests

    def test_a_200_with_an_html_page_instead_of_the_google_listing_fails_the_run_only(
        self,
    ):
        self.world.sync("alice", GOOGLE)
        self.world.sync("alice", GOOGLE, "html_listing")
        self.settled()

    def test_a_200_with_an_html_page_instead_of_the_outlook_delta_fails_the_run_only(
        self,
    ):
        self.world.sync("bob", MICROSOFT, "html_listing")
        self.settled()

    def test_a_200_with_an_html_page_instead_of_the_google_batch_fails_the_run_only(
        self,
    ):
        self.world.odoo_create(ALICE, [], day=1, hour=9, hours=1)
        self.world.sync("alice", GOOGLE, "html_writes")
        self.settled()

    def test_a_200_with_an_html_page_instead_of_the_outlook_batch_fails_the_run_only(
        self,
    ):
        self.world.odoo_create(BOB, [], day=1, hour=9, hours=1)
        self.world.sync("bob", MICROSOFT, "html_writes")
        self.settled()

    def test_a_google_batch_whose_answer_times_out_creates_each_event_once(self):
        # Google made the events, the answer never reached Odoo
        self.world.odoo_create(ALICE, [CAROL], day=1, hour=9, hours=1)
        self.world.odoo_create(ALICE, [], day=2, hour=9, hours=1, series=True)
        self.world.sync("alice", GOOGLE, "timeout_writes")
        self.assertEqual(self.world.google.hangs.taken, 1)
        self.settled()

    def test_an_outlook_batch_whose_answer_times_out_creates_each_event_once(self):
        self.world.odoo_create(BOB, [CAROL], day=1, hour=9, hours=1)
        self.world.odoo_create(BOB, [], day=2, hour=9, hours=1, series=True)
        self.world.sync("bob", MICROSOFT, "timeout_writes")
        self.assertEqual(self.world.graph.hangs.taken, 1)
        self.settled()

    def test_a_listing_that_times_out_fails_the_run_only(self):
        self.world.remote_create(ALICE, GOOGLE, [BOB], day=1, hour=9, hours=1)
        self.world.remote_create(BOB, MICROSOFT, [ALICE], day=2, hour=9, hours=1)
        self.world.sync("alice", GOOGLE, "timeout_listing")
        self.world.sync("bob", MICROSOFT, "timeout_listing")
        self.assertEqual(
            (self.world.google.hangs.taken, self.world.graph.hangs.taken), (1, 1)
        )
        self.settled()

    def test_deleting_in_odoo_a_series_whose_first_occurrence_was_renamed_remotely(
        self,
    ):
        # found by the one-hour run: Carol's Outlook series with Alice and Bob
        self.world.remote_create(
            CAROL, MICROSOFT, [ALICE, BOB], day=0, hour=11, hours=1, series=True
        )
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "name")
        self.world.remote_answer(BOB, MICROSOFT, "M1", "accepted")
        self.settled()
        self.world.odoo_delete("M1")
        self.settled()

    def test_series_renamed_and_moved_as_a_whole_in_odoo(self):
        self.world.odoo_create(ALICE, [BOB], day=0, hour=9, hours=1, series=True)
        self.world.odoo_create(BOB, [ALICE], day=1, hour=9, hours=1, series=True)
        self.settled()
        self.world.odoo_series("M1", 0, "time", "all_events")
        self.world.odoo_series("M2", 0, "name", "all_events")
        self.settled()

    def test_series_changed_from_its_second_occurrence_on_in_odoo(self):
        # "This and following events": Odoo splits the series in two
        self.world.odoo_create(ALICE, [ERIN], day=0, hour=9, hours=1, series=True)
        self.world.odoo_create(BOB, [ERIN], day=1, hour=9, hours=1, series=True)
        self.settled()
        self.world.odoo_series("M1", 1, "name", "future_events")
        self.world.odoo_series("M2", 1, "time", "future_events")
        self.settled()

    def test_meeting_of_a_user_with_both_calendars_reaches_both_if_a_guest_syncs_first(
        self,
    ):
        # Carol (Google and Outlook) plans a meeting with Bob in Outlook; Bob's
        # Outlook copy is bound to the same Odoo event before Carol's Google
        # runs: the meeting must still reach Carol's Google calendar.
        self.world.remote_create(CAROL, MICROSOFT, [BOB], day=1, hour=9, hours=1)
        self.world.sync("carol", MICROSOFT)
        self.world.sync("bob", MICROSOFT)
        self.settled()

    def test_moving_an_occurrence_alone_after_inviting_a_colleague_keeps_the_series(
        self,
    ):
        self.world.odoo_create(ALICE, [ALICE], day=0, hour=15, hours=3, series=True)
        self.settled()
        self.world.odoo_guests("M1", BOB, True)
        self.settled()
        self.world.sync("alice", GOOGLE)
        self.world.odoo_occurrence("M1", 0, "time")
        self.settled()

    def test_archiving_a_meeting_of_a_user_with_both_calendars_removes_it_from_both(
        self,
    ):
        self.world.remote_create(CAROL, GOOGLE, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.odoo_archive("M1")
        self.settled()

    def test_archiving_an_odoo_meeting_of_a_user_with_both_calendars(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.odoo_archive("M1")
        self.settled()

    def test_deleting_in_odoo_a_meeting_of_a_user_with_both_calendars(self):
        self.world.remote_create(CAROL, GOOGLE, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.odoo_delete("M1")
        self.settled()

    def test_outlook_all_day_event_pushed_by_a_run_whose_commit_is_lost(self):
        self.world.odoo_create(BOB, [], day=8, hour=11, hours=2, allday=True)
        self.world.sync("bob", MICROSOFT, "lost_commit")
        self.settled()

    def test_outlook_event_pushed_by_a_run_whose_commit_is_lost(self):
        self.world.odoo_create(BOB, [], day=8, hour=11, hours=2)
        self.world.sync("bob", MICROSOFT, "lost_commit")
        self.settled()

    def test_google_series_pushed_by_a_run_whose_commit_is_lost(self):
        self.world.odoo_create(ALICE, [], day=8, hour=11, hours=2, series=True)
        self.world.sync("alice", GOOGLE, "lost_commit")
        self.settled()

    def test_remote_delete_in_google_reaches_outlook_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.remote_delete(CAROL, GOOGLE, "M1")
        self.settled()

    def test_remote_delete_in_outlook_reaches_google_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1)
        self.settled()
        self.world.remote_delete(CAROL, MICROSOFT, "M1")
        self.settled()

    def test_occurrence_cancelled_in_google_reaches_outlook_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=13, hours=1, series=True)
        self.settled()
        self.world.remote_occurrence(CAROL, GOOGLE, "M1", 1, "delete")
        self.settled()

    def test_answer_to_an_all_day_invitation_given_in_outlook_before_its_import(self):
        self.world.remote_create(
            OLGA, MICROSOFT, [BOB, ERIN], day=0, hour=10, hours=1, allday=True
        )
        self.world.remote_answer(BOB, MICROSOFT, "M1", "accepted")
        self.settled()

    def test_answer_to_an_all_day_invitation_given_in_google_before_its_import(self):
        self.world.remote_create(
            OLGA, GOOGLE, [ALICE, ERIN], day=0, hour=10, hours=1, allday=True
        )
        self.world.remote_answer(ALICE, GOOGLE, "M1", "accepted")
        self.settled()

    def test_deleting_a_series_in_odoo_deletes_it_in_google(self):
        # the calendar's Delete, "All events": action_mass_archive("all_events")
        self.world.odoo_create(ALICE, [DAN], day=0, hour=9, hours=2, series=True)
        self.settled()
        self.world.odoo_delete("M1")
        self.settled()

    def test_deleting_a_series_in_odoo_deletes_it_in_outlook(self):
        self.world.odoo_create(BOB, [DAN], day=0, hour=9, hours=2, series=True)
        self.settled()
        self.world.odoo_delete("M1")
        self.settled()

    def test_renaming_the_first_occurrence_alone_before_the_first_sync_keeps_the_series(
        self,
    ):
        self.world.odoo_create(ALICE, [], day=0, hour=7, hours=1, series=True)
        self.world.odoo_occurrence("M1", 0, "name")
        self.settled()

    def test_renaming_the_first_occurrence_alone_keeps_the_series_title(self):
        self.world.odoo_create(ALICE, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.odoo_occurrence("M1", 0, "name")
        self.settled()

    def test_outlook_series_renaming_the_first_occurrence_alone_keeps_the_series(self):
        self.world.odoo_create(BOB, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.odoo_occurrence("M1", 0, "name")
        self.settled()

    def test_renaming_the_second_occurrence_alone_before_the_first_sync(self):
        self.world.odoo_create(ALICE, [], day=0, hour=7, hours=1, series=True)
        self.world.odoo_occurrence("M1", 1, "name")
        self.settled()

    def test_guest_added_in_google_whose_calendar_syncs_first_joins_the_meeting(self):
        # Alice invites Carol in Google; Carol's Google runs before Alice's:
        # one meeting in Odoo, not a second one for Carol
        self.world.odoo_create(ALICE, [], day=0, hour=16, hours=2)
        self.settled()
        self.world.remote_guests(ALICE, GOOGLE, "M1", CAROL, add=True)
        self.world.sync("carol", GOOGLE)
        self.settled()

    def test_guest_added_in_outlook_whose_calendar_syncs_first_joins_the_meeting(self):
        self.world.odoo_create(BOB, [], day=0, hour=16, hours=2)
        self.settled()
        self.world.remote_guests(BOB, MICROSOFT, "M1", CAROL, add=True)
        self.world.sync("carol", MICROSOFT)
        self.settled()

    def test_answer_given_in_odoo_before_the_invitation_reaches_outlook_is_sent(self):
        self.world.odoo_create(BOB, [CAROL], day=0, hour=7, hours=1)
        self.world.odoo_answer(CAROL, "M1", "accepted")
        self.settled()

    def test_answer_to_an_occurrence_before_the_series_reaches_google_is_sent(self):
        # Alice accepts one occurrence of Carol's new series in Odoo (README:
        # answering an occurrence answers the series) before her Google has it
        self.world.odoo_create(CAROL, [ALICE], day=0, hour=7, hours=1, series=True)
        self.world.odoo_answer(ALICE, "M1", "accepted", 0)
        self.settled()

    def test_answer_to_an_occurrence_of_a_google_series_before_it_reaches_the_guest(
        self,
    ):
        self.world.odoo_create(ALICE, [CAROL], day=0, hour=7, hours=1, series=True)
        self.world.odoo_answer(CAROL, "M1", "accepted", 0)
        self.settled()

    def test_outlook_series_pushed_by_a_run_whose_commit_is_lost(self):
        self.world.odoo_create(BOB, [], day=8, hour=11, hours=2, series=True)
        self.world.sync("bob", MICROSOFT, "lost_commit")
        self.settled()

    def test_occurrence_moved_before_the_first_sync_reaches_a_guest_of_a_user_with_both(
        self,
    ):
        # Carol (Google and Outlook) moves one occurrence of her new series
        # with Alice before any sync: Alice's Google lacks the moved one
        self.world.odoo_create(CAROL, [ALICE], day=0, hour=7, hours=1, series=True)
        self.world.odoo_occurrence("M1", 1, "time")
        self.settled()

    def test_google_series_invitation_from_outside_stays_out_of_outlook(self):
        self.world.remote_create(
            OLGA, GOOGLE, [CAROL], day=12, hour=16, hours=2, series=True
        )
        self.settled()

    def test_outlook_series_invitation_from_outside_stays_out_of_google(self):
        self.world.remote_create(
            OLGA, MICROSOFT, [CAROL], day=12, hour=16, hours=2, series=True
        )
        self.settled()

    def test_event_deleted_in_google_and_changed_in_odoo_settles_once(self):
        self.world.remote_create(ALICE, GOOGLE, [CAROL], day=0, hour=10, hours=3)
        self.settled()
        self.world.remote_delete(ALICE, GOOGLE, "M1")
        self.world.odoo_guests("M1", OLGA, add=True)
        self.settled()

    def test_series_deleted_in_google_and_changed_in_odoo_settles_once(self):
        # Alice deletes her recurring meeting with Carol in Google while she
        # invites Olga to it in Odoo
        self.world.remote_create(
            ALICE, GOOGLE, [CAROL], day=0, hour=10, hours=3, series=True
        )
        self.settled()
        self.world.remote_delete(ALICE, GOOGLE, "M1")
        self.world.odoo_guests("M1", OLGA, add=True)
        self.settled()

    def test_series_deleted_in_google_reaches_outlook_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.remote_delete(CAROL, GOOGLE, "M1")
        self.settled()

    def test_series_deleted_in_outlook_reaches_google_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.remote_delete(CAROL, MICROSOFT, "M1")
        self.settled()

    def test_occurrence_cancelled_in_outlook_reaches_google_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=13, hours=1, series=True)
        self.settled()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 1, "delete")
        self.settled()

    def test_occurrence_renamed_alone_reaches_a_mirror_without_its_guests(self):
        # Carol's series with outside guests is hosted by her Google; her
        # Outlook mirrors it: the renamed occurrence goes there without guests
        self.world.odoo_create(
            CAROL, [OLGA, ERIN], day=2, hour=16, hours=3, series=True
        )
        self.world.sync("carol", GOOGLE)
        self.settled()
        self.world.odoo_occurrence("M1", 1, "name")
        self.settled()

    def test_first_occurrence_renamed_in_outlook_keeps_the_series_title_in_google(self):
        self.world.remote_create(
            CAROL, MICROSOFT, [], day=0, hour=7, hours=1, series=True
        )
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "name")
        self.settled()

    def test_first_occurrence_renamed_in_google_keeps_the_series_title_in_outlook(self):
        self.world.remote_create(CAROL, GOOGLE, [], day=0, hour=7, hours=1, series=True)
        self.world.remote_occurrence(CAROL, GOOGLE, "M1", 0, "name")
        self.settled()

    def test_first_occurrence_renamed_in_google_after_the_import_keeps_the_title(self):
        self.world.remote_create(
            CAROL, MICROSOFT, [OLGA], day=0, hour=7, hours=1, series=True
        )
        self.settled()
        self.world.remote_occurrence(CAROL, GOOGLE, "M1", 0, "name")
        self.settled()

    def test_first_occurrence_moved_and_series_renamed_in_outlook_reach_google(self):
        self.world.odoo_create(CAROL, [], day=5, hour=12, hours=3, series=True)
        self.settled()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "time")
        self.world.remote_edit(CAROL, MICROSOFT, "M1", "name")
        self.settled()

    def test_series_renamed_in_outlook_after_its_first_occurrence_moved(self):
        self.world.odoo_create(CAROL, [], day=5, hour=12, hours=3, series=True)
        self.settled()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "time")
        self.settled()
        self.world.remote_edit(CAROL, MICROSOFT, "M1", "name")
        self.settled()

    def test_moving_the_first_occurrence_in_odoo_for_a_user_with_both(self):
        self.world.odoo_create(CAROL, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.odoo_occurrence("M1", 0, "time")
        self.settled()

    def test_moving_the_first_occurrence_of_a_google_series_for_a_user_with_both(self):
        self.world.remote_create(CAROL, GOOGLE, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.odoo_occurrence("M1", 0, "time")
        self.settled()

    def test_occurrence_deleted_in_outlook_and_moved_in_google_settles(self):
        self.world.remote_create(
            CAROL, MICROSOFT, [], day=11, hour=8, hours=1, series=True
        )
        self.settled()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 1, "delete")
        self.world.remote_occurrence(CAROL, GOOGLE, "M1", 1, "time")
        self.settled()

    def test_occurrence_deleted_in_odoo_while_her_outlook_changes_the_series(self):
        self.world.remote_create(
            CAROL, GOOGLE, [], day=0, hour=13, hours=1, series=True
        )
        self.settled()
        self.world.remote_guests(CAROL, MICROSOFT, "M1", OLGA, add=True)
        self.world.odoo_occurrence("M1", 1, "delete")
        self.settled()

    def test_guest_invited_in_the_mirror_of_a_user_with_both_reaches_the_meeting(self):
        # Carol's meeting is hosted by her Outlook; her Google shows her own
        # copy without attendees, where she invites Erin
        self.world.remote_create(CAROL, MICROSOFT, [BOB], day=0, hour=7, hours=1)
        self.settled()
        self.world.remote_guests(CAROL, GOOGLE, "M1", ERIN, add=True)
        self.settled()


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def test_series_given_one_more_occurrence_in_odoo(self):
        self.world.odoo_create(ALICE, [], day=0, hour=9, hours=1, series=True)
        self.world.odoo_create(CAROL, [], day=1, hour=9, hours=1, series=True)
        self.settled()
        self.world.odoo_series("M1", 0, "rule", "all_events")
        self.world.odoo_series("M2", 0, "rule", "all_events")
        self.settled()

    def test_guest_added_to_an_outside_google_series_with_an_exception(self):
        # found by the long run (derandomized off): Olga's Google series, its
        # second occurrence renamed, then Alice invited to the series: Odoo
        # shows Alice the renamed occurrence, her Google copy does not have it
        # (does Google add a series' new guest to its exceptions? the emulator
        # does not; to settle against Google's documented behaviour)
        self.world.remote_create(
            OLGA, GOOGLE, [ERIN], day=13, hour=8, hours=3, series=True
        )
        self.world.remote_occurrence(OLGA, GOOGLE, "M1", 1, "name")
        self.world.remote_guests(OLGA, GOOGLE, "M1", ALICE, add=True)
        self.settled()

    def test_series_deleted_in_odoo_while_its_guest_was_removed_in_outlook(self):
        # found by the long run (not left out of the machine: it needs a
        # remote change and an Odoo delete of one series between two syncs):
        # Bob's series with Alice, its first occurrence renamed in Odoo; Bob
        # removes Alice in Outlook while the series is deleted in Odoo. The
        # later change wins (the planner): the series comes back in Odoo, but
        # its renamed first occurrence stays archived while Outlook has it
        self.world.odoo_create(BOB, [ALICE], day=0, hour=7, hours=1, series=True)
        self.world.sync("bob", MICROSOFT)
        self.world.odoo_occurrence("M1", 0, "name")
        self.world.remote_guests(BOB, MICROSOFT, "M1", ALICE, add=False)
        self.world.odoo_delete("M1")
        self.settled()
