from __future__ import annotations

from pathlib import Path

import pytest

from loadtests._gates import GateError, evaluate, parse_gate
from loadtests._measurements import Measurements
from loadtests._run_summary import RunSummary
from loadtests._windows import AbortWatch
from tests.edgeload_runs import edgeload_run, expected_exit, finish, summary_of

INTERACT = "POST /ee/v2/interact"
STARTED = 1_700_000_000.0


def _run(seconds: int = 60, spike: range = range(20, 25), slow_us: int = 300_000, warmup: float = 0.0) -> RunSummary:
    """100 requests a second at 10 ms, except 300 ms during `spike` seconds."""
    m = Measurements(STARTED, warmup_until=STARTED + warmup if warmup else None)
    for second in range(seconds):
        for index in range(100):
            m.record(INTERACT, slow_us if second in spike else 10_000, None, STARTED + second + index / 100)
    return m.summary(STARTED + seconds)


def test_windowed_gate_fails_a_spike_the_whole_run_hides() -> None:
    run = _run(spike=range(20, 22))
    whole, windowed = evaluate([parse_gate("p95<200ms"), parse_gate("p95<200ms over 30s")], run, None)
    assert whole.passed  # 2 slow seconds of 60 stay beyond the whole run's p95
    assert not windowed.passed
    assert windowed.value == pytest.approx(300.0, rel=0.01)
    assert windowed.measured.endswith("21 of 31 windows breach")  # those holding both slow seconds
    assert windowed.threshold == "< 200 ms over 30 s"


def test_windowed_gate_passes_when_no_window_breaches() -> None:
    result = evaluate([parse_gate("p99<200ms over 10s")], _run(spike=range(0)), None)[0]
    assert result.passed
    assert result.value == pytest.approx(10.0, rel=0.01)
    assert result.measured.endswith("0 of 51 windows breach")


def test_windowed_rps_gate_finds_the_slowest_window() -> None:
    m = Measurements(STARTED)
    for second in range(20):
        for index in range(50 if 5 <= second < 10 else 100):
            m.record(INTERACT, 10_000, None, STARTED + second + index / 100)
    result = evaluate([parse_gate("rps>=80 over 5s")], m.summary(STARTED + 20), None)[0]
    assert not result.passed
    assert result.value == pytest.approx(50.0)
    assert "window from 5 s" in result.measured


def test_windowed_gate_skips_the_warm_up() -> None:
    result = evaluate([parse_gate("p95<200ms over 10s")], _run(spike=range(0, 5), warmup=5.0), None)[0]
    assert result.passed, result.measured


def test_windowed_gate_longer_than_the_run_fails_saying_so() -> None:
    result = evaluate([parse_gate("p95<200ms over 2m")], _run(), None)[0]
    assert not result.passed
    assert result.value is None
    assert "no full 120 s window" in result.measured


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("error_rate<1% over 30s", "no windowed form", id="metric"),
    pytest.param(f"{INTERACT}: p99<200ms over 30s", "drop the scope", id="scope"),
    pytest.param("p99<200ms over 30s !abort", "judged at the end", id="abort"),
    pytest.param("p99<200ms over 0s", "more than 0", id="zero"),
    pytest.param("p99<200ms !abort after 3h", "duration unit 'h'", id="unit"),
])
def test_windowed_gate_refuses_what_it_cannot_judge(text: str, expected: str) -> None:
    with pytest.raises(GateError, match=expected):
        parse_gate(text)


def test_abort_after_waits_for_a_sustained_breach() -> None:
    slow, fast = _run(seconds=5, spike=range(5)), _run(seconds=5, spike=range(0))
    watch = AbortWatch([parse_gate("p95<200ms !abort=5s after 20s")])
    assert watch.check(slow, 4.0) is None  # within the grace
    assert watch.check(slow, 10.0) is None  # failing since 10 s
    assert watch.check(fast, 15.0) is None  # a pause resets it
    assert watch.check(slow, 20.0) is None
    assert watch.check(slow, 39.0) is None
    aborting = watch.check(slow, 40.0)
    assert aborting is not None
    assert aborting.sustain_s == 20.0


def test_abort_without_after_aborts_at_the_first_failure_past_the_grace() -> None:
    watch = AbortWatch([parse_gate("p95<200ms !abort")])
    assert watch.check(_run(seconds=5, spike=range(5)), 10.0) is not None


@pytest.mark.slow
def test_run_judges_a_windowed_gate_on_the_timeline_of_a_real_run(tmp_path: Path) -> None:
    code, _, err = finish(edgeload_run("--run-time", "5s", "--report-dir", str(tmp_path), "--run-id", "w",
                                       "--gate", "p99<5s over 3s", "--gate", "rps>=100000 over 2s"))
    assert code == expected_exit(summary_of(tmp_path / "w"), 1), err[-2000:]
    rows = {row["gate"]: row for row in summary_of(tmp_path / "w")["gates"]}
    assert rows["p99<5s over 3s"]["passed"]
    assert not rows["rps>=100000 over 2s"]["passed"]
    assert 80 <= rows["rps>=100000 over 2s"]["value"] <= 120  # the default 100 requests/s
