# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail, checked strictly: not
run by default (see :data:`OPEN_DEFECTS` of :mod:`.convergence.common`)."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import (
    ALICE,
    BOB,
    CAROL,
    DAN,
    ERIN,
    GOOGLE,
    MICROSOFT,
    allowed_guests,
)


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail, not run by default
    (``--test-tags calendar_sync_known_defects``); the machine leaves out the
    operations of OPEN_DEFECTS that trigger them."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    # a defect the machine finds is written out here until it is fixed (then
    # it moves to the examples). Open: BN

    def test_guests_answer_carried_by_an_odoo_split_reaches_her_outlook(self):
        # finding BN (long run on df9cffe, 39 minutes; not left out of the
        # machine: the operations that trigger it are a split and an answer
        # in Odoo, which leaving out would hide most of what it explores):
        # Bob's Odoo series with Carol and Alice; Carol declines its second
        # occurrence alone in Odoo, Bob gives the series one more occurrence
        # from that one on ("This and following events"), so Odoo shows
        # Carol's decline on every occurrence of the later part; Bob invites
        # Erin in his Outlook and moves the second occurrence alone in Odoo.
        # Bob's Outlook sends the later part as a new meeting, whose copy in
        # Carol's Outlook has no answer of hers: her run takes that "none",
        # Bob's brings her decline back from his meeting, and her Outlook
        # never gets it. Marking the carried answers to be sent at the split
        # fixes this example but breaks
        # test_rule_change_from_the_second_occurrence_of_a_series_changed_in_outlook
        # (Alice's decline sent to her Google copy): not committed
        w = self.world
        w.odoo_create(BOB, [CAROL, ALICE], 11, 13, 3, False, True)
        self.settled()
        w.odoo_answer(CAROL, "M1", "declined", 1)
        w.odoo_series("M1", 1, "rule", "future_events")
        w.remote_toggle_guest(BOB, MICROSOFT, "M1", ERIN)
        w.odoo_occurrence("M1", 1, "time")
        self.settled()

    def test_guests_answer_carried_by_an_odoo_split_reaches_her_outlook_as_found(
        self,
    ):
        w = self.world
        order = [
            ("alice", GOOGLE),
            ("bob", MICROSOFT),
            ("carol", GOOGLE),
            ("carol", MICROSOFT),
        ]
        w.sync("alice", GOOGLE, "none")
        w.odoo_create(DAN, allowed_guests(DAN, [ALICE]), 0, 8, 2)
        w.odoo_edit("M1", "name", -1)
        w.odoo_create(
            BOB, allowed_guests(BOB, [CAROL, ALICE, BOB], True), 11, 13, 3, False, True
        )
        tag = list(w.meetings)[-1]
        w.sync("carol", MICROSOFT, "stopped_between_steps")
        w.settle(order)
        w.check()
        w.odoo_answer(CAROL, tag, "declined", 1)
        w.odoo_series(tag, 1, "rule", "future_events")
        w.remote_toggle_guest(BOB, MICROSOFT, tag, ERIN)
        w.odoo_occurrence(tag, 1, "time")
        w.settle(order)
        w.check()
