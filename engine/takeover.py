# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Taking over from Odoo's own ``google_calendar`` and ``microsoft_calendar``.

Run when calendar_sync is installed (``hooks.post_init_hook``) on a database
where Odoo's modules are installed, before they are uninstalled (which drops
their columns). Everything is read with SQL from the columns they left, where
they exist:

* each user's tokens (``res_users_settings.google_calendar_*``,
  ``res_users.microsoft_calendar_*``) become a connected
  ``calendar.sync.account``: same refresh token (the client id and secret are
  the same system parameters), Google's sync token (the next sync is
  incremental), the user's "stopped" switch; Outlook starts with a full read
  of its window (Odoo's delta token is not a window calendar_sync knows);
* every event and series linked by them (``google_id``, ``microsoft_id`` and
  ``ms_universal_event_id``) gets a binding in the account whose calendar
  holds it, with its pending change (``need_sync``/``need_sync_m``); a Google
  event also in each attendee's Google account (one id in every calendar);
* the events and series a connected user organizes that Odoo's module left
  unlinked are left out of that calendar (a binding that needs no sync), as
  the first-sync choice "none" would, except future events Odoo still had to
  send: the first sync sends those, as Odoo's module would have (the
  bindings are made in ``engine/takeover_bindings.py``);
* Odoo's modules stop syncing every user: the tokens they held are cleared
  from their columns (once carried over) and their per-user "stopped" switch
  is set (the pause switch is shared with calendar_sync), so both never sync
  the same user, also where another module keeps them installed.

Running it again is harmless: only users whose token is still in Odoo's
columns and who hold no connected account yet are taken over, and only the
events and series of the accounts taken over in this run get bindings.

Public API: :func:`take_over`, :func:`odoo_modules`, :func:`schedule_uninstall`,
:func:`kept_modules`, :func:`enable_providers`, :func:`remember_uninstalled`.
"""

import logging

from odoo.tools import SQL

from ..services import config
from ..services.takeover import ODOO_MODULES
from .takeover_bindings import bind_linked, table_columns

_logger = logging.getLogger(__name__)

#: Set when calendar_sync is installed where Odoo's modules were uninstalled
#: before (their settings are left): each account's first sync lists likely
#: pairs for the administrator (``engine.relink``).
PARAM_RELINK = "calendar_sync.relink_odoo_links"
#: What Odoo's modules leave behind when uninstalled (system parameters).
ODOO_TRACES = (
    "microsoft_calendar.microsoft_guid",
    config.PARAM_GOOGLE_CLIENT_ID,
    config.PARAM_MICROSOFT_CLIENT_ID,
)


def odoo_modules(env, states=("installed", "to upgrade")):
    """Odoo's sync modules in one of ``states``."""
    return (
        env["ir.module.module"]
        .sudo()
        .search([("name", "in", ODOO_MODULES), ("state", "in", list(states))])
    )


def take_over(env):
    """Take over what Odoo's modules left (see the module docstring); return
    what was done, as counts."""
    cr = env.cr
    report = {}
    settings = table_columns(cr, "res_users_settings")
    users = table_columns(cr, "res_users")
    taken = []
    if "google_calendar_rtoken" in settings:
        taken += _google_accounts(env, settings)
        report["google accounts"] = len(taken)
    if "microsoft_calendar_rtoken" in users:
        microsoft = _microsoft_accounts(env, settings)
        report["microsoft accounts"] = len(microsoft)
        taken += microsoft
    env.flush_all()
    if taken:
        report.update(bind_linked(env, taken))
    _stop_odoo_sync(cr, settings, users)
    enable_providers(env, report)
    env.invalidate_all()
    _logger.info("calendar_sync: took over from Odoo's modules: %s", report)
    return report


# ------------------------------------------------------------------ accounts
def _taken_accounts(env, provider):
    Account = env["calendar.sync.account"].sudo().with_context(active_test=False)
    return Account, {
        account.user_id.id
        for account in Account.search([("provider", "=", provider)])
        if account.refresh_token
    }


def _connect(env, provider, rows):
    """Connected accounts for ``rows`` (user id, refresh token, access
    token, its expiry, sync token, stopped); users who hold one already are
    left alone. Returns the ids of the accounts connected."""
    Account, taken = _taken_accounts(env, provider)
    connected = []
    for user_id, refresh, access, expiry, sync_token, stopped in rows:
        if user_id in taken:
            continue
        user = env["res.users"].sudo().browse(user_id)
        account = Account._get_for_user(user, provider)
        account.write(
            {
                "email": (user.email or user.login or "").strip().lower(),
                "refresh_token": refresh,
                "access_token": access or False,
                "token_expiry": expiry or False,
                "sync_token": sync_token or False,
                "sync_stopped": bool(stopped),
                "state": "connected",
                "last_error": False,
                "first_sync_policy": "none",
                "first_sync_done": True,
            }
        )
        connected.append(account.id)
    return connected


def _google_accounts(env, settings):
    stopped = (
        "COALESCE(s.google_synchronization_stopped, FALSE)"
        if "google_synchronization_stopped" in settings
        else "FALSE"
    )
    env.cr.execute(
        f"""
        SELECT s.user_id, s.google_calendar_rtoken, s.google_calendar_token,
               s.google_calendar_token_validity, s.google_calendar_sync_token,
               {stopped}
          FROM res_users_settings s
          JOIN res_users u ON u.id = s.user_id
         WHERE COALESCE(s.google_calendar_rtoken, '') != ''
         ORDER BY s.user_id
        """
    )
    return _connect(env, config.GOOGLE, env.cr.fetchall())


def _microsoft_accounts(env, settings):
    stopped = (
        "COALESCE(s.microsoft_synchronization_stopped, FALSE)"
        if "microsoft_synchronization_stopped" in settings
        else "FALSE"
    )
    # Odoo's delta token is not a delta link over a known window: the first
    # Outlook sync reads the window once, and finds every event bound
    env.cr.execute(
        f"""
        SELECT u.id, u.microsoft_calendar_rtoken, u.microsoft_calendar_token,
               u.microsoft_calendar_token_validity, NULL, {stopped}
          FROM res_users u
          LEFT JOIN res_users_settings s ON s.user_id = u.id
         WHERE COALESCE(u.microsoft_calendar_rtoken, '') != ''
         ORDER BY u.id
        """
    )
    return _connect(env, config.MICROSOFT, env.cr.fetchall())


# ------------------------------------------------------------------ bindings
# ------------------------------------------------------------------ Odoo's side
#: Odoo's columns holding a user's connection: (table, the refresh token
#: column, the columns cleared with it, the "stopped" switch).
ODOO_TOKENS = (
    (
        "res_users_settings",
        "google_calendar_rtoken",
        (
            "google_calendar_token",
            "google_calendar_token_validity",
            "google_calendar_sync_token",
        ),
        "google_synchronization_stopped",
    ),
    (
        "res_users",
        "microsoft_calendar_rtoken",
        ("microsoft_calendar_token", "microsoft_calendar_token_validity"),
        None,
    ),
)


def _stop_odoo_sync(cr, settings, users):
    """Odoo's modules stop syncing every user they synced: from now on only
    calendar_sync does. Their tokens (carried over) are cleared: without one,
    their crons, their pushes on every write and their buttons send nothing,
    also where another module keeps them installed; and their per-user
    switch says "stopped"."""
    columns = {"res_users_settings": settings, "res_users": users}
    for table, refresh, others, stopped in ODOO_TOKENS:
        if refresh not in columns[table]:
            continue
        cleared = [refresh, *(c for c in others if c in columns[table])]
        assignments = [SQL("%s = NULL", SQL.identifier(column)) for column in cleared]
        if stopped and stopped in columns[table]:
            assignments.append(SQL("%s = TRUE", SQL.identifier(stopped)))
        cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE COALESCE(%s, '') != ''",
                SQL.identifier(table),
                SQL(", ").join(assignments),
                SQL.identifier(refresh),
            )
        )
    if "microsoft_synchronization_stopped" in settings:
        cr.execute(
            "UPDATE res_users_settings SET microsoft_synchronization_stopped = TRUE"
        )


def enable_providers(env, report):
    """Show a provider in calendar_sync when Odoo's module had its client id
    (same system parameter) or connected accounts."""
    params = env["ir.config_parameter"].sudo()
    for provider in config.PROVIDERS:
        client_id = params.get_param(config.PROVIDER_PARAMS[provider]["client_id"])
        if client_id or report.get(f"{provider} accounts"):
            params.set_param(f"calendar_sync.{provider}_enabled", "True")


def remember_uninstalled(env):
    """Odoo's modules were here and are gone (their system parameters are
    left): the first sync of each account lists likely pairs."""
    params = env["ir.config_parameter"].sudo()
    if any(params.get_param(key) for key in ODOO_TRACES):
        params.set_param(PARAM_RELINK, "True")


def kept_modules(env):
    """Odoo's sync modules another installed module needs, with the modules
    that need them: ``{module: [names of the modules needing it]}``."""
    modules = odoo_modules(env, ("installed", "to upgrade", "to install"))
    kept = {}
    for module in modules:
        others = module.downstream_dependencies() - modules
        if others:
            kept[module] = sorted(others.mapped("name"))
    return kept


def schedule_uninstall(env):
    """Mark Odoo's sync modules for removal at the end of this module update
    (Odoo removes them before the registry is built again), except those
    another installed module needs (and the ones they need): they stay, with
    no token to sync anybody (:func:`_stop_odoo_sync`), until the
    administrator uninstalls them. Returns ``{name: [names of the modules
    needing it]}`` for those that stay."""
    modules = odoo_modules(env)
    kept = kept_modules(env)
    staying = modules.browse([module.id for module in kept])
    staying |= (
        staying.upstream_dependencies(exclude_states=("uninstallable",)) & modules
    )
    for module in staying:
        # Settings shows it too (res.config.settings)
        _logger.info(
            "calendar_sync: Odoo's %s stays installed because %s need it: it "
            "no longer syncs anybody; uninstall it in Apps once you no longer "
            "need them",
            module.name,
            ", ".join(kept.get(module, [])) or ", ".join(staying.mapped("name")),
        )
    leaving = modules - staying
    if leaving:
        leaving.button_uninstall()
        _logger.info(
            "calendar_sync: Odoo's %s are uninstalled now",
            ", ".join(leaving.mapped("name")),
        )
    return {module.name: kept.get(module, []) for module in staying}
