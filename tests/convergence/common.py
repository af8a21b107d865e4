# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Constants, value helpers and remote-item readers of the convergence machine
(see the package docstring)."""

import functools
import html as html_lib
import inspect
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = "Europe/Brussels"
ZONE = ZoneInfo(TZ)
GOOGLE, MICROSOFT = "google", "microsoft"

ALICE = "alice@example.com"
BOB = "bob@example.com"
CAROL = "carol@example.com"
DAN = "dan@example.com"
OLGA = "olga@outside.example"
ERIN = "erin@outside.example"

#: Odoo users: login, name, e-mail, the providers they connect.
USERS = {
    "alice": ("Alice", ALICE, (GOOGLE,)),
    "bob": ("Bob", BOB, (MICROSOFT,)),
    "carol": ("Carol", CAROL, (GOOGLE, MICROSOFT)),
    "dan": ("Dan", DAN, ()),
}
#: The calendars synced with Odoo: (user, provider).
ACCOUNTS = [
    (login, provider)
    for login, (_n, _e, providers) in USERS.items()
    for provider in providers
]
#: A settle order that runs Carol's calendars first (her Google, then her
#: Outlook), as a long run's ``settle`` step often drew it.
CAROL_FIRST = [
    ("carol", GOOGLE),
    ("carol", MICROSOFT),
    ("alice", GOOGLE),
    ("bob", MICROSOFT),
]
#: Who may create or change a meeting in a remote calendar: the users in
#: their connected calendars, and Olga in hers.
REMOTE_CALENDARS = [
    *((USERS[u][1], p) for u, p in ACCOUNTS),
    (OLGA, GOOGLE),
    (OLGA, MICROSOFT),
]
GUESTS = (ALICE, BOB, CAROL, DAN, ERIN, OLGA)

#: Faults a sync may meet (see tests/convergence/__init__).
FAULTS = (
    "none",
    "throttled_listing",
    "throttled_writes",
    "unavailable_listing",
    "unavailable_writes",
    "html_listing",
    "html_writes",
    "timeout_listing",
    "timeout_writes",
    "expired_token",
    "lost_commit",
    "in_steps",
    "stopped_between_steps",
)
#: Items of a step in the runs that list in steps (``in_steps``,
#: ``stopped_between_steps``; engine/steps.py).
SMALL_STEP = 2
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Proxy error</title></head>"
    "<body><h1>502 Bad Gateway</h1></body></html>"
)

#: Operations (rule names) and faults of the machine that trigger defects the
#: engine still has: the default run leaves them out. Each entry names the
#: written-out test of its defect (package docstring).
OPEN_DEFECTS: dict[str, tuple[str, ...]] = {
    # open (tests/test_convergence_known_defects.py), not left out: BR (an
    # occurrence renamed in Google while Odoo splits its series) and a lost
    # Outlook commit with Odoo's clock behind; leaving out their triggers (a
    # split, a lost commit) would hide far more than they spare
}

KINDS = ("timed", "allday", "series")
ODOO_FIELDS = ("name", "location", "description", "time", "allday")
REMOTE_FIELDS = ("name", "location", "description", "time")
OCCURRENCE_CHANGES = ("name", "time", "delete")
#: Changes of a whole series in Odoo ("All events"), or of an occurrence and
#: the following ones ("This and following events").
SERIES_CHANGES = ("name", "time", "rule")
SERIES_SCOPES = ("all_events", "future_events")

#: Seconds of the HTTP timeout in a run that meets a timeout fault.
TIMEOUT = 1

#: Settle rounds at most (every account once a round) before "does not converge".
MAX_ROUNDS = 4
#: CI size of the machine (about five minutes on a 2-CPU machine).
CI_EXAMPLES = 30
CI_STEPS = 12

ANSWERS = {
    # Outlook's answers in the neutral (Odoo, Google) words
    "none": "needsAction",
    "notResponded": "needsAction",
    "organizer": "accepted",
    "tentativelyAccepted": "tentative",
    "accepted": "accepted",
    "declined": "declined",
    "needsAction": "needsAction",
    "tentative": "tentative",
}
GRAPH_ACTIONS = {
    "accepted": "accept",
    "tentative": "tentativelyAccept",
    "declined": "decline",
}


class LostCommit(Exception):
    """Raised inside a savepoint to roll back a finished sync run."""


class ConvergenceFailure(AssertionError):
    """An invariant of the machine does not hold."""


def tag_of(name):
    """The meeting tag a title starts with (``M3`` of ``"M3 r2"``)."""
    return (name or "").split(" ", 1)[0]


def text(value):
    """A description as plain text (tags, entities and spacing left out)."""
    value = re.sub(r"<[^>]+>", " ", str(value or ""))
    return " ".join(html_lib.unescape(value).split())


def utc_naive(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def local_iso(utc):
    """A naive UTC datetime as Brussels wall time (ISO, no offset)."""
    return (
        utc.replace(tzinfo=timezone.utc)
        .astimezone(ZONE)
        .replace(tzinfo=None)
        .isoformat()
    )


def google_time(value):
    if value.get("date"):
        return date.fromisoformat(value["date"])
    moment = datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(value.get("timeZone") or "UTC"))
    return utc_naive(moment)


def graph_time(value, allday):
    moment = datetime.fromisoformat(value["dateTime"][:19])
    if allday:
        return moment.date()
    if value.get("timeZone") not in (None, "UTC"):
        moment = moment.replace(tzinfo=ZoneInfo(value["timeZone"]))
        return utc_naive(moment)
    return moment


class Item:
    """One appointment as a calendar (or Odoo) shows it to one user: what the
    invariant compares. ``answer`` is the user's own answer to an invitation,
    None for the user's own meetings."""

    __slots__ = (
        "allday",
        "answer",
        "description",
        "guests",
        "location",
        "name",
        "start",
        "stop",
    )

    def __init__(self, **values):
        for key in self.__slots__:
            setattr(self, key, values[key])

    def key(self):
        return tuple(getattr(self, key) for key in self.__slots__)

    @staticmethod
    def describe(key):
        item = dict(zip(Item.__slots__, key, strict=True))
        when = f"{item['start']}..{item['stop']}"
        extra = " all day" if item["allday"] else ""
        extra += f" at {item['location']!r}" if item["location"] else ""
        extra += f" ({item['description']!r})" if item["description"] else ""
        if item["guests"]:
            extra += f" with {', '.join(sorted(item['guests']))}"
        extra += f" answered {item['answer']}" if item["answer"] else ""
        return f"{item['name']!r} {when}{extra}"


def operation(method):
    """An operation of the World, counted (the machine's statistics); with
    :attr:`World.ticking`, Odoo's clock moves on to now first."""

    signature = inspect.signature(method)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.changes += 1
        if self.ticking:
            # Odoo's clock in step with the providers': the writes of this
            # operation (or run) are dated now, not at the transaction's start
            self.env.cr._now = datetime.now(timezone.utc).replace(tzinfo=None)
        tag = None
        if method.__name__.startswith("odoo_"):
            tag = signature.bind(self, *args, **kwargs).arguments.get("tag")
        before = self.odoo_slots_of(tag) if tag else None
        result = method(self, *args, **kwargs)
        if tag:
            self.odoo_did(tag)
            self.odoo_restored(tag, before)
        return result

    return wrapper


def remote_name(item):
    return (
        item.get("summary")
        if "summary" in item or "kind" in item
        else item.get("subject")
    )


def remote_start(item, provider):
    if provider == GOOGLE:
        return google_time(item["start"])
    return graph_time(item["start"], item["isAllDay"])


def google_slot(slot):
    if slot["allday"]:
        first = slot["start"].date()
        end = slot["stop"].date() + timedelta(days=1)
        return {"start": {"date": first.isoformat()}, "end": {"date": end.isoformat()}}
    return {
        "start": {"dateTime": local_iso(slot["start"]), "timeZone": TZ},
        "end": {"dateTime": local_iso(slot["stop"]), "timeZone": TZ},
    }


def graph_slot(slot):
    if slot["allday"]:
        first = slot["start"].date()
        end = slot["stop"].date() + timedelta(days=1)
        return {
            "isAllDay": True,
            "start": {"dateTime": f"{first.isoformat()}T00:00:00", "timeZone": TZ},
            "end": {"dateTime": f"{end.isoformat()}T00:00:00", "timeZone": TZ},
        }
    return {
        "isAllDay": False,
        "start": {"dateTime": local_iso(slot["start"]), "timeZone": TZ},
        "end": {"dateTime": local_iso(slot["stop"]), "timeZone": TZ},
    }


def shifted(item, provider, amount):
    """A patch moving ``item`` by ``amount`` hours (days when all-day)."""
    if provider == GOOGLE:
        if item["start"].get("date"):
            return {
                key: {
                    "date": (
                        date.fromisoformat(item[key]["date"]) + timedelta(days=amount)
                    ).isoformat()
                }
                for key in ("start", "end")
            }
        return {
            key: {
                "dateTime": local_iso(google_time(item[key]) + timedelta(hours=amount)),
                "timeZone": TZ,
            }
            for key in ("start", "end")
        }
    allday = item["isAllDay"]
    out = {}
    for key in ("start", "end"):
        value = graph_time(item[key], allday)
        if allday:
            out[key] = {
                "dateTime": f"{(value + timedelta(days=amount)).isoformat()}T00:00:00",
                "timeZone": TZ,
            }
        else:
            out[key] = {
                "dateTime": local_iso(value + timedelta(hours=amount)),
                "timeZone": TZ,
            }
    return out


def allowed_guests(organizer, guests, series=False):
    """``guests`` the machine may invite to ``organizer``'s meeting."""
    return [g for g in guests if g != organizer]
