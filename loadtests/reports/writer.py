"""The one entry point writing every report of a run."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from loadtests.gates import GateResult
from loadtests.reports.exchange import redact_example
from loadtests.run_summary import RunSummary
from targets.atomic import write_atomic
from targets.redaction import Redactor, redact_settings
from targets.redaction import redact as redact_secrets

# name -> what it is; index.html links the ones present.
REPORT_FILES: dict[str, str] = {
    "summary.json": "JSON summary",
    "junit.xml": "JUnit XML",
    "summary.md": "Markdown summary",
    "rps.png": "requests/s chart",
    "latency.png": "latency percentiles chart",
    "errors.png": "errors over time chart",
    "index.html": "report page",
}


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
    """Write every report into `report_dir` (created if needed) and return the files written.

    `settings` (merged over `summary.settings`) and every example exchange pass through `redact` first. A writer
    that fails does not stop the others: each failure goes to `on_error` as one line (default: stderr).
    `locust_html` names Locust's own report, linked from index.html when the file exists; None: no link.
    """
    from loadtests.reports import charts, index_page, json_summary, junit_xml, markdown_summary

    directory = Path(report_dir)
    safe = _redacted(summary, settings, redact)
    results = list(gate_results)
    writers: list[tuple[str, Callable[[], bytes | str]]] = [
        ("summary.json", lambda: json_summary.render(safe, results)),
        ("junit.xml", lambda: junit_xml.render(safe, results)),
        ("summary.md", lambda: markdown_summary.render(safe, results)),
    ]
    writers += [(name, _chart(charts.RENDERERS[name], safe)) for name in charts.RENDERERS]
    written: list[Path] = []
    for name, render in writers:
        try:
            written.append(write_atomic(directory / name, render()))
        except Exception as error:  # one broken writer must not cost the others
            on_error(f"edgeload: could not write {directory / name}: {type(error).__name__}: {redact(str(error))}")
    # The page comes last so it links only what exists.
    try:
        present = {path.name for path in written}
        page = index_page.render(safe, results, present=present, extra=_extra_links(directory, locust_html))
        written.append(write_atomic(directory / "index.html", page))
    except Exception as error:
        on_error(f"edgeload: could not write {directory / 'index.html'}: {type(error).__name__}: "
                 f"{redact(str(error))}")
    return written


def _chart(render: Callable[[RunSummary], bytes], summary: RunSummary) -> Callable[[], bytes]:
    return lambda: render(summary)


def _extra_links(directory: Path, locust_html: str | None) -> list[tuple[str, str]]:
    """(file name, label) of Locust's own files present in the directory."""
    links: list[tuple[str, str]] = []
    if locust_html and (directory / locust_html).is_file():
        links.append((locust_html, "Locust's own HTML report"))
    links += [(path.name, "Locust CSV") for path in sorted(directory.glob("*.csv"))]
    return links


def _redacted(summary: RunSummary, settings: Mapping[str, Any] | None, redactor: Redactor) -> RunSummary:
    merged = {**summary.settings, **(settings or {})}
    examples = {
        category: redact_example(example, redactor) for category, example in summary.examples.items()
    }
    stop_reason = redactor(summary.stop_reason) if summary.stop_reason else None
    interrupted = redactor(summary.interrupted) if summary.interrupted else None
    return replace(summary, settings=redact_settings(merged, redactor), examples=examples, stop_reason=stop_reason,
                   interrupted=interrupted)
