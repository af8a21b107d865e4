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
"""

import logging
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from odoo import _, _lt, fields

from ..services import config
from ..services.exceptions import InvalidSyncToken, UnsupportedRecurrence
from ..services.graph_mapper import from_graph, to_graph, transaction_id, zone_name
from ..services.neutral_event import utc_to_naive_local
from ..services.recurrence import (
    from_graph_recurrence,
    graph_meaning_differs,
    to_graph_recurrence,
)
from .keys import InstanceKey
from .port import ProviderAdapter, WriteResult
from .run import SyncRun

_logger = logging.getLogger(__name__)

DEFAULT_PAST_DAYS = 365
DEFAULT_FUTURE_DAYS = 730


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


def _window(env):
    params = env["ir.config_parameter"].sudo()
    past = int(params.get_param("calendar_sync.microsoft_past_days", 0) or 0)
    future = int(params.get_param("calendar_sync.microsoft_future_days", 0) or 0)
    today = datetime.combine(fields.Date.today(), datetime.min.time())
    return (
        today - timedelta(days=past or DEFAULT_PAST_DAYS),
        today + timedelta(days=future or DEFAULT_FUTURE_DAYS),
    )


def sync_account(env, account):
    """Sync ``account`` (a connected Outlook account) both ways.

    :return: dict of counters (pulled, pushed, failed)
    """
    client = account._microsoft_client()
    start, end = _window(env)
    full_sync = not account.sync_token
    try:
        if full_sync:
            result = client.delta(None, start, end)
        else:
            result = client.delta(account.sync_token)
    except InvalidSyncToken:
        _logger.info("Outlook delta link of %s expired: full sync", account.email)
        full_sync = True
        result = client.delta(None, start, end)
    run = SyncRun(
        env,
        account,
        MicrosoftAdapter,
        client,
        result.items,
        full_sync,
        window=(start, end),
    )
    run.execute()
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
        )
        echo.execute()
        run.merge(echo)
    return run.finish(result.delta_link)


class MicrosoftAdapter(ProviderAdapter):
    """Outlook (Microsoft Graph) behind the provider port."""

    provider = config.MICROSOFT
    label = _lt("Outlook")

    #: the whole sync of one account (listing, run, follow-ups)
    sync = staticmethod(sync_account)

    def __init__(self, run, window=(None, None)):
        super().__init__(run)
        self.window = window
        self._instances = {}
        self._exdates = {}

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

    def window_domain(self, kind):
        start, end = self.window
        if not start:
            return []
        if kind == "series":
            return [("base_event_id.start", "<=", end)]
        return [("stop", ">=", start), ("start", "<=", end)]

    def _series_instances(self, master_ids):
        """Instances of the series, fetched in $batch requests and cached."""
        missing = [mid for mid in master_ids if mid not in self._instances]
        if missing:
            start, end = self.window
            found = self.client.instances_batch(missing, start, end)
            for master_id, instances in found.items():
                self._instances[master_id] = [
                    from_graph(instance, "UTC") for instance in instances or ()
                ]
        return {mid: self._instances.get(mid) or [] for mid in master_ids}

    def instance_ids(self, recurrence, master_id, originals):
        allday = any(not isinstance(o, datetime) for o in originals)
        tz = recurrence.event_tz or "UTC"
        ids = {}
        for instance in self._series_instances([master_id])[master_id]:
            original = instance.get("original_start")
            if original is None:
                continue
            if allday:
                original = utc_to_naive_local(original, tz).date()
            ids[original] = instance["remote_id"]
        return {o: ids[o] for o in originals if o in ids}

    def unmatched_occurrences(self, events):
        # Outlook lists every occurrence of the window: an Odoo occurrence it
        # lacks was deleted in Outlook (deletions are not in the delta)
        start, end = self.window
        inside = events.filtered(lambda ev: start <= ev.start <= end)
        inside.unlink()
        self.run.counters["pulled"] += len(inside)

    def after_series(self):
        """Occurrences deleted in Outlook: compare the changed series' instances
        with their Odoo occurrences."""
        masters = [rid for rid, n in self.run.masters.items() if not n["cancelled"]]
        if not masters:
            return
        instances = self._series_instances(masters)
        bound = self.binder.records("calendar.recurrence", masters)
        for master_id, recurrence in bound.items():
            alive = {i["remote_id"] for i in instances[master_id]}
            gone = self.run._occurrences(recurrence).filtered(
                lambda ev, alive=alive: (
                    self.binder.remote_id(ev) and self.binder.remote_id(ev) not in alive
                )
            )
            self.unmatched_occurrences(gone)

    # ------------------------------------------------------------ writing
    def _transaction(self, odoo_id, key):
        record = self.run.items.get(key)
        previous = self.binder.remote_id(record) if record else None
        generation = zlib.crc32(previous.encode()) if previous else 0
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return transaction_id(dbuuid, odoo_id or 0, generation)

    def event_op(self, key, action, remote_id, event_neutral, etag=None):
        body = to_graph(event_neutral)
        if action == "insert":
            tid = self._transaction(event_neutral.get("odoo_id"), key)
            return GraphOp(key, action, None, self.client.create_request(body, tid))
        return GraphOp(
            key, action, remote_id, self.client.patch_request(remote_id, body)
        )

    def series_op(self, key, action, remote_id, neutral, rule, first, exdates):
        start = (
            first
            if neutral["allday"]
            else utc_to_naive_local(first, neutral["tz"]).date()
        )
        if graph_meaning_differs(rule, start):
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
        if action == "insert":
            tid = self._transaction(neutral.get("odoo_id"), key)
            return GraphOp(key, action, None, self.client.create_request(body, tid))
        return GraphOp(
            key, action, remote_id, self.client.patch_request(remote_id, body)
        )

    def delete_op(self, key, remote_id, etag=None):
        return GraphOp(key, "delete", remote_id, self.client.delete_request(remote_id))

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
            ok = result.ok or (op.action == "delete" and result.status in (404, 410))
            out[op.key] = WriteResult(
                ok=ok,
                status=result.status,
                reason=result.error_code or "",
                message=result.error_message,
                event=_with_etag(result.body)
                if isinstance(result.body, dict)
                else None,
            )
        return out

    def before_execute(self):
        # per-series detail for every changed series, in $batch requests
        self._series_instances(
            [rid for rid, n in self.run.masters.items() if not n["cancelled"]]
        )

    def after_pushed(self, op, record, remote):
        follow_ups = []
        exdates = self._exdates.pop(op.key, None)
        if exdates and record._name == "calendar.recurrence" and op.action != "delete":
            # Outlook has no EXDATE: delete the occurrences Odoo does not have
            master_id = self.binder.remote_id(record)
            self._instances.pop(master_id, None)
            ids = self.instance_ids(record, master_id, set(exdates))
            for original, instance_id in ids.items():
                key = InstanceKey(record.id, original)
                self.run.items[key] = record
                follow_ups.append(self.delete_op(key, instance_id))
        return follow_ups
