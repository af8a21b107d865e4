# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Push notifications, provider-neutral half: when an account's channel is
opened, renewed and closed, and what a notification does.

- :func:`ensure` (after each successful sync): open the channel when push is
  possible (:func:`status`), renew it before it expires (a new channel first,
  then the old one closed), close it when push is no longer possible.
- :func:`close` (stop, disconnect, reset, deletion): close it at the provider,
  best effort, and forget it.
- :func:`find` / :func:`request_sync` (the webhook routes in
  ``controllers/push.py``): the active account whose channel and secret a
  notification names, and a *request* for a background run of it
  (:func:`engine.jobs.request`), so that bursts collapse into one run and no
  sync ever runs inside the webhook's request.

Provider-specific calls are the adapter's ``push`` (:class:`engine.port.ProviderPush`).
"""

import logging
import secrets
import uuid
from datetime import timedelta

from odoo import fields

from ..services import push as push_rules
from ..services.exceptions import CalendarSyncError
from . import adapter, jobs

_logger = logging.getLogger(__name__)

#: Seconds a webhook waits for an account locked by a running sync.
LOCK_WAIT = "2s"


def provider_push(account):
    """The :class:`ProviderPush` of ``account``, or None (no push for it)."""
    cls = adapter(account.provider).push
    return cls(account) if cls else None


def status(env, provider):
    """``(address, reason)``: the webhook address of ``provider``, or None and
    why push is not possible (see :func:`services.push.push_address`)."""
    params = env["ir.config_parameter"].sudo()
    return push_rules.push_address(
        params.get_param("web.base.url"),
        provider,
        params.get_param("calendar_sync.push_url"),
    )


def reason_text(env, reason):
    """What Settings say when push is not possible."""
    return {
        push_rules.NO_URL: env._("Odoo's address (web.base.url) is not set."),
        push_rules.NOT_HTTPS: env._(
            "Odoo's address is not https: the providers deliver notifications "
            "only to https addresses."
        ),
        push_rules.LOCAL_ADDRESS: env._(
            "Odoo's address is local (localhost or a private network): the "
            "providers cannot reach it."
        ),
    }.get(reason, reason or "")


def ensure(account):
    """Open or renew ``account``'s channel when push is possible, close it
    when not; never raises (push trouble leaves polling in charge)."""
    account = account.sudo()
    push = provider_push(account)
    if push is None:
        return
    address, _reason = status(account.env, account.provider)
    try:
        if not address:
            close(account)
            return
        margin = timedelta(seconds=push.renew_margin)
        current = account.push_channel_id and account.push_address == address
        if current and not push_rules.needs_renewal(
            account.push_expiry, fields.Datetime.now(), margin
        ):
            return
        if current and _renew(account, push):
            return
        _open(account, push, address)
    except CalendarSyncError as exc:
        _logger.warning("Push channel of account %s: %s", account.id, exc)
        account.push_error = account._describe_error(exc)


def _renew(account, push):
    """Extend the channel where the provider can; False when it cannot (or
    no longer knows the channel): a new one is opened instead."""
    try:
        expiry = push.renew(
            account._client(), account.push_channel_id, account.push_resource_id
        )
    except CalendarSyncError as exc:
        _logger.info("Push channel of account %s not renewed: %s", account.id, exc)
        return False
    if expiry:
        account.write({"push_expiry": expiry, "push_error": False})
    return bool(expiry)


def _open(account, push, address):
    """A new channel first, then the old one closed (both are active for a
    moment, as the providers advise for renewal)."""
    client = account._client()
    channel_id, secret = str(uuid.uuid4()), secrets.token_urlsafe(32)
    opened = push.open(client, address, channel_id, secret)
    channel_id = opened.get("channel_id") or channel_id
    old = (account.push_channel_id, account.push_resource_id)
    account.write(
        {
            "push_channel_id": channel_id,
            "push_secret": secret,
            "push_resource_id": opened["resource_id"],
            "push_expiry": opened["expiry"],
            "push_address": address,
            "push_error": False,
        }
    )
    if old[0]:
        _close_at_provider(account, push, client, *old)


def close(account):
    """Close ``account``'s channel at the provider (best effort) and forget
    it; never raises."""
    account = account.sudo()
    if not account.push_channel_id:
        return
    push = provider_push(account)
    if push is not None and account.state == "connected":
        try:
            client = account._client()
        except CalendarSyncError as exc:
            _logger.info("Push channel of account %s not closed: %s", account.id, exc)
        else:
            _close_at_provider(
                account, push, client, account.push_channel_id, account.push_resource_id
            )
    account.write(
        {
            "push_channel_id": False,
            "push_secret": False,
            "push_resource_id": False,
            "push_expiry": False,
            "push_address": False,
        }
    )


def _close_at_provider(account, push, client, channel_id, resource_id):
    try:
        push.close(client, channel_id, resource_id)
    except CalendarSyncError as exc:
        # it expires on its own; its notifications no longer match
        _logger.info("Push channel %s not closed: %s", channel_id, exc)


def find(env, provider, channel_id, secret):
    """The active account of ``provider`` whose channel is ``channel_id`` and
    whose secret is ``secret`` (sudo), else an empty recordset."""
    Account = env["calendar.sync.account"].sudo()
    if not channel_id or not secret:
        return Account
    account = Account.search(
        [
            ("provider", "=", provider),
            ("push_channel_id", "=", channel_id),
            ("state", "=", "connected"),
            ("sync_stopped", "=", False),
        ],
        limit=1,
    )
    if account and push_rules.same_secret(account.push_secret, secret):
        return account
    return Account


def request_sync(account, renew=False, forget=False):
    """Request a background run of ``account`` (several notifications before
    it starts: one run).

    :param renew: the channel is to be renewed by that run (its expiry is
        set to now)
    :param forget: the provider dropped the channel: that run opens a new one
    :return: False when a running sync holds the account longer than the
        webhook may wait (the provider is asked to retry)
    """
    requested = jobs.request(
        account,
        wait=LOCK_WAIT,
        extra_sql="push_expiry = CASE WHEN %s THEN now() AT TIME ZONE 'UTC' "
        "ELSE push_expiry END, "
        "push_channel_id = CASE WHEN %s THEN NULL ELSE push_channel_id END",
        extra_params=(bool(renew), bool(forget)),
    )
    return requested is not False
