"""Pure sync logic of calendar_sync.

Nothing in this package imports ``odoo``: the same files load as
``odoo.addons.calendar_sync.services`` inside Odoo and as the plain package
``services`` under pytest (see ``tests_pure/``). Modules import each other
relatively only.
"""
