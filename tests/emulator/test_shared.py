"""The state `edgeload emulator --workers N` shares, exercised in one process as two workers would use it."""

from __future__ import annotations

from emulator._fault_kinds import REGISTRY
from emulator._routes import ROUTES
from emulator._shared import SharedState
from tests.emulator.asgi_client import FakeClock

ORG = "53A16ACB5CC1D3760A495C99@AdobeOrg"
INTERACT = "POST /ee/v2/interact"


def shared(workers: int = 2) -> SharedState:
    return SharedState(workers, [route.operation.label for route in ROUTES.values()], list(REGISTRY))


def test_shared_limiter_is_one_bucket_for_every_worker():
    state, clock = shared(), FakeClock()
    first, second = state.limiter("interact", 10, clock), state.limiter("interact", 10, clock)
    admitted = [limiter.admit(ORG, 4).allowed for limiter in (first, second, first, second)]
    assert admitted == [True, True, False, False]


def test_shared_limiter_refills_and_answers_retry_after_like_the_local_one():
    state, clock = shared(), FakeClock()
    first, second = state.limiter("interact", 4, clock), state.limiter("interact", 4, clock)
    assert first.admit(ORG, 4).allowed
    refused = second.admit(ORG, 4)
    assert (refused.allowed, refused.remaining, refused.retry_after_s) == (False, 0, 1)
    clock.advance(0.5)
    assert (second.admit(ORG, 2).allowed, first.admit(ORG, 1).allowed) == (True, False)


def test_shared_limiter_keeps_orgs_and_endpoints_apart():
    state, clock = shared(), FakeClock()
    interact, collect = state.limiter("interact", 4, clock), state.limiter("collect", 4, clock)
    assert [interact.admit(ORG, 4).allowed, interact.admit("OTHER@AdobeOrg", 4).allowed,
            collect.admit(ORG, 4).allowed, interact.admit(ORG, 4).allowed] == [True, True, True, False]


def test_shared_reset_refills_buckets_other_workers_cached():
    state, clock = shared(), FakeClock()
    first, second = state.limiter("interact", 4, clock), state.limiter("interact", 4, clock)
    assert first.admit(ORG, 4).allowed
    second.reset()
    assert second.admit("NEW@AdobeOrg", 4).allowed  # may take the emptied slot the first worker cached
    assert first.admit(ORG, 4).allowed


def test_shared_stats_sum_the_rows_of_every_worker():
    state = shared()
    first, second = state.stats(0), state.stats(1)
    first.total += 1
    second.total += 1
    second.total += 1
    first.operation(INTERACT)
    second.status(200)
    second.status(429)
    first.fault("stall")
    second.token()
    assert first.snapshot() == second.snapshot() == {
        "total": 3, "by_operation": {INTERACT: 1}, "by_status": {"200": 1, "429": 1}, "faults": {"stall": 1}}
    assert state.tokens_issued() == 1


def test_shared_stats_reset_zeroes_what_every_worker_counted():
    state = shared()
    first, second = state.stats(0), state.stats(1)
    first.total += 1
    second.status(200)
    second.token()
    first.reset()
    assert second.snapshot() == {"total": 0, "by_operation": {}, "by_status": {}, "faults": {}}
    assert state.tokens_issued() == 0
    second.total += 1
    assert first.snapshot()["total"] == 1


def test_shared_faults_and_resets_bump_the_versions_workers_compare():
    state = shared()
    generation, version, _ = state.header()
    state.publish_faults(["stall:0.5"])
    state.reset()
    assert state.faults() == ["stall:0.5"]
    assert state.header()[:2] == (generation + 1, version + 1)
