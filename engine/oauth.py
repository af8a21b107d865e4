# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The signed ``state`` of a sign-in (provider-neutral): made when the user
is sent to the provider, checked and burnt when the provider sends them back
(``services/oauth_state.py`` signs and reads it; the nonce lives on the
account between the two, so a callback works once).
"""

from ..services import oauth_state


def _secret(env):
    return env["ir.config_parameter"].sudo().get_param("database.secret")


def new_state(account, return_url):
    """``(state, nonce)`` of a new sign-in: the signed ``state`` to send to
    the provider, and its nonce, which the caller keeps on the account."""
    account.ensure_one()
    secret = _secret(account.env)
    args = (account.user_id.id, account.env.cr.dbname, account.provider)
    state = oauth_state.make_state(secret, *args, return_url)
    payload = oauth_state.read_state(secret, state, *args)
    return state, payload["nonce"]


def consume_state(account, state):
    """Check the callback's ``state`` and burn its nonce (no replay).

    :return: the state's payload
    :raises InvalidOAuthState: forged, expired, replayed, other user/db
    """
    account.ensure_one()
    payload = oauth_state.read_state(
        _secret(account.env),
        state,
        account.user_id.id,
        account.env.cr.dbname,
        account.provider,
    )
    account = account.sudo()
    if not account.oauth_nonce or payload["nonce"] != account.oauth_nonce:
        raise oauth_state.InvalidOAuthState(
            "This sign-in link was already used or replaced.", reason="replayed"
        )
    account.oauth_nonce = False
    return payload
