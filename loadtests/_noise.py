"""Run-to-run noise: how far a metric moves between two runs of the same load, read from the run history.

Two identical runs differ by more than the sampling noise of their requests: the machine, the network and the
target move between runs (docs/performance.md#baseline-gates measures it). A baseline gate therefore adds a between-run
spread to the within-run bootstrap of loadtests._significance, estimated from the earlier runs comparable with
the baseline:

- comparable (`comparable`): the same target kind (`target_kind`), the same set of operations, the same users,
  target rate, per-user rate, load shape, workers, persona weights and mix, and a measured time within a factor
  DURATION_FACTOR of the baseline's; a run counts only if it ran its course (PASS, FAIL or NOT TRUSTWORTHY) and
  failed none of its own baseline gates (a run that did is a regression, not noise); the latest MAX_RUNS of them;
- the spread (`estimate`): the scale of the metric over those runs (of its logarithm for latency and rate: their
  noise is a share of the value), less the typical sampling variance of one run (which the bootstrap already
  counts), as a one-way random-effects model does (Searle, Casella and McCulloch, "Variance Components", 1992,
  section 3.5). The scale is Rousseeuw and Croux's Qn ("Alternatives to the Median Absolute Deviation", JASA 88,
  1993), not the standard deviation: one run on a machine that stalled (measured here: one in 14, p95 twice the
  others') would otherwise widen every gate for the next MAX_RUNS runs. Qn is 82 % as efficient as the standard
  deviation on normal data, so k runs give it 0.82 (k - 1) degrees of freedom, which widen the test (Student's t);
- with fewer than MIN_RUNS comparable runs, DEFAULT_SPREAD: measured on a busy shared 2-core machine by
  `python -m benchmarks.baseline_gates` and rounded up (docs/performance.md#baseline-gates).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from loadtests._gates import GateError, parse_gate
from loadtests._latency import LatencyHistogram
from loadtests._significance import replicates

MIN_RUNS = 3  # fewer comparable runs than this: the default spread
MAX_RUNS = 20  # the latest runs only: a machine or a target drifts over weeks
DURATION_FACTOR = 1.5  # measured times within this factor of each other are one duration class
# One run's between-run standard deviation: latency and rate on the log scale (0.06 is 6 % of the value), the
# error rate in points (0.001 is 0.1 point). Latency: the largest Qn that benchmarks.baseline_gates measured on the
# shared 2-core machine in two invocations (p50 4.2 and 5.5 %, p95 5.5 and 7.8 %, p99 6 and 14 %), rounded up
# (docs/performance.md#baseline-gates). Rate and error rate measured 0 there (a paced run, an emulator that fails
# nothing): 2 % and a tenth of a point are judgements, not measurements.
DEFAULT_SPREAD = {"p50": 0.06, "avg": 0.06, "p90": 0.08, "p95": 0.08, "p99": 0.15, "rps": 0.02, "error_rate": 0.001}
_PERCENTILES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "avg": None}
_SETTINGS = ("users", "target_rps", "user_rps", "shape", "workers", "persona_weights", "mix")
_RAN_ITS_COURSE = frozenset({"pass", "fail", "not_trustworthy"})
# Qn's small-sample correction factors d_n for n <= 9, and its rule beyond (Croux and Rousseeuw, "Time-efficient
# algorithms for two highly robust estimators of scale", Computational Statistics, 1992).
_QN_SMALL = {2: 0.399, 3: 0.994, 4: 0.512, 5: 0.844, 6: 0.611, 7: 0.857, 8: 0.669, 9: 0.872}
QN_EFFICIENCY = 0.82  # Qn's asymptotic efficiency against the standard deviation on normal data
_SAMPLING_DRAWS = 400  # enough for a variance within about 7 % (its relative error is sqrt(2 / n))
_SEED = 20_260_102


@dataclass(frozen=True, slots=True)
class Noise:
    """The between-run spread of one metric, and where it comes from."""

    spread: float  # one run's standard deviation between runs: log scale (latency, rps) or points (error_rate)
    runs: int  # the earlier runs it was estimated from; 0: DEFAULT_SPREAD
    points: bool = False  # the spread is in points of a proportion (error_rate), not a share of the value

    @property
    def dof(self) -> float:
        """Degrees of freedom of the spread: QN_EFFICIENCY x (k - 1) for k runs, infinite for the default (taken as
        known)."""
        return QN_EFFICIENCY * (self.runs - 1) if self.runs else math.inf

    @property
    def source(self) -> str:
        """`history` or `default`."""
        return "history" if self.runs else "default"

    def describe(self) -> str:
        """`noise: 7 earlier runs, 4.2 %` or `noise: default 6 %` (points for the error rate)."""
        size = f"{100 * self.spread:.2g} points" if self.points else f"{100 * self.spread:.2g} %"
        return f"noise: {self.runs} earlier runs, {size}" if self.runs else f"noise: default {size}"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "runs": self.runs, "spread": self.spread,
                "scale": "points" if self.points else "log"}


def target_kind(url: object) -> str:
    """What kind of target a run measured: `loopback` for any local address (the embedded emulator listens on a
    fresh port each run), else scheme://host:port of the URL."""
    parts = urlsplit(str(url or ""))
    host = (parts.hostname or "").lower()
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if local:
        return "loopback"
    return f"{parts.scheme.lower()}://{host}:{parts.port or ''}"


def comparison_key(record: Mapping[str, Any]) -> tuple[str, ...]:
    """Everything two runs must share to be comparable, but their duration (see the module docstring)."""
    settings = record.get("settings") or {}
    operations = sorted(name for name, figures in (record.get("operations") or {}).items()
                        if (figures or {}).get("requests"))
    return (target_kind(record.get("target") or settings.get("target")), "\n".join(operations),
            *(repr(settings.get(name)) for name in _SETTINGS))


def _ran_clean(record: Mapping[str, Any]) -> bool:
    """Ran its course and failed none of its own baseline gates."""
    if record.get("verdict") not in _RAN_ITS_COURSE:
        return False
    for gate in record.get("gates") or ():
        if gate.get("passed"):
            continue
        try:
            if parse_gate(str(gate.get("gate"))).baseline:
                return False
        except GateError:
            continue
    return True


def comparable(records: Sequence[Mapping[str, Any]], baseline: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The latest MAX_RUNS records comparable with the baseline (itself included when it is in `records`)."""
    key = comparison_key(baseline)
    seconds = float(baseline.get("measured_s") or 0)

    def close(record: Mapping[str, Any]) -> bool:
        other = float(record.get("measured_s") or 0)
        return seconds > 0 and other > 0 and max(other, seconds) <= DURATION_FACTOR * min(other, seconds)

    chosen = [record for record in records if _ran_clean(record) and close(record) and comparison_key(record) == key]
    return chosen[-MAX_RUNS:]


@functools.lru_cache(maxsize=256)
def _latency(encoded: str, q: float | None) -> tuple[float, float] | None:
    """(log of the statistic, its bootstrap variance) of one run's histogram; cached, as every baseline gate of a
    run reads the same earlier runs."""
    point, draws = replicates(LatencyHistogram.decode(encoded), q, np.random.default_rng(_SEED), _SAMPLING_DRAWS)
    if point <= 0 or float(draws.min()) <= 0:
        return None
    return math.log(point), float(np.var(np.log(draws)))


def _value(metric: str, figures: Mapping[str, Any], measured_s: float) -> tuple[float, float] | None:
    """(the run's value on the noise scale, its sampling variance), or None when the run lacks it."""
    requests = int(figures.get("requests") or 0)
    if requests <= 0:
        return None
    if metric == "error_rate":
        share = int(figures.get("failures") or 0) / requests
        return share, share * (1 - share) / requests
    if metric == "rps":
        return (math.log(requests / measured_s), 1.0 / requests) if measured_s > 0 else None
    if metric not in _PERCENTILES or not figures.get("hist"):
        return None
    return _latency(str(figures["hist"]), _PERCENTILES[metric])


def estimate(metric: str, scope: str | None, runs: Sequence[Mapping[str, Any]]) -> Noise:
    """The between-run spread of `metric` (p50 ... avg, error_rate, rps) for the operation `scope` (None: the
    whole run) over `runs`; DEFAULT_SPREAD when fewer than MIN_RUNS of them measured it."""
    points = metric == "error_rate"
    values = []
    for record in runs:
        figures = record.get("overall") if scope is None else (record.get("operations") or {}).get(scope)
        value = _value(metric, figures or {}, float(record.get("measured_s") or 0))
        if value is not None:
            values.append(value)
    if len(values) < MIN_RUNS:
        return Noise(DEFAULT_SPREAD[metric], 0, points)
    between = qn([value for value, _ in values]) ** 2 - statistics.median(var for _, var in values)
    return Noise(math.sqrt(max(0.0, between)), len(values), points)



def qn(values: Sequence[float]) -> float:
    """Rousseeuw and Croux's Qn scale of at least two values: a consistent estimate of a normal sample's standard
    deviation that one or two outliers do not move (breakdown point 50 %)."""
    n = len(values)
    distances = sorted(abs(a - b) for i, a in enumerate(values) for b in values[i + 1:])
    h = n // 2 + 1
    order = h * (h - 1) // 2  # the k-th smallest pairwise distance, k = C(h, 2)
    correction = _QN_SMALL.get(n) or (n / (n + 1.4) if n % 2 else n / (n + 3.8))
    return 2.2219 * correction * distances[order - 1]
