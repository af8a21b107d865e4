# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The emulator host of the takeover test: the migration test's host
(``tests_migration/emulator_host.py``) with what this test asks more of it.

    python tests_takeover/takeover_host.py --emulators DIR

Prints ``{"control": URL}`` and serves until its standard input closes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests_migration"))

import emulator_host
from emulator_host import Host


class TakeoverHost(Host):
    def expire_access_tokens(self):
        """Every access token handed out so far stops working: only a
        carried refresh token lets a sync go on."""
        self.google.expire_access_tokens()
        self.graph.expire_access_tokens()

    def odoo_module_hosts(self):
        """Where Odoo's own modules' requests go instead of the real hosts
        (``{origin: emulator base}``)."""
        google = self.google.base_url
        return {
            "https://www.googleapis.com": google,
            "https://accounts.google.com": google,
            **self.graph.url_mapping,
        }

    def google_delete(self, account, event_id):
        return self.google.delete_event(account, event_id)

    def graph_delete(self, account, event_id):
        return self.graph.delete_event(account, event_id)


def main() -> int:
    # the migration test's host main(), serving this host's operations
    emulator_host.Host = TakeoverHost
    return emulator_host.main()


if __name__ == "__main__":
    sys.exit(main())
