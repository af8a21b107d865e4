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

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples)

    def test_google_series_split_in_odoo_after_two_occurrences_renamed_there(self):
        # AJ (17 minutes on 89e6ff1, 2026-12-02): Alice renames the first two
        # occurrences of her Google series with Bob and Carol in Google, while
        # Odoo renames it from its second occurrence on ("this and
        # following"): Google keeps the second renamed occurrence, which Odoo
        # does not show
        w = self.world
        # the settle orders of the machine's example
        order = [("alice", GOOGLE), ("bob", MICROSOFT)]
        order += [("carol", MICROSOFT), ("carol", GOOGLE)]
        w.remote_create(CAROL, MICROSOFT, [BOB], day=12, hour=11, hours=1, series=True)
        w.settle(order)
        w.check()
        series = w.remote_create(
            ALICE, GOOGLE, [BOB, CAROL], day=0, hour=7, hours=2, series=True
        )
        w.settle(order[:2] + order[:1:-1])
        w.check()
        w.remote_occurrence(ALICE, GOOGLE, series, 0, "name")
        w.remote_occurrence(ALICE, GOOGLE, series, 1, "name")
        w.odoo_series(series, 1, "name", "future_events")
        w.settle(order)
        w.check()
        self.settled()
