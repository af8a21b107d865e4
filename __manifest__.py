# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
{
    "name": "Calendar Sync (Google & Outlook)",
    "summary": "Fast, safe two-way sync of Odoo calendars with Google Calendar "
    "and Outlook (Microsoft 365)",
    "version": "18.0.2.3.0",
    "category": "Productivity/Calendar",
    "website": "https://github.com/calendar-sync/calendar_sync",
    "author": "calendar_sync authors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["calendar", "base_setup", "base_automation"],
    # Odoo's google_calendar / microsoft_calendar may be installed: the
    # post-init hook takes over their links and uninstalls them (hooks.py);
    # models/ir_module_module.py refuses them once calendar_sync is installed.
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "external_dependencies": {
        "python": [
            "msal",
            "google-auth",
            "google-api-python-client",
            "requests",
        ],
    },
    "data": [
        "security/calendar_sync_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/calendar_sync_log_views.xml",
        "views/calendar_sync_account_views.xml",
        "views/calendar_sync_match_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/calendar_sync_templates.xml",
        "views/calendar_event_views.xml",
        "wizards/calendar_sync_account_reset_views.xml",
        "data/calendar_sync_server_actions.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "calendar_sync/static/src/**/*",
        ],
        "web.assets_tests": [
            "calendar_sync/static/tests/tours/**/*",
        ],
    },
}
