# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, CAROL, MICROSOFT


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    def test_outlook_series_deleted_in_odoo_after_a_move_and_a_remote_rename_goes(self):
        # finding N of the long run of 2026-12-01 on ebec78c, shortened
        self.world.odoo_create(BOB, [ALICE, CAROL], day=0, hour=8, hours=2, series=True)
        self.settled()
        self.world.odoo_series("M1", 0, "time", "all_events")
        self.world.remote_occurrence(BOB, MICROSOFT, "M1", 0, "name")
        self.world.odoo_delete("M1")
        self.settled()
