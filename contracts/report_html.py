"""The HTML contract report: one self-contained page (inline CSS, no script, no CDN) to open from a CI artifact.

Order: the verdict, then one table per operation (a row per check, a column per runner), then every failing check
with its messages and the cases to reproduce.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts.report import Report, Row

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}code{font-size:.92em}
.verdict{padding:1rem 1.25rem;border-radius:.5rem;font-size:1.25rem;font-weight:600}
.pass{background:#e3f5e8;color:#135c2a}.fail{background:#fde8e7;color:#8a1c12}.skip{background:#eef0f4;color:#4a5263}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d7dbe3;padding:.3rem .6rem;text-align:left}
th{background:#f3f5f8}td.pass,td.fail{font-weight:600}pre{background:#f6f7f9;padding:.6rem;overflow:auto}
"""


def _cell(row: Row | None) -> str:
    if row is None:
        return '<td class="skip">not run</td>'
    if row.passed:
        return f'<td class="pass">pass ({row.cases})</td>'
    return f'<td class="fail">{row.failures} of {row.cases} failed</td>'


def _operation_table(operation: str, rows: list[Row], runners: list[str]) -> str:
    by_key = {(row.check, row.runner): row for row in rows}
    checks = list(dict.fromkeys(row.check for row in rows))
    header = "".join(f"<th>{escape(runner)}</th>" for runner in runners)
    body = "".join(
        f"<tr><td><code>{escape(check)}</code></td>{''.join(_cell(by_key.get((check, r))) for r in runners)}</tr>"
        for check in checks
    )
    return f"<h2>{escape(operation)}</h2><table><tr><th>check</th>{header}</tr>{body}</table>"


def _failure(row: Row) -> str:
    messages = "".join(f"<li>{escape(message)} &times; {count}</li>" for message, count in row.messages.most_common())
    cases = escape("\n".join(row.failed_cases))
    return (f"<h3>{escape(row.name)} <small>({escape(row.runner)})</small></h3><ul>{messages}</ul>"
            f"<details><summary>failing cases</summary><pre>{cases}</pre></details>")


def render_html(report: Report) -> str:
    verdict_class = {"pass": "pass", "fail": "fail"}.get(report.verdict, "skip")
    runners = [result.runner for result in report.results]
    runs = "".join(
        f"<li>{escape(result.runner)}: exit code {result.exit_code}, {len(result.records)} cases judged</li>"
        for result in report.results
    )
    operations = list(dict.fromkeys(row.operation for row in report.rows))
    tables = "".join(
        _operation_table(operation, [row for row in report.rows if row.operation == operation], runners)
        for operation in operations
    )
    failing = [row for row in report.rows if not row.passed]
    failures = "".join(_failure(row) for row in failing) or "<p>None: every check passed on every case.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edgeload contract: {escape(report.verdict)}</title>
<style>{_CSS}</style></head><body>
<h1>edgeload contract report</h1>
<p class="verdict {verdict_class}">Verdict: {escape(report.verdict)} (exit code {report.exit_code}),
{len(failing)} failing of {len(report.rows)} operation checks</p>
<p>Target <code>{escape(report.target)}</code>, datastream <code>{escape(report.datastream_id)}</code>.</p>
<ul>{runs}</ul>
<h2>Per operation</h2>{tables}
<h2>Failing checks</h2>{failures}
</body></html>
"""
