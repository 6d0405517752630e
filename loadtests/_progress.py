"""The live progress line of a headless run: elapsed of total, req/s against the target, errors, p95 so far.

Locust's own console prints a statistics table every 2 s (about 150 lines on stderr in a 30 s run); by default
`edgeload run` prints this one line instead, at most once a second, on stderr: rewritten in place with a carriage
return on a terminal, one plain line per update when stderr is a file or a pipe (a CI log stays readable).
`edgeload run --verbose` keeps Locust's tables, `--quiet` prints neither (docs/load-tests.md#console-output).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from contract_runner import ConsoleLine

__all__ = ["ConsoleLine", "RecentRate", "progress_text", "start_line"]

INTERVAL_S = 1.0
RATE_WINDOW_S = 5.0  # req/s over the last seconds: Locust workers report every 3 s, a 1 s window would jump


def progress_text(elapsed_s: float, total_s: float | None, rps: float | None, target_rps: float, requests: int,
                  errors: int, p95_ms: float | None) -> str:
    """'12/30 s  99.8 req/s (target 100)  2,400 requests  0 errors  p95 2.10 ms'."""
    clock = f"{elapsed_s:.0f}/{total_s:.0f} s" if total_s else f"{elapsed_s:.0f} s"
    rate = "-" if rps is None else f"{rps:.1f}"
    target = f"target {target_rps:g}" if target_rps > 0 else "no target rate"
    share = f" ({errors / requests:.1%})" if errors and requests else ""
    p95 = "-" if p95_ms is None else f"{p95_ms:.2f} ms"
    return f"{clock}  {rate} req/s ({target})  {requests:,} requests  {errors:,} errors{share}  p95 {p95}"


@dataclass
class RecentRate:
    """Requests per second over the last RATE_WINDOW_S seconds, from running totals.

    `quiet_s`: a total that has not changed counts as a new sample only after this long. A Locust master learns
    its workers' counts from their reports, every 3 s each: between two reports the total stands still, and
    sampling it then would read as a dip in the rate.
    """

    quiet_s: float = 0.0
    samples: deque[tuple[float, int]] = field(default_factory=deque)

    def add(self, at: float, total: int) -> float | None:
        if not self.samples or total != self.samples[-1][1] or at - self.samples[-1][0] >= self.quiet_s:
            self.samples.append((at, total))
        last_at, last_total = self.samples[-1]
        while len(self.samples) > 2 and last_at - self.samples[1][0] >= RATE_WINDOW_S:
            self.samples.popleft()
        first_at, first_total = self.samples[0]
        return None if last_at <= first_at else (last_total - first_total) / (last_at - first_at)


def start_line(users: int, target_rps: float, user_rps: float, shape: str, run_time_s: float, target: str) -> str:
    """What the run is about to do, in one line: the rate and the users are what people misread most."""
    if target_rps > 0:
        load = f"target {target_rps:g} req/s held by {users} users (open model; -u adds capacity, not load)"
    elif user_rps > 0:
        load = f"{users} users pacing {user_rps:g} req/s each ({users * user_rps:g} req/s in all)"
    else:
        load = f"{users} users sending as fast as they can (closed model: no target rate)"
    over = "" if shape == "constant" else f", shape {shape}"
    return f"{load}{over}, for {run_time_s:g} s against {target}"
