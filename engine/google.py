# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Google Calendar: the provider adapter of the sync engine.

Google speaks RFC 5545: a series master carries RRULE/EXDATE lines, its
occurrences have computable ids (``<master>_<original start in UTC>``), and
every write can be batched and carries a client-chosen id, so a retried insert
is answered 409 and reconciled instead of duplicated.

Sign-in and the API client of an account: :mod:`.google_signin`.
"""

import logging
from datetime import datetime, timedelta

from odoo import _lt, fields

from ..services import config
from ..services.exceptions import CalendarSyncError, InvalidSyncToken
from ..services.google_client import WriteOp, new_event_id
from ..services.google_mapper import from_google, to_google
from ..services.google_recurrence import from_google_recurrence, to_google_recurrence
from ..services.neutral_event import normalize_email, utc_to_naive_local
from ..services.snapshot import canonical, series_fields
from . import steps
from .google_push import GooglePush
from .google_signin import GoogleSignin
from .port import ProviderAdapter
from .run import SyncRun

_logger = logging.getLogger(__name__)


def instance_suffix(original, allday):
    """Google's instance id suffix of an occurrence's original start."""
    if allday:
        return original.strftime("%Y%m%d")
    return original.strftime("%Y%m%dT%H%M%SZ")


def list_changes(env, account, client, resume, size):
    """One step of the account's listing (:mod:`.steps`): from ``resume``
    (the listing under way) or from the stored sync token."""
    if resume:
        query = resume["context"].get("sync_token")
        listing = client.list_events(
            sync_token=query, page_token=resume["cursor"], max_items=size
        )
        full = resume["full"]
    else:
        query = account.sync_token or None
        full = not query
        try:
            listing = client.list_events(sync_token=query, max_items=size)
        except InvalidSyncToken:
            _logger.info("Google sync token of %s expired: full sync", account.email)
            query, full = None, True
            listing = client.list_events(max_items=size)
    return steps.Listing(
        items=listing.items,
        full=full,
        cursor=listing.next_page_token,
        token=listing.next_sync_token,
        context={
            "sync_token": query,
            "time_zone": listing.time_zone,
            "default_reminders": listing.default_reminders,
        },
    )


def apply_listing(env, account, client, listing, step):
    """Sync ``listing``'s items both ways (one run).

    :return: dict of counters (pulled, pushed, failed)
    """
    run = SyncRun(
        env,
        account,
        GoogleAdapter,
        client,
        listing.items,
        listing.full,
        listing.context.get("time_zone"),
        step=step,
        default_reminders=listing.context.get("default_reminders"),
    )
    run.execute()
    return run.finish(listing.token or account.sync_token)


class GoogleAdapter(ProviderAdapter):
    """Google Calendar behind the provider port."""

    provider = config.GOOGLE
    label = _lt("Google Calendar")
    short_label = _lt("Google")
    calendar_label = _lt("Google Calendar")
    signin = GoogleSignin
    push = GooglePush
    # pushed with sendUpdates=none: Google mails nobody for a first sync
    first_push_mails = False
    # extendedProperties.shared["<db>_odoo_id"] of Odoo's google_calendar
    carries_legacy_odoo_id = True
    # a deleted occurrence is a cancelled exception: a patch brings it back
    revives_instances = True
    reset_delete_label = _lt("Delete from the current Google Calendar account")
    reset_unreachable = _lt(
        "Google Calendar could not be reached (%(error)s), so no event was "
        "deleted there: delete them there yourself if needed."
    )

    #: a listing step, and the run of a listing (see engine/steps.py)
    list_changes = staticmethod(list_changes)
    apply_listing = staticmethod(apply_listing)

    @staticmethod
    def apply_rank(item):
        # an occurrence changed alone after its series
        return 1 if item.get("recurringEventId") else 0

    def __init__(self, run, default_reminders=None):
        super().__init__(run)
        self.default_reminders = default_reminders or []

    def classify(self, item):
        neutral = from_google(item, self.run.time_zone, self.default_reminders)
        if item.get("recurringEventId"):
            return "instance", item["id"], neutral
        if item.get("recurrence"):
            return "master", item["id"], neutral
        if item.get("status") == "cancelled" and "_" in item["id"]:
            return "instance", item["id"], neutral  # a cancelled exception
        return "single", item["id"], neutral

    def remote_rule(self, neutral):
        start = neutral["start_date"] if neutral["allday"] else neutral["start"]
        local = start if neutral["allday"] else utc_to_naive_local(start, neutral["tz"])
        return from_google_recurrence(neutral["recurrence"], local, neutral["tz"])

    def managed_instances(self, master_id, neutral):
        lines = neutral.get("recurrence") or []
        endless = not any("COUNT=" in line or "UNTIL=" in line for line in lines)
        today = datetime.combine(fields.Date.today(), datetime.min.time())
        # an endless series: up to two years ahead, as Odoo's own horizon
        items = self.client.list_instances(
            master_id, time_max=today + timedelta(days=730) if endless else None
        )
        return [
            {
                **from_google(item, self.run.time_zone, self.default_reminders),
                "remote_id": item["id"],
            }
            for item in items
        ]

    def remote_link(self, item):
        return item.get("htmlLink") or ""

    def new_remote_id(self):
        return new_event_id()

    def _send_updates(self):
        if not self.account.first_sync_done:
            # the first push sends existing events: never mail their attendees
            return "none"
        params = self.env["ir.config_parameter"].sudo()
        # Odoo's calendar treats any non-empty calendar.block_mail as set
        return "none" if params.get_param(config.PARAM_BLOCK_MAIL) else "all"

    def event_op(self, key, action, remote_id, event_neutral, etag=None):
        body = to_google(event_neutral)
        if action == "insert":
            body["id"] = remote_id
        else:
            # Odoo has it: an occurrence deleted here (a cancelled exception)
            # and restored in Odoo since comes back
            body["status"] = "confirmed"
        return WriteOp(key, action, remote_id, body, self._send_updates(), etag=etag)

    def series_op(self, key, action, remote_id, neutral, rule, first, exdates):
        lines = to_google_recurrence(
            rule, first, neutral["tz"], neutral["allday"], exdates
        )
        body = to_google(neutral, recurrence_lines=lines)
        if action == "insert":
            body["id"] = remote_id
        return WriteOp(key, action, remote_id, body, self._send_updates())

    def tombstone(self, remote_id):
        return {"id": remote_id, "status": "cancelled"}

    def delete_op(self, key, remote_id, etag=None):
        return WriteOp(key, "delete", remote_id, None, self._send_updates(), etag=etag)

    def answer_op(self, key, remote_id, event, state):
        # A guest may change its own responseStatus only: the attendees go
        # back as Google has them, with this one answer changed.
        current = self.client.get_event(remote_id)
        if not current or current.get("status") == "cancelled":
            return None
        attendees = [dict(att) for att in current.get("attendees") or []]
        email = normalize_email(self.account.email)
        mine = [att for att in attendees if normalize_email(att.get("email")) == email]
        if not mine:
            return None  # not invited in this calendar
        for att in mine:
            att["responseStatus"] = state
        body = {"attendees": attendees}
        return WriteOp(key, "patch", remote_id, body, self._send_updates())

    def instance_ids(self, recurrence, master_id, originals):
        # Google computes them: <master>_<original start> (a date when all-day)
        return {
            original: f"{master_id}_"
            + instance_suffix(original, not isinstance(original, datetime))
            for original in originals
        }

    def _instances_around(self, master_id, originals, show_deleted=True):
        """The instances of ``master_id`` listed among ``originals`` (``{id:
        original start}``), read in one request around their slots; None
        when Google could not be asked."""
        if not originals:
            return []
        # a day around them: an all-day slot is a date of the calendar's zone
        first, last = min(originals.values()), max(originals.values())
        try:
            items = self.client.list_instances(
                master_id,
                time_min=first - timedelta(days=1),
                time_max=last + timedelta(days=2),
                show_deleted=show_deleted,
            )
        except CalendarSyncError as exc:
            _logger.info("Google instances of %s not read: %s", master_id, exc)
            return None
        return [item for item in items if item["id"] in originals]

    def cancelled_instances(self, master_id, originals):
        items = self._instances_around(master_id, originals) or []
        return {item["id"] for item in items if item.get("status") == "cancelled"}

    def left_behind(self, master, originals):
        # an exception is an event of its own here: a write of its series
        # changes none of its fields but its guests (a guest's answer to one
        # occurrence makes one). A plain instance is a copy of the master,
        # compared as read the same way (mirrors, organizers, trimmed
        # reminders alike)
        items = self._instances_around(master["id"], originals, show_deleted=False)
        if not items:
            return set()
        series = self._series_fields(master)
        return {item["id"] for item in items if self._series_fields(item) != series}

    def _series_fields(self, item):
        neutral = from_google(item, self.run.time_zone, self.default_reminders)
        return series_fields(canonical(neutral))

    def stale_instances(self, master_id):
        return self.instance_holders(master_id).filtered(lambda ev: not ev.active)

    def instance_holders(self, master_id):
        holders = self.binder.search(
            "calendar.event", [("remote_id", "=like", f"{master_id}\\_%")]
        )
        return holders.with_context(active_test=False)

    def remote_ical_uid(self, item):
        return item.get("iCalUID")

    def send(self, ops):
        return self.client.write(ops)

    # ------------------------------------------------------------ reset
    @staticmethod
    def series_of(remote_id):
        # an occurrence's id is "<master id>_<original start>"
        return remote_id.rpartition("_")[0]

    @classmethod
    def delete_remote(cls, account, remote_ids):
        """One batch of deletes that mails nobody (``sendUpdates=none``)."""
        ops = [WriteOp(rid, "delete", rid, None, "none") for rid in remote_ids]
        results = account._client().write(ops)
        return {
            rid: result.message or result.reason or str(result.status)
            for rid, result in results.items()
            if not result.ok
        }
