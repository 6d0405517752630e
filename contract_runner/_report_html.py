"""The HTML contract report: one self-contained page (inline CSS, no script, no CDN) to open from a CI artifact.

The same shape as a load test's index.html (docs/reports.md): the verdict first (pass or
fail, and why: each failing check on its operation with its first cause), the requests sent and answered, then
one row per operation, one row per check, the failing checks with their messages, their causes and the cases that
reproduce them, every check on every operation (folded unless one failed), the settings of the run and links to
the other files.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from contract_runner._reproduction import setup_note
from reporting import Folder, page

if TYPE_CHECKING:
    from contract_runner._report import Report, Row

# Files the runners write into the report folder, linked after the report's own when present.
RUNNER_FILES = (("suite-junit.xml", "the pytest suite's own JUnit XML"),
                ("suite-verdicts.jsonl", "the suite's verdicts"),
                ("schemathesis/junit.xml", "schemathesis' own JUnit XML"))


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
    return page.table(("operation", "checks", "cases judged", "failing checks", "result"), rows, numeric=(1, 2, 3))


def _checks(report: Report) -> str:
    rows = []
    for check in dict.fromkeys(row.check for row in report.rows):  # our checks first (contract_runner._report order)
        mine = [row for row in report.rows if row.check == check]
        failures = sum(row.failures for row in mine)
        rows.append((f"<code>{escape(check)}</code>", escape(mine[0].rule), str(len({row.operation for row in mine})),
                     escape(", ".join(dict.fromkeys(row.runner for row in mine))), str(sum(row.cases for row in mine)),
                     str(failures), _result(failures)))
    return page.table(("check", "rule", "operations", "runners", "cases", "failures", "result"), rows,
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
    # them to leave the command's variables alone (contract_runner._reproduction).
    parts = [f"<details class=curl{' open' if index == 0 else ''}><summary>Reproduce <code>{escape(case)}</code>"
             f"</summary><pre>{escape(_with_note(curl), quote=False)}</pre></details>"
             for index, (case, curl) in enumerate(row.curls.items())]
    return "<p class=muted>Reproduce with curl (secrets are variables to set first):</p>" + "".join(parts)


def _with_note(curl: str) -> str:
    return "\n".join(filter(None, [setup_note(curl), curl]))


def render_html(report: Report, folder: Folder) -> str:
    """The page; it links the report's files written so far in `folder`, then the runners' files present."""
    runners = [result.runner for result in report.results]
    failing = [row for row in report.rows if not row.passed]
    passed = report.verdict == "pass"
    headline = (f"Verdict: {report.verdict} (every check passed on every case)" if passed else
                f"Verdict: {report.verdict} ({len(failing)} of {len(report.rows)} operation checks failed)")
    cases = sum(len(result.records) for result in report.results)
    facts = (f"{cases} cases judged by {' and '.join(runners) or 'no runner'} against <code>{escape(report.target)}"
             f"</code>, datastream <code>{escape(report.datastream_id)}</code>.")
    operations = list(dict.fromkeys(row.operation for row in report.rows))
    details = "".join(
        _operation_detail(operation, [row for row in report.rows if row.operation == operation], runners)
        for operation in operations
    )
    failures = "".join(_failure(row) for row in failing) or "<p class=ok>None: every check passed on every case.</p>"
    settings = page.table(("setting", "value"), [
        ("<code>target</code>", escape(report.target)), ("<code>datastream_id</code>", escape(report.datastream_id)),
        ("<code>exit_code</code>", str(report.exit_code)),
        *((f"<code>{escape(result.runner)}</code>", f"exit code {result.exit_code}, {len(result.records)} cases")
          for result in report.results)])
    files = [(own.file_name, own.label) for own in folder.formats if own.file_name in folder.written]
    files += [(name, label) for name, label in RUNNER_FILES if folder.exists(name)]
    body = (f"<p>{facts}</p>{_accounting(report)}\n"
            f'<h2 id="operations">Per operation</h2>{_operations(report)}\n'
            f'<h2 id="checks">Per check</h2>{_checks(report)}\n'
            f'<h2 id="failures">Failing checks</h2>{failures}\n'
            f'<h2 id="details">Every check on every operation</h2>{details}\n'
            f'<h2 id="settings">Settings</h2>{settings}')
    return page.render(title=f"edgeload contract: {report.verdict}", verdict=report.verdict,
                       kind=report.verdict.replace(" ", "_"), headline=headline,  # pass, fail, could_not_run
                       reasons=[_reason(row) for row in failing], body=body, files=files)
