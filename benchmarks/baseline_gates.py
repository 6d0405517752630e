"""How often does a baseline gate fail two identical runs, and which slowdown does it catch?

Runs `edgeload run` against the embedded emulator answering with a lognormal delay (median `--median-ms`, sigma
0.3): `--identical` runs with the same delay and `--per-level` runs with the median 5 %, 10 % and 20 % longer (the
emulator's `latency` fault), interleaved so the machine's drift hits both alike. Every run lands in one report
folder's history, as a CI's runs would. Every gate of GATES is then judged offline (loadtests._baseline, the same
code `edgeload run --baseline` uses) on
- every ordered pair of identical runs: the share that fails is the false-alarm rate, with the run-to-run noise
  estimated from the other identical runs (loadtests._noise, as a CI holding them in its history would), and
  again with no history (the default spread);
- every slowed run against every identical run, the noise from the identical runs: the detection rate.
It also prints the measured p95 ratio of each level to the identical runs and the between-run spread of each
metric (what loadtests._noise.DEFAULT_SPREAD is set from), measured in the same invocation.

    .venv/bin/python -m benchmarks.baseline_gates [--identical 10] [--per-level 3] [--seconds 5] [--rate 200]
                                                  [--keep DIR | --judge-only DIR]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from loadtests._baseline import NOISE_RUNS, judge
from loadtests._gates import parse_gate
from loadtests._history import HISTORY_FILE, load
from loadtests._latency import LatencyHistogram
from loadtests._noise import comparable, estimate
from loadtests._run_summary import OVERALL, RunSummary

GATES = ("p50<=baseline", "p95<=baseline", "p99<=baseline", "p95<=baseline+5%", "p95<=baseline+10%")
LEVELS = (0.05, 0.10, 0.20)


def _run(report_dir: Path, run_id: str, median_ms: float, seed: int, args: argparse.Namespace) -> None:
    command = [sys.executable, "-m", "loadtests._cli", "run", "--run-time", f"{args.seconds}s", "--warmup", "1s",
               "--target-rps", str(args.rate), "--users", "20",
               "--persona-weights", "forwarder=1,visitor=0,collector=0",
               "--report-dir", str(report_dir), "--run-id", run_id, "--seed", str(seed),
               f"--emulator-arg=--fault=latency:1,dist=lognormal,median_ms={median_ms:g},sigma=0.3",
               f"--emulator-arg=--seed={seed}"]
    subprocess.run(command, capture_output=True, check=False, timeout=args.seconds + 120)


def _summary_of(record: Mapping[str, Any]) -> RunSummary:
    """Just enough of a RunSummary for `judge`: the figures and histograms of the record."""
    return RunSummary(settings={}, started=0.0, ended=0.0, duration_s=0.0, warmup_until=None,
                      measured_s=float(record["measured_s"]), operations=record["operations"],
                      overall=record["overall"], total_requests=0, total_failures=0, total_failures_by_category={},
                      violations=0, violations_by_check={}, broken_responses=0, late=0,
                      cpu={"max": None, "mean": None, "samples": 0, "all_max": None, "by_source": {}, "timeline": []},
                      histograms={OVERALL: record["overall"]["hist"],
                                  **{name: op["hist"] for name, op in record["operations"].items()}})


def _failure_rate(gate: str, runs: Sequence[Mapping[str, Any]], baselines: Sequence[Mapping[str, Any]],
                  history: Sequence[Mapping[str, Any]] | None) -> str:
    """The share of (run, baseline) pairs that fail the gate. The noise comes from `history` less the run judged,
    as a CI's history of identical runs would hold them (None: no history, the default spread)."""
    parsed = parse_gate(gate)
    pairs = [(now, then) for now in runs for then in baselines if now is not then]
    failed = 0
    for now, then in pairs:
        earlier = [] if history is None else [record for record in history if record is not now]
        failed += not judge(parsed, _summary_of(now), {**then, NOISE_RUNS: comparable(earlier, then)}).passed
    return f"{100 * failed / len(pairs):5.1f}% ({failed}/{len(pairs)})"


def _spreads(same: Sequence[Mapping[str, Any]]) -> str:
    """The between-run spread of each metric over the identical runs: what DEFAULT_SPREAD is set from."""
    noises = {metric: estimate(metric, None, same) for metric in ("p50", "p95", "p99", "rps", "error_rate")}
    return ", ".join(f"{metric} {noise.describe().partition(', ')[2]}" for metric, noise in noises.items())


def _p95(record: Mapping[str, Any]) -> float:
    return LatencyHistogram.decode(record["overall"]["hist"]).percentile_ms(95)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.baseline_gates", description=__doc__)
    parser.add_argument("--identical", type=int, default=10)
    parser.add_argument("--per-level", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--median-ms", type=float, default=20.0)
    parser.add_argument("--keep", metavar="DIR", help="leave the runs' reports and history.jsonl in DIR")
    parser.add_argument("--judge-only", metavar="DIR", help="judge the runs an earlier --keep left in DIR again")
    args = parser.parse_args(argv)
    same_plan = [(f"same-{i}", args.median_ms, i) for i in range(args.identical)]
    slow_plan = [(f"slow{round(100 * level)}-{i}", args.median_ms * (1 + level), 100 + i)
                 for i in range(args.per_level) for level in LEVELS]
    # Interleaved, so that the machine's drift over the invocation (other jobs starting and ending) hits the
    # identical and the slowed runs alike: only then is a detection the injected delay's and not the hour's.
    plan = [step for pair in itertools.zip_longest(same_plan, slow_plan) for step in pair if step is not None]
    with tempfile.TemporaryDirectory(prefix="edgeload-baseline-bench-") as scratch:
        report_dir = Path(args.judge_only or args.keep or scratch)
        for index, (run_id, median_ms, seed) in enumerate([] if args.judge_only else plan, 1):
            print(f"run {index}/{len(plan)}: {run_id} (median {median_ms:g} ms)", file=sys.stderr, flush=True)
            _run(report_dir, run_id, median_ms, seed, args)
        records = {record["run_id"]: record for record in load(report_dir / HISTORY_FILE)}
    same = [records[run_id] for run_id, _, _ in same_plan if run_id in records]
    if len(same) < 2:
        print("benchmarks.baseline_gates: fewer than two identical runs finished; see `edgeload run` alone",
              file=sys.stderr)
        return 2
    base_p95 = statistics.median(_p95(record) for record in same)
    print(f"{len(same)} identical runs of {args.seconds} s at {args.rate}/s, emulator median {args.median_ms:g} ms; "
          f"p95 median {base_p95:.2f} ms (spread {min(map(_p95, same)):.2f}..{max(map(_p95, same)):.2f} ms)")
    slowed = {level: [records[f"slow{round(100 * level)}-{i}"] for i in range(args.per_level)
                      if f"slow{round(100 * level)}-{i}" in records] for level in LEVELS}
    for level, runs in slowed.items():
        ratio = statistics.median(_p95(record) for record in runs) / base_p95 if runs else float("nan")
        print(f"injected +{100 * level:.0f}%: measured p95 ratio to the identical runs {ratio:.3f}")
    print(f"between-run spread over the {len(same)} identical runs: {_spreads(same)}")
    print("noise from the history: each run judged with the other identical runs as its history; "
          "default: no history")
    header = (f"{'gate':<20} {'false alarms':>18} {'(default noise)':>18}"
              + "".join(f" {f'detected +{100 * lv:.0f}%':>18}" for lv in LEVELS))
    print(header)
    for gate in GATES:
        cells = [_failure_rate(gate, same, same, same), _failure_rate(gate, same, same, None)]
        cells += [_failure_rate(gate, runs, same, same) if runs else "-" for runs in slowed.values()]
        print(f"{gate:<20} " + " ".join(f"{cell:>18}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
