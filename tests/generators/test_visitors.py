from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generators._clock import epoch_ms
from generators._devices import DEVICES
from generators._events import place_context
from generators._places import PLACES, accept_language, utc_offset
from generators._visitors import build_visitor

ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")  # one row per country and zone; zone1970.tab merges them


@pytest.fixture(scope="module")
def visitors():
    rng = random.Random(11)
    return [build_visitor(rng, email=f"v{i}@example.org", crm_id=f"C{i:09d}") for i in range(3000)]


def _browser_and_os(user_agent: str) -> tuple[str, str]:
    """Classify a User-Agent by the rules browser-detection libraries use, independent of our tables."""
    if "SamsungBrowser/" in user_agent:
        browser = "Samsung Internet"
    elif "Edg/" in user_agent:
        browser = "Edge"
    elif "Firefox/" in user_agent:
        browser = "Firefox"
    elif "Chrome/" in user_agent or "CriOS/" in user_agent:
        browser = "Chrome"
    elif "Version/" in user_agent and "Safari/" in user_agent:
        browser = "Safari"
    else:
        browser = "?"
    if "Windows NT" in user_agent:
        os_name = "Windows"
    elif "iPhone" in user_agent:
        os_name = "iOS"
    elif "iPad" in user_agent:
        os_name = "iPadOS"
    elif "Android" in user_agent:
        os_name = "Android"
    elif "Macintosh" in user_agent:
        os_name = "macOS"
    elif "Linux" in user_agent:
        os_name = "Linux"
    else:
        os_name = "?"
    return browser, os_name


def test_visitor_user_agent_matches_browser_and_operating_system(visitors):
    mismatches = [
        (v.environment["browserDetails"]["userAgent"], v.environment["browserDetails"]["name"],
         v.environment["operatingSystem"])
        for v in visitors
        if _browser_and_os(v.environment["browserDetails"]["userAgent"])
        != (v.environment["browserDetails"]["name"], v.environment["operatingSystem"])
    ]
    assert mismatches == []


def test_visitor_user_agent_says_mobile_exactly_on_phones(visitors):
    for v in visitors:
        ua = v.environment["browserDetails"]["userAgent"]
        assert ("Mobile" in ua) == (v.device["type"] == "mobile" or "iPad" in ua), ua


def test_visitor_language_region_is_the_visitor_country(visitors):
    assert {(v.environment["_dc"]["language"].split("-")[1], v.geo["countryCode"]) for v in visitors
            if v.environment["_dc"]["language"].split("-")[1] != v.geo["countryCode"]} == set()


def test_visitor_accept_language_starts_with_the_browser_locale(visitors):
    assert all(v.environment["browserDetails"]["acceptLanguage"].split(",")[0] == v.environment["_dc"]["language"]
               for v in visitors)


def test_accept_language_weights_fall_by_a_tenth():
    assert accept_language(("de-DE", "en-US")) == "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"
    assert accept_language(("en-GB",)) == "en-GB,en;q=0.9"


@pytest.mark.skipif(not ZONE_TAB.is_file(), reason="the system time-zone table is not installed")
def test_places_time_zones_belong_to_their_country():
    countries_of: dict[str, set[str]] = {}
    for line in ZONE_TAB.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            codes, _, zone = line.split("\t")[:3]
            countries_of.setdefault(zone, set()).update(codes.split(","))
    assert [(p.city, p.timezone) for p in PLACES if p.country not in countries_of.get(p.timezone, set())] == []


@pytest.mark.skipif(not ZONE_TAB.is_file(), reason="the system time-zone table is not installed")
def test_places_utc_offsets_match_the_iana_database_across_transitions():
    rng = random.Random(5)
    instants = [rng.randrange(1_704_067_200_000, 1_893_456_000_000) for _ in range(400)]
    wrong = [
        (place.city, ms)
        for place in PLACES
        for ms in instants
        if utc_offset(place, ms)
        != datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(place.timezone)).utcoffset().total_seconds() // 60
    ]
    assert wrong == []


@pytest.mark.parametrize(("city", "moment", "offset"), [
    pytest.param("Los Angeles", datetime(2025, 6, 2, 8, tzinfo=UTC), 420, id="pacific-daylight"),
    pytest.param("Los Angeles", datetime(2025, 1, 2, 8, tzinfo=UTC), 480, id="pacific-standard"),
    pytest.param("Berlin", datetime(2025, 6, 2, 8, tzinfo=UTC), -120, id="central-european-summer"),
    pytest.param("Sydney", datetime(2025, 6, 2, 8, tzinfo=UTC), -600, id="sydney-winter"),
    pytest.param("Sydney", datetime(2025, 1, 2, 8, tzinfo=UTC), -660, id="sydney-summer"),
    pytest.param("Mumbai", datetime(2025, 6, 2, 8, tzinfo=UTC), -330, id="half-hour-zone"),
    pytest.param("Phoenix", datetime(2025, 6, 2, 8, tzinfo=UTC), 420, id="arizona-no-dst"),
])
def test_place_context_offset_has_javascript_sign(visitors, city, moment, offset):
    visitor = next(v for v in visitors if v.place.city == city)
    context = place_context(visitor, epoch_ms(moment))
    assert context["localTimezoneOffset"] == offset
    assert context["ianaTimezone"] == visitor.place.timezone
    sign = "-" if offset > 0 else "+"
    assert context["localTime"].endswith(f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")


def test_visitor_ip_lies_in_a_block_of_the_country_registry(visitors):
    for v in visitors:
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v.ip)
        assert int(v.ip.split(".")[0]) in v.place.ip_first_octets
        assert v.environment["ipV4"] == v.ip


def test_visitor_screen_orientation_matches_its_sides_and_viewport_fits(visitors):
    for v in visitors:
        width, height = v.device["screenWidth"], v.device["screenHeight"]
        assert v.device["screenOrientation"] == ("landscape" if width > height else "portrait")
        browser = v.environment["browserDetails"]
        assert 0 < browser["viewportWidth"] <= width
        assert 0 < browser["viewportHeight"] < height


def test_visitor_tables_cover_every_device_type_and_most_places(visitors):
    assert {v.device["type"] for v in visitors} == {"desktop", "mobile", "tablet"}
    assert len({v.place.city for v in visitors}) > 0.8 * len(PLACES)
    assert len({v.device_row for v in visitors}) == len(DEVICES)
