# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from datetime import datetime, time

from odoo import Command, _, api, fields, models
from odoo.tools import html_sanitize
from odoo.tools.misc import clean_context
from odoo.tools.sql import create_index, make_index_name

from .. import engine
from ..engine.series_slots import slot_stamp
from ..services.neutral_event import normalize_email

#: calendar.event fields whose change must be pushed to the providers.
SYNCED_FIELDS = {
    "name",
    "description",
    "location",
    "start",
    "stop",
    "allday",
    "start_date",
    "stop_date",
    "partner_ids",
    "attendee_ids",
    "alarm_ids",
    "privacy",
    "show_as",
    "videocall_location",
    "active",
    "user_id",
}

#: Fields whose change to one occurrence alone ("This event") makes it an
#: exception of its series, as a change of its times does in Odoo: the series
#: keeps its values in the calendars, the occurrence is sent on its own.
DETACHING_FIELDS = SYNCED_FIELDS - {
    "start",
    "stop",
    "allday",
    "start_date",
    "stop_date",
    "active",
    "user_id",
}

#: Context key set by the sync while it applies remote changes: such writes
#: are not local changes and must not be pushed back to the calendar they came
#: from. Its value is the ``calendar.sync.account`` id applying them (the
#: change still goes to the user's other calendars), or True for bookkeeping
#: writes that go nowhere.
SYNC_CONTEXT = "calendar_sync_applying"


class _FromOdoo:
    """The value Odoo's recurrence hooks (``_get_archive_values``...) give
    the technical flags of :data:`HOOK_FLAGS`: true, and unforgeable by a
    client, whose JSON cannot carry it. A client's write of those flags
    (another user's occurrence, over RPC) is ignored."""

    def __bool__(self):
        return True

    def __repr__(self):
        return "FROM_ODOO"


FROM_ODOO = _FromOdoo()
#: Context key of Odoo's writes of a whole series' values on its occurrences
#: (``calendar.recurrence._write_events``, FROM_ODOO): "self_only" there is
#: Odoo's way of writing each occurrence, not a change of one alone.
WHOLE_SERIES = "calendar_sync_whole_series"
HOOK_FLAGS = ("calendar_sync_settled", "calendar_sync_unbound")


def _without_forged_flags(vals):
    forged = [key for key in HOOK_FLAGS if key in vals and vals[key] is not FROM_ODOO]
    # written by calendar_sync alone (``_calendar_sync_write_left_slot``)
    forged += [key for key in ("calendar_sync_left_slot",) if key in vals]
    if not forged:
        return vals
    return {key: value for key, value in vals.items() if key not in forged}


def create_field_indexes(cr, table, columns):
    """Indexes on columns of Odoo's own tables that Odoo does not index,
    named as Odoo names a field's index (``<table>__<column>_index``), so that
    an Odoo that indexes one of them one day finds it made. ``columns``: names,
    or ``(name, "not null")`` for an index of the rows that have a value."""
    for column in columns:
        name, not_null = column if isinstance(column, tuple) else (column, None)
        create_index(
            cr,
            make_index_name(table, name),
            table,
            [f'"{name}"'],
            where=f'"{name}" IS NOT NULL' if not_null else "",
        )


def sync_applying(env):
    """The account whose remote changes are being applied (see
    :data:`SYNC_CONTEXT`), or None. Honoured only when the engine set it: in
    superuser mode, which no RPC call can enter; a context key sent by a user
    over RPC means nothing."""
    return env.context.get(SYNC_CONTEXT) if env.su else None


def mark_bindings_dirty(records, applying):
    """After a change of synced fields of ``records`` (events or series):
    every calendar they are bound in, but the one the change came from,
    needs it."""
    if applying is True or not records.ids:
        return
    field = "event_id" if records._name == "calendar.event" else "recurrence_id"
    domain = [(field, "in", records.ids), ("need_sync", "=", False)]
    if applying:
        domain.append(("account_id", "!=", applying))
    bindings = records.env["calendar.sync.binding"].sudo().search(domain)
    if bindings:
        bindings.write({"need_sync": True})


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def init(self):
        # Odoo indexes neither: every run reads its user's events (without an
        # index each run scans the whole table, and a pass over a company's
        # accounts grows with the square of its size), and Odoo reads a
        # series' events by recurrence_id one series at a time while it sets
        # up each new series (an import in steps grew slower with every step).
        # Made here, not by redeclaring Odoo's fields (their labels would
        # become this module's terms); named as Odoo names a field's index.
        create_field_indexes(
            self.env.cr, self._table, ["user_id", ("recurrence_id", "not null")]
        )
        return super().init()

    calendar_sync_binding_ids = fields.One2many(
        comodel_name="calendar.sync.binding",
        inverse_name="event_id",
        string="Calendar Bindings",
        groups="base.group_system",
        copy=False,
    )
    calendar_sync_error = fields.Text(
        compute="_compute_calendar_sync_error",
        compute_sudo=True,
        help="Why the last attempt to sync this event with a connected calendar "
        "failed. The sync tries again on its next run.",
    )
    calendar_sync_managed_note = fields.Char(
        string="Series Managed By",
        compute="_compute_calendar_sync_managed_note",
        help="This occurrence belongs to a series whose rule Odoo's "
        "recurrences cannot hold: it is shown as its calendar has it, and the "
        "whole series is edited there.",
    )
    calendar_sync_manage_url = fields.Char(
        related="recurrence_id.calendar_sync_manage_url",
        string="Edit the Series At",
    )
    calendar_sync_deleted = fields.Boolean(
        string="Deleted in Odoo",
        copy=False,
        readonly=True,
        help="Deleted in Odoo: kept archived until every calendar it was in has "
        "deleted it too, then removed for good.",
    )
    calendar_sync_former_series = fields.Char(
        string="Former Series",
        copy=False,
        readonly=True,
        help="Ids of the series Odoo made again around this event when one was "
        "changed as a whole (technical: a create sent for a former one is "
        "recognised).",
    )
    calendar_sync_left_slot = fields.Datetime(
        string="Slot Left",
        copy=False,
        readonly=True,
        help="Where this occurrence stood in its series when it was changed "
        "alone in Odoo (technical).",
    )
    # Technical: written by Odoo's recurrence code through the hooks below.
    calendar_sync_settled = fields.Boolean(
        string="Settled with the Series",
        compute="_compute_calendar_sync_flags",
        inverse="_inverse_calendar_sync_settled",
        store=False,
        readonly=False,
    )
    calendar_sync_unbound = fields.Boolean(
        string="Unbound from the Series",
        compute="_compute_calendar_sync_flags",
        inverse="_inverse_calendar_sync_unbound",
        store=False,
        readonly=False,
    )

    @api.depends("calendar_sync_binding_ids.sync_error")
    def _compute_calendar_sync_error(self):
        labels = dict(
            self.env["calendar.sync.account"]
            ._fields["provider"]
            ._description_selection(self.env)
        )
        for event in self:
            errors = [
                f"{labels.get(b.provider, b.provider)}: {b.sync_error}"
                for b in event.calendar_sync_binding_ids
                if b.sync_error
            ]
            event.calendar_sync_error = "\n".join(errors) or False

    @api.depends("recurrence_id.calendar_sync_managed")
    def _compute_calendar_sync_managed_note(self):
        for event in self:
            recurrence = event.recurrence_id
            event.calendar_sync_managed_note = (
                _(
                    "Edit this series in %(provider)s: it repeats in a way "
                    "Odoo's recurrences cannot, and is shown as %(provider)s "
                    "has it. A single occurrence, and your answer, can be "
                    "changed here.",
                    provider=recurrence._calendar_sync_managed_label(),
                )
                if recurrence.calendar_sync_managed
                else False
            )

    def _compute_calendar_sync_flags(self):
        self.calendar_sync_settled = False
        self.calendar_sync_unbound = False

    def _inverse_calendar_sync_settled(self):
        # occurrences archived or re-created with their whole series (or its
        # future part) go with the remote series rule, not one by one
        settled = self.filtered("calendar_sync_settled")
        settled.sudo().calendar_sync_binding_ids.write({"need_sync": False})

    def _inverse_calendar_sync_unbound(self):
        unbound = self.filtered("calendar_sync_unbound")
        # out of the series: the slot left in it is no slot of theirs now
        unbound.filtered("calendar_sync_left_slot")._calendar_sync_write_left_slot(
            False
        )
        bindings = unbound.sudo().calendar_sync_binding_ids
        # an occurrence changed alone (an exception) that a split detached
        # stays bound where writing the shortened series keeps the exceptions
        # (Google): deleted there as any archived occurrence
        kept = bindings.filtered(
            lambda b: (
                not b.event_id.active
                and not b.event_id.follow_recurrence
                and not engine.adapter(b.provider).series_write_drops_exceptions
            )
        )
        (bindings - kept).write(
            {"remote_id": False, "etag": False, "original_start": False}
        )

    def _update_future_events(self, values, time_values, recurrence_values):
        # "This and following events" from an occurrence that is not the first
        self._calendar_sync_hold_split_point()
        return super()._update_future_events(values, time_values, recurrence_values)

    def _calendar_sync_hold_split_point(self):
        """The exception (changed alone) a split starts from begins the new
        series; where writing the shortened series keeps the exceptions
        (Google), the calendar keeps its instance past the first part's end.
        The organizer's bindings of it move to a stand-in, deleted in Odoo,
        which the sync deletes there as any archived occurrence."""
        self.ensure_one()
        if self.follow_recurrence or not self.recurrence_id:
            return
        bindings = self.sudo().calendar_sync_binding_ids.filtered(
            lambda b: (
                b.remote_id
                and b.original_start
                and not b.guest_copy
                and b.account_id.user_id == self.user_id
                and not engine.adapter(b.provider).series_write_drops_exceptions
            )
        )
        if bindings:
            stand_in = self._calendar_sync_stand_in()
            bindings.write({"event_id": stand_in.id, "need_sync": True})

    def _calendar_sync_stand_in(self):
        """An archived event, deleted in Odoo, standing for this event's
        instance in the calendars it is bound in (no attendee: nobody is
        invited to it); removed for good once they deleted it."""
        self.ensure_one()
        values = {
            "name": self.name,
            "user_id": self.user_id.id,
            "allday": self.allday,
            "privacy": self.privacy,
            "partner_ids": [Command.set([])],
            "active": False,
            "calendar_sync_deleted": True,
        }
        if self.allday:
            values.update(start_date=self.start_date, stop_date=self.stop_date)
        else:
            values.update(start=self.start, stop=self.stop)
        # created from the model, not from this record (Odoo's create computes
        # the attendee changes against ``self``: it would unlink this event's
        # attendees), without the caller's defaults (an activity, a record)
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                clean_context(self.env.context),
                no_mail_to_attendees=True,
                dont_notify=True,
            )
            .create(values)
        )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # written by calendar_sync alone, as an occurrence leaves its slot
        vals_list = [
            {
                key: value
                for key, value in vals.items()
                if key != "calendar_sync_left_slot"
            }
            for vals in vals_list
        ]
        this = self
        if self.env.context.get("default_calendar_sync_left_slot"):
            this = self.with_context(default_calendar_sync_left_slot=False)
        return super(CalendarEvent, this).create(vals_list)

    def write(self, vals):
        vals = _without_forged_flags(vals)
        whole = vals.get("recurrence_update") in ("all_events", "future_events")
        if (whole or vals.get("recurrency") is False) and not sync_applying(self.env):
            self.recurrence_id.filtered(
                "calendar_sync_managed"
            )._calendar_sync_refuse_edit()
        if vals.get("active") and "calendar_sync_deleted" not in vals:
            vals = {**vals, "calendar_sync_deleted": False}  # restored
        if (
            vals.get("recurrence_update") == "self_only"
            and len(self) == 1
            and self.recurrence_id
            and self.follow_recurrence
            and "follow_recurrence" not in vals
            and DETACHING_FIELDS & set(vals)
            and not sync_applying(self.env)
            and self.env.context.get(WHOLE_SERIES) is not FROM_ODOO
        ):
            # renamed (re-described, re-invited...) alone: an exception
            vals = {**vals, "follow_recurrence": False}
        if vals.get("follow_recurrence"):
            vals = {**vals, "calendar_sync_left_slot": False}
        leaving = {
            event: slot_stamp(event._calendar_sync_slot(), event.allday)
            for event in self._calendar_sync_leaving(vals)
        }
        if SYNCED_FIELDS & set(vals):
            mark_bindings_dirty(self, sync_applying(self.env))
        result = super().write(vals)
        # the slot an occurrence left as it became an exception in Odoo (Odoo
        # keeps none): its bindings may name an older one, of the rule before
        # an "all events" move (the move makes the series again on its first
        # occurrence), and an occurrence that move made is bound nowhere yet;
        # the sync would not find its slot (finding AS)
        for event, slot in leaving.items():
            if not event.follow_recurrence:
                event._calendar_sync_write_left_slot(slot)
        return result

    def _calendar_sync_write_left_slot(self, slot):
        """Write the slot these occurrences left (a client's own writes of it
        are ignored, see :func:`_without_forged_flags`)."""
        return super(CalendarEvent, self.sudo()).write(
            {"calendar_sync_left_slot": slot}
        )

    def _calendar_sync_slot(self):
        return self.start_date if self.allday else self.start

    def _calendar_sync_leaving(self, vals):
        """The occurrences of this write that follow their series and may
        become exceptions by it (changed alone: Odoo's rule for times, ours
        above for the other fields), changed in Odoo, not by a sync."""
        if sync_applying(self.env) or vals.get("follow_recurrence", False) is not False:
            return self.browse()
        if vals.get("recurrence_update") not in (None, False, "self_only"):
            return self.browse()
        return self.filtered(lambda ev: ev.recurrence_id and ev.follow_recurrence)

    @api.model
    def _get_archive_values(self):
        return {**super()._get_archive_values(), "calendar_sync_settled": FROM_ODOO}

    @api.model
    def _get_remove_sync_id_values(self):
        return {
            **super()._get_remove_sync_id_values(),
            "calendar_sync_unbound": FROM_ODOO,
        }

    @api.model
    def _get_update_future_events_values(self):
        return {
            **super()._get_update_future_events_values(),
            "calendar_sync_settled": FROM_ODOO,
        }

    def action_mass_archive(self, recurrence_update_setting):
        recurrence = self.recurrence_id
        if recurrence_update_setting in ("all_events", "future_events"):
            recurrence.filtered("calendar_sync_managed")._calendar_sync_refuse_edit()
        # Odoo deletes the series with its last occurrence deleted alone (or
        # with "this and following" from its first one left): a synced one
        # stays, every occurrence archived, as after "Delete all events", so
        # that the sync deletes it in each calendar, or brings it back when a
        # calendar changed it later (calendar.recurrence.unlink)
        this = self.with_context(
            calendar_sync_keep_series=recurrence_update_setting
            in ("self_only", "future_events")
        )
        result = super(CalendarEvent, this).action_mass_archive(
            recurrence_update_setting
        )
        if recurrence_update_setting == "all_events" and recurrence.exists():
            recurrence.sudo().calendar_sync_binding_ids.write({"need_sync": True})
        return result

    def action_mass_deletion(self, recurrence_update_setting):
        # Odoo deletes the series first, then its events: a synced one is
        # archived as a whole instead (see action_mass_archive), as Odoo's
        # own sync modules do
        synced = self.recurrence_id.sudo().calendar_sync_binding_ids.filtered(
            "remote_id"
        )
        if recurrence_update_setting == "all_events" and synced:
            return self.action_mass_archive(recurrence_update_setting)
        return super().action_mass_deletion(recurrence_update_setting)

    def unlink(self):
        # A synced event is archived first, so that the sync can delete it
        # remotely; the sync removes it for good once the remote is gone.
        if sync_applying(self.env):
            return super().unlink()
        synced = self.filtered(
            lambda event: any(
                b.remote_id and b.etag for b in event.sudo().calendar_sync_binding_ids
            )
        )
        if synced:
            synced.write({"active": False, "calendar_sync_deleted": True})
        return super(CalendarEvent, self - synced).unlink()

    def _skip_send_mail_status_update(self):
        if sync_applying(self.env):
            # changes coming from the provider never mail anybody from Odoo
            return True
        # Google (sendUpdates=all) and Outlook (always) mail the attendees of
        # the events they host, unless calendar.block_mail makes Google silent:
        # Odoo must not mail them a second time.
        return super()._skip_send_mail_status_update() or bool(
            self.user_id
            and self.env["calendar.sync.account"].sudo()._pushing_users(self.user_id)
        )

    # ------------------------------------------------------------------ neutral
    def _calendar_sync_tz(self):
        self.ensure_one()
        return self.event_tz or self.user_id.tz or self.env.user.tz or "UTC"

    def _calendar_sync_neutral(self):
        """The neutral event (``DEVELOPERS.md``) of this event."""
        self.ensure_one()
        attendees = [
            {
                "email": normalize_email(att.partner_id.email),
                "name": att.partner_id.name or "",
                "state": att.state,
            }
            for att in self.attendee_ids
            if att.partner_id.email
        ]
        alarms = [
            {
                "type": "email" if alarm.alarm_type == "email" else "notification",
                "minutes": alarm.duration_minutes,
            }
            for alarm in self.alarm_ids
            if alarm.alarm_type in ("email", "notification")
        ]
        return {
            "odoo_id": self.id,
            "name": self.name or "",
            "description": str(self.description or ""),
            "location": self.location or "",
            "allday": self.allday,
            "start": None if self.allday else self.start,
            "stop": None if self.allday else self.stop,
            "start_date": self.start_date if self.allday else None,
            "stop_date": self.stop_date if self.allday else None,
            "tz": self._calendar_sync_tz(),
            "organizer_email": normalize_email(self.user_id.email),
            "attendees": sorted(attendees, key=lambda a: a["email"]),
            "alarms": sorted(alarms, key=lambda a: (a["minutes"], a["type"])),
            "privacy": self.privacy or False,
            "show_as": self.show_as or "busy",
            "videocall_location": self.videocall_location or "",
        }

    @api.model
    def _calendar_sync_values(self, neutral, owner, partners, alarms, event=None):
        """Odoo values for ``neutral`` (partners and alarms already resolved).

        :param owner: the ``res.users`` organizing the event
        :param partners: dict normalized email → res.partner id
        :param alarms: dict (type, minutes) → calendar.alarm id
        :param event: the existing event, to keep what the provider cannot hold
            (SMS reminders)
        """
        values = {
            "name": neutral.get("name") or _("(No title)"),
            "description": html_sanitize(neutral.get("description") or "") or False,
            "location": neutral.get("location") or False,
            "allday": bool(neutral.get("allday")),
            "privacy": neutral.get("privacy") or False,
            "show_as": neutral.get("show_as") or "busy",
            "videocall_location": neutral.get("videocall_location") or False,
            "user_id": owner.id,
            "active": True,
            "calendar_sync_deleted": False,
        }
        if values["allday"]:
            values.update(
                start=datetime.combine(neutral["start_date"], time(8)),
                stop=datetime.combine(neutral["stop_date"], time(18)),
                start_date=neutral["start_date"],
                stop_date=neutral["stop_date"],
            )
        else:
            values.update(start=neutral["start"], stop=neutral["stop"])
        partner_ids = [
            partners[a["email"]] for a in neutral.get("attendees") or [] if a["email"]
        ]
        values["partner_ids"] = [Command.set(partner_ids)]
        if not event:
            # a new event gets its attendees with their answers in one go
            states = {
                partners[a["email"]]: a["state"]
                for a in neutral.get("attendees") or []
                if a["email"]
            }
            values["attendee_ids"] = [
                Command.create({"partner_id": pid, "state": states[pid]})
                for pid in dict.fromkeys(partner_ids)
            ]
        alarm_ids = [alarms[(a["type"], a["minutes"])] for a in neutral["alarms"]]
        if event:
            alarm_ids += event.alarm_ids.filtered(
                lambda alarm: alarm.alarm_type not in ("email", "notification")
            ).ids
        values["alarm_ids"] = [Command.set(alarm_ids)]
        return values

    def _calendar_sync_set_answers(self, neutral, partners):
        """Give each attendee of these events (one, or the occurrences of a
        series) the answer the provider knows: one write per answer."""
        states = {
            partners[a["email"]]: a["state"]
            for a in neutral.get("attendees") or []
            if a["email"] in partners
        }
        changed = {}
        for attendee in self.attendee_ids:
            state = states.get(attendee.partner_id.id)
            if state and attendee.state != state:
                changed[state] = changed.get(state, attendee.browse()) | attendee
        for state, attendees in changed.items():
            attendees.state = state
