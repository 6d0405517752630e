"""`index.html`: the report a person opens (docs/reports.md).

Order: the verdict (pass or fail, and why), the gates table, the charts, the operations, failures by check with
an example request and response, the run's settings, then links to Locust's own report and the JUnit and JSON
files. Self-contained: inline CSS, no script, images and links relative to the report folder, so it works from
file:// with no server and no network (nothing from a CDN).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Sequence
from html import escape

from loadtests.gates import GateResult
from loadtests.reports.clock_lines import latency_line, schedule_line, trust_line
from loadtests.reports.contract_counts import contract_counts
from loadtests.run_summary import RunSummary, is_contract_violation, rule_of
from loadtests.verdict import verdict

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:1.5rem;
color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de}
.verdict{border-radius:8px;padding:1rem 1.2rem;color:#fff}.pass{background:#1a7f37}.fail{background:#cf222e}
.not_trustworthy{background:#9a6700}.interrupted{background:#6e40c9}.could_not_run{background:#57606a}
.verdict ul{margin:.4rem 0 0;padding-left:1.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.ko{color:#cf222e;font-weight:600}
img{max-width:100%;height:auto;border:1px solid #d0d7de;margin:.3rem 0}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all;
max-height:22rem}
code{font-size:.85rem}.muted{color:#59636e}
"""
_CHARTS = (("rps.png", "Requests per second"), ("latency.png", "Latency percentiles (p50, p95, p99)"),
           ("errors.png", "Failures per second by check or category"))
_OWN_FILES = (("junit.xml", "JUnit XML"), ("summary.json", "JSON summary"), ("summary.md", "Markdown summary"))


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[int] = ()) -> str:
    """Cells are HTML already (callers escape); header cells are plain text."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _gates(results: Sequence[GateResult]) -> str:
    if not results:
        return "<p class=muted>No gates were set.</p>"
    rows = [(f"<code>{escape(r.name)}</code>" + (" <span class=muted>default</span>" if r.gate.default else ""),
             escape(r.threshold), escape(r.measured),
             "<span class=ok>pass</span>" if r.passed else "<span class=ko>fail</span>") for r in results]
    return _table(("gate", "threshold", "measured", "result"), rows)


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
            + _table(header, rows, numeric=range(1, 10)))


def _failures(summary: RunSummary) -> str:
    if not summary.total_failures_by_category:
        return "<p class=ok>No failures.</p>"
    parts = [_table(("check or category", "kind", "rule", "count"), [
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
    return _table(("setting", "value"), rows)


def render(summary: RunSummary, gate_results: Sequence[GateResult], *, present: Collection[str] = (),
           extra: Sequence[tuple[str, str]] = ()) -> str:
    """The page; `present` names the report files written (charts and links only for those), `extra` adds
    (file, label) links such as Locust's own report."""
    outcome = verdict(summary, gate_results)
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in outcome.reasons)
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
    charts = "".join(
        # No caption: each chart carries its own title; the alt text names it for readers without images.
        f"<figure><img src='{escape(name)}' alt='{escape(label)}' width=800 height=300></figure>" if name in present
        else f"<p class=muted>{escape(label)}: chart not written.</p>" for name, label in _CHARTS)
    links = [(name, label) for name, label in _OWN_FILES if name in present] + list(extra)
    link_items = "".join(f"<li><a href='{escape(name)}'>{escape(label)}</a> <code>{escape(name)}</code></li>"
                         for name, label in links)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>edgeload {outcome.word}: {escape(outcome.headline)}</title><style>{_CSS}</style></head><body>
<section class="verdict {outcome.outcome.slug}" id="verdict" data-verdict="{escape(outcome.word)}">
<h1>{escape(outcome.headline)}</h1>{f'<ul>{reasons}</ul>' if reasons else ''}</section>
<p>{escape(facts)}.</p>{clock}
<h2 id="gates">Gates</h2>{_gates(gate_results)}<p class=muted>{escape(_defaults(gate_results))}</p>
<h2 id="charts">Charts</h2>{charts}
<h2 id="operations">Operations</h2>{_operations(summary)}
<h2 id="failures">Failures by check</h2>{_failures(summary)}
<h2 id="settings">Settings</h2>{_settings(summary)}
<h2 id="files">Files</h2><ul>{link_items}</ul>
</body></html>
"""
