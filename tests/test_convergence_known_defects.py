# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, CAROL, GOOGLE


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples)

    def test_google_series_renamed_after_its_first_occurrences_went_mails_nobody(self):
        # AN (23 minutes on fdc9ea1, Odoo's clock behind): Alice's Google
        # series with Carol, and a meeting with Bob and Carol; she deletes the
        # series' first two occurrences and the meeting in Google; her run
        # meets an error page on its writes; she renames the series in Google;
        # her next run (sync token expired) makes Google mail Carol a
        # cancellation nobody announced
        w = self.world
        w.settle()
        w.check()
        w.remote_create(
            ALICE, GOOGLE, [ALICE, CAROL], day=0, hour=13, hours=3, series=True
        )
        w.remote_create(ALICE, GOOGLE, [ALICE, BOB, CAROL], day=0, hour=13, hours=1)
        w.remote_occurrence(ALICE, GOOGLE, "M1", 0, "delete")
        w.remote_occurrence(ALICE, GOOGLE, "M1", 1, "delete")
        w.remote_occurrence(ALICE, GOOGLE, "M1", 1, "delete")
        w.remote_delete(ALICE, GOOGLE, "M2")
        w.sync("alice", GOOGLE, fault="html_writes")
        w.remote_edit(ALICE, GOOGLE, "M1", "name", 2)
        w.sync("alice", GOOGLE, fault="expired_token")
        self.settled()
