# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What an account's views show and open: the bodies of the account model's
computed status fields and of its buttons (the model keeps the fields and
thin methods that delegate here).

- computed fields: :func:`compute_token_display`, :func:`compute_sync_status`,
  :func:`compute_last_run`, :func:`compute_not_synced`,
  :func:`compute_email_mismatch`, :func:`compute_sync_paused` and
  :func:`search_sync_paused` (its search);
- actions: :func:`not_synced_events_action`, :func:`sync_log_action`,
  :func:`reset_wizard_action`, :func:`invite_to_connect`, and
  :func:`notification` (what a button says).
"""

from odoo.tools import email_normalize

from ..services import config
from . import adapter, adapters, messages, params


# ---------------------------------------------------------------- computed
def compute_token_display(accounts):
    """The owner may not read the raw tokens (group restricted), but may see
    that they exist: read them as superuser and show only their tail."""
    for account, raw in zip(accounts, accounts.sudo(), strict=True):
        account.access_token_display = config.mask_secret(raw.access_token)
        account.refresh_token_display = config.mask_secret(raw.refresh_token)


def compute_sync_status(accounts):
    """The account's state, "paused" for a connected account whose user
    stopped it or whose provider the administrator paused."""
    paused = set(params.paused_providers(accounts.env))
    for account in accounts:
        if account.state == "connected" and (
            account.sync_stopped or account.provider in paused
        ):
            account.sync_status = "paused"
        else:
            account.sync_status = account.state


def compute_last_run(accounts):
    """What the last run of each account did (its latest sync log)."""
    latest = accounts.env["calendar.sync.log"].sudo()._latest_by_account(accounts.ids)
    for account in accounts:
        log = latest.get(account.id)
        account.last_run_started = log.started if log else False
        account.last_run_pulled = log.pulled if log else 0
        account.last_run_pushed = log.pushed if log else 0
        account.last_run_failed = log.failed if log else 0


def compute_not_synced(accounts):
    """The events each account could not sync, and how many."""
    for account in accounts:
        events = account._not_synced_events() if account.id else None
        account.not_synced_event_ids = events
        account.not_synced_count = len(events or [])


def compute_email_mismatch(accounts):
    """Odoo matches attendees by e-mail: whether the connected account is
    not the user's, with the label and warning the Calendar tab shows."""
    for account in accounts:
        email = email_normalize(account.email or "") or account.email
        user_email = email_normalize(account.user_id.email or "")
        account.email_mismatch = bool(email) and email != user_email
        account.email_mismatch_label = False
        account.email_mismatch_warning = False
        if not account.email_mismatch:
            continue
        (
            account.email_mismatch_label,
            account.email_mismatch_warning,
        ) = messages.email_check(account, account.email, user_email)


def compute_sync_paused(accounts):
    """Stopped by the user, or its provider paused by the administrator."""
    paused = params.paused_providers(accounts.env)
    for account in accounts:
        account.sync_paused = account.sync_stopped or account.provider in paused


def search_sync_paused(accounts, operator, value):
    """The domain of ``sync_paused <operator> value``."""
    if operator not in ("=", "!="):
        raise NotImplementedError(f"Unsupported operator {operator}")
    paused = params.paused_providers(accounts.env)
    if (operator == "=") == bool(value):
        return ["|", ("sync_stopped", "=", True), ("provider", "in", paused)]
    return [("sync_stopped", "=", False), ("provider", "not in", paused)]


# ---------------------------------------------------------------- actions
def not_synced_events_action(account):
    """The list of the events ``account`` could not sync, each saying why."""
    _ = account.env._
    events = account._not_synced_events()
    return {
        "type": "ir.actions.act_window",
        "name": _(
            "Not synced with %(calendar)s",
            calendar=adapter(account.provider).calendar_label,
        ),
        "res_model": "calendar.event",
        "views": [
            (
                account.env.ref("calendar_sync.calendar_event_view_list_not_synced").id,
                "list",
            ),
            (False, "form"),
        ],
        "domain": [("id", "in", events.ids)],
        "context": {"create": False},
    }


def sync_log_action(account):
    """The runs of ``account``."""
    action = account.env["ir.actions.act_window"]._for_xml_id(
        "calendar_sync.calendar_sync_log_action"
    )
    action["domain"] = [("account_id", "=", account.id)]
    action["context"] = {"create": False}
    return action


def reset_wizard_action(account):
    """The Reset Account wizard on ``account``, named after its calendar."""
    _ = account.env._
    action = account.env["ir.actions.act_window"]._for_xml_id(
        "calendar_sync.calendar_sync_account_reset_action"
    )
    action["context"] = {
        "default_account_id": account.id,
        "calendar_sync_provider": account.provider,
    }
    if account.provider in adapters():
        action["name"] = _(
            "Reset %(calendar)s Account",
            calendar=adapter(account.provider).calendar_label,
        )
    return action


def invite_to_connect(accounts):
    """Invite the users of those of ``accounts`` not connected
    (engine/messages.py) and say whom."""
    _ = accounts.env._
    invited = messages.invite_to_connect(accounts)
    if not invited:
        return notification(_("Nothing to do: these accounts are connected."), "info")
    return notification(
        _("Invited to connect: %(users)s.", users=", ".join(invited.mapped("name"))),
        "success",
    )


def notification(message, kind):
    """A notification of ``kind`` (success, info, warning, danger) saying
    ``message``, then a reload of the view."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "message": message,
            "type": kind,
            "sticky": kind != "success",
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
