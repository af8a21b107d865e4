# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime, timedelta, timezone

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from ..services.graph_mapper import from_graph
from ..services.snapshot import canonical
from .common import (
    AliceSyncCase,
    GoogleEmulatorMixin,
    GraphEmulatorMixin,
    binding,
    bound_to,
    bound_values,
    first_monday,
    make_users,
)
from .common import (
    event_times as graph_times,
)


@tagged("post_install", "-at_install", "calendar_sync")
class TestMicrosoftSync(AliceSyncCase, GraphEmulatorMixin, TransactionCase):
    """Two-way sync with Outlook through the Graph emulator, same engine as Google."""

    ALICE = "alice@example.com"

    def setUp(self):
        super().setUp()
        self.account = self.connect_microsoft(self.alice)
        # events in the delta window (1 year back, 2 ahead)
        self.start = first_monday()

    def remote(self):
        return self.graph.events(self.ALICE)

    # ------------------------------------------------------------ singles
    def test_first_sync_imports_outlook_events(self):
        self.graph.add_event(
            self.ALICE,
            {
                "subject": "Board meeting",
                "body": {"contentType": "html", "content": "<p>Agenda</p>"},
                "location": {"displayName": "Room 1"},
                "sensitivity": "private",
                "showAs": "free",
                **graph_times(self.start + timedelta(days=1, hours=1)),
            },
        )
        counters = self.sync()
        self.assertEqual(counters["pulled"], 1)
        event = self.Event.search([("name", "=", "Board meeting")])
        self.assertEqual(event.location, "Room 1")
        self.assertEqual(event.privacy, "private")
        self.assertEqual(event.show_as, "free")
        self.assertIn("Agenda", str(event.description))
        self.assertTrue(binding(event, "microsoft").remote_id)
        self.assertTrue(self.account.sync_token)

    def test_new_odoo_event_is_created_in_outlook_once(self):
        self.sync()
        event = self.local_event(location="Brussels")
        counters = self.sync()
        self.assertEqual(counters["pushed"], 1)
        [remote] = self.remote()
        self.assertEqual(remote["subject"], "Planning")
        self.assertEqual(remote["id"], binding(event, "microsoft").remote_id)
        self.assertTrue(remote.get("transactionId"))
        self.assertFalse(binding(event, "microsoft").need_sync)
        counters = self.sync()  # our own write comes back: nothing to do
        self.assertEqual(counters, {"pulled": 0, "pushed": 0, "failed": 0})

    def test_incremental_changes_flow_both_ways(self):
        self.sync()
        event = self.local_event()
        self.sync()
        event.with_user(self.alice).write({"name": "Renamed in Odoo"})
        self.sync()
        self.assertEqual(self.remote()[0]["subject"], "Renamed in Odoo")
        self.graph.update_event(
            self.ALICE,
            binding(event, "microsoft").remote_id,
            {"subject": "From Outlook"},
        )
        self.sync()
        self.assertEqual(event.name, "From Outlook")

    def test_deletes_flow_both_ways(self):
        self.sync()
        first = self.local_event(name="First")
        second = self.local_event(name="Second")
        self.sync()
        first.with_user(self.alice).unlink()
        self.graph.delete_event(self.ALICE, binding(second, "microsoft").remote_id)
        self.sync()
        self.assertFalse(first.exists())
        self.assertFalse(second.exists())
        self.assertEqual(self.remote(), [])

    def test_every_mapped_field_round_trips(self):
        self.sync()
        event = self.local_event(
            description="<p>Bring <b>slides</b></p>",
            location="Room 42",
            privacy="private",
            show_as="free",
            alarm_ids=[
                Command.set(
                    list(
                        self.env["calendar.alarm"]
                        ._calendar_sync_find_or_create({("notification", 15)})
                        .values()
                    )
                )
            ],
        )
        before = canonical(event._calendar_sync_neutral())
        self.sync()
        [remote] = self.remote()
        after = canonical(from_graph(remote))
        for key in (
            "name",
            "location",
            "privacy",
            "show_as",
            "start",
            "stop",
            "alarms",
        ):
            self.assertEqual(after[key], before[key], key)
        self.assertIn("slides", after["description"])

    def test_conflict_keeps_the_later_change_and_posts_the_other(self):
        self.sync()
        event = self.local_event()
        self.sync()
        self.graph.update_event(
            self.ALICE,
            binding(event, "microsoft").remote_id,
            {"subject": "Outlook title"},
        )
        event.with_user(self.alice).write({"name": "Odoo title"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE calendar_event SET write_date = %s WHERE id = %s",
            [datetime.now() + timedelta(hours=1), event.id],
        )
        event.invalidate_recordset(["write_date"])
        self.sync()
        self.assertEqual(event.name, "Odoo title")
        self.assertEqual(self.remote()[0]["subject"], "Odoo title")
        self.assertIn("Outlook title", event.message_ids[0].body)

    def test_retried_create_makes_no_duplicate(self):
        self.sync()
        event = self.local_event()
        self.graph.inject(
            method="POST", path_regex="/me/events", status=503, times=1, in_batch=True
        )
        self.account._sync()  # a run never sleeps: the next one creates it
        self.sync()
        self.assertEqual(len(self.remote()), 1)
        self.assertEqual(self.remote()[0]["id"], binding(event, "microsoft").remote_id)

    def test_throttling_storm_is_pushed_by_the_next_runs_without_waiting(self):
        self.sync()
        self.graph.mailbox_concurrency_limit = 4
        events = self.Event
        for index in range(12):
            events |= self.local_event(name=f"Event {index}")
        self.graph.inject(status=429, retry_after=1, times=10, in_batch=True)
        # a run never sleeps: what is throttled is sent by the next runs
        for _run in range(8):
            self.account._sync()
        self.assertEqual(len(self.remote()), 12)
        self.assertFalse(any(bound_values(events, "microsoft", "need_sync")))

    # ------------------------------------------------------------ series
    def odoo_series(self, count=4, **values):
        vals = {
            "recurrency": True,
            "rrule_type": "weekly",
            "interval": 1,
            "end_type": "count",
            "count": count,
            "mon": True,
            "event_tz": "Europe/Brussels",
            "name": "Weekly sync",
        }
        vals.update(values)
        return self.local_event(**vals).recurrence_id

    def occurrences(self, recurrence):
        return recurrence.calendar_event_ids.sorted("start")

    def outlook_instances(self, master_id):
        start, end = self.start - timedelta(days=30), self.start + timedelta(days=400)
        return self.graph.instances(self.ALICE, master_id, start, end)

    def test_series_created_in_odoo_is_one_outlook_series_editable_in_odoo(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        masters = [e for e in self.remote() if e.get("type") == "seriesMaster"]
        self.assertEqual(len(masters), 1)
        self.assertEqual(masters[0]["recurrence"]["pattern"]["type"], "weekly")
        self.assertEqual(len(self.outlook_instances(masters[0]["id"])), 4)
        self.assertTrue(
            all(bound_values(self.occurrences(recurrence), "microsoft", "remote_id"))
        )
        # edit the whole series in Odoo (Odoo core forbids it while Outlook syncs)
        self.occurrences(recurrence)[0].with_user(self.alice).write(
            {"name": "Weekly sync (renamed)", "recurrence_update": "all_events"}
        )
        self.sync()
        [master] = [e for e in self.remote() if e.get("type") == "seriesMaster"]
        self.assertEqual(master["subject"], "Weekly sync (renamed)")

    def test_moved_and_cancelled_occurrences_in_odoo_reach_outlook(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        occurrences = self.occurrences(recurrence)
        moved, cancelled = occurrences[1], occurrences[2]
        moved.with_user(self.alice).write(
            {
                "start": moved.start + timedelta(hours=5),
                "stop": moved.stop + timedelta(hours=5),
                "recurrence_update": "self_only",
            }
        )
        cancelled.with_user(self.alice).action_mass_archive("self_only")
        self.sync()
        instances = {
            i["id"]: i
            for i in self.outlook_instances(binding(recurrence, "microsoft").remote_id)
        }
        self.assertEqual(len(instances), 3)
        self.assertEqual(
            instances[binding(moved, "microsoft").remote_id]["type"], "exception"
        )

    def _delete_each_occurrence_alone(self, recurrence):
        for event in self.occurrences(recurrence):
            event.with_user(self.alice).action_mass_archive("self_only")

    def test_series_whose_occurrences_are_all_deleted_alone_is_deleted_in_outlook(
        self,
    ):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "microsoft").remote_id
        self._delete_each_occurrence_alone(recurrence)
        # Odoo would delete the series with its last occurrence: a synced one
        # stays, every occurrence archived, as after "Delete all events"
        self.assertTrue(recurrence.exists())
        self.assertFalse(recurrence.calendar_event_ids)
        self.sync()
        self.assertFalse([e for e in self.remote() if e["id"] == master_id])
        self.assertFalse(self.remote())
        self.sync()
        self.assertFalse(self.remote())

    def test_series_deleted_this_and_following_from_its_first_left_is_deleted(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "microsoft").remote_id
        first, second = self.occurrences(recurrence)[:2]
        first.with_user(self.alice).action_mass_archive("self_only")
        second.with_user(self.alice).action_mass_archive("future_events")
        self.assertTrue(recurrence.exists())
        self.sync()
        self.assertFalse([e for e in self.remote() if e["id"] == master_id])
        self.assertFalse(self.remote())
        self.assertEqual(self.sync()["pushed"], 0)

    def test_series_deleted_with_odoos_delete_all_is_deleted_in_outlook(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        self.occurrences(recurrence)[1].with_user(self.alice).action_mass_deletion(
            "all_events"
        )
        self.sync()
        self.assertFalse(self.remote())
        self.assertEqual(self.sync()["pushed"], 0)

    def test_series_deleted_alone_in_odoo_then_changed_in_outlook_comes_back(self):
        self.sync()
        recurrence = self.odoo_series()
        self.sync()
        master_id = binding(recurrence, "microsoft").remote_id
        self._delete_each_occurrence_alone(recurrence)
        self.graph.update_event(
            self.ALICE, master_id, {"location": {"displayName": "Room 7"}}
        )
        self.sync()  # the calendar's later change wins
        self.assertFalse(self.account.pending_items)
        self.assertEqual(
            self.occurrences(recurrence).mapped("location"), ["Room 7"] * 4
        )
        self.assertEqual(len(self.outlook_instances(master_id)), 4)
        self.assertEqual(self.Event.search_count([("name", "=", "Weekly sync")]), 4)

    def test_series_created_in_outlook_with_moved_and_cancelled_occurrences(self):
        first = self.start
        master = self.graph.add_event(
            self.ALICE,
            {
                "subject": "Standup",
                **graph_times(first, hours=0.25),
                "recurrence": {
                    "pattern": {
                        "type": "weekly",
                        "interval": 1,
                        "daysOfWeek": ["monday"],
                        "firstDayOfWeek": "sunday",
                    },
                    "range": {
                        "type": "numbered",
                        "startDate": first.date().isoformat(),
                        "numberOfOccurrences": 4,
                        "recurrenceTimeZone": "Europe/Brussels",
                    },
                },
            },
        )
        self.sync()
        recurrence = self.env["calendar.recurrence"].search(
            [bound_to("microsoft", master["id"])]
        )
        self.assertEqual(len(self.occurrences(recurrence)), 4)
        instances = self.outlook_instances(master["id"])
        self.graph.update_event(
            self.ALICE, instances[1]["id"], graph_times(first + timedelta(days=8))
        )
        self.graph.delete_event(self.ALICE, instances[2]["id"])
        self.sync()
        events = self.occurrences(recurrence)
        self.assertEqual(len(events), 3)
        moved = events.filtered(
            lambda ev: binding(ev, "microsoft").remote_id == instances[1]["id"]
        )
        self.assertFalse(moved.follow_recurrence)
        self.assertEqual(moved.start.date(), (first + timedelta(days=8)).date())


@tagged("post_install", "-at_install", "calendar_sync")
class TestGoogleAndOutlookTogether(
    GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase
):
    """Odoo is the hub: what arrives from one calendar goes to the other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, _bob, _admin = make_users(cls.env)

    def test_event_from_google_reaches_outlook_and_back(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        start = datetime.combine(
            fields.Date.today() + timedelta(days=10), datetime.min.time()
        ) + timedelta(hours=9)
        self.google.add_event(
            "alice@example.com",
            {
                "summary": "From Google",
                "start": {"dateTime": start.isoformat() + "Z"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat() + "Z"},
            },
        )
        google._sync()
        outlook._sync()
        [remote] = self.graph.events("alice@example.com")
        self.assertEqual(remote["subject"], "From Google")
        event = self.env["calendar.event"].search([("name", "=", "From Google")])
        self.graph.update_event(
            "alice@example.com", remote["id"], {"subject": "Renamed"}
        )
        outlook._sync()
        google._sync()
        self.assertEqual(event.name, "Renamed")
        self.assertEqual(
            self.google.get_event(
                "alice@example.com", binding(event, "google").remote_id
            )["summary"],
            "Renamed",
        )
        self.assertEqual(len(self.google.events("alice@example.com")), 1)
        self.assertEqual(len(self.graph.events("alice@example.com")), 1)

    def test_first_occurrence_moved_alone_in_google_is_moved_in_outlook_too(self):
        # Outlook's series, sent after Google's, finds the occurrence moved
        # alone by the original slot Google's binding holds: it stays in the
        # series there too, neither left out of it nor taken for deleted
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        start = datetime.combine(
            fields.Date.today() + timedelta(days=10), datetime.min.time()
        ) + timedelta(hours=9)
        moved = start + timedelta(hours=2)
        master = self.google.add_event(
            "alice@example.com",
            {
                "summary": "Weekly",
                **graph_times(start, tz="UTC"),
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
            },
        )
        first_id = f"{master['id']}_{start.strftime('%Y%m%dT%H%M%SZ')}"
        self.google.update_event(
            "alice@example.com",
            first_id,
            graph_times(moved, tz="UTC"),
        )
        google._sync()
        outlook._sync()
        google._sync()
        recurrence = self.env["calendar.recurrence"].search(
            [bound_to("google", master["id"])]
        )
        events = recurrence.calendar_event_ids.sorted("start")
        weeks = [start + timedelta(days=7), start + timedelta(days=14)]
        self.assertEqual(events.mapped("start"), [moved, *weeks])
        self.assertEqual(events.mapped("follow_recurrence"), [False, True, True])
        self.assertEqual(
            self.google.get_event("alice@example.com", first_id)["status"], "confirmed"
        )
        window = (
            datetime.now(timezone.utc) - timedelta(days=1),
            datetime.now(timezone.utc) + timedelta(days=60),
        )
        instances = self.graph.instances(
            "alice@example.com", binding(recurrence, "microsoft").remote_id, *window
        )
        self.assertEqual(
            sorted(
                from_graph(instance, "UTC")["start"].replace(tzinfo=None)
                for instance in instances
            ),
            [moved, *weeks],
        )

    def test_outside_invitation_seen_in_google_is_not_created_in_outlook(self):
        google = self.connect_google(self.alice)
        outlook = self.connect_microsoft(self.alice)
        self.google.add_account("carol@partner.example")
        start = datetime.combine(
            fields.Date.today() + timedelta(days=10), datetime.min.time()
        ) + timedelta(hours=9)
        self.google.add_event(
            "carol@partner.example",
            {
                "summary": "Carol's meeting",
                "start": {"dateTime": start.isoformat() + "Z"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat() + "Z"},
                "attendees": [
                    {"email": "carol@partner.example"},
                    {"email": "alice@example.com"},
                ],
            },
        )
        google._sync()
        event = self.env["calendar.event"].search([("name", "=", "Carol's meeting")])
        self.assertTrue(binding(event, "google").guest_copy)
        outlook._sync()
        self.assertEqual(self.graph.events("alice@example.com"), [])
        self.assertEqual(self.graph.invitations, [])


@tagged("post_install", "-at_install", "calendar_sync")
class TestOutlookInvitations(GraphEmulatorMixin, MockEmail, TransactionCase):
    """Outlook mails the attendees of every event it hosts: Odoo does not mail
    them a second time, unless Outlook does not host the event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice, cls.bob, _admin = make_users(cls.env)

    def invite_bob(self):
        start = datetime.combine(
            fields.Date.today() + timedelta(days=7), datetime.min.time()
        )
        with self.mock_mail_gateway(mail_unlink_sent=False):
            self.env["calendar.event"].with_user(self.alice).create(
                {
                    "name": "Planning",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": self.alice.id,
                    "partner_ids": [
                        Command.set((self.alice.partner_id | self.bob.partner_id).ids)
                    ],
                }
            )
        return self._new_mails.filtered(
            lambda mail: self.bob.partner_id in mail.recipient_ids
        )

    def test_odoo_invites_attendees_of_an_organizer_without_sync(self):
        self.assertTrue(self.invite_bob())

    def test_odoo_sends_no_invitation_for_an_outlook_organizer(self):
        self.connect_microsoft(self.alice)
        self.assertFalse(self.invite_bob())

    def test_odoo_invites_as_usual_when_outlook_sync_is_paused(self):
        self.connect_microsoft(self.alice)
        self.env["ir.config_parameter"].sudo().set_param(
            "microsoft_calendar_sync_paused", "True"
        )
        self.assertTrue(self.invite_bob())

    def test_odoo_invites_as_usual_when_the_user_stopped_the_sync(self):
        self.connect_microsoft(self.alice).action_stop_sync()
        self.assertTrue(self.invite_bob())
