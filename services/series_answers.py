"""Answers of a series' occurrences
================================

A series is answered as a whole (README, *Answers*): Odoo shows an attendee's
answer on every occurrence that follows the series, and the calendars hold it
once, on the series. An occurrence Odoo adds to a series (its rule changed as
a whole, or from one occurrence on: "This and following events") is made
from the occurrence the series is copied from, without its answers: it takes
them, as the calendar's series shows them on every occurrence.

Public API: :func:`carried_answers`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from .neutral_event import ATTENDEE_STATES

Attendee = TypeVar("Attendee", bound=Hashable)


def carried_answers(
    series: Mapping[Attendee, str], occurrence: Mapping[Attendee, str]
) -> dict[Attendee, str]:
    """The answers a new occurrence must take to show the series' answers.

    :param series: ``{attendee: state}`` of the occurrence the new one was
        copied from (the series' answers)
    :param occurrence: ``{attendee: state}`` of the new occurrence
    :return: ``{attendee: state}`` to write: the attendees of both whose answer
        differs (an attendee the new occurrence lacks is not added, an unknown
        state is not copied)
    """
    return {
        attendee: state
        for attendee, state in series.items()
        if state in ATTENDEE_STATES
        and attendee in occurrence
        and occurrence[attendee] != state
    }
