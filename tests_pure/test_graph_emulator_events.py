"""The Graph emulator behaves like Graph v1.0: events created, read, patched and
deleted (etags, conditional writes, occurrences).

Requests go over loopback HTTP through ``RewritingSession`` (the real https origins
are rewritten to the emulator).
"""

from __future__ import annotations

import re

import pytest
from graph_emulator_helpers import WINDOW, items_of, timed, weekly

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


# --------------------------------------------------------------------- graph
def test_graph_needs_a_valid_access_token(graph_emulator, api):
    assert api.call("GET", "/me").json()["userPrincipalName"] == "alice@contoso.com"
    graph_emulator.expire_access_tokens()
    answer = api.call("GET", "/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert "WWW-Authenticate" in answer.headers


def test_me_describes_the_signed_in_user(api):
    me = api.call("GET", "/me").json()
    assert me["mail"] == "alice@contoso.com" and me["displayName"] == "Alice"
    assert me["id"]


def test_created_event_has_graph_shape(api):
    event = api.create(
        timed(
            "Sync",
            "2024-07-01T09:00:00",
            "2024-07-01T10:00:00",
            "Europe/Brussels",
            body={"contentType": "html", "content": "<p>Hi</p>"},
        )
    )
    assert event["type"] == "singleInstance" and event["seriesMasterId"] is None
    assert event["@odata.etag"] == f'W/"{event["changeKey"]}"'
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", event["createdDateTime"]
    )
    assert event["start"] == {
        "dateTime": "2024-07-01T07:00:00.0000000",
        "timeZone": "UTC",
    }
    assert event["originalStartTimeZone"] == "Romance Standard Time"
    assert event["iCalUId"].startswith("040000008200E00074C5B7101A82E008")
    assert event["body"]["content"].startswith("<html>")
    assert "<p>Hi</p>" in event["body"]["content"]
    assert event["isOrganizer"] and event["responseStatus"]["response"] == "organizer"


def test_unknown_property_is_refused_like_graph_does(api):
    body = timed("x", "2024-07-01T09:00:00", "2024-07-01T10:00:00", colour="red")
    answer = api.call("POST", "/me/events", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "RequestBodyRead"


def test_all_day_event_must_start_and_end_at_midnight(api):
    body = timed("x", "2024-07-01T09:00:00", "2024-07-02T00:00:00", isAllDay=True)
    assert api.call("POST", "/me/events", json=body).status_code == 400
    ok = timed("x", "2024-07-01T00:00:00", "2024-07-02T00:00:00", isAllDay=True)
    assert api.create(ok)["isAllDay"] is True


def test_same_transaction_id_returns_the_existing_event(graph_emulator, api):
    body = timed("Once", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    first = api.create({**body, "transactionId": "odoo-1"})
    second = api.create({**body, "transactionId": "odoo-1"})
    assert first["id"] == second["id"]
    assert second["transactionId"] == "odoo-1"
    assert len(graph_emulator.events("alice@contoso.com")) == 1


def test_patch_bumps_the_change_key_and_if_match_guards_it(api):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    patched = api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json={"subject": "B"},
        headers={"If-Match": event["@odata.etag"]},
    )
    assert patched.status_code == 200 and patched.json()["subject"] == "B"
    assert patched.json()["changeKey"] != event["changeKey"]
    stale = api.call(
        "PATCH",
        f"/me/events/{event['id']}",
        json={"subject": "C"},
        headers={"If-Match": event["@odata.etag"]},
    )
    assert stale.status_code == 412


def _edited_elsewhere(graph_emulator, api):
    """An event and the etag it had before an edit made in Outlook."""
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    graph_emulator.update_event("alice@contoso.com", event["id"], {"subject": "B"})
    return event


def _now(api, event_id):
    return api.call("GET", f"/me/events/{event_id}").json()


def _if_match(api, method, event_id, etag, subject=None):
    """PATCH (to ``subject``) or DELETE ``event_id`` with ``If-Match: etag``."""
    body = {"json": {"subject": subject}} if method == "PATCH" else {}
    return api.call(
        method, f"/me/events/{event_id}", headers={"If-Match": etag}, **body
    )


def test_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(
    graph_emulator, api
):
    event = _edited_elsewhere(graph_emulator, api)
    before = _now(api, event["id"])
    stale = _if_match(api, "PATCH", event["id"], event["@odata.etag"], "C")
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "ErrorIrresolvableConflict"
    assert "change key passed in the request does not match" in error["message"]
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])
    assert _now(api, event["id"]) == before
    assert graph_emulator.invitations == []


@pytest.mark.parametrize("form", ["W/{tag}", "{tag}", "*"])
def test_patch_with_the_current_etag_applies_with_or_without_the_weak_prefix(api, form):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    tag = f'"{event["changeKey"]}"'
    assert event["@odata.etag"] == f"W/{tag}"
    answer = _if_match(api, "PATCH", event["id"], form.format(tag=tag), "C")
    assert answer.status_code == 200 and answer.json()["subject"] == "C"


def test_every_modification_gives_a_new_etag(graph_emulator, api):
    body = timed("Invite", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    body["attendees"] = [{"emailAddress": {"address": "alice@contoso.com"}}]
    event = graph_emulator.add_event(
        "alice@contoso.com", body, organizer="carol@fabrikam.com"
    )
    etags = [event["@odata.etag"]]
    api.call("PATCH", f"/me/events/{event['id']}", json={"subject": "x"})
    etags.append(_now(api, event["id"])["@odata.etag"])
    api.call("POST", f"/me/events/{event['id']}/accept", json={})
    etags.append(_now(api, event["id"])["@odata.etag"])
    graph_emulator.set_attendee_response(
        "alice@contoso.com", event["id"], "alice@contoso.com", "declined"
    )
    etags.append(_now(api, event["id"])["@odata.etag"])
    assert len(set(etags)) == 4
    assert all(tag.startswith('W/"') for tag in etags)


def test_delete_with_a_stale_etag_is_refused(graph_emulator, api):
    event = _edited_elsewhere(graph_emulator, api)
    stale = _if_match(api, "DELETE", event["id"], event["@odata.etag"])
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "ErrorIrresolvableConflict"
    assert _now(api, event["id"])["subject"] == "B"
    assert graph_emulator.invitations == []


def test_delete_with_the_current_etag_deletes(graph_emulator, api):
    event = _edited_elsewhere(graph_emulator, api)
    current = _now(api, event["id"])["@odata.etag"]
    answer = _if_match(api, "DELETE", event["id"], current)
    assert answer.status_code == 204
    assert graph_emulator.events("alice@contoso.com") == []


def test_a_missing_event_answers_404_whatever_its_if_match(api):
    for method in ("PATCH", "DELETE"):
        answer = _if_match(api, method, "AAMkAGnothere", 'W/"whatever"', "x")
        assert answer.status_code == 404


def _occurrences(api):
    return [i for i in items_of(api.delta_round()) if i["type"] == "occurrence"]


def test_an_occurrence_patched_with_a_stale_etag_stays_an_occurrence(
    graph_emulator, api
):
    master = api.create(weekly(count=3))
    occurrence = _occurrences(api)[1]
    assert occurrence["@odata.etag"] == master["@odata.etag"]
    graph_emulator.update_event("alice@contoso.com", master["id"], {"subject": "X"})
    stale = _if_match(api, "PATCH", occurrence["id"], occurrence["@odata.etag"], "x")
    assert stale.status_code == 412
    assert _now(api, occurrence["id"])["type"] == "occurrence"
    assert [e["type"] for e in graph_emulator.events("alice@contoso.com")] == [
        "seriesMaster"
    ]
    current = _now(api, master["id"])["@odata.etag"]
    fresh = _if_match(api, "PATCH", occurrence["id"], current, "x")
    assert fresh.status_code == 200 and fresh.json()["type"] == "exception"


def test_an_occurrence_deleted_with_a_stale_etag_stays(graph_emulator, api):
    master = api.create(weekly(count=3))
    occurrence = _occurrences(api)[0]
    graph_emulator.update_event("alice@contoso.com", master["id"], {"subject": "X"})
    stale = _if_match(api, "DELETE", occurrence["id"], occurrence["@odata.etag"])
    assert stale.status_code == 412
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    assert occurrence["id"] in {i["id"] for i in instances}


def test_if_match_inside_batch_items_is_judged_item_by_item(graph_emulator, api):
    fresh = api.create(timed("F", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    stale = _edited_elsewhere(graph_emulator, api)
    doomed = _edited_elsewhere(graph_emulator, api)
    json_headers = {"Content-Type": "application/json"}

    def patch(n, event):
        return {
            "id": str(n),
            "method": "PATCH",
            "url": f"/me/events/{event['id']}",
            "headers": {**json_headers, "If-Match": event["@odata.etag"]},
            "body": {"subject": f"P{n}"},
        }

    requests_ = [
        patch(1, fresh),
        patch(2, stale),
        {
            "id": "3",
            "method": "DELETE",
            "url": f"/me/events/{doomed['id']}",
            "headers": {"If-Match": doomed["@odata.etag"]},
        },
    ]
    answer = api.call("POST", "/$batch", json={"requests": requests_})
    responses = {r["id"]: r for r in answer.json()["responses"]}
    assert {k: r["status"] for k, r in responses.items()} == {
        "1": 200,
        "2": 412,
        "3": 412,
    }
    assert responses["2"]["body"]["error"]["code"] == "ErrorIrresolvableConflict"
    subjects = {
        e["id"]: e["subject"] for e in graph_emulator.events("alice@contoso.com")
    }
    assert subjects == {fresh["id"]: "P1", stale["id"]: "B", doomed["id"]: "B"}


def test_delete_answers_204_then_404(api):
    event = api.create(timed("A", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    assert api.call("DELETE", f"/me/events/{event['id']}").status_code == 204
    again = api.call("DELETE", f"/me/events/{event['id']}")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "ErrorItemNotFound"
    assert "request-id" in again.json()["error"]["innerError"]


def test_creating_with_attendees_records_the_invitations_outlook_sends(
    graph_emulator, api
):
    attendee = {"emailAddress": {"address": "Bob@Contoso.com", "name": "Bob"}}
    body = timed("Meet", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    event = api.create({**body, "attendees": [attendee]})
    api.call("PATCH", f"/me/events/{event['id']}", json={"subject": "Meet 2"})
    api.call("DELETE", f"/me/events/{event['id']}")
    actions = [(m["action"], m["recipients"]) for m in graph_emulator.invitations]
    assert actions == [
        ("invite", ["bob@contoso.com"]),
        ("update", ["bob@contoso.com"]),
        ("cancel", ["bob@contoso.com"]),
    ]


def test_attendee_answers_update_the_response_status(graph_emulator, api):
    body = timed("Invite", "2024-07-01T09:00:00", "2024-07-01T10:00:00")
    body["attendees"] = [{"emailAddress": {"address": "alice@contoso.com"}}]
    event = graph_emulator.add_event(
        "alice@contoso.com", body, organizer="carol@fabrikam.com"
    )
    assert event["responseStatus"]["response"] == "notResponded"
    answer = api.call(
        "POST", f"/me/events/{event['id']}/tentativelyAccept", json={"comment": ""}
    )
    assert answer.status_code == 202
    now = api.call("GET", f"/me/events/{event['id']}").json()
    assert now["responseStatus"]["response"] == "tentativelyAccepted"
    assert now["attendees"][0]["status"]["response"] == "tentativelyAccepted"
    assert graph_emulator.invitations[-1]["recipients"] == ["carol@fabrikam.com"]


def test_the_organizer_cannot_answer_its_own_meeting(api):
    event = api.create(timed("Mine", "2024-07-01T09:00:00", "2024-07-01T10:00:00"))
    assert (
        api.call("POST", f"/me/events/{event['id']}/accept", json={}).status_code == 400
    )


def test_an_answer_to_one_occurrence_reaches_the_organizer_for_that_one_only(
    graph_emulator, api, graph_session
):
    # Outlook tracks an attendee's answer per occurrence: declining one
    # occurrence of a series leaves the series and its other occurrences as
    # they were in the organizer's calendar
    from graph_emulator_helpers import Api

    bob = Api(
        graph_session, graph_emulator.issue_tokens("bob@contoso.com")["access_token"]
    )
    body = weekly(count=3)
    body["attendees"] = [{"emailAddress": {"address": "bob@contoso.com"}}]
    master = api.create(body)
    copy = next(e for e in graph_emulator.events("bob@contoso.com"))
    instances = bob.call(
        "GET", f"/me/events/{copy['id']}/instances", params=WINDOW
    ).json()["value"]
    answer = bob.call("POST", f"/me/events/{instances[1]['id']}/decline", json={})
    assert answer.status_code == 202

    def answers(event_id):
        return [
            item["attendees"][0]["status"]["response"]
            for item in api.call(
                "GET", f"/me/events/{event_id}/instances", params=WINDOW
            ).json()["value"]
        ]

    assert answers(master["id"]) == ["none", "declined", "none"]
    mine = bob.call("GET", f"/me/events/{copy['id']}").json()
    assert mine["responseStatus"]["response"] == "notResponded"
    assert mine["attendees"][0]["status"]["response"] == "none"
    organizer = api.call("GET", f"/me/events/{master['id']}").json()
    assert organizer["attendees"][0]["status"]["response"] == "none"
    answer = bob.call("POST", f"/me/events/{copy['id']}/accept", json={})
    assert answer.status_code == 202
    assert answers(master["id"]) == ["accepted", "accepted", "accepted"]


def test_a_guest_added_to_a_series_is_added_to_its_exceptions_too(api):
    # Outlook: a guest invited to a series is invited to its occurrences
    # changed alone as well (and one removed from it leaves them)
    body = weekly(count=3)
    body["attendees"] = [{"emailAddress": {"address": "carol@contoso.com"}}]
    master = api.create(body)
    instances = api.call(
        "GET", f"/me/events/{master['id']}/instances", params=WINDOW
    ).json()["value"]
    renamed = api.call(
        "PATCH", f"/me/events/{instances[2]['id']}", json={"subject": "renamed"}
    )
    assert renamed.status_code == 200
    invited = [
        {"emailAddress": {"address": "bob@contoso.com"}},
    ]
    patched = api.call(
        "PATCH", f"/me/events/{master['id']}", json={"attendees": invited}
    )
    assert patched.status_code == 200

    def guests():
        return [
            sorted(a["emailAddress"]["address"] for a in item["attendees"])
            for item in api.call(
                "GET", f"/me/events/{master['id']}/instances", params=WINDOW
            ).json()["value"]
        ]

    assert guests() == [["bob@contoso.com"]] * 3
