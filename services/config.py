"""Configuration keys, defaults and endpoint helpers
=================================================

The names of every ``ir.config_parameter`` the addon reads, their defaults, and
small pure helpers built on them (redirect URIs, masking of secrets). Models
import these constants; nothing here imports ``odoo``.

Credentials use the same keys as Odoo's own ``google_calendar`` and
``microsoft_calendar`` modules, so a database that used them keeps its
credentials when it switches to ``calendar_sync``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

GOOGLE = "google"
MICROSOFT = "microsoft"
PROVIDERS = (GOOGLE, MICROSOFT)
#: Providers whose sync engine ships in this version.
SYNC_ENGINES = (GOOGLE, MICROSOFT)
#: Account states in which runs are made: connected, or in error after a
#: failed run (the next run tries again; only "needs_reconnect" waits for
#: the user).
RUN_STATES = ("connected", "error")

#: OAuth callback paths (what the administrator registers with the provider).
CALLBACK_PATHS = {
    GOOGLE: "/google_account/authentication",
    MICROSOFT: "/microsoft_account/authentication",
}

# Credentials and switches (same keys as Odoo core).
PARAM_GOOGLE_CLIENT_ID = "google_calendar_client_id"
PARAM_GOOGLE_CLIENT_SECRET = "google_calendar_client_secret"
PARAM_GOOGLE_PAUSED = "google_calendar_sync_paused"
PARAM_MICROSOFT_CLIENT_ID = "microsoft_calendar_client_id"
PARAM_MICROSOFT_CLIENT_SECRET = "microsoft_calendar_client_secret"
PARAM_MICROSOFT_PAUSED = "microsoft_calendar_sync_paused"
PARAM_MICROSOFT_TENANT = "calendar_sync.microsoft_tenant"

PARAM_BLOCK_MAIL = "calendar.block_mail"

#: Remote endpoints, each overridable by the system parameter of the same key
#: (single-tenant apps, national clouds, and the test emulators).
ENDPOINT_DEFAULTS = {
    "calendar_sync.google_auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "calendar_sync.google_token_uri": "https://oauth2.googleapis.com/token",
    "calendar_sync.google_revoke_uri": "https://oauth2.googleapis.com/revoke",
    "calendar_sync.google_api_root": "https://www.googleapis.com/",
    "calendar_sync.microsoft_authority_host": "https://login.microsoftonline.com",
    "calendar_sync.microsoft_graph_root": "https://graph.microsoft.com/v1.0",
    # JSON object {"https://login.microsoftonline.com": "http://127.0.0.1:PORT", ...}:
    # origins the Outlook client actually sends to another base (the Graph
    # emulator in tests; empty in production). msal keeps the real https authority.
    "calendar_sync.microsoft_host_map": "",
}
PARAM_MICROSOFT_HOST_MAP = "calendar_sync.microsoft_host_map"

DEFAULT_MICROSOFT_TENANT = "common"
MICROSOFT_TENANT_CHOICES = ("common", "organizations", "consumers")

#: Everything a provider needs, per provider (client id, secret, paused flag).
PROVIDER_PARAMS = {
    GOOGLE: {
        "client_id": PARAM_GOOGLE_CLIENT_ID,
        "client_secret": PARAM_GOOGLE_CLIENT_SECRET,
        "paused": PARAM_GOOGLE_PAUSED,
    },
    MICROSOFT: {
        "client_id": PARAM_MICROSOFT_CLIENT_ID,
        "client_secret": PARAM_MICROSOFT_CLIENT_SECRET,
        "paused": PARAM_MICROSOFT_PAUSED,
    },
}


def redirect_uri(base_url: str, provider: str) -> str:
    """The exact OAuth redirect URI to register for ``provider``.

    :param base_url: the server's root as the browser sees it
        (``https://odoo.example.com`` or ``https://odoo.example.com/``).
    :param provider: ``"google"`` or ``"microsoft"``.
    """
    return base_url.rstrip("/") + CALLBACK_PATHS[provider]


def is_valid_tenant(tenant: str) -> bool:
    """Whether ``tenant`` is ``common``/``organizations``/``consumers``, a tenant
    GUID or a verified domain name (``contoso.onmicrosoft.com``)."""
    tenant = (tenant or "").strip()
    if tenant in MICROSOFT_TENANT_CHOICES:
        return True
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    return bool(tenant) and set(tenant.lower()) <= allowed and len(tenant) <= 253


def microsoft_authority(host: str, tenant: str) -> str:
    """The msal authority URL for ``tenant`` on ``host``."""
    return f"{host.rstrip('/')}/{(tenant or DEFAULT_MICROSOFT_TENANT).strip()}"


def mask_secret(value: str | None, visible: int = 4) -> str:
    """Mask a token for display: only its last ``visible`` characters show.

    >>> mask_secret("ya29.a0AfH6SMBx1234")
    '••••••••1234'
    >>> mask_secret("")
    ''
    """
    if not value:
        return ""
    if len(value) <= visible * 2:
        return "•" * 8
    return "•" * 8 + value[-visible:]


def is_https(url: str) -> bool:
    """Whether ``url`` uses https."""
    return urlsplit(url or "").scheme == "https"


def bounded(raw, default, low, high, cast=int):
    """A number setting: ``raw`` read with ``cast`` and kept within
    ``[low, high]``; ``default`` when it is not a number."""
    try:
        return max(low, min(cast(raw), high))
    except (TypeError, ValueError):
        return default
