"""`edgeload run --master` and `edgeload worker --master HOST:PORT` on loopback: the master's verdict and reports
count exactly what the workers sent, and the flags that cannot work fail with one line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from emulator._server import RunningEmulator
from loadtests._distributed import DistributedError, MasterOptions, master_from, parse_master_address
from tests.edgeload_runs import ROOT, edgeload_run, expected_exit, finish, stats, summary_of


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def edgeload_worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "loadtests._cli", "worker", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_master_from_reads_the_master_flags_and_leaves_the_rest():
    master, rest = master_from(["--master", "--expect-workers", "3", "--users", "9", "--master-bind-port=6000"])
    assert master == MasterOptions("0.0.0.0", 6000, 3, 60.0)
    assert rest == ["--users", "9"]
    assert master_from(["--users", "9"]) == (None, ["--users", "9"])


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--master"], "--master needs --expect-workers N", id="no-count"),
    pytest.param(["--expect-workers", "2"], "--expect-workers only applies with --master", id="no-master"),
    pytest.param(["--master", "--expect-workers", "x"], "argument --expect-workers: invalid int value", id="nan"),
    pytest.param(["--master", "--expect-workers", "1", "--master-bind-port", "0"], "--master-bind-port must be",
                 id="port"),
])
def test_master_from_refuses_bad_flags_with_one_line(argv, message):
    with pytest.raises(DistributedError, match=message):
        master_from(argv)


@pytest.mark.parametrize(("value", "address"), [
    ("10.0.0.5", ("10.0.0.5", 5557)), ("10.0.0.5:6000", ("10.0.0.5", 6000)), ("[::1]:6000", ("::1", 6000)),
    ("master.example:5557", ("master.example", 5557)),
])
def test_parse_master_address_reads_host_and_port(value, address):
    assert parse_master_address(value) == address


@pytest.mark.parametrize("value", [":5557", "host:0", "host:x"])
def test_parse_master_address_refuses_a_bad_one(value):
    with pytest.raises(DistributedError, match="--master"):
        parse_master_address(value)


@pytest.mark.slow
def test_worker_that_cannot_reach_the_master_fails_with_one_line():
    port = _free_port()  # nothing listens there
    code, _, err = finish(edgeload_worker("--master", f"127.0.0.1:{port}", "--connect-timeout", "1"), timeout=60)
    assert code == 2
    assert err.strip().splitlines() == [
        f"edgeload worker: cannot reach the master at 127.0.0.1:{port} within 1 s (Connection refused); start "
        "`edgeload run --master` there first, or fix --master, its --master-bind-host or a firewall"]


@pytest.mark.slow
def test_run_master_refuses_local_workers_with_one_line():
    code, _, err = finish(edgeload_run("--master", "--expect-workers", "1", "--workers", "2"), timeout=60)
    assert code == 2
    assert err.strip().startswith("edgeload run: --workers forks workers on this machine")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_master_and_two_edgeload_workers_count_every_request(tmp_path: Path, emulator: RunningEmulator) -> None:
    port = _free_port()
    # The same options on every machine (docs/distributed.md): a worker that builds its traffic for another
    # seed rebuilds it when the master's arrives, late for the run's start.
    same = ("--target", emulator.url, "--users", "20", "--run-time", "4s", "--target-rps", "50", "--seed", "9")
    master = edgeload_run("--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
                          "--expect-workers", "2", "--expect-workers-max-wait", "60", *same,
                          "--report-dir", str(tmp_path), "--run-id", "hosts")
    workers = [edgeload_worker("--master", f"127.0.0.1:{port}", *same) for _ in range(2)]
    try:
        code, out, err = finish(master, timeout=120)
        ended = [finish(worker, timeout=30) for worker in workers]
    finally:
        for process in (master, *workers):
            process.kill()
    summary = summary_of(tmp_path / "hosts")
    assert summary["total_requests"] == stats(emulator.url)["total"], err[-2000:]
    assert 0.98 * 200 <= summary["total_requests"] <= 1.02 * 200  # 50/s for 4 s, split over the two workers
    assert {source for source in summary["cpu"]["by_source"]} >= {"worker-0", "worker-1"}
    assert code == expected_exit(summary, 0), err[-2000:]  # NOT TRUSTWORTHY only when the machine was busy
    assert "verdict:" in out
    assert [worker_code for worker_code, _, _ in ended] == [0, 0], [e[-500:] for _, _, e in ended]
    assert not list(Path(ROOT).glob("reports/hosts"))  # the workers wrote no report folder
