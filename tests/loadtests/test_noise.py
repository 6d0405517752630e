from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from loadtests import _baseline as baseline
from loadtests import _history as history
from loadtests import _noise as noise
from loadtests import _significance as significance
from loadtests._gates import evaluate, parse_gate
from loadtests._latency import LatencyHistogram
from loadtests._reports.json_summary import gate_rows
from tests.loadtests.synthetic_runs import INTERACT, record, summary


def _runs(count: int, spread: float, *, seed: int = 7, requests: int = 2000) -> list[dict[str, Any]]:
    """`count` history records whose latency is scaled by e^N(0, spread): runs of one load on a noisy machine."""
    rng = random.Random(seed)
    return [record(seed=100 + index, scale=math.exp(rng.gauss(0.0, spread)), requests=requests,
                   run_id=f"run-{index}") for index in range(count)]


def _with(base: dict[str, Any], **settings: object) -> dict[str, Any]:
    return {**base, "settings": {**base["settings"], **settings}}


@pytest.mark.parametrize(("url", "kind"), [
    pytest.param("http://127.0.0.1:41234", "loopback", id="emulator-port"),
    pytest.param("http://localhost:8080/ee", "loopback", id="localhost"),
    pytest.param("http://[::1]:9", "loopback", id="ipv6"),
    pytest.param("https://Server.Adobedc.net/ee", "https://server.adobedc.net:", id="remote"),
    pytest.param("https://edge.example:8443", "https://edge.example:8443", id="remote-port"),
])
def test_noise_target_kind_ignores_the_port_of_local_targets_only(url: str, kind: str) -> None:
    assert noise.target_kind(url) == kind


def test_noise_comparable_keeps_runs_of_the_same_load_only() -> None:
    base = record(run_id="base")
    same = {**record(seed=2, run_id="same"), "target": "http://127.0.0.1:5555"}  # another emulator port
    longer = record(seed=3, run_id="longer", seconds=40.0)  # 40 s against 30 s: one duration class
    others = [
        _with(record(seed=4, run_id="rate"), target_rps=400),
        _with(record(seed=5, run_id="users"), users=50),
        _with(record(seed=6, run_id="shape"), shape="ramp"),
        {**record(seed=7, run_id="remote"), "target": "https://server.adobedc.net"},
        record(seed=8, run_id="short", seconds=15.0),  # half the measured time: another duration class
        {**record(seed=9, run_id="one-op"), "operations": {INTERACT: base["operations"][INTERACT]}},
        {**record(seed=10, run_id="cut"), "verdict": "interrupted"},
        {**record(seed=11, run_id="regressed"), "verdict": "fail",
         "gates": [{"gate": "p95<=baseline+10%", "passed": False, "measured": "..."}]},
    ]
    chosen = noise.comparable([base, same, *others, longer], base)
    assert [r["run_id"] for r in chosen] == ["base", "same", "longer"]


def test_noise_comparable_keeps_a_run_that_failed_only_fixed_gates() -> None:
    base = record(run_id="base")
    failed = {**record(seed=2, run_id="slow"), "verdict": "fail",
              "gates": [{"gate": "p95<1ms", "passed": False, "measured": "20 ms"}]}
    assert [r["run_id"] for r in noise.comparable([base, failed], base)] == ["base", "slow"]


def test_noise_comparable_keeps_the_latest_runs_only() -> None:
    runs = [record(seed=1, run_id=f"r{index}", requests=400) for index in range(noise.MAX_RUNS + 3)]
    chosen = noise.comparable(runs, runs[-1])
    assert [r["run_id"] for r in chosen] == [f"r{index}" for index in range(3, noise.MAX_RUNS + 3)]


def test_noise_estimate_recovers_a_known_between_run_spread() -> None:
    estimated = noise.estimate("p50", None, _runs(20, 0.10))
    assert estimated.runs == 20
    assert 0.06 < estimated.spread < 0.14  # 20 runs: the estimate's own standard error is about 0.016


def test_noise_estimate_subtracts_the_sampling_noise_of_each_run() -> None:
    # Twelve runs of one distribution differ only by sampling: no between-run spread is left.
    estimated = noise.estimate("p95", None, _runs(12, 0.0))
    assert estimated.runs == 12
    assert estimated.spread < 0.015


def test_noise_estimate_takes_the_default_below_the_minimum_of_runs() -> None:
    estimated = noise.estimate("p95", INTERACT, _runs(noise.MIN_RUNS - 1, 0.10))
    assert (estimated.spread, estimated.runs, estimated.dof) == (noise.DEFAULT_SPREAD["p95"], 0, math.inf)
    assert estimated.describe() == "noise: default 8 %"
    assert noise.estimate("error_rate", None, []).describe() == "noise: default 0.1 points"


def test_noise_estimate_has_the_degrees_of_freedom_of_its_runs() -> None:
    estimated = noise.estimate("p95", None, _runs(5, 0.05))
    assert estimated.runs == 5
    assert estimated.dof == pytest.approx(noise.QN_EFFICIENCY * 4)
    assert estimated.describe().startswith("noise: 5 earlier runs, ")


def _false_alarms(runs: list[dict[str, Any]], gate: str) -> float:
    """The share of ordered pairs of `runs` failing `gate`, each judged with the other runs as its history."""
    parsed, failed, pairs = parse_gate(gate), 0, 0
    for now in runs:
        others = [r for r in runs if r is not now]
        current = summary(seed=now["seed"], scale=now["scale"], requests=now["requests"])
        for then in others:
            base = {**then, baseline.NOISE_RUNS: noise.comparable(others, then)}
            failed += not evaluate([parsed], current, None, base)[0].passed
            pairs += 1
    return failed / pairs


def _seeded_runs(count: int, spread: float, *, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [{"seed": 200 + index, "scale": math.exp(rng.gauss(0.0, spread)), "requests": 800}
            for index in range(count)]


def _records(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**record(**run), **run} for run in runs]


def test_baseline_gate_with_history_noise_rarely_fails_identical_runs() -> None:
    runs = _records(_seeded_runs(6, 0.08))
    hists = [LatencyHistogram.decode(run["overall"]["hist"]) for run in runs]
    sampling_only = [significance.latency(now, then, 50.0, 1.0, 0.0).above
                     for now in hists for then in hists if now is not then]
    assert sum(sampling_only) / len(sampling_only) > 0.25  # the 8 % between runs fails many identical pairs
    assert _false_alarms(runs, "p50<=baseline") <= 0.10  # nominal 5 %


def test_baseline_gate_with_history_noise_fails_a_large_slowdown() -> None:
    runs = _records(_seeded_runs(10, 0.05))
    parsed = parse_gate("p95<=baseline")
    slower = summary(seed=999, scale=1.4, requests=800)
    failed = sum(not evaluate([parsed], slower, None, {**then, baseline.NOISE_RUNS: noise.comparable(runs, then)})[0]
                 .passed for then in runs)
    assert failed >= 8  # of 10 baselines


def test_baseline_gate_result_line_names_the_noise_model() -> None:
    runs = _records(_seeded_runs(4, 0.05))
    then = {**runs[0], baseline.NOISE_RUNS: runs}
    result = evaluate([parse_gate("p95<=baseline+10%")], summary(seed=3), None, then)[0]
    assert "; noise: 4 earlier runs, " in result.measured
    assert result.measured.index("vs baseline") < result.measured.index("noise:")
    default = evaluate([parse_gate("p95<=baseline+10%")], summary(seed=3), None, runs[0])[0]
    assert default.measured.endswith(f"(baseline {runs[0]['run_id']}; noise: default 8 %)")


def test_baseline_gate_row_of_summary_json_carries_values_interval_and_noise() -> None:
    then = record(seed=3, run_id="base")
    result = evaluate([parse_gate("p95<=baseline+10%")], summary(seed=2, scale=1.5), None, then)[0]
    row = gate_rows([result])[0]["baseline"]
    assert row["baseline_run"] == "base"
    assert row["baseline"] == pytest.approx(then["overall"]["p95_ms"])
    assert row["current"] == pytest.approx(result.value)
    assert row["difference"] == pytest.approx(row["current"] - row["baseline"])
    assert row["past_limit_interval"][0] > 0  # +50 % against a +10 % limit: significant even with 8 % noise
    assert row["significant"] is True
    assert result.passed is False
    assert row["noise"] == {"source": "default", "runs": 0, "spread": 0.08, "scale": "log"}
    assert "baseline" not in gate_rows(evaluate([parse_gate("p95<200ms")], summary(), None))[0]


def test_baseline_gate_row_of_an_error_rate_gate_is_in_fractions() -> None:
    result = evaluate([parse_gate("error_rate<=baseline+0.5%")], summary(error_every=20), None,
                      record(error_every=0))[0]
    row = gate_rows([result])[0]["baseline"]
    assert row["unit"] == "fraction"
    assert row["current"] == pytest.approx(0.05)
    assert row["noise"] == {"source": "default", "runs": 0, "spread": 0.001, "scale": "points"}
    assert result.measured.endswith("noise: default 0.1 points)")


def test_baseline_resolve_hands_the_comparable_runs_to_the_gates(tmp_path: Path) -> None:
    for index in range(4):
        history.append(tmp_path, {**record(seed=index, run_id=f"ci-{index}", requests=500), "passed": True})
    history.append(tmp_path, _with(record(seed=9, run_id="other-rate", requests=500), target_rps=999))
    chosen = baseline.resolve("ci-2", tmp_path)
    assert [r["run_id"] for r in chosen[baseline.NOISE_RUNS]] == ["ci-0", "ci-1", "ci-2", "ci-3"]
    from_file = baseline.resolve(str(tmp_path / history.HISTORY_FILE), "elsewhere")
    assert from_file["run_id"] == "ci-3"
    assert len(from_file[baseline.NOISE_RUNS]) == 4
