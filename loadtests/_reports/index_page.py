"""`index.html`: the report a person opens (docs/reports.md).

Order: the verdict (pass or fail, and why), the gates table, the charts, the operations, failures by check with
an example request and response, the run's settings, then links to Locust's own report and the JUnit and JSON
files. Self-contained: inline CSS, no script, images and links relative to the report folder, so it works from
file:// with no server and no network (nothing from a CDN).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from html import escape

from loadtests._gates import GateResult
from loadtests._reports.clock_lines import latency_line, schedule_line, trust_line
from loadtests._reports.contract_counts import contract_counts
from loadtests._run_summary import RunSummary, is_contract_violation, rule_of
from loadtests._verdict import verdict
from reporting import Folder, page

_IMAGES = (".png", ".svg")  # shown on the page as figures; every other format is linked


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _gates(results: Sequence[GateResult]) -> str:
    if not results:
        return "<p class=muted>No gates were set.</p>"
    rows = [(f"<code>{escape(r.name)}</code>" + (" <span class=muted>default</span>" if r.gate.default else ""),
             escape(r.threshold), escape(r.measured),
             "<span class=ok>pass</span>" if r.passed else "<span class=ko>fail</span>") for r in results]
    return page.table(("gate", "threshold", "measured", "result"), rows)


def _defaults(results: Sequence[GateResult]) -> str:
    names = ", ".join(r.name for r in results if r.gate.default) or "none"
    return f"Default gates: {names} (a --gate on the same metric replaces one, --no-default-gates drops them all)."


def _operations(summary: RunSummary) -> str:
    rows = [(f"<code>{escape(name)}</code>", str(s["requests"]), str(s["failures"]),
             "-" if s["rps"] is None else f"{s['rps']:.1f}", _ms(s["p50_ms"]), _ms(s["p90_ms"]), _ms(s["p95_ms"]),
             _ms(s["p99_ms"]), _ms(s["max_ms"]), _ms(s["mean_ms"]))
            for name, s in [*summary.operations.items(), ("overall", summary.overall)]]
    header = ("operation", "requests", "failures", "req/s", "p50", "p90", "p95", "p99", "max", "mean")
    return ("<p class=muted>Latency in milliseconds, exact (HDR histogram), after the warm-up.</p>"
            + page.table(header, rows, numeric=range(1, 10)))


def _failures(summary: RunSummary) -> str:
    if not summary.total_failures_by_category:
        return "<p class=ok>No failures.</p>"
    parts = [page.table(("check or category", "kind", "rule", "count"), [
        (f"<code>{escape(c)}</code>", "contract check" if is_contract_violation(c) else "transport / HTTP",
         escape(rule_of(c)), str(n))
        for c, n in summary.total_failures_by_category.items()], numeric=(3,))]
    contract = contract_counts(summary)
    if contract:
        parts.insert(0, f"<p id=contract-counts>{escape(contract)}</p>")
    for category, example in summary.examples.items():
        parts.append(f"<h3 id='example-{escape(category)}'>Example: <code>{escape(category)}</code> on "
                     f"<code>{escape(example['operation'])}</code></h3>"
                     + (f"<p class=rule>{escape(example['rule'])}</p>" if "rule" in example else "")
                     + f"<p>Request</p><pre>{escape(example['request'])}</pre>"
                     f"<p>Response</p><pre>{escape(example['response'])}</pre>"
                     + (f"<p>Cause</p><pre class=cause>{escape(example['cause'])}</pre>" if "cause" in example else ""))
    return "".join(parts)


def _settings(summary: RunSummary) -> str:
    if not summary.settings:
        return "<p class=muted>No settings recorded.</p>"
    rows = [(f"<code>{escape(str(key))}</code>",
             escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)))
            for key, value in summary.settings.items()]
    return page.table(("setting", "value"), rows)


def render(summary: RunSummary, gate_results: Sequence[GateResult], folder: Folder, *,
           locust_html: str | None = None) -> str:
    """The page: a figure for each image format of the folder (a line saying so for one not written), a link for
    each other file written so far, then Locust's own files present (`locust_html`, CSV files)."""
    outcome = verdict(summary, gate_results)
    warmup = summary.overall["warmup_requests"]
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(summary.started))
    target, run_id = summary.settings.get("target"), summary.settings.get("run_id")
    context = (f"Run {run_id} " if run_id else "Run ") + (f"against {target} " if target else "") + f"at {started}: "
    facts = context + (f"{summary.total_requests} requests in {summary.duration_s:.1f} s"
             + (f", {warmup} in the warm-up (excluded from the gates)" if warmup else "")
             + (f"; {summary.late} could not be sent on time" if summary.late else ""))
    cpu = summary.cpu
    if cpu["max"] is not None and cpu["mean"] is not None:
        facts += f"; generator CPU max {cpu['max']:.0f}%, mean {cpu['mean']:.0f}% of one core"
    clock = "".join(f"<p>{escape(line[0].upper() + line[1:])}.</p>"
                    for line in (schedule_line(summary), latency_line(summary), trust_line(summary)) if line)
    images = [report for report in folder.formats if report.file_name.endswith(_IMAGES)]
    charts = "".join(
        # No caption: each chart carries its own title; the alt text names it for readers without images.
        f"<figure><img src='{escape(report.file_name)}' alt='{escape(report.label)}' width=800 height=300></figure>"
        if report.file_name in folder.written else f"<p class=muted>{escape(report.label)}: chart not written.</p>"
        for report in images)
    links = [(report.file_name, report.label) for report in folder.formats
             if report.file_name in folder.written and report not in images]
    body = (f"<p>{escape(facts)}.</p>{clock}\n"
            f'<h2 id="gates">Gates</h2>{_gates(gate_results)}<p class=muted>{escape(_defaults(gate_results))}</p>\n'
            f'<h2 id="charts">Charts</h2>{charts}\n'
            f'<h2 id="operations">Operations</h2>{_operations(summary)}\n'
            f'<h2 id="failures">Failures by check</h2>{_failures(summary)}\n'
            f'<h2 id="settings">Settings</h2>{_settings(summary)}')
    return page.render(title=f"edgeload {outcome.word}: {outcome.headline}", verdict=outcome.word,
                       kind=outcome.outcome.slug, headline=outcome.headline, reasons=outcome.reasons, body=body,
                       files=[*links, *_locust_files(folder, locust_html)])


def _locust_files(folder: Folder, locust_html: str | None) -> list[tuple[str, str]]:
    """(file name, label) of Locust's own files present in the folder."""
    links: list[tuple[str, str]] = []
    if locust_html and folder.exists(locust_html):
        links.append((locust_html, "Locust's own HTML report"))
    links += [(path.name, "Locust CSV") for path in sorted(folder.path.glob("*.csv"))]
    return links
