"""What one tick of `edgeload run`'s progress line costs the process that sends the load, against a whole summary.

Run: `.venv/bin/python -m benchmarks.progress_cost [--requests N]`. The progress line is built once a second in
the Locust process whose users send the requests (loadtests._listeners), on its event loop: whatever it costs is a
stall of every user. Both are measured in the same run on the same measurements (three operations, open model,
N requests: 30,000 is a 30 s run at 1,000 req/s): `Measurements.live_totals()` (what the line reads) and
`Measurements.summary(timeline=False)` (what the live gates and the web UI tab read). Figures are medians of
20 calls.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from contracts._operations import COLLECT_V2, INTERACT_V1, INTERACT_V2
from loadtests._measurements import Measurements
from loadtests._progress import progress_text

OPERATIONS = (INTERACT_V2, COLLECT_V2, INTERACT_V1)
CALLS = 20


def _measurements(requests: int, seed: int = 1) -> Measurements:
    rng = random.Random(seed)
    started = time.time() - requests / 1000
    measurements = Measurements(started)
    for i in range(requests):
        latency = rng.randint(500, 20_000)
        measurements.record(OPERATIONS[i % 3], latency, "http_5xx" if i % 97 == 0 else None, started + i / 1000,
                            latency + rng.randint(0, 2_000))
    return measurements


def _median_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.progress_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30_000, help="requests recorded (default 30000)")
    args = parser.parse_args(argv)
    measurements = _measurements(args.requests)

    def tick() -> str:
        requests, failures, p95 = measurements.live_totals()
        return progress_text(30.0, 60.0, 100.0, 100.0, requests, failures, p95)

    line_ms = _median_ms(tick)
    summary_ms = _median_ms(lambda: measurements.summary(time.time(), timeline=False))
    print(f"{args.requests:,} requests recorded; medians of {CALLS} calls")
    print(f"progress tick (live_totals + text)   {line_ms:8.2f} ms")
    print(f"baseline: summary(timeline=False)   {summary_ms:8.2f} ms")
    print(f"ratio summary / progress tick       {summary_ms / line_ms:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
