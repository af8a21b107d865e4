"""Sync planner: both sides' state in, named actions out
=====================================================

Plan, then execute (the vdirsyncer way): :func:`plan` is a pure function of
the local items, the remote changes and the ``full_sync`` flag; it returns
small frozen actions that the Odoo models execute (remote actions through the
clients' batches, local ones through the ORM). Each branch of the decision
table in :func:`_decide` carries a one-line comment.

Inputs:

* :class:`LocalState`: an Odoo item (event or recurrence) that is dirty
  (changed in Odoo since its last successful sync), or bound to one of the
  remote changes, or, on a full sync, any bound item. ``snapshot`` is its
  neutral dict.
* :class:`RemoteState`: one item of the provider's change list (incremental)
  or full list. ``local_key`` is our key when the remote item carries our id
  (Google ``extendedProperties.private.odoo_id``).

Actions: :class:`CreateRemote`, :class:`UpdateRemote`, :class:`DeleteRemote`,
:class:`CreateLocal`, :class:`UpdateLocal` (also restores an archived item),
:class:`DeleteLocal` (also drops an archived tombstone), :class:`BindLocal`,
:class:`MarkSynced` (both sides already equal: clear the dirty flag, write
nothing), :class:`MergeFields` (both sides changed an item whose last synced
version ``LocalState.base`` is known: merged field by field) and
:class:`ReportConflict` (emitted next to the winning action when no base is
known; the model posts the loser's version in the chatter).

Rules the executor must follow so that a second plan is empty:

* After ``DeleteRemote`` the local item loses its binding (``remote_id``).
* Every action on a key clears that item's dirty flag once it succeeded.
* An item the plan leaves alone keeps its state.

When the executor records the remote etag of each synced item
(``LocalState.remote_etag``) and the changes carry theirs
(``RemoteState.etag``), a change whose etag equals the recorded one is our own
write coming back and is not a remote change (no false conflict when the item
was edited again locally since).

Time stamps (``write_date``, ``updated``) are compared as given (naive UTC
datetimes); a missing one counts as the oldest. On a tie the local side wins.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .conflicts import complete_series_base
from .snapshot import same_version

Key = Hashable


@dataclass(frozen=True)
class LocalState:
    """An Odoo item as the planner sees it."""

    key: Key
    remote_id: str | None
    dirty: bool
    archived: bool
    write_date: datetime | None
    snapshot: dict[str, Any] | None
    #: the remote etag recorded at the last successful sync, if known
    remote_etag: str | None = None
    #: the snapshot both sides had at the last successful sync, if known:
    #: with it, an item changed on both sides (an event, a series) is merged
    #: field by field
    base: dict[str, Any] | None = None
    #: nothing of it is left locally, not even archived (a series without any
    #: occurrence): a remote change has nothing to restore, so the remote copy
    #: goes when ``dirty`` (ours to delete) and is let go of otherwise
    gone: bool = False
    #: a later remote change may bring it back when archived; not an
    #: occurrence the calendar hosting its series deleted for good (that
    #: calendar cannot bring a deleted occurrence back, and its series is not
    #: made again): the change is lost, the copy deleted, the loser reported
    restorable: bool = True


@dataclass(frozen=True)
class RemoteState:
    """A remote item of the change list (or of the full list)."""

    remote_id: str
    cancelled: bool
    updated: datetime | None
    snapshot: dict[str, Any] | None
    local_key: Key | None = None
    etag: str | None = None
    # the remote item our create of ``local_key`` replaced, where the
    # provider tells (the item made again after a remote delete)
    replaces: str | None = None


@dataclass(frozen=True)
class CreateRemote:
    """Push a new remote item for local ``key`` and bind it."""

    key: Key


@dataclass(frozen=True)
class UpdateRemote:
    """Push local ``key`` over remote ``remote_id``."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class DeleteRemote:
    """Delete remote ``remote_id``; local ``key`` then loses its binding."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class CreateLocal:
    """Create a local item from remote ``remote_id`` and bind it."""

    remote_id: str


@dataclass(frozen=True)
class UpdateLocal:
    """Write remote ``remote_id`` over local ``key`` (unarchiving it)."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class DeleteLocal:
    """Delete (or archive) local ``key``: the remote side deleted it."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class BindLocal:
    """Bind local ``key`` to remote ``remote_id`` (the binding was lost)."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class MarkSynced:
    """Both sides are already equal: clear ``key``'s dirty flag only."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class MergeFields:
    """Both sides changed ``key`` since the last sync (whose version is
    known): merge them field by field (see :mod:`services.conflicts`), write
    the result on both sides, report fields changed on both."""

    key: Key
    remote_id: str


@dataclass(frozen=True)
class ReportConflict:
    """Both sides changed; ``winner``'s version was kept."""

    key: Key
    remote_id: str
    winner: Literal["local", "remote"]


Action = (
    CreateRemote
    | UpdateRemote
    | DeleteRemote
    | CreateLocal
    | UpdateLocal
    | DeleteLocal
    | BindLocal
    | MarkSynced
    | MergeFields
    | ReportConflict
)


def _remote_is_later(local: LocalState, remote: RemoteState) -> bool:
    if remote.updated is None:
        return False
    return local.write_date is None or remote.updated > local.write_date


def _conflict(local: LocalState, remote: RemoteState, winner: str) -> ReportConflict:
    return ReportConflict(local.key, remote.remote_id, winner)  # type: ignore[arg-type]


def _decide_cancelled(local: LocalState, remote: RemoteState) -> list[Action]:
    rid = remote.remote_id
    if local.archived:
        # deleted on both sides: drop the local tombstone
        return [DeleteLocal(local.key, rid)]
    if local.dirty:
        # deleted remotely, edited locally: the edit wins, re-create remotely
        return [CreateRemote(local.key), _conflict(local, remote, "local")]
    # deleted remotely, unchanged locally: delete locally
    return [DeleteLocal(local.key, rid)]


def _decide_archived(
    local: LocalState, remote: RemoteState, full_sync: bool
) -> list[Action]:
    rid = remote.remote_id
    if not local.restorable:
        # archived locally, gone for good where its series is hosted: the
        # archive wins however late the remote change, which is reported
        return [DeleteRemote(local.key, rid), _conflict(local, remote, "local")]
    if _remote_is_later(local, remote):
        # archived locally, changed remotely later: the remote wins, restore
        conflict = [_conflict(local, remote, "remote")] if local.dirty else []
        return [UpdateLocal(local.key, rid), *conflict]
    if full_sync or not local.dirty:
        # archived locally after the remote's last change: delete remotely
        return [DeleteRemote(local.key, rid)]
    # archived locally, changed remotely before: the archive wins, reported
    return [DeleteRemote(local.key, rid), _conflict(local, remote, "local")]


def _decide_live(local: LocalState, remote: RemoteState, full_sync: bool) -> list:
    rid = remote.remote_id
    if local.snapshot == remote.snapshot:
        # identical on both sides: nothing to write (only clear the flag)
        return [MarkSynced(local.key, rid)] if local.dirty else []
    if not local.dirty:
        # changed remotely, unchanged locally: take the remote version
        return [UpdateLocal(local.key, rid)]
    if same_version(local.snapshot, remote.snapshot):
        # the same change on both sides, guests named otherwise there (its
        # address for Odoo's contact name): nothing to send (AR), nor to
        # take (Odoo's change may lie beyond the snapshot: a guest without
        # an address, a contact swapped for another of the same address)
        return [MarkSynced(local.key, rid)]
    base = complete_series_base(local.base, local.snapshot, remote.snapshot)
    if base is not None:
        if same_version(remote.snapshot, base):
            # the remote is as last synced: only Odoo changed it, push
            return [UpdateRemote(local.key, rid)]
        if same_version(local.snapshot, base):
            # Odoo's is as last synced: only the remote changed it, pull
            return [UpdateLocal(local.key, rid)]
        # changed on both sides since the known last sync: merge per field
        return [MergeFields(local.key, rid)]
    if _remote_is_later(local, remote):
        # changed on both sides, the remote later: the remote wins
        return [UpdateLocal(local.key, rid), _conflict(local, remote, "remote")]
    if full_sync:
        # full listings include unchanged items: an older remote is no conflict
        return [UpdateRemote(local.key, rid)]
    # changed on both sides, the local later (or at the same time): local wins
    return [UpdateRemote(local.key, rid), _conflict(local, remote, "local")]


def _unchanged_since_sync(local: LocalState, remote: RemoteState) -> bool:
    return (
        not remote.cancelled
        and remote.etag is not None
        and remote.etag == local.remote_etag
    )


def _decide(local: LocalState, remote: RemoteState, full_sync: bool) -> list[Action]:
    """The actions for a remote change of a bound local item."""
    if remote.cancelled:
        return _decide_cancelled(local, remote)
    if local.gone and local.dirty:
        # nothing left locally to restore, ours: delete remotely
        return [DeleteRemote(local.key, remote.remote_id)]
    if local.gone:
        # nothing left locally to restore, someone else's: let go of it
        return [DeleteLocal(local.key, remote.remote_id)]
    if local.archived:
        return _decide_archived(local, remote, full_sync)
    return _decide_live(local, remote, full_sync)


def _decide_unmatched_local(
    local: LocalState, full_sync: bool, listed: set[str]
) -> list[Action]:
    """The actions for a local item no remote change refers to."""
    rid = local.remote_id
    gone = full_sync and rid is not None and rid not in listed
    if gone and local.archived:
        # gone remotely, archived locally: drop the local tombstone
        return [DeleteLocal(local.key, rid)]
    if gone and local.dirty:
        # gone remotely (full sync), edited locally: re-create remotely
        return [CreateRemote(local.key), ReportConflict(local.key, rid, "local")]
    if gone:
        # gone remotely (full sync), unchanged locally: delete locally
        return [DeleteLocal(local.key, rid)]
    if not local.dirty:
        # unchanged on both sides: nothing to do
        return []
    if local.archived:
        # archived locally: delete remotely if it was ever pushed
        return [DeleteRemote(local.key, rid)] if rid else []
    # changed locally only: push (create when never pushed)
    return [UpdateRemote(local.key, rid)] if rid else [CreateRemote(local.key)]


def _match(
    remote: RemoteState,
    by_remote_id: dict[str, LocalState],
    by_key: dict[Key, LocalState],
) -> tuple[LocalState | None, list[Action]]:
    """The local item a remote change belongs to, and a rebinding if needed."""
    local = by_remote_id.get(remote.remote_id)
    if local is not None:
        return local, []
    local = by_key.get(remote.local_key) if remote.local_key is not None else None
    if local is None or local.remote_id is not None or remote.cancelled:
        # unknown, or our id on a copy of an item bound elsewhere (a remote
        # duplicate carries our private properties): a remote-only item
        return None, []
    # carries our id but we lost the binding (crash after push): bind it
    return local, [BindLocal(local.key, remote.remote_id)]


def _recreated(
    remote_changes: list[RemoteState],
    by_remote_id: dict[str, LocalState],
    by_key: dict[Key, LocalState],
) -> dict[Key, str]:
    """``{local key: remote id}``: live remote items, bound to nothing here,
    that carry our id of a changed local item bound to another remote item
    which is gone (deleted in this change list, or the one the item says it
    replaces). That item is our re-creation of the local item after the
    remote delete (a local edit wins over it), made by a run whose commit
    was lost: the local item is bound to it, the delete is not applied again
    and nothing is created twice."""
    cancelled = {r.remote_id for r in remote_changes if r.cancelled}
    found: dict[Key, str] = {}
    for remote in remote_changes:
        if (
            remote.cancelled
            or remote.local_key is None
            or remote.remote_id in by_remote_id
        ):
            continue
        local = by_key.get(remote.local_key)
        if local is None or not local.dirty or local.remote_id is None:
            continue
        if local.remote_id in cancelled or local.remote_id == remote.replaces:
            found.setdefault(local.key, remote.remote_id)
    return found


def plan(
    local_items: Iterable[LocalState],
    remote_changes: Iterable[RemoteState],
    full_sync: bool = False,
    made_again: bool = True,
) -> list[Action]:
    """The actions that bring both sides to the same state.

    :param local_items: dirty local items, items bound to a remote change, and
        on a full sync every bound item.
    :param remote_changes: the incremental change list, or on a full sync the
        full list of live remote items.
    :param full_sync: whether ``remote_changes`` is the full list; then bound
        local items missing from it were deleted remotely.
    :param made_again: whether a local item may have been made again remotely
        (:func:`_recreated`); not occurrences, which are never created alone.
    :return: actions in a deterministic order (remote changes first, in
        order, then the remaining local items, in order).
    """
    local_items = list(local_items)
    remote_changes = list(remote_changes)
    by_remote_id = {i.remote_id: i for i in local_items if i.remote_id is not None}
    by_key = {item.key: item for item in local_items}
    recreated = _recreated(remote_changes, by_remote_id, by_key) if made_again else {}
    actions: list[Action] = []
    handled: set[Key] = set()
    listed: set[str] = set()
    for remote in remote_changes:
        listed.add(remote.remote_id)
        old = by_remote_id.get(remote.remote_id)
        if remote.cancelled and old is not None and old.key in recreated:
            continue  # its re-creation is listed too: bound to that below
        if recreated.get(remote.local_key) == remote.remote_id:
            local = by_key[remote.local_key]
            bind = [BindLocal(local.key, remote.remote_id)]
        else:
            local, bind = _match(remote, by_remote_id, by_key)
        if local is None or local.key in handled:
            # unknown remotely-created item: import it; unknown deletion: ignore
            actions += [] if remote.cancelled else [CreateLocal(remote.remote_id)]
            continue
        handled.add(local.key)
        if _unchanged_since_sync(local, remote):
            # our own write coming back (same etag): only local changes matter
            actions += bind + _decide_unmatched_local(local, full_sync, listed)
        else:
            actions += bind + _decide(local, remote, full_sync)
    for local in local_items:
        if local.key not in handled:
            actions += _decide_unmatched_local(local, full_sync, listed)
    return actions
