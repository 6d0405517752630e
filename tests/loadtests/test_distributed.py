"""Locust's master and two workers on loopback (the documented many-machine commands): every worker's requests
reach the master's gates and reports exactly, counted against the emulator's own count."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from emulator._server import RunningEmulator
from tests.edgeload_runs import admin
from tests.loadtests.conftest import set_faults

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = str(ROOT / "loadtests" / "locustfile.py")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_master_and_two_workers_count_every_request_the_emulator_received(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    # 600 ms answers: at the end of the run requests are still in flight for longer than Locust's own quit waits
    # for its workers' last statistics (0.5 s); the master must wait for them (loadtests._listeners, drain).
    set_faults(emulator.url, "latency,dist=fixed,ms=600", "request-id-not-echoed:0.1", "connection-reset:0.05")
    port = _free_port()
    locust = [sys.executable, "-m", "locust", "-f", LOCUSTFILE]
    master = subprocess.Popen(
        [*locust, "--master", "--headless", "--expect-workers", "2", "--master-bind-host", "127.0.0.1",
         "--master-bind-port", str(port), "--host", emulator.url, "--users", "40", "--spawn-rate", "40",
         "--run-time", "4s", "--target-rps", "40", "--report-dir", str(tmp_path), "--run-id", "dist"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = [
        subprocess.Popen([*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        _, err = master.communicate(timeout=90)
        for worker in workers:
            worker.wait(timeout=30)
    finally:
        for process in (master, *workers):
            process.kill()
    summary = json.loads((tmp_path / "dist" / "summary.json").read_text(encoding="utf-8"))
    stats = admin(emulator.url, "GET", "/_emulator/stats")
    faults = stats["faults"]
    assert isinstance(faults, dict)
    assert summary["total_requests"] == stats["total"], err[-2000:]
    assert 0.98 * 160 <= summary["total_requests"] <= 1.02 * 160  # 40/s for 4 s, split over the two workers
    assert summary["violations_by_check"]["request_id_echo"] == faults["request-id-not-echoed"]
    overall = summary["overall"]["failures_by_category"]
    assert overall["connection_reset"] == faults["connection-reset"]
    assert {source for source in summary["cpu"]["by_source"]} >= {"worker-0", "worker-1"}
    assert master.returncode == 1  # the violations gate failed
    # Each worker's schedule, its latency from the schedule and its clock reach the master too.
    slots = summary["slots"]
    assert slots["on_time"] + slots["late"] == summary["total_requests"]
    assert slots["scheduled"] == slots["on_time"] + slots["late"] + slots["never_sent"]
    assert 0.98 * 160 <= slots["scheduled"] <= 1.02 * 160
    assert summary["overall"]["latency_from"] == "schedule"
    assert summary["overall"]["p50_ms"] >= summary["overall"]["send_p50_ms"] >= 600
    assert summary["trust"]["probe_wakeups"] >= 2 * 4 / 0.005 * 0.5  # both workers' probes, half of them at least
