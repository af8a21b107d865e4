# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A deleted occurrence stays deleted (the package docstring): what the World
remembers of the occurrences deleted in Odoo or in a calendar, and of the
operations that may bring one back (README, *Recurring events*)."""

from datetime import date, datetime

from .common import GOOGLE, google_time, graph_time, remote_start

# what an operation may bring back (a "reach"): every occurrence of the series
# (EVERY), those from a start on (FROM, a "this and following" change in
# Odoo), those at some starts (AT, a change of the occurrence itself), every
# one if Odoo deleted the whole series (WHOLE, a change in the calendar)
EVERY, FROM, AT, WHOLE = "every", "from", "at", "whole"


class Deletes:
    """The deleted occurrences the World remembers, and the reaches of the
    operations done since the last check (:meth:`restored`)."""

    def forget_deletes(self):
        self.deleted = []  # {"tag", "starts", "by"} of each deleted occurrence
        self.reaches = {}  # tag -> [(kind, starts, origin)] since the last check
        self.emptied = set()  # series Odoo left without events since the check
        self.odoo_changed = set()  # series Odoo changed since the check
        self.gone_remotely = set()  # series a calendar deleted since the check
        self.deleted_since = []  # the deletes of self.deleted since the check

    # ------------------------------------------------------------- deletes
    def deleted_in_odoo(self, tag, event):
        """An Odoo user deleted ``event``, an occurrence of ``tag``: it stays
        deleted unless a change made in a calendar since the last check (the
        change wins) or an operation after it reaches it."""
        remote = [r for r in self.reaches.get(tag, ()) if r[2] != "odoo"]
        self._deleted(tag, {self.odoo_start(event)}, "deleted in Odoo", remote)

    def deleted_remotely(self, email, provider, tag, item):
        """The organizer deleted the occurrence ``item`` in their calendar:
        it stays deleted unless an operation since the last check (in Odoo,
        not synced yet, or in the user's other calendar) or after it reaches
        it."""
        by = f"deleted in {email}'s {provider} calendar"
        starts = self.remote_starts(item, provider)
        self._deleted(tag, starts, by, self.reaches.get(tag, ()), remote=True)

    def _deleted(self, tag, starts, by, reaches, remote=False):
        if any(self._reaches(reach, starts) for reach in reaches):
            return
        delete = {"tag": tag, "starts": frozenset(starts), "by": by, "remote": remote}
        self.deleted.append(delete)
        self.deleted_since.append(delete)

    def series_deleted_remotely(self, tag):
        """The organizer deleted the whole series ``tag`` in a calendar: if
        Odoo changed it since the last check, Odoo's change wins and the
        series comes back whole as Odoo has it, with the occurrences deleted
        alone in a calendar since (README, *Recurring events*: the calendars
        do not say which occurrences of a deleted series went before it)."""
        if self.meetings[tag]["series"]:
            self.gone_remotely.add(tag)

    @classmethod
    def remote_starts(cls, item, provider):
        """The starts a remote occurrence is known by: where it is, and where
        its series put it (its original start)."""
        starts = {remote_start(item, provider), cls.original_start(item, provider)}
        return starts - {None}

    @staticmethod
    def original_start(item, provider):
        if provider == GOOGLE:
            original = item.get("originalStartTime")
            return google_time(original) if original else None
        original = item.get("originalStart")
        if not original:
            return None
        if item["isAllDay"]:
            return date.fromisoformat(original[:10])
        return graph_time({"dateTime": original[:19], "timeZone": "UTC"}, False)

    @staticmethod
    def odoo_start(event):
        """An Odoo event's start as the calendars show it."""
        return event.start_date if event.allday else event.start

    def odoo_starts(self, tag):
        """The starts of ``tag``'s active Odoo events."""
        return {self.odoo_start(ev) for ev in self.odoo_events(tag)}

    # ------------------------------------------------------------- reaches
    def reached(self, tag, kind, starts=(), origin="odoo"):
        """An operation on ``tag`` may bring back the deleted occurrences of
        its reach: they are forgotten, and the occurrences deleted later
        before the next check are not remembered when it reaches them (the
        operation may not be synced yet)."""
        reach = (kind, frozenset(starts), origin)
        self.reaches.setdefault(tag, []).append(reach)
        self.deleted = [
            d
            for d in self.deleted
            if d["tag"] != tag or not self._reaches(reach, d["starts"])
        ]

    @staticmethod
    def _reaches(reach, starts):
        kind, at, _origin = reach
        if kind == WHOLE:
            return False  # when the check finds the series emptied
        if kind == EVERY:
            return True
        if kind == AT:
            return bool(at & starts)
        [first] = at
        return any(_moment(start) >= _moment(first) for start in starts)

    def odoo_slots_of(self, tag):
        """The starts of ``tag``'s active Odoo events, when an occurrence of
        it is remembered as deleted (else None: not worth a query)."""
        if not any(d["tag"] == tag for d in self.deleted):
            return None
        return self.odoo_starts(tag)

    def odoo_restored(self, tag, before):
        """An Odoo operation on ``tag`` is done (``before``: the starts of its
        events before, :meth:`odoo_slots_of`): the deleted occurrences it made
        again itself (Odoo's own doing, e.g. a series made again when its
        times or rule change) are forgotten; a series left without events is
        noted (a change in the calendar brings it back whole)."""
        if before is None and not self.meetings[tag]["series"]:
            return
        slots = self.odoo_starts(tag)
        if slots and self.meetings[tag]["series"]:
            self.odoo_changed.add(tag)
        if not slots and self.meetings[tag]["series"]:
            self.emptied.add(tag)
        if before is not None and slots - before:
            self.reached(tag, AT, slots - before)

    def changed_remotely(self, tag):
        """A change of series ``tag`` in a calendar: where Odoo deleted the
        whole series (every occurrence, or at once) since the last check, it
        brings it back whole, as the calendar has it (README, *Conflicts*)."""
        if self.meetings[tag]["series"]:
            self.reached(tag, WHOLE, origin="remote")

    # --------------------------------------------------------------- check
    def restored(self):
        """The deleted occurrences Odoo has again although no operation since
        reached them: a delete undone on every side, which the comparison with
        Odoo cannot see (AQ's Outlook twin). Forgets the reaches."""
        out = []
        for tag, reaches in self.reaches.items():
            if tag in self.emptied and any(r[0] == WHOLE for r in reaches):
                self.deleted = [d for d in self.deleted if d["tag"] != tag]
        for tag in self.odoo_changed & self.gone_remotely:
            self.deleted = [
                d
                for d in self.deleted
                if d["tag"] != tag
                or not d["remote"]
                or not any(d is since for since in self.deleted_since)
            ]
        for tag in {d["tag"] for d in self.deleted}:
            slots = self.odoo_starts(tag)
            out += [
                f"Odoo has {tag!r} at {start} again, {d['by']} and brought "
                "back by no operation since"
                for d in self.deleted
                if d["tag"] == tag
                for start in sorted(d["starts"] & slots, key=_moment)
            ]
        self.reaches, self.emptied = {}, set()
        self.odoo_changed, self.gone_remotely, self.deleted_since = set(), set(), []
        return out


def _moment(start):
    """A start (a date for an all-day event) as a datetime, to compare."""
    if isinstance(start, datetime):
        return start
    return datetime.combine(start, datetime.min.time())
