# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
# A test fixture of the takeover test (run-tests --takeover), never shipped:
# a module that needs Odoo's google_calendar, as a bridge module would, so
# that calendar_sync cannot uninstall it when it takes over.
{
    "name": "Calendar Sync takeover test: a module needing google_calendar",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "calendar_sync authors",
    "depends": ["google_calendar"],
    "installable": True,
}
