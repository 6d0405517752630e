"""The sentences every report shows about the open-model schedule and the generator's clock: where each
scheduled request went, the latency from the send beside the one from the schedule, and the trust figures.
Plain text, one home, so the console, summary.md and index.html say the same thing."""

from __future__ import annotations

from loadtests._run_summary import RunSummary


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def schedule_line(summary: RunSummary) -> str | None:
    """Every slot of the open-model schedule, counted once; None in a closed-model run."""
    slots = summary.slots
    if slots is None:
        return None
    skipped = f" ({slots['skipped']} skipped: over 1 s behind)" if slots["skipped"] else ""
    return (f"schedule: {slots['scheduled']} requests due, {slots['on_time']} sent on time, {slots['late']} sent "
            f"late (over 10 ms), {slots['never_sent']} never sent{skipped}")


def latency_line(summary: RunSummary) -> str | None:
    """What the percentiles count from, and the other figures; None in a closed-model run (from the send)."""
    overall = summary.overall
    if overall["latency_from"] != "schedule":
        return None
    return (f"latency counted from each request's scheduled time (what its clients would wait); from the moment "
            f"it was sent: p50 {_ms(overall['send_p50_ms'])}, p95 {_ms(overall['send_p95_ms'])}, "
            f"p99 {_ms(overall['send_p99_ms'])} ms")


def trust_line(summary: RunSummary) -> str | None:
    """The generator's clock against the bound; None when it was not measured."""
    trust = summary.trust
    if trust is None or trust["distortion_pct"] is None:
        return None
    parts = [f"generator clock: timer lag p50 {_ms(trust['lag_p50_ms'])}, p99 {_ms(trust['lag_p99_ms'])}, "
             f"max {_ms(trust['lag_max_ms'])} ms"]
    if trust["runqueue_wait_pct"] is not None and trust["runqueue_wait_per_wakeup_ms"] is not None:
        parts.append(f"waited for a core {trust['runqueue_wait_pct']:.1f}% of the time "
                     f"({trust['runqueue_wait_per_wakeup_ms']:.2f} ms per wake-up)")
    verdict = "within" if trust["distortion_pct"] <= 100.0 else "BEYOND"
    return (", ".join(parts) + f"; {trust['distortion_pct']:.0f}% of the {trust['bound_ms']:.1f} ms bound: "
            f"{verdict} it")
