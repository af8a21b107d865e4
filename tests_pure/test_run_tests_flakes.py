"""The test command runs again, once, only the tests a flake of the machine
broke: a real failure or skip is never retried (tools/odoo_suite.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from odoo_suite import environment_flakes

PREFIX = "2026-12-01 10:00:00,000 1 "
BROWSER_SKIP = (
    PREFIX + "INFO db odoo.addons.calendar.tests.test_calendar: skipped "
    "TestCalendarTours.test_calendar_decline_tour : "
    "Failed to detect chrome devtools port after 10.0s. "
)
OTHER_SKIP = (
    PREFIX + "INFO db odoo.addons.calendar_sync.tests.test_tour: skipped "
    "TestTour.test_tour : websocket-client module is not installed"
)
FAILURE = (
    PREFIX + "ERROR db odoo.addons.calendar_sync.tests.test_sync: "
    "FAIL: TestSync.test_rule"
)
AST_BUG = (
    PREFIX + "ERROR db odoo.x: SystemError: AST constructor recursion depth mismatch"
)


def test_a_tour_skipped_because_chromium_started_too_slowly_runs_again():
    log = f"noise\n{BROWSER_SKIP}\nnoise"
    assert environment_flakes(log, {"failed": 0}) == [
        "/calendar:TestCalendarTours.test_calendar_decline_tour"
    ]


def test_a_tour_skipped_for_another_reason_is_not_retried():
    log = f"{BROWSER_SKIP}\n{OTHER_SKIP}"
    assert environment_flakes(log, {"failed": 0}) == []


def test_a_class_skipped_beside_a_slow_browser_retries_nothing():
    class_skip = PREFIX + "INFO db odoo.addons.x.tests.test_y: skipped TestY : no"
    assert environment_flakes(f"{BROWSER_SKIP}\n{class_skip}", {"failed": 0}) == []


def test_a_real_failure_is_never_retried_even_beside_a_slow_browser():
    log = f"{BROWSER_SKIP}\n{FAILURE}"
    assert environment_flakes(log, {"failed": 1}) == []


def test_a_failure_of_the_interpreters_bug_runs_again_with_the_skipped_tour():
    log = f"{AST_BUG}\n{FAILURE}\n{BROWSER_SKIP}"
    assert environment_flakes(log, {"failed": 1}) == [
        "/calendar:TestCalendarTours.test_calendar_decline_tour",
        "/calendar_sync:TestSync.test_rule",
    ]


def test_failures_the_log_does_not_name_are_not_retried():
    log = f"{AST_BUG}\n{FAILURE}"
    assert environment_flakes(log, {"failed": 2}) == []


def test_a_clean_run_retries_nothing():
    assert environment_flakes("all good", {"failed": 0}) == []
