# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import logging
from datetime import timedelta

from odoo import Command, api, fields, models

from ..services import providers

_logger = logging.getLogger(__name__)

#: System parameter: how many days the sync log keeps a run.
PARAM_RETENTION_DAYS = "calendar_sync.log_retention_days"
DEFAULT_RETENTION_DAYS = 30
#: Runs deleted per statement by the cleaning cron.
CLEAN_BATCH = 10000


class CalendarSyncLog(models.Model):
    """One synchronization run of one account: what it did and how it ended.

    Written by ``calendar.sync.account._sync()`` after the run (outside the
    run's savepoint, so a failed run is logged too), read by the user it
    belongs to and by Settings administrators, cleaned by a daily cron.
    """

    _name = "calendar.sync.log"
    _description = "Calendar Sync Log"
    _order = "started desc, id desc"

    account_id = fields.Many2one(
        comodel_name="calendar.sync.account",
        string="Account",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="User",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    provider = fields.Selection(
        selection=[(p.key, p.short_label) for p in providers.REGISTRY.values()],
        required=True,
        readonly=True,
    )
    started = fields.Datetime(required=True, index=True, readonly=True)
    duration = fields.Float(
        string="Duration (s)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    pulled = fields.Integer(
        string="Received",
        readonly=True,
        help="Changes received from the provider and applied in Odoo.",
    )
    pushed = fields.Integer(
        string="Sent", readonly=True, help="Changes sent from Odoo to the provider."
    )
    failed = fields.Integer(
        readonly=True, help="Events that could not be synced in this run."
    )
    error = fields.Text(
        readonly=True, help="The account's last error after the run, if any."
    )
    # The events a partial run could not sync, named with a link (what
    # their reason says is on each event).
    failed_event_ids = fields.Many2many(
        comodel_name="calendar.event",
        relation="calendar_sync_log_event_rel",
        column1="log_id",
        column2="event_id",
        string="Events Not Synced",
        readonly=True,
    )
    state = fields.Selection(
        selection=[
            ("success", "Success"),
            ("partial", "Partial"),
            ("failed", "Failed"),
        ],
        string="Result",
        required=True,
        readonly=True,
    )

    @api.depends("account_id", "started")
    def _compute_display_name(self):
        for log in self:
            log.display_name = (
                f"{log.account_id.display_name} – "
                f"{fields.Datetime.to_string(log.started) or ''}"
            )

    @api.model
    def _log_run(self, account, started, duration, counters):
        """Record one run of ``account``.

        :param started: when the run started (naive UTC)
        :param duration: seconds
        :param counters: the run's counters, or None when it ended in an error
            (needs reconnect, provider unreachable)
        :return: the new log (sudo)
        """
        account = account.sudo()
        if counters is None:
            state = "failed"
        elif counters.get("failed") or account.last_error:
            state = "partial"
        else:
            state = "success"
        counters = counters or {}
        return self.sudo().create(
            {
                "account_id": account.id,
                "user_id": account.user_id.id,
                "provider": account.provider,
                "started": started,
                "duration": duration,
                "pulled": counters.get("pulled", 0),
                "pushed": counters.get("pushed", 0),
                "failed": counters.get("failed", 0),
                "error": account.last_error or False,
                "state": state,
                "failed_event_ids": [
                    Command.set(
                        account._not_synced_events().ids if state == "partial" else []
                    )
                ],
            }
        )

    @api.model
    def _latest_by_account(self, account_ids):
        """``{account id: its latest run}``, in one query whatever the number
        of accounts (the Calendar tab, the administrators' list)."""
        ids = [account_id for account_id in account_ids if account_id]
        if not ids:
            return {}
        self.flush_model(["account_id", "started"])
        self.env.cr.execute(
            "SELECT DISTINCT ON (account_id) account_id, id "
            "FROM calendar_sync_log WHERE account_id IN %s "
            "ORDER BY account_id, started DESC, id DESC",
            [tuple(ids)],
        )
        return {
            account_id: self.browse(log_id)
            for account_id, log_id in self.env.cr.fetchall()
        }

    @api.model
    def _retention_days(self):
        raw = self.env["ir.config_parameter"].sudo().get_param(PARAM_RETENTION_DAYS)
        try:
            days = int(raw) if raw else DEFAULT_RETENTION_DAYS
        except ValueError:
            days = 0
        if days < 1:
            _logger.warning(
                "Ignoring %s=%r: not a positive number of days, keeping %s days",
                PARAM_RETENTION_DAYS,
                raw,
                DEFAULT_RETENTION_DAYS,
            )
            days = DEFAULT_RETENTION_DAYS
        return days

    @api.model
    def _cron_clean(self):
        """Delete the runs older than the retention period
        (``calendar_sync.log_retention_days``, 30 days by default)."""
        cutoff = fields.Datetime.now() - timedelta(days=self._retention_days())
        logs = self.sudo()
        total = 0
        while True:
            old = logs.search([("started", "<", cutoff)], limit=CLEAN_BATCH)
            if not old:
                break
            total += len(old)
            old.unlink()
            if len(old) < CLEAN_BATCH:
                break
        _logger.info(
            "Calendar sync log: %s run(s) older than %s deleted", total, cutoff
        )
        return total
