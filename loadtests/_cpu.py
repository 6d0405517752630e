"""The load generator's own CPU, sampled from the start of the run.

A saturated generator measures its own queue, not the target (measured here: Locust reports a p50 of 6 ms at 50 users
against a true 0.6 ms), and Locust's own `cpu_warning` samples every 10 s after a baseline, so it never fires in runs of
20 s or less (https://github.com/locustio/locust/blob/master/locust/runners.py). So the run samples its CPU from the
start and fails a default gate (`cpu<90%`) when saturated. Percentages are of ONE core, as `psutil.Process.cpu_percent`
reports them: one gevent process can use at most one core, so 100 % is saturation.

Two ways to drive it:
- call `sample()` periodically from whatever scheduler the caller has (a gevent greenlet in Locust processes);
- `start()` runs a loop every `interval_s`. Without a `spawn` hook it is a daemon `threading.Thread`; under gevent's
  monkey-patching that thread is a greenlet, which is still correct: `cpu_percent` averages over the time actually
  elapsed since the previous sample, so a starved sampler reports late, not wrong. Pass `spawn=gevent.spawn` (or a
  real-thread spawner) to choose explicitly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import psutil


class CpuSource(Protocol):
    """What the sampler reads: `psutil.Process` (tests pass a scripted stand-in)."""

    def cpu_percent(self, interval: float | None = None) -> float: ...


@dataclass(frozen=True, slots=True)
class CpuSample:
    at: float  # epoch seconds (time.time()) at the end of the sampled interval
    percent: float  # percent of one core over the interval since the previous sample


class CpuSampler:
    """Samples this process's CPU; every sample is kept and also passed to `on_sample(at, percent)`."""

    def __init__(
        self,
        interval_s: float = 1.0,
        *,
        on_sample: Callable[[float, float], None] | None = None,
        clock: Callable[[], float] = time.time,
        process: CpuSource | None = None,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = interval_s
        self.samples: list[CpuSample] = []
        self._on_sample = on_sample
        self._clock = clock
        self._process: CpuSource = process if process is not None else psutil.Process()
        self._stop = threading.Event()
        self._running = False
        # The first cpu_percent(None) call only sets the baseline (psutil docs): prime it now, at construction,
        # so the very first sample() already covers the start of the run.
        self._process.cpu_percent(None)

    def sample(self) -> CpuSample:
        """Take one sample covering the time since the previous one (or since construction)."""
        sample = CpuSample(at=self._clock(), percent=float(self._process.cpu_percent(None)))
        self.samples.append(sample)
        if self._on_sample is not None:
            self._on_sample(sample.at, sample.percent)
        return sample

    def start(self, spawn: Callable[[Callable[[], None]], object] | None = None) -> None:
        """Sample every `interval_s` until `stop()`; `spawn` runs the loop (default: a daemon thread)."""
        if self._running:
            return
        self._running = True
        self._stop.clear()
        if spawn is not None:
            spawn(self._loop)
        else:
            threading.Thread(target=self._loop, name="edgeload-cpu-sampler", daemon=True).start()

    def stop(self) -> None:
        """End the loop started by `start()`; takes one final sample so the end of the run is covered."""
        if self._running:
            self._running = False
            self._stop.set()
            self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()
