from . import test_settings
from . import test_token_access
from . import test_google_oauth
from . import test_microsoft_oauth
from . import test_google_sync
from . import test_google_recurrence
from . import test_reset_account
from . import test_microsoft_sync
