# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google executor: load both sides, ask the planner, apply its actions.

One run syncs one account: pull the changes since the stored sync token (a full
listing without one, or after Google's 410), plan, apply the local actions with
the ORM, send the remote ones in batches, store the next sync token. Errors on
one event are recorded on that event and never stop the others.
"""

import logging

from markupsafe import escape

from odoo import _, api, fields, models

from ..services import config, planner
from ..services.exceptions import InvalidSyncToken
from ..services.google_client import WriteOp, new_event_id
from ..services.google_mapper import from_google, to_google
from ..services.snapshot import canonical
from .calendar_event import SYNC_CONTEXT

_logger = logging.getLogger(__name__)


class CalendarSyncGoogle(models.AbstractModel):
    _name = "calendar.sync.google"
    _description = "Google Calendar synchronization"

    # ------------------------------------------------------------------ entry
    @api.model
    def _sync_account(self, account):
        """Sync ``account`` (a connected Google account) both ways.

        :return: dict of counters (pulled, pushed, failed)
        """
        client = account._google_client()
        full_sync = not account.sync_token
        try:
            listing = client.list_events(sync_token=account.sync_token or None)
        except InvalidSyncToken:
            _logger.info("Google sync token of %s expired: full sync", account.email)
            full_sync = True
            listing = client.list_events()
        run = _Run(self.env, account, client, listing, full_sync)
        run.execute()
        account.sudo().write(
            {
                "sync_token": listing.next_sync_token or account.sync_token,
                "last_sync_date": fields.Datetime.now(),
                "state": "connected",
                "last_error": run.summary_error(),
            }
        )
        return run.counters


class _Run:
    """State of one sync run of one account (not a model: plain Python)."""

    def __init__(self, env, account, client, listing, full_sync):
        self.env = env
        self.account = account.sudo()
        self.user = self.account.user_id
        self.client = client
        self.full_sync = full_sync
        self.time_zone = listing.time_zone or "UTC"
        self.Event = (
            env["calendar.event"]
            .sudo()
            .with_context(
                active_test=False,
                **{SYNC_CONTEXT: True},
                no_mail_to_attendees=True,
                mail_create_nolog=True,
                mail_notrack=True,
                tracking_disable=True,
            )
        )
        self.counters = {"pulled": 0, "pushed": 0, "failed": 0}
        self.errors = []
        self.remote = self._read_remote(listing.items)

    # ------------------------------------------------------------------ load
    def _read_remote(self, items):
        remote = {}
        for item in items:
            try:
                if item.get("recurringEventId") or item.get("recurrence"):
                    # recurring series are handled by the recurrence sync
                    continue
                remote[item["id"]] = from_google(item, self.time_zone)
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
                self._fail(
                    None,
                    _(
                        "Unreadable event %(id)s from Google: %(error)s",
                        id=item.get("id"),
                        error=exc,
                    ),
                )
        return remote

    def _local_events(self):
        Event = self.Event
        domain_dirty = [
            ("user_id", "=", self.user.id),
            ("google_need_sync", "=", True),
            ("recurrence_id", "=", False),
        ]
        events = Event.search(domain_dirty)
        if self.remote:
            events |= Event.search([("google_id", "in", list(self.remote))])
        if self.full_sync:
            events |= Event.search(
                [
                    ("user_id", "=", self.user.id),
                    ("google_id", "!=", False),
                    ("google_etag", "!=", False),
                    ("recurrence_id", "=", False),
                ]
            )
        return events

    def _local_state(self, event):
        owned = event.user_id == self.user
        confirmed = bool(event.google_id and event.google_etag)
        return planner.LocalState(
            key=event.id,
            remote_id=event.google_id if confirmed else None,
            # only the organizer's account pushes an event
            dirty=owned and event.google_need_sync,
            archived=not event.active,
            write_date=event.write_date,
            snapshot=canonical(event._calendar_sync_neutral()),
            remote_etag=event.google_etag or None,
        )

    def _remote_state(self, remote_id, neutral):
        return planner.RemoteState(
            remote_id=remote_id,
            cancelled=neutral["cancelled"],
            updated=neutral["updated"],
            snapshot=None if neutral["cancelled"] else canonical(neutral),
            local_key=neutral.get("odoo_id"),
            etag=neutral.get("etag"),
        )

    # ------------------------------------------------------------------ run
    def execute(self):
        events = self._local_events()
        self.events = {event.id: event for event in events}
        actions = planner.plan(
            [self._local_state(event) for event in events],
            [self._remote_state(rid, n) for rid, n in self.remote.items()],
            full_sync=self.full_sync,
        )
        # the losing local version of a conflict, described before it is lost
        self.before = {
            action.key: self._describe(self.events[action.key]._calendar_sync_neutral())
            for action in actions
            if isinstance(action, planner.ReportConflict)
        }
        remote_ops = []
        for action in actions:
            handler = getattr(self, "_do_" + type(action).__name__)
            try:
                with self.env.cr.savepoint():
                    op = handler(action)
            except Exception as exc:
                _logger.exception("Google sync of %s failed", action)
                self._fail(self.events.get(getattr(action, "key", None)), exc)
                continue
            if op:
                remote_ops.append(op)
        self._push(remote_ops)

    # local actions -------------------------------------------------------
    def _do_CreateLocal(self, action):
        neutral = self.remote[action.remote_id]
        values = self._values(neutral)
        values.update(google_id=action.remote_id, google_etag=neutral["etag"])
        event = self.Event.create(values)
        event._calendar_sync_set_answers(neutral, self._partners([neutral]))
        self.counters["pulled"] += 1

    def _do_UpdateLocal(self, action):
        event = self.events[action.key]
        neutral = self.remote[action.remote_id]
        if event.user_id != self.user and self._organizer_syncs(event):
            # an attendee's copy: the organizer's account is the source; only
            # this user's own answer comes from here
            self._set_own_answer(event, neutral)
        else:
            values = self._values(neutral, event)
            event.write(values)
            event._calendar_sync_set_answers(neutral, self._partners([neutral]))
        event.write(
            {
                "google_id": action.remote_id,
                "google_etag": neutral["etag"],
                "google_need_sync": False,
                "google_sync_error": False,
            }
        )
        self.counters["pulled"] += 1

    def _do_DeleteLocal(self, action):
        event = self.events[action.key]
        if event.user_id != self.user and self._organizer_syncs(event):
            # the attendee removed their copy: they declined
            event.attendee_ids.filtered(
                lambda att: att.partner_id == self.user.partner_id
            ).state = "declined"
            return
        event.unlink()
        self.counters["pulled"] += 1

    def _do_BindLocal(self, action):
        self.events[action.key].write({"google_id": action.remote_id})

    def _do_MarkSynced(self, action):
        neutral = self.remote.get(action.remote_id) or {}
        self.events[action.key].write(
            {
                "google_need_sync": False,
                "google_sync_error": False,
                "google_etag": neutral.get("etag")
                or self.events[action.key].google_etag,
            }
        )

    def _do_ReportConflict(self, action):
        event = self.events[action.key]
        neutral = self.remote.get(action.remote_id)
        if action.winner == "remote":
            body = _(
                "This event was changed both in Odoo and in Google Calendar since the "
                "last sync. Google's later version was kept; your version in Odoo "
                "was: %(version)s",
                version=self.before[action.key],
            )
        else:
            body = _(
                "This event was changed both in Odoo and in Google Calendar since the "
                "last sync. Odoo's later version was kept; Google's version was: "
                "%(version)s",
                version=self._describe(neutral) if neutral else _("deleted"),
            )
        event.message_post(body=body)

    # remote actions ------------------------------------------------------
    def _do_CreateRemote(self, action):
        event = self.events[action.key]
        if not event.google_id or event.google_etag:
            # a fresh id for a never-pushed event (or a re-creation after a
            # remote delete); reused as is when a previous push was interrupted
            event.google_id = new_event_id()
        body = to_google(event._calendar_sync_neutral())
        body["id"] = event.google_id
        return WriteOp(event.id, "insert", event.google_id, body, self._send_updates())

    def _do_UpdateRemote(self, action):
        event = self.events[action.key]
        body = to_google(event._calendar_sync_neutral())
        return WriteOp(event.id, "patch", action.remote_id, body, self._send_updates())

    def _do_DeleteRemote(self, action):
        return WriteOp(
            action.key, "delete", action.remote_id, None, self._send_updates()
        )

    def _push(self, ops):
        if not ops:
            return
        results = self.client.write(ops)
        for op in ops:
            result = results[op.key]
            event = self.events[op.key]
            if not result.ok:
                self._fail(
                    event,
                    _(
                        "Google refused the change (%(status)s %(reason)s): "
                        "%(message)s",
                        status=result.status,
                        reason=result.reason,
                        message=result.message,
                    ),
                )
                continue
            self.counters["pushed"] += 1
            if op.action == "delete":
                # gone remotely: the archived tombstone goes too
                event.with_context(**{SYNC_CONTEXT: True}).unlink()
                continue
            event.write(
                {
                    "google_id": (result.event or {}).get("id") or op.event_id,
                    "google_etag": (result.event or {}).get("etag"),
                    "google_need_sync": False,
                    "google_sync_error": False,
                }
            )

    # ------------------------------------------------------------------ helpers
    def _send_updates(self):
        block = (
            self.env["ir.config_parameter"].sudo().get_param(config.PARAM_BLOCK_MAIL)
        )
        # Odoo's calendar treats any non-empty calendar.block_mail as set
        return "none" if block else "all"

    def _organizer_syncs(self, event):
        connected = self.env["calendar.sync.account"]._connected_users(
            config.GOOGLE, event.user_id
        )
        return bool(event.user_id and event.user_id in connected)

    def _set_own_answer(self, event, neutral):
        email = self.account.email
        for attendee in neutral.get("attendees") or []:
            if attendee["email"] == email:
                event.attendee_ids.filtered(
                    lambda att: att.partner_id == self.user.partner_id
                ).state = attendee["state"]

    def _owner(self, neutral):
        email = neutral.get("organizer_email")
        if email and email != self.account.email:
            Account = self.env["calendar.sync.account"].sudo()
            account = Account.search(
                [
                    ("provider", "=", config.GOOGLE),
                    ("email", "=", email),
                    ("state", "=", "connected"),
                ],
                limit=1,
            )
            if account:
                return account.user_id
            user = (
                self.env["res.users"]
                .sudo()
                .search([("email_normalized", "=", email)], limit=1)
            )
            if user:
                return user
        return self.user

    def _values(self, neutral, event=None):
        partners = self._partners([neutral])
        alarms = self._alarms([neutral])
        return self.Event._calendar_sync_values(
            neutral, self._owner(neutral), partners, alarms, event
        )

    def _partners(self, neutrals):
        emails = {a["email"] for n in neutrals for a in n.get("attendees") or []}
        emails.discard("")
        return self.env["res.partner"]._calendar_sync_find_or_create(
            {a["email"]: a["name"] for n in neutrals for a in n["attendees"]}
            if emails
            else {}
        )

    def _alarms(self, neutrals):
        wanted = {(a["type"], a["minutes"]) for n in neutrals for a in n["alarms"]}
        return self.env["calendar.alarm"]._calendar_sync_find_or_create(wanted)

    def _describe(self, neutral):
        start = (
            neutral.get("start_date") if neutral.get("allday") else neutral.get("start")
        )
        return escape(
            f"{neutral.get('name') or ''} — {start or ''} — "
            f"{neutral.get('location') or ''}"
        )

    def _fail(self, event, error):
        message = str(error)
        self.counters["failed"] += 1
        self.errors.append(message)
        if event:
            event.with_context(**{SYNC_CONTEXT: True}).write(
                {"google_sync_error": message[:500]}
            )

    def summary_error(self):
        if not self.errors:
            return False
        return _(
            "%(count)s event(s) could not be synced; the sync retries them on its "
            "next run. First error: %(error)s",
            count=len(self.errors),
            error=self.errors[0],
        )
