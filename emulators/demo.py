"""The demo's Google and Outlook: both emulators and a page to change their calendars
===================================================================================

``./run-odoo --demo`` starts this process beside Odoo::

    python -m emulators.demo --port 8780 --account alice@demo.example ...

It serves the Google emulator on ``port + 1``, the Microsoft identity platform and
Graph emulator on ``port + 2``, and on ``port`` a small page where the person trying
the addon plays "the other side": it lists the events each demo account has in
Google and in Outlook, and adds, renames, moves and deletes them, as if done in
Google Calendar or in Outlook. Both consent pages ask (no auto-consent), so the
sign-in looks as it does for real.

Once serving, it prints one JSON line on standard output: ``{"page": ...,
"params": {...}}``, the system parameters that point Odoo at the emulators (as
``tests/common.py`` sets them), then serves until interrupted. Everything lives in
memory: a new start is an empty Google and Outlook (``./run-odoo --demo``
recreates the demo database with it).
"""

from __future__ import annotations

import argparse
import html
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from .google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, GoogleEmulator
from .graph_emulator import GraphEmulator

GOOGLE, OUTLOOK = "google", "outlook"
LABELS = {GOOGLE: "Google Calendar", OUTLOOK: "Outlook"}


class DemoSides:
    """The two emulators and what the demo page does with them."""

    def __init__(self, host: str, ports: tuple, accounts: list[str], tz: str):
        """``ports``: (Google's, Outlook's); 0 takes a free one."""
        google_port, graph_port = ports
        self.google = GoogleEmulator(
            default_account=accounts[0], host=host, port=google_port
        )
        self.graph = GraphEmulator(host, graph_port, default_account=accounts[0])
        self.accounts = [a.strip().lower() for a in accounts]
        self.tz = tz

    def start(self) -> None:
        self.google.start()
        self.graph.start()
        for account in self.accounts:
            self.google.add_account(account, self.tz)
            self.graph.account(account)

    def stop(self) -> None:
        self.google.stop()
        self.graph.stop()

    def odoo_params(self) -> dict:
        """The system parameters pointing Odoo at the emulators."""
        return {
            "calendar_sync.google_enabled": "True",
            "google_calendar_client_id": DEFAULT_CLIENT_ID,
            "google_calendar_client_secret": DEFAULT_CLIENT_SECRET,
            "calendar_sync.google_auth_uri": self.google.auth_uri,
            "calendar_sync.google_token_uri": self.google.token_uri,
            "calendar_sync.google_revoke_uri": self.google.revoke_uri,
            "calendar_sync.google_api_root": self.google.api_root,
            "calendar_sync.microsoft_enabled": "True",
            "microsoft_calendar_client_id": self.graph.client_id,
            "microsoft_calendar_client_secret": self.graph.client_secret,
            "calendar_sync.microsoft_tenant": "common",
            "calendar_sync.microsoft_host_map": json.dumps(self.graph.url_mapping),
        }

    # ------------------------------------------------------------ the calendars
    def seed(self) -> None:
        """A few events already in the demo accounts' Google and Outlook."""
        today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        first = self.accounts[0]
        self.add(
            GOOGLE,
            first,
            "Lunch with Carla (from Google)",
            today + timedelta(days=1, hours=12),
            60,
        )
        self.add(
            GOOGLE, first, "Gym (from Google)", today + timedelta(days=2, hours=18), 60
        )
        last = self.accounts[-1]
        self.add(
            OUTLOOK,
            last,
            "Budget review (from Outlook)",
            today + timedelta(days=1, hours=14),
            60,
        )
        self.add(
            OUTLOOK,
            last,
            "Call with supplier (from Outlook)",
            today + timedelta(days=3, hours=10),
            30,
        )

    def _times(self, side: str, start: datetime, minutes: int) -> dict:
        end = start + timedelta(minutes=minutes)
        return {
            "start": {
                "dateTime": start.isoformat(timespec="seconds"),
                "timeZone": self.tz,
            },
            "end": {"dateTime": end.isoformat(timespec="seconds"), "timeZone": self.tz},
        }

    def add(self, side: str, account: str, title: str, start: datetime, minutes: int):
        body = self._times(side, start, minutes)
        if side == GOOGLE:
            return self.google.add_event(account, {"summary": title, **body})
        return self.graph.add_event(account, {"subject": title, **body})

    def update(
        self, side: str, account: str, event_id: str, title: str, start, minutes
    ):
        changes = self._times(side, start, minutes) if start else {}
        if title:
            changes["summary" if side == GOOGLE else "subject"] = title
        if side == GOOGLE:
            return self.google.update_event(account, event_id, changes)
        return self.graph.update_event(account, event_id, changes)

    def delete(self, side: str, account: str, event_id: str) -> None:
        if side == GOOGLE:
            self.google.delete_event(account, event_id)
        else:
            self.graph.delete_event(account, event_id)

    def events(self, side: str, account: str) -> list[dict]:
        """``{id, title, start}`` of an account's events, by start."""
        if side == GOOGLE:
            raw = [
                (e["id"], e.get("summary"), e.get("start") or {})
                for e in self.google.events(account)
            ]
        else:
            raw = [
                (e["id"], e.get("subject"), e.get("start") or {})
                for e in self.graph.events(account)
                if e.get("type") != "occurrence"
            ]
        rows = [
            {
                "id": event_id,
                "title": title or "(no title)",
                "start": self._local(start),
            }
            for event_id, title, start in raw
        ]
        return sorted(rows, key=lambda row: row["start"])

    def _local(self, start: dict) -> str:
        """An event's start as "YYYY-MM-DD HH:MM" in the demo's zone."""
        if start.get("date"):
            return start["date"]
        when = datetime.fromisoformat(start.get("dateTime", "")[:19])
        if "+" in start["dateTime"][19:] or start["dateTime"].endswith("Z"):
            when = datetime.fromisoformat(start["dateTime"].replace("Z", "+00:00"))
        else:
            when = when.replace(tzinfo=ZoneInfo(start.get("timeZone") or "UTC"))
        return when.astimezone(ZoneInfo(self.tz)).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- the page
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Demo: Google and Outlook on this machine</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; max-width: 70em; }}
.note {{ background: #fff3cd; padding: .6em 1em; border-radius: 4px; }}
table {{ border-collapse: collapse; margin-bottom: 1em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3em .6em; text-align: left; }}
form.inline {{ display: inline; }}
h2 {{ margin-top: 1.5em; }}
</style></head>
<body>
<h1>Demo: Google and Outlook are simulated on this machine</h1>
<p class="note">Change an event here as if you did it in Google Calendar or in Outlook,
then open (or reload) Odoo's calendar: it syncs when the calendar opens, and every
15 minutes. Changes made in Odoo show here once synced.
<a href="{odoo}">Back to Odoo</a></p>
{sections}
<h2>Add an event</h2>
<form method="post" action="/add" id="demo-add">
  <select name="side"><option value="google">Google Calendar</option>
  <option value="outlook">Outlook</option></select>
  <select name="account">{account_options}</select>
  <input name="title" placeholder="Title" required>
  <input name="start" type="datetime-local" value="{default_start}" required>
  <input name="minutes" type="number" value="60" min="5" step="5" style="width:5em"> min
  <button type="submit">Add</button>
</form>
<p><small>Times are in {tz}. Nothing here is kept when the demo stops.</small></p>
</body></html>
"""


def render_page(sides: DemoSides, odoo_url: str) -> str:
    esc = html.escape
    sections = []
    for side in (GOOGLE, OUTLOOK):
        for account in sides.accounts:
            rows = "".join(
                "<tr><td>{start}</td><td>"
                '<form class="inline" method="post" action="/update">'
                '<input type="hidden" name="side" value="{side}">'
                '<input type="hidden" name="account" value="{account}">'
                '<input type="hidden" name="id" value="{id}">'
                '<input name="title" value="{title}" size="30"> '
                '<input name="start" type="datetime-local" value="{start_value}"> '
                '<button type="submit">Save</button></form> '
                '<form class="inline" method="post" action="/delete">'
                '<input type="hidden" name="side" value="{side}">'
                '<input type="hidden" name="account" value="{account}">'
                '<input type="hidden" name="id" value="{id}">'
                '<button type="submit">Delete</button></form>'
                "</td></tr>".format(
                    start=esc(event["start"]),
                    start_value=esc(event["start"].replace(" ", "T")),
                    side=side,
                    account=esc(account),
                    id=esc(event["id"]),
                    title=esc(event["title"]),
                )
                for event in sides.events(side, account)
            )
            sections.append(
                f"<h2>{esc(LABELS[side])} of {esc(account)}</h2>"
                + (f"<table>{rows}</table>" if rows else "<p>No events.</p>")
            )
    options = "".join(f"<option>{esc(a)}</option>" for a in sides.accounts)
    tomorrow = (datetime.now() + timedelta(days=1)).replace(hour=9, minute=0)
    return PAGE.format(
        odoo=esc(odoo_url),
        sections="\n".join(sections),
        account_options=options,
        default_start=tomorrow.strftime("%Y-%m-%dT%H:%M"),
        tz=esc(sides.tz),
    )


def _handler(sides: DemoSides, odoo_url: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if urlsplit(self.path).path != "/":
                self.send_error(404)
                return
            self._send(200, render_page(sides, odoo_url))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {
                k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()
            }
            action = urlsplit(self.path).path
            side, account = form.get("side"), (form.get("account") or "").lower()
            if side not in LABELS or account not in sides.accounts:
                self._send(400, "Unknown calendar.")
                return
            try:
                start = (
                    datetime.fromisoformat(form["start"]) if form.get("start") else None
                )
                minutes = int(form.get("minutes") or 60)
                if action == "/add" and start:
                    sides.add(
                        side, account, form.get("title") or "New event", start, minutes
                    )
                elif action == "/update":
                    sides.update(
                        side, account, form["id"], form.get("title"), start, minutes
                    )
                elif action == "/delete":
                    sides.delete(side, account, form["id"])
                else:
                    self._send(404, "Unknown action.")
                    return
            except Exception as exc:  # noqa: BLE001 - shown to the person trying
                self._send(400, f"Not done: {html.escape(str(exc))}")
                return
            self.send_response(303)
            self.send_header("Location", "/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            return

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8780, help="the demo page")
    parser.add_argument("--account", action="append", required=True)
    parser.add_argument("--tz", default="Europe/Brussels")
    parser.add_argument("--odoo", default="http://localhost:8069/odoo/calendar")
    args = parser.parse_args(argv)
    ports = (args.port + 1, args.port + 2)
    sides = DemoSides(args.host, ports, args.account, args.tz)
    sides.start()
    sides.seed()
    server = ThreadingHTTPServer((args.host, args.port), _handler(sides, args.odoo))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = f"http://{args.host}:{args.port}/"
    # a command-line tool: its output is read by ./run-odoo
    print(json.dumps({"page": page, "params": sides.odoo_params()}), flush=True)  # pylint: disable=print-used
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return  # stopped by the person who started it
    finally:
        server.shutdown()
        sides.stop()


if __name__ == "__main__":
    main()
