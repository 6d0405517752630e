"""The HTML contract report: one self-contained page (inline CSS, no script, no CDN) to open from a CI artifact.

The same shape as a load test's index.html (docs/reports.md): the verdict first (pass or
fail, and why: each failing check on its operation with its first cause), the requests sent and answered, then
one row per operation, one row per check, the failing checks with their messages, their causes and the cases that
reproduce them, every check on every operation (folded unless one failed), the settings of the run and links to
the other files.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape
from typing import TYPE_CHECKING

from contract_runner.reproduction import setup_note

if TYPE_CHECKING:
    from contract_runner.report import Report, Row

# The load-test report's look (loadtests/reports/index_page.py), so both read alike.
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:1.5rem;
color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.verdict{border-radius:8px;padding:1rem 1.2rem;color:#fff}.verdict.pass{background:#1a7f37}
.verdict.fail{background:#cf222e}.verdict ul{margin:.4rem 0 0;padding-left:1.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.pass,.ok{color:#1a7f37;font-weight:600}td.fail,.ko{color:#cf222e;font-weight:600}td.skip{color:#59636e}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:20rem;font-size:.8rem}
code{font-size:.85rem}.muted{color:#59636e}details{margin:.3rem 0}summary{cursor:pointer}
"""
FILES = (("summary.json", "JSON summary"), ("junit.xml", "JUnit XML, one test case per operation and check"),
         ("suite-junit.xml", "the pytest suite's own JUnit XML"), ("suite-verdicts.jsonl", "the suite's verdicts"),
         ("schemathesis/junit.xml", "schemathesis' own JUnit XML"))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[int] = ()) -> str:
    """Cells are HTML already (callers escape); header cells are plain text."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _result(failing: int) -> str:
    return "<span class=ok>pass</span>" if not failing else f"<span class=ko>{failing} failing</span>"


def _reason(row: Row) -> str:
    message = row.messages.most_common(1)[0][0] if row.messages else row.check
    cause = f" ({row.causes.most_common(1)[0][0]})" if row.causes else ""
    return f"{row.name} ({row.runner}): {row.failures} of {row.cases} cases, {message}{cause}"


def _accounting(report: Report) -> str:
    """Requests sent and answered, transport failures by category, 207 answers and their EXEG codes."""
    tally = report.tally
    lines = [f"<p id=requests><b>{tally.sent}</b> requests sent, <b>{tally.answered}</b> answered"]
    failures = tally.by_category()
    if failures:
        shown = ", ".join(f"<code>{escape(category)}</code> {n}" for category, n in failures.items())
        lines.append(f"; <span class=ko>transport failures: {shown}</span>")
    lines.append(".</p>")
    multi = sum(tally.multi_status.values())
    if multi:
        codes = ", ".join(f"<code>{escape(code)}</code> &times; {n}" for code, n in tally.exeg_codes.most_common())
        lines.append(f"<p id=multi-status>{multi} answers were 207 with non-fatal errors or warnings and kept the "
                     f"contract: successes, as the Edge documents them (EXEG codes: {codes or 'none'}).</p>")
    return "".join(lines)


def _operations(report: Report) -> str:
    rows = []
    for operation in dict.fromkeys(row.operation for row in report.rows):
        mine = [row for row in report.rows if row.operation == operation]
        cases = sum(max(row.cases for row in mine if row.runner == runner) for runner in {r.runner for r in mine})
        failing = sum(1 for row in mine if not row.passed)
        rows.append((f"<code>{escape(operation)}</code>", str(len({row.check for row in mine})), str(cases),
                     str(failing), _result(failing)))
    return _table(("operation", "checks", "cases judged", "failing checks", "result"), rows, numeric=(1, 2, 3))


def _checks(report: Report) -> str:
    rows = []
    for check in dict.fromkeys(row.check for row in report.rows):  # our checks first (contract_runner.report order)
        mine = [row for row in report.rows if row.check == check]
        failures = sum(row.failures for row in mine)
        rows.append((f"<code>{escape(check)}</code>", escape(mine[0].rule), str(len({row.operation for row in mine})),
                     escape(", ".join(dict.fromkeys(row.runner for row in mine))), str(sum(row.cases for row in mine)),
                     str(failures), _result(failures)))
    return _table(("check", "rule", "operations", "runners", "cases", "failures", "result"), rows,
                  numeric=(2, 4, 5))


def _cell(row: Row | None) -> str:
    if row is None:
        return '<td class="skip">not run</td>'
    if row.passed:
        return f'<td class="pass">pass ({row.cases})</td>'
    return f'<td class="fail">{row.failures} of {row.cases} failed</td>'


def _operation_detail(operation: str, rows: list[Row], runners: list[str]) -> str:
    by_key = {(row.check, row.runner): row for row in rows}
    checks = list(dict.fromkeys(row.check for row in rows))
    failing = sum(1 for row in rows if not row.passed)
    header = "".join(f"<th>{escape(runner)}</th>" for runner in runners)
    body = "".join(
        f"<tr><td><code>{escape(check)}</code></td>{''.join(_cell(by_key.get((check, r))) for r in runners)}</tr>"
        for check in checks
    )
    state = f"{failing} failing" if failing else "all pass"
    return (f"<details{' open' if failing else ''}><summary><code>{escape(operation)}</code>: {len(checks)} checks, "
            f"{state}</summary><table><tr><th>check</th>{header}</tr>{body}</table></details>")


def _failure(row: Row) -> str:
    messages = "".join(f"<li>{escape(message)} &times; {count}</li>" for message, count in row.messages.most_common())
    causes = "".join(f"<li><code>{escape(cause)}</code> &times; {count}</li>"
                     for cause, count in row.causes.most_common(10))
    cases = escape("\n".join(row.failed_cases))
    return (f"<h3><code>{escape(row.check)}</code> on <code>{escape(row.operation)}</code> "
            f"<small class=muted>({escape(row.runner)}, {row.failures} of {row.cases} cases)</small></h3>"
            f"<ul>{messages}</ul>" + (f"<p class=muted>Causes:</p><ul class=causes>{causes}</ul>" if causes else "")
            + "<p class=muted>Failing cases (test ids, or schemathesis' case ids in its own "
            f"report):</p><pre>{cases}</pre>" + _reproductions(row))


def _reproductions(row: Row) -> str:
    """One curl command per kept failing case, folded under its case id; the first one open."""
    if not row.curls:
        return ""
    # Quotes stay as they are (escape(quote=False)): the command is pasted, and the report's redaction pass reads
    # them to leave the command's variables alone (contract_runner.reproduction).
    parts = [f"<details class=curl{' open' if index == 0 else ''}><summary>Reproduce <code>{escape(case)}</code>"
             f"</summary><pre>{escape(_with_note(curl), quote=False)}</pre></details>"
             for index, (case, curl) in enumerate(row.curls.items())]
    return "<p class=muted>Reproduce with curl (secrets are variables to set first):</p>" + "".join(parts)


def _with_note(curl: str) -> str:
    return "\n".join(filter(None, [setup_note(curl), curl]))


def render_html(report: Report, files: Collection[str] = ()) -> str:
    """The page; `files` names the report folder's files present, linked at the end."""
    runners = [result.runner for result in report.results]
    failing = [row for row in report.rows if not row.passed]
    passed = report.verdict == "pass"
    headline = (f"Verdict: {report.verdict} (every check passed on every case)" if passed else
                f"Verdict: {report.verdict} ({len(failing)} of {len(report.rows)} operation checks failed)")
    reasons = "".join(f"<li>{escape(_reason(row))}</li>" for row in failing)
    cases = sum(len(result.records) for result in report.results)
    facts = (f"{cases} cases judged by {' and '.join(runners) or 'no runner'} against <code>{escape(report.target)}"
             f"</code>, datastream <code>{escape(report.datastream_id)}</code>.")
    operations = list(dict.fromkeys(row.operation for row in report.rows))
    details = "".join(
        _operation_detail(operation, [row for row in report.rows if row.operation == operation], runners)
        for operation in operations
    )
    failures = "".join(_failure(row) for row in failing) or "<p class=ok>None: every check passed on every case.</p>"
    settings = _table(("setting", "value"), [
        ("<code>target</code>", escape(report.target)), ("<code>datastream_id</code>", escape(report.datastream_id)),
        ("<code>exit_code</code>", str(report.exit_code)),
        *((f"<code>{escape(result.runner)}</code>", f"exit code {result.exit_code}, {len(result.records)} cases")
          for result in report.results)])
    links = "".join(f"<li><a href='{escape(name)}'>{escape(label)}</a> <code>{escape(name)}</code></li>"
                    for name, label in FILES if name in files) or "<li class=muted>none</li>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>edgeload contract: {escape(report.verdict)}</title><style>{_CSS}</style></head><body>
<section class="verdict {'pass' if passed else 'fail'}" id="verdict">
<h1>{escape(headline)}</h1>{f'<ul>{reasons}</ul>' if reasons else ''}</section>
<p>{facts}</p>{_accounting(report)}
<h2 id="operations">Per operation</h2>{_operations(report)}
<h2 id="checks">Per check</h2>{_checks(report)}
<h2 id="failures">Failing checks</h2>{failures}
<h2 id="details">Every check on every operation</h2>{details}
<h2 id="settings">Settings</h2>{settings}
<h2 id="files">Files</h2><ul>{links}</ul>
</body></html>
"""
