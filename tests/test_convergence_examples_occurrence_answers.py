# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Written-out examples of the convergence machine: a guest's answer to one
occurrence of a series alone, given in a calendar
(each one a divergence the machine found, see :mod:`.convergence`)."""

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


@tagged(
    "post_install", "-at_install", "calendar_sync", "calendar_sync_convergence_examples"
)
class TestConvergenceExamplesOccurrenceAnswers(WrittenOutCase):
    """Examples of the machine written out: a guest answers one occurrence of
    a series alone in Google or Outlook; the answer stays on that occurrence
    in Odoo and in every calendar of the guest, whatever the organizer changes
    meanwhile."""

    def _occurrence_answered_there_then_renamed_by_its_organizer(
        self, guest, provider, synced
    ):
        """Olga's series in ``provider`` with Dan, Alice and Bob; ``guest``
        accepts its first occurrence alone in that calendar (the run reads
        it first if ``synced``), then Olga renames that occurrence."""
        w = self.world
        w.remote_create(
            OLGA, provider, [DAN, ALICE, BOB], day=0, hour=14, hours=1, series=True
        )
        if synced:
            self.settled()
        w.remote_answer(guest, provider, "M1", "accepted", 0)
        if synced:
            self.settled()
        w.remote_occurrence(OLGA, provider, "M1", 0, "name")
        self.settled()
        first = w.odoo_events("M1").sorted("start")[:1]
        self.assertNotEqual(first.name, "M1")
        mine = first.attendee_ids.filtered(lambda a: a.partner_id == w.partner(guest))
        self.assertEqual(mine.state, "accepted")

    def test_answer_to_an_outlook_occurrence_alone_survives_its_organizers_rename(self):
        # finding BF (the machine's fixed examples, with the answer to one
        # occurrence alone it now gives in a calendar): Bob accepted the
        # first occurrence of Olga's Outlook series, which Olga renamed
        # then; the emulator rewrote Bob's copy of that occurrence with the
        # answer of his series (none), where Outlook keeps an answer on such
        # an update as it keeps the series' (no engine change)
        self._occurrence_answered_there_then_renamed_by_its_organizer(
            BOB, MICROSOFT, False
        )

    def test_answer_to_an_outlook_occurrence_alone_synced_survives_a_rename(self):
        self._occurrence_answered_there_then_renamed_by_its_organizer(
            BOB, MICROSOFT, True
        )

    def test_answer_to_a_google_occurrence_alone_survives_its_organizers_rename(self):
        # the Google twin
        self._occurrence_answered_there_then_renamed_by_its_organizer(
            ALICE, GOOGLE, False
        )

    def _occurrence_answered_in_outlook_while_odoo_deletes_the_series(self, guests):
        """Carol's Odoo series with ``guests``, hosted by her Outlook; Bob
        accepts its first occurrence alone in his Outlook while Carol deletes
        the series in Odoo, and Bob's run comes first."""
        w = self.world
        w.odoo_create(CAROL, guests, day=0, hour=7, hours=3, series=True)
        w.settle(
            [
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", MICROSOFT),
                ("carol", GOOGLE),
            ]
        )
        w.remote_answer(BOB, MICROSOFT, "M1", "accepted", 0)
        w.odoo_delete("M1")
        w.sync("bob", MICROSOFT)
        # Bob's copy brings back nothing of Carol's series
        self.assertFalse(w.odoo_events("M1"))
        self.settled()
        # Carol's Outlook lists Bob's answer as a change of her series, the
        # later one: her run brings it back, with his answer
        events = w.odoo_events("M1")
        self.assertEqual(len(events), 3)
        self.assertEqual(
            [
                ev.attendee_ids.filtered(lambda a: a.partner_id == w.partner(BOB)).state
                for ev in events
            ],
            ["accepted", "needsAction", "needsAction"],
        )

    def test_guests_answer_in_outlook_does_not_bring_back_a_series_deleted_in_odoo(
        self,
    ):
        # finding BG (long runs on 870fbf2, 30 minutes), small form: Bob's
        # run brought Carol's series back in Odoo (his copy had changed, and
        # a calendar's later change wins over a delete); Carol's Outlook then
        # wrote it back whole, which dropped his answer to that occurrence
        # there while Odoo kept it. A guest's copy of another Odoo user's
        # series brings only the guest's answer: the organizer's calendar
        # decides (here it lists the answer as the later change)
        self._occurrence_answered_in_outlook_while_odoo_deletes_the_series([BOB])

    def test_guests_answer_in_outlook_to_a_series_deleted_in_odoo_as_found(self):
        # BG as found: Olga and Dan invited too
        self._occurrence_answered_in_outlook_while_odoo_deletes_the_series(
            [OLGA, DAN, BOB]
        )

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
        # finding BH as found (long runs on 870fbf2, 51 minutes): Carol's
        # Outlook series with Alice and Bob, its first occurrence renamed in
        # Outlook and synced; Odoo renames the first and the third alone
        # while Bob answers them alone in his Outlook, and Carol renames the
        # first again in Outlook: Carol's Google and Outlook wrote on every
        # round, the sync never settled. Her Outlook's series changed by the
        # answers it tracks only, and taking it wrote the series' fields
        # unchanged onto its occurrences, which marked them for her Google:
        # it wrote the series again, and the names of the two occurrences
        # took turns. A series that differs by its guests' answers only is
        # taken without that write
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
        # finding BI as found (long runs on 870fbf2, 51 minutes): Carol's
        # Outlook series with Alice and Bob; Bob declines its second
        # occurrence alone in his Outlook (synced), Carol invites Bob in her
        # Google copy, and deletes the series in Odoo: her Google's change is
        # the later one and brings the series back, her Outlook writes it
        # whole, which reset Bob's answer to that occurrence in his Outlook.
        # A guest cannot take an answer back to none: his run sends the
        # answer Odoo has to that occurrence again
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

    def test_answer_to_an_outlook_occurrence_alone_is_sent_again_after_a_series_write(
        self,
    ):
        # BI, small form: Carol renames her Outlook series in Odoo, which
        # writes it whole there; Bob's decline of its second occurrence alone
        # comes back in his Outlook, and Carol is not mailed it again
        w = self._carols_outlook_series()
        w.remote_answer(BOB, MICROSOFT, "M1", "declined", 1)
        self.settled()
        w.odoo_series("M1", 0, "name", "all_events")
        w.settle()
        # sent again without a mail: Carol had Bob's decline
        self.assertNotIn(
            "declined", [mail["action"] for _login, _provider, mail in w.mails]
        )
        w.check()
        second = w.odoo_events("M1").sorted("start")[1]
        mine = second.attendee_ids.filtered(lambda a: a.partner_id == w.partner(BOB))
        self.assertEqual(mine.state, "declined")
        instances = [ev for ev in w.graph.events(BOB) if ev.get("seriesMasterId")]
        self.assertEqual(
            [ev["responseStatus"]["response"] for ev in instances], ["declined"]
        )

    def _carols_google_series_answered_by_alice(self, synced):
        """Carol's Odoo series with Alice, in Carol's Google (her Outlook
        holds it as a mirror); Alice accepts its first occurrence alone, a
        tentative, in her Google (Google keeps it as an exception, a copy of
        the series' fields, in Carol's calendar and in hers), read by the
        runs first if ``synced``. Returns its tag."""
        w = self.world
        tag = w.odoo_create(CAROL, [ALICE], day=0, hour=14, hours=3, series=True)
        w.settle()
        w.remote_answer(ALICE, GOOGLE, tag, "tentative", 0)
        if synced:
            w.settle()
        return tag

    def _google_exceptions(self, email):
        return [
            ev for ev in self.world.google.events(email) if ev.get("recurringEventId")
        ]

    def test_series_renamed_in_odoo_reaches_an_occurrence_a_google_guest_answered(
        self,
    ):
        # BQ, Odoo's twin: the write of the renamed series left the exception
        # Alice's answer made with the former title, in Carol's Google and in
        # Alice's; no other instance is written (made an exception)
        w = self.world
        tag = self._carols_google_series_answered_by_alice(synced=True)
        w.odoo_series(tag, 0, "name", "all_events")
        self.settled()
        self.assertEqual(len(self._google_exceptions(CAROL)), 1)

    def test_series_renamed_in_a_mirror_reaches_an_occurrence_a_google_guest_answered(
        self,
    ):
        # BQ, small form: Carol renames the series in her Outlook (the
        # mirror); her Google's write of it left Alice's exception behind
        for synced in (False, True):
            with self.subTest(synced=synced):
                tag = self._carols_google_series_answered_by_alice(synced)
                self.world.remote_edit(CAROL, MICROSOFT, tag, "name", 24)
                self.settled()

    def test_series_renamed_in_a_mirror_reaches_occurrences_answered_as_found(self):
        # finding BQ (long run on b9d408d, 10 minutes, Odoo's clock behind):
        # Alice answers two occurrences of Carol's series alone in her Google
        # (a run of hers fails meanwhile) while Carol renames the series in
        # her Outlook, the mirror: both answered occurrences kept the former
        # title in Carol's and Alice's Google
        w = self.world
        w.odoo_create(DAN, [], day=0, hour=14, hours=3, series=True)
        w.odoo_guests("M1", ALICE, True)
        w.odoo_create(CAROL, [ALICE], day=0, hour=14, hours=3, series=True)
        order = [
            ("alice", GOOGLE),
            ("carol", GOOGLE),
            ("bob", MICROSOFT),
            ("carol", MICROSOFT),
        ]
        w.settle(order)
        w.remote_edit(CAROL, MICROSOFT, "M2", "name", 24)
        w.remote_answer(ALICE, GOOGLE, "M2", "tentative", 2)
        w.odoo_guests("M1", ERIN, True)
        w.remote_answer(ALICE, GOOGLE, "M2", "tentative", 0)
        w.sync("alice", GOOGLE, "unavailable_listing")
        w.settle(order)
        self.settled()

    def test_outlook_occurrence_answer_crossed_with_an_odoo_rename_as_found(self):
        # finding BS (long run on b0d0b40, 9 minutes, Odoo's clock behind;
        # fails the same on 3f06d4b): Carol's Odoo series with Alice and Bob,
        # hosted by her Outlook; Odoo renames the whole series while Bob
        # accepts its first occurrence alone in his Outlook. Odoo ends with
        # Bob's accept on every occurrence, his Outlook with none: Carol's
        # Outlook write of the renamed series sent the base occurrence's
        # answers (Bob's accept of it alone) as the series'
        w = self.world
        w.odoo_create(CAROL, [ALICE, BOB, CAROL], day=0, hour=15, hours=2, series=True)
        w.settle(
            [
                ("carol", MICROSOFT),
                ("carol", GOOGLE),
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
            ]
        )
        w.odoo_series("M1", 0, "name", "all_events")
        w.remote_answer(BOB, MICROSOFT, "M1", "accepted", 0)
        w.settle(
            [
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", GOOGLE),
                ("carol", MICROSOFT),
            ]
        )
        self.settled()
