# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Install and uninstall hooks.

Install: take over from Odoo's own Google and Outlook modules.

On a database where ``google_calendar`` / ``microsoft_calendar`` are
installed, their users' connections, links and states become calendar_sync's
accounts and bindings (``engine.takeover``), their tokens are cleared, and
the modules are uninstalled at the end of this installation (except those
another module needs: they stay, syncing nobody, and Settings say why). Where
they were uninstalled before, the providers whose client id they left are
shown, and the first syncs re-bind (``engine.relink``).

Uninstall: every open push channel (Google) and subscription (Outlook) is
closed at the provider, which would otherwise call a webhook that no longer
exists until the channel expires.
"""

from .engine import push, takeover


def post_init_hook(env):
    if not takeover.odoo_modules(env):
        # uninstalled already (or never there): their credentials, kept in
        # the same system parameters, still show the providers, and the first
        # syncs look for the links they took with them
        takeover.enable_providers(env, {})
        takeover.remember_uninstalled(env)
        return
    takeover.take_over(env)
    takeover.schedule_uninstall(env)


def uninstall_hook(env):
    accounts = (
        env["calendar.sync.account"]
        .sudo()
        .with_context(active_test=False)
        .search([("push_channel_id", "!=", False)])
    )
    for account in accounts:
        push.close(account)  # best effort; never raises
