"""Time zones, date-time wire formats and Outlook recurrence expansion (Graph emulator)
====================================================================================

Helpers of :mod:`emulators.graph_emulator`; they play the Outlook side only.

* :func:`resolve_zone` accepts an IANA or a Windows zone name (Graph accepts both; the
  complete CLDR table, :data:`WINDOWS_TO_IANA`) and returns a ``ZoneInfo``;
  :func:`windows_name` gives the Windows name Graph reports in
  ``originalStartTimeZone`` / ``recurrenceTimeZone`` (:data:`IANA_TO_WINDOWS`, every
  IANA zone CLDR maps and its tz aliases). :func:`custom_zone` names a zone of custom
  rules set in desktop Outlook, which Graph reports as :data:`CUSTOM_ZONE`.
* :func:`format_graph_datetime` writes Graph's ``dateTime`` strings (7 fractional
  digits, no offset); :func:`format_timestamp` writes ``createdDateTime`` style
  stamps (7 fractional digits and ``Z``).
* :func:`expand_dates` expands a ``patternedRecurrence`` into occurrence dates with
  **Outlook's** meaning, which differs from RFC 5545 on days a month lacks: an
  absolute monthly pattern on day 31 falls on the last day of shorter months, and a
  yearly Feb 29 series falls on Feb 28 in common years (api-notes §3.4). A weekly
  pattern counts its ``interval`` in weeks that start on ``firstDayOfWeek``
  (sunday when left out, Graph's default), as RFC 5545 counts them from ``WKST``.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

#: What Graph reports for a zone of custom rules set in desktop Outlook.
CUSTOM_ZONE = "tzone://Microsoft/Custom"

# CLDR 48 windowsZones with CLDR main's 2026 Canadian IDs and the tz aliases:
# the data of services/data/windows_zones.json (sources in
# services/windows_zones.py, the Unicode license in the JSON), kept apart
# because the emulators never import services
# (tests_pure/test_windows_zones.py checks that the two agree). One Windows ID
# a line, " = ", then its IANA names, CLDR's "001" zone first; an indented line
# continues the names of the line above.
_CLDR_WINDOWS_ZONES = """
Afghanistan Standard Time = Asia/Kabul
Alaskan Standard Time = America/Anchorage America/Juneau America/Metlakatla America/Nome
    America/Sitka America/Yakutat US/Alaska
Alberta Standard Time = America/Edmonton America/Inuvik America/Yellowknife
    Canada/Mountain
Aleutian Standard Time = America/Adak America/Atka US/Aleutian
Altai Standard Time = Asia/Barnaul
Arab Standard Time = Asia/Riyadh Asia/Aden Asia/Bahrain Asia/Kuwait Asia/Qatar
Arabian Standard Time = Asia/Dubai Asia/Muscat Etc/GMT-4
Arabic Standard Time = Asia/Baghdad
Argentina Standard Time = America/Buenos_Aires America/Argentina/Buenos_Aires
    America/Argentina/Catamarca America/Argentina/ComodRivadavia
    America/Argentina/Cordoba America/Argentina/Jujuy America/Argentina/La_Rioja
    America/Argentina/Mendoza America/Argentina/Rio_Gallegos America/Argentina/Salta
    America/Argentina/San_Juan America/Argentina/San_Luis America/Argentina/Tucuman
    America/Argentina/Ushuaia America/Catamarca America/Cordoba America/Jujuy
    America/Mendoza America/Rosario
Astrakhan Standard Time = Europe/Astrakhan Europe/Ulyanovsk
Atlantic Standard Time = America/Halifax America/Glace_Bay America/Goose_Bay
    America/Moncton America/Thule Atlantic/Bermuda Canada/Atlantic
AUS Central Standard Time = Australia/Darwin Australia/North
Aus Central W. Standard Time = Australia/Eucla
AUS Eastern Standard Time = Australia/Sydney Australia/ACT Australia/Canberra
    Australia/Melbourne Australia/NSW Australia/Victoria
Azerbaijan Standard Time = Asia/Baku
Azores Standard Time = Atlantic/Azores America/Scoresbysund
Bahia Standard Time = America/Bahia
Bangladesh Standard Time = Asia/Dhaka Asia/Dacca Asia/Thimbu Asia/Thimphu
Belarus Standard Time = Europe/Minsk
Bougainville Standard Time = Pacific/Bougainville
British Columbia Standard Time = America/Vancouver Canada/Pacific
Canada Central Standard Time = America/Regina America/Swift_Current Canada/Saskatchewan
Cape Verde Standard Time = Atlantic/Cape_Verde Etc/GMT+1
Caucasus Standard Time = Asia/Yerevan
Cen. Australia Standard Time = Australia/Adelaide Australia/Broken_Hill Australia/South
    Australia/Yancowinna
Central America Standard Time = America/Guatemala America/Belize America/Costa_Rica
    America/El_Salvador America/Managua America/Tegucigalpa Etc/GMT+6 Pacific/Galapagos
Central Asia Standard Time = Asia/Bishkek Antarctica/Vostok Asia/Kashgar Asia/Urumqi
    Etc/GMT-6 Indian/Chagos
Central Brazilian Standard Time = America/Cuiaba America/Campo_Grande
Central Europe Standard Time = Europe/Budapest Europe/Belgrade Europe/Bratislava
    Europe/Ljubljana Europe/Podgorica Europe/Prague Europe/Tirane
Central European Standard Time = Europe/Warsaw Europe/Sarajevo Europe/Skopje
    Europe/Zagreb Poland
Central Pacific Standard Time = Pacific/Guadalcanal Antarctica/Casey Etc/GMT-11
    Pacific/Efate Pacific/Kosrae Pacific/Noumea Pacific/Pohnpei Pacific/Ponape
Central Standard Time = America/Chicago America/Indiana/Knox America/Indiana/Tell_City
    America/Knox_IN America/Matamoros America/Menominee America/North_Dakota/Beulah
    America/North_Dakota/Center America/North_Dakota/New_Salem America/Ojinaga
    America/Rankin_Inlet America/Resolute US/Central US/Indiana-Starke
Central Standard Time (Mexico) = America/Mexico_City America/Bahia_Banderas
    America/Chihuahua America/Merida America/Monterrey Mexico/General
Chatham Islands Standard Time = Pacific/Chatham NZ-CHAT
China Standard Time = Asia/Shanghai Asia/Chongqing Asia/Chungking Asia/Harbin
    Asia/Hong_Kong Asia/Macao Asia/Macau Hongkong PRC
Cuba Standard Time = America/Havana Cuba
Dateline Standard Time = Etc/GMT+12
E. Africa Standard Time = Africa/Nairobi Africa/Addis_Ababa Africa/Asmara Africa/Asmera
    Africa/Dar_es_Salaam Africa/Djibouti Africa/Kampala Africa/Mogadishu
    Antarctica/Syowa Etc/GMT-3 Indian/Antananarivo Indian/Comoro Indian/Mayotte
E. Australia Standard Time = Australia/Brisbane Australia/Lindeman Australia/Queensland
E. Europe Standard Time = Europe/Chisinau Europe/Tiraspol
E. South America Standard Time = America/Sao_Paulo Brazil/East
Easter Island Standard Time = Pacific/Easter Chile/EasterIsland
Eastern Standard Time = America/New_York America/Detroit America/Indiana/Petersburg
    America/Indiana/Vincennes America/Indiana/Winamac America/Iqaluit
    America/Kentucky/Louisville America/Kentucky/Monticello America/Louisville
    America/Montreal America/Nassau America/Nipigon America/Pangnirtung
    America/Thunder_Bay America/Toronto Canada/Eastern US/Eastern US/Michigan
Eastern Standard Time (Mexico) = America/Cancun
Egypt Standard Time = Africa/Cairo Egypt
Ekaterinburg Standard Time = Asia/Yekaterinburg
Fiji Standard Time = Pacific/Fiji
FLE Standard Time = Europe/Kiev Europe/Helsinki Europe/Kyiv Europe/Mariehamn Europe/Riga
    Europe/Sofia Europe/Tallinn Europe/Uzhgorod Europe/Vilnius Europe/Zaporozhye
Georgian Standard Time = Asia/Tbilisi
GMT Standard Time = Europe/London Atlantic/Canary Atlantic/Faeroe Atlantic/Faroe
    Atlantic/Madeira Eire Europe/Belfast Europe/Dublin Europe/Guernsey
    Europe/Isle_of_Man Europe/Jersey Europe/Lisbon GB GB-Eire Portugal WET
Greenland Standard Time = America/Godthab America/Nuuk
Greenwich Standard Time = Atlantic/Reykjavik Africa/Abidjan Africa/Accra Africa/Bamako
    Africa/Banjul Africa/Bissau Africa/Conakry Africa/Dakar Africa/Freetown Africa/Lome
    Africa/Monrovia Africa/Nouakchott Africa/Ouagadougou Africa/Timbuktu
    America/Danmarkshavn Atlantic/St_Helena Iceland
GTB Standard Time = Europe/Bucharest Asia/Famagusta Asia/Nicosia EET Europe/Athens
    Europe/Nicosia
Haiti Standard Time = America/Port-au-Prince
Hawaiian Standard Time = Pacific/Honolulu Etc/GMT+10 HST Pacific/Johnston
    Pacific/Rarotonga Pacific/Tahiti US/Hawaii
India Standard Time = Asia/Calcutta Asia/Kolkata
Iran Standard Time = Asia/Tehran Iran
Israel Standard Time = Asia/Jerusalem Asia/Tel_Aviv Israel
Jordan Standard Time = Asia/Amman
Kaliningrad Standard Time = Europe/Kaliningrad
Korea Standard Time = Asia/Seoul ROK
Libya Standard Time = Africa/Tripoli Libya
Line Islands Standard Time = Pacific/Kiritimati Etc/GMT-14
Lord Howe Standard Time = Australia/Lord_Howe Australia/LHI
Magadan Standard Time = Asia/Magadan
Magallanes Standard Time = America/Punta_Arenas America/Coyhaique
Manitoba Standard Time = America/Winnipeg America/Rainy_River Canada/Central
Marquesas Standard Time = Pacific/Marquesas
Mauritius Standard Time = Indian/Mauritius Indian/Mahe Indian/Reunion
Middle East Standard Time = Asia/Beirut
Montevideo Standard Time = America/Montevideo
Morocco Standard Time = Africa/Casablanca Africa/El_Aaiun
Mountain Standard Time = America/Denver America/Boise America/Cambridge_Bay
    America/Ciudad_Juarez America/Shiprock Navajo US/Mountain
Mountain Standard Time (Mexico) = America/Mazatlan Mexico/BajaSur
Myanmar Standard Time = Asia/Rangoon Asia/Yangon Indian/Cocos
N. Central Asia Standard Time = Asia/Novosibirsk
Namibia Standard Time = Africa/Windhoek
Nepal Standard Time = Asia/Katmandu Asia/Kathmandu
New Zealand Standard Time = Pacific/Auckland Antarctica/McMurdo Antarctica/South_Pole NZ
Newfoundland Standard Time = America/St_Johns Canada/Newfoundland
Norfolk Standard Time = Pacific/Norfolk
North Asia East Standard Time = Asia/Irkutsk
North Asia Standard Time = Asia/Krasnoyarsk Asia/Novokuznetsk
North Korea Standard Time = Asia/Pyongyang
Omsk Standard Time = Asia/Omsk
Pacific SA Standard Time = America/Santiago Chile/Continental
Pacific Standard Time = America/Los_Angeles US/Pacific
Pacific Standard Time (Mexico) = America/Tijuana America/Ensenada America/Santa_Isabel
    Mexico/BajaNorte
Pakistan Standard Time = Asia/Karachi
Paraguay Standard Time = America/Asuncion
Qyzylorda Standard Time = Asia/Qyzylorda
Romance Standard Time = Europe/Paris Africa/Ceuta CET Europe/Brussels Europe/Copenhagen
    Europe/Madrid MET
Russia Time Zone 10 = Asia/Srednekolymsk
Russia Time Zone 11 = Asia/Kamchatka Asia/Anadyr
Russia Time Zone 3 = Europe/Samara
Russian Standard Time = Europe/Moscow Europe/Kirov Europe/Simferopol W-SU
SA Eastern Standard Time = America/Cayenne America/Belem America/Fortaleza
    America/Maceio America/Paramaribo America/Recife America/Santarem Antarctica/Palmer
    Antarctica/Rothera Atlantic/Stanley Etc/GMT+3
SA Pacific Standard Time = America/Bogota America/Atikokan America/Cayman
    America/Coral_Harbour America/Eirunepe America/Guayaquil America/Jamaica
    America/Lima America/Panama America/Porto_Acre America/Rio_Branco Brazil/Acre EST
    Etc/GMT+5 Jamaica
SA Western Standard Time = America/La_Paz America/Anguilla America/Antigua America/Aruba
    America/Barbados America/Blanc-Sablon America/Boa_Vista America/Curacao
    America/Dominica America/Grenada America/Guadeloupe America/Guyana
    America/Kralendijk America/Lower_Princes America/Manaus America/Marigot
    America/Martinique America/Montserrat America/Port_of_Spain America/Porto_Velho
    America/Puerto_Rico America/Santo_Domingo America/St_Barthelemy America/St_Kitts
    America/St_Lucia America/St_Thomas America/St_Vincent America/Tortola America/Virgin
    Brazil/West Etc/GMT+4
Saint Pierre Standard Time = America/Miquelon
Sakhalin Standard Time = Asia/Sakhalin
Samoa Standard Time = Pacific/Apia
Sao Tome Standard Time = Africa/Sao_Tome
Saratov Standard Time = Europe/Saratov
SE Asia Standard Time = Asia/Bangkok Antarctica/Davis Asia/Ho_Chi_Minh Asia/Jakarta
    Asia/Phnom_Penh Asia/Pontianak Asia/Saigon Asia/Vientiane Etc/GMT-7 Indian/Christmas
Singapore Standard Time = Asia/Singapore Asia/Brunei Asia/Kuala_Lumpur Asia/Kuching
    Asia/Makassar Asia/Manila Asia/Ujung_Pandang Etc/GMT-8 Singapore
South Africa Standard Time = Africa/Johannesburg Africa/Blantyre Africa/Bujumbura
    Africa/Gaborone Africa/Harare Africa/Kigali Africa/Lubumbashi Africa/Lusaka
    Africa/Maputo Africa/Maseru Africa/Mbabane Etc/GMT-2
South Sudan Standard Time = Africa/Juba
Sri Lanka Standard Time = Asia/Colombo
Sudan Standard Time = Africa/Khartoum
Syria Standard Time = Asia/Damascus
Taipei Standard Time = Asia/Taipei ROC
Tasmania Standard Time = Australia/Hobart Antarctica/Macquarie Australia/Currie
    Australia/Tasmania
Tocantins Standard Time = America/Araguaina
Tokyo Standard Time = Asia/Tokyo Asia/Dili Asia/Jayapura Etc/GMT-9 Japan Pacific/Palau
Tomsk Standard Time = Asia/Tomsk
Tonga Standard Time = Pacific/Tongatapu
Transbaikal Standard Time = Asia/Chita
Turkey Standard Time = Europe/Istanbul Asia/Istanbul Turkey
Turks And Caicos Standard Time = America/Grand_Turk
Ulaanbaatar Standard Time = Asia/Ulaanbaatar Asia/Choibalsan Asia/Ulan_Bator
US Eastern Standard Time = America/Indianapolis America/Fort_Wayne
    America/Indiana/Indianapolis America/Indiana/Marengo America/Indiana/Vevay
    US/East-Indiana
US Mountain Standard Time = America/Phoenix America/Creston America/Dawson_Creek
    America/Fort_Nelson America/Hermosillo Etc/GMT+7 MST US/Arizona
UTC = Etc/UTC Etc/GMT Etc/GMT+0 Etc/GMT-0 Etc/GMT0 Etc/Greenwich Etc/UCT Etc/Universal
    Etc/Zulu GMT GMT+0 GMT-0 GMT0 Greenwich UCT Universal UTC Zulu
UTC+12 = Etc/GMT-12 Kwajalein Pacific/Funafuti Pacific/Kwajalein Pacific/Majuro
    Pacific/Nauru Pacific/Tarawa Pacific/Wake Pacific/Wallis
UTC+13 = Etc/GMT-13 Pacific/Enderbury Pacific/Fakaofo Pacific/Kanton
UTC-02 = Etc/GMT+2 America/Noronha Atlantic/South_Georgia Brazil/DeNoronha
UTC-08 = Etc/GMT+8 Pacific/Pitcairn
UTC-09 = Etc/GMT+9 Pacific/Gambier
UTC-11 = Etc/GMT+11 Pacific/Midway Pacific/Niue Pacific/Pago_Pago Pacific/Samoa US/Samoa
Venezuela Standard Time = America/Caracas
Vladivostok Standard Time = Asia/Vladivostok Asia/Ust-Nera
Volgograd Standard Time = Europe/Volgograd
W. Australia Standard Time = Australia/Perth Australia/West
W. Central Africa Standard Time = Africa/Lagos Africa/Algiers Africa/Bangui
    Africa/Brazzaville Africa/Douala Africa/Kinshasa Africa/Libreville Africa/Luanda
    Africa/Malabo Africa/Ndjamena Africa/Niamey Africa/Porto-Novo Africa/Tunis Etc/GMT-1
W. Europe Standard Time = Europe/Berlin Arctic/Longyearbyen Atlantic/Jan_Mayen
    Europe/Amsterdam Europe/Andorra Europe/Busingen Europe/Gibraltar Europe/Luxembourg
    Europe/Malta Europe/Monaco Europe/Oslo Europe/Rome Europe/San_Marino
    Europe/Stockholm Europe/Vaduz Europe/Vatican Europe/Vienna Europe/Zurich
W. Mongolia Standard Time = Asia/Hovd
West Asia Standard Time = Asia/Tashkent Antarctica/Mawson Asia/Almaty Asia/Aqtau
    Asia/Aqtobe Asia/Ashgabat Asia/Ashkhabad Asia/Atyrau Asia/Dushanbe Asia/Oral
    Asia/Qostanay Asia/Samarkand Etc/GMT-5 Indian/Kerguelen Indian/Maldives
West Bank Standard Time = Asia/Hebron Asia/Gaza
West Pacific Standard Time = Pacific/Port_Moresby Antarctica/DumontDUrville Etc/GMT-10
    Pacific/Chuuk Pacific/Guam Pacific/Saipan Pacific/Truk Pacific/Yap
Yakutsk Standard Time = Asia/Yakutsk Asia/Khandyga
Yukon Standard Time = America/Whitehorse America/Dawson Canada/Yukon
"""


def _windows_zones(text: str) -> dict[str, tuple[str, ...]]:
    zones: dict[str, list[str]] = {}
    names: list[str] = []
    for line in text.strip().splitlines():
        if line[:1].isspace():
            names.extend(line.split())
        else:
            windows, _, rest = line.partition(" = ")
            names = zones[windows] = rest.split()
    return {windows: tuple(names) for windows, names in zones.items()}


_ZONES = _windows_zones(_CLDR_WINDOWS_ZONES)
#: Windows zone name -> IANA zone (CLDR's "001" entry), for every Windows zone.
WINDOWS_TO_IANA = {windows: names[0] for windows, names in _ZONES.items()}
#: IANA zone (or tz alias) -> the Windows name Graph reports for it.
IANA_TO_WINDOWS = {name: windows for windows, names in _ZONES.items() for name in names}

WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
INDEXES = ("first", "second", "third", "fourth", "last")
PATTERN_TYPES = (
    "daily",
    "weekly",
    "absoluteMonthly",
    "relativeMonthly",
    "absoluteYearly",
    "relativeYearly",
)
RANGE_TYPES = ("endDate", "noEnd", "numbered")
#: Outlook refuses to expand more than this many occurrences for one request.
MAX_OCCURRENCES = 20000


class RecurrenceError(ValueError):
    """A ``patternedRecurrence`` Graph would refuse (400)."""


def custom_zone(rules: str) -> str:
    """A zone name for :meth:`GraphEmulator.add_event`: an event made in desktop
    Outlook in a custom zone that follows the IANA zone ``rules``. Graph reports
    it as :data:`CUSTOM_ZONE` (the rules stay hidden) and expands and converts
    with those rules; a bare :data:`CUSTOM_ZONE` is refused like Graph does."""
    return f"{CUSTOM_ZONE}#{rules}"


def resolve_zone(name: str | None) -> ZoneInfo | timezone:
    """The zone for an IANA or Windows name; raises ``KeyError`` if unknown."""
    name = (name or "UTC").strip().strip('"')
    if name in ("UTC", "Etc/UTC", "GMT", "tzone://Microsoft/Utc"):
        return UTC
    if name.startswith(CUSTOM_ZONE + "#"):
        iana = name.partition("#")[2]
    else:
        iana = WINDOWS_TO_IANA.get(name, name)
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise KeyError(name) from exc


def windows_name(name: str | None) -> str:
    """The Windows name Graph reports for ``name`` (itself when unknown)."""
    name = (name or "UTC").strip()
    if name in WINDOWS_TO_IANA:
        return name
    if name.startswith(CUSTOM_ZONE):
        return CUSTOM_ZONE
    return IANA_TO_WINDOWS.get(name, name)


def parse_graph_datetime(value: str) -> datetime:
    """Parse a Graph ``dateTime`` (up to 7 fractional digits, maybe an offset)."""
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    head, sep, rest = value.partition(".")
    if sep:
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        value = f"{head}.{(digits + '000000')[:6]}{rest}"
    return datetime.fromisoformat(value)


def parse_instant(value: str) -> datetime:
    """A query-string instant (``startDateTime``) as aware UTC; naive means UTC."""
    parsed = parse_graph_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_utc(wall: datetime, zone_name: str) -> datetime:
    """Aware UTC instant of the wall time ``wall`` (naive) in ``zone_name``."""
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=resolve_zone(zone_name)).astimezone(UTC)


def format_graph_datetime(value: datetime) -> str:
    """``2024-01-15T09:00:00.0000000`` (Graph's 7 fractional digits, no offset)."""
    head = value.replace(microsecond=0, tzinfo=None).isoformat()
    return f"{head}.{value.microsecond:06d}0"


def format_timestamp(value: datetime) -> str:
    """``2024-01-01T09:00:00.1234567Z`` for createdDateTime/lastModifiedDateTime."""
    return format_graph_datetime(value.astimezone(UTC)) + "Z"


def format_offset_utc(value: datetime) -> str:
    """``2024-01-15T09:00:00Z`` for DateTimeOffset properties (originalStart)."""
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def validate_recurrence(recurrence: dict) -> None:
    """Raise :class:`RecurrenceError` for what Graph answers 400 to."""
    pattern = recurrence.get("pattern") or {}
    rng = recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in PATTERN_TYPES:
        raise RecurrenceError(f"Unsupported recurrence pattern type {kind!r}.")
    if int(pattern.get("interval") or 0) < 1:
        raise RecurrenceError("Recurrence interval must be a positive integer.")
    days = pattern.get("daysOfWeek") or []
    if any(day not in WEEKDAYS for day in days):
        raise RecurrenceError(f"Invalid daysOfWeek {days!r}.")
    first = pattern.get("firstDayOfWeek")
    if first is not None and first not in WEEKDAYS:
        raise RecurrenceError(f"Invalid firstDayOfWeek {first!r}.")
    needs = {
        "weekly": ("daysOfWeek",),
        "absoluteMonthly": ("dayOfMonth",),
        "relativeMonthly": ("daysOfWeek",),
        "absoluteYearly": ("dayOfMonth", "month"),
        "relativeYearly": ("daysOfWeek", "month"),
    }.get(kind, ())
    for key in needs:
        if not pattern.get(key):
            raise RecurrenceError(f"Pattern {kind} requires {key}.")
    if pattern.get("index", "first") not in INDEXES:
        raise RecurrenceError(f"Invalid index {pattern.get('index')!r}.")
    _validate_range(rng)


def _validate_range(rng: dict) -> None:
    if rng.get("type") not in RANGE_TYPES:
        raise RecurrenceError(f"Unsupported recurrence range type {rng.get('type')!r}.")
    if not rng.get("startDate"):
        raise RecurrenceError("Recurrence range requires startDate.")
    if rng["type"] == "endDate" and not rng.get("endDate"):
        raise RecurrenceError("Range endDate requires endDate.")
    if rng["type"] == "numbered" and int(rng.get("numberOfOccurrences") or 0) < 1:
        raise RecurrenceError("Range numbered requires numberOfOccurrences > 0.")


def expand_dates(recurrence: dict, until: date) -> list[date]:
    """Occurrence dates of ``recurrence`` up to ``until`` (inclusive), Outlook's way.

    A ``numbered`` range counts from its start, whatever ``until`` is; an
    ``endDate`` range stops at its (inclusive) end date.
    """
    pattern, rng = recurrence["pattern"], recurrence["range"]
    start = date.fromisoformat(rng["startDate"][:10])
    last = until
    if rng["type"] == "endDate":
        last = min(last, date.fromisoformat(rng["endDate"][:10]))
    count = int(rng.get("numberOfOccurrences") or 0) if rng["type"] == "numbered" else 0
    result: list[date] = []
    for day in _candidates(pattern, start):
        if day > last or len(result) >= MAX_OCCURRENCES:
            break
        if day >= start:
            result.append(day)
            if count and len(result) >= count:
                break
    return result


def _candidates(pattern: dict, start: date):
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    if kind == "daily":
        return _daily(start, interval)
    if kind == "weekly":
        return _weekly(pattern, start, interval)
    if kind in ("absoluteMonthly", "relativeMonthly"):
        return _by_month(pattern, start, interval, yearly=False)
    return _by_month(pattern, start, interval * 12, yearly=True)


def _daily(start: date, interval: int):
    day = start
    while True:
        yield day
        day += timedelta(days=interval)


def _weekly(pattern: dict, start: date, interval: int):
    # weeks start on firstDayOfWeek: the week holding startDate is the first
    first = WEEKDAYS.index(pattern.get("firstDayOfWeek") or "sunday")
    wanted = sorted(
        (WEEKDAYS.index(d) - first) % 7 for d in pattern.get("daysOfWeek") or []
    )
    week_start = start - timedelta(days=(start.weekday() - first) % 7)
    while True:
        for offset in wanted:
            yield week_start + timedelta(days=offset)
        week_start += timedelta(weeks=interval)


def _by_month(pattern: dict, start: date, step_months: int, yearly: bool):
    year, month = start.year, start.month
    if yearly:
        month = int(pattern.get("month") or start.month)
        if month < start.month:
            year += 1
    while year <= 9999:
        day = _day_in_month(pattern, year, month)
        if day is not None:
            yield day
        month += step_months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _day_in_month(pattern: dict, year: int, month: int) -> date | None:
    length = calendar.monthrange(year, month)[1]
    if pattern["type"] in ("absoluteMonthly", "absoluteYearly"):
        # Outlook: a day the month lacks means the month's last day.
        return date(year, month, min(int(pattern["dayOfMonth"]), length))
    wanted = {WEEKDAYS.index(d) for d in pattern.get("daysOfWeek") or []}
    days = [
        date(year, month, d)
        for d in range(1, length + 1)
        if date(year, month, d).weekday() in wanted
    ]
    index = INDEXES.index(pattern.get("index") or "first")
    if index == 4:
        return days[-1] if days else None
    return days[index] if len(days) > index else None
