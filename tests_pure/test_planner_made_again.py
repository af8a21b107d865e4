"""Planner: an item made again remotely after a remote delete (our create,
by a run whose commit was lost) takes the deleted one's place."""

from __future__ import annotations

import pytest
from test_planner import B, local, remote

from services.planner import (
    BindLocal,
    CreateLocal,
    CreateRemote,
    DeleteLocal,
    MarkSynced,
    ReportConflict,
    UpdateLocal,
    plan,
)

# (id, local items, remote changes, full_sync, expected actions)
MADE_AGAIN = [
    (
        "event_made_again_after_a_listed_remote_delete_is_bound_to_the_new_item",
        [local(dirty=True, snapshot=B)],
        [
            remote(cancelled=True, snapshot=None),
            remote(remote_id="r2", local_key="k1"),
        ],
        False,
        [BindLocal("k1", "r2"), MarkSynced("k1", "r2")],
    ),
    (
        "event_made_again_listed_before_the_delete_is_bound_to_the_new_item",
        [local(dirty=True, snapshot=B)],
        [
            remote(remote_id="r2", local_key="k1"),
            remote(cancelled=True, snapshot=None),
        ],
        False,
        [BindLocal("k1", "r2"), MarkSynced("k1", "r2")],
    ),
    (
        "event_made_again_naming_the_item_it_replaces_is_bound_to_it",
        [local(dirty=True, snapshot=B)],
        [remote(remote_id="r2", local_key="k1", replaces="r1")],
        False,
        [BindLocal("k1", "r2"), MarkSynced("k1", "r2")],
    ),
    (
        "copy_of_a_clean_event_deleted_in_the_same_listing_is_a_new_event",
        [local()],
        [
            remote(cancelled=True, snapshot=None),
            remote(remote_id="r2", local_key="k1"),
        ],
        False,
        [DeleteLocal("k1", "r1"), CreateLocal("r2")],
    ),
    (
        "item_bound_to_another_event_is_never_taken_over_by_a_made_again_claim",
        [
            local(dirty=True, snapshot=B),
            local(key="k2", remote_id="r2"),
        ],
        [
            remote(cancelled=True, snapshot=None),
            remote(remote_id="r2", local_key="k1"),
        ],
        False,
        [
            CreateRemote("k1"),
            ReportConflict("k1", "r1", "local"),
            UpdateLocal("k2", "r2"),
        ],
    ),
    (
        "remote_copy_naming_another_item_than_the_bound_one_is_a_new_event",
        [local()],
        [remote(remote_id="r2", local_key="k1", replaces="r7")],
        False,
        [CreateLocal("r2")],
    ),
]


@pytest.mark.parametrize(
    ("locals_", "remotes", "full_sync", "expected"),
    [case[1:] for case in MADE_AGAIN],
    ids=[case[0] for case in MADE_AGAIN],
)
def test_made_again(locals_, remotes, full_sync, expected):
    assert plan(locals_, remotes, full_sync=full_sync) == expected


def test_an_occurrence_is_never_bound_as_made_again():
    # pass 2 of a run (occurrences): every exception of a Google series
    # carries the Odoo id of the series' base event; none is its re-creation
    actions = plan(
        [local(dirty=True, snapshot=B)],
        [
            remote(cancelled=True, snapshot=None),
            remote(remote_id="r2", local_key="k1"),
        ],
        made_again=False,
    )
    assert BindLocal("k1", "r2") not in actions
    assert CreateLocal("r2") in actions
