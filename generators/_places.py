"""Where visitors are: rows in which locale, country, city, time zone and IP region agree, and the UTC offsets.

Faker's locale, country, city and language do not agree with each other, so each row
is one coherent place. Offsets are computed here from the rows' daylight-saving rules instead of the system
time-zone database, so output does not depend on the machine's tzdata and costs a few integer comparisons.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Place:
    country: str  # ISO 3166-1 alpha-2
    city: str
    region: str  # ISO 3166-2 subdivision, "" when the city has no single one we are sure of
    latitude: float
    longitude: float
    timezone: str  # IANA name
    standard_offset: int  # minutes east of UTC outside daylight saving time
    dst: str  # rule name in DST_RULES, or "" for none
    languages: tuple[str, ...]  # BCP 47, most preferred first; the first is the browser locale
    ip_first_octets: tuple[int, ...]  # IPv4 /8 blocks of the regional internet registry serving the country
    weight: int  # relative share of visitors


# IPv4 /8 blocks by regional internet registry: IANA IPv4 Address Space Registry
# (iana.org/assignments/ipv4-address-space). Country-level geo-IP databases are licensed, so an address agrees
# with the visitor's registry region, never with a real subscriber line.
ARIN = (23, 24, 50, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96, 97, 98, 99, 104, 107, 108, 173, 174)
RIPE = (2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 109, 176)
APNIC = (1, 14, 27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120)
LACNIC = (177, 179, 181, 186, 187, 189, 190, 191, 200, 201)
AFRINIC = (41, 102, 105, 154, 196, 197)

# Coordinates: city centres from Wikipedia/GeoNames, rounded to 4 decimals. Time zones and rules: IANA tz
# database (Mexico abolished DST in 2022, Brazil in 2019; Arizona and Queensland keep none). Subdivisions:
# ISO 3166-2. Weights: a rough share of web traffic by country (StatCounter Global Stats, rounded, invented
# split between cities). Languages: the national locale, then English where browsers commonly add it.
PLACES: tuple[Place, ...] = (
    Place("US", "New York", "US-NY", 40.7128, -74.0060, "America/New_York", -300, "US", ("en-US",), ARIN, 60),
    Place("US", "Los Angeles", "US-CA", 34.0522, -118.2437, "America/Los_Angeles", -480, "US", ("en-US",), ARIN, 45),
    Place("US", "Chicago", "US-IL", 41.8781, -87.6298, "America/Chicago", -360, "US", ("en-US",), ARIN, 30),
    Place("US", "Houston", "US-TX", 29.7604, -95.3698, "America/Chicago", -360, "US", ("en-US", "es-US"), ARIN, 25),
    Place("US", "Denver", "US-CO", 39.7392, -104.9903, "America/Denver", -420, "US", ("en-US",), ARIN, 12),
    Place("US", "Phoenix", "US-AZ", 33.4484, -112.0740, "America/Phoenix", -420, "", ("en-US",), ARIN, 12),
    Place("US", "Seattle", "US-WA", 47.6062, -122.3321, "America/Los_Angeles", -480, "US", ("en-US",), ARIN, 15),
    Place("US", "Miami", "US-FL", 25.7617, -80.1918, "America/New_York", -300, "US", ("en-US", "es-US"), ARIN, 15),
    Place("CA", "Toronto", "CA-ON", 43.6532, -79.3832, "America/Toronto", -300, "US", ("en-CA",), ARIN, 12),
    Place("CA", "Montréal", "CA-QC", 45.5019, -73.5674, "America/Toronto", -300, "US", ("fr-CA", "en-CA"), ARIN, 8),
    Place("CA", "Vancouver", "CA-BC", 49.2827, -123.1207, "America/Vancouver", -480, "US", ("en-CA",), ARIN, 6),
    Place("MX", "Mexico City", "MX-CMX", 19.4326, -99.1332, "America/Mexico_City", -360, "", ("es-MX",), LACNIC, 10),
    Place("BR", "São Paulo", "BR-SP", -23.5505, -46.6333, "America/Sao_Paulo", -180, "", ("pt-BR",), LACNIC, 14),
    Place("BR", "Rio de Janeiro", "BR-RJ", -22.9068, -43.1729, "America/Sao_Paulo", -180, "", ("pt-BR",), LACNIC, 7),
    Place(
        "AR", "Buenos Aires", "AR-C", -34.6037, -58.3816, "America/Argentina/Buenos_Aires", -180, "", ("es-AR",),
        LACNIC, 5,
    ),
    Place("GB", "London", "GB-ENG", 51.5074, -0.1278, "Europe/London", 0, "EU", ("en-GB",), RIPE, 25),
    Place("GB", "Manchester", "GB-ENG", 53.4808, -2.2426, "Europe/London", 0, "EU", ("en-GB",), RIPE, 8),
    Place("GB", "Edinburgh", "GB-SCT", 55.9533, -3.1883, "Europe/London", 0, "EU", ("en-GB",), RIPE, 4),
    Place("IE", "Dublin", "IE-D", 53.3498, -6.2603, "Europe/Dublin", 0, "EU", ("en-IE",), RIPE, 4),
    Place("DE", "Berlin", "DE-BE", 52.5200, 13.4050, "Europe/Berlin", 60, "EU", ("de-DE", "en-US"), RIPE, 14),
    Place("DE", "Munich", "DE-BY", 48.1351, 11.5820, "Europe/Berlin", 60, "EU", ("de-DE", "en-US"), RIPE, 9),
    Place("DE", "Hamburg", "DE-HH", 53.5511, 9.9937, "Europe/Berlin", 60, "EU", ("de-DE", "en-US"), RIPE, 7),
    Place("AT", "Vienna", "AT-9", 48.2082, 16.3738, "Europe/Vienna", 60, "EU", ("de-AT", "en-US"), RIPE, 4),
    Place("CH", "Zürich", "CH-ZH", 47.3769, 8.5417, "Europe/Zurich", 60, "EU", ("de-CH", "en-US"), RIPE, 4),
    Place("FR", "Paris", "FR-IDF", 48.8566, 2.3522, "Europe/Paris", 60, "EU", ("fr-FR", "en-US"), RIPE, 14),
    Place("FR", "Lyon", "FR-ARA", 45.7640, 4.8357, "Europe/Paris", 60, "EU", ("fr-FR", "en-US"), RIPE, 5),
    Place("ES", "Madrid", "ES-MD", 40.4168, -3.7038, "Europe/Madrid", 60, "EU", ("es-ES", "en-US"), RIPE, 8),
    Place("ES", "Barcelona", "ES-CT", 41.3874, 2.1686, "Europe/Madrid", 60, "EU", ("es-ES", "ca-ES"), RIPE, 6),
    Place("IT", "Rome", "IT-62", 41.9028, 12.4964, "Europe/Rome", 60, "EU", ("it-IT", "en-US"), RIPE, 7),
    Place("IT", "Milan", "IT-25", 45.4642, 9.1900, "Europe/Rome", 60, "EU", ("it-IT", "en-US"), RIPE, 6),
    Place("NL", "Amsterdam", "NL-NH", 52.3676, 4.9041, "Europe/Amsterdam", 60, "EU", ("nl-NL", "en-US"), RIPE, 7),
    Place("BE", "Brussels", "BE-BRU", 50.8503, 4.3517, "Europe/Brussels", 60, "EU", ("fr-BE", "nl-BE"), RIPE, 3),
    Place("SE", "Stockholm", "SE-AB", 59.3293, 18.0686, "Europe/Stockholm", 60, "EU", ("sv-SE", "en-US"), RIPE, 4),
    Place("DK", "Copenhagen", "DK-84", 55.6761, 12.5683, "Europe/Copenhagen", 60, "EU", ("da-DK", "en-US"), RIPE, 3),
    Place("NO", "Oslo", "NO-03", 59.9139, 10.7522, "Europe/Oslo", 60, "EU", ("nb-NO", "en-US"), RIPE, 3),
    Place("PL", "Warsaw", "PL-MZ", 52.2297, 21.0122, "Europe/Warsaw", 60, "EU", ("pl-PL", "en-US"), RIPE, 5),
    Place("PT", "Lisbon", "PT-11", 38.7223, -9.1393, "Europe/Lisbon", 0, "EU", ("pt-PT", "en-US"), RIPE, 3),
    Place("IS", "Reykjavík", "IS-1", 64.1466, -21.9426, "Atlantic/Reykjavik", 0, "", ("is-IS", "en-US"), RIPE, 1),
    Place("TR", "Istanbul", "TR-34", 41.0082, 28.9784, "Europe/Istanbul", 180, "", ("tr-TR", "en-US"), RIPE, 6),
    Place("AE", "Dubai", "AE-DU", 25.2048, 55.2708, "Asia/Dubai", 240, "", ("en-AE", "ar-AE"), RIPE, 3),
    Place("ZA", "Johannesburg", "ZA-GP", -26.2041, 28.0473, "Africa/Johannesburg", 120, "", ("en-ZA",), AFRINIC, 3),
    Place("IN", "Mumbai", "IN-MH", 19.0760, 72.8777, "Asia/Kolkata", 330, "", ("en-IN", "hi-IN"), APNIC, 12),
    Place("IN", "Bengaluru", "IN-KA", 12.9716, 77.5946, "Asia/Kolkata", 330, "", ("en-IN",), APNIC, 10),
    Place("IN", "Delhi", "IN-DL", 28.7041, 77.1025, "Asia/Kolkata", 330, "", ("hi-IN", "en-IN"), APNIC, 10),
    Place("SG", "Singapore", "", 1.3521, 103.8198, "Asia/Singapore", 480, "", ("en-SG",), APNIC, 4),
    Place("JP", "Tokyo", "JP-13", 35.6762, 139.6503, "Asia/Tokyo", 540, "", ("ja-JP",), APNIC, 14),
    Place("JP", "Osaka", "JP-27", 34.6937, 135.5023, "Asia/Tokyo", 540, "", ("ja-JP",), APNIC, 6),
    Place("KR", "Seoul", "KR-11", 37.5665, 126.9780, "Asia/Seoul", 540, "", ("ko-KR", "en-US"), APNIC, 8),
    Place("CN", "Shanghai", "CN-SH", 31.2304, 121.4737, "Asia/Shanghai", 480, "", ("zh-CN",), APNIC, 8),
    Place("CN", "Beijing", "CN-BJ", 39.9042, 116.4074, "Asia/Shanghai", 480, "", ("zh-CN",), APNIC, 7),
    Place("TW", "Taipei", "TW-TPE", 25.0330, 121.5654, "Asia/Taipei", 480, "", ("zh-TW", "en-US"), APNIC, 3),
    Place("AU", "Sydney", "AU-NSW", -33.8688, 151.2093, "Australia/Sydney", 600, "AU", ("en-AU",), APNIC, 8),
    Place("AU", "Melbourne", "AU-VIC", -37.8136, 144.9631, "Australia/Melbourne", 600, "AU", ("en-AU",), APNIC, 7),
    Place("AU", "Brisbane", "AU-QLD", -27.4698, 153.0251, "Australia/Brisbane", 600, "", ("en-AU",), APNIC, 3),
    Place("AU", "Perth", "AU-WA", -31.9505, 115.8605, "Australia/Perth", 480, "", ("en-AU",), APNIC, 2),
    Place("NZ", "Auckland", "NZ-AUK", -36.8485, 174.7633, "Pacific/Auckland", 720, "NZ", ("en-NZ",), APNIC, 3),
)


def accept_language(languages: tuple[str, ...]) -> str:
    """The header Chromium sends for these preferences: each tag, then its bare language, q falling by 0.1."""
    tags: list[str] = []
    for tag in languages:
        for candidate in (tag, tag.split("-")[0]):
            if candidate not in tags:
                tags.append(candidate)
    preferred = [tags[0]] + [f"{tag};q=0.{10 - i}" for i, tag in enumerate(tags[1:9], start=1)]
    return ",".join(preferred)


# --- daylight saving time ------------------------------------------------------------------------------------
# Transition rules (IANA tz database sources `europe`, `northamerica`, `australasia`):
#   EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC (Directive 2000/84/EC).
#   US: second Sunday of March 02:00 local standard time to first Sunday of November 02:00 local daylight time
#       (Energy Policy Act of 2005; Canada follows it).
#   AU: first Sunday of October 02:00 local standard to first Sunday of April 03:00 local daylight (NSW, Victoria).
#   NZ: last Sunday of September 02:00 local standard to first Sunday of April 03:00 local daylight.
_SUNDAY = calendar.SUNDAY


def _nth_sunday(year: int, month: int, n: int) -> int:
    """Day of month of the n-th Sunday (n = -1 for the last)."""
    weeks = calendar.monthcalendar(year, month)
    sundays = [week[_SUNDAY] for week in weeks if week[_SUNDAY]]
    return sundays[n]


def _utc_ms(year: int, month: int, day: int, minutes_utc: int) -> int:
    return (calendar.timegm((year, month, day, 0, 0, 0)) + minutes_utc * 60) * 1000


@lru_cache(maxsize=512)
def _dst_window(rule: str, standard_offset: int, year: int) -> tuple[int, int]:
    """(start, end) of daylight saving time in epoch ms for the year; start > end in the southern hemisphere."""
    if rule == "EU":
        return _utc_ms(year, 3, _nth_sunday(year, 3, -1), 60), _utc_ms(year, 10, _nth_sunday(year, 10, -1), 60)
    if rule == "US":
        start = _utc_ms(year, 3, _nth_sunday(year, 3, 1), 120 - standard_offset)
        return start, _utc_ms(year, 11, _nth_sunday(year, 11, 0), 120 - standard_offset - 60)
    if rule == "AU":
        start = _utc_ms(year, 10, _nth_sunday(year, 10, 0), 120 - standard_offset)
        return start, _utc_ms(year, 4, _nth_sunday(year, 4, 0), 180 - standard_offset - 60)
    if rule == "NZ":
        start = _utc_ms(year, 9, _nth_sunday(year, 9, -1), 120 - standard_offset)
        return start, _utc_ms(year, 4, _nth_sunday(year, 4, 0), 180 - standard_offset - 60)
    raise ValueError(f"unknown daylight saving rule {rule!r}")


def utc_offset(place: Place, epoch_ms: int) -> int:
    """Minutes east of UTC in force at `place` at that instant."""
    if not place.dst:
        return place.standard_offset
    year = time.gmtime(epoch_ms // 1000).tm_year
    start, end = _dst_window(place.dst, place.standard_offset, year)
    # In the southern hemisphere (start > end) daylight time spans the new year.
    daylight = (epoch_ms >= start or epoch_ms < end) if start > end else start <= epoch_ms < end
    return place.standard_offset + 60 if daylight else place.standard_offset
