# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Examples of the convergence machine that still fail (:data:`OPEN_DEFECTS`
of :mod:`.convergence.common`), checked strictly: not run by default."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import ALICE, BOB, CAROL, GOOGLE, MICROSOFT, OLGA


@tagged("post_install", "-at_install", "-standard", "calendar_sync_known_defects")
class TestConvergenceKnownDefects(WrittenOutCase):
    """Examples of the machine that still fail: the defects of OPEN_DEFECTS,
    not run by default (``--test-tags calendar_sync_known_defects``)."""

    def setUp(self):
        super().setUp()
        self.world.strict = True

    def test_occurrence_deleted_in_odoo_and_renamed_in_google_back_in_outlook_mirror(
        self,
    ):
        # found with the fix of its twin in examples_both ("...renamed in
        # outlook comes back in the mirror"), the other way round: Carol's
        # series is hosted by her Google, her Outlook holds the mirror and
        # deletes the occurrence before the rename in Google restores it in
        # Odoo. Outlook cannot bring a deleted occurrence back (Google keeps
        # it as a cancelled exception, which a patch restores): her Outlook
        # mirror lacks it
        carol_google_first = [
            ("carol", GOOGLE),
            ("bob", MICROSOFT),
            ("carol", MICROSOFT),
            ("alice", GOOGLE),
        ]
        self.world.odoo_create(CAROL, [ALICE], day=11, hour=14, hours=2, series=True)
        self.world.settle(carol_google_first)
        self.world.check()
        self.world.remote_occurrence(CAROL, GOOGLE, "M1", 1, "name")
        self.world.odoo_occurrence("M1", 1, "delete")
        self.world.sync("carol", MICROSOFT)
        self.settled()

    def test_rule_change_brings_back_an_occurrence_deleted_alone_in_google(self):
        # found while fixing the rule change of a renamed first occurrence: an
        # occurrence deleted alone in Odoo (cancelled in Google, its binding
        # let go of the instance), then "All events" with a new rule: Odoo
        # rewrites every slot, the deleted one included; the new occurrence
        # takes the cancelled instance's id, held by no binding, and is not
        # sent: Google keeps it cancelled
        self.world.odoo_create(ALICE, [BOB], day=0, hour=7, hours=1, series=True)
        self.settled()
        self.world.odoo_occurrence("M1", 1, "delete")
        self.settled()
        self.world.odoo_series("M1", 0, "rule", "all_events")
        self.settled()

    def test_rule_change_from_the_second_occurrence_of_a_series_changed_in_outlook(
        self,
    ):
        # found by the long run (on main too): Carol's series (her Google
        # hosts it, her Outlook holds a mirror), an occurrence moved in the
        # mirror, the series deleted in her Google; then occurrences renamed in
        # Outlook while Odoo gives the series one more occurrence from its
        # second one on ("This and following events") and Alice is removed:
        # Alice's Google keeps the later part with Bob declined, Carol's
        # Outlook lacks an occurrence
        self.world.odoo_create(
            CAROL, [ALICE, BOB], day=0, hour=13, hours=3, series=True
        )
        self.world.settle(
            [("alice", GOOGLE), ("bob", MICROSOFT), ("carol", GOOGLE)]
            + [("carol", MICROSOFT)]
        )
        self.world.check()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 2, "time")
        self.world.remote_delete(CAROL, GOOGLE, "M1")
        self.world.settle(
            [("alice", GOOGLE), ("carol", GOOGLE), ("carol", MICROSOFT)]
            + [("bob", MICROSOFT)]
        )
        self.world.check()
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 1, "name")
        self.world.odoo_series("M1", 1, "rule", "future_events")
        self.world.remote_occurrence(CAROL, MICROSOFT, "M1", 2, "name")
        invited = (
            self.world.partner(ALICE) in self.world.odoo_events("M1")[0].partner_ids
        )
        self.world.odoo_guests("M1", ALICE, not invited)
        self.world.settle(
            [("bob", MICROSOFT), ("alice", GOOGLE), ("carol", GOOGLE)]
            + [("carol", MICROSOFT)]
        )
        self.world.check()

    def test_guest_invited_in_the_mirror_of_a_series_deleted_in_odoo(self):
        # found by the long run (fails on the code before this session too):
        # Carol's Outlook series, renamed, is mirrored in her Google; she
        # invites Olga in the Google mirror while the series is deleted in
        # Odoo: her Google keeps the series with Olga, which Odoo no longer has
        w = self.world
        w.sync("alice", GOOGLE)
        w.remote_create(CAROL, MICROSOFT, [], day=13, hour=8, hours=3, series=True)
        w.remote_edit(CAROL, MICROSOFT, "M1", "name", 24)
        w.remote_create(BOB, MICROSOFT, [], day=3, hour=8, hours=2)
        w.settle(
            [("carol", GOOGLE), ("carol", MICROSOFT), ("alice", GOOGLE)]
            + [("bob", MICROSOFT)]
        )
        w.check()
        w.remote_guests(CAROL, GOOGLE, "M1", OLGA, True)
        w.odoo_delete("M1")
        w.sync("alice", GOOGLE, "timeout_writes")
        w.sync("bob", MICROSOFT, "expired_token")
        w.odoo_create(ALICE, [CAROL], day=1, hour=8, hours=2, allday=True)
        w.odoo_answer(CAROL, "M4", "declined", 0)
        self.settled()

    def test_meeting_unarchived_after_a_lost_commit_and_reinvited_in_google(self):
        # found by the long run (fails on the code before this session too):
        # Carol's meeting, renamed in her Google, archived in Odoo, renamed in
        # her Outlook by a run whose commit is lost, unarchived in Odoo while
        # her Google invites Alice again: Alice's and Carol's Google keep a
        # version Odoo does not show
        w = self.world
        w.sync("alice", GOOGLE)
        w.odoo_create(CAROL, [OLGA, ALICE, CAROL], day=0, hour=10, hours=1)
        w.odoo_edit("M1", "name", -1)
        w.settle(
            [("carol", MICROSOFT), ("carol", GOOGLE), ("bob", MICROSOFT)]
            + [("alice", GOOGLE)]
        )
        w.check()
        w.remote_edit(CAROL, GOOGLE, "M1", "name", -1)
        w.odoo_archive("M1")
        w.remote_edit(CAROL, MICROSOFT, "M1", "name", -1)
        w.sync("carol", MICROSOFT, "lost_commit")
        w.odoo_unarchive("M1")
        w.remote_guests(CAROL, GOOGLE, "M1", ALICE, True)
        w.settle(
            [("bob", MICROSOFT), ("carol", MICROSOFT), ("alice", GOOGLE)]
            + [("carol", GOOGLE)]
        )
        w.check()

    def test_organizer_outlook_taking_over_a_meeting_its_guest_imported_is_a_change(
        self,
    ):
        # found by a 120-example run while checking issue 9 (fails on main
        # too, no fault involved; shortened by hand): Carol's Outlook meeting
        # with Bob and Alice; Alice's Google and Bob's Outlook sync before
        # Carol's calendars: neither Alice's Google (her invitation) nor
        # Carol's Google (her mirror) gets the meeting in that settle. One more
        # settle converges: Carol's Outlook run takes over the meeting Bob's
        # import holds, counting it neither pulled nor pushed, so the round
        # looks quiet and the settle stops before Carol's Google runs again
        w = self.world
        w.remote_create(CAROL, MICROSOFT, [BOB, ALICE], day=0, hour=9, hours=1)
        w.sync("alice", GOOGLE)
        w.sync("bob", MICROSOFT)
        w.settle(
            [("bob", MICROSOFT), ("alice", GOOGLE), ("carol", GOOGLE)]
            + [("carol", MICROSOFT)]
        )
        w.check()
