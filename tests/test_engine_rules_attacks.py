# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Rules of the sync engine v2: a remote item anyone can write (an invitation
naming a colleague, a copied iCalUID or series id, the Odoo id our push writes)
never acts on someone else's calendar.
"""

from datetime import UTC, datetime

from odoo import Command
from odoo.tests import tagged

from .common import binding
from .engine_rules_common import EngineCase, _future

ALICE = "alice@example.com"
BOB = "bob@example.com"


@tagged("post_install", "-at_install", "calendar_sync")
class TestAttacksOnSomeoneElsesCalendar(EngineCase):
    """A user's sync only changes what that user's own calendars hold."""

    def test_an_invitation_naming_a_colleague_as_organizer_stays_the_recipients_copy(
        self,
    ):
        # Bob syncs Google and Outlook; Mallory (outside) invites Bob to a
        # meeting whose ORGANIZER is Alice's address, with outside guests
        bob_google = self.connect_google(self.bob)
        alice_outlook = self.connect_microsoft(self.alice)
        self.google.add_account("mallory@evil.example")
        self.google.add_event(
            BOB,
            {
                "summary": "Wire the money",
                "start": {"dateTime": _future(2).isoformat() + "Z"},
                "end": {"dateTime": _future(2, 10).isoformat() + "Z"},
                "organizer": {"email": ALICE},
                "attendees": [
                    {"email": ALICE, "organizer": True},
                    {"email": BOB},
                    {"email": "victim@partner.example"},
                ],
            },
        )
        self.sync(bob_google, alice_outlook)
        event = self.Event.search([("name", "=", "Wire the money")])
        self.assertEqual(event.user_id, self.bob, "never Alice's event")
        # Alice's calendar never sends it, nobody is invited in her name
        self.assertEqual(self.graph.events(ALICE), [])
        self.assertEqual(self.graph.invitations, [])

    def test_a_copy_of_an_outside_meeting_naming_another_organizer_never_joins_it(
        self,
    ):
        # Olga (outside) invites Alice; Mallory (outside) then invites Bob to
        # an event with the meeting's iCalUID
        alice = self.connect_google(self.alice)
        bob = self.connect_google(self.bob)
        slot = {
            "start": {"dateTime": _future(3).isoformat() + "Z"},
            "end": {"dateTime": _future(3, 10).isoformat() + "Z"},
            "iCalUID": "board-7@outside.example",
        }
        for organizer, guest, name in (
            ("olga@outside.example", ALICE, "Board"),
            ("mallory@evil.example", BOB, "Hijacked"),
        ):
            self.google.add_account(organizer)
            self.google.add_event(
                organizer, {"summary": name, "attendees": [{"email": guest}], **slot}
            )
            self.sync(alice)
            if name == "Board":
                board = self.Event.search([("name", "=", "Board")])
                self.assertEqual(len(board), 1)
                self.assertTrue(board.calendar_sync_binding_ids.guest_copy)
        self.sync(bob, alice)
        self.assertEqual(board.name, "Board")
        self.assertNotIn(self.bob.partner_id, board.partner_ids)
        self.assertEqual(
            board.calendar_sync_binding_ids.account_id, alice, "bound once, Alice's"
        )
        self.assertEqual(
            self.Event.search([("name", "=", "Hijacked")]).user_id, self.bob
        )

    def test_an_item_naming_ones_own_event_never_takes_a_colleagues_outside_copy(
        self,
    ):
        # Olga (outside) invites Alice; Bob then writes in his own calendar an
        # item with the meeting's iCalUID, the Odoo id of an event of his own
        # (never sent yet: a push whose answer was lost, it seems) and Alice
        # as a guest: Alice's copy is hers, no early import of Bob's meeting
        alice = self.connect_google(self.alice)
        slot = {
            "start": {"dateTime": _future(3).isoformat() + "Z"},
            "end": {"dateTime": _future(3, 10).isoformat() + "Z"},
            "iCalUID": "board-8@outside.example",
        }
        self.google.add_account("olga@outside.example")
        self.google.add_event(
            "olga@outside.example",
            {"summary": "Board", "attendees": [{"email": ALICE}], **slot},
        )
        self.sync(alice)
        board = self.Event.search([("name", "=", "Board")])
        self.assertTrue(board.calendar_sync_binding_ids.guest_copy)
        bob = self.connect_google(self.bob)
        own = self.event("Bob's own", user=self.bob)
        self.google.add_event(
            BOB,
            {
                "summary": "Hijacked",
                "attendees": [{"email": ALICE}],
                "extendedProperties": {"private": {"odoo_id": str(own.id)}},
                **slot,
            },
        )
        self.sync(bob)
        self.assertTrue(board.exists(), "Alice's copy stays")
        self.assertEqual(board.name, "Board")
        self.assertEqual(board.user_id, self.alice)
        self.assertEqual(
            board.calendar_sync_binding_ids.account_id, alice, "bound once, Alice's"
        )
        # Bob's item is his own event's (he may invite Alice to it), never
        # bound to Alice's calendar
        self.assertNotIn(alice, own.sudo().calendar_sync_binding_ids.account_id)

    def test_an_occurrence_a_guest_was_left_out_of_stays_for_the_others(self):
        # finding AF: Alice leaves Bob out of one occurrence of her series;
        # Outlook deletes it from Bob's calendar, and his run deleted it from
        # Odoo for everyone
        alice = self.connect_microsoft(self.alice)
        bob = self.connect_microsoft(self.bob)
        both = self.alice.partner_id.ids + self.bob.partner_id.ids
        recurrence = self.series(name="Weekly", partner_ids=[Command.set(both)])
        self.sync(alice, bob)
        first, second, third = recurrence.calendar_event_ids.sorted("start")
        second.with_user(self.alice).write(
            {
                "partner_ids": [Command.unlink(self.bob.partner_id.id)],
                "recurrence_update": "self_only",
            }
        )
        self.sync(alice, bob)
        self.assertTrue(second.active, "still Alice's")
        self.assertEqual(second.user_id, self.alice)
        self.assertNotIn(self.bob.partner_id, second.partner_ids)
        self.assertFalse(binding(second, "microsoft", self.bob).remote_id)
        self.assertIn(self.bob.partner_id, first.partner_ids | third.partner_ids)

    def test_writing_the_flags_of_odoos_recurrence_hooks_changes_no_binding(self):
        # the technical flags Odoo's recurrence code sets through its hooks
        # (calendar_sync_settled, calendar_sync_unbound) are writable fields:
        # Bob writes them, as over RPC, on Alice's synced exception, which
        # would have released it or handed its instance to a stand-in that
        # her next run deletes in Google
        alice = self.connect_google(self.alice)
        recurrence = self.series(name="Weekly")
        self.sync(alice)
        second = recurrence.calendar_event_ids.sorted("start")[1]
        second.with_user(self.alice).write(
            {"name": "Weekly (moved talk)", "recurrence_update": "self_only"}
        )
        self.sync(alice)
        fields = ["remote_id", "etag", "original_start", "need_sync", "event_id"]
        before = binding(second, "google").read(fields)
        self.assertTrue(before[0]["remote_id"])
        second.with_user(self.bob).write(
            {"calendar_sync_unbound": True, "calendar_sync_settled": True}
        )
        second.with_user(self.bob).write({"calendar_sync_unbound": True})
        after = binding(second, "google")
        self.assertTrue(after, "the exception is still bound in Alice's Google")
        self.assertEqual(after.read(fields), before)
        self.assertFalse(self.Event.search([("calendar_sync_deleted", "=", True)]))
        self.sync(alice)
        self.assertEqual(
            [
                i["summary"]
                for i in self.google.events(ALICE)
                if "moved" in i["summary"]
            ],
            ["Weekly (moved talk)"],
        )

    def test_writing_the_slot_an_occurrence_left_is_ignored(self):
        # the slot an occurrence left when changed alone in Odoo places it in
        # its series in every calendar: Bob writes it, as over RPC, on Alice's
        # exception (and on one of her occurrences), which would have moved
        # where her calendar keeps it
        alice = self.connect_google(self.alice)
        recurrence = self.series(name="Weekly")
        self.sync(alice)
        second, third = recurrence.calendar_event_ids.sorted("start")[1:3]
        second.with_user(self.alice).write(
            {"name": "Weekly (moved talk)", "recurrence_update": "self_only"}
        )
        left = second.calendar_sync_left_slot
        self.assertEqual(left, second.start, "Odoo remembers the slot it left")
        forged = third.start
        second.with_user(self.bob).write({"calendar_sync_left_slot": forged})
        third.with_user(self.bob).write({"calendar_sync_left_slot": forged})
        self.assertEqual(second.calendar_sync_left_slot, left)
        self.assertFalse(third.calendar_sync_left_slot)
        extra = self.Event.with_user(self.bob).create(
            {
                "name": "Weekly (extra)",
                "start": forged,
                "stop": forged,
                "recurrence_id": recurrence.id,
                "calendar_sync_left_slot": forged,
            }
        )
        self.assertFalse(extra.calendar_sync_left_slot)
        extra.unlink()
        extra = (
            self.Event.with_user(self.bob)
            .with_context(default_calendar_sync_left_slot=forged)
            .create(
                {
                    "name": "Weekly (extra)",
                    "start": forged,
                    "stop": forged,
                    "recurrence_id": recurrence.id,
                }
            )
        )
        self.assertFalse(extra.calendar_sync_left_slot)
        extra.unlink()
        self.sync(alice)
        moved = [i for i in self.google.events(ALICE) if "moved" in i["summary"]]
        self.assertEqual(len(moved), 1)
        original = moved[0]["originalStartTime"]["dateTime"].replace("Z", "+00:00")
        self.assertEqual(
            datetime.fromisoformat(original).astimezone(UTC).replace(tzinfo=None),
            left,
        )

    def test_a_series_id_in_ones_own_calendar_never_takes_over_a_colleagues_series(
        self,
    ):
        alice = self.connect_google(self.alice)
        recurrence = self.series(name="Alice's weekly")
        self.sync(alice)
        master_id = binding(recurrence, "google").remote_id
        master = self.google.get_event(ALICE, master_id)
        # Bob copies the series, id included, into his own calendar
        bob = self.connect_google(self.bob)
        copy = {
            k: v
            for k, v in master.items()
            if k in ("summary", "start", "end", "recurrence", "iCalUID")
        }
        copy.update(id=master_id, summary="Bob's takeover")
        self.google.add_event(BOB, copy)
        self.sync(bob)
        self.assertEqual(
            set(recurrence.calendar_event_ids.mapped("name")), {"Alice's weekly"}
        )
        self.assertEqual(recurrence.base_event_id.user_id, self.alice)
        # and when Bob deletes it from his calendar, Alice's series stays
        self.google.delete_event(BOB, master_id)
        self.sync(bob, alice)
        self.assertTrue(recurrence.exists())
        self.assertEqual(len(recurrence.calendar_event_ids), 3)
        self.assertEqual(self.google.get_event(ALICE, master_id)["status"], "confirmed")
