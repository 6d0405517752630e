"""Everything one run measured, kept exactly, mergeable across Locust workers.

One `Measurements` per process. Locust users call `record()` for every request (the hot path: a few µs, two or
three HDR inserts), the global-rate mode calls `record_late()` and, at the end, `record_slots()`, the CPU sampler
feeds `record_cpu()`. A Locust worker ships
`to_wire()` (JSON-safe) to the master, which `merge_wire()`s it: counts add and HDR histograms add, so the master's
figures are exactly those of one process fed every request. `to_wire(reset=True)` hands
over what was measured since the last call, for periodic worker reports.

Failure categories and the summary types live in run_summary.py.

Latency from the schedule: in the open model (`--target-rps`) each request also has the time it was due, and its
latency counted from then (`schedule_us`) goes into a histogram of its own. Percentiles then come from it, as
wrk2 reports them (https://github.com/giltene/wrk2, "coordinated omission"): a request that waited for a free
user or a CPU core waited in the client's queue, and a real population of clients would have seen that wait. The
latency from the moment of sending stays beside it (`send_p99_ms` ...). Closed-model runs have no schedule: both
are the same figures.

The warm-up (`warmup_until`, epoch seconds, set before recording) is kept apart: requests before it appear in the
timeline and the totals but not in the per-operation statistics the gates read. Contract violations count the
whole run, warm-up included: the warm-up excuses slowness, not wrong answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from loadtests import _trust as trust
from loadtests._latency import LatencyHistogram
from loadtests._run_summary import (
    OVERALL,
    SLOT_FIELDS,
    CpuSummary,
    ExampleExchange,
    OperationSummary,
    RunSummary,
    SlotSummary,
    TimelineWindow,
    is_contract_violation,
)

WIRE_VERSION = 1
_WINDOW_DIGITS = 2  # per-second chart windows: 1 % is plenty for a chart and costs 7x less memory than 3 digits
_LIVE_WINDOWS = 4  # windows kept as live histograms; older ones are packed to their encoded form (a soak is long)


class _Operation:
    __slots__ = ("broken", "failures", "failures_by_category", "hist", "requests", "sched", "warmup_failures",
                 "warmup_failures_by_category", "warmup_requests")

    def __init__(self) -> None:
        self.requests = 0
        self.failures = 0
        self.failures_by_category: dict[str, int] = {}
        self.hist = LatencyHistogram()  # from the send
        self.sched = LatencyHistogram()  # from the schedule (open model only)
        self.warmup_requests = 0
        self.warmup_failures = 0
        self.warmup_failures_by_category: dict[str, int] = {}
        self.broken = 0  # responses with at least one contract violation, warm-up included


class _Window:
    __slots__ = ("by_operation", "failures", "late", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.late = 0
        self.by_operation: dict[str, int] = {}
        self.failures: dict[str, int] = {}


def _add(counts: dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def _sum_counts(*counts: Mapping[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for each in counts:
        for key, n in each.items():
            _add(total, key, n)
    return total


class Measurements:
    """Collects one run: see the module docstring. Timestamps `at` are epoch seconds (time.time())."""

    def __init__(self, started: float, *, warmup_until: float | None = None, source: str = "local") -> None:
        self.started = started
        self.warmup_until = warmup_until
        self.ended: float | None = None
        self.source = source  # names this process's CPU samples ("worker-1" ...)
        self.late = 0
        self.slots = dict.fromkeys(SLOT_FIELDS, 0)  # the open-model schedule's accounting, added at each end
        self.trust = trust.TrustRecord()  # the generator's own clock: probe lag, run-queue wait (loadtests._trust)
        self.examples: dict[str, ExampleExchange] = {}
        self.cpu_samples: list[tuple[float, float, str]] = []  # (at, percent, source)
        self._operations: dict[str, _Operation] = {}
        self._windows: dict[int, _Window] = {}
        self._live: dict[int, LatencyHistogram] = {}
        self._packed: dict[int, str] = {}
        self._examples_taken: set[str] = set()  # survives reset: a worker ships one example per category
        self._last_at = started

    # --- recording (hot path) ---------------------------------------------------------------------------------
    def record(self, operation: str, latency_us: int, failure: str | Sequence[str] | None, at: float,
               schedule_us: int | None = None) -> None:
        """One request: its operation label, latency, failure category or categories (None: it passed), time, and
        in the open model its latency counted from the time it was due."""
        op = self._operations.get(operation)
        if op is None:
            op = self._operations[operation] = _Operation()
        categories: Sequence[str] = () if failure is None else (failure,) if isinstance(failure, str) else failure
        if categories and any(is_contract_violation(category) for category in categories):
            op.broken += 1
        if self.warmup_until is not None and at < self.warmup_until:
            op.warmup_requests += 1
            if categories:
                op.warmup_failures += 1
            for category in categories:
                _add(op.warmup_failures_by_category, category)
        else:
            op.requests += 1
            op.hist.record_us(latency_us)
            if schedule_us is not None:
                op.sched.record_us(schedule_us)
            if categories:
                op.failures += 1
                for category in categories:
                    _add(op.failures_by_category, category)
        second = int(at)
        window = self._windows.get(second)
        if window is None:
            window = self._windows[second] = _Window()
        window.requests += 1
        _add(window.by_operation, operation)
        for category in categories:
            _add(window.failures, category)
        self._window_histogram(second).record_us(latency_us if schedule_us is None else schedule_us)
        if at > self._last_at:
            self._last_at = at

    def record_late(self, n: int, at: float) -> None:
        """`n` requests the global-rate mode could not send on time (counted, never silently dropped)."""
        self.late += n
        second = int(at)
        window = self._windows.get(second)
        if window is None:
            window = self._windows[second] = _Window()
        window.late += n

    def record_slots(self, counts: Mapping[str, int]) -> None:
        """Where the slots of one process's schedule went (pacing.SlotCounts._asdict()), once at its end."""
        for key in SLOT_FIELDS:
            self.slots[key] += int(counts[key])

    def record_cpu(self, at: float, percent: float, source: str | None = None) -> None:
        """One CPU sample (percent of one core); `CpuSampler(on_sample=measurements.record_cpu)` feeds it."""
        self.cpu_samples.append((at, percent, source or self.source))

    def wants_example(self, category: str) -> bool:
        """Whether an example exchange for `category` is still wanted (check before rendering one: it costs)."""
        return category not in self._examples_taken

    def record_example(self, category: str, example: ExampleExchange) -> None:
        """Keep the first example exchange of a failure category (the caller has already redacted it)."""
        if category not in self._examples_taken:
            self._examples_taken.add(category)
            self.examples[category] = example

    def finish(self, ended: float) -> None:
        """Mark the end of the run (summary() defaults to the last recorded time otherwise)."""
        self.ended = ended

    def live_totals(self) -> tuple[int, int, float | None]:
        """(requests, failed requests, p95 ms so far) as summary() counts them, without building a summary: the
        progress line reads them every second in the process that sends, where a whole summary (about 20 ms
        into a 30 s run) would hold up the users' event loop. The p95 counts from the schedule in the open model."""
        requests = sum(op.requests + op.warmup_requests for op in self._operations.values())
        failures = sum(op.failures + op.warmup_failures for op in self._operations.values())
        sched, send = LatencyHistogram(), LatencyHistogram()
        for op in self._operations.values():
            sched.merge(op.sched)
            send.merge(op.hist)
        hist = sched if sched.count else send
        return requests, failures, hist.percentile_ms(95.0) if hist.count else None

    def _window_histogram(self, second: int) -> LatencyHistogram:
        hist = self._live.get(second)
        if hist is not None:
            return hist
        packed = self._packed.pop(second, None)
        hist = LatencyHistogram.decode(packed) if packed else LatencyHistogram(_WINDOW_DIGITS)
        self._live[second] = hist
        if len(self._live) > _LIVE_WINDOWS:
            for old in sorted(self._live)[: len(self._live) - _LIVE_WINDOWS]:
                if old != second:
                    self._packed[old] = self._live.pop(old).encode()
        return hist

    # --- wire (worker -> master) --------------------------------------------------------------------------------
    def to_wire(self, *, reset: bool = False) -> dict[str, Any]:
        """A JSON-safe dict of everything measured (since the last reset); `reset=True` then starts afresh."""
        windows: dict[str, dict[str, Any]] = {}
        for second, window in self._windows.items():
            hist = self._live.get(second)
            windows[str(second)] = {
                "requests": window.requests, "late": window.late, "by_operation": dict(window.by_operation),
                "failures": dict(window.failures),
                "hist": hist.encode() if hist is not None else self._packed.get(second),
            }
        wire: dict[str, Any] = {
            "version": WIRE_VERSION, "started": self.started, "ended": self.ended, "last_at": self._last_at,
            "warmup_until": self.warmup_until, "late": self.late, "slots": dict(self.slots),
            "trust": self.trust.to_wire(),
            "examples": dict(self.examples),
            "cpu": [list(sample) for sample in self.cpu_samples], "windows": windows,
            "operations": {
                name: {
                    "requests": op.requests, "failures": op.failures,
                    "failures_by_category": dict(op.failures_by_category), "hist": op.hist.encode(),
                    "sched": op.sched.encode(),
                    "warmup_requests": op.warmup_requests, "warmup_failures": op.warmup_failures,
                    "warmup_failures_by_category": dict(op.warmup_failures_by_category),
                    "broken": op.broken,
                }
                for name, op in self._operations.items()
            },
        }
        if reset:
            self.late = 0
            self.slots = dict.fromkeys(SLOT_FIELDS, 0)
            self.trust = trust.TrustRecord()
            self.examples = {}
            self.cpu_samples = []
            self._operations, self._windows, self._live, self._packed = {}, {}, {}, {}
        return wire

    def merge_wire(self, wire: Mapping[str, Any]) -> None:
        """Add a `to_wire()` dict from another process: counts and histograms add exactly."""
        if wire.get("version") != WIRE_VERSION:
            raise ValueError(f"measurements wire version {wire.get('version')!r}, expected {WIRE_VERSION}")
        self.started = min(self.started, float(wire["started"]))
        if wire["ended"] is not None:
            self.ended = max(self.ended or 0.0, float(wire["ended"]))
        self._last_at = max(self._last_at, float(wire["last_at"]))
        if self.warmup_until is None and wire["warmup_until"] is not None:
            self.warmup_until = float(wire["warmup_until"])
        self.late += int(wire["late"])
        self.record_slots(wire["slots"])
        self.trust.merge_wire(wire["trust"])
        for category, example in wire["examples"].items():
            self.record_example(category, example)
        self.cpu_samples.extend((float(at), float(percent), str(source)) for at, percent, source in wire["cpu"])
        for name, data in wire["operations"].items():
            op = self._operations.get(name)
            if op is None:
                op = self._operations[name] = _Operation()
            op.requests += int(data["requests"])
            op.failures += int(data["failures"])
            op.warmup_requests += int(data["warmup_requests"])
            op.warmup_failures += int(data["warmup_failures"])
            op.broken += int(data["broken"])
            for category, n in data["failures_by_category"].items():
                _add(op.failures_by_category, category, int(n))
            for category, n in data["warmup_failures_by_category"].items():
                _add(op.warmup_failures_by_category, category, int(n))
            op.hist.merge(LatencyHistogram.decode(data["hist"]))
            op.sched.merge(LatencyHistogram.decode(data["sched"]))
        for key, data in wire["windows"].items():
            second = int(key)
            window = self._windows.get(second)
            if window is None:
                window = self._windows[second] = _Window()
            window.requests += int(data["requests"])
            window.late += int(data["late"])
            for name, n in data["by_operation"].items():
                _add(window.by_operation, name, int(n))
            for category, n in data["failures"].items():
                _add(window.failures, category, int(n))
            if data["hist"]:
                self._window_histogram(second).merge(LatencyHistogram.decode(data["hist"]))

    # --- summary ------------------------------------------------------------------------------------------------
    def summary(
        self, ended: float | None = None, *, settings: Mapping[str, Any] | None = None, timeline: bool = True
    ) -> RunSummary:
        """The run's figures at `ended` (default: finish() time, else the last record); `timeline=False` is
        cheaper, for live gate checks every second."""
        end = ended if ended is not None else self.ended if self.ended is not None else self._last_at
        start_measuring = max(self.started, self.warmup_until or self.started)
        measured_s = max(0.0, end - start_measuring)
        operations = {
            name: _operation_summary(op.hist, op.sched, op.requests, op.failures, op.failures_by_category,
                                     op.warmup_requests, op.warmup_failures_by_category, measured_s, op.broken)
            for name, op in sorted(self._operations.items())
        }
        overall_hist, overall_sched = LatencyHistogram(), LatencyHistogram()
        by_category: dict[str, int] = {}
        warmup_by_category: dict[str, int] = {}
        for op in self._operations.values():
            overall_hist.merge(op.hist)
            overall_sched.merge(op.sched)
            for category, n in op.failures_by_category.items():
                _add(by_category, category, n)
            for category, n in op.warmup_failures_by_category.items():
                _add(warmup_by_category, category, n)
        overall = _operation_summary(
            overall_hist, overall_sched, sum(op.requests for op in self._operations.values()),
            sum(op.failures for op in self._operations.values()), by_category,
            sum(op.warmup_requests for op in self._operations.values()), warmup_by_category, measured_s,
            sum(op.broken for op in self._operations.values()))
        cpu = self._cpu_summary(start_measuring)
        violations_by_check: dict[str, int] = {}
        for counts in (by_category, warmup_by_category):
            for category, n in counts.items():
                if is_contract_violation(category):
                    _add(violations_by_check, category, n)
        return RunSummary(
            settings=dict(settings or {}),
            started=self.started,
            ended=end,
            duration_s=max(0.0, end - self.started),
            warmup_until=self.warmup_until,
            measured_s=measured_s,
            operations=operations,
            overall=overall,
            total_requests=overall["requests"] + overall["warmup_requests"],
            total_failures=overall["failures"] + sum(op.warmup_failures for op in self._operations.values()),
            total_failures_by_category=dict(sorted(_sum_counts(by_category, warmup_by_category).items())),
            violations=sum(violations_by_check.values()),
            violations_by_check=dict(sorted(violations_by_check.items())),
            broken_responses=overall["broken_responses"],
            late=self.late,
            slots=self._slot_summary(),
            # The smallest p50 reported sets the tightest bound: from the send, when the schedule's is inflated
            # by the generator's own queue (too few users).
            trust=trust.judge(self.trust, min(filter(None, (overall["p50_ms"], overall["send_p50_ms"])), default=None),
                              cpu["max"]),
            cpu=cpu,
            examples=dict(sorted(self.examples.items())),
            timeline=self._timeline() if timeline else [],
            histograms=self._histograms() if timeline else {},
        )

    def _histograms(self) -> dict[str, str]:
        """The encoded histogram each operation's latency gates read, and the whole run's under OVERALL."""
        encoded: dict[str, str] = {}
        overall = LatencyHistogram()
        for name, op in sorted(self._operations.items()):
            hist = op.sched if op.sched.count else op.hist
            encoded[name] = hist.encode()
            overall.merge(hist)
        encoded[OVERALL] = overall.encode()
        return encoded

    def _slot_summary(self) -> SlotSummary | None:
        slots = self.slots
        if not any(slots.values()):
            return None  # a closed-model run has no schedule
        return SlotSummary(scheduled=slots["scheduled"], on_time=slots["on_time"], late=slots["late"],
                           never_sent=slots["never_sent"], skipped=slots["skipped"])

    def _cpu_summary(self, start_measuring: float) -> CpuSummary:
        measured = [percent for at, percent, _ in self.cpu_samples if at >= start_measuring]
        by_source: dict[str, float] = {}
        for _, percent, source in self.cpu_samples:
            by_source[source] = max(percent, by_source.get(source, percent))
        return CpuSummary(
            max=max(measured, default=None),
            mean=sum(measured) / len(measured) if measured else None,
            samples=len(measured),
            all_max=max((percent for _, percent, _ in self.cpu_samples), default=None),
            by_source=dict(sorted(by_source.items())),
            timeline=sorted((round(at - self.started, 3), percent, source) for at, percent, source in self.cpu_samples),
        )

    def _timeline(self) -> list[TimelineWindow]:
        if not self._windows:
            return []
        first, last = min(self._windows), max(self._windows)
        windows: list[TimelineWindow] = []
        # Every second from first to last, empty ones included: a chart must show a stall as zero, not skip it.
        for second in range(first, last + 1):
            window = self._windows.get(second) or _Window()
            hist = self._live.get(second)
            if hist is None and second in self._packed:
                hist = LatencyHistogram.decode(self._packed[second])
            has = hist is not None and hist.count > 0
            windows.append(TimelineWindow(
                t=round(second - self.started, 3),
                requests=window.requests,
                by_operation=dict(sorted(window.by_operation.items())),
                failures=dict(sorted(window.failures.items())),
                late=window.late,
                p50_ms=hist.percentile_ms(50) if hist is not None and has else None,
                p95_ms=hist.percentile_ms(95) if hist is not None and has else None,
                p99_ms=hist.percentile_ms(99) if hist is not None and has else None,
                hist=hist.encode() if hist is not None and has else None,  # windowed gates (loadtests._windows)
            ))
        return windows


def _operation_summary(
    send: LatencyHistogram, sched: LatencyHistogram, requests: int, failures: int, by_category: Mapping[str, int],
    warmup_requests: int, warmup_by_category: Mapping[str, int], measured_s: float, broken: int,
) -> OperationSummary:
    # Every request of an open-model run has a schedule: its figures lead; a closed-model run has none.
    hist = sched if sched.count else send
    empty = hist.count == 0
    violations = sum(n for counts in (by_category, warmup_by_category)
                     for category, n in counts.items() if is_contract_violation(category))
    return OperationSummary(
        requests=requests,
        failures=failures,
        failures_by_category=dict(sorted(by_category.items())),
        violations=violations,
        broken_responses=broken,
        warmup_requests=warmup_requests,
        error_rate=failures / requests if requests else None,
        rps=requests / measured_s if measured_s > 0 else None,
        p50_ms=None if empty else hist.percentile_ms(50),
        p90_ms=None if empty else hist.percentile_ms(90),
        p95_ms=None if empty else hist.percentile_ms(95),
        p99_ms=None if empty else hist.percentile_ms(99),
        max_ms=None if empty else hist.max_ms,
        mean_ms=None if empty else hist.mean_ms,
        min_ms=None if empty else hist.min_ms,
        latency_from="schedule" if sched.count else "send",
        send_p50_ms=None if empty else send.percentile_ms(50),
        send_p90_ms=None if empty else send.percentile_ms(90),
        send_p95_ms=None if empty else send.percentile_ms(95),
        send_p99_ms=None if empty else send.percentile_ms(99),
        send_max_ms=None if empty else send.max_ms,
        send_mean_ms=None if empty else send.mean_ms,
    )
