# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Test cases of the convergence machine and its written-out examples."""

from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from ..common import GoogleEmulatorMixin, GraphEmulatorMixin
from .common import (
    ERIN,
    OLGA,
    TZ,
    USERS,
    tag_of,
)
from .world import World


class ConvergenceCase(GoogleEmulatorMixin, GraphEmulatorMixin, TransactionCase):
    """Both emulators, the users of tests/convergence/__init__, and a World."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for login, (name, email, _providers) in USERS.items():
            cls.users[login] = new_test_user(
                cls.env,
                login=f"conv_{login}",
                groups="base.group_user",
                email=email,
                name=name,
                tz=TZ,
            )
        cls.outsiders = {
            email: cls.env["res.partner"].create({"name": name, "email": email})
            for name, email in (("Olga", OLGA), ("Erin", ERIN))
        }
        # a Monday one to three weeks ahead, inside Outlook's sync window
        base = fields.Date.today() + timedelta(days=7)
        base += timedelta(days=(7 - base.weekday()) % 7)
        cls.base = datetime.combine(base, time(0))

    def setUp(self):
        super().setUp()
        self.world = World(self)


class WrittenOutCase(ConvergenceCase):
    """An example of the machine written out step by step: one fresh world
    per test; :meth:`settled` settles and checks it."""

    def setUp(self):
        super().setUp()
        self.world.reset()

    def settled(self):
        self.world.settle()
        self.world.check()

    def answers(self, email, tag):
        """The answers of ``email`` on the Odoo events of meeting ``tag``."""
        partner = self.world.partner(email)
        return {
            event.attendee_ids.filtered(lambda att: att.partner_id == partner).state
            for event in self.world.odoo_events(tag)
        }

    def assertNoSyncErrors(self, tag):
        """No binding of meeting ``tag`` (its events, archived ones too, and
        its series) shows an error to its user."""
        events = (
            self.env["calendar.event"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", self.world.user_ids())])
            .filtered(lambda ev: tag_of(ev.name) == tag)
        )
        bindings = (
            events.calendar_sync_binding_ids
            | events.recurrence_id.calendar_sync_binding_ids
        )
        self.assertEqual(
            [
                (b.account_id.user_id.login, b.sync_error)
                for b in bindings
                if b.sync_error
            ],
            [],
        )
