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
    # machine leaves out such answers in Outlook until they are fixed), BJ
    # and BK (long runs on e0929fe, 11 and 15 minutes; as found, not
    # shrunk by hand yet, left in the machine)

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
        item = w.remote_find(CAROL, GOOGLE, "M1")
        invited = {a["email"] for a in item.get("attendees") or []}
        w.remote_guests(CAROL, GOOGLE, "M1", BOB, BOB not in invited)
        w.odoo_delete("M1")
        self.settled()

    def test_answer_in_odoo_to_a_copy_imported_before_its_organizer_syncs(self):
        # BJ as found: Carol's Outlook series with Bob, imported by Bob's run
        # (its writes refused); Bob accepts it in Odoo, then every calendar
        # syncs: his Outlook shows it unanswered, Odoo his accept
        w = self.world
        guests = allowed_guests(CAROL, [BOB], True)
        w.remote_create(CAROL, MICROSOFT, guests, 1, 7, 1, False, True)
        w.sync("bob", MICROSOFT, "unavailable_writes")
        w.odoo_create(
            ALICE, allowed_guests(ALICE, [ALICE, BOB, CAROL]), 0, 7, 1, False, True
        )
        w.odoo_answer(BOB, "M1", "accepted", 0)
        w.settle(
            [
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", GOOGLE),
                ("carol", MICROSOFT),
            ]
        )
        self.settled()

    def test_google_series_moved_then_split_in_odoo_has_one_occurrence_a_slot(self):
        # BK as found: Alice's Google series with Bob, its third occurrence
        # moved there; she invites Olga there (a run in steps), Odoo moves the
        # series as a whole, then splits it from its second occurrence with
        # new times, while she invites Dan in Google: Odoo and her Google have
        # two occurrences on one slot
        w = self.world
        guests = allowed_guests(ALICE, [ALICE, BOB], True)
        w.remote_create(ALICE, GOOGLE, guests, 0, 8, 3, False, True)
        w.remote_occurrence(ALICE, GOOGLE, "M1", 2, "time")
        w.sync("alice", GOOGLE)
        w.odoo_create(ALICE, allowed_guests(ALICE, [ALICE]), 0, 15, 3, False, False)
        self._invite_in_google("M1", OLGA)
        w.sync("alice", GOOGLE, "in_steps")
        outside = allowed_guests(OLGA, [OLGA, ERIN, ALICE])
        w.remote_create(OLGA, GOOGLE, outside, 2, 16, 1, True, False)
        w.odoo_series("M1", 0, "time", "all_events")
        w.odoo_series("M1", 1, "time", "future_events")
        self._invite_in_google("M1", DAN)
        w.odoo_delete("M3")
        self.settled()

    def _invite_in_google(self, tag, guest):
        """The machine's invite_remotely on Alice's Google copy of ``tag``."""
        w = self.world
        item = w.remote_find(ALICE, GOOGLE, tag)
        invited = {a["email"] for a in item.get("attendees") or []}
        w.remote_guests(ALICE, GOOGLE, tag, guest, guest not in invited)
