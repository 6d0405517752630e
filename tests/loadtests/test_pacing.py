"""Pacing with a fake clock: spread per-user clocks, the global schedule, late and skipped requests."""

from __future__ import annotations

import itertools
import random

import pytest

from loadtests import _shape_math as shape_math
from loadtests._pacing import GlobalRate, UserPacing, spread_phase


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _first_sends(phases: list[float], rate: float) -> list[float]:
    """Offsets (within one interval) at which paced users with these phases first send, on a fake clock."""
    clock = FakeClock()
    return [UserPacing(rate, phase, clock=clock).delay() for phase in phases]


def _max_in_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    return max(sum(1 for t in ordered if start <= t < start + window) for start in ordered)


def test_spread_phase_covers_the_interval_evenly_for_any_user_count() -> None:
    for users in (7, 10, 100, 300):
        phases = sorted(spread_phase(i) for i in range(users))
        gaps = [b - a for a, b in zip(phases, [*phases[1:], phases[0] + 1.0], strict=True)]
        assert max(gaps) < 2.7 / users  # three-gap theorem: the golden-ratio sequence never clusters


def test_user_pacing_spreads_users_where_a_common_clock_fires_in_lock_step() -> None:
    rate, users = 10.0, 100  # 1,000 requests/s in total
    spread = _first_sends([spread_phase(i) for i in range(users)], rate)
    lock_step = _first_sends([0.0] * users, rate)
    window = 0.1 / rate  # a tenth of the interval
    assert _max_in_window(lock_step, window) == users  # every user at once: the flaw being fixed
    assert _max_in_window(spread, window) <= 2 * users // 10


def test_user_pacing_keeps_its_interval_without_drift() -> None:
    clock = FakeClock()
    pacing = UserPacing(4.0, 0.5, clock=clock)
    sends = []
    for _ in range(9):
        clock.now += pacing.delay()
        sends.append(clock.now)
        clock.now += 0.003  # the request takes 3 ms
    assert [b - a for a, b in itertools.pairwise(sends)] == pytest.approx([0.25] * 8)
    assert sends[0] == pytest.approx(1000.125)  # the clock starts after half an interval


def test_user_pacing_counts_a_late_request_and_restarts_without_a_burst() -> None:
    clock, late = FakeClock(), []
    pacing = UserPacing(10.0, 0.0, clock=clock, on_late=late.append)
    clock.now += pacing.delay()
    clock.now += 0.35  # a request that took 350 ms: 2.5 intervals
    assert pacing.delay() == 0.0
    assert late == [1]
    assert pacing.delay() == pytest.approx(0.1)  # next one a full interval later, not three at once


def test_global_rate_hands_out_the_target_rate_over_time() -> None:
    clock = FakeClock()
    rate = GlobalRate(shape_math.constant(200, run_time=30), clock=clock)
    rate.start()
    dues = []
    while (due := rate.claim()) is not None:
        dues.append(due - 1000.0)
        clock.now = max(clock.now, due)  # an idle user sends on time
    assert len(dues) == 6000  # 200/s for 30 s, exactly
    assert dues[:3] == pytest.approx([0.0025, 0.0075, 0.0125])
    assert rate.late == 0


def test_global_rate_follows_a_ramp() -> None:
    clock = FakeClock(0.0)
    rate = GlobalRate(shape_math.ramp(100, ramp_up=10, run_time=20), clock=clock)
    rate.start()
    dues = []
    while (due := rate.claim()) is not None:
        dues.append(due)
    assert len(dues) == 1500  # 500 during the ramp, 1000 at the top
    assert sum(1 for due in dues if due < 5) == 125  # a quarter of the ramp's area by its midpoint


def test_global_rate_interleaves_workers_without_doubling_up() -> None:
    profile = shape_math.constant(90, run_time=2)
    alone = GlobalRate(profile, clock=FakeClock(0.0))
    workers = [GlobalRate(profile, stride=3, offset=k, clock=FakeClock(0.0)) for k in range(3)]
    for schedule in (alone, *workers):
        schedule.start(0.0)

    def drain(schedule: GlobalRate) -> list[float]:
        dues = []
        while (due := schedule.claim()) is not None:
            dues.append(due)
        return dues

    assert sorted(d for w in workers for d in drain(w)) == pytest.approx(drain(alone))


def test_global_rate_counts_requests_sent_late_when_they_go_out() -> None:
    clock, late = FakeClock(0.0), []
    rate = GlobalRate(shape_math.constant(100, None), clock=clock, on_late=late.append)
    rate.start()
    clock.now = 0.5  # users were busy: the first slot is claimed half a second after it was due
    first = rate.claim()
    assert first == pytest.approx(0.005)
    assert late == []  # claiming is not sending
    assert rate.sent(first) == pytest.approx(0.495)  # how far behind its schedule it went out
    assert late == [1]
    assert (rate.on_time, rate.late) == (0, 1)


def test_global_rate_counts_a_slot_claimed_on_time_but_sent_late_as_late() -> None:
    # The user claimed in time and slept until the slot was due, but the process waited 30 ms for a core.
    clock = FakeClock(0.0)
    rate = GlobalRate(shape_math.constant(100, None), clock=clock)
    rate.start()
    due = rate.claim()
    assert due == pytest.approx(0.005)
    assert rate.sent(due, at=0.006) == pytest.approx(0.001)
    assert rate.sent(rate.claim() or 0.0, at=0.045) == pytest.approx(0.030)
    assert (rate.on_time, rate.late) == (1, 1)


def test_global_rate_skips_a_backlog_older_than_max_lag_and_counts_it_never_sent() -> None:
    clock = FakeClock(0.0)
    rate = GlobalRate(shape_math.constant(100, None), clock=clock, max_lag=1.0)
    rate.start()
    clock.now = 3.0  # a 3 s stall: 300 slots were due
    due = rate.claim()
    assert due is not None
    assert 2.0 < due <= 2.01
    rate.sent(due)
    assert rate.skipped == 200
    assert rate.slots(3.0) == (300, 0, 1, 299, 200)  # none silently dropped, none counted twice


def test_global_rate_slots_count_what_fell_due_while_every_user_was_blocked_to_the_end() -> None:
    # 10 users each sent one request at the start and were still waiting for its answer when the run ended.
    clock = FakeClock(0.0)
    rate = GlobalRate(shape_math.constant(500, run_time=2), clock=clock)
    rate.start()
    for _ in range(10):
        due = rate.claim()
        assert due is not None
        clock.now = due
        rate.sent(due)
    assert rate.slots(2.0) == (1000, 10, 0, 990, 0)


def test_global_rate_slots_add_up_exactly_for_any_mix_of_on_time_late_and_lost() -> None:
    rng = random.Random(7)
    for stride in (1, 2, 3):
        for offset in range(stride):
            clock = FakeClock(0.0)
            rate = GlobalRate(shape_math.ramp(300, ramp_up=2, run_time=6), stride=stride, offset=offset,
                              clock=clock)
            rate.start()
            sent = 0
            while clock.now < 6.0 and (due := rate.claim()) is not None:
                clock.now = max(clock.now, due) + rng.choice((0.0, 0.0, 0.002, 0.03, 0.3, 1.5))
                if rng.random() < 0.9:  # a user stopped while waiting never sends its slot
                    rate.sent(due, at=max(due, clock.now - 0.001))
                    sent += 1
            end = min(clock.now, 6.0)
            counts = rate.slots(end)
            assert counts.on_time + counts.late == sent
            assert counts.scheduled == counts.on_time + counts.late + counts.never_sent
            expected = rate.due_by(max(end, 0.0))
            assert counts.scheduled >= expected
            assert 0 <= counts.skipped <= counts.never_sent


def test_global_rate_due_by_counts_each_process_share_of_the_interleave() -> None:
    profile = shape_math.constant(90, run_time=2)
    workers = [GlobalRate(profile, stride=3, offset=k, clock=FakeClock(0.0)) for k in range(3)]
    for worker in workers:
        worker.start(0.0)
    assert [w.due_by(1.0) for w in workers] == [30, 30, 30]
    assert sum(w.due_by(0.5) for w in workers) == 45
    assert [w.due_by(9.0) for w in workers] == [60, 60, 60]  # the profile ended at 2 s
    alone = GlobalRate(profile, clock=FakeClock(0.0))
    alone.start(0.0)
    due = alone.claim()
    assert due is not None
    assert alone.due_by(due) == 1


def test_global_rate_is_over_when_the_profile_ends() -> None:
    clock = FakeClock(0.0)
    rate = GlobalRate(shape_math.constant(10, run_time=1), clock=clock)
    rate.start()
    assert [rate.claim() is not None for _ in range(11)] == [True] * 10 + [False]
    assert rate.delay() is None


def test_global_rate_restride_hands_a_lost_workers_slots_to_the_survivors() -> None:
    profile = shape_math.constant(90, run_time=2)  # 180 slots
    alone = GlobalRate(profile, clock=FakeClock(0.0))
    workers = [GlobalRate(profile, stride=3, offset=k, clock=FakeClock(0.0)) for k in range(3)]
    for schedule in (alone, *workers):
        schedule.start(0.0)
    lost = [workers[2].claim() for _ in range(20)]  # its slots 2, 5, ... 59, then it dies
    for offset, survivor in enumerate(workers[:2]):
        survivor.restride(2, offset, from_slot=60)

    def drain(schedule: GlobalRate) -> list[float]:
        dues = []
        while (due := schedule.claim()) is not None:
            dues.append(due)
        return dues

    sent = sorted([*lost, *drain(workers[0]), *drain(workers[1])])
    assert sent == pytest.approx(drain(alone))
    assert [w.due_by(9.0) for w in workers[:2]] == [20 + 60, 20 + 60]  # 20 before the switch, half of 120 after


def test_global_rate_restride_twice_and_a_new_run_starts_from_the_first_stride() -> None:
    profile = shape_math.constant(90, run_time=2)
    rate = GlobalRate(profile, stride=3, offset=1, clock=FakeClock(0.0))
    rate.start(0.0)
    rate.restride(2, 1, from_slot=30)
    rate.restride(1, 0, from_slot=90)
    # 10 slots of 30 (1, 4, ... 28), 30 of 60 (31, 33, ... 89), then all 90 left.
    assert rate.due_by(9.0) == 10 + 30 + 90
    rate.start(0.0)
    assert (rate.stride, rate.offset, rate.due_by(9.0)) == (3, 1, 60)
