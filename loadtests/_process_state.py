"""What one Locust process shares between its listeners and its users during a run.

Locust's `request` event carries no environment, and one Locust process runs one environment: the listeners
reach the state through `current_state()`, users through `process_state(environment)`. A new run (test_start)
starts new measurements, a new seeded traffic source and a new schedule, so a web UI user can run again.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from locust.runners import MasterRunner, WorkerRunner

from generators import Traffic, worker_seed
from loadtests._cpu import CpuSampler
from loadtests._measurements import Measurements
from loadtests._options import LoadOptions
from loadtests._pacing import GlobalRate
from loadtests._run_settings import Fingerprint, RunSettings, from_environment
from loadtests._trust import read_schedstat

MIN_CPU_INTERVAL_S = 0.25
YOUNG_THRESHOLD = 10_000  # CPython's default is 700 allocations
_STATES: weakref.WeakKeyDictionary[Any, ProcessState] = weakref.WeakKeyDictionary()
_current: ProcessState | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """A worker's part of the run, sent by the master at test start (loadtests._listeners)."""

    stride: int  # workers in the run
    offset: int  # this worker's place among them
    shape: str  # the shape the master runs
    run_time: float | None  # the master's --run-time (workers forked by --processes do not keep it)


class ProcessState:
    """Settings, measurements, traffic and schedule of one Locust process."""

    def __init__(self, environment: Any, settings: RunSettings | None = None) -> None:
        self._environment = weakref.ref(environment)
        # Parsed once at init, again only when Locust's options changed (loadtests._run_settings).
        self.settings = settings if settings is not None else RunSettings()
        self.parsed_from: Fingerprint | None = None  # what `settings` were parsed from; None: not from Locust's
        self.applied: Fingerprint | None = None  # what the target profile and the gates were last applied for
        self.measurements: Measurements | None = None
        self.rate: GlobalRate | None = None
        self.schedule: Schedule | None = None  # a worker's part of the run, from the master
        self.start_at = 0.0  # epoch seconds: when this run's load started (on the master: the last worker's start)
        self.worker_starts: dict[str, float] = {}  # master: each worker's start, epoch seconds
        self.finals_pending: set[str] = set()  # master: workers whose final measurements are still awaited
        self.stop_reason: str | None = None
        self.incidents: list[str] = []  # what went wrong without ending the run (a lost worker)
        self.interrupted_by: str | None = None  # the signal that stopped the run (loadtests._verdict: INTERRUPTED)
        self.verdict: str | None = None  # the finished run's verdict headline, as every report says it
        self.requests_seen = 0  # requests this process measured in this run (for --requests)
        self.count_reached = False  # the run ended on --requests: it ran its course
        # The target profile's headers, credentials included: a mapping whose `authorization` is read from the
        # process's token cache at each access (targets._auth); set by loadtests._target_profile.apply.
        self.target_headers: Mapping[str, str] = {}
        self.location_hint: str | None = None  # the profile's: /ee/{hint}/ in the paths
        self.run_number = 0
        self.running = False
        self.finished = False
        self.run_id = ""
        self.stopping_at: float | None = None
        self._stopping_clock: float | None = None  # the same moment on the schedule's monotonic clock
        self._users = 0
        self._traffic: Traffic | None = None
        self._traffic_key: tuple[int, tuple[tuple[str, float], ...]] | None = None
        self._sampler: CpuSampler | None = None
        self._cpu_at = 0.0  # when the last CPU sample (or the baseline) was taken
        self._schedstat: tuple[tuple[int, int, int], float] | None = None  # last reading, at (monotonic)

    @property
    def options(self) -> LoadOptions:
        """Our options, typed: the part of the settings most consumers read."""
        return self.settings.load

    @options.setter
    def options(self, options: LoadOptions) -> None:
        self.settings = replace(self.settings, load=options)

    def refresh_settings(self) -> bool:
        """Parse the settings again if Locust's options changed since they were parsed (the web UI's start form,
        a master's spawn message); True if they were. Nothing is parsed when nothing changed."""
        environment = self._environment()
        fingerprint = Fingerprint.of(environment)
        if fingerprint == self.parsed_from:
            return False
        self.settings = from_environment(environment)
        self.parsed_from = fingerprint
        return True

    @property
    def worker_index(self) -> int:
        environment = self._environment()
        index = getattr(getattr(environment, "runner", None), "worker_index", 0)
        return max(0, int(index)) if isinstance(index, int) else 0

    @property
    def worker_count(self) -> int:
        return self.schedule.stride if self.schedule else 1

    @property
    def seed(self) -> int:
        """This process's seed: the base seed, or a per-worker one derived from it (generators._traffic)."""
        runner = getattr(self._environment(), "runner", None)
        return worker_seed(self.options.seed, self.worker_index) if isinstance(runner, WorkerRunner) else (
            self.options.seed)

    @property
    def traffic(self) -> Traffic:
        if self._traffic is None:
            self.prepare_traffic()
        assert self._traffic is not None
        return self._traffic

    def prepare_traffic(self) -> None:
        """Build the seeded traffic source (about half a second: its pools) unless the one built still fits.

        Called at init and after each run, never at the start of one: a run's first requests must not wait.
        """
        key = (self.seed, tuple(sorted((self.options.mix or {}).items())))
        if self._traffic is None or key != self._traffic_key:
            self._traffic = Traffic(key[0], mix=self.options.mix)
            self._traffic_key = key
            settle_memory()

    def next_user_index(self) -> int:
        """A process-wide user number, interleaved over the workers so that pacing phases stay spread."""
        index = self._users * self.worker_count + (self.schedule.offset if self.schedule else 0)
        self._users += 1
        return index

    def record_late(self, n: int) -> None:
        if self.measurements is not None:
            self.measurements.record_late(n, time.time())

    def sampler_primed(self) -> None:
        """Start psutil's CPU baseline now, so the first sample of the run covers its very start."""
        self._sampler = CpuSampler(interval_s=0.5)
        self._cpu_at = time.time()

    def sample_cpu(self, *, final: bool = False) -> None:
        """One CPU sample over the time since the previous one; a final one only if that time is long enough
        to mean something (a percentage over a few milliseconds of start-up or shutdown is noise, not load)."""
        if self._sampler is None or self.measurements is None:
            return
        at = time.time()
        if final and at - self._cpu_at < MIN_CPU_INTERVAL_S:
            return
        self._cpu_at = at
        self.measurements.record_cpu(at, self._sampler.sample().percent)

    def sample_runqueue(self) -> None:
        """Add the event loop thread's run-queue wait since the last reading to this run's trust record (not on a
        master: it times no request, and its figures would dilute its workers')."""
        if isinstance(getattr(self._environment(), "runner", None), MasterRunner):
            return
        now, reading = time.monotonic(), read_schedstat()
        previous, self._schedstat = self._schedstat, None if reading is None else (reading, now)
        if previous is not None and reading is not None and self.measurements is not None:
            self.measurements.trust.add_schedstat(previous[0], reading, now - previous[1])

    def begin_run(self, source: str) -> None:
        started = self.start_at = time.time()
        warmup = self.options.warmup
        self.measurements = Measurements(started, warmup_until=started + warmup if warmup > 0 else None,
                                         source=source)
        self.run_number += 1
        self.running = True
        self.finished = False
        self.stop_reason = None
        self.incidents = []
        self.interrupted_by = None
        self.verdict = None
        self.requests_seen = 0
        self.count_reached = False
        self.stopping_at = self._stopping_clock = None
        self.run_id = self.options.run_id or time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
        self._users = 0
        self.sampler_primed()
        self._schedstat = None
        self.sample_runqueue()  # the baseline

    def stopping(self) -> None:
        """The run was asked to stop: the load ends now, whatever the stopping itself takes."""
        if self.running and self.stopping_at is None:
            self.stopping_at = time.time()
            self._stopping_clock = time.monotonic()

    def end_run(self, *, finish: bool) -> None:
        """The run has stopped; `finish` marks its end in the measurements (not on workers: the master's end
        is the run's end, and a worker's later one would stretch it when merged)."""
        if self.running and self.measurements is not None:
            self.sample_cpu(final=True)  # the last stretch of the run
            self.sample_runqueue()
            if self.rate is not None and self.rate.started:
                # Slots due until the load was asked to stop: later ones were never part of the run.
                end = self._stopping_clock if self._stopping_clock is not None else time.monotonic()
                self.measurements.record_slots(self.rate.slots(end)._asdict())
            if finish:
                self.measurements.finish(self.stopping_at or time.time())
        self.running = False

    def rebuild_traffic(self) -> None:
        """The next run starts from its seed again: rebuild the traffic between runs, not at the next start."""
        self._traffic = None
        self.prepare_traffic()


def settle_memory() -> None:
    """Keep the garbage collector off the long-lived pools and out of the hot path.

    The traffic pools are hundreds of thousands of objects that live as long as the process, and every request
    allocates a few hundred short-lived ones (its event, body and parsed answer): with CPython's defaults a
    young-generation collection runs every couple of requests and full ones rescan the pools. Freezing what
    exists now moves it out of every later collection, and a larger first threshold makes the young ones rarer;
    together measured here at about 8 % of the CPU of a request (benchmarks/locust_overhead.py). Called again
    after a rebuild, so the previous pools are unfrozen and collected rather than kept forever.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def set_state(environment: Any, state: ProcessState) -> ProcessState:
    global _current
    _STATES[environment] = state
    _current = state
    return state


def process_state(environment: Any) -> ProcessState:
    """The state of `environment`'s process; one with default settings if our init listener did not run."""
    state = _STATES.get(environment)
    if state is None:
        state = set_state(environment, ProcessState(environment))
    return state


def current_state() -> ProcessState | None:
    return _current
