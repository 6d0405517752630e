"""Whether a run's own clock can be believed: the generator's scheduling lag and its wait for a CPU core.

A load generator times each request on its own event loop. When that loop is late to run, because the process
waits for a core (a neighbour on a shared CI runner takes it) or is busy with its own users, every timestamp it
takes is late by as much, and every latency it reports is too long by that delay. The figures then describe the
generator, not the target, and nothing else in the run says so: the generator's own CPU can stay low while a
neighbour holds the cores.

Two measurements, taken in every Locust process that runs users, for the whole run:

- a probe: a greenlet that asks to wake every `PROBE_INTERVAL_S` and records how late it wakes (`observe_wake`),
  in an exact histogram. A response that arrives while the loop is late is timed late by the same delay, so the
  probe's lag distribution is the error added to the run's latencies;
- the kernel's account of the event loop's thread, `/proc/thread-self/schedstat`: time on a CPU, time spent
  waiting on a run queue, and the number of times it ran (https://docs.kernel.org/scheduler/sched-stats.html);
  the wait per wake-up is how late the thread gets a core on average, whatever woke it.

The bound (`judge`): each reported percentile is to be within 10 % of the truth, or 2 ms for small latencies,
so the lag a request can pick up must stay below `max(2 ms, 10 % of the run's p50)`: the smallest percentile
reported sets the tightest bound (of an open-model run's two p50s, the smaller: from the send). A request is
timed at two wake-ups of the loop, when it is sent (which the latency from the schedule includes) and when its
answer is read, each as late as the loop is, so the error estimated is the probe's p99 lag plus its p50 lag (the
99th percentile of two independent wake-ups' summed lag: one rare stall and one typical wake-up, not two stalls
at once), or twice the mean run-queue wait per wake-up, whichever is larger; `distortion_pct` is that estimate as
a percentage of the bound, which the `trust` gate reads (`trust<=100%`, loadtests._gates).
benchmarks/trust_accuracy.py holds the claim to account against wrk, side by side
(docs/performance.md#trust-gate-against-wrk): an estimate from one wake-up alone passed a busy run whose p99 was
14 % off wrk's; twice the p99 lag failed quiet runs whose figures were within the bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loadtests._latency import LatencyHistogram
from loadtests._run_summary import TrustSummary

PROBE_INTERVAL_S = 0.005  # 200 wake-ups/s: enough for a p99 within a second, a few µs of CPU each
BOUND_FLOOR_MS = 2.0
BOUND_FRACTION = 0.10
WAKEUPS_PER_REQUEST = 2  # the send and the answer
SCHEDSTAT = "/proc/thread-self/schedstat"  # the calling thread: a gevent process runs its users in its main thread
_COUNTERS = ("on_cpu_ns", "wait_ns", "slices", "wall_ns")
_NEIGHBOUR_WAIT_PCT = 10.0  # waiting for a core this share of the time means someone else holds the cores
_SATURATED_CPU_PCT = 80.0


def parse_schedstat(text: str) -> tuple[int, int, int] | None:
    """(ns on a CPU, ns waiting on a run queue, times run) from a schedstat line; None if it is not one."""
    fields = text.split()
    if len(fields) < 3 or not all(field.isdigit() for field in fields[:3]):
        return None
    return int(fields[0]), int(fields[1]), int(fields[2])


def read_schedstat(path: str = SCHEDSTAT) -> tuple[int, int, int] | None:
    """This thread's schedstat; None where the kernel does not keep it (not Linux, no CONFIG_SCHEDSTATS)."""
    try:
        with open(path, encoding="ascii") as file:
            return parse_schedstat(file.read())
    except OSError:
        return None


class TrustRecord:
    """What one process measured of its own clock; mergeable across Locust workers like the rest."""

    def __init__(self) -> None:
        self.lag = LatencyHistogram()  # µs each probe woke after the time it asked for
        self.counters = dict.fromkeys(_COUNTERS, 0)

    def observe_wake(self, intended: float, woke: float, interval: float = PROBE_INTERVAL_S) -> None:
        """One probe wake-up: it asked for `intended` and ran at `woke` (seconds on one clock).

        A stall longer than the probe's interval swallowed the wake-ups it would have made meanwhile, and every
        answer that arrived during it waited too: those missed wake-ups are recorded with the lag each would
        have had, as HdrHistogram's recordValueWithExpectedInterval does, so the lag is weighted by time, as the
        requests meet it (http://hdrhistogram.github.io/HdrHistogram/JavaDoc/org/HdrHistogram/AbstractHistogram.html).
        """
        lag_us = max(1, round((woke - intended) * 1_000_000))  # on time is 1 µs, the histogram's floor
        step_us = max(1, round(interval * 1_000_000))
        self.lag.record_us(lag_us)
        for missed_us in range(lag_us - step_us, step_us - 1, -step_us):
            self.lag.record_us(missed_us)

    def add_schedstat(self, before: tuple[int, int, int], after: tuple[int, int, int], wall_s: float) -> None:
        """The thread's schedstat over `wall_s` seconds of wall-clock time."""
        on_cpu, wait, slices = (max(0, b - a) for a, b in zip(before, after, strict=True))
        for key, value in zip(_COUNTERS, (on_cpu, wait, slices, round(wall_s * 1e9)), strict=True):
            self.counters[key] += value

    def to_wire(self) -> dict[str, Any]:
        return {"lag": self.lag.encode(), **self.counters}

    def merge_wire(self, wire: Mapping[str, Any]) -> None:
        self.lag.merge(LatencyHistogram.decode(str(wire["lag"])))
        for key in _COUNTERS:
            self.counters[key] += int(wire[key])


def judge(record: TrustRecord, reference_ms: float | None, cpu_max: float | None = None) -> TrustSummary:
    """The run's trust figures against the bound set by its smallest reported percentile (`reference_ms`, the
    p50; None without requests: the 2 ms floor)."""
    bound = max(BOUND_FLOOR_MS, BOUND_FRACTION * (reference_ms or 0.0))
    lag = record.lag
    wakeups = lag.count
    c = record.counters
    wait_pct = 100.0 * c["wait_ns"] / c["wall_ns"] if c["wall_ns"] else None
    per_wakeup = c["wait_ns"] / c["slices"] / 1e6 if c["slices"] else None
    lag_p50 = lag.percentile_ms(50) if wakeups else None
    lag_p99 = lag.percentile_ms(99) if wakeups else None
    # Two independent wake-ups: the 99th percentile of their summed lag is about one p99 lag plus one typical
    # (p50) lag, not two p99 lags at once; the run-queue wait applies to both as its mean.
    candidates = [None if lag_p99 is None or lag_p50 is None else lag_p99 + lag_p50,
                  None if per_wakeup is None else WAKEUPS_PER_REQUEST * per_wakeup]
    estimate = max((value for value in candidates if value is not None), default=None)
    trust = TrustSummary(
        probe_wakeups=wakeups,
        lag_p50_ms=lag_p50,
        lag_p99_ms=lag_p99,
        lag_max_ms=lag.max_ms if wakeups else None,
        runqueue_wait_pct=wait_pct,
        runqueue_wait_per_wakeup_ms=per_wakeup,
        bound_ms=bound,
        reference_ms=reference_ms,
        error_ms=estimate,
        distortion_pct=None if estimate is None else 100.0 * estimate / bound,
        cpu_max=cpu_max,
        headline=None,
    )
    if trust["distortion_pct"] is not None and trust["distortion_pct"] > 100.0:
        trust["headline"] = describe(trust)
    return trust


def describe(trust: TrustSummary) -> str:
    """One sentence: what was wrong with the generator's clock, how big, and what to do."""
    parts = []
    if trust["lag_p99_ms"] is not None:
        parts.append(f"its {PROBE_INTERVAL_S * 1000:g} ms timer woke {trust['lag_p99_ms']:.1f} ms late at p99 "
                     f"(max {trust['lag_max_ms'] or 0.0:.1f} ms)")
    if trust["runqueue_wait_pct"] is not None and trust["runqueue_wait_per_wakeup_ms"] is not None:
        parts.append(f"it waited for a CPU core {trust['runqueue_wait_pct']:.0f}% of the time "
                     f"({trust['runqueue_wait_per_wakeup_ms']:.2f} ms per wake-up)")
    if not parts:
        return "the load generator's scheduling lag was not measured"
    reference = "" if trust["reference_ms"] is None else f", p50 {trust['reference_ms']:.1f} ms"
    within = (trust["distortion_pct"] or 0.0) <= 100.0
    figures = (f"the load generator's clock: {' and '.join(parts)}, so a request, timed at two wake-ups, may be "
               f"{trust['error_ms'] or 0.0:.1f} ms off; bound {trust['bound_ms']:.1f} ms (2 ms or 10% of the "
               f"p50{reference})")
    if within:
        return f"{figures}: its latency figures are within the bound"
    return f"not trustworthy: {figures}; {_advice(trust)}"


def _advice(trust: TrustSummary) -> str:
    neighbour = (trust["runqueue_wait_pct"] or 0.0) >= _NEIGHBOUR_WAIT_PCT
    saturated = (trust["cpu_max"] or 0.0) >= _SATURATED_CPU_PCT
    if neighbour and not saturated:
        return "other processes are taking the cores: run on a quieter machine, or give the generator its own cores"
    if saturated and not neighbour:
        return "the generator is saturated: fewer users per core, or more workers (--workers N)"
    return "run fewer users per core, more workers (--workers N), or on a quieter machine"
