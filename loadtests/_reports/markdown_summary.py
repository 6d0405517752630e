"""`summary.md`: fit for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, GitLab's Markdown artefacts): the
verdict first, then the gates, the operations and the failures by check."""

from __future__ import annotations

from collections.abc import Sequence

from loadtests._gates import GateResult
from loadtests._reports.clock_lines import latency_line, schedule_line, trust_line
from loadtests._reports.contract_counts import contract_counts
from loadtests._run_summary import RunSummary, is_contract_violation, rule_of
from loadtests._verdict import Outcome, verdict
from reporting import markdown

ICONS = {Outcome.PASS: "✅", Outcome.FAIL: "❌", Outcome.NOT_TRUSTWORTHY: "⚠️", Outcome.INTERRUPTED: "⏹️",
         Outcome.COULD_NOT_RUN: "🚫"}


def _sentence(line: str) -> str:
    return markdown.cell(line[0].upper() + line[1:] + ".")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _rule(summary: RunSummary, category: str) -> str:
    """The example's "<check>: <cause>" and where it happened; "-" without an example."""
    example = summary.examples.get(category)
    if example is None or "rule" not in example:
        return "-"
    return f"{example['rule']} (on `{example['operation']}`)"


def render(summary: RunSummary, gate_results: Sequence[GateResult]) -> str:
    outcome = verdict(summary, gate_results)
    lines = [f"# {ICONS[outcome.outcome]} edgeload: {outcome.headline}", ""]
    lines += [f"- {markdown.cell(reason)}" for reason in outcome.reasons]
    warmup = summary.overall["warmup_requests"]
    lines += ["", f"{summary.total_requests} requests in {summary.duration_s:.1f} s"
                  + (f", {warmup} of them in the warm-up (excluded from the gates)" if warmup else "")
                  + (f"; {summary.late} could not be sent on time" if summary.late else "") + ".", ""]
    if gate_results:
        lines += ["## Gates", ""]
        lines += markdown.table(("gate", "threshold", "measured", "result"),
                        [(f"`{r.name}`" + (" (default)" if r.gate.default else ""), r.threshold, r.measured,
                          "✅ pass" if r.passed else "❌ fail") for r in gate_results])
        lines.append("")
    lines += [f"Default gates: {', '.join(f'`{r.name}`' for r in gate_results if r.gate.default) or 'none'} "
              "(a `--gate` on the same metric replaces one, `--no-default-gates` drops them all).", ""]
    schedule = schedule_line(summary)
    if schedule is not None:
        lines += [_sentence(schedule), ""]
    origin = "; counted from each request's scheduled time" if summary.overall["latency_from"] == "schedule" else ""
    lines += ["## Operations", "", f"Latency in milliseconds, exact (HDR histogram), after the warm-up{origin}.", ""]
    rows = [(f"`{name}`", s["requests"], s["failures"], "-" if s["rps"] is None else f"{s['rps']:.1f}",
             _ms(s["p50_ms"]), _ms(s["p90_ms"]), _ms(s["p95_ms"]), _ms(s["p99_ms"]), _ms(s["max_ms"]))
            for name, s in [*summary.operations.items(), ("overall", summary.overall)]]
    lines += markdown.table(("operation", "requests", "failures", "req/s", "p50", "p90", "p95", "p99", "max"), rows,
                    "lrrrrrrrr")
    lines.append("")
    if summary.total_failures_by_category:
        lines += ["## Failures by check", ""]
        contract = contract_counts(summary)
        lines += [contract, ""] if contract else []
        lines += markdown.table(("check or category", "kind", "rule", "count", "first failure"),
                                [(f"`{category}`", "contract" if is_contract_violation(category) else "transport/HTTP",
                                  rule_of(category), n, _rule(summary, category))
                                 for category, n in summary.total_failures_by_category.items()], "lllrl")
        lines.append("")
    cpu = summary.cpu
    if cpu["max"] is not None and cpu["mean"] is not None:
        lines += [f"Generator CPU: max {cpu['max']:.0f}%, mean {cpu['mean']:.0f}% of one core.", ""]
    for line in (latency_line(summary), trust_line(summary)):
        if line is not None:
            lines += [_sentence(line), ""]
    return "\n".join(lines)
