"""Does a passing trust gate mean true percentiles? edgeload against wrk, quiet and with busy neighbours.

The claim (docs/performance.md#trust-gate-against-wrk): when the `trust` gate passes, edgeload's p50/p95/p99
are within 10 % (or 2 ms) of what an efficient C client measures against the same server under the same
conditions; otherwise the trust gate fails. Both sides are measured here, in one run, against one emulator
answering in a fixed 200 ms:

- wrk (Debian's 4.1, which has no `-R` rate option: it is closed-loop) with 100 connections, so it sends about
  the 500 requests/s that 100 connections over 200 ms answers allow, and prints its own exact p50/p95/p99
  (`trust_percentiles.lua`);
- `edgeload run` at an open-model 500 requests/s (forwarder persona only, enough users to keep the schedule),
  whose percentiles count from each request's scheduled time: what the gates read.

"The same conditions" is taken literally: wrk runs at the same time as edgeload, against the same emulator, from
the moment edgeload's users are all running until shortly before its end, so both clients see the same server
and the same neighbours over the same seconds (run one after the other, a server slowed by contention in one run
and not the other would differ by more than any bound). Two conditions: quiet (nothing of ours running
besides), then busy, with `--burners` processes spinning on the CPU (default 4 per core) as a shared CI
runner's neighbours would. Exit 0 when the claim holds in every condition, 1 when it does not.

    .venv/bin/python -m benchmarks.trust_accuracy [--duration 10] [--burners N] [--rate 500] [--latency-ms 200]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.emulator_throughput import BODY_FILE, PATH, CannotRun, check_answers
from emulator._server import spawn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "trust_percentiles.lua"
RELATIVE, ABSOLUTE_MS = 0.10, 2.0  # the bound of the claim: within 10 %, or 2 ms for small latencies
QUANTILES = ("p50", "p95", "p99")
WRK_MARGIN_S = 2  # wrk stops this long before edgeload's run time is up (Locust's start-up is already behind)


@dataclass(frozen=True)
class Percentiles:
    p50: float
    p95: float
    p99: float
    requests: int

    def of(self, name: str) -> float:
        return float(getattr(self, name))


@dataclass(frozen=True)
class EdgeloadRun:
    figures: Percentiles
    send: Percentiles  # the same run's percentiles from the moment of sending
    trust: dict[str, Any]
    trust_passed: bool


def wrk(url: str, seconds: int, connections: int) -> Percentiles:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
               url + PATH, "--", str(BODY_FILE)]
    # Its own session, as `edgeload run` gives Locust one: with Linux's autogroup scheduling each session gets a
    # fair share of the CPU, so both clients must stand alike against the neighbours.
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False,
                          start_new_session=True)
    line = re.search(r"percentiles-us (\d+) (\d+) (\d+) requests (\d+) errors (\d+)", done.stdout)
    if done.returncode != 0 or line is None:
        raise CannotRun(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    if int(line.group(5)) or re.search(r"Non-2xx or 3xx responses", done.stdout):
        raise CannotRun(f"wrk saw errors against {url}: the figures would measure them")
    p50, p95, p99 = (int(line.group(k)) / 1000.0 for k in (1, 2, 3))
    return Percentiles(p50, p95, p99, int(line.group(4)))


def side_by_side(url: str, seconds: int, rate: int, users: int, connections: int) -> tuple[Percentiles, EdgeloadRun]:
    """edgeload for `seconds`, and wrk within the same window once edgeload's users all run."""
    with tempfile.TemporaryDirectory() as folder, open(Path(folder, "stderr"), "w+", encoding="utf-8") as log:
        command = [sys.executable, "-m", "loadtests._cli", "run", "--target", url, "--target-rps", str(rate),
                   "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
                   "--persona-weights", "forwarder=1,visitor=0,collector=0", "--request-timeout", "10",
                   "--report-dir", folder, "--run-id", "trust", "--verbose"]  # Locust's log: spawned
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT)
        deadline = time.monotonic() + 60
        while "All users spawned" not in Path(folder, "stderr").read_text(encoding="utf-8"):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise CannotRun(f"edgeload run never spawned its users: {log.read()[-500:]}")
            time.sleep(0.05)
        truth = wrk(url, max(1, seconds - WRK_MARGIN_S), connections)
        code = process.wait(timeout=seconds + 120)
        summary_file = Path(folder, "trust", "summary.json")
        if not summary_file.is_file():
            raise CannotRun(f"edgeload run wrote no summary ({code}): {log.read()[-500:]}")
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    overall = summary["overall"]
    if overall["failures"]:
        raise CannotRun(f"edgeload saw {overall['failures']} failures against {url}: {summary['headline']}")
    gate = next(row for row in summary["gates"] if row["metric"] == "trust")
    return truth, EdgeloadRun(
        Percentiles(overall["p50_ms"], overall["p95_ms"], overall["p99_ms"], summary["total_requests"]),
        Percentiles(overall["send_p50_ms"], overall["send_p95_ms"], overall["send_p99_ms"], overall["requests"]),
        summary["trust"], bool(gate["passed"]))


@contextmanager
def burners(count: int) -> Iterator[None]:
    """`count` processes spinning on the CPU for as long as the block runs, each in its own session: separate
    jobs on a shared runner, each its own autogroup (https://man7.org/linux/man-pages/man7/sched.7.html)."""
    spinning = [subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL,
                                 start_new_session=True)
                for _ in range(count)]
    try:
        yield
    finally:
        for process in spinning:
            process.kill()
        for process in spinning:
            process.wait()


def within(measured: float, truth: float) -> bool:
    return abs(measured - truth) <= max(RELATIVE * truth, ABSOLUTE_MS)


def report(condition: str, truth: Percentiles, run: EdgeloadRun) -> bool:
    """Print one condition's rows; True when the claim holds (within the bound, or the trust gate failed)."""
    cells = "  ".join(f"{name} {truth.of(name):8.1f}" for name in QUANTILES)
    print(f"  {condition:<6} wrk       {cells}  ({truth.requests:,} requests)")
    for label, figures in (("edgeload", run.figures), ("  send", run.send)):
        cells = "  ".join(f"{name} {figures.of(name):8.1f}" for name in QUANTILES)
        ratios = " ".join(f"{figures.of(name) / truth.of(name):.2f}" for name in QUANTILES)
        print(f"  {'':<6} {label:<9} {cells}  ratios {ratios}")
    accurate = all(within(run.figures.of(name), truth.of(name)) for name in QUANTILES)
    trust = run.trust
    verdict = "passed" if run.trust_passed else "FAILED"
    print(f"  {'':<6} trust gate {verdict}: {trust['distortion_pct']:.0f}% of the {trust['bound_ms']:.1f} ms bound "
          f"(timer lag p99 {trust['lag_p99_ms']:.1f} ms, max {trust['lag_max_ms']:.1f} ms; waited for a core "
          f"{trust['runqueue_wait_pct'] or 0:.1f}% of the time, {trust['runqueue_wait_per_wakeup_ms'] or 0:.2f} ms "
          f"per wake-up)")
    holds = accurate or not run.trust_passed
    print(f"  {'':<6} figures {'within' if accurate else 'NOT within'} 10 % / 2 ms of wrk; claim "
          f"{'holds' if holds else 'BROKEN: the trust gate passed on wrong figures'}", flush=True)
    return holds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.trust_accuracy", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    parser.add_argument("--burners", type=int, default=4 * (os.cpu_count() or 1),
                        help="CPU-spinning neighbours in the busy condition (default 4 per core)")
    parser.add_argument("--rate", type=int, default=500, help="edgeload's open-model rate (default 500/s)")
    parser.add_argument("--latency-ms", type=int, default=200, help="the emulator's fixed answer time (200)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("trust_accuracy: wrk is not installed; install it with `sudo apt-get install -y wrk`", file=sys.stderr)
        return 2
    connections = max(1, round(args.rate * args.latency_ms / 1000))  # closed loop: wrk's rate = connections / latency
    users = connections + connections // 2  # open model: room for the schedule's jitter
    emulator_args = ("--seed", "1", "--rate-limit", "1000000000", "--collect-rate-limit", "1000000000",
                     "--fault", f"latency,dist=fixed,ms={args.latency_ms}")
    print(f"trust accuracy: emulator answering in {args.latency_ms} ms; wrk -c{connections} (closed loop) beside "
          f"edgeload at {args.rate}/s with {users} users, at the same time, for {args.duration} s; busy = "
          f"{args.burners} spinning processes on {os.cpu_count()} cores; percentiles in ms", flush=True)
    holds = True
    try:
        with spawn(emulator_args) as emulator:
            check_answers(emulator.url)
            for condition, neighbours in (("quiet", 0), ("busy", args.burners)):
                with burners(neighbours):
                    truth, run = side_by_side(emulator.url, args.duration, args.rate, users, connections)
                holds = report(condition, truth, run) and holds
    except CannotRun as exc:
        print(f"trust_accuracy: {exc}", file=sys.stderr)
        return 2
    print(f"claim (within the bound, or the trust gate failed): {'holds' if holds else 'BROKEN'}")
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
