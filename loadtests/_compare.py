"""`edgeload compare A B`: two runs side by side, each difference marked significant or not
(docs/regressions.md#compare-two-runs).

A and B are what `--baseline` accepts (loadtests._baseline): a run id of the report folder's history,
`latest-pass`, a run's `summary.json` or folder, or a `history.jsonl`. For the run and each operation: p50, p95,
p99 (bootstrap of the exact histograms), requests/s (Poisson) and error rate (two proportions), B's value minus
A's, and whether the 90 % interval of that difference excludes 0 (loadtests._significance). The console gets a
table; `compare.md` and `compare.html` (with an overlay of the two latency distributions) go to `--out`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts import ExitCode
from loadtests._baseline import BaselineError, resolve
from loadtests._latency import LatencyHistogram
from loadtests._significance import Difference, latency, proportion, rate
from reporting import markdown as markdown_tables
from reporting import write_atomic

PERCENTILES = (("p50", 50.0), ("p95", 95.0), ("p99", 99.0))


@dataclass(frozen=True, slots=True)
class Row:
    scope: str  # "overall" or an operation label
    metric: str  # p50 p95 p99 rps error_rate
    a: float | None
    b: float | None
    diff: Difference | None  # B against A; None when either side has nothing to compare

    @property
    def significant(self) -> bool:
        return self.diff is not None and (self.diff.low > 0 or self.diff.high < 0)

    def cells(self) -> tuple[str, str, str, str, str, str]:
        unit = {"rps": "/s", "error_rate": "%"}.get(self.metric, " ms")
        scale = 100.0 if self.metric == "error_rate" else 1.0

        def show(value: float | None) -> str:
            return "-" if value is None else f"{value * scale:.3f}{unit}" if scale == 1.0 and value < 10 \
                else f"{value * scale:.2f}{unit}"
        if self.a is None or self.b is None:
            change = "-"
        elif self.metric == "error_rate":
            change = f"{100 * (self.b - self.a):+.2f} points"
        else:
            change = f"{100 * (self.b / self.a - 1):+.1f}%" if self.a else "-"
        verdict = "-" if self.diff is None else "significant" if self.significant else "noise"
        return (self.scope, self.metric, show(self.a), show(self.b), change, verdict)


def _hist(figures: Mapping[str, Any]) -> LatencyHistogram | None:
    encoded = figures.get("hist")
    hist = LatencyHistogram.decode(encoded) if encoded else None
    return hist if hist is not None and hist.count else None


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Row]:
    """Every row of the comparison: the whole run first, then each operation either run has."""
    operations = sorted({*(a.get("operations") or {}), *(b.get("operations") or {})})
    rows: list[Row] = []
    for scope in ("overall", *operations):
        fa = a["overall"] if scope == "overall" else (a.get("operations") or {}).get(scope) or {}
        fb = b["overall"] if scope == "overall" else (b.get("operations") or {}).get(scope) or {}
        ha, hb = _hist(fa), _hist(fb)
        for metric, q in PERCENTILES:
            diff = latency(hb, ha, q, 1.0, 0.0) if ha and hb else None
            rows.append(Row(scope, metric, ha.percentile_ms(q) if ha else None, hb.percentile_ms(q) if hb else None,
                            diff))
        na, nb = int(fa.get("requests") or 0), int(fb.get("requests") or 0)
        sa, sb = float(a.get("measured_s") or 0), float(b.get("measured_s") or 0)
        both = na > 0 and nb > 0 and sa > 0 and sb > 0
        rows.append(Row(scope, "rps", na / sa if sa else None, nb / sb if sb else None,
                        rate(nb, sb, na, sa, 1.0) if both else None))
        fail_a, fail_b = int(fa.get("failures") or 0), int(fb.get("failures") or 0)
        rows.append(Row(scope, "error_rate", fail_a / na if na else None, fail_b / nb if nb else None,
                        proportion(fail_b, nb, fail_a, na, 0.0) if na and nb else None))
    return rows


HEADER = ("scope", "metric", "A", "B", "B vs A", "difference")


def table(rows: Sequence[Row]) -> str:
    """The console table."""
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def markdown(a: Mapping[str, Any], b: Mapping[str, Any], rows: Sequence[Row]) -> str:
    """`compare.md`: which runs, then the table (fits `$GITHUB_STEP_SUMMARY`)."""
    significant = [row for row in rows if row.significant]
    head = (f"# edgeload compare: {a.get('run_id')} (A) vs {b.get('run_id')} (B)\n\n"
            f"{len(significant)} of {len(rows)} differences are significant (90 % interval excludes 0).\n\n")
    return head + "\n".join(markdown_tables.table(HEADER, [row.cells() for row in rows])) + "\n"


EXAMPLES = """examples:
  edgeload compare latest-pass 20261204-101500       main's last passing run against a run id of the history
  edgeload compare reports/before reports/after      two run folders
  edgeload compare base/summary.json new/summary.json --out compare-out"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edgeload compare", description=(
        "Compare two runs side by side: percentiles, rate and errors per operation, the difference and whether it "
        "is significant. A and B: a run id of REPORT_DIR/history.jsonl, latest-pass, a summary.json, a run folder "
        "or a history.jsonl."), epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", metavar="A", help="the reference run, e.g. main's latest-pass")
    parser.add_argument("b", metavar="B", help="the run compared with it")
    parser.add_argument("--report-dir", default="reports", help="folder holding the history (default: reports)")
    parser.add_argument("--out", default=None, help="folder for compare.md and compare.html "
                        "(default: REPORT_DIR/compare)")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        a, b = resolve(args.a, args.report_dir), resolve(args.b, args.report_dir)
    except BaselineError as error:
        print(f"edgeload compare: {str(error).replace('--baseline ', '')}", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    from loadtests._reports import compare_page  # the page needs the rows; kept apart like the run's reports

    rows = compare(a, b)
    print(table(rows))
    out = Path(args.out) if args.out else Path(args.report_dir) / "compare"
    write_atomic(out / "compare.md", markdown(a, b, rows))
    page = write_atomic(out / "compare.html", compare_page.render(a, b, rows))
    print(f"comparison: {page} and {out / 'compare.md'}")
    return ExitCode.OK
