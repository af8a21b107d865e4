# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""When an account syncs, and how one attempt is isolated.

Around a provider's run (``engine.adapter(provider).sync``): one attempt at an
account (:func:`sync`) takes the locks (the account, and its user: a user's
Google and Outlook runs touch the same events and must not race), runs in a
savepoint, stores the outcome on the account where the user sees it, and logs
the run. Who asks for it: the scheduler's pass (:func:`cron_pass`, one account
per transaction), the calendar view (:func:`sync_for_user`, and the header's
:func:`status_for_user`), the Sync Now buttons (:func:`sync_now`).

The account model keeps the entry points (``account._sync()``, ``_lock()``,
``_cron_sync_all()``, ``_status_for_user()``, ``_sync_for_user()``,
``action_sync_now()``).
"""

import logging
import time

import psycopg2.errors

from odoo import fields
from odoo.modules import module

from ..services import config, providers
from ..services.exceptions import AuthorizationError, CalendarSyncError, RemoteError
from . import adapter, first_sync, push

_logger = logging.getLogger(__name__)

#: First key of the advisory lock a running sync holds on (key, account id).
SYNC_LOCK_KEY = 0x43534E43  # "CSNC"
#: One sync per user at a time: a user's Google and Outlook runs touch the
#: same events, and must not race each other.
USER_LOCK_KEY = 0x43535553  # "CSUS"


# ---------------------------------------------------------------- one attempt
def can_sync(account):
    account.ensure_one()
    # offboarded users (see user_may_sync) are refused by lock()
    return (
        account.state == "connected"
        and not account.sync_stopped
        and not account._is_provider_paused(account.provider)
        and account._is_provider_configured(account.provider)
    )


def sync(record):
    """Sync the account ``record`` now; never raises for provider trouble: the
    outcome is stored on the account where the user sees it.

    :return: the run's counters, or None when nothing ran
    """
    record.ensure_one()
    env = record.env
    account = record.sudo()
    if not can_sync(account) or not lock(account):
        return None
    sync_account = adapter(account.provider).sync
    started, clock = fields.Datetime.now(), time.monotonic()
    counters = None
    try:
        with env.cr.savepoint():
            if not account.first_sync_done:
                first_sync.apply_choice(account)
            counters = sync_account(env, account)
            if not account.first_sync_done:
                account.first_sync_done = True
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
        "AND pg_try_advisory_xact_lock(%s, user_id) FROM row",
        [account.id, SYNC_LOCK_KEY, USER_LOCK_KEY],
    )
    row = cr.fetchone()
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
    """Incremental sync of every connected account, one account per
    transaction; an account already being synced is skipped."""
    budget = time_budget or int(Account._param("calendar_sync.cron_time_budget", 600))
    started = time.monotonic()
    accounts = Account.sudo().search(
        [("state", "in", ("connected", "error")), ("sync_stopped", "=", False)],
        order="last_attempt_date asc nulls first, id",
    )
    for account_id in accounts.ids:
        if time.monotonic() - started > budget:
            break
        _cron_one(Account, account_id)


def _cron_one(Account, account_id):
    """One account of the scheduler's pass, in its own transaction: nothing
    that happens to it (an answer it cannot read, an unexpected error, a lost
    race) stops the others."""
    cr = Account.env.cr
    account = Account.browse(account_id).sudo()
    try:
        _cron_attempt(account)
    except Exception:
        _logger.exception("Scheduled sync of account %s failed", account_id)
        if module.current_test:
            raise
        cr.rollback()  # pylint: disable=invalid-commit
        account = Account.browse(account_id).sudo()
        account.write({"last_attempt_date": fields.Datetime.now()})
    # one account per transaction, as a cron should (tests run inside one
    # transaction that must not be committed)
    if not module.current_test:
        cr.commit()  # pylint: disable=invalid-commit


def _cron_attempt(account):
    """The scheduler's attempt at ``account`` (see _cron_one)."""
    if not user_may_sync(account):
        account.write(
            {
                "last_attempt_date": fields.Datetime.now(),
                "last_error": offboarded_message(account),
            }
        )
        return
    if not lock(account):
        return  # another worker is syncing this account right now
    account.last_attempt_date = fields.Datetime.now()
    retry(account)
    account._sync()


def retry(account, reconnect=False):
    """Let an account that failed be tried again (the scheduler's pass, Sync
    Now, the calendar opening): "error" is no dead end. With ``reconnect``
    (Sync Now), an account whose refresh token the provider refused asks the
    provider again too (its administrator may have fixed the client secret)."""
    account = account.sudo()
    states = ("error", "needs_reconnect") if reconnect else ("error",)
    if (
        account.state in states
        and account.refresh_token
        and not account.sync_stopped
        and not account._is_provider_paused(account.provider)
        and account._is_provider_configured(account.provider)
    ):
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
def sync_now(records):
    """Sync the accounts ``records`` now (the Sync Now buttons):
    ``(message, kind)`` of the one notification that says how it went."""
    env = records.env
    if len(records) != 1:
        return _sync_now_several(records)
    retry(records, reconnect=True)  # Sync Now always asks the provider
    counters = records._sync()
    account = records.sudo()
    if counters is None or account.last_error:
        return (
            account.last_error
            or env._(
                "Nothing was synchronized: %(status)s.", status=account.sync_status
            ),
            "warning",
        )
    return (
        env._(
            "Synchronized: %(pulled)s change(s) received, %(pushed)s sent.",
            pulled=counters["pulled"],
            pushed=counters["pushed"],
        ),
        "success",
    )


def _sync_now_several(records):
    """Sync now for several accounts (the administrator's bulk action): one
    line per account that did not sync cleanly, then the totals."""
    env = records.env
    labels = dict(records._fields["sync_status"]._description_selection(env))
    totals = {"pulled": 0, "pushed": 0}
    synced, problems = 0, []
    for account in records.sudo():
        retry(account, reconnect=True)  # Sync Now always asks the provider
        counters = account._sync()
        if counters is not None:
            synced += 1
            totals["pulled"] += counters["pulled"]
            totals["pushed"] += counters["pushed"]
        if counters is None or account.last_error:
            problems.append(
                f"{account.display_name}: "
                + (
                    account.last_error
                    or env._(
                        "nothing was synchronized (%(status)s)",
                        status=labels.get(account.sync_status),
                    )
                )
            )
    summary = env._(
        "%(synced)s of %(total)s account(s) synchronized: %(pulled)s change(s) "
        "received, %(pushed)s sent.",
        synced=synced,
        total=len(records),
        **totals,
    )
    return "\n".join([*problems, summary]), "warning" if problems else "success"


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
        if status == "connected" and busy_ids(account):
            status = "syncing"  # the cron or another tab, right now
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
            "connect_url": f"/calendar_sync/{provider}/connect",
        }
    return result


def sync_for_user(Account, user, provider):
    """Sync ``user``'s ``provider`` account now, for the calendar view:
    ``{changed, status[, counters]}``; ``status`` is "syncing" when another
    worker (the cron, another tab) is syncing it at this very moment."""
    account = Account._get_for_user(user, provider, create=False)
    if account and user_may_sync(account):
        retry(account)  # opening the calendar tries a failed account again
    if not account or not can_sync(account):
        return {
            "changed": False,
            "status": account.sync_status if account else "not_connected",
        }
    counters = account._sync()
    if counters is None and busy_ids(account):
        return {"changed": False, "status": "syncing"}
    return {
        "changed": bool(counters and counters.get("pulled")),
        "status": account.sync_status,
        "counters": counters or {},
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
