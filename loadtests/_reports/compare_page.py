"""`compare.html`: the comparison table of two runs and, per operation, their latency distributions overlaid.

The overlay is the percentile spectrum HDR histograms are usually drawn as (https://hdrhistogram.github.io/
HdrHistogram/plotFiles.html): latency against percentile on a 1/(1-q) scale, so the tail gets as much room as the
median. Inline SVG, no script: opens from `file://` and from a CI artifact.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from loadtests._compare import HEADER, Row
from loadtests._latency import LatencyHistogram
from reporting import page

WIDTH, HEIGHT, PAD = 640, 240, 44
SPECTRUM = (0.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.99)
COLOURS = {"A": "#1f77b4", "B": "#d62728"}


def _x(q: float) -> float:
    return PAD + (WIDTH - 2 * PAD) * math.log10(1.0 / (1.0 - q / 100.0)) / 4.0  # 99.99 % is 10^4


def _overlay(scope: str, hists: Mapping[str, LatencyHistogram | None]) -> str:
    curves = {name: [(q, h.percentile_ms(q)) for q in SPECTRUM] for name, h in hists.items() if h is not None}
    top = max((ms for points in curves.values() for _, ms in points), default=1.0) or 1.0

    def y(ms: float) -> float:
        return HEIGHT - PAD + (2 * PAD - HEIGHT) * ms / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" role="img" '
             f'aria-label="latency distribution of {html.escape(scope)}">',
             f'<text x="{PAD}" y="16" font-size="13">{html.escape(scope)}: latency (ms) by percentile, '
             f'max {top:.4g} ms</text>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>']
    parts += [f'<text x="{_x(q):.1f}" y="{HEIGHT - PAD + 14}" font-size="10" text-anchor="middle">{q:g}</text>'
              for q in (0.0, 90.0, 99.0, 99.9, 99.99)]
    for name, points in curves.items():
        path = " ".join(f"{_x(q):.1f},{y(ms):.1f}" for q, ms in points)
        parts.append(f'<polyline fill="none" stroke="{COLOURS[name]}" stroke-width="2" points="{path}">'
                     f'<title>{name}</title></polyline>')
    legend = " ".join(f'<tspan fill="{COLOURS[name]}">{name}</tspan>' for name in curves)
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="12">{legend}; percentile axis 1/(1-q)</text></svg>')
    return "".join(parts)


def _hist(record: Mapping[str, Any], scope: str) -> LatencyHistogram | None:
    figures = record["overall"] if scope == "overall" else (record.get("operations") or {}).get(scope) or {}
    encoded = figures.get("hist")
    return LatencyHistogram.decode(encoded) if encoded else None


def render(a: Mapping[str, Any], b: Mapping[str, Any], rows: Sequence[Row]) -> str:
    """The page: which runs, the table (significant rows in bold), one overlay per scope."""
    body = "".join(
        "<tr>" + "".join(f"<td>{'<b>' if row.significant else ''}{html.escape(cell)}"
                         f"{'</b>' if row.significant else ''}</td>" for cell in row.cells()) + "</tr>"
        for row in rows)
    scopes = list(dict.fromkeys(row.scope for row in rows))
    overlays = "".join(_overlay(scope, {"A": _hist(a, scope), "B": _hist(b, scope)}) for scope in scopes)
    title = f"edgeload compare: {a.get('run_id')} (A) vs {b.get('run_id')} (B)"
    return page.document(title, (
        f"<h1>{html.escape(title)}</h1><p>A: {html.escape(str(a.get('target')))}; B: "
        f"{html.escape(str(b.get('target')))}. Bold: significant (90 % interval of B - A excludes 0).</p>"
        "<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in HEADER) + f"</tr>{body}</table>"
        f"<h2>Latency distributions</h2>{overlays}"))
