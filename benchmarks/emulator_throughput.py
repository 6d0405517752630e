"""Is the emulator ever what limits a load test? Requests/s of three set-ups measured in one run (issue 2).

(a) the emulator's full interact behaviour, (b) the same uvicorn stack answering a constant body
(`emulator_constant_app.py`), both loaded by wrk (Debian) posting a 1.2 KB page view (`emulator_page_view.json`,
`emulator_post.lua`); (c) one Locust FastHttpUser process posting the same body to (b). Servers are pinned to
core 0 and load to core 1 (`taskset`); the three alternate within each repeat so drift hits them alike, and the
medians are compared. Targets: a/b >= 0.5 (the emulator's own work costs at most the server's), a/c >= 2 (one
emulator out-serves a Locust process twice over).

    .venv/bin/python -m benchmarks.emulator_throughput [--duration 10] [--repeats 3] [--connections 50]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from emulator.config import DEFAULT_DATASTREAM_ID
from emulator.server import RunningEmulator, spawn

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


def wrk(url: str, seconds: int, connections: int) -> float:
    """Requests/s wrk measured; raises if any answer was not 2xx (a fast error would flatter the figure)."""
    command = [
        *pin(LOAD_CORE),
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "-s",
        str(LUA),
        url + PATH,
        "--",
        str(BODY_FILE),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if done.returncode != 0 or found is None:
        raise CannotRun(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if bad:
        raise CannotRun(f"{bad.group(1)} non-2xx answers from {url}: the figure would measure errors")
    return float(found.group(1))


def locust(url: str, seconds: int, users: int) -> float:
    """Requests/s of one headless Locust process (its aggregated CSV row), run outside the checkout's config."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            *pin(LOAD_CORE), sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", f"{folder}/run",
            "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "1",
        ]  # fmt: skip
        env = {**os.environ, "EDGELOAD_BENCH_PATH": PATH}
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, cwd=folder, env=env, check=False
        )
        stats = Path(folder, "run_stats.csv")
        if not stats.exists():
            raise CannotRun(f"locust wrote no statistics ({done.returncode}): {done.stderr.strip()[-500:]}")
        rows = {row["Name"]: row for row in csv.DictReader(stats.open())}
    aggregated = rows["Aggregated"]
    if int(aggregated["Failure Count"]):
        raise CannotRun(f"locust saw {aggregated['Failure Count']} failures against {url}")
    return float(aggregated["Requests/s"])


def check_answers(url: str) -> None:
    """One request first: the benchmark must measure 200s, not an error path."""
    import urllib.request

    request = urllib.request.Request(
        url + PATH, data=BODY_FILE.read_bytes(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        if response.status != 200:
            raise CannotRun(f"{url} answered the page view with {response.status}")


def measure(seconds: int, repeats: int, connections: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"a": [], "b": [], "c": []}
    emulator: RunningEmulator
    with (
        spawn(EMULATOR_ARGS, wrapper=pin(SERVER_CORE)) as emulator,
        spawn((), wrapper=pin(SERVER_CORE), module="benchmarks.emulator_constant_app") as constant,
    ):
        check_answers(emulator.url)
        check_answers(constant.url)
        for repeat in range(1, repeats + 1):
            figures["a"].append(wrk(emulator.url, seconds, connections))
            figures["b"].append(wrk(constant.url, seconds, connections))
            figures["c"].append(locust(constant.url, seconds, connections))
            print(f"  repeat {repeat}: " + ", ".join(f"{k} {v[-1]:,.0f}" for k, v in figures.items()), flush=True)
    return figures


def report(figures: dict[str, list[float]]) -> bool:
    a, b, c = (statistics.median(figures[k]) for k in "abc")
    print(f"(a) emulator, full interact behaviour (wrk):      {a:>9,.0f} req/s")
    print(f"(b) same uvicorn stack, constant body (wrk):      {b:>9,.0f} req/s")
    print(f"(c) one Locust FastHttpUser process against (b):  {c:>9,.0f} req/s")
    ok_b, ok_c = a / b >= TARGET_VS_CONSTANT, a / c >= TARGET_VS_LOCUST
    print(f"a/b = {a / b:.2f}  (target >= {TARGET_VS_CONSTANT}: {'met' if ok_b else 'MISSED'})")
    print(f"a/c = {a / c:.2f}  (target >= {TARGET_VS_LOCUST}: {'met' if ok_c else 'MISSED'})")
    return ok_b and ok_c


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
