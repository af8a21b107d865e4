# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, CAROL, GOOGLE, MICROSOFT


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    def test_organizer_calendar_joining_a_series_a_guest_imported_mails_nobody(self):
        # Bob's Outlook series with Carol is imported from Carol's Outlook
        # first; Bob's run joins it by iCalUID and sends the series again:
        # Outlook mails Carol an update (README: the sync never re-sends an
        # invitation for its own bookkeeping)
        self.world.remote_create(
            BOB, MICROSOFT, [CAROL], day=12, hour=16, hours=2, series=True
        )
        self.world.sync("carol", MICROSOFT)
        self.settled()

    def test_occurrence_deleted_in_odoo_and_renamed_in_outlook_comes_back_in_the_mirror(
        self,
    ):
        # found by the long run: Carol's series is hosted by her Outlook, her
        # Google holds the mirror. Odoo deletes an occurrence while Outlook
        # renames it: the later rename brings it back in Odoo and Outlook, her
        # Google mirror keeps it cancelled
        carol_outlook_first = [
            ("carol", MICROSOFT),
            ("bob", MICROSOFT),
            ("carol", GOOGLE),
            ("alice", GOOGLE),
        ]
        self.world.odoo_create(CAROL, [ALICE], day=11, hour=14, hours=2, series=True)
        self.world.settle(carol_outlook_first)
        self.world.check()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 1, "name")
        self.world.odoo_occurrence("M1", 1, "delete")
        self.settled()
