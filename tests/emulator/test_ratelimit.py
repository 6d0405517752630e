"""Request units and the per-org token bucket, on an injected clock (docs/emulator.md, request units)."""

from __future__ import annotations

import pytest

from emulator._ratelimit import RateLimiter, request_units
from tests.emulator.asgi_client import DEFAULT, FakeClock, call, interact_body, make_app

ORG = "53A16ACB5CC1D3760A495C99@AdobeOrg"


@pytest.mark.parametrize(
    ("size", "services", "units"),
    [(0, 4, 4), (1, 4, 4), (8192, 4, 4), (8193, 4, 8), (65536, 4, 32), (1200, 0, 1), (20000, 1, 3)],
)
def test_request_units_are_8_kb_fragments_times_services(size, services, units):
    assert request_units(size, services) == units


def test_ratelimit_admits_up_to_capacity_then_refuses():
    limiter = RateLimiter(10, FakeClock())
    assert [limiter.admit(ORG, 4).allowed for _ in range(3)] == [True, True, False]


def test_ratelimit_remaining_counts_down():
    limiter = RateLimiter(10, FakeClock())
    assert [limiter.admit(ORG, 3).remaining for _ in range(3)] == [7, 4, 1]


def test_ratelimit_refills_continuously_with_the_clock():
    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    assert limiter.admit(ORG, 10).allowed
    assert not limiter.admit(ORG, 5).allowed
    clock.advance(0.5)
    assert limiter.admit(ORG, 5).allowed
    assert not limiter.admit(ORG, 1).allowed


def test_ratelimit_never_banks_more_than_one_second():
    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    clock.advance(3600)
    assert [limiter.admit(ORG, 10).allowed for _ in range(2)] == [True, False]


def test_ratelimit_retry_after_is_seconds_until_the_units_refill():
    clock = FakeClock()
    limiter = RateLimiter(4, clock)
    limiter.admit(ORG, 4)
    refused = limiter.admit(ORG, 4)
    assert (refused.allowed, refused.retry_after_s) == (False, 1)


def test_ratelimit_buckets_are_per_org():
    limiter = RateLimiter(4, FakeClock())
    assert limiter.admit(ORG, 4).allowed
    assert limiter.admit("OTHER@AdobeOrg", 4).allowed
    assert not limiter.admit(ORG, 4).allowed


def test_ratelimit_zero_capacity_disables_limiting():
    limiter = RateLimiter(0, FakeClock())
    assert all(limiter.admit(ORG, 1000).allowed for _ in range(100))


def test_ratelimit_reset_refills_every_bucket():
    limiter = RateLimiter(4, FakeClock())
    limiter.admit(ORG, 4)
    limiter.reset()
    assert limiter.admit(ORG, 4).allowed


def test_ratelimit_app_answers_429_problem_with_retry_after_when_over_capacity():
    clock = FakeClock()
    app = make_app(clock=clock, rate_limit=8)  # two page views: 1 fragment x 4 services each
    statuses = [call(app, body=interact_body(), query=DEFAULT).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = call(app, body=interact_body(), query=DEFAULT)
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert refused.json()["type"] == "https://ns.adobe.com/aep/errors/EXEG-0000-429"
    clock.advance(1.0)
    assert call(app, body=interact_body(), query=DEFAULT).status == 200


def test_ratelimit_interact_and_collect_have_separate_budgets():
    app = make_app(rate_limit=4, collect_rate_limit=4)
    assert call(app, body=interact_body(), query=DEFAULT).status == 200
    assert call(app, body=interact_body(), query=DEFAULT).status == 429
    collect = {"events": [interact_body()["event"]]}
    assert call(app, "/ee/v2/collect", collect, query=DEFAULT).status == 202


def test_ratelimit_reset_endpoint_clears_rate_limit_state():
    app = make_app(rate_limit=4)
    call(app, body=interact_body(), query=DEFAULT)
    assert call(app, body=interact_body(), query=DEFAULT).status == 429
    assert call(app, "/_emulator/reset", method="POST").status == 200
    assert call(app, body=interact_body(), query=DEFAULT).status == 200
