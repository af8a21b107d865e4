# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Written-out examples of the convergence machine: an occurrence or a series
deleted on one side while the other side changes it, or changes its series
(each one a divergence the machine found, see :mod:`.convergence`)."""

from odoo.tests import tagged

from .convergence.cases import WrittenOutCase
from .convergence.common import (
    ALICE,
    BOB,
    CAROL,
    DAN,
    GOOGLE,
    MICROSOFT,
    OLGA,
    allowed_guests,
)


@tagged(
    "post_install", "-at_install", "calendar_sync", "calendar_sync_convergence_examples"
)
class TestConvergenceExamplesDeletesCrossed(WrittenOutCase):
    """Examples of the machine written out: a delete on one side crossed with a
    change on the other; the later change wins, and what was deleted alone
    stays deleted."""

    def _occurrence_deleted_then_series_deleted_in_odoo_as_one_goes_remotely(
        self, email, provider
    ):
        w = self.world
        series = w.odoo_create(email, [], day=0, hour=13, hours=2, series=True)
        self.settled()
        w.odoo_series(series, 2, "name", "all_events")
        w.odoo_occurrence(series, 2, "delete")
        w.odoo_delete(series)
        w.remote_occurrence(email, provider, series, 0, "delete")
        self.settled()

    def test_occurrence_deleted_in_odoo_before_its_series_stays_deleted_outlook(self):
        # finding AU (on 79a7cf9; the same on 5c2b50f): Carol's series renamed
        # in Odoo, its third occurrence deleted there, then the whole series;
        # meanwhile her Outlook deletes the first occurrence, a later change
        # that brings the series back as Outlook has it. The third occurrence
        # came back with it, though its delete had only not reached Outlook
        # yet: it stays deleted, and its delete is sent
        self._occurrence_deleted_then_series_deleted_in_odoo_as_one_goes_remotely(
            CAROL, MICROSOFT
        )

    def test_occurrence_deleted_in_odoo_before_its_series_stays_deleted_bobs(self):
        self._occurrence_deleted_then_series_deleted_in_odoo_as_one_goes_remotely(
            BOB, MICROSOFT
        )

    def test_occurrence_deleted_in_odoo_before_its_series_stays_deleted_google(self):
        self._occurrence_deleted_then_series_deleted_in_odoo_as_one_goes_remotely(
            ALICE, GOOGLE
        )

    def test_split_series_deleted_in_odoo_as_her_outlook_deletes_its_first_comes_back(
        self,
    ):
        # finding AV (on 79a7cf9; the same on 5c2b50f): Carol's series split
        # in Odoo at its third occurrence, renamed alone there, then deleted
        # in Odoo as her Outlook deletes its first occurrence. Her Outlook's
        # later change brings the series back, reshaped without its first
        # slot: the reshape removed the occurrence whose values stood for the
        # series, and every run failed on it
        w = self.world
        series = w.odoo_create(CAROL, [], day=0, hour=7, hours=1, series=True)
        self.settled()
        w.odoo_series(series, 2, "name", "future_events")
        w.odoo_occurrence(series, 2, "name")
        w.odoo_delete(series)
        w.remote_occurrence(CAROL, MICROSOFT, series, 0, "delete")
        self.settled()  # every run failed: no convergence

    def test_occurrence_deleted_in_odoo_and_moved_in_google_comes_back_moved(self):
        # finding BB (long runs on 31558ec): Alice's Odoo series, its second
        # occurrence deleted in Odoo while she moves it in Google (the later
        # change), and a change of the whole series on each side (Carol
        # invited in Odoo, a room in Google). The series' write let go of the
        # deleted occurrence's instance as one of an old rule's, and the moved
        # instance was in no pass: Google showed it, Odoo did not
        w = self.world
        w.odoo_create(ALICE, [], day=0, hour=9, hours=3, series=True)
        self.settled()
        w.odoo_occurrence("M1", 1, "delete")
        w.odoo_guests("M1", CAROL, True)
        w.remote_edit(ALICE, GOOGLE, "M1", "location", 2)
        w.remote_occurrence(ALICE, GOOGLE, "M1", 1, "time")
        self.settled()
        events = w.odoo_events("M1")
        self.assertEqual(len(events), 3)
        self.assertEqual(len(events.filtered(lambda ev: not ev.follow_recurrence)), 1)

    def _exception_deleted_there_while_odoo_changes_its_series(
        self, organizer, provider, change
    ):
        """The organizer's Odoo series, its first occurrence renamed alone;
        then ``change`` of the whole series in Odoo (``"guest"``: Olga
        invited; ``"name"``: renamed, "All events") while the organizer
        deletes the renamed occurrence in the calendar. Odoo writes a
        series' change on every occurrence, its exceptions too: no change of
        that occurrence alone, the delete stays."""
        w = self.world
        w.odoo_create(organizer, [], day=0, hour=9, hours=3, series=True)
        w.odoo_occurrence("M1", 0, "name")
        self.settled()
        if change == "guest":
            w.odoo_guests("M1", OLGA, True)
        else:
            w.odoo_series("M1", 1, "name", "all_events")
        w.remote_occurrence(organizer, provider, "M1", 0, "delete")
        self.settled()
        events = w.odoo_events("M1")
        self.assertEqual(len(events), 2)
        self.assertTrue(all(events.mapped("follow_recurrence")))

    def test_exception_deleted_in_google_while_odoo_invites_to_its_series_stays_deleted(
        self,
    ):
        # finding BC (long runs on aa7d021, through Carol's Outlook mirror):
        # the series' write sent the exception again, which brought it back
        # in Google, and the occurrence pass then deleted it in Odoo
        self._exception_deleted_there_while_odoo_changes_its_series(
            ALICE, GOOGLE, "guest"
        )

    def test_exception_deleted_in_google_while_odoo_renames_its_series_stays_deleted(
        self,
    ):
        self._exception_deleted_there_while_odoo_changes_its_series(
            ALICE, GOOGLE, "name"
        )

    def test_exception_deleted_in_outlook_while_odoo_invites_to_its_series_is_deleted(
        self,
    ):
        # BC's Outlook twin (held before the fix too)
        self._exception_deleted_there_while_odoo_changes_its_series(
            BOB, MICROSOFT, "guest"
        )

    def _deleted_alone_then_whole_there_while_odoo_invites(self, organizer, provider):
        """The organizer's Odoo series in ``provider``: its third occurrence
        deleted alone there, then the whole series deleted there, while
        Odoo invites Dan to it. Odoo's change wins over the delete: the
        series comes back whole as Odoo has it, the third occurrence too
        (Outlook lists no delete of an occurrence alone, Google none that
        tells it from the delete of the series)."""
        w = self.world
        w.odoo_create(organizer, [], day=0, hour=10, hours=1, series=True)
        self.settled()
        w.remote_occurrence(organizer, provider, "M1", 2, "delete")
        w.odoo_guests("M1", DAN, True)
        w.remote_delete(organizer, provider, "M1")
        self.settled()
        events = w.odoo_events("M1")
        self.assertEqual(len(events), 3)
        self.assertTrue(all(w.partner(DAN) in ev.partner_ids for ev in events))

    def test_series_deleted_in_google_while_odoo_invites_comes_back_whole(self):
        # finding BE's small form (long runs on 9c76e58, 22 minutes)
        self._deleted_alone_then_whole_there_while_odoo_invites(ALICE, GOOGLE)

    def test_series_deleted_in_outlook_while_odoo_invites_comes_back_whole(self):
        # BE's Outlook twin
        self._deleted_alone_then_whole_there_while_odoo_invites(BOB, MICROSOFT)

    def test_series_renamed_and_deleted_in_google_while_odoo_invites_as_found(self):
        # finding BE as found: Alice's Odoo series, her first occurrence
        # renamed and her third deleted in Google, then the whole series
        # deleted there while Odoo invites Carol: Odoo's change wins, the
        # series comes back as Odoo has it (the machine took the third
        # occurrence for a delete that nothing brought back)
        w = self.world
        w.odoo_create(ALICE, [], day=0, hour=10, hours=1, series=True)
        w.odoo_guests("M1", ALICE, False)
        w.settle(
            [
                ("alice", GOOGLE),
                ("carol", GOOGLE),
                ("carol", MICROSOFT),
                ("bob", MICROSOFT),
            ]
        )
        w.remote_occurrence(ALICE, GOOGLE, "M1", 0, "name")
        w.remote_occurrence(ALICE, GOOGLE, "M1", 2, "delete")
        w.sync("carol", GOOGLE, "throttled_writes")
        w.odoo_guests("M1", CAROL, True)
        w.odoo_create(DAN, [CAROL], day=7, hour=11, hours=1, series=True)
        w.remote_delete(ALICE, GOOGLE, "M1")
        w.sync("bob", MICROSOFT)
        self.settled()
        self.assertEqual(w.odoo_events("M1").mapped("name"), ["M1"] * 3)

    def deleted_in_one_calendar_changed_in_the_other(self, deleting, changing):
        """Carol's Odoo series with Dan, Bob and Alice, in her Google and her
        Outlook; she deletes the series in her ``deleting`` calendar, deletes
        its second occurrence in Odoo and removes Alice from the series in her
        ``changing`` one: the series comes back, without that occurrence."""
        w = self.world
        w.odoo_create(CAROL, [DAN, BOB, ALICE], 2, 11, 2, False, True)
        self.settled()
        w.remote_delete(CAROL, deleting, "M1")
        w.odoo_occurrence("M1", 1, "delete")
        w.remote_toggle_guest(CAROL, changing, "M1", ALICE)
        self.settled()
        self.assertEqual(len(w.odoo_events("M1").filtered("active")), 2)

    def test_deleted_occurrence_stays_deleted_as_google_deletes_and_outlook_changes(
        self,
    ):
        # finding BO (long run on 35de9df, 51 minutes): her Google's delete
        # archived the series in Odoo and marked its occurrences for her
        # Outlook, as if each had been deleted alone; her Outlook's later
        # change brought the series back, and the occurrence she had deleted
        # alone came back with it. Archived with their series, the occurrences
        # are not marked: the series is
        self.deleted_in_one_calendar_changed_in_the_other(GOOGLE, MICROSOFT)

    def test_deleted_occurrence_stays_deleted_as_outlook_deletes_and_google_changes(
        self,
    ):
        # BO's twin, the calendars the other way round
        self.deleted_in_one_calendar_changed_in_the_other(MICROSOFT, GOOGLE)

    def test_deleted_occurrence_stays_deleted_as_one_calendar_deletes_series_as_found(
        self,
    ):
        w = self.world
        w.odoo_create(ALICE, [], 0, 7, 1)
        w.odoo_delete("M1")
        w.sync("alice", GOOGLE)
        w.settle()
        w.settle()
        w.settle(
            [
                ("carol", MICROSOFT),
                ("alice", GOOGLE),
                ("carol", GOOGLE),
                ("bob", MICROSOFT),
            ]
        )
        w.odoo_create(
            CAROL, allowed_guests(CAROL, [DAN, BOB, ALICE], True), 2, 11, 2, False, True
        )
        order = [
            ("carol", MICROSOFT),
            ("bob", MICROSOFT),
            ("alice", GOOGLE),
            ("carol", GOOGLE),
        ]
        w.settle(order)
        w.check()
        w.remote_delete(CAROL, GOOGLE, "M2")
        w.odoo_occurrence("M2", 1, "delete")
        w.remote_toggle_guest(CAROL, MICROSOFT, "M2", ALICE)
        self.settled()
