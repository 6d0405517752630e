"""`python -m benchmarks [NAME ...]`: run the performance harness, one benchmark after another.

Each benchmark is its own module (`python -m benchmarks.NAME` runs one) and prints its figures together with the
ratios to baselines measured in the same run. They run one at a time because each pins work to the machine's
cores: two at once would measure each other.
"""

from __future__ import annotations

import subprocess
import sys

# The registry: module name -> what it measures against what.
BENCHMARKS: dict[str, str] = {
    "emulator_throughput": "emulator interact vs the same server returning a constant body vs one Locust process",
    "verdict_speed": "our contract verdict vs schemathesis' validate_response on the same response",
    "generator_speed": "pooled page-view generator vs a naive Faker-per-field baseline",
    "locust_overhead": "our forwarder with generated events and the verdict vs a bare FastHttpUser",
    "emulator_soak": "the emulator's RSS at the end of a 5-minute wrk soak vs after its warm-up",
    "trust_accuracy": "edgeload's p50/p95/p99 and trust gate vs wrk beside it, quiet and with busy neighbours",
    "baseline_gates": "baseline gates' failures on identical runs vs on runs 5, 10 and 20 % slower",
    "emulator_hostile": "a normal request with 20,000 hostile connections open vs the same request before them",
    "progress_cost": "one tick of run's progress line vs a whole live summary, on the same measurements",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"benchmarks: unknown benchmark {unknown[0]!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    worst = 0
    for name in names:
        print(f"== {name}: {BENCHMARKS[name]}", flush=True)
        worst = max(worst, subprocess.call([sys.executable, "-m", f"benchmarks.{name}"]))
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
