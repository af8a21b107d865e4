# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The convergence machine of issue 9 (rules and world: :mod:`.convergence`)."""

import logging
import os
import time as clock
from datetime import datetime, timezone

import requests
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    run_state_machine_as_test,
)

from odoo.tests import TransactionCase, tagged

from .common import GoogleEmulatorMixin, GraphEmulatorMixin
from .convergence.cases import ConvergenceCase
from .convergence.common import (
    ALICE,
    BOB,
    CAROL,
    CI_EXAMPLES,
    CI_STEPS,
    ERIN,
    HTML_PAGE,
    TZ,
    google_slot,
    graph_slot,
)
from .convergence.machine import Convergence

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "calendar_sync", "calendar_sync_convergence")
class TestConvergence(ConvergenceCase):
    """The convergence machine, sized for CI (see tests/convergence/__init__)."""

    def test_calendars_and_odoo_converge_whatever_users_and_providers_do(self):
        examples = int(os.environ.get("CALENDAR_SYNC_CONVERGENCE_EXAMPLES") or 0)
        steps = int(os.environ.get("CALENDAR_SYNC_CONVERGENCE_STEPS") or 0)
        machine = type("ConvergenceMachine", (Convergence,), {"world": self.world})
        started = clock.monotonic()
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=examples or CI_EXAMPLES,
                    stateful_step_count=steps or CI_STEPS,
                    deadline=None,
                    database=None,
                    # CI: the same examples on every run; a long run: random ones
                    derandomize=not examples,
                    print_blob=True,
                    suppress_health_check=list(HealthCheck),
                ),
            )
        finally:
            _logger.info(
                "convergence machine: %d syncs in %.0fs; steps that did something: %s",
                self.world.syncs,
                clock.monotonic() - started,
                dict(sorted(self.world.stats.items())),
            )


@tagged("post_install", "-at_install", "calendar_sync")
class TestEmulatorInvitations(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    """What the machine relies on in the emulators: invitations between their
    own users, answers reaching the organizer, and the HTML page fault."""

    def graph_meeting(self, **extra):
        return self.graph.add_event(
            BOB,
            {
                "subject": "Review",
                **graph_slot(
                    {
                        "allday": False,
                        "start": datetime(2030, 3, 4, 9),
                        "stop": datetime(2030, 3, 4, 10),
                    }
                ),
                "attendees": [
                    {"emailAddress": {"address": CAROL}, "type": "required"},
                    {"emailAddress": {"address": ERIN}, "type": "required"},
                ],
                **extra,
            },
        )

    def graph_series(self):
        """Bob's weekly Outlook series of three Mondays with Carol and Erin,
        and a window around it."""
        master = self.graph_meeting(
            recurrence={
                "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                "range": {
                    "type": "numbered",
                    "startDate": "2030-03-04",
                    "numberOfOccurrences": 3,
                    "recurrenceTimeZone": TZ,
                },
            }
        )
        window = (
            datetime(2030, 3, 1, tzinfo=timezone.utc),
            datetime(2030, 4, 1, tzinfo=timezone.utc),
        )
        return master, window

    def test_outlook_delivers_a_meeting_to_each_attendee_mailbox_with_its_own_id(self):
        self.graph.account(CAROL)
        meeting = self.graph_meeting()
        [copy] = self.graph.events(CAROL)
        self.assertNotEqual(copy["id"], meeting["id"])
        self.assertEqual(copy["iCalUId"], meeting["iCalUId"])
        self.assertFalse(copy["isOrganizer"])
        self.assertEqual(copy["organizer"]["emailAddress"]["address"], BOB)
        self.assertEqual(copy["responseStatus"]["response"], "notResponded")
        self.graph.update_event(BOB, meeting["id"], {"subject": "Review (moved)"})
        self.assertEqual(
            [e["subject"] for e in self.graph.events(CAROL)], ["Review (moved)"]
        )
        self.graph.delete_event(BOB, meeting["id"])
        self.assertEqual(self.graph.events(CAROL), [])

    def test_outlook_delivers_the_cancelled_and_changed_occurrences_of_a_series(self):
        self.graph.account(CAROL)
        master, window = self.graph_series()
        first, second, _third = self.graph.instances(BOB, master["id"], *window)
        self.graph.update_event(BOB, second["id"], {"subject": "Review (once)"})
        self.graph.delete_event(BOB, first["id"])
        [copy] = [e for e in self.graph.events(CAROL) if e["type"] == "seriesMaster"]
        self.assertEqual(
            [i["subject"] for i in self.graph.instances(CAROL, copy["id"], *window)],
            ["Review (once)", "Review"],
        )
        # an answer to the series answers its exceptions too
        self.graph.respond(CAROL, copy["id"], "accept")
        self.assertEqual(
            [
                i["responseStatus"]["response"]
                for i in self.graph.instances(CAROL, copy["id"], *window)
            ],
            ["accepted", "accepted"],
        )

    def test_outlook_deletes_an_occurrence_from_a_guest_left_out_of_it(self):
        # MS-OXOCAL 3.1.4.9.1.1: an attendee removed from one exception gets a
        # cancellation of it, which deletes it from their calendar
        self.graph.account(CAROL)
        master, window = self.graph_series()
        _first, second, _third = self.graph.instances(BOB, master["id"], *window)
        self.graph.update_event(
            BOB,
            second["id"],
            {"attendees": [{"emailAddress": {"address": ERIN}, "type": "required"}]},
        )
        [copy] = [e for e in self.graph.events(CAROL) if e["type"] == "seriesMaster"]
        starts = [
            i["start"]["dateTime"][:10]
            for i in self.graph.instances(CAROL, copy["id"], *window)
        ]
        self.assertEqual(starts, ["2030-03-04", "2030-03-18"])

    def test_an_outlook_answer_reaches_the_organizer_and_a_removed_guest_loses_it(self):
        self.graph.account(CAROL)
        meeting = self.graph_meeting()
        [copy] = self.graph.events(CAROL)
        self.graph.respond(CAROL, copy["id"], "accept")
        [organizer_copy] = self.graph.events(BOB)
        answers = {
            a["emailAddress"]["address"]: a["status"]["response"]
            for a in organizer_copy["attendees"]
        }
        self.assertEqual(answers[CAROL], "accepted")
        self.graph.update_event(
            BOB,
            meeting["id"],
            {"attendees": [{"emailAddress": {"address": ERIN}, "type": "required"}]},
        )
        self.assertEqual(self.graph.events(CAROL), [])

    def test_google_shows_a_guest_the_organizer_event_under_the_same_id(self):
        self.google.add_account(CAROL)
        event = self.google.add_event(
            ALICE,
            {
                "summary": "Review",
                **google_slot(
                    {
                        "allday": False,
                        "start": datetime(2030, 3, 4, 9),
                        "stop": datetime(2030, 3, 4, 10),
                    }
                ),
                "attendees": [{"email": ALICE}, {"email": CAROL}],
            },
        )
        [copy] = self.google.events(CAROL)
        self.assertEqual(copy["id"], event["id"])

    def test_the_emulators_answer_an_html_page_when_told(self):
        token = self.google.issue_tokens(ALICE)["access_token"]
        self.google.inject(status=200, html=HTML_PAGE, method="GET")
        answer = requests.get(
            self.google.api_root + "calendar/v3/calendars/primary/events",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(answer.text, HTML_PAGE)
        token = self.graph.issue_tokens(BOB)["access_token"]
        self.graph.inject(status=200, html=HTML_PAGE, method="GET")
        answer = requests.get(
            self.graph.base_url + "/v1.0/me/events",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(answer.text, HTML_PAGE)
