# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Long listings in steps: committed one at a time, resumed where they stopped.

A run lists the provider's changes (all of them on a first sync) and applies
them. A listing longer than ``calendar_sync.step_items`` items (5,000 by
default) is not applied in one transaction: each step of it is one unit of
work that a background worker commits (``scheduler.attempt`` runs one step per
job and requests the next), so a killed worker loses one step at most and a
100,000-event calendar is imported across several jobs.

1. **Listing steps** read pages until a step's worth of items, keep them as
   ``calendar.sync.staged`` rows (a later page's version of an item replaces
   the earlier one), and store where the listing goes on (Google's page token,
   Graph's nextLink: ``Listing.cursor``) with what the runs need again (time
   zone, window...) in ``account.sync_listing``.
2. Once the listing is complete, **apply steps** apply the staged items a
   step's worth at a time, series and single events before occurrences changed
   alone. Every step but the last is *partial*: it applies what it received and
   changes nothing else (no local-only event is sent: a later step may still
   bring its remote copy, which would then be a duplicate; an item missing from
   the step means nothing). The last step is a normal run, and on a full
   listing, bound items missing from the whole listing (every staged item is
   excluded) are the remote deletions.
3. The last step stores the provider's token and drops the staged rows.

A listing that fits in one step is one run, as it always was. A stored cursor
the provider no longer knows (an expired page token or nextLink) restarts the
listing; what earlier steps applied is bound, so the new listing re-binds it
instead of importing it twice.
"""

import json
import logging
from dataclasses import dataclass, field

from odoo.tools import SQL

from ..services import config
from ..services.exceptions import InvalidSyncToken, RemoteError

_logger = logging.getLogger(__name__)

#: System parameter: items a step applies at most (and lists at least before
#: it is kept for a later step).
STEP_PARAM = "calendar_sync.step_items"
DEFAULT_STEP = 5000
#: Answers of a provider to a stored cursor it no longer knows.
EXPIRED_CURSOR = (400, 404, 410)


@dataclass
class Listing:
    """What a provider's listing gave one step."""

    items: list
    #: the whole calendar (a first sync, an expired token), not changes
    full: bool
    #: where the listing goes on (page token, nextLink); None once complete
    cursor: str | None = None
    #: the token the last step stores (the provider's own form)
    token: str | None = None
    #: what the runs of the listing need again, JSON-serializable
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """Which part of a listing a run applies."""

    #: more staged items follow: apply what was received, nothing else
    partial: bool = False
    #: earlier steps applied items of this listing (kept as staged rows)
    staged: bool = False


def step_size(env):
    raw = env["ir.config_parameter"].sudo().get_param(STEP_PARAM)
    return config.bounded(raw or DEFAULT_STEP, DEFAULT_STEP, 1, 1_000_000)


def state(account):
    """The listing under way on ``account`` (a dict), or None."""
    raw = account.sudo().sync_listing
    return json.loads(raw) if raw else None


def under_way(account):
    return bool(account.sudo().sync_listing)


def drop(accounts):
    """Forget the listings under way of ``accounts`` (their staged items)."""
    accounts = accounts.sudo().filtered("sync_listing")
    if accounts:
        accounts.env["calendar.sync.staged"].search(
            [("account_id", "in", accounts.ids)]
        ).unlink()
        accounts.write({"sync_listing": False})


def staged_remote_ids(account):
    """SQL of the remote ids the listing under way on ``account`` holds (for
    a domain's ``not in``: no NULL among them)."""
    return SQL(
        "(SELECT remote_id FROM calendar_sync_staged "
        "WHERE account_id = %s AND remote_id IS NOT NULL)",
        account.id,
    )


def progress(account):
    """``(applied, staged, still listing)`` of the listing under way on
    ``account``, or None."""
    current = state(account)
    if current is None:
        return None
    cr = account.env.cr
    cr.execute(
        "SELECT count(*) FILTER (WHERE applied), count(*) "
        "FROM calendar_sync_staged WHERE account_id = %s",
        [account.id],
    )
    applied, staged = cr.fetchone()
    return applied, staged, bool(current["cursor"])


def describe(account):
    """What the user reads of the listing under way on ``account`` (False
    when there is none)."""
    done = progress(account)
    if done is None:
        return False
    applied, staged, listing = done
    env = account.env
    # formatted apart: the translations' extractor cannot read an f-string
    # among a call's arguments
    applied, staged = f"{applied:,}", f"{staged:,}"
    if listing:
        return env._(
            "Long import under way: %(count)s items read so far; it goes on "
            "in steps in the background.",
            count=staged,
        )
    return env._(
        "Long import under way: %(applied)s of %(total)s items applied; it "
        "goes on in steps in the background.",
        applied=applied,
        total=staged,
    )


# ---------------------------------------------------------------- one step
def sync(env, account, adapter_cls):
    """One step of ``account``'s sync with its provider's adapter: the whole
    sync when it fits in one step.

    :return: the run's counters (pulled, pushed, failed)
    """
    client = account._client()
    size = step_size(env)
    current = state(account)
    if current is None or current["cursor"]:
        listing = _list(env, account, adapter_cls, client, current, size)
        if not under_way(account) and not listing.cursor:
            # the whole listing in one step: one run, as always
            return adapter_cls.apply_listing(env, account, client, listing, Step())
        _stage(account, adapter_cls, listing.items)
        _save(account, listing)
        _logger.info(
            "%s listing of %s: %d items kept, %s",
            account.provider,
            account.email,
            len(listing.items),
            "more to read" if listing.cursor else "complete",
        )
        return {"pulled": 0, "pushed": 0, "failed": 0}
    return _apply(env, account, adapter_cls, client, current, size)


def _list(env, account, adapter_cls, client, current, size):
    if current is None:
        return adapter_cls.list_changes(env, account, client, None, size)
    try:
        return adapter_cls.list_changes(env, account, client, current, size)
    except (InvalidSyncToken, RemoteError) as exc:
        if isinstance(exc, RemoteError) and exc.status not in EXPIRED_CURSOR:
            raise
        # the provider forgot where the listing was: list again; what the
        # steps before applied is bound and is re-bound, not imported again
        _logger.info(
            "%s listing of %s expired (%s): listing again",
            account.provider,
            account.email,
            exc,
        )
        drop(account)
        return adapter_cls.list_changes(env, account, client, None, size)


def _stage(account, adapter_cls, items):
    """Keep ``items``; a later version of an item replaces the earlier one."""
    cr = account.env.cr
    ids = [item["id"] for item in items if item.get("id")]
    if ids:
        cr.execute(
            "DELETE FROM calendar_sync_staged WHERE account_id = %s "
            "AND remote_id = ANY(%s)",
            [account.id, ids],
        )
    if not items:
        return
    # one statement, not the ORM's create: a technical row of the sync, with
    # no default, compute or access to run (a 100,000-item listing is
    # 100,000 rows; the ORM spent more on them than the listing's requests)
    cr.execute(
        "INSERT INTO calendar_sync_staged "
        "(account_id, remote_id, rank, payload, applied) "
        "SELECT %s, unnest(%s::varchar[]), unnest(%s::int[]), "
        "unnest(%s::text[]), false",
        [
            account.id,
            [item.get("id") or None for item in items],
            [adapter_cls.apply_rank(item) for item in items],
            [json.dumps(item) for item in items],
        ],
    )
    account.env["calendar.sync.staged"].invalidate_model()


def _save(account, listing, **values):
    """Store where ``listing`` goes on (``values`` override its own)."""
    values = {"cursor": listing.cursor, "token": listing.token, **values}
    account.sudo().sync_listing = json.dumps(
        {
            "cursor": values["cursor"],
            "token": values["token"],
            "full": listing.full,
            "context": listing.context,
        }
    )


def _apply(env, account, adapter_cls, client, current, size):
    cr = env.cr
    cr.execute(
        "SELECT id, payload FROM calendar_sync_staged "
        "WHERE account_id = %s AND applied IS NOT TRUE ORDER BY rank, id LIMIT %s",
        [account.id, size + 1],
    )
    rows = cr.fetchall()
    more = len(rows) > size
    rows = rows[:size]
    listing = Listing(
        items=[json.loads(payload) for _id, payload in rows],
        full=current["full"],
        token=None if more else current["token"],
        context=current["context"],
    )
    step = Step(partial=more, staged=True)
    counters = adapter_cls.apply_listing(env, account, client, listing, step)
    if more:
        cr.execute(
            "UPDATE calendar_sync_staged SET applied = TRUE WHERE id = ANY(%s)",
            [[row_id for row_id, _payload in rows]],
        )
        _save(account, listing, cursor=None, token=current["token"])
    else:
        drop(account)
    return counters


def merge(total, counters):
    """Counters of several steps added up."""
    if total is None or counters is None:
        return counters if total is None else total
    return {name: total.get(name, 0) + counters.get(name, 0) for name in counters}
