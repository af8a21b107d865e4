# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Background runs: no sync ever runs in an HTTP worker.

Opening the calendar, Sync Now, a push notification and the scheduled pass
*request* a run of an account (:func:`request`): the account's
``sync_requested`` is set (the header shows the run as queued) and the run is
handed to a background worker (:func:`dispatch`):

- with OCA's ``queue_job`` installed (:func:`queue_job_enabled`), one job per
  account in the channel :data:`CHANNEL`, at most one pending job per account
  (an identity key), so that every job runner of every server takes a share;
- without it, a trigger of the "run requested synchronizations" cron
  (:data:`REQUESTED_CRON`), whose pass (:func:`requested_pass`) takes the
  requested accounts one per transaction; several cron workers (this cron and
  the scheduled pass, which works through the same requests) share them,
  each picking with ``SKIP LOCKED``, and the locks of a run
  (:func:`engine.scheduler.lock`) make sure no account runs twice at once.

Several requests before the run starts collapse into one run.
"""

import logging
import time
from collections import namedtuple
from datetime import timedelta

import psycopg2.errors

from odoo import fields, sql_db
from odoo.modules import module

from . import scheduler

_logger = logging.getLogger(__name__)

#: The cron that runs requested syncs (without queue_job).
REQUESTED_CRON = "calendar_sync.ir_cron_sync_requested"
#: queue_job's channel of the runs (capacity set in the server's
#: ``[queue_job] channels``, e.g. ``root:4,root.calendar_sync:2``).
CHANNEL = "root.calendar_sync"
#: Tries of a worker to pick its next account when other workers commit the
#: same rows meanwhile.
PICK_ATTEMPTS = 3
#: An account whose run another worker holds: asked again this much later.
BUSY_RETRY = timedelta(minutes=1)


def queue_job_enabled(env):
    """Whether requested runs are queue_job jobs: queue_job is installed in
    this database (its models are in the registry)."""
    return "queue.job" in env.registry


def request(accounts, wait=None, extra_sql="", extra_params=()):
    """Request a background run of ``accounts``.

    An account that a run holds right now is skipped: that run is under way
    (the header shows it as syncing). With ``wait`` (a PostgreSQL duration,
    for the push webhooks) the request waits that long for such a run to end
    instead, and gives up (False) when it does not.

    :param extra_sql: more ``SET`` assignments of the same statement (the
        push webhooks renew or forget the channel)
    :return: the ids of the accounts requested, or False when ``wait`` ran out
    """
    if not accounts:
        return []
    env = accounts.env
    cr = env.cr
    env["calendar.sync.account"].flush_model()
    assignments = (
        "sync_requested = COALESCE(sync_requested, now() AT TIME ZONE 'UTC')"
        + (f", {extra_sql}" if extra_sql else "")
    )
    if wait:
        try:
            with cr.savepoint():
                cr.execute("SET LOCAL lock_timeout = %s", [wait])
                cr.execute(
                    f"UPDATE calendar_sync_account SET {assignments} "
                    "WHERE id = ANY(%s) RETURNING id",
                    [*extra_params, list(accounts.ids)],
                )
                ids = [row[0] for row in cr.fetchall()]
                cr.execute("SET LOCAL lock_timeout = DEFAULT")
        except psycopg2.errors.LockNotAvailable:
            return False
    else:
        cr.execute(
            f"UPDATE calendar_sync_account SET {assignments} "
            "WHERE id IN (SELECT id FROM calendar_sync_account WHERE id = ANY(%s) "
            "FOR NO KEY UPDATE SKIP LOCKED) RETURNING id",
            [*extra_params, list(accounts.ids)],
        )
        ids = [row[0] for row in cr.fetchall()]
    requested = accounts.browse(ids)
    requested.invalidate_recordset()
    dispatch(requested)
    return ids


def dispatch(accounts):
    """Hand the requested runs of ``accounts`` to a background worker."""
    if not accounts:
        return
    env = accounts.env
    if queue_job_enabled(env):
        for account in accounts.sudo():
            enqueue(account)
    else:
        trigger(env)


def trigger(env, at=None):
    """Wake the requested-runs cron (now, or ``at``); an administrator who
    deleted it is told in the log, the requests wait for the scheduled pass."""
    cron = env.ref(REQUESTED_CRON, raise_if_not_found=False)
    if not cron:
        _logger.warning("The cron %s is missing: requested runs wait", REQUESTED_CRON)
        return
    cron.sudo()._trigger(at)


def enqueue(account, eta=None):
    """The queue_job job of ``account``'s requested run; while one is
    pending, it is that one (same identity key: one pending job per
    account)."""
    # queue_job is optional: imported only when it is installed
    from odoo.addons.queue_job.job import identity_exact

    eta = eta or account.sync_retry_at or None
    return account.with_delay(
        channel=CHANNEL,
        identity_key=identity_exact,
        eta=eta if eta and eta > fields.Datetime.now() else None,
        description=account.env._(
            "Calendar sync of %(account)s", account=account.display_name
        ),
    )._run_requested_sync()


def perform(account):
    """The queue_job job: run ``account``'s requested run, in the job's
    transaction. An account another worker holds, or whose provider asked to
    wait, is retried later (the job is postponed, not failed)."""
    from odoo.addons.queue_job.exception import RetryableJobError

    account = account.sudo()
    outcome = run_requested(account)
    if outcome is BUSY:
        raise RetryableJobError(
            "Another worker is synchronizing this account",
            seconds=int(BUSY_RETRY.total_seconds()),
            ignore_retry=True,
        )
    if outcome is not DONE:  # a datetime: not before then
        seconds = (outcome - fields.Datetime.now()).total_seconds()
        raise RetryableJobError(
            "The provider asked to wait",
            seconds=max(int(seconds), 1),
            ignore_retry=True,
        )
    return outcome


#: Outcomes of :func:`run_requested` (else the datetime to wait for).
DONE = "done"
BUSY = "busy"


def run_requested(account):
    """Run ``account``'s requested run in this transaction, when it is still
    requested and no other worker holds it.

    :return: DONE (ran, or nothing to do), BUSY (another worker holds the
        account or its user), or the datetime before which the provider asked
        not to call again
    """
    picked = claim(account, "a.id = %(account)s", {"account": account.id})
    if not picked:
        return BUSY
    if not picked.requested:
        return DONE
    if picked.retry_at and picked.retry_at > picked.now:
        return picked.retry_at
    if not scheduler.attempt(account, picked):
        return BUSY
    return DONE


#: An account a worker picked (:func:`claim`): ``locked`` when this
#: transaction holds its locks and consumed its request (the run goes on),
#: ``may_sync`` False for an offboarded user (see ``scheduler.user_may_sync``).
Claim = namedtuple("Claim", "account_id requested retry_at may_sync locked now")

#: The statement of :func:`claim`: the pick (the row lock, ``SKIP LOCKED``),
#: the locks of a run (``scheduler.lock``: row, then the account's and the
#: user's advisory locks, for users who may sync) and, when they are taken,
#: the request consumed. A request the locks refuse stays.
CLAIM_SQL = """
WITH picked AS MATERIALIZED (
    SELECT a.id, a.user_id, a.sync_requested, a.sync_retry_at
    FROM calendar_sync_account a WHERE {where}
    ORDER BY a.sync_requested, a.last_attempt_date NULLS FIRST, a.id
    LIMIT 1 FOR NO KEY UPDATE OF a SKIP LOCKED
), locked AS MATERIALIZED (
    SELECT p.*, COALESCE(u.active AND NOT u.share, FALSE) AS may_sync,
        CASE WHEN u.active AND NOT u.share AND p.sync_requested IS NOT NULL
        AND (p.sync_retry_at IS NULL OR p.sync_retry_at <= %(now)s)
        THEN pg_try_advisory_xact_lock(%(account_key)s, p.id)
        AND pg_try_advisory_xact_lock(%(user_key)s, p.user_id)
        ELSE FALSE END AS locked
    FROM picked p LEFT JOIN res_users u ON u.id = p.user_id
), consumed AS (
    UPDATE calendar_sync_account a
    SET sync_requested = NULL, last_attempt_date = %(now)s
    FROM locked l WHERE a.id = l.id AND l.locked
)
SELECT id, sync_requested, sync_retry_at, may_sync, locked,
    now() AT TIME ZONE 'UTC' FROM locked
"""


def claim(Account, where, params):
    """Pick the requested account ``where`` says (the oldest request first),
    take the locks of its run and consume its request, in one statement.

    :return: a :class:`Claim`, or None when no account is left (or the
        one asked for is held by another worker)
    """
    Account.flush_model()
    cr = Account.env.cr
    now = fields.Datetime.now()
    cr.execute(
        CLAIM_SQL.format(where=where),
        {
            **params,
            "now": now,
            "account_key": scheduler.SYNC_LOCK_KEY,
            "user_key": scheduler.USER_LOCK_KEY,
        },
    )
    row = cr.fetchone()
    if not row:
        return None
    *values, transaction_time = row
    know_transaction_time(cr, transaction_time)
    picked = Claim(*values, now)
    Account.browse(picked.account_id).invalidate_recordset(
        ["sync_requested", "last_attempt_date"]
    )
    return picked


def know_transaction_time(cr, transaction_time):
    """Odoo's cursor asks PostgreSQL for the transaction's time (its
    ``now()``, the ``write_date`` of every write) once per transaction: the
    claim's statement told it already, the same value (one query less per
    run). A test cursor keeps its own clock."""
    if isinstance(cr, sql_db.Cursor) and cr._now is None:
        cr._now = transaction_time


def _pick(Account, skipped):
    """Claim the next requested account no other worker holds, the oldest
    request first; None when there is none."""
    for attempt in range(PICK_ATTEMPTS):
        try:
            return claim(
                Account,
                "a.sync_requested IS NOT NULL AND a.sync_stopped IS NOT TRUE "
                "AND (a.sync_retry_at IS NULL OR a.sync_retry_at <= %(now)s) "
                "AND a.id <> ALL(%(skipped)s)",
                {"skipped": list(skipped)},
            )
        except psycopg2.errors.SerializationFailure:
            # another worker committed the row between this statement's
            # snapshot and its lock (repeatable read): nothing was done in
            # this transaction yet, a new one sees the row as it is now
            if attempt == PICK_ATTEMPTS - 1 or module.current_test:
                raise
            Account.env.cr.rollback()  # pylint: disable=invalid-commit
    return None


def requested_pass(Account, time_budget=None):
    """Run the requested runs, one account per transaction, until none is
    left or the time budget is spent (then the cron is triggered again, so
    that it goes on after the other crons had their turn).

    With queue_job, the runs are the jobs': the requests still waiting are
    handed to it again (a lost job is made again; a pending one is kept)."""
    env = Account.env
    # the company is read once for the pass, not once per account's run
    Account = Account.sudo().with_context(allowed_company_ids=env.company.ids)
    if queue_job_enabled(env):
        for account in Account.search([("sync_requested", "!=", False)]):
            enqueue(account)
        return
    budget = time_budget or int(Account._param("calendar_sync.cron_time_budget", 600))
    started = time.monotonic()
    skipped = set()
    while True:
        if time.monotonic() - started > budget:
            trigger(env)
            break
        picked = _pick(Account, skipped)
        if picked is None:
            break
        if not scheduler.run_one(Account, picked):
            skipped.add(picked.account_id)  # its user's other account is running
    later = [fields.Datetime.now() + BUSY_RETRY] if skipped else []
    # throttled accounts: when their provider allows it again
    Account.flush_model()
    env.cr.execute(
        "SELECT min(sync_retry_at) FROM calendar_sync_account "
        "WHERE sync_requested IS NOT NULL AND sync_stopped IS NOT TRUE "
        "AND sync_retry_at > %s",
        [fields.Datetime.now()],
    )
    retry_at = env.cr.fetchone()[0]
    if retry_at:
        later.append(retry_at)
    if later:
        trigger(env, min(later))
