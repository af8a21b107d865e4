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
    GOOGLE,
    MICROSOFT,
    OLGA,
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
    # it moves to the examples). Open: BH and BI (long runs on 870fbf2, 51
    # minutes, with the answer to one occurrence alone in a calendar; the
    # machine leaves out such answers in Outlook until they are fixed)

    def _carols_outlook_series(self):
        w = self.world
        w.settle(
            [
                ("alice", GOOGLE),
                ("carol", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", MICROSOFT),
            ]
        )
        guests = allowed_guests(CAROL, [ALICE, BOB, CAROL], True)
        w.remote_create(CAROL, MICROSOFT, guests, 0, 9, 3, False, True)
        return w

    def test_answers_to_occurrences_renamed_on_both_sides_converge(self):
        # BH as found: Carol's Outlook series with Alice and Bob, its first
        # occurrence renamed in Outlook and synced; Odoo renames the first
        # and the third alone while Bob answers them alone in his Outlook,
        # and Carol renames the first again in Outlook: Carol's Google and
        # Outlook write on every round, the sync never settles
        w = self._carols_outlook_series()
        w.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "name")
        w.settle(
            [
                ("bob", MICROSOFT),
                ("carol", MICROSOFT),
                ("carol", GOOGLE),
                ("alice", GOOGLE),
            ]
        )
        w.settle(
            [
                ("carol", MICROSOFT),
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", GOOGLE),
            ]
        )
        w.odoo_occurrence("M1", 0, "name")
        w.remote_answer(BOB, MICROSOFT, "M1", "declined", 2)
        w.remote_create(OLGA, GOOGLE, [CAROL], 8, 13, 2, True, False)
        w.odoo_occurrence("M1", 2, "name")
        w.remote_answer(BOB, MICROSOFT, "M1", "tentative", 0)
        w.remote_occurrence(CAROL, MICROSOFT, "M1", 0, "name")
        self.settled()

    def test_occurrence_answered_alone_leaves_outlook_with_its_deleted_series(self):
        # BI as found: Carol's Outlook series with Alice and Bob; Bob declines
        # its second occurrence alone in his Outlook (synced), Carol invites
        # Bob in her Google copy, and deletes the series in Odoo: Bob's
        # Outlook keeps that occurrence, unanswered, which Odoo does not show
        w = self._carols_outlook_series()
        w.remote_answer(BOB, MICROSOFT, "M1", "declined", 1)
        w.settle(
            [
                ("carol", MICROSOFT),
                ("alice", GOOGLE),
                ("carol", GOOGLE),
                ("bob", MICROSOFT),
            ]
        )
        w.remote_toggle_guest(CAROL, GOOGLE, "M1", BOB)
        w.odoo_delete("M1")
        self.settled()
