"""`history.html`: p50/p95/p99, rate and error rate of each operation over the runs of a history (loadtests._history).

Inline SVG, no script and no network: the page opens from `file://` and from a CI artifact like the run reports.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping, Sequence
from typing import Any

from reporting import page

WIDTH, HEIGHT, PAD = 640, 180, 40
COLOURS = ("#1f77b4", "#ff7f0e", "#d62728")
# (chart title, unit, [(label, figure key, scale)]) drawn for each operation.
CHARTS: tuple[tuple[str, str, tuple[tuple[str, str, float], ...]], ...] = (
    ("latency", "ms", (("p50", "p50_ms", 1.0), ("p95", "p95_ms", 1.0), ("p99", "p99_ms", 1.0))),
    ("rate", "requests/s", (("rps", "rps", 1.0),)),
    ("error rate", "%", (("error rate", "error_rate", 100.0),)),
)


def _when(record: Mapping[str, Any]) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(float(record.get("started") or 0)))


def _chart(title: str, unit: str, series: Sequence[tuple[str, list[float | None]]], labels: Sequence[str]) -> str:
    values = [value for _, points in series for value in points if value is not None]
    top = max(values, default=0.0) or 1.0
    count = max(len(labels), 1)

    def x(index: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (index / (count - 1) if count > 1 else 0.5)

    def y(value: float) -> float:
        return HEIGHT - PAD + (2 * PAD - HEIGHT) * value / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" role="img" '
             f'aria-label="{html.escape(title)}">',
             f'<text x="{PAD}" y="16" font-size="13">{html.escape(title)} ({html.escape(unit)}), max {top:.4g}</text>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>']
    for (name, points), colour in zip(series, COLOURS, strict=False):
        coords = [(x(i), y(v)) for i, v in enumerate(points) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{html.escape(name)}: '
                  f'{v:.4g}</title></circle>' for (px, py), v in zip(coords, [p for p in points if p is not None],
                                                                       strict=True)]
    legend = " ".join(f'<tspan fill="{colour}">{html.escape(name)}</tspan>'
                      for (name, _), colour in zip(series, COLOURS, strict=False))
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="12">{legend} over {len(labels)} runs, oldest '
                 f'left</text></svg>')
    return "".join(parts)


def render(records: Sequence[Mapping[str, Any]]) -> str:
    """The page: a table of runs, then per operation a chart of each of CHARTS over the runs."""
    labels = [str(record.get("run_id") or _when(record)) for record in records]
    operations = sorted({name for record in records for name in record.get("operations", {})})
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{_when(record)}</td><td>{html.escape(str(record.get('verdict')))}"
        f"</td><td>{html.escape(str(record.get('target')))}</td><td>{record['overall'].get('requests')}</td></tr>"
        for label, record in zip(labels, records, strict=True))
    sections = []
    for scope in ("overall", *operations):
        figures = [record["overall"] if scope == "overall" else record.get("operations", {}).get(scope, {})
                   for record in records]
        charts = "".join(
            _chart(f"{scope}: {title}", unit,
                   [(name, [None if f.get(key) is None else float(f[key]) * scale for f in figures])
                    for name, key, scale in series], labels)
            for title, unit, series in CHARTS)
        sections.append(f"<h2>{html.escape(scope)}</h2>{charts}")
    return page.document("edgeload run history", (
        "<h1>edgeload run history</h1>"
        f"<table><tr><th>run</th><th>started (UTC)</th><th>verdict</th><th>target</th><th>requests</th></tr>"
        f"{rows}</table>{''.join(sections)}"))
