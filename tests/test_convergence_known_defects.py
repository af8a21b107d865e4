# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import (
    ALICE,
    BOB,
    CAROL,
    ERIN,
    GOOGLE,
    MICROSOFT,
    OLGA,
)


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    def test_guest_added_in_outlook_to_an_outside_meeting_joins_its_odoo_event(self):
        # found by a 120-example run of 2026-12-01 (fails on main too;
        # shortened by hand): Olga's Outlook meeting with Carol (both
        # calendars) and Erin reaches Odoo once; Olga then invites Bob, whose
        # Outlook imports it as a second Odoo event: Odoo has it twice, and
        # Bob's and Carol's Outlook lack the meeting as Odoo shows it
        w = self.world
        w.remote_create(
            OLGA, MICROSOFT, [ERIN, CAROL], day=10, hour=16, hours=3, allday=True
        )
        self.settled()
        w.remote_guests(OLGA, MICROSOFT, "M1", BOB, True)
        self.settled()

    def test_guests_added_in_google_while_a_listing_is_under_way_reach_odoo(self):
        # found by a 30-example random run of 2026-12-01 (fails on that day's
        # main too; written out by hand from the run's steps): Alice's Google
        # series, its first occurrence renamed and Carol invited there; Carol's
        # Google listing stops between two steps; meanwhile the series gets a
        # description and Erin in Alice's Google. After settling, Alice's and
        # Carol's Google keep the series with Erin and its description, which
        # Odoo does not show
        w = self.world
        w.remote_create(
            ALICE, GOOGLE, [ALICE, BOB, OLGA], day=0, hour=15, hours=3, series=True
        )
        w.remote_occurrence(ALICE, GOOGLE, "M1", 0, "name")
        w.remote_guests(ALICE, GOOGLE, "M1", CAROL, True)
        w.remote_create(CAROL, MICROSOFT, [], day=11, hour=14, hours=1, series=True)
        w.sync("carol", GOOGLE, "stopped_between_steps")
        w.remote_edit(ALICE, GOOGLE, "M1", "description", 24)
        w.remote_occurrence(CAROL, MICROSOFT, "M2", 0, "name")
        w.remote_occurrence(CAROL, MICROSOFT, "M2", 1, "delete")
        w.remote_guests(ALICE, GOOGLE, "M1", ERIN, True)
        self.settled()
