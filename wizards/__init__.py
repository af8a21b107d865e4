from . import calendar_sync_account_reset
