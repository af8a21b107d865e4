"""The sync engine: one run of one account (plain Python over the ORM).

Not models: :mod:`.run` loads both sides, plans with ``services.planner`` and
applies; :mod:`.binder` reads and writes ``calendar.sync.binding`` for one
account; each provider's run lives beside it (:mod:`.google`,
:mod:`.microsoft`).
"""

from ..services import config


def adapter(provider):
    """The function that syncs one account of ``provider``: the one place
    where a provider's engine is registered."""
    from . import google, microsoft

    return {
        config.GOOGLE: google.sync_account,
        config.MICROSOFT: microsoft.sync_account,
    }[provider]
