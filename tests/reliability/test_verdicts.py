"""A verdict means what it says, end to end (docs/gates.md#verdicts): each way a run can fail gets its word and exit
code in every output, nothing a run measured is lost, and killing `edgeload run` leaves nothing running.

Every failure here once passed with exit 0 (a target that timed out, answered 503 or 401, never answered or
answered noise), or lost a verdict (a report that could not be written, a run id used twice).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.edgeload_runs import edgeload_run, expected_exit, finish, summary_of, verdict_line, wait_for_load
from tests.reliability.bad_servers import bad_server

SHORT = ("--run-time", "3s", "--persona-weights", "forwarder=1,visitor=0,collector=0")


def _outputs_say(directory: Path, word: str, out: str) -> None:
    """The same verdict word in the console, summary.json, summary.md, junit.xml and index.html."""
    summary = summary_of(directory)
    assert (summary["verdict_word"], summary["passed"]) == (word, word == "PASS")
    assert f"verdict: {word}" in out
    assert (directory / "summary.md").read_text(encoding="utf-8").splitlines()[0].split(" edgeload: ")[1].startswith(
        word + ":")
    properties = {p.get("name"): p.get("value") for p in ET.parse(directory / "junit.xml").getroot().iter("property")}
    assert properties["verdict"] == word
    assert f'data-verdict="{word}"' in (directory / "index.html").read_text(encoding="utf-8")


def _failed_gates(summary: dict[str, Any]) -> list[str]:
    return [gate["gate"] for gate in summary["gates"] if not gate["passed"]]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "category"),
    [
        pytest.param(("--emulator-arg=--fault=stall:1", "--request-timeout", "1"), "timeout", id="stall-timeout"),
        pytest.param(("--emulator-arg=--fault=server-error,status=503",), "http_5xx", id="503-everywhere"),
        # Credentials required on every request (as server.adobedc.net), none sent: 401 everywhere.
        pytest.param(("--emulator-arg=--server-host",), "http_4xx", id="401-everywhere"),
    ],
)
def test_run_against_an_emulator_failing_every_request_fails_on_the_error_gate(
    tmp_path: Path, args: tuple[str, ...], category: str
) -> None:
    code, out, err = finish(edgeload_run(*SHORT, *args, "--report-dir", str(tmp_path), "--run-id", "bad"))
    assert code == 1, err[-2000:]
    summary = summary_of(tmp_path / "bad")
    assert "error_rate<1%" in _failed_gates(summary)
    assert summary["overall"]["error_rate"] == 1.0
    assert summary["overall"]["failures_by_category"][category] == summary["overall"]["requests"] > 0
    _outputs_say(tmp_path / "bad", "FAIL", out)
    assert f"error_rate<1%: measured 100% ({summary['overall']['requests']}/" in out  # the why, on the console


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "category"), [pytest.param("silent", "timeout", id="never-answers"),
                                                pytest.param("garbage", "transport_error", id="random-bytes")])
def test_run_against_a_target_that_breaks_http_fails(tmp_path: Path, kind: str, category: str) -> None:
    with bad_server(kind) as url:
        code, out, err = finish(edgeload_run("--target", url, *SHORT, "--request-timeout", "1",
                                             "--report-dir", str(tmp_path), "--run-id", kind))
    assert code == 1, err[-2000:]
    summary = summary_of(tmp_path / kind)
    assert "error_rate<1%" in _failed_gates(summary)
    assert summary["overall"]["error_rate"] == 1.0
    assert set(summary["overall"]["failures_by_category"]) <= {category, "connection_reset", "truncated_body",
                                                                 "transport_error", "timeout"}
    assert summary["overall"]["failures_by_category"].get(category, 0) > 0
    _outputs_say(tmp_path / kind, "FAIL", out)


@pytest.mark.slow
def test_run_with_a_taken_run_id_is_refused_and_the_first_runs_reports_stay(tmp_path: Path) -> None:
    code, _, err = finish(edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path), "--run-id", "same"))
    assert code == expected_exit(summary_of(tmp_path / "same"), 0), err[-2000:]
    before = {path.name: path.read_bytes() for path in (tmp_path / "same").iterdir()}
    code, out, err = finish(edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path), "--run-id", "same"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"edgeload run: report folder: {tmp_path / 'same'} already holds a run's reports; choose another --run-id, "
        "or move or remove that folder"]
    assert out.startswith("verdict: COULD NOT RUN: report folder:")
    assert {path.name: path.read_bytes() for path in (tmp_path / "same").iterdir()} == before
    assert [path.name for path in tmp_path.iterdir() if path.is_dir()] == ["same"]  # beside the run history


def _file_size_limit(limit: int) -> None:
    # Every file written beyond `limit` bytes fails with EFBIG, as on a full disk, once past that size:
    # Locust's own HTML report (about 1 MB) fails, ours (tens of KB) fit. SIGXFSZ would kill the writer instead.
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.slow
def test_run_whose_locust_report_cannot_be_written_still_gives_its_verdict_and_every_other_report(
    tmp_path: Path
) -> None:
    process = edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path), "--run-id", "full",
                           preexec_fn=lambda: _file_size_limit(300_000))
    code, out, err = finish(process)
    directory = tmp_path / "full"
    assert code == expected_exit(summary_of(directory), 0), err[-2000:]
    assert sorted(path.name for path in directory.iterdir()) == [
        "errors.png", "index.html", "junit.xml", "latency.png", "rps.png", "summary.json", "summary.md"]
    lines = [line for line in out.splitlines() if "could not write" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"could not write {directory / 'locust.html'}: OSError: [Errno 27] File too large")
    assert summary_of(directory)["total_requests"] > 150  # 2 s at 100 requests/s, all there
    _outputs_say(directory, verdict_line(code).removeprefix("verdict: "), out)
    assert "locust.html" not in (directory / "index.html").read_text(encoding="utf-8")  # no link to a missing file


def _family(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.slow
def test_kill_9_of_edgeload_run_takes_locust_its_workers_and_the_emulator_with_it(tmp_path: Path) -> None:
    process = edgeload_run("--run-time", "60s", "--workers", "2", "--report-dir", str(tmp_path), "--run-id", "k")
    wait_for_load(process)
    children = _family(process.pid)
    commands = [" ".join(child.cmdline()) for child in children]
    assert sum("-m emulator" in command for command in commands) == 1, commands
    assert sum("-m locust" in command for command in commands) == 3, commands  # the master and 2 workers
    process.kill()
    # Read its output to the end: the pipes close once the last child holding them has exited (a child writing
    # to a pipe nobody reads would block there, as no real console does).
    process.communicate(timeout=30)
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [" ".join(child.cmdline()) for child in alive]
    assert len(gone) == len(children)


@pytest.mark.slow
def test_run_interrupted_by_sigint_says_interrupted_in_every_output(tmp_path: Path) -> None:
    process = edgeload_run("--run-time", "60s", "--report-dir", str(tmp_path), "--run-id", "cut")
    wait_for_load(process)
    os.kill(process.pid, signal.SIGINT)
    started = time.monotonic()
    code, out, err = finish(process)
    assert time.monotonic() - started < 30
    assert code == 4, err[-2000:]
    _outputs_say(tmp_path / "cut", "INTERRUPTED", out)
    document = json.loads((tmp_path / "cut" / "summary.json").read_text(encoding="utf-8"))
    assert document["exit_code"] == 4
    assert document["headline"].startswith("INTERRUPTED: stopped by SIGINT")


@pytest.mark.slow
def test_two_runs_started_together_without_a_run_id_keep_their_own_report_folders(tmp_path: Path) -> None:
    # Both name their folder after the same second (or the next one): neither may overwrite the other.
    runs = [edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path)) for _ in range(2)]
    results = [finish(run) for run in runs]
    folders = sorted(path for path in tmp_path.iterdir() if path.is_dir())  # beside the run history
    assert len(folders) == 2
    # Two runs at once on a small machine may find their own clocks untrustworthy; nothing else may fail.
    expected = sorted(expected_exit(summary_of(folder), 0) for folder in folders)
    assert sorted(code for code, _, _ in results) == expected, [err[-2000:] for _, _, err in results]
    assert all(summary_of(folder)["total_requests"] > 150 for folder in folders)
    reported = sorted(next(line for line in out.splitlines() if line.startswith("reports: ")) for _, out, _ in results)
    assert reported == sorted(f"reports: {folder}/index.html" for folder in folders)
