"""The load test's report formats, a registry, and the one entry point writing them for a run."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from loadtests._gates import GateResult
from loadtests._reports import charts, index_page, json_summary, junit_xml, markdown_summary
from loadtests._reports.exchange import redact_example
from loadtests._run_summary import RunSummary
from reporting import ReportFormat, write_folder
from targets import Redactor, redact_settings
from targets import redact as redact_secrets


@dataclass(frozen=True)
class ReportedRun:
    """What every load-test report renders: the redacted summary, the gates' results, Locust's own page to link."""

    summary: RunSummary
    gate_results: Sequence[GateResult]
    locust_html: str | None


# Written in this order; index.html comes last so that it shows the charts and links the files written (an image
# format is a figure on the page, any other a link, in this order).
REPORTS: tuple[ReportFormat[ReportedRun], ...] = (
    ReportFormat("junit", "junit.xml", "JUnit XML", lambda run, _: junit_xml.render(run.summary, run.gate_results)),
    ReportFormat("json", "summary.json", "JSON summary",
                 lambda run, _: json_summary.render(run.summary, run.gate_results)),
    ReportFormat("markdown", "summary.md", "Markdown summary",
                 lambda run, _: markdown_summary.render(run.summary, run.gate_results)),
    ReportFormat("rps-chart", "rps.png", "Requests per second", lambda run, _: charts.rps_chart(run.summary)),
    ReportFormat("latency-chart", "latency.png", "Latency percentiles (p50, p95, p99)",
                 lambda run, _: charts.latency_chart(run.summary)),
    ReportFormat("errors-chart", "errors.png", "Failures per second by check or category",
                 lambda run, _: charts.errors_chart(run.summary)),
    ReportFormat("html", "index.html", "report page", lambda run, folder: index_page.render(
        run.summary, run.gate_results, folder, locust_html=run.locust_html)),
)


def _print_error(line: str) -> None:
    print(line, file=sys.stderr)


def write_reports(
    report_dir: str | Path,
    summary: RunSummary,
    gate_results: Sequence[GateResult],
    settings: Mapping[str, Any] | None = None,
    *,
    redact: Redactor = redact_secrets,
    locust_html: str | None = "locust.html",
    on_error: Callable[[str], None] = _print_error,
) -> list[Path]:
    """Write every report of `REPORTS` into `report_dir` (created if needed) and return the files written.

    `settings` (merged over `summary.settings`) and every example exchange pass through `redact` first. A report
    that fails does not stop the others: each failure goes to `on_error` as one line (default: stderr).
    `locust_html` names Locust's own report, linked from index.html when the file exists; None: no link.
    """
    run = ReportedRun(_redacted(summary, settings, redact), list(gate_results), locust_html)
    return write_folder(report_dir, REPORTS, run, on_error=on_error, redact=redact)


def _redacted(summary: RunSummary, settings: Mapping[str, Any] | None, redactor: Redactor) -> RunSummary:
    merged = {**summary.settings, **(settings or {})}
    examples = {
        category: redact_example(example, redactor) for category, example in summary.examples.items()
    }
    stop_reason = redactor(summary.stop_reason) if summary.stop_reason else None
    interrupted = redactor(summary.interrupted) if summary.interrupted else None
    return replace(summary, settings=redact_settings(merged, redactor), examples=examples, stop_reason=stop_reason,
                   interrupted=interrupted)
