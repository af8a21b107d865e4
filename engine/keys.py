# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Typed keys of the items a run plans and writes (hashable, comparable).

The planner treats keys as opaque; the engine knows what each one stands for.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class EventKey:
    """A single event, or an occurrence that differs from its series."""

    id: int


@dataclass(frozen=True)
class SeriesKey:
    """A series (``calendar.recurrence``) as a whole."""

    id: int


@dataclass(frozen=True)
class AnswerKey:
    """The account user's answer to remote item ``remote_id``."""

    remote_id: str


@dataclass(frozen=True)
class InstanceKey:
    """One occurrence slot of series ``series_id`` (e.g. one the provider has
    and Odoo does not, to delete)."""

    series_id: int
    original: date | datetime
