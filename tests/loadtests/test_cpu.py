from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from loadtests._cpu import CpuSample, CpuSampler
from loadtests._measurements import Measurements


class _FakeProcess:
    """psutil.Process stand-in: cpu_percent returns scripted values (the first call is the priming one)."""

    def __init__(self, percents: list[float]) -> None:
        self.percents = [0.0, *percents]
        self.calls = 0

    def cpu_percent(self, interval: float | None = None) -> float:
        assert interval is None  # never blocking: a blocking call would freeze a gevent process
        self.calls += 1
        return self.percents.pop(0)


def _clock(times: list[float]):
    return lambda: times.pop(0)


def test_cpu_sampler_primes_at_construction_and_records_samples():
    process = _FakeProcess([35.0, 97.5])
    sampler = CpuSampler(process=process, clock=_clock([10.0, 11.0]))
    assert process.calls == 1
    assert sampler.sample() == CpuSample(at=10.0, percent=35.0)
    sampler.sample()
    assert sampler.samples == [CpuSample(10.0, 35.0), CpuSample(11.0, 97.5)]


def test_cpu_sampler_feeds_measurements_through_on_sample():
    measurements = Measurements(0.0, source="worker-3")
    sampler = CpuSampler(process=_FakeProcess([42.0]), clock=_clock([1.5]), on_sample=measurements.record_cpu)
    sampler.sample()
    assert measurements.cpu_samples == [(1.5, 42.0, "worker-3")]
    assert measurements.summary(2.0).cpu["max"] == 42.0



def test_cpu_sampler_start_uses_the_spawn_hook_and_stop_takes_a_final_sample():
    spawned: list[Callable[[], None]] = []
    sampler = CpuSampler(interval_s=0.5, process=_FakeProcess([20.0]), clock=_clock([3.0]))
    sampler.start(spawn=spawned.append)
    assert len(spawned) == 1
    sampler.start(spawn=spawned.append)  # idempotent while running
    assert len(spawned) == 1
    sampler.stop()
    spawned[0]()  # the loop returns at once once stopped
    assert sampler.samples == [CpuSample(3.0, 20.0)]


def test_cpu_sampler_rejects_a_non_positive_interval():
    with pytest.raises(ValueError, match="positive"):
        CpuSampler(interval_s=0)


def test_cpu_sampler_measures_this_process_for_real():
    sampler = CpuSampler()
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # burn 50 ms of CPU
        pass
    sample = sampler.sample()
    assert sample.percent > 0.0
