"""`edgeload history`: list the runs of a report folder's history and write its chart page
(docs/regressions.md#run-history)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from contracts import ExitCode
from loadtests._history import HISTORY_FILE, HistoryError, load
from loadtests._reports import history_page
from reporting import write_atomic


def _ms(value: Any) -> str:
    return "-" if value is None else f"{float(value):.3f}" if float(value) < 10 else f"{float(value):.1f}"


def table(records: Sequence[Mapping[str, Any]], scope: str | None) -> str:
    """One line per run: id, start, verdict, then the scope's (default: the whole run's) figures."""
    header = ("run", "started (UTC)", "verdict", "requests", "rps", "errors", "p50 ms", "p95 ms", "p99 ms")
    rows = [header]
    for record in records:
        figures = record["overall"] if scope is None else record.get("operations", {}).get(scope)
        if figures is None:
            continue
        rate = figures.get("error_rate")
        rows.append((str(record.get("run_id") or "-"),
                     time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(float(record.get("started") or 0))),
                     str(record.get("verdict")).upper(), str(figures.get("requests")),
                     "-" if figures.get("rps") is None else f"{figures['rps']:.1f}",
                     "-" if rate is None else f"{100 * rate:.2f}%",
                     _ms(figures.get("p50_ms")), _ms(figures.get("p95_ms")), _ms(figures.get("p99_ms"))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


EXAMPLES = """examples:
  edgeload history                                   every run of reports/, and reports/history.html
  edgeload history --last 10 --operation 'POST /ee/v2/interact'
  edgeload history --report-dir ci-reports --no-page"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edgeload history", description=(
        f"List the runs recorded in REPORT_DIR/{HISTORY_FILE} (every `edgeload run` appends one) and write "
        "REPORT_DIR/history.html, charting p50/p95/p99, rate and error rate per operation over the runs."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report-dir", default="reports", help="folder holding the history (default: reports)")
    parser.add_argument("--operation", default=None, help="list one operation's figures, e.g. 'POST /ee/v2/interact' "
                        "(default: every operation)")
    parser.add_argument("--last", type=int, default=0, help="only the last N runs (default: all)")
    parser.add_argument("--no-page", action="store_true", help="do not write history.html")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    report_dir = Path(args.report_dir)
    try:
        records = load(report_dir / HISTORY_FILE)
    except HistoryError as error:
        print(f"edgeload history: {error}", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    if args.last > 0:
        records = records[-args.last:]
    known = sorted({name for record in records for name in record.get("operations", {})})
    if args.operation is not None and args.operation not in known:
        print(f"edgeload history: no run has operation {args.operation!r}; use one of: {', '.join(known) or 'none'}",
              file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    print(table(records, args.operation))
    if not args.no_page:
        page = write_atomic(report_dir / "history.html", history_page.render(records))
        print(f"history page: {page}")
    return ExitCode.OK
