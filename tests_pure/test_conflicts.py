"""Conflicts per field: the three-way merge."""

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from services import conflicts
from services.snapshot import same_but_answers

T0 = datetime(2030, 1, 1, 9)
T1 = datetime(2030, 1, 1, 10)


def snap(**values):
    base = {
        "name": "Board",
        "description": "",
        "location": "",
        "allday": False,
        "start": datetime(2030, 3, 4, 9),
        "stop": datetime(2030, 3, 4, 10),
        "attendees": [
            {"email": "alice@x.com", "name": "Alice", "state": "accepted"},
            {"email": "bob@x.com", "name": "Bob", "state": "needsAction"},
        ],
        "alarms": [],
        "privacy": False,
        "show_as": "busy",
    }
    base.update(values)
    return base


def test_fields_changed_on_one_side_each_are_both_kept():
    base = snap()
    local = snap(description="<p>Agenda</p>")
    remote = snap(location="Room 2")
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["description"] == "<p>Agenda</p>"
    assert merged["location"] == "Room 2"
    assert clashes == []


def test_an_answer_given_remotely_survives_a_later_local_edit_of_another_field():
    base = snap()
    remote = snap()
    remote["attendees"][1] = {"email": "bob@x.com", "name": "Bob", "state": "declined"}
    local = snap(name="Board (moved)")
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert merged["name"] == "Board (moved)"
    assert merged["attendees"][1]["state"] == "declined"
    assert clashes == []


def test_a_field_changed_on_both_sides_goes_to_the_later_change_and_reports_the_loser():
    base = snap()
    local = snap(description="odoo text")
    remote = snap(description="google text")
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["description"] == "google text"
    assert clashes == [
        conflicts.Clash("description", "remote", "google text", "odoo text")
    ]
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert merged["description"] == "odoo text"
    assert clashes[0].winner == "local" and clashes[0].lost == "google text"


def test_a_tie_goes_to_odoo():
    merged, clashes = conflicts.merge(snap(), snap(name="A"), snap(name="B"), T0, T0)
    assert merged["name"] == "A"
    assert clashes[0].winner == "local"


def test_times_move_together():
    base = snap()
    local = snap(start=datetime(2030, 3, 4, 10), stop=datetime(2030, 3, 4, 11))
    remote = snap(allday=True, start=None, stop=None, start_date=date(2030, 3, 4))
    remote["stop_date"] = date(2030, 3, 4)
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["allday"] is True
    assert merged["start"] is None and merged["start_date"] == date(2030, 3, 4)
    assert [c.field for c in clashes] == ["times"]


WEEKLY = {"rrule_type": "weekly", "interval": 1, "end_type": "count", "count": 3}


def series(**values):
    return snap(**{"tz": "Europe/Paris", "rule": {**WEEKLY, "tue": True}, **values})


def test_a_series_moved_on_one_side_and_given_a_guest_on_the_other_keeps_both():
    base = series()
    local = series(start=datetime(2030, 3, 4, 10), stop=datetime(2030, 3, 4, 11))
    remote = series()
    remote["attendees"].append(
        {"email": "carol@x.com", "name": "Carol", "state": "needsAction"}
    )
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["start"] == datetime(2030, 3, 4, 10)
    assert "carol@x.com" in [a["email"] for a in merged["attendees"]]
    assert clashes == []


def test_a_series_rule_and_zone_move_with_its_times():
    # moved to Wednesday in Odoo (its rule follows), one more occurrence in
    # the calendar: the later side's rule and times are kept together
    base = series()
    local = series(start=datetime(2030, 3, 5, 9), stop=datetime(2030, 3, 5, 10))
    local["rule"] = {**WEEKLY, "wed": True}
    remote = series(rule={**WEEKLY, "count": 4, "tue": True})
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["start"] == base["start"] and merged["rule"] == remote["rule"]
    assert [c.field for c in clashes] == ["times"]
    assert "weekly every 1 (wed), 3 times" in conflicts.describe(clashes[0].lost)
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert merged["start"] == local["start"] and merged["rule"] == local["rule"]
    assert merged["tz"] == "Europe/Paris"


def legacy(snapshot):
    """A series' version last synced as calendar_sync up to 18.0.2.3.0
    recorded it where a calendar joined the series: an event's, without its
    rule and zone."""
    return {k: v for k, v in snapshot.items() if k not in ("rule", "tz")}


def test_a_series_recorded_without_its_rule_keeps_a_move_made_on_one_side():
    # finding AZ: the series moved in Odoo, a guest invited in the calendar
    # (the later change); the rule and zone are taken from the calendar,
    # whose times are the ones recorded
    base = legacy(series())
    local = series(start=datetime(2030, 3, 4, 10), stop=datetime(2030, 3, 4, 11))
    remote = series()
    remote["attendees"].append(
        {"email": "carol@x.com", "name": "Carol", "state": "needsAction"}
    )
    completed = conflicts.complete_series_base(base, local, remote)
    assert completed == series()
    merged, clashes = conflicts.merge(completed, local, remote, T0, T1)
    assert merged["start"] == datetime(2030, 3, 4, 10)
    assert "carol@x.com" in [a["email"] for a in merged["attendees"]]
    assert clashes == []


def test_a_series_recorded_without_its_rule_is_left_so_where_its_sides_disagree():
    # neither side kept the recorded times, or both did with other rules:
    # nothing tells which rule was synced (the later change wins, as before)
    base = legacy(series())
    moved = series(start=datetime(2030, 3, 4, 10), stop=datetime(2030, 3, 4, 11))
    assert conflicts.complete_series_base(base, moved, moved) == base
    longer = series(rule={**WEEKLY, "count": 4, "tue": True})
    assert conflicts.complete_series_base(base, series(), longer) == base
    # complete already, or an event's: as it is
    assert conflicts.complete_series_base(series(), moved, series()) == series()
    assert conflicts.complete_series_base(snap(), snap(), snap()) == snap()


def test_an_attendee_added_in_odoo_and_one_removed_remotely_both_apply():
    base = snap()
    local = snap()
    local["attendees"].append(
        {"email": "carol@x.com", "name": "Carol", "state": "needsAction"}
    )
    remote = snap()
    remote["attendees"] = remote["attendees"][:1]
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert [a["email"] for a in merged["attendees"]] == ["alice@x.com", "carol@x.com"]
    assert clashes == []


def test_an_answer_given_remotely_survives_odoo_naming_the_guest_otherwise():
    # finding AR's merge: the calendar knows Bob by his address, Odoo names
    # the contact; his answer given there is no clash with Odoo's name
    base = snap()
    base["attendees"][1] = {
        "email": "bob@x.com",
        "name": "bob@x.com",
        "state": "needsAction",
    }
    local = snap(name="Board (moved)")
    remote = snap()
    remote["attendees"][1] = {
        "email": "bob@x.com",
        "name": "bob@x.com",
        "state": "declined",
    }
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert merged["attendees"][1] == {
        "email": "bob@x.com",
        "name": "Bob",
        "state": "declined",
    }
    assert clashes == []


def test_an_answer_given_remotely_clashes_with_odoo_removing_the_guest():
    base = snap()
    local = snap()
    local["attendees"] = local["attendees"][:1]
    remote = snap()
    remote["attendees"][1] = {
        "email": "bob@x.com",
        "name": "bob@x.com",
        "state": "accepted",
    }
    merged, clashes = conflicts.merge(base, local, remote, T0, T1)
    assert merged["attendees"][1]["state"] == "accepted"
    assert [(c.field, c.winner, c.lost) for c in clashes] == [
        ("attendees:bob@x.com", "remote", None)
    ]
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert [a["email"] for a in merged["attendees"]] == ["alice@x.com"]
    assert clashes[0].lost["state"] == "accepted"


def test_an_attendee_kept_by_both_sides_keeps_odoo_name():
    base = snap()
    local = snap(name="Board (moved)")
    remote = snap()
    remote["attendees"][1] = {
        "email": "bob@x.com",
        "name": "bob@x.com",
        "state": "needsAction",
    }
    merged, clashes = conflicts.merge(base, local, remote, T1, T0)
    assert merged["attendees"][1]["name"] == "Bob"
    assert clashes == []


def test_attendee_changes_name_who_was_invited_and_who_was_removed():
    before = snap()["attendees"]
    after = [before[0], {"email": "carol@x.com", "name": "", "state": "needsAction"}]
    assert conflicts.attendee_changes(before, after) == ({"carol@x.com"}, {"bob@x.com"})
    assert conflicts.attendee_changes(before, before) == (set(), set())


DAN = {"email": "dan@x.com", "name": "", "state": "needsAction"}


def test_guest_the_series_passed_on_is_no_change_of_its_exception():
    before = snap(start=T0, stop=T1)
    series = snap(attendees=[*snap()["attendees"], DAN])
    after = snap(start=T0, stop=T1, attendees=[*before["attendees"], DAN])
    assert conflicts.only_series_guests(before, after, series)
    # un-invited from the series: gone from the exception too
    assert conflicts.only_series_guests(
        before,
        snap(start=T0, stop=T1, attendees=before["attendees"][:1]),
        snap(attendees=before["attendees"][:1]),
    )


def test_exception_changed_itself_beside_the_series_guests_is_a_change():
    before = snap(start=T0, stop=T1)
    series = snap(attendees=[*snap()["attendees"], DAN])
    guests = [*before["attendees"], DAN]
    # renamed there
    assert not conflicts.only_series_guests(
        before, snap(name="Moved", start=T0, stop=T1, attendees=guests), series
    )
    # an answer given to the exception alone
    answered = [before["attendees"][0], {**before["attendees"][1], "state": "declined"}]
    assert not conflicts.only_series_guests(
        before, snap(start=T0, stop=T1, attendees=[*answered, DAN]), series
    )
    # a guest list of its own
    assert not conflicts.only_series_guests(
        before, snap(start=T0, stop=T1, attendees=before["attendees"][:1]), series
    )
    # nothing changed at all is no guest passed on either
    assert not conflicts.only_series_guests(before, before, snap())


def test_snapshots_that_differ_by_answers_only_are_the_same_but_answers():
    before = snap()
    answered = [before["attendees"][0], {**before["attendees"][1], "state": "declined"}]
    assert same_but_answers(before, snap(attendees=answered))
    assert same_but_answers(before, before)
    # a guest more, or another field, is a change
    assert not same_but_answers(before, snap(attendees=[*answered, DAN]))
    assert not same_but_answers(before, snap(name="Moved", attendees=answered))
    assert not same_but_answers(before, None)


def test_a_snapshot_survives_storage():
    value = snap(start_date=date(2030, 3, 4))
    assert conflicts.loads(conflicts.dumps(value)) == value
    assert conflicts.loads("not json") is None
    assert conflicts.loads(False) is None


texts = st.sampled_from(["", "a", "b", "c"])


@given(base=texts, local=texts, remote=texts, later=st.booleans())
def test_merge_keeps_every_one_sided_change_and_only_reports_real_clashes(
    base, local, remote, later
):
    merged, clashes = conflicts.merge(
        snap(name=base), snap(name=local), snap(name=remote), T0, T1 if later else T0
    )
    if local == base:
        assert merged["name"] == remote and not clashes
    elif remote == base or remote == local:
        assert merged["name"] == local and not clashes
    else:
        assert merged["name"] == (remote if later else local)
        assert clashes[0].lost == (local if later else remote)
