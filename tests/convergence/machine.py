# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The hypothesis state machine (the package docstring)."""

import functools
import logging
import time as clock

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
)

from .common import (
    ACCOUNTS,
    ALICE,
    BOB,
    CAROL,
    DAN,
    FAULTS,
    GUESTS,
    KINDS,
    OCCURRENCE_CHANGES,
    ODOO_FIELDS,
    OLGA,
    OPEN_DEFECTS,
    REMOTE_CALENDARS,
    REMOTE_FIELDS,
    SERIES_CHANGES,
    SERIES_SCOPES,
    allowed_guests,
    remote_name,
    tag_of,
)

_logger = logging.getLogger(__name__)


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


class Convergence(RuleBasedStateMachine):
    """The machine (tests/convergence/__init__); :attr:`world` is set by the test."""

    world = None

    def __init__(self):
        super().__init__()
        self.busy = False
        self._options, self._options_at = {}, None
        self.started = clock.monotonic()
        self.savepoint = self.world.env.cr.savepoint()
        self.world.reset()

    @initialize(odoo_clock=st.sampled_from(("behind", "in_step")))
    def set_odoo_clock(self, odoo_clock):
        """Odoo's clock behind the providers' (it stands still: every remote
        change is the later one), or in step with them (Odoo's change made
        after a remote one is the later one)."""
        self.world.ticking = odoo_clock == "in_step"

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

    def _remote_series_invitations(self):
        return self._remote_meetings(series=True, organized=False)

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
        world.remote_toggle_guest(email, provider, tag, guest)

    @when("remote_invitations")
    @rule(data=st.data(), answer=st.sampled_from(("accepted", "declined", "tentative")))
    @step
    def answer_remotely(self, data, answer):
        picked = self.pick(data, "remote_invitations", "calendar and invitation")
        if f"answer_in_{picked[1]}" not in OPEN_DEFECTS:
            self.world.remote_answer(*picked, answer)

    @when("remote_series_invitations")
    @rule(
        data=st.data(),
        answer=st.sampled_from(("accepted", "declined", "tentative")),
        index=st.integers(0, 2),
    )
    @step
    def answer_occurrence_remotely(self, data, answer, index):
        picked = self.pick(data, "remote_series_invitations", "calendar and series")
        if f"answer_occurrence_in_{picked[1]}" not in OPEN_DEFECTS:
            self.world.remote_answer(*picked, answer, index)

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
