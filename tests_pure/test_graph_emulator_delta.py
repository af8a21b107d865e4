"""The Graph emulator behaves like Graph v1.0: ``/me/calendarView/delta`` (pages,
delta links, window, removals).

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator).
"""

from __future__ import annotations

import pytest
from graph_emulator_helpers import GRAPH, WINDOW, items_of, timed, weekly

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


# --------------------------------------------------------------------- delta
def test_delta_needs_a_time_window(api):
    answer = api.call("GET", "/me/calendarView/delta")
    assert answer.status_code == 400


def test_delta_refuses_query_options_it_does_not_support(api):
    answer = api.call("GET", "/me/calendarView/delta", params={**WINDOW, "$top": "5"})
    assert answer.status_code == 400


def test_delta_pages_honour_maxpagesize_and_end_with_an_absolute_delta_link(api):
    for n in range(7):
        api.create(
            timed(f"E{n}", f"2024-07-0{n + 1}T09:00:00", f"2024-07-0{n + 1}T10:00:00")
        )
    pages = api.delta_round(page_size=3)
    assert [len(p["value"]) for p in pages] == [3, 3, 1]
    assert pages[0]["@odata.nextLink"].startswith(
        f"{GRAPH}/me/calendarView/delta?$skiptoken="
    )
    assert pages[-1]["@odata.deltaLink"].startswith(
        f"{GRAPH}/me/calendarView/delta?$deltatoken="
    )


def test_next_round_returns_only_changes_and_removals(graph_emulator, api):
    keep = api.create(timed("Keep", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    edit = api.create(timed("Edit", "2024-07-02T09:00:00", "2024-07-02T10:00:00"))
    gone = api.create(timed("Gone", "2024-07-03T09:00:00", "2024-07-03T10:00:00"))
    link = api.delta_round()[-1]["@odata.deltaLink"]
    api.call("PATCH", f"/me/events/{edit['id']}", json={"subject": "Edited"})
    api.call("DELETE", f"/me/events/{gone['id']}")
    outlook = graph_emulator.add_event(
        "alice@contoso.com", timed("New", "2024-07-04T09:00:00", "2024-07-04T10:00:00")
    )
    pages = api.delta_round(link)
    items = items_of(pages)
    by_id = {i["id"]: i for i in items}
    assert keep["id"] not in by_id
    assert by_id[edit["id"]]["subject"] == "Edited"
    assert by_id[gone["id"]]["@removed"] == {"reason": "deleted"}
    assert by_id[outlook["id"]]["subject"] == "New"
    assert items_of(api.delta_round(pages[-1]["@odata.deltaLink"])) == []


def test_change_that_leaves_the_window_is_reported_as_removed(api):
    event = api.create(timed("Move", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    link = api.delta_round()[-1]["@odata.deltaLink"]
    api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json=timed("Move", "2030-07-01T09:00:00", "2030-07-01T10:00:00"),
    )
    assert items_of(api.delta_round(link)) == [
        {
            "@odata.type": "#microsoft.graph.event",
            "id": event["id"],
            "@removed": {"reason": "deleted"},
        }
    ]


def test_unknown_or_invalidated_delta_tokens_answer_410(graph_emulator, api):
    link = api.delta_round()[-1]["@odata.deltaLink"]
    unknown = api.call("GET", f"{GRAPH}/me/calendarView/delta?$deltatoken=nope")
    assert unknown.status_code == 410
    assert unknown.json()["error"]["code"] == "SyncStateNotFound"
    graph_emulator.invalidate_delta_tokens()
    assert api.call("GET", link).status_code == 410


def test_delta_carries_full_masters_and_sparse_occurrences(api):
    master = api.create(weekly(count=3))
    items = items_of(api.delta_round())
    assert [i["type"] for i in items] == [
        "seriesMaster",
        "occurrence",
        "occurrence",
        "occurrence",
    ]
    assert items[0]["recurrence"]["pattern"]["type"] == "weekly"
    assert items[0]["subject"] == "Weekly"
    for occurrence in items[1:]:
        assert set(occurrence) == {
            "@odata.type",
            "@odata.etag",
            "id",
            "seriesMasterId",
            "type",
            "start",
            "end",
        }
        assert occurrence["seriesMasterId"] == master["id"]


def test_a_series_is_never_split_across_delta_pages(api):
    api.create(timed("Before", "2024-03-01T09:00:00", "2024-03-01T10:00:00"))
    api.create(weekly(count=4))
    api.create(timed("After", "2024-09-01T09:00:00", "2024-09-01T10:00:00"))
    pages = api.delta_round(page_size=3)
    shapes = [[i["type"] for i in p["value"]] for p in pages]
    assert shapes == [
        ["singleInstance"],
        ["seriesMaster"] + ["occurrence"] * 4,
        ["singleInstance"],
    ]


def test_deleted_occurrence_is_not_signalled_but_missing_from_instances(api):
    master = api.create(weekly(count=3))
    first = api.delta_round()
    occurrences = [i for i in items_of(first) if i["type"] == "occurrence"]
    api.call("DELETE", f"/me/events/{occurrences[1]['id']}")
    changes = items_of(api.delta_round(first[-1]["@odata.deltaLink"]))
    assert not any("@removed" in i for i in changes)
    assert occurrences[1]["id"] not in {i["id"] for i in changes}
    assert changes[0]["id"] == master["id"]  # the master changed (changeKey)
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    assert [i["id"] for i in instances] == [occurrences[0]["id"], occurrences[2]["id"]]


def test_editing_an_occurrence_makes_it_a_full_exception(api):
    master = api.create(weekly(count=3))
    link_pages = api.delta_round()
    occurrence = [i for i in items_of(link_pages) if i["type"] == "occurrence"][1]
    moved = api.call(
        "PATCH",
        f"/me/events/{occurrence['id']}",
        json=timed("Moved", "2024-03-12T15:00:00", "2024-03-12T16:00:00"),
    ).json()
    assert moved["type"] == "exception" and moved["id"] == occurrence["id"]
    assert moved["seriesMasterId"] == master["id"]
    assert moved["originalStart"] == "2024-03-11T09:00:00Z"
    changes = items_of(api.delta_round(link_pages[-1]["@odata.deltaLink"]))
    exception = next(i for i in changes if i["type"] == "exception")
    assert exception["subject"] == "Moved"


def test_each_occurrence_has_its_own_ical_uid(api):
    master = api.create(weekly(count=2))
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    uids = {master["iCalUId"], *(i["iCalUId"] for i in instances)}
    assert len(uids) == 3
    assert all(i["subject"] == "Weekly" for i in instances)  # full objects


def test_outlook_timezone_preference_accepts_iana_and_windows_names(api):
    api.create(timed("TZ", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    for zone in ("Europe/Brussels", "Romance Standard Time"):
        item = items_of(api.delta_round(prefer=f', outlook.timezone="{zone}"'))[0]
        assert item["start"] == {
            "dateTime": "2024-07-01T11:00:00.0000000",
            "timeZone": zone,
        }


def test_body_content_type_preference_gives_text(api):
    api.create(
        timed(
            "Body",
            "2024-07-01T09:00:00",
            "2024-07-01T10:00:00",
            body={"contentType": "html", "content": "<p>Hello &amp; bye</p>"},
        )
    )
    prefer = ', outlook.body-content-type="text"'
    item = items_of(api.delta_round(prefer=prefer))[0]
    assert item["body"] == {"contentType": "text", "content": "Hello & bye"}


def test_instances_need_a_window_and_page_with_top(api):
    master = api.create(weekly(count=5))
    path = f"/me/events/{master['id']}/instances"
    assert api.call("GET", path).status_code == 400
    page = api.call("GET", path, params={**WINDOW, "$top": "2"}).json()
    assert len(page["value"]) == 2
    assert page["@odata.nextLink"].startswith(GRAPH + path)
