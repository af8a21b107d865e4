# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""When an account syncs, and how one attempt is isolated.

Around a provider's run (``engine.adapter(provider).sync``): one attempt at an
account (:func:`sync`) takes the locks (the account, and its user: a user's
Google and Outlook runs touch the same events and must not race), runs in a
savepoint, stores the outcome on the account where the user sees it, and logs
the run. Who asks for it: nobody in an HTTP worker. The scheduled pass
(:func:`cron_pass`), the calendar view (:func:`sync_for_user`, and the
header's :func:`status_for_user`), the Sync Now buttons (:func:`sync_now`)
and the push webhooks *request* a run (:mod:`engine.jobs`), which a
background worker makes (:func:`attempt`, one account per transaction:
:func:`run_one`).

The account model keeps the entry points (``account._sync()``, ``_lock()``,
``_cron_sync_all()``, ``_cron_run_requested()``, ``_run_requested_sync()``,
``_status_for_user()``, ``_sync_for_user()``, ``action_sync_now()``).
"""

import logging
import time
from datetime import timedelta

import psycopg2.errors

from odoo import fields
from odoo.modules import module

from ..services import config, providers
from ..services.exceptions import (
    AuthorizationError,
    CalendarSyncError,
    RateLimited,
    RemoteError,
)
from . import adapter, first_sync, jobs, push, steps

_logger = logging.getLogger(__name__)

#: First key of the advisory lock a running sync holds on (key, account id).
SYNC_LOCK_KEY = 0x43534E43  # "CSNC"
#: One sync per user at a time: a user's Google and Outlook runs touch the
#: same events, and must not race each other.
USER_LOCK_KEY = 0x43535553  # "CSUS"
#: Seconds a throttled account waits when the provider named no Retry-After.
THROTTLED_WAIT = 60


# ---------------------------------------------------------------- one attempt
def runnable(account):
    """Neither stopped by its user nor held back by the administrator (its
    provider configured and not paused): the condition every run, retry
    and request shares."""
    return (
        not account.sync_stopped
        and not account._is_provider_paused(account.provider)
        and account._is_provider_configured(account.provider)
    )


def can_sync(account):
    account.ensure_one()
    # offboarded users (see user_may_sync) are refused by lock()
    return account.state == "connected" and runnable(account)


def sync(record):
    """Sync the account ``record`` now; never raises for provider trouble: the
    outcome is stored on the account where the user sees it.

    :return: the run's counters, or None when nothing ran
    """
    record.ensure_one()
    # no sleep inside the run's transaction: the clients give up on what the
    # provider throttles, and the scheduler tries again later (throttled)
    account = record.sudo().with_context(calendar_sync_no_sleep=True)
    env = account.env
    locked = account.env.context.get("calendar_sync_locked") == account.id
    if not can_sync(account) or not (locked or lock(account)):
        return None
    provider = adapter(account.provider)
    # a background worker makes one step of a long listing per transaction
    # (attempt), any other caller the whole sync
    one_step = env.context.get("calendar_sync_one_step")
    started, clock = fields.Datetime.now(), time.monotonic()
    counters = None
    try:
        with env.cr.savepoint():
            if not account.first_sync_done and not steps.under_way(account):
                first_sync.apply_choice(account)
            counters = steps.sync(env, account, provider)
            while not one_step and steps.under_way(account):
                counters = steps.merge(counters, steps.sync(env, account, provider))
            if not account.first_sync_done and not steps.under_way(account):
                account.first_sync_done = True
            if account.sync_retry_at:
                account.sync_retry_at = False
    except RateLimited as exc:
        throttled(account, exc)
    except AuthorizationError as exc:
        _logger.info("%s sync of %s: needs reconnect", account.provider, account.email)
        account._mark_needs_reconnect(exc)
    except (RemoteError, CalendarSyncError) as exc:
        _logger.warning(
            "%s sync of %s failed: %s", account.provider, account.email, exc
        )
        account.write({"state": "error", "last_error": account._describe_error(exc)})
    except psycopg2.errors.SerializationFailure:
        raise  # another transaction won: Odoo retries the whole request
    except Exception as exc:
        _logger.exception(
            "%s sync of %s failed unexpectedly", account.provider, account.email
        )
        account.write(
            {
                "state": "error",
                "last_error": env._(
                    "The synchronization stopped on an unexpected error; it is "
                    "tried again on the next run. Detail: %(error)s",
                    error=str(exc)[:300] or exc.__class__.__name__,
                ),
            }
        )
    # after the savepoint: a failed run is logged too
    env["calendar.sync.log"]._log_run(
        account, started, time.monotonic() - clock, counters
    )
    if counters is not None and account.state == "connected":
        push.ensure(account)  # open or renew the push channel; never raises
    return counters


def throttled(account, error):
    """The provider throttled ``account``'s run (the run is rolled back):
    the scheduler leaves it alone until the time the provider named (else
    THROTTLED_WAIT seconds), and the account says when it tries again."""
    wait = error.retry_after if error.retry_after is not None else THROTTLED_WAIT
    retry_at = fields.Datetime.now() + timedelta(seconds=max(float(wait), 1.0))
    _logger.info(
        "%s sync of %s throttled: retrying at %s",
        account.provider,
        account.email,
        retry_at,
    )
    account.write(
        {
            "sync_retry_at": retry_at,
            "last_error": account._describe_error(error),
            # run again then (the requested-runs pass triggers itself for
            # that time; a queue_job job waits for it)
            "sync_requested": account.sync_requested or fields.Datetime.now(),
        }
    )
    jobs.dispatch(account)


def lock(account):
    """Lock ``account`` for the transaction; False when another worker (the
    cron, another browser tab) is syncing it right now.

    Besides the row lock, an advisory lock on (SYNC_LOCK_KEY, id) tells other
    transactions that a sync holds it (:func:`busy_ids`); one statement for
    both, taken in that order.
    """
    account.ensure_one()
    cr = account.env.cr
    # an archived user, or one who is no longer an employee (share), never
    # syncs: no row, no lock (offboarding)
    cr.execute(
        "WITH row AS (SELECT a.id, a.user_id FROM calendar_sync_account a "
        "JOIN res_users u ON u.id = a.user_id AND u.active AND NOT u.share "
        "WHERE a.id = %s FOR NO KEY UPDATE OF a SKIP LOCKED) "
        "SELECT pg_try_advisory_xact_lock(%s, id) "
        "AND pg_try_advisory_xact_lock(%s, user_id), "
        # the transaction's time, which Odoo's cursor would ask for at the
        # run's first write (one query less per run, see jobs.claim)
        "now() AT TIME ZONE 'UTC' FROM row",
        [account.id, SYNC_LOCK_KEY, USER_LOCK_KEY],
    )
    row = cr.fetchone()
    if row and row[0]:
        jobs.know_transaction_time(cr, row[1])
    return bool(row and row[0])


def busy_ids(accounts):
    """Ids of ``accounts`` that another transaction is syncing now."""
    if not accounts.ids:
        return set()
    cr = accounts.env.cr
    cr.execute(
        "SELECT objid FROM pg_locks WHERE locktype = 'advisory' "
        "AND classid::bigint = %s AND objid::bigint = ANY(%s) AND objsubid = 2 "
        "AND granted "
        # advisory locks are cluster-wide: only this database's count
        "AND database = (SELECT oid FROM pg_database "
        "WHERE datname = current_database()) "
        "AND pid <> pg_backend_pid()",
        [SYNC_LOCK_KEY, list(accounts.ids)],
    )
    return {int(row[0]) for row in cr.fetchall()}


# ---------------------------------------------------------------- the cron
def cron_pass(Account, time_budget=None):
    """The scheduled pass: request a run of every connected account (those a
    run holds right now are under way already). Without queue_job, this cron
    worker then works through the requests itself, beside the requested-runs
    cron (see :mod:`engine.jobs`)."""
    accounts = Account.sudo().search(
        [
            ("state", "in", config.RUN_STATES),
            ("sync_stopped", "=", False),
            *polled_domain(Account),
        ],
        order="last_attempt_date asc nulls first, id",
    )
    jobs.request(accounts)
    if not jobs.queue_job_enabled(Account.env):
        jobs.requested_pass(Account, time_budget)


def polled_domain(Account):
    """The accounts the scheduled pass asks for: those whose changes arrive by
    push notifications (a channel open and not expired) only once their last
    sync is ``calendar_sync.push_poll_minutes`` old (60 by default, 15 to
    1440): the pass stays their safety net, at a longer interval."""
    now = fields.Datetime.now()
    raw = Account._param("calendar_sync.push_poll_minutes", 60)
    minutes = config.bounded(raw, 60, 15, 1440)
    return [
        "|",
        "|",
        "|",
        ("push_channel_id", "=", False),
        ("push_expiry", "=", False),
        ("push_expiry", "<=", now),
        "|",
        ("last_sync_date", "=", False),
        ("last_sync_date", "<", now - timedelta(minutes=minutes)),
    ]


def run_one(Account, picked):
    """One requested run, in its own transaction: nothing that happens to it
    (an answer it cannot read, an unexpected error, a lost race) stops the
    others.

    :param picked: the account's claim (:func:`engine.jobs.claim`)
    :return: False when another worker holds the account or its user (the
        request stays)
    """
    cr = Account.env.cr
    account_id = picked.account_id
    account = Account.browse(account_id).sudo()
    done = True
    try:
        done = attempt(account, picked)
    except Exception:
        _logger.exception("Scheduled sync of account %s failed", account_id)
        if module.current_test:
            raise
        cr.rollback()  # pylint: disable=invalid-commit
        account = Account.browse(account_id).sudo()
        account.write(
            {"last_attempt_date": fields.Datetime.now(), "sync_requested": False}
        )
    # one account per transaction, as a cron should (tests run inside one
    # transaction that must not be committed)
    if not module.current_test:
        cr.commit()  # pylint: disable=invalid-commit
    return done


def attempt(account, picked):
    """A background worker's attempt at ``account`` (a requested run), in
    the current transaction, once picked: the claim that picked it
    (:func:`engine.jobs.claim`) took the locks (as :func:`lock`) and
    consumed the request in the same statement.

    :return: False when another worker holds the account or its user
        (nothing done, the request stays)
    """
    # the claim refuses offboarded users too: why is asked only then
    if not picked.locked:
        if picked.may_sync:
            return False
        account.write(
            {
                "last_attempt_date": fields.Datetime.now(),
                "last_error": offboarded_message(account),
                "sync_requested": False,
            }
        )
        return True
    retry(account)
    # this transaction holds the locks already (one query less per account)
    account.with_context(
        calendar_sync_locked=account.id, calendar_sync_one_step=True
    )._sync()
    if account.state == "connected" and steps.under_way(account):
        # a long listing goes on in the next job, once this step is committed
        account.sync_requested = fields.Datetime.now()
        jobs.dispatch(account)
    return True


def retry(account, reconnect=False):
    """Let an account that failed be tried again (the scheduler's pass, Sync
    Now, the calendar opening): "error" is no dead end. With ``reconnect``
    (Sync Now), an account whose refresh token the provider refused asks the
    provider again too (its administrator may have fixed the client secret)."""
    account = account.sudo()
    states = ("error", "needs_reconnect") if reconnect else ("error",)
    if account.state in states and account.refresh_token and runnable(account):
        account.state = "connected"


def user_may_sync(account):
    """Offboarding: archived users and users who are no longer employees
    (demoted to portal) keep their tokens but never sync."""
    account.ensure_one()
    user = account.user_id.with_context(active_test=False)
    # ``share`` is False exactly for internal users (base.group_user)
    return bool(user.active and not user.share)


def offboarded_message(account):
    return account.env._(
        "Not synchronized: %(user)s is archived or no longer an internal user. "
        "An administrator can reset this account.",
        user=account.user_id.with_context(active_test=False).name,
    )


# ---------------------------------------------------------------- sync now
def can_request(account, reconnect=False):
    """Whether a run of ``account`` may be requested: connected, or failed
    (a run tries it again), not stopped, its provider configured and not
    paused, its user still an employee; with ``reconnect`` (Sync Now) also
    an account whose refresh token the provider refused."""
    states = (*config.RUN_STATES, "needs_reconnect") if reconnect else None
    return (
        account.state in (states or config.RUN_STATES)
        and runnable(account)
        and user_may_sync(account)
    )


def request_now(account, reconnect=False):
    """Request a run of ``account`` for a user who asks for one (the
    calendar opening, Sync Now): "queued", "syncing" (another worker is
    running it right now), or None when it cannot run (its status says
    why)."""
    account = account.sudo()
    if not can_request(account, reconnect):
        return None
    if busy_ids(account):
        return "syncing"
    # a failed account is tried again; Sync Now asks the provider again too
    retry(account, reconnect=reconnect)
    return "queued" if jobs.request(account) else "syncing"


def sync_now(records):
    """Request a run of the accounts ``records`` (the Sync Now buttons):
    ``(message, kind)`` of the one notification that says so; the run's
    outcome shows on the account (the calendar header, the Calendar tab, the
    sync log) when it ends."""
    env = records.env
    labels = dict(records._fields["sync_status"]._description_selection(env))
    outcomes, problems = [], []
    for account in records.sudo():
        outcome = request_now(account, reconnect=True)
        if outcome:
            outcomes.append(outcome)
            continue
        problems.append(
            (
                account,
                account.last_error
                or env._(
                    "Nothing was synchronized: %(status)s.",
                    status=labels.get(account.sync_status),
                ),
            )
        )
    if len(records) == 1:
        if problems:
            return problems[0][1], "warning"
        calendar = adapter(records.provider).calendar_label
        if outcomes == ["syncing"]:
            message = env._(
                "%(calendar)s is being synchronized right now.", calendar=calendar
            )
        else:
            message = env._(
                "Synchronization with %(calendar)s started: the calendar shows "
                "what it brings when it ends.",
                calendar=calendar,
            )
        return message, "success"
    summary = env._(
        "%(queued)s of %(total)s account(s) queued for synchronization: each "
        "shows how it went when its run ends.",
        queued=len(outcomes),
        total=len(records),
    )
    lines = [f"{account.display_name}: {problem}" for account, problem in problems]
    return "\n".join([*lines, summary]), "warning" if problems else "success"


# ---------------------------------------------------------------- the calendar
def provider_names(provider):
    """How the calendar header names a provider: short name, calendar name
    (translated, from its adapter) and icon (from the registry)."""
    cls = adapter(provider)
    return {
        "name": str(cls.short_label),
        "calendar": str(cls.calendar_label),
        "icon": providers.get(provider).icon,
    }


def status_for_user(Account, user):
    """What the calendar header shows, per provider."""
    result = {}
    for provider in config.PROVIDERS:
        if provider not in config.SYNC_ENGINES:
            # configured in Settings, but no engine in this version yet
            result[provider] = {"configured": False, "status": "not_connected"}
            continue
        account = Account._get_for_user(user, provider, create=False)
        status = account.sync_status if account else "not_connected"
        retry_at = account.sync_retry_at if account else False
        if retry_at and retry_at <= fields.Datetime.now():
            retry_at = False
        if status in ("connected", "error"):
            if busy_ids(account):
                status = "syncing"  # a background worker, right now
            elif retry_at:
                status = "throttled"  # the provider asked to wait until then
            elif account.sync_requested:
                status = "queued"  # waiting for a background worker
        result[provider] = {
            **provider_names(provider),
            "configured": Account._is_provider_configured(provider),
            "status": status,
            "account_id": account.id if account else False,
            # stopped by the user (else "paused" is the administrator's pause)
            "stopped": bool(account and account.sync_stopped),
            "not_synced": account._not_synced_count() if account else 0,
            "last_sync": fields.Datetime.to_string(account.last_sync_date)
            if account and account.last_sync_date
            else False,
            "error": account.last_error or False if account else False,
            "retry_at": fields.Datetime.to_string(retry_at) if retry_at else False,
            # a long import going on in steps: how far it is
            "progress": account.sync_progress if account else False,
            "connect_url": f"/calendar_sync/{provider}/connect",
        }
    return result


def sync_for_user(Account, user, provider):
    """Request a run of ``user``'s ``provider`` account, for the calendar
    view: ``{changed, status}``; ``status`` is "queued" (the run is
    requested; the header polls the status until it ends), "syncing" (another
    worker is running it right now), else the account's status (nothing to
    run)."""
    account = Account._get_for_user(user, provider, create=False)
    outcome = request_now(account) if account else None
    if outcome:
        return {"changed": False, "status": outcome}
    return {
        "changed": False,
        "status": account.sync_status if account else "not_connected",
    }


def pushing_users(Account, users):
    """Those of ``users`` whose events some provider hosts now (a connected,
    running account of a provider that is not paused): the provider sends
    the invitations of their events."""
    if not users:
        return Account.env["res.users"]
    hosting = [
        provider
        for provider in config.SYNC_ENGINES
        if Account._is_provider_configured(provider)
        and not Account._is_provider_paused(provider)
    ]
    if not hosting:
        return Account.env["res.users"]
    accounts = Account.sudo().search(
        [
            ("provider", "in", hosting),
            ("user_id", "in", users.ids),
            ("state", "=", "connected"),
            ("sync_stopped", "=", False),
        ]
    )
    return accounts.user_id
