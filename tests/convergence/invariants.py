# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What must hold after each settle (the package docstring)."""

from collections import Counter
from datetime import timedelta

from .common import (
    ACCOUNTS,
    ANSWERS,
    GOOGLE,
    ConvergenceFailure,
    Item,
    google_time,
    graph_time,
    remote_name,
    remote_start,
    tag_of,
    text,
)


class Invariants:
    """The invariants of the machine, checked by :meth:`check`."""

    # ---------------------------------------------------------------- check
    def event_rows(self):
        """``{event id: (organizer, partners, values)}`` of every Odoo event,
        archived ones included: what a run may change only for its user."""
        self.env.invalidate_all()
        events = (
            self.env["calendar.event"].sudo().with_context(active_test=False).search([])
        )
        return {
            event.id: (
                event.user_id.id,
                frozenset(event.partner_ids.ids),
                (
                    event.name,
                    event.start,
                    event.stop,
                    event.allday,
                    event.location or "",
                    event.description or "",
                    event.active,
                    event.recurrence_id.id,
                    event.follow_recurrence,
                    frozenset((a.partner_id.id, a.state) for a in event.attendee_ids),
                ),
            )
            for event in events
        }

    def trespassed(self, login, provider, before):
        """The events a run of ``login``'s account changed although that user
        neither organizes nor attends them (before or after the run): a
        user's run changes no other user's events (README, *Shared events*)."""
        user = self.users[login]
        after = self.event_rows()

        def involved(row):
            return row is not None and (
                row[0] == user.id or user.partner_id.id in row[1]
            )

        out = []
        for event_id in set(before) | set(after):
            old, new = before.get(event_id), after.get(event_id)
            if old == new or involved(old) or involved(new):
                continue
            what = "created" if old is None else "deleted" if new is None else "changed"
            name = (new or old)[2][0]
            out.append(f"{login}'s {provider} run {what} {name!r} (event {event_id})")
        return out

    def unannounced_mails(self):
        """Provider mails sent by the runs about meetings no operation since
        the last check announced (README: the provider mails the guests when
        their organizer creates, changes or cancels a meeting in Odoo, or in
        the copy of their other calendar, and the organizer when a user
        answers in Odoo; a first sync, a re-binding, an echo of a remote
        change or a guest's copy mails nobody)."""
        return [
            f"{login}'s {provider} run made {provider} mail {mail['action']} "
            f"about {mail['subject']!r} to {', '.join(mail['recipients'])}, "
            "which no operation announced"
            for login, provider, mail in self.mails
            if tag_of(mail["subject"]) not in self.announced
        ]

    def check(self):
        """The invariant of tests/convergence/__init__; raises ConvergenceFailure."""
        problems = []
        seen = self.odoo_slots()
        # the duplicates Odoo itself made on a user's action, while Odoo
        # still has them (OdooOperations.made_by_odoo): each calendar too
        self.odoo_made = Counter(
            {slot: min(n, seen[slot]) for slot, n in self.odoo_made.items()}
        )
        own = self.odoo_made
        problems += [
            f"Odoo has {name!r} at {start} {n} times"
            for (name, start), n in seen.items()
            if n > max(1, own[name, start])
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
                item = dict(zip(Item.__slots__, key, strict=True))
                if n > max(1, own[item["name"], item["start"]]):
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
                if n > max(1, own[name, start])
            ]
        problems += self.trespasses + self.unannounced_mails() + self.lost()
        problems += self.restored()
        self.trespasses, self.mails, self.announced = [], [], set()
        if problems:
            raise ConvergenceFailure(
                "\n  ".join(["the calendars disagree with Odoo:", *problems])
            )

    def lost(self):
        """Meetings (or occurrences of a series) gone from Odoo that no
        operation since the last check removed: an Odoo operation's own
        removals are counted when it is done (``odoo_did``); a remote delete
        (of the meeting or an occurrence) or un-invitation lets the meeting
        shrink. A loss every calendar agrees on, which the comparison with
        Odoo cannot see (finding AH)."""
        alive = Counter(tag_of(event.name) for event in self.odoo_events())
        out = [
            f"Odoo lost {n - alive[tag]} of the {n} events of {tag!r}, "
            "which no operation deleted"
            for tag, n in self.alive.items()
            if tag not in self.shrinkable and alive[tag] < n
        ]
        self.alive, self.shrinkable = alive, set()
        return out

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
