"""PNG charts over time: requests/s, latency percentiles, errors by category (docs/reports.md#the-runs-folder).

Drawn with matplotlib's object API on an Agg canvas, never pyplot: no global figure state, no GUI backend, safe in
Locust's master process. matplotlib is imported on first use only (about 0.3 s), so the load-test hot path never
pays for it. Data come from the summary's per-second timeline; the warm-up is shaded.
"""

from __future__ import annotations

import io
from typing import Any

from loadtests._run_summary import RunSummary

_SIZE = (8.0, 3.0)  # inches; at 100 dpi an 800x300 PNG, readable on a CI page and cheap to draw
_DPI = 100


def _figure(summary: RunSummary, title: str, ylabel: str) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZE, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("seconds since start", fontsize=8)
    axes.set_ylabel(ylabel, fontsize=8)
    axes.tick_params(labelsize=8)
    axes.grid(True, alpha=0.3)
    if summary.warmup_until is not None and summary.warmup_until > summary.started:
        axes.axvspan(0, summary.warmup_until - summary.started, color="0.85", label="warm-up", zorder=0)
    if not summary.timeline:
        axes.text(0.5, 0.5, "no requests recorded", ha="center", va="center", transform=axes.transAxes)
    return figure, axes


def _png(figure: Any, axes: Any) -> bytes:
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7, loc="upper left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _edges(summary: RunSummary) -> list[float]:
    """Window start times plus the end of the last window: a step drawn 'post' then covers every second."""
    t = [w["t"] for w in summary.timeline]
    return [*t, t[-1] + 1.0] if t else []


def _steps(values: list[int]) -> list[int]:
    return [*values, values[-1]] if values else []


def rps_chart(summary: RunSummary) -> bytes:
    figure, axes = _figure(summary, "requests per second", "requests/s")
    t = _edges(summary)
    operations = sorted({name for w in summary.timeline for name in w["by_operation"]})
    if len(operations) > 1:
        axes.stackplot(t, [_steps([w["by_operation"].get(name, 0) for w in summary.timeline])
                           for name in operations], labels=operations, step="post", alpha=0.8)
    axes.step(t, _steps([w["requests"] for w in summary.timeline]), where="post", color="black", linewidth=1,
              label="all")
    if any(w["late"] for w in summary.timeline):
        axes.step(t, _steps([w["late"] for w in summary.timeline]), where="post", color="red", linewidth=1,
                  label="late")
    target = summary.settings.get("target_rps")
    if isinstance(target, int | float) and target > 0:
        axes.axhline(target, color="tab:green", linestyle="--", linewidth=1, label=f"target {target:g}/s")
    return _png(figure, axes)


def latency_chart(summary: RunSummary) -> bytes:
    origin = ", from the schedule" if summary.overall["latency_from"] == "schedule" else ""
    figure, axes = _figure(summary, f"latency percentiles per second (exact{origin})", "ms")
    t = [w["t"] + 0.5 for w in summary.timeline]  # a window's percentile belongs to its middle
    for key, label, color in (("p50_ms", "p50", "tab:blue"), ("p95_ms", "p95", "tab:orange"),
                              ("p99_ms", "p99", "tab:red")):
        values = [float("nan") if w[key] is None else w[key] for w in summary.timeline]  # type: ignore[literal-required]
        axes.plot(t, values, label=label, color=color, linewidth=1)
    axes.set_ylim(bottom=0)
    return _png(figure, axes)


def errors_chart(summary: RunSummary) -> bytes:
    figure, axes = _figure(summary, "failures per second by check or category", "failures/s")
    t = _edges(summary)
    categories = sorted({category for w in summary.timeline for category in w["failures"]})
    for category in categories:
        axes.step(t, _steps([w["failures"].get(category, 0) for w in summary.timeline]), where="post",
                  label=category, linewidth=1)
    if summary.timeline and not categories:
        axes.text(0.5, 0.5, "no failures", ha="center", va="center", transform=axes.transAxes, color="tab:green")
    axes.set_ylim(bottom=0)
    return _png(figure, axes)

