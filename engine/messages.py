# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""What an account says to people: plain sentences about sync errors, the
e-mail check of the Calendar tab, and the administrator's invitation to
connect.

- :func:`describe_error`: one sentence for the user about an error of a run or
  of one event, in the account owner's language, what the provider said kept
  as its detail (``account._describe_error``).
- :func:`email_check`: the "not your Odoo e-mail" label and warning, worded
  for the owner or for an administrator reading another user's account.
- :func:`invite_to_connect`: the Odoo notification asking users to connect.
"""

from markupsafe import Markup

from ..services import providers
from ..services.exceptions import (
    AuthorizationError,
    CalendarSyncError,
    RateLimited,
    RemoteError,
    UntrustedLink,
)
from . import adapter


# ---------------------------------------------------------------- errors
def describe_error(account, error):
    """One plain sentence for the user about ``error`` (``account`` may be an
    empty recordset: the provider is then read off the error)."""
    lang = account.user_id.lang if len(account) == 1 else None
    if lang and lang != account.env.lang:
        # stored for the user to read, whoever ran the sync (the cron too)
        return describe_error(account.with_context(lang=lang), error)
    _ = account.env._
    name = provider_name(account, error)
    if isinstance(error, AuthorizationError):
        message = _(
            "%(provider)s no longer accepts the connection: connect again with "
            "the Reconnect %(provider)s button at the top of the calendar. Your "
            "events stay where they are.",
            provider=name,
        )
    elif isinstance(error, RateLimited):
        message = _(
            "%(provider)s asked Odoo to slow down: the synchronization tries "
            "again on its next run.",
            provider=name,
        )
    elif isinstance(error, UntrustedLink):
        message = _(
            "%(provider)s answered with an address Odoo does not trust: "
            "nothing was synchronized. Tell your administrator.",
            provider=name,
        )
    elif isinstance(error, RemoteError):
        message = _describe_remote_error(account, error, name)
    elif isinstance(error, CalendarSyncError):
        return error.message or error.__class__.__name__
    else:
        return str(error)
    return _("%(message)s (Detail: %(detail)s)", message=message, detail=detail(error))


def _describe_remote_error(account, error, name):
    _ = account.env._
    status = getattr(error, "status", 0) or 0
    if status == 0 or status >= 500:
        return _(
            "%(provider)s could not be reached or is not available right now: "
            "the synchronization tries again on its next run.",
            provider=name,
        )
    if status in (401, 403):
        return _(
            "%(provider)s refused access to the calendar: the synchronization "
            "tries again on its next run; reconnect if it goes on.",
            provider=name,
        )
    return _(
        "%(provider)s refused a request of the synchronization: it tries "
        "again on its next run.",
        provider=name,
    )


def provider_name(account, error):
    """The provider's short name ("Google", "Outlook") for ``error``."""
    provider = (account.provider if len(account) == 1 else None) or getattr(
        error, "provider", None
    )
    known = providers.REGISTRY.get(provider)
    if known:
        return known.short_label
    return provider.capitalize() if provider else account.env._("The provider")


def detail(error):
    """What the provider said, as it said it (codes stay untranslated)."""
    if isinstance(error, AuthorizationError):
        text = getattr(error, "error", "") or error.message
        codes = getattr(error, "codes", None)
        if codes:
            text = f"{text}, AADSTS{codes[0]}"
        return text
    return (getattr(error, "message", "") or str(error))[:300]


# ---------------------------------------------------------------- e-mail check
def email_check(account, email, user_email):
    """``(label, warning)`` when the connected account's ``email`` is not the
    user's Odoo e-mail (``user_email``, normalized; may be empty)."""
    _ = account.env._
    user = account.user_id
    if user == account.env.user:
        if user_email:
            return _("Not your Odoo e-mail"), _(
                "Odoo matches your events by e-mail: connect the account of "
                "%(user_email)s, or change your e-mail in Odoo.",
                user_email=user.email,
            )
        return _("Not your Odoo e-mail"), _(
            "Odoo matches your events by e-mail, and yours is not set in "
            "Odoo: set it to %(email)s, the connected account.",
            email=email,
        )
    # the same warning, as an administrator reads it on another user's account
    if user_email:
        return _("Not the user's Odoo e-mail"), _(
            "Odoo matches events by e-mail: %(user)s should connect the "
            "account of %(user_email)s, or change their e-mail in Odoo.",
            user=user.name,
            user_email=user.email,
        )
    return _("Not the user's Odoo e-mail"), _(
        "Odoo matches events by e-mail, and %(user)s has none in Odoo: "
        "set it to %(email)s, the connected account.",
        user=user.name,
        email=email,
    )


# ---------------------------------------------------------------- invitation
def invite_to_connect(accounts):
    """Ask the users of the not connected ``accounts`` to connect their
    calendar (an Odoo notification, by e-mail or in their inbox as each of
    them chose): the users invited."""
    env = accounts.env
    _ = env._
    invited = env["res.users"]
    for account in accounts.sudo().filtered(lambda a: a.state == "not_connected"):
        user = account.user_id
        calendar = adapter(account.provider).calendar_label
        name = adapter(account.provider).short_label
        env["mail.thread"].sudo().message_notify(
            partner_ids=user.partner_id.ids,
            subject=_("Connect your %(calendar)s", calendar=calendar),
            body=Markup("<p>%s</p><p><a href='/odoo/calendar'>%s</a></p>")
            % (
                _(
                    "Your administrator invites you to synchronize your Odoo "
                    "calendar with %(calendar)s: open the Calendar app and "
                    "click %(button)s at the top of the calendar.",
                    calendar=calendar,
                    button=name,
                ),
                _("Open the Calendar app"),
            ),
            author_id=env.user.partner_id.id,
            email_layout_xmlid="mail.mail_notification_light",
        )
        invited |= user
    return invited
