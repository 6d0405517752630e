from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loadtests import _baseline as baseline
from loadtests import _history as history
from loadtests import _noise as noise
from loadtests import _significance as significance
from loadtests._gates import GateError, evaluate, parse_gate, parse_gates, validate_gates
from loadtests._latency import LatencyHistogram
from loadtests._reports import write_reports
from tests.edgeload_runs import edgeload_run, finish, summary_of
from tests.loadtests.synthetic_runs import INTERACT, record, summary


def _judge(gate: str, *, now: dict[str, object], then: dict[str, object]) -> tuple[bool, str]:
    result = evaluate([parse_gate(gate)], summary(**now), None, record(**then))[0]  # type: ignore[arg-type]
    return result.passed, result.measured


@pytest.mark.parametrize(("text", "metric", "margin", "relative"), [
    pytest.param("p95<=baseline+10%", "p95", 0.10, True, id="percent"),
    pytest.param("p99 <= baseline + 5ms", "p99", 5.0, False, id="ms"),
    pytest.param("error_rate<=baseline+0.5%", "error_rate", 0.005, False, id="error-points"),
    pytest.param("rps>=baseline-5%", "rps", -0.05, True, id="rps"),
    pytest.param("avg<baseline", "avg", 0.0, False, id="bare"),
])
def test_gate_parses_a_baseline_limit(text: str, metric: str, margin: float, relative: bool) -> None:
    gate = parse_gate(text)
    assert (gate.baseline, gate.metric, gate.margin_relative) == (True, metric, relative)
    assert gate.threshold == pytest.approx(margin)


def test_gate_scoped_baseline_limit_reads_its_operation_and_shows_its_limit() -> None:
    gate = parse_gate(f"{INTERACT}: p95<=baseline+10%")
    assert gate.scope == INTERACT
    assert gate.threshold_text() == "<= baseline+10%"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("max<=baseline+10%", "cannot be compared with a baseline", id="max"),
    pytest.param("p95==baseline", "is a limit", id="equals"),
    pytest.param("p95<=baseline+10% !abort", "drop !abort", id="abort"),
    pytest.param("rps>=baseline-5", "percentage of the baseline", id="rps-absolute"),
    pytest.param("p95<=baseline+10kg", "margin unit", id="unit"),
])
def test_gate_refuses_a_bad_baseline_limit_in_one_line(text: str, expected: str) -> None:
    with pytest.raises(GateError, match=expected) as caught:
        parse_gate(text)
    assert "\n" not in str(caught.value)


def test_validate_gates_asks_for_baseline_when_a_gate_needs_one() -> None:
    with pytest.raises(GateError, match="no --baseline is set"):
        validate_gates(parse_gates(["p95<=baseline+10%"]), None)
    validate_gates(parse_gates(["p95<=baseline+10%"]), None, "latest-pass")


def test_baseline_gate_passes_two_runs_of_the_same_distribution() -> None:
    passed, measured = _judge("p95<=baseline", now={"seed": 2}, then={"seed": 3})
    assert passed, measured


def test_baseline_gate_fails_a_significant_slowdown_and_says_by_how_much() -> None:
    # +40 %: past the +10 % limit by more than sampling and the default between-run noise (8 %) explain.
    passed, measured = _judge("p95<=baseline+10%", now={"seed": 2, "scale": 1.4}, then={"seed": 3})
    assert not passed
    assert "significant" in measured
    assert "(+39.3%)" in measured


def test_baseline_gate_passes_a_breach_within_noise() -> None:
    # 3 % slower on 300 requests: past the limit, but not beyond what resampling explains.
    passed, measured = _judge("p99<=baseline", now={"seed": 3, "scale": 1.03, "requests": 300},
                              then={"seed": 3, "requests": 300})
    assert passed
    assert "within noise" in measured


def test_baseline_gate_on_error_rate_fails_a_rise_past_the_margin() -> None:
    assert not _judge("error_rate<=baseline+0.5%", now={"error_every": 20}, then={"error_every": 0})[0]
    assert _judge("error_rate<=baseline+0.5%", now={"error_every": 500}, then={"error_every": 0})[0]


def test_baseline_gate_on_rps_fails_a_significant_drop() -> None:
    assert not _judge("rps>=baseline-5%", now={"requests": 2000}, then={"requests": 3000})[0]
    assert _judge("rps>=baseline-5%", now={"requests": 2990}, then={"requests": 3000})[0]


def test_baseline_gate_fails_saying_why_without_a_baseline() -> None:
    result = evaluate([parse_gate("p95<=baseline")], summary(), None, "--baseline x: no run 'x'")[0]
    assert not result.passed
    assert result.value is None
    assert "no run 'x'" in result.message


def test_baseline_resolves_latest_pass_and_run_ids_from_the_history(tmp_path: Path) -> None:
    history.append(tmp_path, {**record(run_id="good"), "passed": True})
    history.append(tmp_path, {**record(run_id="bad"), "passed": False})
    assert baseline.resolve("latest-pass", tmp_path)["run_id"] == "good"
    assert baseline.resolve("bad", tmp_path)["run_id"] == "bad"
    assert baseline.resolve(str(tmp_path / history.HISTORY_FILE), "elsewhere")["run_id"] == "good"


def test_baseline_resolves_a_summary_json_and_a_run_folder(tmp_path: Path) -> None:
    run = summary(run_id="folder")
    write_reports(tmp_path / "folder", run, [])
    from_folder = baseline.resolve(str(tmp_path / "folder"), tmp_path)
    from_file = baseline.resolve(str(tmp_path / "folder" / "summary.json"), tmp_path)
    assert from_folder["run_id"] == from_file["run_id"] == "folder"
    assert from_file["operations"][INTERACT]["hist"] == run.histograms[INTERACT]
    assert evaluate([parse_gate("p95<=baseline")], summary(seed=9), None, from_file)[0].passed


@pytest.mark.parametrize(("spec", "expected"), [
    pytest.param("latest-pass", "no run history", id="no-history"),
    pytest.param("nightly-4", "no run history", id="run-id"),
    pytest.param("missing/summary.json", "no such file", id="path"),
])
def test_baseline_refuses_what_it_cannot_find_in_one_line(tmp_path: Path, spec: str, expected: str) -> None:
    with pytest.raises(baseline.BaselineError, match=expected) as caught:
        baseline.resolve(spec, tmp_path)
    assert "\n" not in str(caught.value)


def test_baseline_refuses_a_file_that_is_not_a_summary(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(baseline.BaselineError, match=r"is not a run.s summary\.json"):
        baseline.resolve(str(tmp_path / "other.json"), tmp_path)


@pytest.mark.slow
def test_run_with_a_baseline_fails_a_slower_emulator_and_passes_the_same_one(tmp_path: Path) -> None:
    def run(run_id: str, median_ms: int, *gate_args: str) -> dict[str, object]:
        code, _, err = finish(edgeload_run(
            "--run-time", "3s", "--target-rps", "100", "--report-dir", str(tmp_path), "--run-id", run_id,
            f"--emulator-arg=--fault=latency:1,dist=fixed,ms={median_ms}", *gate_args))
        assert code in (0, 1, 3), err[-2000:]  # judged: PASS, FAIL or NOT TRUSTWORTHY on a busy machine
        rows = {row["gate"]: row for row in summary_of(tmp_path / run_id)["gates"]}
        return rows

    run("base", 20)
    gate = "p50<=baseline+20%"
    same = run("same", 20, "--baseline", "base", "--gate", gate)
    slower = run("slower", 40, "--baseline", "base", "--gate", gate)
    assert same[gate]["passed"], same[gate]["measured"]
    assert not slower[gate]["passed"]
    assert "significant (baseline base; noise: default 6 %)" in slower[gate]["measured"]  # one earlier run
    assert slower[gate]["baseline"]["noise"]["source"] == "default"
    assert slower[gate]["baseline"]["difference"] > 0


@pytest.mark.slow
def test_run_with_a_baseline_takes_the_noise_of_three_earlier_runs_of_the_same_load(tmp_path: Path) -> None:
    def run(run_id: str, *gate_args: str) -> dict[str, Any]:
        code, _, err = finish(edgeload_run(
            "--run-time", "3s", "--target-rps", "100", "--report-dir", str(tmp_path), "--run-id", run_id,
            "--emulator-arg=--fault=latency:1,dist=fixed,ms=20", *gate_args))
        assert code in (0, 1, 3), err[-2000:]
        return summary_of(tmp_path / run_id)

    for index in range(noise.MIN_RUNS):
        run(f"ci-{index}")
    gate = "p95<=baseline+20%"
    row = {r["gate"]: r for r in run("change", "--baseline", "ci-2", "--gate", gate)["gates"]}[gate]
    assert f"(baseline ci-2; noise: {noise.MIN_RUNS} earlier runs, " in row["measured"]
    assert row["baseline"]["noise"]["source"] == "history"
    assert row["baseline"]["noise"]["runs"] == noise.MIN_RUNS


def test_run_exits_2_with_one_line_when_the_baseline_is_missing(tmp_path: Path) -> None:
    code, _, err = finish(edgeload_run("--report-dir", str(tmp_path), "--baseline", "latest-pass",
                                       "--gate", "p95<=baseline+10%"))
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "no run history" in err


@pytest.mark.parametrize("q", [50.0, 95.0, 99.0, 99.9])
def test_significance_point_estimate_is_the_reported_percentile(q: float) -> None:
    run = summary(seed=5, requests=1234)
    hist = LatencyHistogram.decode(run.histograms[INTERACT])
    assert significance.latency(hist, hist, q, 1.0, 0.0).current == hist.percentile_ms(q)


def test_significance_interval_of_identical_histograms_straddles_zero() -> None:
    hist = LatencyHistogram.decode(summary(seed=5).histograms[INTERACT])
    diff = significance.latency(hist, hist, 95.0, 1.0, 0.0)
    assert diff.low < 0 < diff.high
    assert not diff.above
    assert not diff.below
