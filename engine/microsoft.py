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

A series' instances, read, compared with Odoo's occurrences and read again
when they could not be (one series' failure does not stop the run):
:mod:`.microsoft_series`. The delta window, and removals confirmed before they
are applied (the window is not a delete): :mod:`.microsoft_window`. Sign-in and
the Graph client: :mod:`.microsoft_signin`.

Conditional writes: a single event is patched or deleted with ``If-Match``
(its etag as last synced); a series master and its occurrences are not, see
:meth:`MicrosoftAdapter._if_match`.
"""

import logging
import zlib
from dataclasses import dataclass

from odoo import _, _lt, fields

from ..services import config
from ..services.exceptions import (
    InvalidSyncToken,
    UnsupportedRecurrence,
)
from ..services.graph_mapper import from_graph, to_graph, transaction_id, zone_name
from ..services.graph_recurrence import (
    from_graph_recurrence,
    graph_meaning_differs,
    to_graph_recurrence,
)
from ..services.neutral_event import utc_to_naive_local
from . import steps
from .keys import EventKey
from .microsoft_push import MicrosoftPush
from .microsoft_series import MicrosoftSeries
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


def list_changes(env, account, client, resume, size):
    """One step of the account's listing (:mod:`.steps`): from ``resume``
    (the listing under way) or from the stored delta link."""
    if resume:
        result = client.delta(next_link=resume["cursor"], max_items=size)
        return _listing(result, resume["full"], resume["context"])
    start, end = _window(env)
    today = fields.Date.today()
    link, taken, waiting = split_token(account.sync_token)
    full = not link
    if link and (taken is None or (today - taken).days >= _refresh_days(env)):
        # the link's window was fixed when it was taken: start a new one
        _logger.info(
            "Outlook delta window of %s taken on %s: new window",
            account.email,
            taken or "an unknown day",
        )
        full = True
    try:
        if full:
            result = client.delta(None, start, end, max_items=size)
        else:
            result = client.delta(link, max_items=size)
    except InvalidSyncToken:
        _logger.info("Outlook delta link of %s expired: full sync", account.email)
        full = True
        result = client.delta(None, start, end, max_items=size)
    if full:
        taken = today
    context = {
        "window": [fields.Datetime.to_string(start), fields.Datetime.to_string(end)],
        "taken": fields.Date.to_string(taken) if taken else None,
        "waiting": waiting,
        "pushed": False,
    }
    return _listing(result, full, context)


def _listing(result, full, context):
    return steps.Listing(
        items=result.items,
        full=full,
        cursor=result.next_link,
        token=result.delta_link,
        context=context,
    )


def apply_listing(env, account, client, listing, step):
    """Sync ``listing``'s items both ways (one run, and a follow-up run for
    our own writes when it is the last part of the listing).

    :return: dict of counters (pulled, pushed, failed)
    """
    context = listing.context
    window = tuple(fields.Datetime.to_datetime(day) for day in context["window"])
    run = SyncRun(
        env,
        account,
        MicrosoftAdapter,
        client,
        listing.items,
        listing.full,
        step=step,
        window=window,
        # a full listing looks for them anyway (a token may not say)
        retry_failed=not step.partial and (context["waiting"] or listing.full),
    )
    run.execute()
    context["pushed"] = context.get("pushed") or bool(run.counters["pushed"])
    if step.partial:
        # for the last part, which reads the series that wait again
        context["waiting"] = context["waiting"] or run.adapter.series_waiting
        return run.finish(None)
    waiting = run.adapter.series_waiting
    link = listing.token
    if context["pushed"]:
        # Catch up with our own writes now: a delta link taken before them
        # would later hide an item we created and the user deleted since
        # (Graph may net "created then deleted" to nothing).
        result = client.delta(link)
        echo = SyncRun(
            env,
            account,
            MicrosoftAdapter,
            client,
            result.items,
            False,
            window=window,
            retry_failed=False,  # the first run just tried them
        )
        echo.execute()
        run.merge(echo)
        waiting |= echo.adapter.series_waiting
        link = result.delta_link
    taken = fields.Date.to_date(context["taken"]) if context["taken"] else None
    return run.finish(stamp_token(link, taken, waiting))


class MicrosoftAdapter(MicrosoftSeries, DeltaWindow, ProviderAdapter):
    """Outlook (Microsoft Graph) behind the provider port."""

    provider = config.MICROSOFT
    label = _lt("Outlook")
    short_label = _lt("Outlook")
    calendar_label = _lt("Outlook Calendar")
    signin = MicrosoftSignin
    push = MicrosoftPush
    series_write_drops_exceptions = True
    series_answer_covers_exceptions = True
    reset_delete_label = _lt("Delete from the current Outlook account")
    reset_unreachable = _lt(
        "Outlook could not be reached (%(error)s), so no event was deleted "
        "there: delete them there yourself if needed."
    )

    #: a listing step, and the run of a listing (see engine/steps.py)
    list_changes = staticmethod(list_changes)
    apply_listing = staticmethod(apply_listing)

    @staticmethod
    def apply_rank(item):
        # an occurrence changed alone after its series
        return 1 if item.get("seriesMasterId") else 0

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
        self._tids, self._tids_of = {}, None  # transactionId -> (Odoo id, replaced id)
        self._unbound_tids = None  # the same for records bound nowhere here
        self._instance_errors = {}  # master id -> why its instances are unknown
        self._gone = set()  # master ids whose /instances answered 404
        self._exdates = {}
        self._fallbacks = {}  # op key -> the series sent, whose fallbacks Odoo holds
        self._retry = set()  # master ids an earlier run could not read
        self._changed = []  # master ids whose instances this run compares
        self._deleted_there = {}  # master id -> {event id: instance deleted there}
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

    def remote_link(self, item):
        return item.get("webLink") or ""

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
        self._deleted_there = self._deleted_occurrences(self._changed)

    # ------------------------------------------------------------ writing
    def _transaction(self, odoo_id, key):
        return self._transaction_of(self.run.items.get(key), odoo_id)

    def _transaction_of(self, record, odoo_id, series_id=None):
        previous = self.binder.remote_id(record) if record else None
        generation = zlib.crc32(previous.encode()) if previous else 0
        if record and record._name == "calendar.recurrence":
            # a series goes out with its base occurrence's id, which may be
            # the first occurrence still following: after Odoo splits the
            # series there, the base of its new part; its create must not be
            # answered with the first part's series
            series_id = series_id or record.id
            generation = zlib.crc32(f"series:{series_id}".encode(), generation)
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return transaction_id(dbuuid, odoo_id or 0, generation)

    def claimed_odoo_id(self, neutral):
        """Graph's delta has no extended properties (no ``odoo_id``), but
        gives back the ``transactionId`` of our create: the Odoo record whose
        create it is, among the run's records (a create whose commit was
        lost is bound again, never made twice)."""
        tid = neutral.get("transaction_id")
        if not tid:
            return None
        found = self._sent_transactions().get(tid)
        if found is None:
            found = self._unbound_transactions().get(tid, (None, None))
        return found[0]

    def replaced(self, neutral):
        """The ``transactionId`` of a create made again after a remote delete
        derives from the deleted item's id (:meth:`_transaction`): that id."""
        tid = neutral.get("transaction_id")
        return self._sent_transactions().get(tid, (None, None))[1] if tid else None

    def _sent_transactions(self):
        """``{transactionId: (Odoo id, previous remote id)}`` of the creates
        of the run's records."""
        items = self.run.items
        if self._tids_of != len(items):
            self._tids = {}
            for record in items.values():
                odoo_id = record.id
                sent = [odoo_id]
                if record._name == "calendar.recurrence":
                    odoo_id, sent = self._series_sent_ids(record)
                if odoo_id:
                    previous = self.binder.remote_id(record)
                    for sent_id, series_id in self._sent_pairs(record, sent):
                        sent_tid = self._transaction_of(record, sent_id, series_id)
                        self._tids.setdefault(sent_tid, (odoo_id, previous))
            self._tids_of = len(items)
        return self._tids

    def _series_sent_ids(self, recurrence):
        """``(base id, ids)``: the series went out with the id of its base
        occurrence then, which may not be its base now (changed alone since):
        any of its occurrences names the series."""
        base_id = self.run._series_base(recurrence).id
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        return base_id, [base_id, *events.ids, *recurrence.base_event_id.ids]

    @staticmethod
    def _sent_pairs(record, sent):
        """``(Odoo id, series id)`` of the creates ``record`` may have been
        sent with: a series' under its own id and under those of the series
        Odoo made it again from (``calendar_sync_former_series``; finding BP:
        a series pushed by a run whose commit was lost, then moved or given a
        new rule as a whole in Odoo, came back as a second series)."""
        if record._name != "calendar.recurrence":
            return [(sent_id, None) for sent_id in sent]
        events = record.with_context(active_test=False).calendar_event_ids
        former = {
            int(series_id)
            for value in events.mapped("calendar_sync_former_series")
            if value
            for series_id in value.split(",")
        }
        series_ids = [record.id, *sorted(former - {record.id})]
        return [(sent_id, series_id) for series_id in series_ids for sent_id in sent]

    def _unbound_transactions(self):
        """``{transactionId: (Odoo id, None)}`` of the creates of the user's
        records bound to no item of this calendar, computed once a run: a
        create whose commit was lost is such a record's, and may be listed
        before the run has loaded it (a guest's import of it is bound then).
        A record whose binding here has no remote id is one: an earlier run's
        create that failed (a 503) left it, marked to be sent (finding AX)."""
        if self._unbound_tids is None:
            run = self.run
            unbound = self.binder.unbound_domain([("remote_id", "!=", False)])
            series = run.Recurrence.search(
                [("base_event_id.user_id", "=", run.user.id), *unbound]
            )
            events = run.Event.search(
                [("user_id", "=", run.user.id), ("recurrence_id", "=", False), *unbound]
            )
            tids = {}
            for recurrence in series:
                base_id, sent = self._series_sent_ids(recurrence)
                sent = set(sent) - {False}
                for sent_id, series_id in self._sent_pairs(recurrence, sent):
                    tid = self._transaction_of(recurrence, sent_id, series_id)
                    tids.setdefault(tid, (base_id, None))
            for event in events:
                tids.setdefault(self._transaction_of(event, event.id), (event.id, None))
            self._unbound_tids = tids
        return self._unbound_tids

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
        # its instances change with it: read again once written, not as cached
        self._instances.pop(remote_id, None)
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

    def tombstone(self, remote_id):
        return {"id": remote_id, "@removed": {"reason": "deleted"}}

    def delete_op(self, key, remote_id, etag=None):
        request = self.client.delete_request(remote_id, etag=self._if_match(key, etag))
        return GraphOp(key, "delete", remote_id, request)

    def answer_op(self, key, remote_id, event, state):
        params = self.env["ir.config_parameter"].sudo()
        silent = bool(params.get_param(config.PARAM_BLOCK_MAIL))
        silent = silent or key in self.run.quiet_answers
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
