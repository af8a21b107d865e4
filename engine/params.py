# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The settings a sync reads from system parameters (``ir.config_parameter``),
with the defaults of ``services/config.py``; the account model's thin entry
points (``account._param``, ``_http_timeout``, ...) delegate here.

- :func:`param`: one parameter, else its default endpoint;
- :func:`http_timeout`, :func:`max_retries`: the bounded numbers of a client;
- :func:`provider_credentials`, :func:`is_provider_configured`: a provider's
  client id and secret, and whether it is enabled with both;
- :func:`is_provider_paused`, :func:`paused_providers`: the administrator's
  pause switch of a provider, for everybody.
"""

from ..services import config


def _get(env, key):
    return env["ir.config_parameter"].sudo().get_param(key)


def param(env, key, default=None):
    """The system parameter ``key``; when unset, the default endpoint of
    ``services/config.py``, else ``default``."""
    value = _get(env, key)
    if value:
        return value
    return config.ENDPOINT_DEFAULTS.get(key, default)


def http_timeout(env):
    """Seconds every HTTP request to a provider may take
    (``calendar_sync.http_timeout``, 20 by default, 1 to 120)."""
    raw = param(env, "calendar_sync.http_timeout", 20)
    return config.bounded(raw, 20.0, 1.0, 120.0, float)


def max_retries(env):
    """Retries of a throttled or unavailable request before the run gives
    up on it (``calendar_sync.max_retries``, 5 by default)."""
    return config.bounded(param(env, "calendar_sync.max_retries", 5), 5, 0, 10)


def provider_credentials(env, provider):
    """(client_id, client_secret) of ``provider``, empty strings if unset."""
    params = config.PROVIDER_PARAMS[provider]
    return (
        (param(env, params["client_id"]) or "").strip(),
        (param(env, params["client_secret"]) or "").strip(),
    )


def is_provider_configured(env, provider):
    """Whether ``provider`` is enabled and has its client id and secret."""
    enabled = param(env, f"calendar_sync.{provider}_enabled")
    client_id, secret = provider_credentials(env, provider)
    return bool(enabled) and enabled != "False" and bool(client_id and secret)


def is_provider_paused(env, provider):
    """Whether the administrator paused ``provider`` for the whole database."""
    value = _get(env, config.PROVIDER_PARAMS[provider]["paused"])
    return value not in (False, None, "", "False", "0")


def paused_providers(env):
    """The providers the administrator paused."""
    return [p for p in config.PROVIDERS if is_provider_paused(env, p)]
