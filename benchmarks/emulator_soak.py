"""Does the emulator's memory stay put under a long steady load? Its RSS after a soak against where it settled
after warm-up (the target: within 10 %).

wrk (Debian) posts the 1.2 KB page view of `emulator_throughput` flat out on a fixed number of connections, one
in a hundred closing its connection (`emulator_soak.lua`) so connection set-up and teardown are soaked too; the
emulator is pinned to core 0 and wrk to core 1. The emulator's RSS is sampled every second. The baseline is the
RSS at the end of the warm-up, measured in the same run: the ratio printed is end / baseline (and the peak after
warm-up / baseline). A leak of a few bytes per request shows as a steady climb over the soak's millions of
requests; a settled heap as a flat line.

    .venv/bin/python -m benchmarks.emulator_soak [--duration 300] [--warmup 30] [--connections 50]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from benchmarks.emulator_throughput import BODY_FILE, EMULATOR_ARGS, LOAD_CORE, PATH, SERVER_CORE, check_answers, pin
from emulator._server import spawn

LUA = Path(__file__).resolve().parent / "emulator_soak.lua"
TARGET_CHANGE = 0.10  # the RSS at the end within 10 % of the RSS after warm-up
SAMPLE_S = 1.0
REPORT_EVERY_S = 30.0


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def soak(duration: int, warmup: int, connections: int) -> int:
    with spawn(EMULATOR_ARGS, wrapper=pin(SERVER_CORE)) as emulator:
        check_answers(emulator.url)
        server = psutil.Process(emulator.process.pid)
        command = [*pin(LOAD_CORE), "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", str(LUA),
                   emulator.url + PATH, "--", str(BODY_FILE)]
        samples: list[tuple[float, int]] = []
        started = time.monotonic()
        load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        next_report = 0.0
        while load.poll() is None:
            elapsed = time.monotonic() - started
            samples.append((elapsed, server.memory_info().rss))
            if elapsed >= next_report:
                print(f"  t={elapsed:5.0f} s  RSS {megabytes(samples[-1][1])}", flush=True)
                next_report += REPORT_EVERY_S
            time.sleep(SAMPLE_S)  # a sampling period, not synchronisation
        out, err = load.communicate()
        alive = emulator.process.poll() is None
    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if load.returncode != 0 or total is None or rate is None:
        print(f"emulator_soak: wrk failed ({load.returncode}): {err.strip() or out.strip()}", file=sys.stderr)
        return 2
    settled = [rss for at, rss in samples if at >= warmup]
    if len(settled) < 2:
        print(f"emulator_soak: no samples after the {warmup} s warm-up; give a longer --duration", file=sys.stderr)
        return 2
    baseline, end, peak = settled[0], settled[-1], max(settled)
    change = end / baseline - 1.0
    print(f"requests: {int(total.group(1)):,} ({float(rate.group(1)):,.0f}/s), non-2xx: "
          f"{bad.group(1) if bad else 0}, socket errors: {errors.group(1) if errors else 'none'}, "
          f"emulator {'alive' if alive else 'DEAD'} at the end")
    print(f"RSS after the {warmup} s warm-up: {megabytes(baseline)}; at the end ({duration} s): {megabytes(end)}; "
          f"peak after warm-up: {megabytes(peak)}")
    verdict = "met" if abs(change) <= TARGET_CHANGE and alive and not bad else "MISSED"
    print(f"end / warm-up = {end / baseline:.3f} ({change:+.1%}), peak / warm-up = {peak / baseline:.3f}  "
          f"(target: within {TARGET_CHANGE:.0%}: {verdict})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_soak", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="seconds before the baseline RSS is taken (30)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("emulator_soak: wrk is not installed; install it with `sudo apt-get install -y wrk`", file=sys.stderr)
        return 2
    if not 0 <= args.warmup < args.duration - 1:
        print(f"emulator_soak: --warmup {args.warmup} must be shorter than --duration {args.duration}",
              file=sys.stderr)
        return 2
    print(f"emulator soak: {args.duration} s of wrk on {args.connections} connections (1 in 100 requests closes "
          f"its connection), {BODY_FILE.stat().st_size} B page view, emulator on core {SERVER_CORE}, wrk on core "
          f"{LOAD_CORE}" + ("" if pin(SERVER_CORE) else " (taskset missing: NOT pinned)"), flush=True)
    return soak(args.duration, args.warmup, args.connections)


if __name__ == "__main__":
    raise SystemExit(main())
