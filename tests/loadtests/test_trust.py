"""The generator's clock, with plain numbers: probe wake-ups, schedstat readings, the bound and its verdict."""

from __future__ import annotations

import json

import pytest

from loadtests._trust import TrustRecord, describe, judge, parse_schedstat, read_schedstat


def _record(lags_ms: list[float]) -> TrustRecord:
    record = TrustRecord()
    for index, lag in enumerate(lags_ms):
        record.observe_wake(index * 0.005, index * 0.005 + lag / 1000.0)
    return record


def test_parse_schedstat_reads_cpu_time_run_queue_wait_and_slices():
    assert parse_schedstat("1520348 30774 12\n") == (1520348, 30774, 12)
    assert parse_schedstat("") is None
    assert parse_schedstat("not a schedstat line") is None


def test_read_schedstat_answers_none_where_the_kernel_keeps_none(tmp_path):
    assert read_schedstat(str(tmp_path / "missing")) is None
    reading = read_schedstat()  # this thread, on the Linux these tests run on
    assert reading is not None
    assert reading[0] > 0
    assert reading[2] > 0


def test_trust_record_keeps_each_wake_up_lag_exactly():
    record = _record([0.0] * 90 + [0.4] * 9 + [4.0])
    trust = judge(record, reference_ms=1.0)
    assert trust["probe_wakeups"] == 100
    assert trust["lag_p50_ms"] == 0.001  # on time is the histogram's 1 µs floor
    assert trust["lag_p99_ms"] == pytest.approx(0.4, rel=0.001)
    assert trust["lag_max_ms"] == 4.0
    assert trust["bound_ms"] == 2.0
    # The send and the answer: one wake-up at the p99 lag, the other at the p50 lag (not both at the p99).
    assert trust["error_ms"] == pytest.approx(0.401, rel=0.001)
    assert trust["distortion_pct"] == pytest.approx(20.05, rel=0.001)
    assert trust["headline"] is None


def test_trust_record_weighs_a_stall_by_the_wake_ups_it_swallowed():
    # One 25 ms stall of a 5 ms probe: every answer arriving during it waited too, from 25 ms down to 5.
    record = _record([0.0] * 4 + [25.0])
    assert record.lag.count == 9
    trust = judge(record, reference_ms=1.0)
    assert trust["lag_p50_ms"] == pytest.approx(5.0, rel=0.001)
    assert trust["lag_max_ms"] == 25.0


def test_judge_scales_the_bound_with_the_p50_above_20_ms():
    record = _record([8.0] * 100)  # 16 ms for a request's two wake-ups
    assert judge(record, reference_ms=200.0)["bound_ms"] == 20.0
    assert judge(record, reference_ms=200.0)["headline"] is None
    assert judge(record, reference_ms=19.0)["bound_ms"] == 2.0
    assert judge(record, reference_ms=None)["bound_ms"] == 2.0  # no requests: the floor


def test_judge_reads_the_run_queue_wait_per_wake_up_and_share_of_time():
    record = _record([0.1] * 100)
    record.add_schedstat((1_000, 2_000, 10), (501_000, 30_002_000, 20), 1.0)  # 30 ms waited over 10 wake-ups
    trust = judge(record, reference_ms=1.0, cpu_max=50.0)
    assert trust["runqueue_wait_pct"] == pytest.approx(3.0)
    assert trust["runqueue_wait_per_wakeup_ms"] == pytest.approx(3.0)
    assert trust["distortion_pct"] == pytest.approx(300.0)
    assert trust["headline"] is not None
    assert trust["headline"].startswith("not trustworthy: the load generator's clock")


@pytest.mark.parametrize(("wait_pct", "cpu_max", "advice"), [
    pytest.param(40.0, 30.0, "other processes are taking the cores", id="neighbours"),
    pytest.param(1.0, 97.0, "the generator is saturated: fewer users per core, or more workers", id="saturated"),
    pytest.param(40.0, 97.0, "run fewer users per core, more workers (--workers N), or on a quieter machine",
                 id="both"),
])
def test_describe_says_what_to_do_from_who_held_the_cores(wait_pct, cpu_max, advice):
    record = _record([50.0] * 100)
    record.add_schedstat((0, 0, 0), (0, round(wait_pct * 1e7), 1_000), 1.0)
    trust = judge(record, reference_ms=1.0, cpu_max=cpu_max)
    assert advice in describe(trust)
    assert "its 5 ms timer woke 50.0 ms late at p99 (max 50.0 ms)" in describe(trust)


def test_trust_record_travels_by_wire_and_adds_up():
    first, second = _record([0.2] * 50), _record([4.0] * 50)
    second.add_schedstat((0, 0, 0), (5, 7, 3), 0.5)
    merged = TrustRecord()
    for record in (first, second):
        merged.merge_wire(json.loads(json.dumps(record.to_wire())))
    assert merged.lag.count == 100
    assert merged.lag.max_ms == 4.0
    assert merged.counters == {"on_cpu_ns": 5, "wait_ns": 7, "slices": 3, "wall_ns": 500_000_000}
