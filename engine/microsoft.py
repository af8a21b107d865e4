# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Outlook (Microsoft Graph): the provider hooks of the sync engine.

Graph differs from Google where the engine can tell:

* changes come from ``/me/calendarView/delta`` over a window (1 year back and 2
  ahead by default); a series' master comes with sparse occurrences, and a
  deleted occurrence is not signalled: the series' instances (fetched for all
  changed series in ``$batch`` requests) are compared with Odoo's occurrences;
* occurrence ids are opaque: they are read from the instances, not computed;
* creates carry a ``transactionId`` derived from the database and the event,
  so a retried create returns the event already created: no duplicate;
* writes go out in ``$batch`` requests of at most 20, chained so that a mailbox
  never runs more than 4 at once (the client takes care of it);
* Outlook has no EXDATE: occurrences missing in Odoo are deleted one by one
  after the series is created.

One series whose ``/instances`` cannot be read does not stop the run: its
occurrences are left as they are, the error is recorded on the series, and the
next run reads them again (a series' own binding holds the error meanwhile).

The delta window, and removals confirmed before they are applied (the window
is not a delete): :mod:`.microsoft_window`. Sign-in and the Graph client:
:mod:`.microsoft_signin`.

Conditional writes: a single event is patched or deleted with ``If-Match``
(its etag as last synced); a series master and its occurrences are not, see
:meth:`MicrosoftAdapter._if_match`.
"""

import logging
import zlib
from dataclasses import dataclass
from datetime import datetime

from odoo import _, _lt, fields

from ..services import config
from ..services.exceptions import (
    CalendarSyncError,
    InvalidSyncToken,
    UnsupportedRecurrence,
)
from ..services.graph_mapper import from_graph, to_graph, transaction_id, zone_name
from ..services.graph_recurrence import (
    from_graph_recurrence,
    graph_extra_dates,
    graph_meaning_differs,
    to_graph_recurrence,
)
from ..services.neutral_event import utc_naive, utc_to_naive_local
from .keys import EventKey, InstanceKey
from .microsoft_push import MicrosoftPush
from .microsoft_signin import MicrosoftSignin
from .microsoft_window import (
    GONE_STATUSES,
    DeltaWindow,
    _refresh_days,
    _window,
    split_token,
    stamp_token,
)
from .port import ProviderAdapter, WriteResult
from .run import SyncRun

_logger = logging.getLogger(__name__)


@dataclass
class GraphOp:
    """One write of a run: its key, kind, target id and the $batch request."""

    key: object
    action: str
    event_id: str | None
    request: dict


def _with_etag(body):
    """Graph names the etag ``@odata.etag``; the engine reads ``etag``."""
    return {**body, "etag": body.get("@odata.etag") or body.get("changeKey")}


def sync_account(env, account):
    """Sync ``account`` (a connected Outlook account) both ways.

    :return: dict of counters (pulled, pushed, failed)
    """
    client = account._client()
    start, end = _window(env)
    today = fields.Date.today()
    link, taken, waiting = split_token(account.sync_token)
    full_sync = not link
    if link and (taken is None or (today - taken).days >= _refresh_days(env)):
        # the link's window was fixed when it was taken: start a new one
        _logger.info(
            "Outlook delta window of %s taken on %s: new window",
            account.email,
            taken or "an unknown day",
        )
        full_sync = True
    try:
        if full_sync:
            result = client.delta(None, start, end)
        else:
            result = client.delta(link)
    except InvalidSyncToken:
        _logger.info("Outlook delta link of %s expired: full sync", account.email)
        full_sync = True
        result = client.delta(None, start, end)
    if full_sync:
        taken = today
    run = SyncRun(
        env,
        account,
        MicrosoftAdapter,
        client,
        result.items,
        full_sync,
        window=(start, end),
        # a full listing looks for them anyway (a token may not say)
        retry_failed=waiting or full_sync,
    )
    run.execute()
    waiting = run.adapter.series_waiting
    if run.counters["pushed"]:
        # Catch up with our own writes now: a delta link taken before them
        # would later hide an item we created and the user deleted since
        # (Graph may net "created then deleted" to nothing).
        result = client.delta(result.delta_link)
        echo = SyncRun(
            env,
            account,
            MicrosoftAdapter,
            client,
            result.items,
            False,
            window=(start, end),
            retry_failed=False,  # the first run just tried them
        )
        echo.execute()
        run.merge(echo)
        waiting |= echo.adapter.series_waiting
    return run.finish(stamp_token(result.delta_link, taken, waiting))


class MicrosoftAdapter(DeltaWindow, ProviderAdapter):
    """Outlook (Microsoft Graph) behind the provider port."""

    provider = config.MICROSOFT
    label = _lt("Outlook")
    short_label = _lt("Outlook")
    calendar_label = _lt("Outlook Calendar")
    signin = MicrosoftSignin
    push = MicrosoftPush
    reset_delete_label = _lt("Delete from the current Outlook account")
    reset_unreachable = _lt(
        "Outlook could not be reached (%(error)s), so no event was deleted "
        "there: delete them there yourself if needed."
    )

    #: the whole sync of one account (listing, run, follow-ups)
    sync = staticmethod(sync_account)

    def __init__(self, run, window=(None, None), retry_failed=True):
        """
        :param window: ``(start, end)`` of the run's calendarView window
        :param retry_failed: look for the series whose instances an earlier
            run could not read, and read them again (False when the stored
            token says there are none, and for the follow-up run of a sync)
        """
        super().__init__(run)
        self.window = window
        self.retry_failed = retry_failed
        self._instances = {}
        self._instance_errors = {}  # master id -> why its instances are unknown
        self._gone = set()  # master ids whose /instances answered 404
        self._exdates = {}
        self._fallbacks = {}  # op key -> the series sent, whose fallbacks Odoo holds
        self._retry = set()  # master ids an earlier run could not read
        self._changed = []  # master ids whose instances this run compares
        self._pending = set()  # ids of the recurrences this run could not read

    # ------------------------------------------------------------ reading
    def classify(self, item):
        neutral = from_graph(item, "UTC")
        kind = item.get("type")
        if item.get("@removed"):
            return "single", item["id"], neutral
        if kind == "seriesMaster":
            # the series' own zone (the delta speaks UTC): DST-safe rules
            zone = zone_name(
                ((item.get("recurrence") or {}).get("range") or {}).get(
                    "recurrenceTimeZone"
                )
                or item.get("originalStartTimeZone")
            )
            if zone:
                neutral["tz"] = zone
            return "master", item["id"], neutral
        if kind == "exception":
            return "instance", item["id"], neutral
        if kind == "occurrence":
            return "skip", item["id"], neutral  # sparse: the master holds the data
        return "single", item["id"], neutral

    def remote_rule(self, neutral):
        return from_graph_recurrence(neutral["recurrence"]), []

    def _series_instances(self, master_ids):
        """Instances of the series, fetched in $batch requests and cached.

        A series whose instances could not be read is in ``_instance_errors``
        (and reads as ``[]`` here): never take that for "no occurrences"."""
        missing = [
            mid
            for mid in master_ids
            if mid not in self._instances and mid not in self._instance_errors
        ]
        if missing:
            start, end = self.window
            found = self.client.instances_results(missing, start, end)
            for master_id, series in found.items():
                if series.error is not None:
                    self._instance_errors[master_id] = series.error
                    continue
                if series.gone:
                    self._gone.add(master_id)
                try:
                    self._instances[master_id] = [
                        from_graph(instance, "UTC")
                        for instance in series.instances or ()
                    ]
                except CalendarSyncError as exc:
                    self._instance_errors[master_id] = exc
        return {mid: self._instances.get(mid) or [] for mid in master_ids}

    def instance_ids(self, recurrence, master_id, originals):
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            # unknown, not empty: its occurrences wait for the next run
            self._instances_failed(recurrence, master_id)
            return {}
        allday = any(not isinstance(o, datetime) for o in originals)
        tz = recurrence.event_tz or "UTC"
        ids = {}
        for instance in instances:
            original = instance.get("original_start")
            if original is None:
                continue
            if allday:
                original = utc_to_naive_local(original, tz).date()
            ids[original] = instance["remote_id"]
        return {o: ids[o] for o in originals if o in ids}

    def managed_instances(self, master_id, neutral):
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            return None
        return instances

    def remote_link(self, item):
        return item.get("webLink") or ""

    def extra_occurrences(self, neutral, slots):
        """The last day of the months lacking day 29-31 (or February 29)
        where Outlook puts a series' occurrence, up to Odoo's last slot; in
        the window, only those Outlook still has (a deleted one is not
        listed)."""
        recurrence = neutral.get("recurrence") or {}
        if not slots or not recurrence.get("pattern"):
            return []
        tz, allday = neutral["tz"], bool(neutral["allday"])
        until = slots[-1] if allday else utc_to_naive_local(slots[-1], tz).date()
        if neutral["rule"]["end_type"] == "end_date":
            until = neutral["rule"]["until"]
        if not allday:
            wall = utc_to_naive_local(neutral["start"], tz).time()
        days = graph_extra_dates(recurrence, until)
        extra = [
            day if allday else utc_naive(datetime.combine(day, wall), tz)
            for day in days
        ]
        master_id = neutral["remote_id"]
        instances = self._series_instances([master_id])[master_id]
        if master_id in self._instance_errors:
            return []
        listed = {
            utc_to_naive_local(original, tz).date() if allday else original
            for original in (instance.get("original_start") for instance in instances)
            if original is not None
        }
        start, end = self.window
        if not start:
            return [slot for slot in extra if slot in listed]
        # beyond the window Outlook lists nothing: its occurrences are there
        return [
            slot
            for slot in extra
            if slot in listed
            or not start.date() <= (slot if allday else slot.date()) <= end.date()
        ]

    def unmatched_occurrences(self, events):
        # Outlook lists every occurrence of the window: an Odoo occurrence it
        # lacks was deleted in Outlook (deletions are not in the delta), unless
        # the series' instances could not be read in this run
        waiting = events.filtered(lambda ev: ev.recurrence_id.id in self._pending)
        # not bound until the next run reads them, yet as the series is: not
        # "changed in Odoo" (which would send the whole series again)
        self.binder.set(
            waiting.filtered(
                lambda ev: ev.follow_recurrence and not self.binder.remote_id(ev)
            ),
            need_sync=False,
        )
        events -= waiting
        start, end = self.window
        inside = events.filtered(lambda ev: start <= ev.start <= end)
        # still in the user's other calendars: the delete goes there too
        elsewhere = inside.filtered(self.run._bound_elsewhere)
        self.binder.drop(elsewhere)
        elsewhere.write({"active": False, "calendar_sync_deleted": True})
        (inside - elsewhere).unlink()
        self.run.counters["pulled"] += len(inside)

    def after_series(self):
        """Occurrences deleted in Outlook: compare the changed series' instances
        with their Odoo occurrences. The series an earlier run could not read
        are read again here, and brought to where that run would have left
        them."""
        master_ids = list(dict.fromkeys(self._changed + sorted(self._retry)))
        if not master_ids:
            return
        instances = self._series_instances(master_ids)
        bound = self.binder.records("calendar.recurrence", master_ids)
        ops = []
        for master_id, recurrence in bound.items():
            if master_id in self._instance_errors:
                # not "every occurrence deleted": left alone, read next run
                self._instances_failed(recurrence, master_id)
                continue
            if master_id in self._retry:
                try:
                    with self.env.cr.savepoint():
                        ops += self._read_again(recurrence, master_id)
                    self._retry.discard(master_id)
                except Exception as exc:  # noqa: BLE001 - isolate per series
                    _logger.info("Outlook series %s: %s", master_id, exc)
                    self.run._fail(recurrence, exc)
                continue
            alive = {i["remote_id"] for i in instances[master_id]}
            gone = self.run._occurrences(recurrence).filtered(
                lambda ev, alive=alive: (
                    self.binder.remote_id(ev) and self.binder.remote_id(ev) not in alive
                )
            )
            self.unmatched_occurrences(gone)
        self.run._push(ops)

    # ------------------------------------------------------------ removals
    def before_execute(self):
        if self.retry_failed:
            self._retry = {
                self.binder.remote_id(recurrence)
                for recurrence in self.binder.search(
                    "calendar.recurrence",
                    [("remote_id", "!=", False), ("sync_error", "!=", False)],
                )
            }
        self._confirm_removals()
        self._changed = self._changed_masters()
        # per-series detail for every changed series, in $batch requests
        self._series_instances(self._changed + sorted(self._retry))

    def _changed_masters(self):
        """The masters of the listing whose instances must be compared: new
        ones, and those whose etag differs from the one recorded when their
        instances were last compared (a cancelled or edited occurrence
        changes its master's etag; our own write coming back does not)."""
        masters = {
            rid: neutral
            for rid, neutral in self.run.masters.items()
            if not neutral["cancelled"]
        }
        bound = self.binder.records("calendar.recurrence", masters)
        return [
            rid
            for rid, neutral in masters.items()
            if rid not in bound
            or not neutral.get("etag")
            or neutral["etag"] != self.binder.get(bound[rid], "etag")
        ]

    # ------------------------------------------------------------ failed series
    @property
    def series_waiting(self):
        """Some series wait for their instances to be read again."""
        return bool(self._pending or self._retry)

    def _instances_failed(self, recurrence, master_id):
        """Record on ``recurrence`` (once per run) that its instances could not
        be read; the next run reads them again (its binding keeps the error)."""
        if not recurrence or recurrence.id in self._pending:
            return
        self._pending.add(recurrence.id)
        error = self._instance_errors[master_id]
        message = _(
            "The occurrences of this series could not be read from %(provider)s "
            "(%(error)s): they are left as they are, and read again on the next "
            "sync.",
            provider=self.label,
            error=getattr(error, "message", None) or str(error),
        )[:500]
        self.run._fail(recurrence, message)
        self.binder.set(recurrence, sync_error=message)

    def _read_again(self, recurrence, master_id):
        """A series an earlier run could not read, now read: bind its
        occurrences (those Outlook no longer has go, as in any run), apply its
        exceptions made in Outlook, and return the deletes of the occurrences
        Odoo's series lacks."""
        run = self.run
        self._clear_failure(recurrence)
        if master_id in self._gone:
            return []  # the series itself is gone: its removal says so
        if recurrence.calendar_sync_managed:
            # Outlook's own occurrences, read again with its next change: no
            # Odoo rule to bind or delete by
            return []
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        before = {
            event.id: (
                self.binder.remote_id(event),
                self.binder.get(event, "etag"),
                self.binder.get(event, "need_sync"),
            )
            for event in events
            if self.binder.remote_id(event)
        }
        run._bind_occurrences(
            recurrence, master_id, self.binder.get(recurrence, "etag")
        )
        for event in events.exists():
            remote_id, etag, need_sync = before.get(event.id, (None, None, None))
            if remote_id and self.binder.remote_id(event) == remote_id:
                # bound before, to the same instance: as it was
                self.binder.set(event, etag=etag, need_sync=need_sync)
        for instance in self._instances.get(master_id) or ():
            if instance.get("graph_type") == "exception":
                # made in Outlook meanwhile: the occurrence pass applies it
                run.instances.setdefault(instance["remote_id"], instance)
                run.remote.setdefault(instance["remote_id"], instance)
        return self._missing_slots(recurrence, master_id)

    def _clear_failure(self, recurrence):
        message = self.binder.get(recurrence, "sync_error")
        if not message:
            return
        self.binder.set(recurrence, sync_error=False)
        base = self.run._series_base(recurrence)
        if base and self.binder.get(base, "sync_error") == message:
            self.binder.set(base, sync_error=False)

    def _missing_slots(self, recurrence, master_id):
        """Deletes of the Outlook occurrences of slots that Odoo's series lacks
        (Outlook has no EXDATE), for a series this calendar organizes."""
        run = self.run
        base = run._series_base(recurrence)
        if (
            base.user_id != run.user
            or self.binder.get(recurrence, "guest_copy")
            or recurrence.calendar_sync_managed
        ):
            return []
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        # an archived occurrence still bound is deleted by the occurrence pass
        taken = {
            run._original(event)
            for event in events
            if event.active or self.binder.remote_id(event)
        }
        slots = run._series_slots(recurrence, base)
        return self._slot_deletes(
            recurrence, master_id, [slot for slot in slots if slot not in taken]
        )

    def _slot_deletes(self, recurrence, master_id, originals):
        """Deletes of the Outlook occurrences of ``originals``."""
        ops = []
        ids = self.instance_ids(recurrence, master_id, set(originals))
        for original, instance_id in ids.items():
            key = InstanceKey(recurrence.id, original)
            self.run.items[key] = recurrence
            ops.append(self.delete_op(key, instance_id))
        return ops

    # ------------------------------------------------------------ writing
    def _transaction(self, odoo_id, key):
        record = self.run.items.get(key)
        previous = self.binder.remote_id(record) if record else None
        generation = zlib.crc32(previous.encode()) if previous else 0
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return transaction_id(dbuuid, odoo_id or 0, generation)

    def _if_match(self, key, etag):
        """``etag`` when the write of ``key`` is sent conditionally, else None.

        Only single events carry ``If-Match``. Writing an occurrence changes
        its series master's change key (a write earlier in the same run
        included), and a plain occurrence shows its master's change key, which
        the engine records on occurrences only when it binds them: a stored
        etag of a master or an occurrence is often stale for no conflict, and
        ``If-Match`` would have Graph refuse (412) changes that conflict with
        nothing. Series masters and occurrences are written unconditionally.
        """
        if not etag or not isinstance(key, EventKey):
            return None
        record = self.run.items.get(key)
        if not record or record._name != "calendar.event" or record.recurrence_id:
            return None
        return etag

    def event_op(self, key, action, remote_id, event_neutral, etag=None):
        body = to_graph(event_neutral)
        if action == "insert":
            tid = self._transaction(event_neutral.get("odoo_id"), key)
            return GraphOp(key, action, None, self.client.create_request(body, tid))
        request = self.client.patch_request(
            remote_id, body, etag=self._if_match(key, etag)
        )
        return GraphOp(key, action, remote_id, request)

    def series_op(self, key, action, remote_id, neutral, rule, first, exdates):
        start = (
            first
            if neutral["allday"]
            else utc_to_naive_local(first, neutral["tz"]).date()
        )
        if graph_meaning_differs(rule, start) and not self._holds_fallback(key):
            raise UnsupportedRecurrence(
                "Outlook gives this rule other dates",
                rule=str(rule),
                reason=_(
                    "Outlook moves occurrences of this rule to the last day of "
                    "shorter months (day 29 to 31, or February 29), where Odoo "
                    "skips those months: the two calendars would disagree. Choose "
                    "another day, or 'the last <weekday>' of the month."
                ),
            )
        recurrence = to_graph_recurrence(rule, start, neutral["tz"])
        body = to_graph(neutral, recurrence=recurrence)
        self._exdates[key] = exdates
        if self._holds_fallback(key):
            self._fallbacks[key] = {**neutral, "recurrence": recurrence, "rule": rule}
        if action == "insert":
            tid = self._transaction(neutral.get("odoo_id"), key)
            return GraphOp(key, action, None, self.client.create_request(body, tid))
        # never conditional: see _if_match
        return GraphOp(
            key, action, remote_id, self.client.patch_request(remote_id, body)
        )

    def _holds_fallback(self, key):
        """Whether the series is held in Odoo as Outlook holds it: imported
        from Outlook with its occurrences on the last day of shorter months
        (see :meth:`extra_occurrences`), so the same pattern sent back keeps
        the same occurrences on both sides."""
        recurrence = self.run.items.get(key)
        return bool(
            recurrence
            and recurrence._name == "calendar.recurrence"
            and self.binder.get(recurrence, "extra_occurrences")
        )

    def delete_op(self, key, remote_id, etag=None):
        request = self.client.delete_request(remote_id, etag=self._if_match(key, etag))
        return GraphOp(key, "delete", remote_id, request)

    def answer_op(self, key, remote_id, event, state):
        params = self.env["ir.config_parameter"].sudo()
        silent = bool(params.get_param(config.PARAM_BLOCK_MAIL))
        request = self.client.respond_request(
            remote_id, state, send_response=not silent
        )
        return GraphOp(key, "answer", remote_id, request)

    def remote_ical_uid(self, item):
        return item.get("iCalUId")

    def send(self, ops):
        results = self.client.batch([op.request for op in ops])
        out = {}
        for op, result in zip(ops, results, strict=True):
            ok = result.ok or (op.action == "delete" and result.status in GONE_STATUSES)
            out[op.key] = WriteResult(
                ok=ok,
                status=result.status,
                reason=result.error_code or "",
                message=result.error_message,
                event=_with_etag(result.body)
                if isinstance(result.body, dict)
                else None,
                retryable=not ok and result.retryable,
                # If-Match refused: the event changed in Outlook meanwhile
                precondition_failed=result.precondition_failed,
            )
        return out

    def after_pushed(self, op, record, remote):
        exdates = self._exdates.pop(op.key, None)
        sent = self._fallbacks.pop(op.key, None)
        if record._name != "calendar.recurrence" or op.action == "delete":
            return []
        master_id = self.binder.remote_id(record)
        if exdates or sent:
            self._instances.pop(master_id, None)
            self._instance_errors.pop(master_id, None)
        if sent:
            # the last days of shorter months stay in Odoo as Outlook has them
            sent = {**sent, "remote_id": master_id, "etag": remote.get("etag")}
            self.run._add_extra_occurrences(record, master_id, sent)
        if exdates:
            # Outlook has no EXDATE: delete the occurrences Odoo does not have
            return self._slot_deletes(record, master_id, exdates)
        return []

    # ------------------------------------------------------------ reset
    @classmethod
    def delete_remote(cls, account, remote_ids):
        """Deletes in ``$batch`` requests: a series once, through its master
        (Graph deletes its occurrences and exceptions with it); 404 and 410
        mean already gone. Graph has no switch to keep Outlook from mailing
        cancellations to the attendees (README)."""
        client = account._client()
        results = client.batch([client.delete_request(rid) for rid in remote_ids])
        refused = {}
        for rid, result in zip(remote_ids, results, strict=True):
            if result.ok or result.status in GONE_STATUSES:
                continue
            refused[rid] = (
                result.error_message or result.error_code or str(result.status)
            )
        return refused
