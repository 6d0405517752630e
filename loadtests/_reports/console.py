"""What the console shows at the end of a run: the gate table (each gate, its
threshold, its measured value, pass or fail) and a short per-operation summary."""

from __future__ import annotations

from collections.abc import Sequence

from loadtests._gates import GateResult
from loadtests._reports.clock_lines import latency_line, schedule_line, trust_line
from loadtests._reports.contract_counts import contract_counts
from loadtests._run_summary import OperationSummary, RunSummary, rule_of
from loadtests._verdict import Verdict, decide
from loadtests._verdict import headline as verdict_headline


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def format_gate_table(gate_results: Sequence[GateResult], outcome: Verdict | None = None,
                      defaults: str | None = None) -> str:
    """A plain-text table (gate, threshold, measured, PASS/FAIL), the reason of each failure, the line `defaults`
    (which gates are the defaults and how to replace them), then the verdict line: `outcome`'s headline, or the
    verdict of the gates alone."""
    headline = outcome.headline if outcome is not None else verdict_headline(decide(gate_results), gate_results)
    lines: list[str] = []
    if gate_results:
        rows = [(r.name + (" (default)" if r.gate.default else ""), r.threshold, r.measured,
                 "PASS" if r.passed else "FAIL") for r in gate_results]
        lines = _table(("gate", "threshold", "measured", "result"), rows)
        lines += [f"  FAIL {r.message}" for r in gate_results if not r.passed and r.message]
    else:
        lines.append("no gates set")
    if defaults:
        lines.append(defaults)
    lines.append(f"verdict: {headline}")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _row(name: str, stats: OperationSummary) -> list[str]:
    rps = "-" if stats["rps"] is None else f"{stats['rps']:.1f}"
    return [name, str(stats["requests"]), str(stats["failures"]), rps, _ms(stats["p50_ms"]), _ms(stats["p95_ms"]),
            _ms(stats["p99_ms"]), _ms(stats["max_ms"])]


def format_summary(summary: RunSummary) -> str:
    """Per-operation requests, failures, rps and latency (ms, exact) after the warm-up; failures by category;
    late requests and the generator's CPU."""
    rows = [_row(name, stats) for name, stats in summary.operations.items()]
    rows.append(_row("overall", summary.overall))
    header = ("operation", "requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
    lines = _table(header, rows, right=frozenset(range(1, 8)))
    warmup = summary.overall["warmup_requests"]
    lines.insert(0, f"{summary.total_requests} requests in {summary.duration_s:.1f} s"
                    + (f" ({warmup} during the warm-up, not in the table)" if warmup else ""))
    if summary.total_failures_by_category:
        lines.append("failures by category (whole run): " + ", ".join(
            f"{category} {n}" for category, n in summary.total_failures_by_category.items()))
        # Which rule each broke: the first example's concrete cause, else the rule from the check registry
        # (contracts._checks) or the transport categories.
        for category in summary.total_failures_by_category:
            example = summary.examples.get(category)
            if example is not None and "rule" in example:
                lines.append(f"  {example['rule']} (on {example['operation']})")
            elif rule_of(category):
                lines.append(f"  {category}: {rule_of(category)}")
    contract = contract_counts(summary)
    if contract:
        lines.append(contract)
    schedule, latency = schedule_line(summary), latency_line(summary)
    if schedule is not None:
        lines.append(schedule)
    elif summary.late:
        lines.append(f"late: {summary.late} requests could not be sent on time at the target rate")
    if latency is not None:
        lines.append(latency)
    cpu = summary.cpu
    if cpu["max"] is not None and cpu["mean"] is not None:
        lines.append(f"generator CPU: max {cpu['max']:.0f}%, mean {cpu['mean']:.0f}% of one core "
                     f"({cpu['samples']} samples)")
    trust = trust_line(summary)
    if trust is not None:
        lines.append(trust)
    return "\n".join(lines)
