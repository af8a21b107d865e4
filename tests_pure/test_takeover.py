"""What the takeover reads from Odoo's own modules' ids (services.takeover)."""

from datetime import datetime

from services.takeover import (
    google_original_start,
    legacy_odoo_id,
    likely_pairs,
    pair_key,
)


def test_google_occurrence_id_names_its_original_slot_in_utc():
    assert google_original_start("abc123_20261201T090000Z") == datetime(
        2026, 12, 1, 9, 0
    )


def test_google_all_day_occurrence_id_names_the_day():
    assert google_original_start("abc123_20261201") == datetime(2026, 12, 1)


def test_an_id_without_a_slot_names_none():
    assert google_original_start("abc123") is None
    assert google_original_start("abc_20261341T090000Z") is None
    assert google_original_start(None) is None


def test_odoo_id_is_read_for_this_database_only():
    shared = {"prod_odoo_id": "42", "test_odoo_id": "7"}
    assert legacy_odoo_id(shared, "prod") == 42
    assert legacy_odoo_id(shared, "other") is None
    assert legacy_odoo_id({"prod_odoo_id": "x"}, "prod") is None
    assert legacy_odoo_id(None, "prod") is None


def test_likely_pairs_share_organizer_times_and_title_and_pair_once():
    start, stop = datetime(2026, 12, 7, 10), datetime(2026, 12, 7, 11)
    key = pair_key("Alice@Example.com ", start, stop, "Team  Sync")
    same = pair_key("alice@example.com", start, stop, "team sync")
    other = pair_key("alice@example.com", start, stop, "Other")
    assert key == same
    local = [(1, key), (2, key), (3, other)]
    remote = [("r1", same), ("r2", pair_key("bob@example.com", start, stop, "x"))]
    assert likely_pairs(local, remote) == [(1, "r1")]
