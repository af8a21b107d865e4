# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
from odoo.tests import new_test_user


def make_users(env):
    """An administrator-free pair of plain internal users, and a settings admin."""
    alice = new_test_user(
        env,
        login="cs_alice",
        groups="base.group_user",
        email="alice@example.com",
        name="Alice",
    )
    bob = new_test_user(
        env,
        login="cs_bob",
        groups="base.group_user",
        email="bob@example.com",
        name="Bob",
    )
    admin = new_test_user(
        env,
        login="cs_admin",
        groups="base.group_system",
        email="admin@example.com",
        name="Settings Admin",
    )
    return alice, bob, admin


def connect_account(env, user, provider="google", **values):
    """Give ``user`` a connected account with tokens, as the OAuth callback would."""
    vals = {
        "email": user.email,
        "access_token": "ya29.access-" + user.login,
        "refresh_token": "1//refresh-" + user.login,
        "sync_token": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
        "state": "connected",
    }
    vals.update(values)
    account = env["calendar.sync.account"]._get_for_user(user, provider)
    account.sudo().write(vals)
    return account
