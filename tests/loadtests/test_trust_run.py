"""The trust gate and the schedule's accounting end to end: `edgeload run` under injected CPU contention, and
with every user blocked until the end of the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.trust_accuracy import burners
from tests.edgeload_runs import edgeload_run, finish, summary_of


@pytest.mark.slow
def test_run_fails_the_trust_gate_when_neighbours_take_the_cores(tmp_path: Path) -> None:
    # 20 ms answers set a bound of a few ms; eight spinning neighbours per core delay the generator's clock far
    # beyond it.
    with burners(8 * (os.cpu_count() or 1)):
        code, out, err = finish(edgeload_run(
            "--run-time", "4s", "--target-rps", "200", "--users", "20", "--report-dir", str(tmp_path),
            "--run-id", "busy", "--emulator-arg=--fault=latency,dist=fixed,ms=20"))
    summary = summary_of(tmp_path / "busy")
    trust = summary["trust"]
    gate = next(row for row in summary["gates"] if row["metric"] == "trust")
    assert code != 0, err[-2000:]
    assert not gate["passed"]
    assert trust["distortion_pct"] > 100
    assert trust["error_ms"] > trust["bound_ms"]
    smallest_p50 = min(summary["overall"]["p50_ms"], summary["overall"]["send_p50_ms"])
    assert trust["bound_ms"] == pytest.approx(max(2.0, 0.1 * smallest_p50))
    assert trust["headline"].startswith("not trustworthy: the load generator's clock")
    assert gate["message"] == f"trust<=100%: {trust['headline']}"
    assert trust["headline"] in out  # the console says it too
    assert "not trustworthy" in (tmp_path / "busy" / "summary.md").read_text(encoding="utf-8")
    assert "not trustworthy" in (tmp_path / "busy" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_run_counts_every_slot_when_users_stay_blocked_to_the_end(tmp_path: Path) -> None:
    # 5 users each send one request that the emulator never answers before their 3 s timeout; the run ends at
    # 2 s: the other 195 scheduled requests were never sent, and say so.
    code, _, err = finish(edgeload_run(
        "--run-time", "2s", "--target-rps", "100", "--users", "5", "--request-timeout", "3", "--report-dir",
        str(tmp_path), "--run-id", "blocked", "--emulator-arg=--fault=stall"))
    summary = summary_of(tmp_path / "blocked")
    slots = summary["slots"]
    assert code in (0, 1), err[-2000:]
    assert summary["total_requests"] == 5
    assert slots["on_time"] + slots["late"] == 5
    assert 196 <= slots["scheduled"] <= 202  # 100/s for 2 s, as the run's end is measured
    assert slots["never_sent"] == slots["scheduled"] - 5
    assert summary["late"] == slots["late"] <= 5  # never more late than sent
