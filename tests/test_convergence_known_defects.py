# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail, checked strictly: not
run by default (see :data:`OPEN_DEFECTS` of :mod:`.convergence.common`)."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, CAROL, GOOGLE, MICROSOFT


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail, not run by default
    (``--test-tags calendar_sync_known_defects``); the machine leaves out the
    operations of OPEN_DEFECTS that trigger them."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples). Open: the two below (session of 2026-12-04)

    def test_outlook_series_pushed_by_a_lost_commit_keeps_an_odoo_delete_behind(self):
        # found by hand (a twin of the series examples' lost commits), and
        # older than this session (fails the same on 3f06d4b): Bob's Odoo
        # series with Alice, pushed by his Outlook run whose commit is lost;
        # its second occurrence deleted alone in Odoo, whose clock is behind.
        # The series found again by its transactionId takes the push as the
        # later change, and the occurrence comes back in Odoo
        w = self.world
        w.odoo_create(BOB, [ALICE], day=4, hour=7, hours=2, series=True)
        w.sync("bob", MICROSOFT, "lost_commit")
        w.odoo_occurrence("M1", 1, "delete")
        self.settled()
        self.assertEqual(len(w.odoo_events("M1").filtered("active")), 2)

    def test_google_exception_renamed_while_odoo_splits_its_series_as_found(self):
        # finding BR (long run on b9d408d, 49 minutes, Odoo's clock behind):
        # Alice's Google series with Carol and Bob, its first occurrence
        # renamed in Google; then its third renamed there too while Odoo
        # gives the series a new rule from that occurrence on ("this and
        # following"). The renamed third occurrence stays in Alice's and
        # Carol's Google, which Odoo does not show
        w = self.world
        order = [
            ("alice", GOOGLE),
            ("carol", MICROSOFT),
            ("carol", GOOGLE),
            ("bob", MICROSOFT),
        ]
        w.settle(order)
        w.remote_create(
            ALICE, GOOGLE, [CAROL, ALICE, BOB], day=0, hour=7, hours=1, series=True
        )
        w.remote_create(ALICE, GOOGLE, [], day=0, hour=7, hours=3)
        w.remote_occurrence(ALICE, GOOGLE, "M1", 0, "name")
        w.remote_create(ALICE, GOOGLE, [], day=0, hour=7, hours=1)
        order = [
            ("alice", GOOGLE),
            ("bob", MICROSOFT),
            ("carol", GOOGLE),
            ("carol", MICROSOFT),
        ]
        w.settle(order)
        w.odoo_archive("M2")
        w.remote_occurrence(ALICE, GOOGLE, "M1", 2, "name")
        w.odoo_series("M1", 2, "rule", "future_events")
        w.settle(order)
        self.settled()
