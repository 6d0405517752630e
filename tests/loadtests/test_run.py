"""`edgeload run` end to end, as a subprocess: exit codes, reports, interruption, the achieved rate."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import psutil
import pytest

from emulator._server import RunningEmulator
from loadtests import _run as run
from tests.edgeload_runs import (
    PROGRESS_LINE,
    edgeload_run,
    expected_exit,
    finish,
    summary_of,
    verdict_line,
    wait_for_load,
)
from tests.loadtests.conftest import received


@pytest.mark.slow
def test_run_passes_against_the_embedded_emulator_and_writes_every_report(tmp_path: Path) -> None:
    code, out, err = finish(edgeload_run("--run-time", "3s", "--report-dir", str(tmp_path), "--run-id", "ok"))
    directory = tmp_path / "ok"
    expected = expected_exit(summary_of(directory), 0)
    assert code == expected, err[-2000:]
    for name in ("index.html", "summary.json", "summary.md", "junit.xml", "rps.png", "locust.html"):
        assert (directory / name).is_file(), name
    assert list(directory.glob("*.csv")) == []  # Locust's CSVs lag the final figures: left out
    summary = summary_of(directory)
    assert (summary["verdict"], summary["passed"]) == ("pass", True) if expected == 0 else ("not_trustworthy", False)
    assert summary["default_gates"] == ["violations==0", "error_rate<1%", "late<=1%", "cpu<90%", "trust<=100%",
                                        "rps>=95%"]
    assert 294 <= summary["total_requests"] <= 306  # the default 100 requests/s for 3 s
    assert summary["violations"] == 0
    assert out.rstrip().splitlines()[-2].startswith(verdict_line(expected))  # the console ends with the gates


@pytest.mark.slow
def test_run_fails_with_the_failing_checks_name_when_the_emulator_breaks_the_contract(tmp_path: Path) -> None:
    code, out, err = finish(edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path), "--run-id", "bad",
                                         "--emulator-arg=--fault=request-id-not-echoed:0.5"))
    assert code == 1, err[-2000:]
    directory = tmp_path / "bad"
    assert summary_of(directory)["violations_by_check"]["request_id_echo"] > 20
    assert "request_id_echo" in (directory / "junit.xml").read_text(encoding="utf-8")
    assert "request_id_echo" in (directory / "locust.html").read_text(encoding="utf-8")
    assert "violations==0" in out
    assert "FAIL" in out


@pytest.mark.slow
def test_run_stops_early_when_an_abort_gate_has_clearly_failed(tmp_path: Path) -> None:
    # k6's abortOnFail: after its 1 s grace the violations gate fails at once, so a 60 s run ends within seconds.
    code, out, err = finish(edgeload_run("--run-time", "60s", "--report-dir", str(tmp_path), "--run-id", "abort",
                                         "--gate", "violations==0!abort=1s",
                                         "--emulator-arg=--fault=request-id-not-echoed:0.5"))
    assert code == 1, err[-2000:]
    summary = summary_of(tmp_path / "abort")
    assert summary["stop_reason"] == "aborted early: gate 'violations==0!abort=1s' failed"
    assert summary["duration_s"] < 15
    assert summary["violations_by_check"]["request_id_echo"] > 0
    assert "FAIL" in out


def test_run_exits_2_with_one_line_when_the_target_is_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run.main(["--target", f"http://127.0.0.1:{port}", "--report-dir", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    problem = (f"target http://127.0.0.1:{port} is not reachable (Connection refused); start it, fix --target, or "
               "leave --target out to use the embedded emulator")
    assert err.strip().splitlines() == [f"edgeload run: {problem}"]
    assert out.strip().splitlines() == [f"verdict: COULD NOT RUN: {problem}"]
    assert list(tmp_path.iterdir()) == []  # a run that never started leaves no report folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--run-time", "soon"], "--run-time: 'soon' is not a duration", id="duration"),
        pytest.param(["--gate", "p95<fast"], "gate 'p95<fast'", id="gate"),
        pytest.param(["--persona-weights", "robot=1"], "--persona-weights: unknown name 'robot'", id="persona"),
    ],
)
def test_run_exits_2_with_one_line_on_a_bad_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run.main([*args, "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert message in err


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_run_interrupted_still_evaluates_gates_and_writes_reports(tmp_path: Path, signum: int) -> None:
    process = edgeload_run("--run-time", "60s", "--report-dir", str(tmp_path), "--run-id", "cut")
    wait_for_load(process)
    process.send_signal(signum)
    code, out, _ = finish(process)
    summary = summary_of(tmp_path / "cut")
    assert summary["stop_reason"].startswith("interrupted after")
    assert summary["interrupted"].startswith("stopped by SIGINT")  # edgeload run forwards SIGTERM as one SIGINT
    assert (summary["verdict"], summary["passed"]) == ("interrupted", False)
    assert summary["total_requests"] > 0
    assert (tmp_path / "cut" / "locust.html").is_file()
    assert "verdict: INTERRUPTED: stopped by SIGINT" in out
    assert "PASS:" not in out
    assert (tmp_path / "cut" / "summary.md").read_text(encoding="utf-8").startswith("# ⏹️ edgeload: INTERRUPTED")
    assert code == 4


@pytest.mark.slow
def test_run_whose_embedded_emulator_dies_stops_and_reports(tmp_path: Path) -> None:
    process = edgeload_run("--run-time", "60s", "--report-dir", str(tmp_path), "--run-id", "dead")
    wait_for_load(process)
    emulators = [child for child in psutil.Process(process.pid).children()
                 if "emulator" in " ".join(child.cmdline())]
    assert len(emulators) == 1
    emulators[0].kill()
    code, _, err = finish(process)
    assert "the embedded emulator exited mid-run" in err
    summary = summary_of(tmp_path / "dead")
    assert summary["stop_reason"].startswith("interrupted after")
    assert summary["verdict"] == "interrupted"
    assert summary["total_requests"] > 100  # about two seconds at the default 100 requests/s
    assert summary["overall"]["failures_by_category"].get("connection_refused", 0) < 100  # stopped within 1 s
    assert code == 4


@pytest.mark.slow
def test_run_achieves_the_target_rate_over_a_30s_steady_stage(tmp_path: Path, emulator: RunningEmulator) -> None:
    target, seconds = 150, 30
    code, _, err = finish(edgeload_run(
        "--target", emulator.url, "--target-rps", str(target), "--run-time", f"{seconds}s", "--users", "8",
        "--workers", "2", "--report-dir", str(tmp_path), "--run-id", "rate"), timeout=120)
    summary = summary_of(tmp_path / "rate")
    assert code == expected_exit(summary, 0), err[-2000:]
    expected = target * seconds
    # Within 2 % of target x duration from both sides: a generator ignoring the target (flat out, or one worker
    # short, 50 %) falls outside; and the emulator received exactly what was counted.
    assert 0.98 * expected <= summary["total_requests"] <= 1.02 * expected
    assert received(emulator.url) == summary["total_requests"]
    assert summary["late"] < 0.01 * expected  # reported, and rare below the ceiling even on a busy machine
    full_seconds = [window["requests"] for window in summary["timeline"][1:-1]]
    assert len(full_seconds) >= seconds - 2
    assert sum(full_seconds) / len(full_seconds) == pytest.approx(target, rel=0.02)


@pytest.mark.slow
@pytest.mark.parametrize(("flag", "progress", "tables"), [(None, True, False), ("--verbose", False, True),
                                                          ("--quiet", False, False)],
                         ids=["default", "verbose", "quiet"])
def test_run_console_shows_progress_tables_or_nothing(tmp_path: Path, flag: str | None, progress: bool,
                                                      tables: bool) -> None:
    args = ["--run-time", "3s", "--report-dir", str(tmp_path), "--run-id", "console", *([flag] if flag else [])]
    code, out, err = finish(edgeload_run(*args))
    assert code == expected_exit(summary_of(tmp_path / "console"), 0), err[-2000:]
    lines = err.splitlines()
    assert (sum(PROGRESS_LINE.match(line) is not None for line in lines) >= 2) == progress
    assert any(line.lstrip().startswith("Aggregated") for line in lines) == tables
    opening = "edgeload run: target 100 req/s held by 10 users (open model; -u adds capacity, not load), for 3 s"
    assert any(line.startswith(opening) for line in lines) == (flag != "--quiet")
    if flag == "--quiet":
        assert err == ""
    assert "verdict:" in out  # the summary, whatever the console
