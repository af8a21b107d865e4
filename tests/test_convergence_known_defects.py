# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail, checked strictly: not
run by default (see :data:`OPEN_DEFECTS` of :mod:`.convergence.common`)."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, MICROSOFT


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail, not run by default
    (``--test-tags calendar_sync_known_defects``); the machine leaves out the
    operations of OPEN_DEFECTS that trigger them."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples). Open: BP's twins, written by hand (BP as
    # found is fixed: test_convergence_examples_series); the machine is not
    # restricted for them (see OPEN_DEFECTS)

    def _series_pushed_by_a_lost_commit_then_changed_as_a_whole(self, change):
        """Bob's Odoo series with Alice, pushed by his Outlook run whose commit
        is lost, then changed as a whole in Odoo (``change``), which Odoo does
        by deleting the series and making a new one on its base event. The
        push is found again by its ``transactionId`` (BP's fix), but the
        write of Odoo's version (the later change here) then finds no base
        occurrence ("Expected singleton: calendar.event()" in
        ``_series_neutral``; with Odoo's clock behind, a move taken from the
        calendar fails too: "'bool' object has no attribute 'tzinfo'"): the
        calendar keeps the series as first pushed."""
        w = self.world
        w.ticking = True
        w.odoo_create(BOB, [ALICE], day=4, hour=7, hours=2, series=True)
        w.sync("bob", MICROSOFT, "lost_commit")
        w.odoo_series("M1", 1, change, "all_events")
        self.settled()
        active = w.odoo_events("M1").filtered("active")
        self.assertEqual(len(active), 4 if change == "rule" else 3)

    def test_outlook_series_pushed_by_a_lost_commit_then_given_a_rule_in_odoo(self):
        self._series_pushed_by_a_lost_commit_then_changed_as_a_whole("rule")

    def test_outlook_series_pushed_by_a_lost_commit_then_moved_in_odoo(self):
        self._series_pushed_by_a_lost_commit_then_changed_as_a_whole("time")
