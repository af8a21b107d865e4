# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""One long-lived process holding the Google and Graph emulators of the
migration test, so that what the old version pushed is still there when the
upgraded one syncs (the Odoo runs are separate ``odoo-bin`` processes).

    python tests_migration/emulator_host.py --emulators DIR

``DIR`` is the tree whose ``emulators/`` package is used. The host prints one
JSON line (``{"control": "http://127.0.0.1:PORT/"}``) and serves until its
standard input closes. The scripts run in ``odoo-bin shell`` drive it through
:class:`Control`: each request is ``{"op", "args"}``; ``op`` names a method of
:class:`Host` (plain JSON in, plain JSON out).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
import traceback
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Control:
    """Client of the host, for the scripts run inside ``odoo-bin shell``."""

    def __init__(self, url: str):
        self.url = url

    def __getattr__(self, op: str):
        if op.startswith("_"):
            raise AttributeError(op)
        return lambda *args: self.call(op, *args)

    def call(self, op: str, *args):
        data = json.dumps({"op": op, "args": list(args)}, default=str).encode()
        request = urllib.request.Request(
            self.url, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RuntimeError(f"emulator host, {op}: {answer['error']}")
        return answer["result"]


#: Paths of the writes that create a remote event (Google insert, Graph POST).
def is_create(provider: str, method: str, path: str) -> bool:
    if method != "POST":
        return False
    if provider == "google":
        return path.rstrip("/").endswith("/events")
    return path.rstrip("/").lower().endswith(("/events", "/calendar/events"))


class Host:
    """The emulators and what the scripts may ask of them."""

    def __init__(self, google_module, graph_module):
        self.google_module = google_module
        self.google = google_module.GoogleEmulator()
        self.google.start()
        self.graph = graph_module.GraphEmulator()
        self.graph.start()

    def stop(self):
        self.google.stop()
        self.graph.stop()

    # ------------------------------------------------------------ setup
    def odoo_params(self):
        """The system parameters pointing Odoo at the emulators (as
        tests/common.py does)."""
        return {
            "calendar_sync.google_enabled": "True",
            "google_calendar_client_id": self.google_module.DEFAULT_CLIENT_ID,
            "google_calendar_client_secret": self.google_module.DEFAULT_CLIENT_SECRET,
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

    def google_tokens(self, email):
        return self.google.issue_tokens(email)

    def graph_tokens(self, email):
        tokens = self.graph.issue_tokens(email)
        return {**tokens, "lifetime": self.graph.access_token_lifetime}

    # ------------------------------------------------------------ remote side
    def google_add(self, account, body):
        return self.google.add_event(account, body)

    def google_update(self, account, event_id, patch):
        return self.google.update_event(account, event_id, patch)

    def google_get(self, account, event_id):
        return self.google.get_event(account, event_id)

    def google_events(self, account):
        return self.google.events(account)

    def graph_add(self, account, body, organizer=None):
        return self.graph.add_event(account, body, organizer)

    def graph_update(self, account, event_id, changes):
        return self.graph.update_event(account, event_id, changes)

    def graph_events(self, account):
        return self.graph.events(account)

    def graph_instances(self, account, event_id):
        now = datetime.now(timezone.utc)
        return self.graph.instances(
            account, event_id, now - timedelta(days=365), now + timedelta(days=730)
        )

    # ------------------------------------------------------------ introspection
    def mark(self):
        """Where the request and mail logs stand now."""
        return {
            "google": len(self.google.requests),
            "graph": len(self.graph.requests),
            "graph_mail": len(self.graph.invitations),
        }

    def writes(self, since):
        """The API writes since ``since`` (a :meth:`mark`), batch items one by
        one: provider, method, path, sendUpdates (Google), status, create."""
        out = []
        for record in list(self.google.requests)[since["google"] :]:
            path = record["path"]
            if record["method"] == "GET" or not path.startswith("/calendar/v3/"):
                continue
            out.append(
                {
                    "provider": "google",
                    "method": record["method"],
                    "path": path,
                    "sendUpdates": record.get("sendUpdates"),
                    "status": record.get("status"),
                    "account": record.get("account"),
                }
            )
        for record in list(self.graph.requests)[since["graph"] :]:
            path = record.path
            if record.method == "GET" or not path.lower().startswith("/v1.0/"):
                continue
            if path.lower().endswith("/$batch"):
                continue  # its items are recorded one by one
            out.append(
                {
                    "provider": "graph",
                    "method": record.method,
                    "path": path,
                    "sendUpdates": None,
                    "status": record.status,
                    "account": None,
                }
            )
        for item in out:
            item["create"] = is_create(item["provider"], item["method"], item["path"])
        return out

    def mails(self, since):
        """What the Graph emulator mailed since ``since`` (a :meth:`mark`)."""
        return list(self.graph.invitations)[since["graph_mail"] :]

    def snapshot(self):
        """Every calendar of both emulators: ids, etags, iCalUIDs, counts."""
        google = {}
        for account in sorted(self.google.accounts):
            events = self.google.events(account, include_cancelled=True)
            google[account] = [
                {
                    key: event.get(key)
                    for key in (
                        "id",
                        "etag",
                        "iCalUID",
                        "status",
                        "summary",
                        "recurringEventId",
                        "recurrence",
                    )
                }
                for event in events
            ]
        graph = {}
        for account in sorted(self.graph.accounts):
            events = self.graph.events(account)
            graph[account] = [
                {
                    "id": event.get("id"),
                    "etag": event.get("@odata.etag"),
                    "changeKey": event.get("changeKey"),
                    "iCalUId": event.get("iCalUId"),
                    "type": event.get("type"),
                    "subject": event.get("subject"),
                    "instances": [
                        {"id": i.get("id"), "type": i.get("type")}
                        for i in self.graph_instances(account, event["id"])
                    ]
                    if event.get("type") == "seriesMaster"
                    else [],
                }
                for event in events
            ]
        return {"google": google, "graph": graph}


def _handler(host):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            try:
                method = getattr(host, request["op"])
                answer = {"result": method(*request.get("args") or [])}
            except Exception:  # noqa: BLE001 - reported to the caller
                answer = {"error": traceback.format_exc()}
            body = json.dumps(answer, default=_plain).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            return

    return Handler


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulators", required=True, help="tree with emulators/")
    args = parser.parse_args()
    sys.path.insert(0, args.emulators)
    from emulators import google_emulator, graph_emulator

    host = Host(google_emulator, graph_emulator)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    sys.stdout.write(json.dumps({"control": url}) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # until the test runner closes it (or exits)
    server.shutdown()
    host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
