"""Is the emulator ever what limits a load test? Requests/s of three set-ups measured in one run.

(a) the emulator's full interact behaviour, (b) the same uvicorn stack answering a constant body
(`emulator_constant_app.py`), both loaded by wrk (Debian) posting a 1.2 KB page view (`emulator_page_view.json`,
`emulator_post.lua`); (c) one Locust FastHttpUser process posting the same body to (b). Servers are pinned to
core 0 and load to core 1 (`taskset`); the three alternate within each repeat so drift hits them alike, and the
medians are compared. Each figure is also given per CPU-second of the limiting process (the server for
(a) and (b), Locust for (c)): on a shared machine a neighbour steals cores, not CPU-seconds. Targets:
a/b >= 0.5 (the emulator's own work costs at most the server's), a/c >= 2 (one emulator out-serves a Locust
process twice over).

    .venv/bin/python -m benchmarks.emulator_throughput [--duration 10] [--repeats 3] [--connections 50]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import RunningEmulator, spawn

HERE = Path(__file__).resolve().parent
BODY_FILE = HERE / "emulator_page_view.json"
LUA = HERE / "emulator_post.lua"
LOCUSTFILE = HERE / "emulator_locustfile.py"
PATH = f"/ee/v2/interact?datastreamId={DEFAULT_DATASTREAM_ID}"
SERVER_CORE, LOAD_CORE = "0", "1"
# Rate limiting stays on (its bucket runs per request) but far above what one core can serve.
EMULATOR_ARGS = ("--seed", "1", "--rate-limit", "1000000000", "--collect-rate-limit", "1000000000")
TARGET_VS_CONSTANT, TARGET_VS_LOCUST = 0.5, 2.0


class CannotRun(Exception):
    """A tool is missing or a run produced no figure; the message says how to fix it."""


def pin(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") else []


@dataclass(frozen=True)
class Figure:
    """One measurement: requests/s, and requests per CPU-second of the process that limits it."""

    per_second: float
    per_cpu_second: float


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def wrk(server: RunningEmulator, seconds: int, connections: int) -> Figure:
    """wrk against a server; raises if any answer was not 2xx (a fast error would flatter the figure)."""
    command = [*pin(LOAD_CORE), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA)]
    command += [server.url + PATH, "--", str(BODY_FILE)]
    before = cpu_seconds(server.process.pid)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    used = cpu_seconds(server.process.pid) - before
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    total = re.search(r"(\d+) requests in", done.stdout)
    if done.returncode != 0 or rate is None or total is None:
        raise CannotRun(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise CannotRun(f"{bad.group(1)} non-2xx answers from {server.url}: the figure would measure errors")
    return Figure(float(rate.group(1)), int(total.group(1)) / max(used, 1e-9))


def locust(server: RunningEmulator, seconds: int, users: int) -> Figure:
    """One headless Locust process (its aggregated CSV row), run outside the checkout's Locust config."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            *pin(LOAD_CORE), sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", server.url, "--csv", f"{folder}/run",
            "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "1",
        ]  # fmt: skip
        env = {**os.environ, "EDGELOAD_BENCH_PATH": PATH}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, cwd=folder, env=env, check=False
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stats = Path(folder, "run_stats.csv")
        if not stats.exists():
            raise CannotRun(f"locust wrote no statistics ({done.returncode}): {done.stderr.strip()[-500:]}")
        rows = {row["Name"]: row for row in csv.DictReader(stats.open())}
    aggregated = rows["Aggregated"]
    if int(aggregated["Failure Count"]):
        raise CannotRun(f"locust saw {aggregated['Failure Count']} failures against {server.url}")
    # Locust's own CPU (it is the limit in (c)), start-up included: a slight understatement of its efficiency.
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Figure(float(aggregated["Requests/s"]), int(aggregated["Request Count"]) / max(used, 1e-9))


def check_answers(url: str) -> None:
    """One request first: the benchmark must measure 200s, not an error path."""
    request = urllib.request.Request(
        url + PATH, data=BODY_FILE.read_bytes(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        if response.status != 200:
            raise CannotRun(f"{url} answered the page view with {response.status}")


def measure(seconds: int, repeats: int, connections: int) -> dict[str, list[Figure]]:
    figures: dict[str, list[Figure]] = {"a": [], "b": [], "c": []}
    with (
        spawn(EMULATOR_ARGS, wrapper=pin(SERVER_CORE)) as emulator,
        spawn((), wrapper=pin(SERVER_CORE), module="benchmarks.emulator_constant_app") as constant,
    ):
        check_answers(emulator.url)
        check_answers(constant.url)
        for repeat in range(1, repeats + 1):
            figures["a"].append(wrk(emulator, seconds, connections))
            figures["b"].append(wrk(constant, seconds, connections))
            figures["c"].append(locust(constant, seconds, connections))
            shown = ", ".join(
                f"{k} {v[-1].per_second:,.0f} ({v[-1].per_cpu_second:,.0f}/cpu-s)" for k, v in figures.items()
            )
            print(f"  repeat {repeat}: {shown}", flush=True)
    return figures


def report(figures: dict[str, list[Figure]]) -> None:
    rate = {k: statistics.median(f.per_second for f in v) for k, v in figures.items()}
    cpu = {k: statistics.median(f.per_cpu_second for f in v) for k, v in figures.items()}
    rows = [
        ("a", "emulator, full interact behaviour (wrk)"),
        ("b", "same uvicorn stack, constant body (wrk)"),
        ("c", "one Locust FastHttpUser process against (b)"),
    ]
    print(f"{'':48}{'req/s':>10}{'req/CPU-s':>12}")
    for key, label in rows:
        print(f"({key}) {label:<44}{rate[key]:>10,.0f}{cpu[key]:>12,.0f}")
    for name, numerator, denominator, target in (
        ("a/b", "a", "b", TARGET_VS_CONSTANT),
        ("a/c", "a", "c", TARGET_VS_LOCUST),
    ):
        by_rate, by_cpu = rate[numerator] / rate[denominator], cpu[numerator] / cpu[denominator]
        verdict = "met" if min(by_rate, by_cpu) >= target else "MISSED"
        print(f"{name} = {by_rate:.2f} by req/s, {by_cpu:.2f} by req/CPU-s  (target >= {target}: {verdict})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.emulator_throughput", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="measurements of each set-up; medians compared (3)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections and Locust users (50)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "emulator_throughput: wrk is not installed; install it with `sudo apt-get install -y wrk`", file=sys.stderr
        )
        return 2
    print(
        f"emulator throughput: {args.repeats} x {args.duration} s each, {args.connections} connections, "
        f"{BODY_FILE.stat().st_size} B page view, server on core {SERVER_CORE}, load on core {LOAD_CORE}"
        + ("" if pin(SERVER_CORE) else " (taskset missing: NOT pinned)"),
        flush=True,
    )
    try:
        figures = measure(args.duration, args.repeats, args.connections)
    except CannotRun as exc:
        print(f"emulator_throughput: {exc}", file=sys.stderr)
        return 2
    report(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
