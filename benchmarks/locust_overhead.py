"""What our users cost: requests/s of one Locust process against the same emulator, three set-ups in one run.

(a) a bare `FastHttpUser` posting one constant v2 interact body, no check: the most one Locust process sends;
(b) our `ServerForwarder`: a generated event per request, orjson, the contract's full verdict on every response
    and every latency into the exact measurements (loadtests._listeners);
(c) (a) in two Locust worker processes (`--processes 2`).
Target: b/a >= 0.9. The emulator is pinned to core 0 and (a), (b) to core 1; (c) needs both cores, so it
runs unpinned beside the emulator. Each figure is also given per CPU-second of Locust (all its processes): on a
shared machine a neighbour steals cores, not CPU-seconds, so that ratio is the steadier one. The set-ups
alternate within each repeat so that drift hits them alike; medians are compared.

    .venv/bin/python -m benchmarks.locust_overhead [--seconds 10] [--repeats 3] [--users 50]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
import psutil

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import RunningEmulator, spawn
from generators._traffic import Traffic

ROOT = Path(__file__).resolve().parents[1]
SERVER_CORE, LOAD_CORE = 0, 1
# No rate limit: the emulator's guardrail (4,000 request units/s) would answer 429s faster than real answers.
EMULATOR_ARGS = ("--seed", "1", "--rate-limit", "0", "--collect-rate-limit", "0")
TARGET_RATIO = 0.9
WARMUP_S = 2.0  # after the first request: users spawned, connections open, caches warm

BARE = '''
from locust import task
from locust.contrib.fasthttp import FastHttpUser

BODY = {body!r}
HEADERS = {{"content-type": "application/json", "x-request-id": "6f1c2b0a-2a7e-4c3e-9d0f-1b2c3d4e5f60"}}


class Bare(FastHttpUser):
    @task
    def post(self) -> None:
        self.client.post("/ee/v2/interact?datastreamId={datastream}", data=BODY, headers=HEADERS,
                         name="POST /ee/v2/interact")
'''
OURS = '''
from loadtests import _listeners as listeners  # noqa: F401
from loadtests._users import ServerForwarder
'''


@dataclass(frozen=True)
class Figure:
    per_second: float
    per_cpu_second: float
    failures: int


def _pin(core: int | None) -> list[str]:
    return ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []


def _received(url: str) -> tuple[int, int]:
    """The emulator's own counts: requests received, and those answered with a 2xx."""
    with urllib.request.urlopen(url + "/_emulator/stats", timeout=10) as answer:
        stats = json.loads(answer.read())
    ok = sum(n for status, n in stats["by_status"].items() if status.startswith("2"))
    return int(stats["total"]), ok


def _tree_cpu(process: psutil.Process) -> float:
    """CPU seconds of a process and its children (Locust's master and workers)."""
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def run_locust(
    locustfile: Path, url: str, seconds: float, users: int, processes: int, core: int | None, extra: Sequence[str] = ()
) -> Figure:
    """One headless Locust run, measured over a window after its start-up and warm-up: requests counted by the
    emulator, CPU by the operating system (start-up, traffic pools and imports are left out of both)."""
    command = [*_pin(core), sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", url,
               "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds + 60:g}s",
               "--only-summary", "--loglevel", "ERROR", *extra]
    if processes > 1:
        command += ["--processes", str(processes)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        tree = psutil.Process(process.pid)
        first, _ = _received(url)
        deadline = time.monotonic() + 60
        while _received(url)[0] == first:  # wait for the load to begin
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Locust sent nothing (exit code {process.poll()}): {' '.join(command)}")
            time.sleep(0.1)
        time.sleep(WARMUP_S)
        (total0, ok0), cpu0, t0 = _received(url), _tree_cpu(tree), time.monotonic()
        time.sleep(seconds)
        (total1, ok1), cpu1, t1 = _received(url), _tree_cpu(tree), time.monotonic()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    requests = total1 - total0
    return Figure(requests / (t1 - t0), requests / (cpu1 - cpu0) if cpu1 > cpu0 else 0.0, requests - (ok1 - ok0))


def _constant_body() -> bytes:
    """One generated page view, as the forwarder sends them (the same size and shape, sent unchanged)."""
    traffic = Traffic(1)
    return orjson.dumps(traffic.interact_body(traffic.page_view()))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.locust_overhead", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="measured window of each run (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each set-up (default 3)")
    parser.add_argument("--users", type=int, default=50, help="Locust users (default 50)")
    args = parser.parse_args(list(argv))
    results: dict[str, list[Figure]] = {"a": [], "b": [], "c": []}
    with tempfile.TemporaryDirectory(prefix="edgeload-bench-") as scratch:
        bare, ours = Path(scratch) / "bare.py", Path(scratch) / "ours.py"
        bare.write_text(BARE.format(body=_constant_body(), datastream=DEFAULT_DATASTREAM_ID), encoding="utf-8")
        ours.write_text(OURS, encoding="utf-8")
        emulator: RunningEmulator
        with spawn(EMULATOR_ARGS) as emulator:
            if hasattr(os, "sched_setaffinity") and shutil.which("taskset"):
                os.sched_setaffinity(emulator.process.pid, {SERVER_CORE})
            for repeat in range(args.repeats):
                for name, file, processes, core, extra in (
                    ("a", bare, 1, LOAD_CORE, ()),
                    ("b", ours, 1, LOAD_CORE, ("--report-dir", "")),  # the reports are not the load: none here
                    ("c", bare, 2, None, ()),
                ):
                    figure = run_locust(file, emulator.url, args.seconds, args.users, processes, core, extra)
                    results[name].append(figure)
                    print(f"  repeat {repeat + 1} ({name}): {figure.per_second:,.0f} req/s, "
                          f"{figure.per_cpu_second:,.0f} req per Locust CPU-second, {figure.failures} not 2xx",
                          flush=True)
    median = {name: (statistics.median(f.per_second for f in figures),
                     statistics.median(f.per_cpu_second for f in figures)) for name, figures in results.items()}
    labels = {"a": "(a) bare FastHttpUser, constant body, no check",
              "b": "(b) our ServerForwarder: generated event, full verdict, exact measurements",
              "c": "(c) (a) in two worker processes (--processes 2, unpinned)"}
    print(f"\nmedians of {args.repeats} x {args.seconds:g} s (after {WARMUP_S:g} s of warm-up), {args.users} users:")
    print("| set-up | req/s | req per Locust CPU-second |\n| --- | --- | --- |")
    for name in "abc":
        print(f"| {labels[name]} | {median[name][0]:,.0f} | {median[name][1]:,.0f} |")
    ratio, ratio_cpu = median["b"][0] / median["a"][0], median["b"][1] / median["a"][1]
    print(f"ratio b/a: {ratio:.2f} req/s, {ratio_cpu:.2f} per CPU-second (target >= {TARGET_RATIO})")
    print(f"ratio c/a: {median['c'][0] / median['a'][0]:.2f} req/s")
    failed = sum(f.failures for figures in results.values() for f in figures)
    if failed:
        print(f"note: {failed} answers were not 2xx during the runs (a fast failure would flatter a figure)")
    return 0 if ratio_cpu >= TARGET_RATIO or ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
