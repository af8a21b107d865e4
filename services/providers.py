"""The calendar providers: one registry, the only place that lists them.

Each provider is described once by a :class:`Provider` (key, labels, icon,
authentication kind, system parameters, OAuth callback path). The Odoo side
(settings, header, views, the engine's adapter registry in
``engine/__init__.py``) reads this registry instead of naming providers.

Public API: :data:`REGISTRY`, :func:`get`, :func:`provider_keys`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import config


@dataclass(frozen=True)
class Provider:
    """What the product shows and needs of one calendar provider."""

    key: str
    #: the calendar's name, as users know it ("Google Calendar", "Outlook")
    label: str
    #: the company that signs the user in ("Google", "Microsoft")
    company: str
    #: a short name for buttons ("Google", "Outlook")
    short_label: str
    #: icon (a Font Awesome class) shown beside the provider in the calendar
    icon: str
    #: how users connect: "oauth2" (authorization code, refresh token)
    auth: str
    #: system parameters: client id, client secret, pause switch
    params: dict = field(default_factory=dict)
    #: the OAuth callback path to register with the provider
    callback_path: str = ""


REGISTRY: dict[str, Provider] = {
    config.GOOGLE: Provider(
        key=config.GOOGLE,
        label="Google Calendar",
        company="Google",
        short_label="Google",
        icon="fa fa-google",
        auth="oauth2",
        params=config.PROVIDER_PARAMS[config.GOOGLE],
        callback_path=config.CALLBACK_PATHS[config.GOOGLE],
    ),
    config.MICROSOFT: Provider(
        key=config.MICROSOFT,
        label="Outlook",
        company="Microsoft",
        short_label="Outlook",
        icon="fa fa-windows",
        auth="oauth2",
        params=config.PROVIDER_PARAMS[config.MICROSOFT],
        callback_path=config.CALLBACK_PATHS[config.MICROSOFT],
    ),
}


def get(key: str) -> Provider:
    """The provider registered under ``key`` (KeyError if none)."""
    return REGISTRY[key]


def provider_keys() -> tuple[str, ...]:
    """Every registered provider key, in registry order."""
    return tuple(REGISTRY)
