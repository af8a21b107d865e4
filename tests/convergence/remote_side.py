# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What people do in Google Calendar and Outlook (the World's remote
operations), and how the machine reads those calendars."""

from datetime import datetime, timedelta, timezone

from .common import (
    GOOGLE,
    GRAPH_ACTIONS,
    TZ,
    USERS,
    google_slot,
    google_time,
    graph_slot,
    operation,
    remote_name,
    shifted,
    tag_of,
)
from .deletes import AT


class RemoteOperations:
    """Operations in the remote calendars, and readers of them."""

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

    def announce_remote(self, email, tag):
        """A change made in a calendar of a user with both calendars travels
        to the other one, which may host the meeting and mail its guests
        (README, *Both calendars at once*); other remote changes were mailed
        by the provider when they were made, and no run mails them again."""
        login = self.login_of(email)
        if login and len(USERS[login][2]) > 1:
            self.announced.add(tag)

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
        self.announce_remote(email, tag)
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
        self.announce_remote(email, tag)
        self.changed_remotely(tag)
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
        self.announce_remote(email, tag)
        self.shrinkable.add(tag)
        self.series_deleted_remotely(tag)
        item = self.remote_find(email, provider, tag)
        if provider == GOOGLE:
            self.google.delete_event(email, item["id"])
        else:
            self.graph.delete_event(email, item["id"])

    def remote_toggle_guest(self, email, provider, tag, guest):
        """The organizer invites ``guest`` in its calendar, or un-invites
        them where they are invited already."""
        item = self.remote_find(email, provider, tag)
        if provider == GOOGLE:
            invited = {a["email"] for a in item.get("attendees") or []}
        else:
            invited = {
                a["emailAddress"]["address"].lower()
                for a in item.get("attendees") or []
            }
        self.remote_guests(email, provider, tag, guest, guest not in invited)

    @operation
    def remote_guests(self, email, provider, tag, guest, add):
        """The organizer invites (or un-invites) ``guest`` in its calendar."""
        self.announce_remote(email, tag)
        self.changed_remotely(tag)
        if not add:
            self.shrinkable.add(tag)
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

    def remote_instance(self, email, provider, tag, index):
        """The occurrence ``index`` (the last one past the end) of series
        ``tag`` in a calendar, by original start; None if it has none."""
        if provider == GOOGLE:
            found = [
                i
                for i in self.google_instances(email)
                if tag_of(i.get("summary")) == tag
            ]
            found.sort(
                key=lambda i: (
                    str(google_time(i.get("originalStartTime") or i["start"])),
                    i["id"],
                )
            )
        else:
            found = [
                i
                for i in self.graph_instances(email)
                if tag_of(i.get("subject")) == tag
            ]
            found.sort(
                key=lambda i: (
                    i.get("originalStart") or i["start"]["dateTime"],
                    i["id"],
                )
            )
        return found[min(index, len(found) - 1)] if found else None

    @operation
    def remote_answer(self, email, provider, tag, answer, index=None):
        """``email`` answers its copy of an invitation in its calendar: the
        whole of it, or (``index``) one occurrence of a series alone."""
        self.announce_remote(email, tag)
        self.changed_remotely(tag)
        if index is None:
            item = self.remote_find(email, provider, tag)
        else:
            item = self.remote_instance(email, provider, tag, index)
            if item is None:
                return
            # deleted in Odoo meanwhile, it may come back (README)
            self.reached(tag, AT, self.remote_starts(item, provider), origin="remote")
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
        self.announce_remote(email, tag)
        item = self.remote_instance(email, provider, tag, index)
        if item is None:
            return
        self.count += 1
        if change == "delete":
            self.shrinkable.add(tag)
            if provider == GOOGLE:
                self.google.delete_event(email, item["id"])
            else:
                self.graph.delete_event(email, item["id"])
            self.deleted_remotely(email, provider, tag, item)
            return
        # deleted in Odoo meanwhile, it may come back (README)
        self.reached(tag, AT, self.remote_starts(item, provider), origin="remote")
        self.changed_remotely(tag)
        if change == "name":
            name = f"{tag} x{self.count}"
            patch = {"summary": name} if provider == GOOGLE else {"subject": name}
        else:
            patch = shifted(item, provider, 2)
        if provider == GOOGLE:
            self.google.update_event(email, item["id"], patch)
        else:
            self.graph.update_event(email, item["id"], patch)
