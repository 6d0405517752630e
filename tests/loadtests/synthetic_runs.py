"""Synthetic runs for the history, baseline and compare tests: a seeded latency distribution through Measurements."""

from __future__ import annotations

import random

from loadtests._gates import evaluate, parse_gates
from loadtests._history import record_of
from loadtests._measurements import Measurements
from loadtests._run_summary import RunSummary

INTERACT = "POST /ee/v2/interact"
COLLECT = "POST /ee/v2/collect"
STARTED = 1_700_000_000.0


def summary(*, seed: int = 1, scale: float = 1.0, requests: int = 3000, error_every: int = 0, run_id: str = "r",
            seconds: float = 30.0, started: float = STARTED) -> RunSummary:
    """`requests` lognormal latencies (median 20 ms x `scale`), two operations, one failure every `error_every`."""
    rng = random.Random(seed)
    m = Measurements(started)
    m.trust.observe_wake(0.0, 0.0001)  # a generator clock 0.1 ms late: within the trust gate's bound
    for index in range(requests):
        latency_us = int(rng.lognormvariate(9.9, 0.3) * scale)  # e^9.9 us = about 20 ms
        failure = "http_5xx" if error_every and index % error_every == 0 else None
        m.record(INTERACT if index % 4 else COLLECT, latency_us, failure, started + seconds * index / requests)
    return m.summary(started + seconds, settings={"run_id": run_id, "target": "http://127.0.0.1:1"})


def record(**kwargs: object) -> dict[str, object]:
    """The history record of `summary(**kwargs)` judged by the default gates."""
    run = summary(**kwargs)  # type: ignore[arg-type]
    return record_of(run, evaluate(parse_gates([]), run, None))
