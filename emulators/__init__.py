"""Local HTTP emulators of Google Calendar v3 and Microsoft Graph (test infrastructure).

They never import ``odoo`` nor ``services``: they play the remote side only.
"""
