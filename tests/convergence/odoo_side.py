# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What users do in Odoo (the World's Odoo operations)."""

from collections import Counter
from datetime import datetime, time, timedelta, timezone

from odoo import Command

from .common import (
    TZ,
    ZONE,
    operation,
    tag_of,
)
from .deletes import AT, EVERY, FROM


class OdooOperations:
    """Operations of Odoo users on their meetings in Odoo."""

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

    def odoo_slots(self):
        """How many active Odoo events have each (title, start): the start
        as the calendars show it (the date of an all-day event)."""
        return Counter(
            (ev.name, ev.start_date if ev.allday else ev.start)
            for ev in self.odoo_events()
        )

    def odoo_did(self, tag):
        """An Odoo operation on meeting ``tag`` is done, at once and without
        any sync: the events it left are what the next check compares with
        (an operation that deleted, archived or made a series again removed
        them itself)."""
        if tag in self.alive:
            self.alive[tag] = min(self.alive[tag], len(self.odoo_events(tag)))

    def made_by_odoo(self, before):
        """Remember the slots that the Odoo operation just done, itself and
        without any sync, gave more events than ``before`` (its
        :meth:`odoo_slots`) and more than one: what Odoo does on a user's own
        action, which the calendars then mirror as many times. E.g. the first
        part of a split series given more occurrences and moved onto the
        second part's hour: Odoo 18 regenerates them whatever the other part
        holds (tests/test_convergence_examples_series.py)."""
        for slot, n in self.odoo_slots().items():
            if n > 1 and n > before[slot]:
                self.odoo_made[slot] = max(n, self.odoo_made[slot])

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
        self.announced.add(tag)
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
        self.announced.add(tag)
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
        self.announced.add(tag)
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
        self.announced.add(tag)
        [event] = self.odoo_events(tag)
        event.with_user(event.user_id).action_archive()
        self.archived.add(tag)

    @operation
    def odoo_unarchive(self, tag):
        self.announced.add(tag)
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
        self.announced.add(tag)
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
        self.announced.add(tag)
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
    def odoo_series(self, tag, index, change, scope, by=None):
        """The organizer (or the user of email ``by``) changes the series from
        occurrence ``index`` on (``future_events``) or as a whole
        (``all_events``): its title, its time, or its rule (one more
        occurrence)."""
        self.announced.add(tag)
        events = self.odoo_events(tag).filtered("follow_recurrence")
        if not events:
            return
        if scope == "all_events":
            index = 0
        event = events[min(index, len(events) - 1)]
        user = self.user_of(by) if by else event.user_id
        event = event.with_user(user).with_context(no_mail_to_attendees=True)
        if scope == "future_events":
            # the following events become a series of their own, sent whole
            self.reached(tag, FROM, {self.odoo_start(event)})
        elif change in ("time", "rule"):
            # Odoo makes every occurrence again (and so does Outlook)
            self.reached(tag, EVERY)
        if change == "rule":
            # the count field, also where Odoo ended the part of a split
            # series by a date (and kept its count)
            recurrence = event.recurrence_id
            values = {"count": recurrence.count + 1, "end_type": "count"}
        else:
            values = self.new_values(event, change, 1)
        values["recurrence_update"] = scope
        before = self.odoo_slots()
        event.write(values)
        self.made_by_odoo(before)

    @operation
    def odoo_occurrence(self, tag, index, change):
        """The organizer changes (or deletes) one occurrence of a series."""
        self.announced.add(tag)
        events = self.odoo_events(tag)
        event = events[min(index, len(events) - 1)]
        event = event.with_user(event.user_id).with_context(no_mail_to_attendees=True)
        if change == "delete":
            event.action_mass_archive("self_only")
            self.deleted_in_odoo(tag, event)
            return
        # deleted in a calendar meanwhile, it may come back (README)
        self.reached(tag, AT, {self.odoo_start(event)})
        values = self.new_values(event, change, 2)
        values["recurrence_update"] = "self_only"
        before = self.odoo_slots()
        event.write(values)
        self.made_by_odoo(before)
