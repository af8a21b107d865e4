from . import calendar_alarm
from . import calendar_alarm_manager
from . import calendar_event
from . import calendar_recurrence
from . import calendar_sync_account
from . import calendar_sync_binding
from . import calendar_attendee  # extends calendar.sync.account too
from . import calendar_sync_log
from . import ir_http
from . import res_config_settings
from . import res_partner
from . import res_users
from . import ir_module_module
from . import calendar_sync_match
from . import calendar_sync_staged
