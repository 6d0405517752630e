"""Nothing is lost: a run that loses a worker still writes every report and says so; a crash while
writing reports leaves each file whole, old or new; every report writer writes atomically.

Interrupted runs (SIGINT, SIGTERM) and a target that goes away mid-run are tested in tests/loadtests/test_run.py;
the atomic write itself in tests/reporting/test_atomic.py.
"""

from __future__ import annotations

import ast
import os
import stat
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from contract_runner import _records as records
from contract_runner import _report as contract_report
from contract_runner._runs import RunResult
from loadtests._gates import evaluate, parse_gates
from loadtests._measurements import Measurements
from loadtests._reports import write_reports
from tests.edgeload_runs import ROOT, edgeload_run, finish, stats, summary_of, wait_for_load
from tests.reliability.harness import emulator, missing_reports

RATE, WORKERS = 400, 2
WORKER_REPORT_S = 3.0  # Locust's WORKER_REPORT_INTERVAL: how much a killed worker can take with it


@pytest.mark.slow
def test_run_that_loses_a_worker_writes_every_report_and_names_the_loss(tmp_path: Path) -> None:
    with emulator() as target:
        process = edgeload_run("--target", target.url, "--workers", str(WORKERS), "--target-rps", str(RATE),
                               "--users", "20", "--run-time", "6s", "--request-timeout", "1",
                               "--report-dir", str(tmp_path), "--run-id", "lost")
        wait_for_load(process)
        master = next(child for child in psutil.Process(process.pid).children() if "locust" in child.name()
                      or "locust" in " ".join(child.cmdline()))
        workers = master.children()
        assert len(workers) == WORKERS
        workers[0].kill()  # SIGKILL: no chance to send its last measurements
        code, out, err = finish(process)
        received = stats(target.url)["total"]
    assert code == 4, err[-2000:]  # a dead child: INTERRUPTED, whatever the gates said on what was measured
    assert missing_reports(tmp_path / "lost") == []
    summary = summary_of(tmp_path / "lost")
    assert summary["stop_reason"].startswith("lost worker-"), summary["stop_reason"]
    assert "are missing from the figures" in summary["stop_reason"]
    assert summary["stop_reason"] in (tmp_path / "lost" / "index.html").read_text(encoding="utf-8")
    assert "lost worker-" in out
    assert summary["verdict"] == "interrupted"
    assert "verdict: INTERRUPTED: lost worker-" in out
    # What the surviving worker sent is all there; at most the killed one's last report interval is missing.
    lost = received - summary["total_requests"]
    assert 0 <= lost <= RATE / WORKERS * (WORKER_REPORT_S + 0.5)
    # The survivor's whole share (its schedule runs from its own start), and what the dead one reported.
    assert summary["total_requests"] >= 0.98 * RATE * 6 / WORKERS
    assert summary["violations"] == 0


# --- a crash while writing reports --------------------------------------------------------------------------------

class _Crash(BaseException):
    """Stands for the process being killed: not an Exception, so no writer's error handling catches it."""


def _crash_at_fsync(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """Kill the 'process' at the nth fsync: the data of one file is written, its rename has not happened."""
    calls = iter(range(1, 1_000))
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode) and next(calls) == nth:  # a file's data, not its directory entry
            raise _Crash
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _load_test_reports(directory: Path, requests: int) -> None:
    measurements = Measurements(1_000.0)
    for i in range(requests):
        measurements.record("POST /ee/v2/interact", 1_000 + i, None if i % 3 else "request_id_echo", 1_000.0 + i / 10)
    summary = measurements.summary(1_000.0 + requests / 10)
    write_reports(directory, summary, evaluate(parse_gates(["violations==0"]), summary, None))


def _contract_reports(directory: Path, cases: int) -> None:
    case_records = [records.CaseRecord(runner="pytest", operation="POST /ee/v2/interact", case=f"test_{i}",
                                       checks=["request_id_echo"], violations=[]) for i in range(cases)]
    contract_report.write(contract_report.Report("http://127.0.0.1:1", "ds", 0, [RunResult("pytest", 0, case_records)],
                                                 contract_report.rows(case_records)), directory)


@pytest.mark.parametrize("writer", [_load_test_reports, _contract_reports], ids=["load-test", "contract"])
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_reports_killed_mid_write_are_each_whole_old_or_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Callable[[Path, int], None], nth: int
) -> None:
    old_dir, new_dir, target = tmp_path / "old", tmp_path / "new", tmp_path / "target"
    for directory, size in ((old_dir, 10), (new_dir, 20), (target, 10)):
        writer(directory, size)
    old = {path.name: path.read_bytes() for path in old_dir.iterdir()}
    new = {path.name: path.read_bytes() for path in new_dir.iterdir()}
    assert old.keys() == new.keys()
    assert all(old[name] != new[name] for name in old if name.endswith((".json", ".xml")))
    _crash_at_fsync(monkeypatch, nth)
    with pytest.raises(_Crash):
        writer(target, 20)
    found = {path.name: path.read_bytes() for path in target.iterdir()}
    assert found.keys() == old.keys()  # no temporary file left behind, none missing
    assert [name for name, data in found.items() if data not in (old[name], new[name])] == []
    assert sum(found[name] == new[name] != old[name] for name in found) == nth - 1  # those before the crash


# --- every writer goes through the atomic write --------------------------------------------------------------------

# Files written in place on purpose, with the reason.
IN_PLACE = {
    "reporting/_atomic.py": "the atomic write itself",
    "contract_runner/_runs.py": "schemathesis.toml: schemathesis' input, rendered before it runs, not a report",
}
_WRITE_METHODS = {"write_text", "write_bytes"}


def _direct_writes(path: Path, root: Path = ROOT) -> list[str]:
    """Calls that write a file in place: Path.write_text/write_bytes, open(..., 'w'/'a'/'x'), ElementTree.write."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        modes = [arg.value for arg in [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "mode")]
                 if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        if isinstance(function, ast.Attribute) and name == "open" and node.args and isinstance(node.args[0],
                                                                                               ast.Constant):
            modes.append(str(node.args[0].value))  # Path.open("wb")
        writes = name in _WRITE_METHODS or (name == "open" and any(set(mode) & set("wax") for mode in modes))
        # ElementTree.write(path, ...): a tree written to a file name rather than to a buffer.
        writes |= name == "write" and bool(node.keywords) and any(k.arg == "xml_declaration" for k in node.keywords) \
            and not (node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in ("xml", "buffer"))
        if writes:
            found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_every_report_writer_writes_atomically() -> None:
    modules = sorted(path for package in ("contracts", "targets", "contract_runner", "xdm", "reporting", "loadtests")
                     for path in (ROOT / package).rglob("*.py"))
    offenders = [hit for path in modules if path.relative_to(ROOT).as_posix() not in IN_PLACE
                 for hit in _direct_writes(path)]
    assert offenders == []


def test_direct_write_detection_finds_each_kind(tmp_path: Path) -> None:
    sample = tmp_path / "writer.py"
    sample.write_text('from pathlib import Path\nPath("a").write_text("x")\nopen("b", "w")\nPath("c").open("ab")\n'
                      'open("d")\ntree.write("e", encoding="utf-8", xml_declaration=True)\n', encoding="utf-8")
    assert [hit.split(" ")[1] for hit in _direct_writes(sample, tmp_path)] == ["write_text", "open", "open", "write"]
