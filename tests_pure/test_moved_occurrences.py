"""Where occurrences moved alone came from when nothing recorded it
(services.recurrence.pair_moved_occurrences): the takeover of Odoo's Outlook
links, and a series found again after a push whose answer was lost."""

from datetime import date, datetime

from services.recurrence import pair_moved_occurrences

SLOTS = [datetime(2026, 12, d, 10) for d in (7, 14, 21, 28)]


def test_moved_occurrences_take_the_free_slots_in_order():
    taken = [SLOTS[0], SLOTS[2]]
    moved = [("b", datetime(2026, 12, 29, 9)), ("a", datetime(2026, 12, 15, 13))]
    assert pair_moved_occurrences(SLOTS, taken, moved) == {
        "a": SLOTS[1],
        "b": SLOTS[3],
    }


def test_a_moved_occurrence_without_a_free_slot_is_left_out():
    slots = [datetime(2026, 12, 7, 10)]
    moved = [("a", datetime(2026, 12, 8, 10)), ("b", datetime(2026, 12, 9, 10))]
    assert pair_moved_occurrences(slots, [], moved) == {"a": slots[0]}


def test_strictly_the_one_free_slot_is_the_moved_occurrences():
    taken = [SLOTS[0], SLOTS[1], SLOTS[3]]
    moved = [("a", datetime(2026, 12, 22, 15))]
    assert pair_moved_occurrences(SLOTS, taken, moved, strict=True) == {"a": SLOTS[2]}


def test_strictly_a_slot_left_by_another_occurrence_pairs_none():
    # an occurrence removed for good left a slot too: which one the moved
    # occurrence left is unknown
    taken = [SLOTS[0], SLOTS[3]]
    moved = [("a", datetime(2026, 12, 22, 15))]
    assert pair_moved_occurrences(SLOTS, taken, moved, strict=True) == {}


def test_strictly_a_slot_the_series_removed_is_taken():
    removed = [SLOTS[1]]
    taken = [SLOTS[0], SLOTS[3], *removed]
    moved = [("a", datetime(2026, 12, 22, 15))]
    assert pair_moved_occurrences(SLOTS, taken, moved, strict=True) == {"a": SLOTS[2]}


def test_all_day_slots_are_dates():
    slots = [date(2026, 12, d) for d in (7, 8, 9)]
    moved = [("a", date(2026, 12, 12))]
    assert pair_moved_occurrences(slots, slots[:2], moved, strict=True) == {
        "a": slots[2]
    }
