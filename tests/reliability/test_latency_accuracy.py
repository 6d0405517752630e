"""Latency comes out right: under an injected latency distribution, the run's p50, p95 and p99 are
within 5 % (or 2 ms) of that distribution's own quantiles, computed here from its parameters, nothing subtracted.

The latencies are large next to what a request costs on loopback (about 1 ms, timer granularity included) so
that the tolerance measures the suite, not the machine. The load is an open model (`--target-rps`) below the
generator's limit with users to spare: a saturated generator would measure its own queue, and closed-model users
with a fixed latency bunch into waves that queue behind each other. Each run draws from a freshly reset emulator,
so the sample of injected latencies is the same sequence every time; only the suite's own overhead varies.

On a machine too busy for the generator to keep its schedule, the run says so itself (its trust, late or cpu
gate fails): the test then skips with the run's own reason, since the figures it would assert measure the machine.
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import pytest

from tests.edgeload_runs import stats
from tests.reliability.harness import emulator, run_against, untrustworthy

OPERATION = "POST /ee/v2/interact"
QUANTILES = (0.50, 0.95, 0.99)


def quantile_ms(spec: str, q: float) -> float:
    """The q-quantile of an emulator latency spec (emulator/_faults.py: fixed ms, normal, lognormal)."""
    params = dict(pair.split("=") for pair in spec.split(",")[1:])
    if params["dist"] == "fixed":
        return float(params["ms"])
    if params["dist"] == "normal":
        return NormalDist(float(params["mean_ms"]), float(params["sd_ms"])).inv_cdf(q)
    return math.exp(NormalDist(math.log(float(params["median_ms"])), float(params["sigma"])).inv_cdf(q))


def tolerance_ms(expected: float) -> float:
    return max(0.05 * expected, 2.0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "rate", "users", "seconds"),
    [
        pytest.param("latency,dist=fixed,ms=200", 500, 150, 3, id="fixed"),
        pytest.param("latency,dist=normal,mean_ms=200,sd_ms=40", 500, 200, 3, id="normal"),
        # sigma 0.5: the p99 is 3.2 times the median. 7,500 draws keep the sample's p99 within about 2 % of the
        # distribution's (the quantile's standard error is 1.87 / sqrt(n) of it).
        pytest.param("latency,dist=lognormal,median_ms=100,sigma=0.5", 1500, 400, 5, id="lognormal"),
    ],
)
def test_measured_percentiles_match_the_injected_distribution(
    tmp_path: Path, spec: str, rate: int, users: int, seconds: int
) -> None:
    with emulator(spec) as target:
        code, summary, err = run_against(
            target.url, tmp_path, "latency", "--persona-weights", "forwarder=1,visitor=0,collector=0",
            "--target-rps", str(rate), "--users", str(users), "--run-time", f"{seconds}s")
        received = stats(target.url)
    reason = untrustworthy(summary)
    if reason is not None:
        pytest.skip(reason)
    assert code == 0, err[-2000:]  # every gate passed: no violation, no error, the rate held
    assert summary["total_requests"] == received["total"] == received["faults"]["latency"] >= rate * seconds * 0.98
    measured = summary["operations"][OPERATION]
    for q in QUANTILES:
        expected = quantile_ms(spec, q)
        key = f"p{round(q * 100)}_ms"
        assert abs(measured[key] - expected) <= tolerance_ms(expected), (key, measured[key], expected)


def test_quantile_ms_knows_each_distribution() -> None:
    assert quantile_ms("latency,dist=fixed,ms=200", 0.99) == 200.0
    assert quantile_ms("latency,dist=normal,mean_ms=200,sd_ms=40", 0.5) == pytest.approx(200.0)
    assert quantile_ms("latency,dist=normal,mean_ms=200,sd_ms=40", 0.99) == pytest.approx(293.05, abs=0.01)
    assert quantile_ms("latency,dist=lognormal,median_ms=100,sigma=0.5", 0.99) == pytest.approx(320.01, abs=0.01)


def test_untrustworthy_names_the_gates_that_say_the_clock_lied() -> None:
    gate = {"gate": "late<=1%", "metric": "late", "passed": False, "message": "late<=1%: 90 of 1500 scheduled"}
    summary = {"verdict": "fail", "headline": "FAIL: 1 of 5 gates failed (late<=1%)", "gates": [gate]}
    assert untrustworthy(summary) == ("the run found its own figures untrustworthy (FAIL: 1 of 5 gates failed "
                                      "(late<=1%)): late<=1%: 90 of 1500 scheduled")
    assert untrustworthy({**summary, "gates": [{**gate, "metric": "p99"}]}) is None
    assert untrustworthy({"verdict": "not_trustworthy", "headline": "NOT TRUSTWORTHY: lag", "gates": []}) == (
        "the run found its own figures untrustworthy (NOT TRUSTWORTHY: lag)")
