"""The sync engine: one run of one account (plain Python over the ORM).

Not models: :mod:`.run` loads both sides, plans with ``services.planner`` and
applies; :mod:`.binder` reads and writes ``calendar.sync.binding`` for one
account; :mod:`.port` is what a provider must offer, and each provider's
adapter lives beside it (:mod:`.google`, :mod:`.microsoft`), with its sign-in
and API client (:mod:`.google_signin`, :mod:`.microsoft_signin`).
:mod:`.scheduler` runs one account's sync (locks, isolation, outcome, log) for
the cron, the calendar view and Sync Now; :mod:`.first_sync` is what a new
account's first sync sends.

:func:`adapters` is the one place where providers' adapters are registered;
everything provider-specific (sign-in included) is reached through it.
"""


def adapters():
    """``{provider key: adapter class}`` of every provider with an engine."""
    from .google import GoogleAdapter
    from .microsoft import MicrosoftAdapter

    return {cls.provider: cls for cls in (GoogleAdapter, MicrosoftAdapter)}


def adapter(provider):
    """The adapter class of ``provider`` (KeyError if it has no engine)."""
    return adapters()[provider]
