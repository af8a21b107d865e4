# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import BOB, CAROL, DAN, GOOGLE, MICROSOFT


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples)

    def test_meeting_deleted_in_odoo_and_changed_in_both_calendars_keeps_each_change(
        self,
    ):
        # finding S of the same run, as found: Carol's meeting with Bob and
        # Dan is deleted in Odoo; Carol moves it in her Outlook (a run that
        # meets 503s on its writes), renames it in her Google and sets its
        # location in her Outlook. Her Google lacks the location
        self.world.odoo_create(CAROL, [BOB, DAN], day=0, hour=8, hours=2)
        self.world.settle(
            [
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", GOOGLE),
                ("carol", MICROSOFT),
            ]
        )
        self.world.odoo_delete("M1")
        self.world.sync("bob", MICROSOFT, "html_listing")
        self.world.remote_edit(CAROL, MICROSOFT, "M1", "time", 1)
        self.world.sync("carol", MICROSOFT, "unavailable_writes")
        self.world.remote_edit(CAROL, GOOGLE, "M1", "name", -1)
        self.world.remote_edit(CAROL, MICROSOFT, "M1", "location", 1)
        self.settled()
