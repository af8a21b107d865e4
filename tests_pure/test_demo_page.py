"""The demo's page (emulators/demo.py): what it lists, and the changes it makes
"in Google" and "in Outlook" through its forms, over real HTTP."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest
import requests

from emulators.demo import GOOGLE, OUTLOOK, DemoSides, _handler

ALICE, BOB = "alice@demo.example", "bob@demo.example"


@pytest.fixture
def demo():
    sides = DemoSides("127.0.0.1", (0, 0), [ALICE, BOB], "Europe/Brussels")
    sides.start()
    sides.seed()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sides, "http://odoo"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield sides, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    sides.stop()


def test_page_lists_each_accounts_google_and_outlook_events(demo):
    _sides, url = demo
    page = requests.get(url + "/", timeout=10).text
    assert "Google and Outlook are simulated on this machine" in page
    assert "Lunch with Carla (from Google)" in page
    assert "Budget review (from Outlook)" in page


def test_page_adds_renames_and_deletes_events_on_either_side(demo):
    sides, url = demo
    for side in (GOOGLE, OUTLOOK):
        form = {
            "side": side,
            "account": BOB,
            "title": "Added",
            "start": "2030-01-07T10:00",
        }
        assert requests.post(url + "/add", data=form, timeout=10).ok
        (added,) = (e for e in sides.events(side, BOB) if e["title"] == "Added")
        assert added["start"] == "2030-01-07 10:00"
        form = {
            "side": side,
            "account": BOB,
            "id": added["id"],
            "title": "Renamed",
            "start": "2030-01-08T11:30",
        }
        assert requests.post(url + "/update", data=form, timeout=10).ok
        (renamed,) = (e for e in sides.events(side, BOB) if e["id"] == added["id"])
        assert (renamed["title"], renamed["start"]) == ("Renamed", "2030-01-08 11:30")
        form = {"side": side, "account": BOB, "id": added["id"]}
        assert requests.post(url + "/delete", data=form, timeout=10).ok
        assert added["id"] not in [e["id"] for e in sides.events(side, BOB)]


def test_page_refuses_an_account_that_is_not_a_demo_user(demo):
    _sides, url = demo
    form = {
        "side": GOOGLE,
        "account": "mallory@example.com",
        "title": "x",
        "start": "2030-01-07T10:00",
    }
    assert requests.post(url + "/add", data=form, timeout=10).status_code == 400
