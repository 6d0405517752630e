"""Generator speed: the pooled `Traffic` page view vs a naive baseline that calls Faker for every field.

    .venv/bin/python -m benchmarks.generator_speed [--seconds 3] [--seed 1]

Pinned to one core (`os.sched_setaffinity`). Measured in one run: the time to build `Traffic`'s pools, page views per
second composed from the pools and serialised to JSON bytes (with orjson, as the load test sends them, and with the
standard library's `json.dumps(...).encode()`), and the same for the naive baseline. Targets (docs/performance.md): at
least 25,000 page views/s with serialisation, at least 20 times the baseline, pools in under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC

import orjson
from faker import Faker

from generators._traffic import Traffic

TARGET_RATE = 25_000
TARGET_RATIO = 20.0
TARGET_BUILD_S = 2.0


def naive_page_view(fake: Faker) -> dict[str, object]:
    """What a first attempt looks like: about twenty Faker calls per event, nothing reused."""
    return {
        "_id": fake.uuid4(),
        "eventType": "web.webpagedetails.pageViews",
        "timestamp": fake.iso8601(tzinfo=UTC),
        "identityMap": {"ECID": [{"id": fake.numerify("#" * 38), "authenticatedState": "ambiguous",
                                  "primary": True}]},
        "web": {
            "webPageDetails": {"URL": fake.url(), "name": fake.word(), "siteSection": fake.word(),
                               "server": fake.domain_name(), "isHomePage": fake.boolean(), "pageViews": {"value": 1}},
            "webReferrer": {"URL": fake.uri(), "type": "external"},
        },
        "environment": {
            "type": "browser",
            "browserDetails": {
                "userAgent": fake.user_agent(), "acceptLanguage": fake.locale().replace("_", "-"),
                "viewportWidth": fake.random_int(320, 2560), "viewportHeight": fake.random_int(480, 1440),
            },
            "ipV4": fake.ipv4_public(),
        },
        "device": {"screenWidth": fake.random_int(320, 2560), "screenHeight": fake.random_int(480, 1440)},
        "placeContext": {
            "localTime": fake.iso8601(tzinfo=UTC), "ianaTimezone": fake.timezone(),
            "geo": {"countryCode": fake.country_code(), "city": fake.city(),
                    "_schema": {"latitude": float(fake.latitude()), "longitude": float(fake.longitude())}},
        },
    }


def rate(make: Callable[[], bytes], seconds: float) -> float:
    """Items per second of `make()` over about `seconds`, checking the clock every 500 calls."""
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        for _ in range(500):
            make()
        count += 500
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generator_speed", description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each rate measurement")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    print(f"pinned to core {core}; {args.seconds:g} s per measurement", flush=True)

    builds = []
    for _ in range(3):
        started = time.perf_counter()
        traffic = Traffic(args.seed)
        builds.append(time.perf_counter() - started)
    build = statistics.median(builds)
    print(f"pool build (Traffic(seed), {len(traffic.visitors)} visitors, {len(traffic.site.browsable)} pages, "
          f"{len(traffic.site.products)} products): median of 3 = {build:.2f} s", flush=True)

    fake = Faker("en_US")
    fake.seed_instance(args.seed)
    stdlib = json.JSONEncoder(separators=(",", ":")).encode
    rates = {
        "pooled, orjson": rate(lambda: orjson.dumps(traffic.page_view()), args.seconds),
        "naive Faker, orjson": rate(lambda: orjson.dumps(naive_page_view(fake)), args.seconds),
        "pooled, json.dumps().encode()": rate(lambda: stdlib(traffic.page_view()).encode(), args.seconds),
        "naive Faker, json.dumps().encode()": rate(lambda: stdlib(naive_page_view(fake)).encode(), args.seconds),
    }
    for name, value in rates.items():
        print(f"page views/s {name:36} {value:>10,.0f}")
    ratio_orjson = rates["pooled, orjson"] / rates["naive Faker, orjson"]
    ratio_stdlib = rates["pooled, json.dumps().encode()"] / rates["naive Faker, json.dumps().encode()"]
    print(f"ratio pooled / naive (orjson) {ratio_orjson:.1f}x; (json stdlib) {ratio_stdlib:.1f}x")
    verdicts = [
        ("pooled page views/s with orjson", rates["pooled, orjson"] >= TARGET_RATE, f">= {TARGET_RATE:,}"),
        ("ratio to the naive baseline (orjson)", ratio_orjson >= TARGET_RATIO, f">= {TARGET_RATIO:g}x"),
        ("pool build", build < TARGET_BUILD_S, f"< {TARGET_BUILD_S:g} s"),
    ]
    for name, met, target in verdicts:
        print(f"target {name} {target}: {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
