"""An occurrence added to a series shows the series' answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.neutral_event import ATTENDEE_STATES
from services.series_answers import carried_answers

STATES = st.sampled_from(ATTENDEE_STATES)
ANSWERS = st.dictionaries(st.sampled_from("abcde"), STATES)


def test_occurrence_added_by_a_split_takes_the_answer_a_guest_gave_the_series():
    series = {"alice": "declined", "bob": "needsAction", "carol": "accepted"}
    added = {"alice": "needsAction", "bob": "needsAction", "carol": "accepted"}
    assert carried_answers(series, added) == {"alice": "declined"}


def test_occurrence_that_shows_the_series_answers_needs_nothing():
    series = {"alice": "tentative", "carol": "accepted"}
    assert carried_answers(series, dict(series)) == {}


def test_attendee_missing_from_the_occurrence_is_not_added():
    assert carried_answers({"alice": "declined"}, {"bob": "needsAction"}) == {}


def test_unknown_state_is_not_copied():
    assert carried_answers({"alice": "maybe"}, {"alice": "needsAction"}) == {}


@given(ANSWERS, ANSWERS)
def test_occurrence_given_the_carried_answers_shows_the_series_answers(
    series, occurrence
):
    written = {**occurrence, **carried_answers(series, occurrence)}
    assert set(written) == set(occurrence)
    assert all(written[a] == series[a] for a in set(series) & set(occurrence))
    assert carried_answers(series, written) == {}
