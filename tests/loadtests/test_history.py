from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from loadtests import _history as history
from loadtests import _history_cli as history_cli
from loadtests._latency import LatencyHistogram
from tests.edgeload_runs import ROOT, edgeload_run, finish
from tests.loadtests.synthetic_runs import INTERACT, STARTED, record, summary

_APPENDER = """
import sys
from loadtests import _history as history
from tests.loadtests.synthetic_runs import record
for index in range(int(sys.argv[2])):
    history.append(sys.argv[1], record(run_id=f"{sys.argv[3]}-{index}", requests=200))
"""


def test_history_record_keeps_the_exact_histogram_each_gate_reads() -> None:
    run = record(run_id="x", requests=2000)
    hist = LatencyHistogram.decode(run["operations"][INTERACT]["hist"])  # type: ignore[index]
    assert hist.count == 1500
    assert hist.percentile_ms(95) == run["operations"][INTERACT]["p95_ms"]  # type: ignore[index]
    assert LatencyHistogram.decode(run["overall"]["hist"]).count == 2000  # type: ignore[index]
    assert run["run_id"] == "x"
    assert run["verdict"] in ("pass", "fail")


def test_history_record_masks_secrets_in_settings() -> None:
    run = summary()
    run.settings["client_secret"] = "FAKE-s3cr3t-history"
    text = json.dumps(history.record_of(run, []))
    assert "FAKE-s3cr3t-history" not in text


def test_history_append_then_load_returns_records_oldest_first(tmp_path: Path) -> None:
    for run_id in ("a", "b", "c"):
        history.append(tmp_path, record(run_id=run_id, requests=100))
    records = history.load(tmp_path / history.HISTORY_FILE)
    assert [r["run_id"] for r in records] == ["a", "b", "c"]
    assert history.find(records, "b") is records[1]
    assert history.find(records, "zz") is None


def test_history_latest_pass_skips_failed_runs() -> None:
    records = [{"run_id": "a", "passed": True}, {"run_id": "b", "passed": True}, {"run_id": "c", "passed": False}]
    assert history.latest_pass(records) == records[1]
    assert history.latest_pass([{"run_id": "c", "passed": False}]) is None


def test_history_append_keeps_every_record_when_processes_append_at_once(tmp_path: Path) -> None:
    processes = [subprocess.Popen([sys.executable, "-c", _APPENDER, str(tmp_path), "8", name], cwd=ROOT)
                 for name in ("p", "q", "r")]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0]
    ids = sorted(r["run_id"] for r in history.load(tmp_path / history.HISTORY_FILE))
    assert ids == sorted(f"{name}-{index}" for name in "pqr" for index in range(8))


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("not json\n", "line 1 is not JSON", id="garbage"),
    pytest.param('{"schema_version": 99}\n', "line 1 is not a version-1 run record", id="version"),
])
def test_history_load_names_the_bad_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / history.HISTORY_FILE
    path.write_text(content)
    with pytest.raises(history.HistoryError, match=expected):
        history.load(path)


def test_history_cli_lists_runs_and_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history.append(tmp_path, record(run_id="first", started=STARTED))
    history.append(tmp_path, record(run_id="second", scale=2.0, started=STARTED + 60))
    assert history_cli.main(["--report-dir", str(tmp_path), "--operation", INTERACT]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["run", "started", "(UTC)"]
    assert [line.split()[0] for line in lines[1:3]] == ["first", "second"]
    p50 = [float(line.split()[8]) for line in lines[1:3]]
    assert 1.9 < p50[1] / p50[0] < 2.1
    page = (tmp_path / "history.html").read_text()
    assert page.count("<svg") == 9  # overall and two operations, three charts each
    assert "first" in page
    assert "second" in page


def test_history_cli_exits_2_with_one_line_without_a_history(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert history_cli.main(["--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no run history" in err


def test_history_cli_exits_2_on_an_unknown_operation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history.append(tmp_path, record())
    assert history_cli.main(["--report-dir", str(tmp_path), "--operation", "GET /nope"]) == 2
    assert INTERACT in capsys.readouterr().err


@pytest.mark.slow
def test_run_appends_to_the_history_of_its_report_dir(tmp_path: Path) -> None:
    for run_id in ("one", "two"):
        finish(edgeload_run("--run-time", "2s", "--report-dir", str(tmp_path), "--run-id", run_id))
    records = history.load(tmp_path / history.HISTORY_FILE)
    assert [r["run_id"] for r in records] == ["one", "two"]
    for run in records:
        summary_json = json.loads((tmp_path / run["run_id"] / "summary.json").read_text())
        assert run["overall"]["requests"] == summary_json["overall"]["requests"] > 0
        assert LatencyHistogram.decode(run["overall"]["hist"]).count == run["overall"]["requests"]
        assert run["verdict"] == summary_json["verdict"]
