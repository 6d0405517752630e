"""Is a difference between two runs more than noise? The tests behind baseline gates and `edgeload compare`.

- Latency (a percentile or the mean): a percentile bootstrap on the two runs' exact HDR histograms (Efron and
  Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13). Each replicate redraws every run's requests
  from its own histogram and computes the statistic (drawn directly, see `replicates`, so a run of a million
  requests costs no more than one of a thousand); the interval is read from the replicates' quantiles.
- Error rate: the difference of two proportions with its normal-approximation standard error (Wald).
- Rate: request counts as Poisson counts over the measured time; an open-model run's schedule makes its count
  steadier than Poisson, so the test is conservative there.

Each test takes an optional between-run `spread` (loadtests._noise): the standard deviation of one run's value
between identical runs, on the log scale for latency and rate, in points for the error rate, estimated with `dof`
degrees of freedom (infinite: known). The difference of two runs then also carries twice its variance: the
replicates are convolved with sqrt(2) x spread x a Student t draw (a normal one when known), so a spread estimated
from few runs widens the interval as a t-test would.

All one-sided at CONFIDENCE: a gate fails only when the breach is significant, so two identical runs fail it
about 1 - CONFIDENCE of the time at most when the spread is right (docs/performance.md#baseline-gates
has the measured rate).
Replicates use a fixed seed: the same two runs always get the same answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from loadtests._latency import LatencyHistogram

CONFIDENCE = 0.95
Z_ONE_SIDED = 1.6449  # the standard normal's 95th percentile
REPLICATES = 2000
SEED = 20_260_101


@dataclass(frozen=True, slots=True)
class Difference:
    """`current - allowed` for a statistic, with an interval whose each end is a one-sided CONFIDENCE bound."""

    current: float
    allowed: float
    low: float  # interval of current - allowed
    high: float

    @property
    def above(self) -> bool:
        """Significantly above the limit: the whole interval is above 0 (one-sided at CONFIDENCE)."""
        return self.current > self.allowed and self.low > 0

    @property
    def below(self) -> bool:
        """Significantly below the limit."""
        return self.current < self.allowed and self.high < 0


def buckets(hist: LatencyHistogram) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The histogram as (bucket value in ms, count), ascending."""
    pairs = hist.buckets_us()
    values = np.asarray([value for value, _ in pairs], dtype=np.float64) / 1000.0
    return values, np.asarray([count for _, count in pairs], dtype=np.int64)


def replicates(hist: LatencyHistogram, q: float | None, rng: np.random.Generator,
               count: int = REPLICATES) -> tuple[float, NDArray[np.float64]]:
    """The statistic (percentile q, None: the mean) of the histogram and of `count` bootstrap resamples of it.

    A resample's k-th smallest of n values is F^-1 of the k-th smallest of n uniform draws, which is Beta(k, n-k+1)
    distributed (David and Nagaraja, "Order Statistics", 2003, section 2.2): one Beta draw per replicate gives
    the exact bootstrap distribution of a percentile, however many requests the run had. The mean of n resampled
    values is drawn from its normal limit (n is in the hundreds at least for a run worth gating).
    """
    values, counts = buckets(hist)
    total = int(counts.sum())
    cumulative = np.cumsum(counts) / total
    if q is None:
        mean = float(counts @ values) / total
        sd = math.sqrt(float(counts @ (values - mean) ** 2) / total)
        return mean, rng.normal(mean, sd / math.sqrt(total), size=count)
    rank = max(1, int(q / 100.0 * total + 0.5))  # as HDR reads a percentile: the first bucket reaching this rank
    point = float(values[np.searchsorted(np.cumsum(counts), rank)])
    uniform = rng.beta(rank, total - rank + 1, size=count)
    index = np.minimum(np.searchsorted(cumulative, uniform, side="left"), len(values) - 1)
    draws: NDArray[np.float64] = values[index]
    return point, draws


def _between(rng: np.random.Generator, spread: float, dof: float) -> NDArray[np.float64]:
    """REPLICATES draws of the between-run part of a two-run difference: sqrt(2) x spread x t(dof)."""
    draws = rng.standard_normal(REPLICATES) if math.isinf(dof) else rng.standard_t(max(dof, 1.0), REPLICATES)
    scaled: NDArray[np.float64] = math.sqrt(2.0) * spread * draws
    return scaled


def _interval(center: float, se: float, rng: np.random.Generator, spread: float, dof: float,
              scale: float) -> tuple[float, float]:
    """One-sided CONFIDENCE bounds of `center` give or take a normal `se` and the between-run part (times
    `scale`): the closed Wald form without a spread, replicates with one."""
    if not spread:
        return center - Z_ONE_SIDED * se, center + Z_ONE_SIDED * se
    draws = center + se * rng.standard_normal(REPLICATES) + scale * _between(rng, spread, dof)
    tail = (1.0 - CONFIDENCE) * 100.0
    low, high = np.percentile(draws, [tail, 100.0 - tail])
    return float(low), float(high)


def latency(current: LatencyHistogram, baseline: LatencyHistogram, q: float | None, factor: float,
            offset_ms: float, spread: float = 0.0, dof: float = math.inf) -> Difference:
    """current's percentile q (None: the mean) against baseline's x `factor` + `offset_ms`, bootstrapped; `spread`
    is the between-run spread of the statistic's logarithm.

    Both histograms must hold at least one value.
    """
    rng = np.random.default_rng(SEED)
    now, now_draws = replicates(current, q, rng)
    then, then_draws = replicates(baseline, q, rng)
    if spread:  # a run's value times e^(its between-run deviation): the spread is a share of the value
        now_draws = now_draws * np.exp(_between(rng, spread, dof))
    allowed = then * factor + offset_ms
    diffs = now_draws - (then_draws * factor + offset_ms)
    tail = (1.0 - CONFIDENCE) * 100.0
    low, high = np.percentile(diffs, [tail, 100.0 - tail])
    return Difference(now, allowed, float(low), float(high))


def proportion(failures: int, requests: int, base_failures: int, base_requests: int, offset: float,
               spread: float = 0.0, dof: float = math.inf) -> Difference:
    """current error rate against the baseline's + `offset` (a fraction), Wald interval of the difference;
    `spread` is the between-run spread in points (a fraction)."""
    now, then = failures / requests, base_failures / base_requests
    se = math.sqrt(now * (1 - now) / requests + then * (1 - then) / base_requests)
    low, high = _interval(now - then - offset, se, np.random.default_rng(SEED), spread, dof, 1.0)
    return Difference(now, then + offset, low, high)


def rate(requests: int, seconds: float, base_requests: int, base_seconds: float, factor: float,
         spread: float = 0.0, dof: float = math.inf) -> Difference:
    """current requests/s against the baseline's x `factor`, counts taken as Poisson; `spread` is the between-run
    spread of the rate's logarithm (so about a share of the rate)."""
    now, then = requests / seconds, base_requests / base_seconds
    se = math.sqrt(requests / seconds**2 + factor**2 * base_requests / base_seconds**2)
    low, high = _interval(now - factor * then, se, np.random.default_rng(SEED), spread, dof, now)
    return Difference(now, factor * then, low, high)
