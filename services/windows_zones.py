"""Windows ⇄ IANA time zone names: CLDR's windowsZones table
===========================================================

The table is generated data in ``services/data/windows_zones.json`` (read once,
at import), from the sources below; do not edit it by hand (the recipe is at the
end of this docstring). The file carries the Unicode License v3 notice of
CLDR's data under its ``"license"`` key.

Microsoft Graph names zones by their Windows IDs ("Cen. Australia Standard
Time") in ``originalStartTimeZone``, ``originalEndTimeZone`` and
``recurrenceTimeZone``; Odoo and pytz speak IANA. This module is the complete
mapping, both ways, and imports nothing of the addon.

Public API:

* :func:`windows_to_iana`: the canonical IANA zone of a Windows ID (CLDR's
  territory "001" entry, which may be a tz ``backward`` name such as
  ``Asia/Calcutta`` or ``Europe/Kiev``), or None.
* :func:`iana_to_windows`: the Windows ID of every IANA zone CLDR lists for any
  territory, and of the tz aliases of those (``Asia/Kolkata`` and
  ``Asia/Calcutta``, ``Europe/Kyiv`` and ``Europe/Kiev``), or None.
* :data:`ZONES` (Windows ID → its IANA names, the canonical one first),
  :data:`WINDOWS_TO_IANA`, :data:`IANA_TO_WINDOWS`, :data:`CLDR_VERSION`.

Both lookups ignore case and surrounding spaces.

Sources
-------

* Unicode CLDR 48, ``common/supplemental/windowsZones.xml``, read from its JSON
  form in the npm package ``cldr-core`` 48.2.0 (``supplemental/windowsZones.json``):
  139 Windows IDs, 445 IANA zones. Copyright © 2004-2026 Unicode, Inc., Unicode
  License v3 (``SPDX-License-Identifier: Unicode-3.0``), whose notice the data
  file carries.
* CLDR's main branch after release 48, as carried by ``tzlocal`` 5.4.5
  (PyPI, 2026-10; its ``tzlocal/windows_tz.py`` is generated from CLDR main;
  tzlocal is MIT-licensed, Copyright 2011-2017 Lennart Regebro; only CLDR's facts
  are taken, no code): the Windows IDs of 2026 "Alberta Standard Time",
  "British Columbia Standard Time" and "Manitoba Standard Time", which take
  ``America/Edmonton`` and ``America/Inuvik``, ``America/Vancouver``, and
  ``America/Winnipeg`` from the Mountain, Pacific and Central IDs (in pytz
  2026.6 those zones keep summer time all year from late 2026, unlike the US
  zones). Where both tables name a zone, they agree.
* tz aliases: the ``Link`` lines of pytz 2026.6's ``zoneinfo/tzdata.zi`` (the tz
  database, public domain). A name CLDR does not list takes the Windows ID of
  the zone it links to, or of the CLDR-listed aliases of that zone when they
  agree (147 names, e.g. ``Asia/Kolkata``, ``Europe/Kyiv``, ``US/Pacific``).

No Windows ID: ``Antarctica/Troll`` and the POSIX-rule zones ``CST6CDT``,
``EST5EDT``, ``MST7MDT``, ``PST8PDT`` (not in CLDR).

Recipe: ``npm pack cldr-core@48.2.0`` and ``pip download --no-deps tzlocal``;
for each ``mapZone`` record every name of ``_type`` under ``_other`` and the
territory "001" name as the ID's canonical zone; add tzlocal's ``win_tz`` IDs
missing from CLDR and the ``tz_win`` owners that differ; add the tz aliases as
said above; write the ``"zones"`` object, one line per ID, sorted
case-insensitively, the canonical zone first and the other names sorted.
"""

from __future__ import annotations

import json
from pathlib import Path

#: CLDR release of the table (plus the main-branch changes said above).
CLDR_VERSION = "48"

_DATA = Path(__file__).parent / "data" / "windows_zones.json"

#: Windows ID -> its IANA names: CLDR's canonical ("001") zone first, then the
#: zones CLDR maps to the ID in any territory and their tz aliases, sorted.
ZONES: dict[str, tuple[str, ...]] = {
    win: tuple(names)
    for win, names in json.loads(_DATA.read_text(encoding="utf-8"))["zones"].items()
}

#: Windows ID -> canonical IANA zone (CLDR's territory "001").
WINDOWS_TO_IANA: dict[str, str] = {win: names[0] for win, names in ZONES.items()}

#: IANA zone or alias -> Windows ID.
IANA_TO_WINDOWS: dict[str, str] = {
    name: win for win, names in ZONES.items() for name in names
}

_WINDOWS_FOLDED = {win.casefold(): win for win in WINDOWS_TO_IANA}
_IANA_FOLDED = {name.casefold(): name for name in IANA_TO_WINDOWS}


def _lookup(name: str | None, folded: dict[str, str]) -> str | None:
    return folded.get(name.strip().casefold()) if name else None


def windows_to_iana(name: str | None) -> str | None:
    """The canonical IANA zone of the Windows zone ID ``name``, or None."""
    win = _lookup(name, _WINDOWS_FOLDED)
    return WINDOWS_TO_IANA[win] if win else None


def iana_to_windows(name: str | None) -> str | None:
    """The Windows zone ID of the IANA zone (or tz alias) ``name``, or None."""
    iana = _lookup(name, _IANA_FOLDED)
    return IANA_TO_WINDOWS[iana] if iana else None
