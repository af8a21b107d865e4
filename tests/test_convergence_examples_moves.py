# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Written-out examples of the convergence machine: a series moved or given a
new rule in Odoo while its calendars changed an occurrence
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
class TestConvergenceExamplesMoves(WrittenOutCase):
    """Examples of the machine written out: Odoo rewrites a series as a whole
    (its time, its rule) while an occurrence was changed alone in a calendar
    that keeps exceptions on their old slots (Google)."""

    def _moved_in_odoo_while_renamed_in_google(self, series, scope, calendar, index):
        """Odoo moves ``series`` (``scope``) while the Google ``calendar``
        renames occurrence ``index``: the exception comes in beside it."""
        w = self.world
        self.settled()
        w.odoo_series(series, 0, "time", scope)
        w.remote_occurrence(calendar, GOOGLE, series, index, "name")
        self.settled()
        self.assertEqual(len(w.odoo_events(series)), 4)

    def test_occurrence_renamed_in_google_while_odoo_moves_the_series_stays_beside_it(
        self,
    ):
        # finding Z1 of the long runs of 2026-12-01 (6 minutes on de350c4):
        # Odoo moves Alice's Google series ("all events") while she renames
        # its first occurrence in Google. Google keeps that exception on its
        # old slot beside the series' new occurrence there: Odoo did not show
        # it. It comes in as an event of its own, bound to its instance
        series = self.world.remote_create(
            ALICE, GOOGLE, [], day=0, hour=15, hours=1, series=True
        )
        self._moved_in_odoo_while_renamed_in_google(series, "all_events", ALICE, 0)

    def test_occurrence_renamed_in_a_google_mirror_while_odoo_moves_the_series(self):
        # finding Z2 (6 minutes on de350c4): the same in the Google mirror of
        # Carol's Outlook series, moved in Odoo from its first occurrence on
        # ("this and following"), which makes every occurrence again
        series = self.world.remote_create(
            CAROL, MICROSOFT, [], day=11, hour=10, hours=2, series=True
        )
        self._moved_in_odoo_while_renamed_in_google(series, "future_events", CAROL, 2)

    def test_occurrence_renamed_in_google_then_series_moved_in_odoo_is_deleted_there(
        self,
    ):
        # finding AA (6 minutes on e483c3a): Alice renames the first occurrence
        # of her Google series with Olga there, Odoo takes it; then Odoo moves
        # the whole series, which resets that occurrence into it. Google kept
        # the exception on its old slot: it is deleted there
        w = self.world
        series = w.remote_create(
            ALICE, GOOGLE, [OLGA], day=0, hour=7, hours=1, series=True
        )
        w.remote_occurrence(ALICE, GOOGLE, series, 0, "name")
        self.settled()
        w.odoo_series(series, 0, "time", "all_events")
        self.settled()
        self.assertEqual(len(w.odoo_events(series)), 3)

    def test_series_split_and_deleted_in_odoo_comes_back_whole_after_a_google_move(
        self,
    ):
        # finding AB (6 minutes on 3fd1a5a; the same on c032b95), as found:
        # Carol's Google series; Odoo splits it ("this and following" with a
        # new rule) and deletes both parts, while Carol moved its first
        # occurrence there and removed Olga. Google's change restores the
        # series, but Odoo kept the rule its split had cut (the rule last
        # synced was Google's, taken for a difference in form only): Google
        # showed two occurrences Odoo did not. It is Google's series again
        w = self.world
        series = w.remote_create(
            CAROL, GOOGLE, [ALICE, OLGA, ERIN], day=0, hour=16, hours=3, series=True
        )
        w.sync("carol", GOOGLE, "expired_token")
        w.remote_guests(CAROL, GOOGLE, series, OLGA, False)
        w.odoo_answer(ALICE, series, "declined", 1)
        w.remote_occurrence(CAROL, GOOGLE, series, 0, "time")
        w.odoo_guests(series, OLGA, False)
        w.odoo_series(series, 1, "rule", "future_events")
        w.odoo_answer(ALICE, series, "accepted", 1)
        w.odoo_delete(series)
        w.odoo_delete(series)
        self.settled()
        self.assertEqual(len(w.odoo_events(series)), 3)

    def _first_moved_in_google_then_new_rule_in_odoo(self, changed_again):
        """Carol moves and renames the first occurrence of her Google series
        with Alice and Bob, Odoo takes it; then (after she renamed it again
        there, if ``changed_again``) Odoo gives the series one more
        occurrence ("all events"), rewriting it from that occurrence, its
        base."""
        w = self.world
        series = w.remote_create(
            CAROL, GOOGLE, [ALICE, BOB], day=0, hour=7, hours=3, series=True
        )
        w.remote_occurrence(CAROL, GOOGLE, series, 0, "name")
        w.remote_occurrence(CAROL, GOOGLE, series, 0, "time")
        self.settled()
        if changed_again:
            w.remote_occurrence(CAROL, GOOGLE, series, 0, "name")
        w.odoo_series(series, 1, "rule", "all_events")
        self.settled()
        return series

    def test_google_series_given_a_new_rule_in_odoo_after_its_first_was_moved(self):
        # finding AE (13 minutes on f800073): Carol's calendar deleted the
        # exception left on the old slot, and Alice's run, whose binding of
        # that occurrence still held the exception's id, then deleted Odoo's
        # occurrence with it: Google showed one more occurrence than Odoo
        series = self._first_moved_in_google_then_new_rule_in_odoo(False)
        self.assertEqual(len(self.world.odoo_events(series)), 4)

    def test_first_occurrence_changed_again_in_google_as_odoo_gives_a_new_rule(self):
        # AE with the exception changed in Google since the last sync: it
        # comes into Odoo as an event of its own (Z1); Alice's calendar holds
        # it as that event (her answer to it goes there), not as the series'
        # occurrence Odoo put on its slot
        series = self._first_moved_in_google_then_new_rule_in_odoo(True)
        events = self.world.odoo_events(series)
        detached = events.filtered(lambda ev: not ev.recurrence_id)
        self.assertEqual(len(detached), 1)
        bindings = detached.sudo().calendar_sync_binding_ids.filtered(
            lambda b: b.account_id.provider == GOOGLE
        )
        self.assertEqual(set(bindings.account_id.mapped("email")), {ALICE, CAROL})
        self.assertEqual(len(set(bindings.mapped("remote_id"))), 1)

    def _moved_alone_then_series_moved_in_odoo(
        self, renamed_in_google, full_listing=False
    ):
        """Odoo moves the third occurrence of Alice's Google series with Erin
        alone, then (after she renamed that occurrence in Google, if
        ``renamed_in_google``) moves and renames the whole series: Odoo makes
        the series again from its base event and archives the old one with
        that exception. With ``full_listing``, Alice's next run finds her sync
        token expired."""
        w = self.world
        series = w.remote_create(
            ALICE, GOOGLE, [ERIN], day=0, hour=8, hours=2, series=True
        )
        self.settled()
        w.odoo_occurrence(series, 2, "time")
        self.settled()
        if renamed_in_google:
            w.remote_occurrence(ALICE, GOOGLE, series, 2, "name")
        w.odoo_series(series, 1, "time", "all_events")
        w.odoo_series(series, 2, "name", "all_events")
        if full_listing:
            w.sync("alice", GOOGLE, fault="expired_token")
        self.settled()
        return w.odoo_events(series)

    def test_occurrence_moved_alone_then_series_moved_in_odoo_leaves_google_too(self):
        # finding AG (8 minutes on 3e7ebff): the exception Odoo archived with
        # the old series (as settled: nothing marked to be deleted) stayed in
        # Google on its old slot, which the new series no longer has
        self.assertEqual(len(self._moved_alone_then_series_moved_in_odoo(False)), 3)

    def test_occurrence_moved_alone_then_series_moved_in_odoo_on_a_full_listing(self):
        # AG on a full listing (Alice's sync token expired), which lists the
        # exception Google kept: deleted there, never also imported as an
        # event of its own (AJ's import, which takes the listed instances no
        # event holds, leaves out the ones the series' write deletes)
        events = self._moved_alone_then_series_moved_in_odoo(False, full_listing=True)
        self.assertEqual(len(events), 3)

    def test_occurrence_moved_in_odoo_renamed_in_google_stays_beside_the_moved_series(
        self,
    ):
        # AG with the exception renamed in Google since: it comes into Odoo as
        # an event of its own (Z1)
        events = self._moved_alone_then_series_moved_in_odoo(True)
        self.assertEqual(len(events), 4)
        self.assertEqual(len(events.filtered(lambda ev: not ev.recurrence_id)), 1)

    def _odoo_series_moved_with_guests(self, organizer):
        """``organizer``'s Odoo series with Alice, Bob and Carol, synced, then
        moved by an hour in Odoo (*All events*, from its first occurrence)."""
        w = self.world
        series = w.odoo_create(
            organizer, [ALICE, BOB, CAROL], day=11, hour=12, hours=3, series=True
        )
        w.settle(
            [
                ("alice", GOOGLE),
                ("bob", MICROSOFT),
                ("carol", MICROSOFT),
                ("carol", GOOGLE),
            ]
        )
        w.check()
        w.odoo_series(series, 0, "time", "all_events")
        self.settled()
        self.assertEqual(len(w.odoo_events(series)), 3)
        self.assertEqual(set(w.odoo_events(series).mapped("active")), {True})
        return series

    def test_odoo_series_moved_keeps_its_first_occurrence_for_an_outlook_guest(self):
        # finding AH (13 minutes on cc08a0b, AF's first engine): Bob's run,
        # whose copy of Carol's series has new instance ids after her move,
        # took its first occurrence (the one Odoo keeps across the move, still
        # bound to the old id) for gone from his calendar. Before AF it was
        # archived, and deleted in every calendar: every calendar agreed, so
        # the machine saw nothing, but the series had lost its first
        # occurrence. AF made it Bob's decline, which the machine saw. It is
        # bound to the instance of its slot in Bob's copy now
        series = self._odoo_series_moved_with_guests(CAROL)
        self.assertEqual(self.answers(BOB, series), {"needsAction"})

    def test_odoo_series_moved_keeps_its_first_occurrence_for_google_guests(self):
        series = self._odoo_series_moved_with_guests(ALICE)
        self.assertEqual(self.answers(CAROL, series), {"needsAction"})

    def _moved_in_odoo_while_google_invites(self, split, renamed=False):
        """Alice's Google series with Bob, its third occurrence moved there
        (and renamed since, if ``renamed``); Odoo moves the series as a whole
        (and splits it from its second occurrence with new times, if
        ``split``) while Alice invites Dan to the whole series in Google,
        which invites him to that exception too: he is invited to the series
        Google has (the first part of the split in Odoo, which made the
        second part before he was invited). Returns the series' tag."""
        w = self.world
        series = w.remote_create(
            ALICE, GOOGLE, [BOB], day=0, hour=8, hours=3, series=True
        )
        w.remote_occurrence(ALICE, GOOGLE, series, 2, "time")
        self.settled()
        if renamed:
            w.remote_occurrence(ALICE, GOOGLE, series, 2, "name")
        w.odoo_series(series, 0, "time", "all_events")
        if split:
            w.odoo_series(series, 1, "time", "future_events")
        w.remote_toggle_guest(ALICE, GOOGLE, series, DAN)
        self.settled()
        first = w.odoo_events(series).sorted("start")[0]
        self.assertIn(
            w.partner(DAN), first.recurrence_id.calendar_event_ids.partner_ids
        )
        return series

    def test_guest_added_in_google_while_odoo_splits_the_series_leaves_one_a_slot(
        self,
    ):
        # finding BK, shrunk: Odoo's move reset the moved third occurrence
        # into the series, and its split made that slot's occurrence again in
        # the second part. Google passed Dan's invitation on to the exception
        # it kept on its old slot: taken for a change made there, it came
        # into Odoo as an event of its own beside the new occurrence, two on
        # one slot. An exception whose only change is the series' guests was
        # not changed itself: deleted there, as Odoo reset it
        series = self._moved_in_odoo_while_google_invites(split=True)
        self.assertEqual(len(self.world.odoo_events(series)), 3)

    def test_guest_added_in_google_while_odoo_moves_the_series_leaves_one_a_slot(
        self,
    ):
        series = self._moved_in_odoo_while_google_invites(split=False)
        self.assertEqual(len(self.world.odoo_events(series)), 3)

    def test_exception_renamed_in_google_as_a_guest_is_added_stays_beside_the_series(
        self,
    ):
        # the exception renamed there was changed itself: it stays (Z1)
        series = self._moved_in_odoo_while_google_invites(split=False, renamed=True)
        events = self.world.odoo_events(series)
        self.assertEqual(len(events), 4)
        self.assertEqual(len(events.filtered(lambda ev: not ev.recurrence_id)), 1)

    def test_google_series_moved_then_split_in_odoo_has_one_occurrence_a_slot(self):
        # BK as found (long run on e0929fe, 15 minutes): Alice's Google
        # series with Bob, its third occurrence moved there; she invites Olga
        # there (a run in steps), Odoo moves the series as a whole, then
        # splits it from its second occurrence with new times, while she
        # invites Dan in Google
        w = self.world
        guests = allowed_guests(ALICE, [ALICE, BOB], True)
        w.remote_create(ALICE, GOOGLE, guests, 0, 8, 3, False, True)
        w.remote_occurrence(ALICE, GOOGLE, "M1", 2, "time")
        w.sync("alice", GOOGLE)
        w.odoo_create(ALICE, allowed_guests(ALICE, [ALICE]), 0, 15, 3, False, False)
        w.remote_toggle_guest(ALICE, GOOGLE, "M1", OLGA)
        w.sync("alice", GOOGLE, "in_steps")
        outside = allowed_guests(OLGA, [OLGA, ERIN, ALICE])
        w.remote_create(OLGA, GOOGLE, outside, 2, 16, 1, True, False)
        w.odoo_series("M1", 0, "time", "all_events")
        w.odoo_series("M1", 1, "time", "future_events")
        w.remote_toggle_guest(ALICE, GOOGLE, "M1", DAN)
        w.odoo_delete("M3")
        self.settled()
