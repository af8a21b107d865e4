"""Push notifications: where the providers can reach Odoo (pure helpers).

Google and Microsoft deliver notifications only to a public https address.
:func:`push_address` says, from the server's base URL (or the administrator's
``calendar_sync.push_url``), the webhook address of a provider or why push is
not possible; :func:`needs_renewal` when a channel must be renewed;
:func:`same_secret` compares a notification's secret in constant time.

Public API: :data:`WEBHOOK_PATHS`, :func:`push_address`, :func:`needs_renewal`,
:func:`same_secret`, :data:`NOT_HTTPS`, :data:`LOCAL_ADDRESS`, :data:`NO_URL`.
"""

from __future__ import annotations

import hmac
import ipaddress
from datetime import datetime, timedelta
from urllib.parse import urlsplit

#: The webhook route of each provider.
WEBHOOK_PATHS = {
    "google": "/calendar_sync/push/google",
    "microsoft": "/calendar_sync/push/microsoft",
}

NO_URL = "no_url"
NOT_HTTPS = "not_https"
LOCAL_ADDRESS = "local"


def _is_local(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host in ("localhost", "") or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def push_address(
    base_url: str | None, provider: str, override: str | None = None
) -> tuple[str | None, str | None]:
    """``(webhook address, None)`` for ``provider``, or ``(None, reason)``.

    ``override`` (``calendar_sync.push_url``) is the base URL the providers
    call, taken as the administrator gives it (a tunnel, a test server);
    otherwise ``base_url`` must be https on a public host name.
    """
    path = WEBHOOK_PATHS[provider]
    if override and override.strip():
        return override.strip().rstrip("/") + path, None
    if not base_url or not base_url.strip():
        return None, NO_URL
    parts = urlsplit(base_url.strip())
    if parts.scheme != "https":
        return None, NOT_HTTPS
    if _is_local(parts.hostname or ""):
        return None, LOCAL_ADDRESS
    return base_url.strip().rstrip("/") + path, None


def needs_renewal(expiry: datetime | None, now: datetime, margin: timedelta) -> bool:
    """Whether a channel expiring at ``expiry`` (naive UTC) is to be renewed
    now: it has none, or it expires within ``margin``."""
    return not expiry or expiry - margin <= now


def same_secret(expected: str | None, given: str | None) -> bool:
    """Whether a notification's secret is the one stored (constant time);
    never true when either is empty."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
