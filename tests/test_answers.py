# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import (
    AliceSyncCase,
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    answer_pending,
    binding,
    bound_to,
    first_monday,
    make_users,
)
from .common import (
    event_times as graph_times,
)

ALICE = "alice@example.com"
BOB = "bob@example.com"
CAROL = "carol@partner.example"


def graph_attendee(email, name=""):
    return {"emailAddress": {"address": email, "name": name}, "type": "required"}


def own_attendee(event, user):
    return event.attendee_ids.filtered(lambda att: att.partner_id == user.partner_id)


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookAnswers(AliceSyncCase, GraphEmulatorMixin, TransactionCase):
    """A user's own answer given in Odoo reaches Outlook through accept /
    tentativelyAccept / decline, in the sync's $batch."""

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)
        self.start = first_monday()

    def invitation(self, organizer=CAROL, **body):
        """An invitation from ``organizer`` in Alice's Outlook, imported."""
        remote = self.graph.add_event(
            ALICE,
            {
                "subject": "Partner call",
                **graph_times(self.start),
                "attendees": [graph_attendee(ALICE, "Alice")],
                **body,
            },
            organizer=organizer,
        )
        self.sync()
        event = self.Event.search([bound_to("microsoft", remote["id"])])
        self.assertEqual(len(event), 0 if "recurrence" in body else 1)
        return remote, event

    def answers(self, since, action):
        return [
            r
            for r in self.graph.requests[since:]
            if r.method == "POST" and r.path.endswith("/" + action)
        ]

    def own_status(self, event_id):
        [remote] = [e for e in self.graph.events(ALICE) if e["id"] == event_id]
        [mine] = [
            a for a in remote["attendees"] if a["emailAddress"]["address"] == ALICE
        ]
        return mine["status"]["response"]

    def test_accept_in_odoo_goes_out_through_accept(self):
        remote, event = self.invitation()
        self.assertTrue(binding(event, "microsoft").guest_copy)
        mine = own_attendee(event, self.alice)
        self.assertEqual(mine.state, "needsAction")
        self.assertFalse(answer_pending(mine, "microsoft"))
        mine.with_user(self.alice).do_accept()
        self.assertTrue(answer_pending(mine, "microsoft"))
        self.assertTrue(self.account.answers_pending)
        since = len(self.graph.requests)
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        [call] = self.answers(since, "accept")
        self.assertTrue(call.in_batch)
        self.assertEqual(call.path, f"/v1.0/me/events/{remote['id']}/accept")
        self.assertEqual(self.own_status(remote["id"]), "accepted")
        # sendResponse: the organizer is told
        sent = [m for m in self.graph.invitations if m["action"] == "accepted"]
        self.assertEqual([m["recipients"] for m in sent], [[CAROL]])
        self.assertFalse(answer_pending(mine, "microsoft"))
        self.assertFalse(self.account.answers_pending)
        self.assertEqual(mine.state, "accepted")
        # the answer coming back from Outlook is not sent again
        since = len(self.graph.requests)
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})
        self.assertEqual(self.answers(since, "accept"), [])

    def test_decline_from_the_mail_link_goes_out_through_decline(self):
        remote, event = self.invitation()
        mine = own_attendee(event, self.alice)
        # the invitation mail's link runs as superuser, not as Alice
        mine.sudo().do_decline()
        since = len(self.graph.requests)
        self.sync()
        self.assertEqual(len(self.answers(since, "decline")), 1)
        self.assertEqual(self.own_status(remote["id"]), "declined")
        self.assertEqual(mine.state, "declined")

    def test_tentative_write_of_state_goes_out_through_tentatively_accept(self):
        remote, event = self.invitation()
        own_attendee(event, self.alice).with_user(self.alice).write(
            {"state": "tentative"}
        )
        since = len(self.graph.requests)
        self.sync()
        self.assertEqual(len(self.answers(since, "tentativelyAccept")), 1)
        self.assertEqual(self.own_status(remote["id"]), "tentativelyAccepted")

    def test_answer_to_a_recurring_invitation_goes_to_the_series_master(self):
        # from a colleague who does not sync Outlook: the series is in Alice's
        # mailbox only; the organizer e-mail does not make Bob its organizer
        # in Odoo (anyone can send such an invitation): it is Alice's copy
        remote, _event = self.invitation(
            organizer=BOB,
            subject="Weekly review",
            recurrence={
                "pattern": {
                    "type": "weekly",
                    "interval": 1,
                    "daysOfWeek": ["monday"],
                    "firstDayOfWeek": "sunday",
                },
                "range": {
                    "type": "numbered",
                    "startDate": self.start.date().isoformat(),
                    "numberOfOccurrences": 3,
                    "recurrenceTimeZone": "Europe/Brussels",
                },
            },
        )
        recurrence = self.env["calendar.recurrence"].search(
            [bound_to("microsoft", remote["id"])]
        )
        occurrences = recurrence.calendar_event_ids.sorted("start")
        self.assertEqual(len(occurrences), 3)
        self.assertEqual(occurrences.user_id, self.alice)
        self.assertTrue(binding(recurrence, "microsoft").guest_copy)
        own_attendee(occurrences[1], self.alice).with_user(self.alice).do_decline()
        since = len(self.graph.requests)
        self.sync()
        [call] = self.answers(since, "decline")
        self.assertEqual(call.path, f"/v1.0/me/events/{remote['id']}/decline")
        self.assertEqual(self.own_status(remote["id"]), "declined")
        # Outlook declined every occurrence; Odoo follows
        attendees = occurrences.attendee_ids.filtered(
            lambda att: att.partner_id == self.alice.partner_id
        )
        self.assertEqual(set(attendees.mapped("state")), {"declined"})
        self.assertFalse(any(answer_pending(a, "microsoft") for a in attendees))

    def test_answer_given_in_outlook_does_not_bounce_back(self):
        remote, event = self.invitation()
        self.graph.set_attendee_response(ALICE, remote["id"], ALICE, "accepted")
        since = len(self.graph.requests)
        self.sync()
        mine = own_attendee(event, self.alice)
        self.assertEqual(mine.state, "accepted")
        self.assertFalse(answer_pending(mine, "microsoft"))
        self.assertEqual(self.answers(since, "accept"), [])
        self.assertEqual(self.sync(), {"pulled": 0, "pushed": 0, "failed": 0})

    def test_answer_given_in_odoo_wins_over_an_older_one_pulled_meanwhile(self):
        remote, event = self.invitation()
        mine = own_attendee(event, self.alice)
        mine.with_user(self.alice).do_accept()
        # meanwhile the organizer renames the meeting: the pull brings Alice's
        # old "no answer" back, which must not undo her answer
        self.graph.update_event(ALICE, remote["id"], {"subject": "Partner call (v2)"})
        self.sync()
        self.assertEqual(event.name, "Partner call (v2)")
        self.assertEqual(mine.state, "accepted")
        self.assertEqual(self.own_status(remote["id"]), "accepted")

    def test_refused_answer_is_reported_once_without_stopping_the_sync(self):
        _remote, event = self.invitation()
        mine = own_attendee(event, self.alice)
        mine.with_user(self.alice).do_accept()
        self.graph.inject(
            method="POST", path_regex="/accept$", status=403, in_batch=True, times=5
        )
        counters = self.account._sync()
        self.assertEqual(counters["failed"], 1)
        self.assertEqual(self.account.state, "connected")
        self.assertIn(
            "Your answer to Partner call could not be sent to Outlook",
            self.account.last_error,
        )
        # refused for good: not sent again on every run
        self.assertFalse(answer_pending(mine, "microsoft"))
        self.assertEqual(self.sync()["failed"], 0)

    def test_organizer_answers_are_not_sent(self):
        self.sync()
        event = self.Event.with_user(self.alice).create(
            {
                "name": "My meeting",
                "start": self.start,
                "stop": self.start + timedelta(hours=1),
                "partner_ids": [Command.set(self.alice.partner_id.ids)],
            }
        )
        self.sync()
        mine = own_attendee(event, self.alice)
        mine.with_user(self.alice).do_tentative()
        self.assertFalse(answer_pending(mine, "microsoft"))
        since = len(self.graph.requests)
        self.sync()
        self.assertEqual(self.answers(since, "tentativelyAccept"), [])


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleAnswers(GoogleEmulatorMixin, TransactionCase):
    """A user's own answer given in Odoo reaches Google: their account patches
    their own responseStatus on their copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)
        cls.Event = cls.env["calendar.event"]

    def setUp(self):
        super().setUp()
        self.alice_account = self.connect_google(self.alice)
        self.bob_account = self.connect_google(self.bob)

    def shared_event(self, **values):
        """An event Alice organizes with Bob, synced through both accounts."""
        event = self.Event.with_user(self.alice).create(
            {
                "name": "Review",
                "start": datetime(2030, 3, 4, 9),
                "stop": datetime(2030, 3, 4, 10),
                "partner_ids": [
                    Command.set((self.alice.partner_id | self.bob.partner_id).ids)
                ],
                **values,
            }
        )
        self.alice_account._sync()
        self.bob_account._sync()
        self.assertTrue(binding(event, "google").remote_id)
        return event

    def bob_writes(self, since):
        return [
            r
            for r in self.google.requests[since:]
            if r.get("account") == BOB and r["method"] != "GET"
        ]

    def remote_answers(self, event_id):
        remote = self.google.get_event(ALICE, event_id)
        return {a["email"]: a.get("responseStatus") for a in remote["attendees"]}

    def test_accept_of_a_shared_event_goes_out_through_the_guest(self):
        event = self.shared_event()
        self.assertEqual(
            self.remote_answers(binding(event, "google").remote_id)[BOB], "needsAction"
        )
        bob = own_attendee(event, self.bob)
        bob.with_user(self.bob).do_accept()
        self.assertTrue(answer_pending(bob, "google"))
        since = len(self.google.requests)
        counters = self.bob_account._sync()
        self.assertEqual(self.bob_account.state, "connected")
        self.assertFalse(self.bob_account.last_error)
        self.assertEqual(counters["pushed"], 1)
        [patch] = self.bob_writes(since)
        self.assertEqual(patch["method"], "PATCH")
        self.assertTrue(patch["path"].endswith(binding(event, "google").remote_id))
        self.assertEqual(patch["sendUpdates"], "all")
        answers = self.remote_answers(binding(event, "google").remote_id)
        self.assertEqual(answers[BOB], "accepted")
        self.assertEqual(answers[ALICE], "accepted")  # the organizer's untouched
        self.assertFalse(answer_pending(bob, "google"))
        # nothing bounces: not from Bob, and not from Alice (she organizes it)
        since = len(self.google.requests)
        self.bob_account._sync()
        self.alice_account._sync()
        self.assertEqual(self.bob_writes(since), [])
        self.assertEqual(bob.state, "accepted")
        self.assertFalse(binding(event, "google").need_sync)

    def test_answer_of_a_shared_event_respects_block_mail(self):
        self.env["ir.config_parameter"].sudo().set_param("calendar.block_mail", "1")
        event = self.shared_event()
        own_attendee(event, self.bob).with_user(self.bob).do_decline()
        since = len(self.google.requests)
        self.bob_account._sync()
        [patch] = self.bob_writes(since)
        self.assertEqual(patch["sendUpdates"], "none")
        self.assertEqual(
            self.remote_answers(binding(event, "google").remote_id)[BOB], "declined"
        )

    def test_answer_given_in_google_does_not_bounce_back(self):
        event = self.shared_event()
        self.google.update_event(
            BOB,
            binding(event, "google").remote_id,
            {
                "attendees": [
                    {"email": ALICE, "responseStatus": "accepted"},
                    {"email": BOB, "responseStatus": "tentative"},
                ]
            },
        )
        since = len(self.google.requests)
        self.bob_account._sync()
        bob = own_attendee(event, self.bob)
        self.assertEqual(bob.state, "tentative")
        self.assertFalse(answer_pending(bob, "google"))
        self.assertEqual(self.bob_writes(since), [])
        self.assertFalse(self.bob_account.answers_pending)

    def shared_series(self):
        """A weekly series of three Alice organizes with Bob, synced through
        both accounts; its first event."""
        return self.shared_event(
            recurrency=True,
            rrule_type="weekly",
            interval=1,
            end_type="count",
            count=3,
            mon=True,
            event_tz="Europe/Brussels",
        )

    def declined_series(self):
        """Alice's weekly series with Bob, which Bob declined in Odoo: his
        answer reached Google and shows on every occurrence."""
        event = self.shared_series()
        occurrences = event.recurrence_id.calendar_event_ids.sorted("start")
        own_attendee(occurrences[1], self.bob).with_user(self.bob).do_decline()
        self.bob_account._sync()
        self.assertEqual(
            own_attendee(occurrences, self.bob).mapped("state"), ["declined"] * 3
        )
        return occurrences

    def assert_series_declined_by_bob(self, recurrence, count):
        occurrences = recurrence.calendar_event_ids
        self.assertEqual(len(occurrences), count)
        bob = own_attendee(occurrences, self.bob)
        self.assertEqual(bob.mapped("state"), ["declined"] * count)
        self.assertFalse(any(answer_pending(att, "google") for att in bob))
        since = len(self.google.requests)
        self.alice_account._sync()
        master_id = binding(recurrence, "google").remote_id
        self.assertEqual(self.remote_answers(master_id)[BOB], "declined")
        self.bob_account._sync()
        self.assertEqual(self.bob_writes(since), [])

    def test_occurrences_added_from_one_occurrence_on_show_the_series_answers(self):
        # "This and following events" with one more occurrence: Odoo makes the
        # later part from the occurrence it starts at, which keeps Bob's
        # decline, and its other occurrences anew; they show it too, as the
        # later part's series does in Google
        occurrences = self.declined_series()
        second = occurrences[1].with_user(self.alice)
        second.write(
            {"recurrence_update": "future_events", "count": 3, "end_type": "count"}
        )
        later = second.recurrence_id
        self.assertNotEqual(later, occurrences[0].recurrence_id)
        self.assert_series_declined_by_bob(later, 3)

    def test_occurrences_added_to_the_whole_series_show_its_answers(self):
        occurrences = self.declined_series()
        first = occurrences[0].with_user(self.alice)
        first.write({"recurrence_update": "all_events", "count": 4})
        recurrence = self.env["calendar.event"].browse(first.id).recurrence_id
        self.assert_series_declined_by_bob(recurrence, 4)

    def test_answer_to_a_shared_series_goes_to_its_master(self):
        event = self.shared_series()
        recurrence = event.recurrence_id
        self.assertTrue(binding(recurrence, "google").remote_id)
        occurrences = recurrence.calendar_event_ids.sorted("start")
        own_attendee(occurrences[1], self.bob).with_user(self.bob).do_accept()
        since = len(self.google.requests)
        self.bob_account._sync()
        [patch] = self.bob_writes(since)
        self.assertTrue(patch["path"].endswith(binding(recurrence, "google").remote_id))
        self.assertEqual(
            self.remote_answers(binding(recurrence, "google").remote_id)[BOB],
            "accepted",
        )
