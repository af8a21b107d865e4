# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import re
from datetime import datetime, time, timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from ..services.recurrence import normalize_recurrence, week_start_from_lang
from ..services.series_answers import carried_answers
from .calendar_attendee import ANSWER_STATES
from .calendar_event import (
    FROM_ODOO,
    SYNC_CONTEXT,
    SYNCED_FIELDS,
    WHOLE_SERIES,
    create_field_indexes,
    mark_bindings_dirty,
    sync_applying,
)

#: The end Odoo gives an endless rule when it serializes it (its 720
#: occurrences, or our horizon): never part of the rule itself.
_ENDLESS_END = re.compile(r";(?:COUNT|UNTIL)=[^;\s]*")
#: An endless series gets more occurrences when its last one is less than
#: this many days ahead, up to ``HORIZON_DAYS`` ahead.
EXTEND_AHEAD_DAYS = 365
HORIZON_DAYS = 730

#: Context key of an :class:`OccurrenceCollector`: while the sync creates new
#: series (see ``_calendar_sync_create_series``), Odoo's expansion of each one
#: into its occurrences waits, and is made for all of them at once.
DEFERRED_SERIES = "calendar_sync_deferred_series"


class OccurrenceCollector:
    """The new series whose occurrences are still to be made (hashable by
    identity, so that it can travel in a context)."""

    def __init__(self):
        self.ids = []


#: calendar.recurrence fields that make a new rule for the remote series.
RULE_FIELDS = {
    "rrule",
    "rrule_type",
    "interval",
    "end_type",
    "count",
    "until",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "month_by",
    "day",
    "weekday",
    "byday",
    "event_tz",
}


class CalendarRecurrence(models.Model):
    _inherit = "calendar.recurrence"

    def init(self):
        # who owns a series is its base event's organizer (every run asks)
        create_field_indexes(self.env.cr, self._table, [("base_event_id", "not null")])
        return super().init()

    calendar_sync_binding_ids = fields.One2many(
        comodel_name="calendar.sync.binding",
        inverse_name="recurrence_id",
        string="Calendar Bindings",
        groups="base.group_system",
        copy=False,
    )

    calendar_sync_horizon = fields.Date(
        string="Occurrences Until",
        copy=False,
        readonly=True,
        help="An endless series has occurrences in Odoo up to this day (at "
        "least Odoo's usual 720); the sync moves it forward as time passes.",
    )

    calendar_sync_managed = fields.Char(
        string="Managed by",
        copy=False,
        readonly=True,
        help="Key of the connected calendar (google, microsoft) whose series "
        "this is, with a rule Odoo's recurrences cannot hold: its occurrences "
        "are the provider's, and the whole series is edited there.",
    )
    calendar_sync_manage_url = fields.Char(
        string="Edit the Series At",
        copy=False,
        readonly=True,
        help="The series in its calendar's web page.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        recurrences = super().create(vals_list)
        if not sync_applying(self.env):
            # Odoo rewrites a series ("all events" edits) by deleting its
            # recurrence and creating a new one on one of its events: the new
            # one takes over the remote series left behind by the old one.
            for recurrence in recurrences:
                recurrence._calendar_sync_adopt_series()
        return recurrences

    @api.model
    def _calendar_sync_create_series(self, vals_list):
        """Create new series, each from the values of its first event (with
        ``recurrency`` and its rule), as Odoo's ``calendar.event.create`` does,
        but with the occurrences of all of them made by one
        ``_apply_recurrence`` (one ``create`` of every occurrence, attendees
        and followers in bulk) instead of one series after the other.

        :return: the first events (``calendar.event``), in order
        """
        collector = OccurrenceCollector()
        Event = self.env["calendar.event"]
        firsts = Event.with_context(**{DEFERRED_SERIES: collector}).create(vals_list)
        # as in Odoo's create, where each series is expanded
        new = self.browse(collector.ids).with_context(is_calendar_event_new=True)
        new._apply_recurrence().active = False
        return firsts.with_env(Event.env)

    def _apply_recurrence(
        self,
        specific_values_creation=None,
        no_send_edit=False,
        generic_values_creation=None,
    ):
        collector = self.env.context.get(DEFERRED_SERIES)
        plain = not (specific_values_creation or generic_values_creation)
        if collector is not None and plain and sync_applying(self.env):
            # a new series of _calendar_sync_create_series: expanded later,
            # with the others (nothing is detached from a new series)
            collector.ids.extend(self.ids)
            return self.env["calendar.event"]
        if sync_applying(self.env):
            # a series the sync makes: its answers come from the calendar
            return super()._apply_recurrence(
                specific_values_creation, no_send_edit, generic_values_creation
            )
        before = self.calendar_event_ids
        detached = super()._apply_recurrence(
            specific_values_creation, no_send_edit, generic_values_creation
        )
        for recurrence in self.filtered("base_event_id"):
            recurrence._calendar_sync_carry_answers(
                recurrence.base_event_id, recurrence.calendar_event_ids - before
            )
        return detached

    def _calendar_sync_carry_answers(self, base, events):
        """The occurrences Odoo added to this series (a rule changed, "This
        and following events") show the answers of ``base``, the occurrence
        they were copied from: the series is answered as a whole (README,
        *Answers*), and its calendars show those answers on every occurrence.
        Bookkeeping: no answer is marked to be sent, but one still waiting to
        be sent from ``base`` waits for these occurrences too, in the same
        calendars (finding BN): the later part is a new meeting there, whose
        copy asks its guests anew, and ``base`` may become an exception of
        it, answered alone."""
        series = {att.partner_id.id: att.state for att in base.attendee_ids}
        writes = {}
        for event in events - base:
            mine = {att.partner_id.id: att for att in event.attendee_ids}
            answers = {partner: att.state for partner, att in mine.items()}
            for partner, state in carried_answers(series, answers).items():
                writes.setdefault(state, []).append(mine[partner].id)
        Attendee = (
            self.env["calendar.attendee"].sudo().with_context(**{SYNC_CONTEXT: True})
        )
        for state, ids in writes.items():
            Attendee.browse(ids).write({"state": state})
        self._calendar_sync_carry_pending(base, events - base)

    def _calendar_sync_carry_pending(self, base, events):
        """Mark the answers ``events`` show from ``base`` (carried, or the one
        Odoo gives the user who made them) to be sent to the calendars where
        the answer on ``base`` waits to be sent, and to no other: per user,
        the accounts of the others are not the ones the answer came from."""
        waiting = base.sudo().calendar_sync_binding_ids.filtered("answer_pending")
        if not waiting or not events:
            return
        answers = {
            att.partner_id: att.state
            for att in base.sudo().attendee_ids
            if att.state in ANSWER_STATES
        }
        Account = self.env["calendar.sync.account"].sudo()
        attendees = events.sudo().attendee_ids
        for partner in waiting.account_id.user_id.partner_id:
            if partner not in answers:
                continue
            carried = attendees.filtered(
                lambda att, p=partner: att.partner_id == p and att.state == answers[p]
            )
            others = Account.search(
                [
                    ("user_id", "in", partner.user_ids.ids),
                    ("id", "not in", waiting.account_id.ids),
                ]
            )
            carried._calendar_sync_mark_answer(others.ids)

    def _calendar_sync_adopt_series(self):
        base = self.base_event_id
        if not base:
            return
        Binding = self.env["calendar.sync.binding"].sudo()
        stashed = Binding.search(
            [("stash_event_ids", "in", base.ids), ("recurrence_id", "=", False)]
        )
        taken = self.sudo().calendar_sync_binding_ids.account_id
        for binding in stashed:
            if binding.account_id in taken:
                continue
            binding.write(
                {"recurrence_id": self.id, "need_sync": True, "stash_event_ids": False}
            )
            taken |= binding.account_id

    def write(self, vals):
        applying = sync_applying(self.env)
        if applying is True or not RULE_FIELDS & set(vals):
            return super().write(vals)
        # Odoo re-serializes the rule on its own (the rrule compute writes it,
        # its inverse writes the fields back): only a real change counts.
        before = {rec.id: rec._calendar_sync_rule_key() for rec in self}
        result = super().write(vals)
        changed = self.filtered(
            lambda rec: before[rec.id] != rec._calendar_sync_rule_key()
        )
        mark_bindings_dirty(changed, applying)
        return result

    def _write_events(self, values, dtstart=None):
        """Odoo writes an *All events* change of other fields than times and
        rule (title, guests...) on the active occurrences only. An occurrence
        deleted alone that still follows the series keeps its slot there
        (archived), and when no active occurrence follows (every other one
        changed alone), its values stand for the series' own (the engine's
        ``_series_base``): the change reaches it too, or a guest invited to
        the whole series would be invited to its exceptions only."""
        # a series of one occurrence is written as "self_only" on one event:
        # not an exception for all that (finding AT)
        whole = self.with_context(**{WHOLE_SERIES: FROM_ODOO})
        result = super(CalendarRecurrence, whole)._write_events(values, dtstart=dtstart)
        kept = self.with_context(active_test=False).calendar_event_ids.filtered(
            lambda event: (
                not event.active
                and event.follow_recurrence
                and (not dtstart or event.start >= dtstart)
            )
        )
        if kept:
            # not "self_only": the write must not detach it (DETACHING_FIELDS)
            kept.with_context(no_mail_to_attendees=True, dont_notify=True).write(
                dict(values)
            )
            if SYNCED_FIELDS & set(values):
                # the series changed, even with no active occurrence following
                mark_bindings_dirty(self, sync_applying(self.env))
        return result

    def unlink(self):
        if sync_applying(self.env):
            return super().unlink()
        recurrences = self
        if self.env.context.get("calendar_sync_keep_series"):
            # the last occurrence deleted alone (see calendar.event's
            # action_mass_archive): a synced series stays, all archived
            kept = self.filtered(
                lambda rec: (
                    not rec.calendar_event_ids
                    and rec.sudo().calendar_sync_binding_ids.filtered("remote_id")
                )
            )
            kept._select_new_base_event()
            # its remote series goes too (the planner: archived, changed here)
            kept.sudo().calendar_sync_binding_ids.write({"need_sync": True})
            recurrences -= kept
        recurrences._calendar_sync_remember_series()
        for recurrence in recurrences:
            # the base event may already be archived and unset: every
            # event of the series keeps the remote series, the one that
            # gets the new recurrence takes it over
            events = recurrence.with_context(active_test=False).calendar_event_ids
            bindings = recurrence.sudo().calendar_sync_binding_ids.filtered("remote_id")
            bindings.write(
                {
                    "recurrence_id": False,
                    "stash_event_ids": [Command.set(events.ids)],
                }
            )
        return super(CalendarRecurrence, recurrences).unlink()

    def _calendar_sync_remember_series(self):
        """Odoo changes a whole series' times or rule by deleting it and
        making a new one on its base event (``_rewrite_recurrence``): its
        events remember the series they were in, so that a create sent for
        it, whose commit was lost, is recognised as the new one's (its
        ``transactionId`` derives from the series' id). One statement for
        all: an event's series is its ``recurrence_id``, archived or not."""
        if not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE calendar_event SET calendar_sync_former_series = "
            "concat_ws(',', calendar_sync_former_series, recurrence_id::text) "
            "WHERE recurrence_id IN %s",
            (tuple(self.ids),),
        )
        self.env["calendar.event"].invalidate_model(["calendar_sync_former_series"])

    def _calendar_sync_rule_key(self):
        self.ensure_one()
        return self._calendar_sync_rule(), self.event_tz

    def _calendar_sync_rule(self):
        """The recurrence's fields as the dict :mod:`services.recurrence` takes,
        with the week start Odoo expands it with (the current user's
        language's, as Odoo's own ``_get_lang_week_start``)."""
        self.ensure_one()
        rule = {name: self[name] for name in RULE_FIELDS - {"rrule", "event_tz"}}
        rule["week_start"] = self._calendar_sync_week_start()
        return normalize_recurrence(rule)

    @api.model
    def _calendar_sync_week_start(self):
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "en_US")
        return week_start_from_lang(lang.week_start or "7")

    # ------------------------------------------------------------ endless series
    def _rrule_serialize(self):
        """An endless rule is stored without the end Odoo expands it with
        (``COUNT=720``): Odoo reads its stored rule back into the fields, and
        would otherwise turn "forever" into "720 times"."""
        text = super()._rrule_serialize()
        if self.end_type == "forever" and text:
            text = _ENDLESS_END.sub("", text)
        return text

    def _get_rrule(self, dtstart=None):
        """Odoo's 720 occurrences of an endless series, or more: up to its
        horizon (:meth:`_calendar_sync_extend_endless`) when that is later."""
        rule = super()._get_rrule(dtstart=dtstart)
        if self.end_type != "forever" or not self.calendar_sync_horizon or not dtstart:
            return rule
        horizon = datetime.combine(self.calendar_sync_horizon, time.max)
        if rule[-1] >= horizon:
            return rule
        return rule.replace(count=None, until=horizon)

    def _calendar_sync_extend_endless(self):
        """Give the endless series of ``self`` (every endless series when
        empty) whose last occurrence is less than a year ahead their
        occurrences up to two years ahead. Nothing is sent anywhere: the
        series' rule is unchanged, and each calendar it is bound in reads the
        new occurrences as in step (the sync binds them to their remote
        instances).

        :return: the series extended
        """
        today = self.env.context.get("calendar_sync_today") or fields.Date.today()
        series = self or self.search([("end_type", "=", "forever")])
        series = series.filtered(lambda r: r.end_type == "forever" and r.base_event_id)
        # the last occurrence of each (archived ones too), in one query
        groups = (
            self.env["calendar.event"]
            .with_context(active_test=False)
            .sudo()
            ._read_group(
                [("recurrence_id", "in", series.ids)], ["recurrence_id"], ["start:max"]
            )
        )
        lasts = {recurrence.id: last for recurrence, last in groups}
        extended = self.browse()
        for recurrence in series:
            base, last = recurrence.base_event_id, lasts.get(recurrence.id)
            if not last or last.date() >= today + timedelta(days=EXTEND_AHEAD_DAYS):
                continue
            recurrence.sudo().calendar_sync_horizon = today + timedelta(
                days=HORIZON_DAYS
            )
            duration = base.stop - base.start
            ranges = sorted(
                r for r in recurrence._range_calculation(base, duration) if r[0] > last
            )
            if not ranges:
                continue
            recurrence._calendar_sync_add_occurrences(base, ranges)
            extended |= recurrence
        return extended

    def _calendar_sync_add_occurrences(self, base, ranges):
        """New occurrences following the rule at ``ranges`` (``(start,
        stop)``), in step with every calendar the series is bound in."""
        self.ensure_one()
        [base_values] = base.copy_data()
        ctx = {
            **clean_context(self.env.context),
            SYNC_CONTEXT: True,
            "no_mail_to_attendees": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
        }
        Event = self.env["calendar.event"].sudo().with_context(**ctx)
        events = Event.create(
            [
                {
                    **base_values,
                    "start": start,
                    "stop": stop,
                    "recurrence_id": self.id,
                    "follow_recurrence": True,
                }
                for start, stop in ranges
            ]
        )
        accounts = (
            self.sudo().calendar_sync_binding_ids.filtered("remote_id").account_id
        )
        self.env["calendar.sync.binding"].sudo().create(
            [
                {"account_id": account.id, "event_id": event.id, "need_sync": False}
                for account in accounts
                for event in events
            ]
        )
        return events

    # ------------------------------------------------------------ managed series
    def _calendar_sync_managed_label(self):
        self.ensure_one()
        labels = dict(
            self.env["calendar.sync.account"]
            ._fields["provider"]
            ._description_selection(self.env)
        )
        return labels.get(self.calendar_sync_managed, self.calendar_sync_managed)

    def _calendar_sync_refuse_edit(self):
        """Whole-series edits of a provider-managed series are made in its
        calendar: say where."""
        for recurrence in self.sudo():
            message = _(
                "“%(name)s” repeats in a way Odoo's recurrences cannot (it is "
                "shown as %(provider)s has it): change the whole series in "
                "%(provider)s. A single occurrence, and your answer, can be "
                "changed here.",
                name=recurrence.base_event_id.name or recurrence.name,
                provider=recurrence._calendar_sync_managed_label(),
            )
            if recurrence.calendar_sync_manage_url:
                message += "\n" + recurrence.calendar_sync_manage_url
            raise UserError(message)
