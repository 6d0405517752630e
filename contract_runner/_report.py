"""The contract report: the records of both runners grouped per operation and check, written as JSON and JUnit.

JUnit has one test case per (operation, check) and runner, named `<operation label> :: <check>`, so CI tools show
which rule broke on which operation. Each failing row keeps its messages (the rules) and its causes (the
concrete errors at their place) apart. A transport category (`connection_reset` ...) is a row like a check. The
run's accounting (requests sent and answered, transport failures, 207 answers and their EXEG codes) comes from
each runner's `Tally`. Every kept failing case carries the curl command that sends its request again, secrets as
variables (contract_runner._reproduction). The HTML rendering lives in contract_runner/_report_html.py. The files
are the registry `REPORTS`, written by `reporting.write_folder`: each atomically, and one that fails costs only
itself.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from contract_runner import _records as records
from contract_runner._report_html import render_html
from contract_runner._reproduction import setup_note
from contract_runner._runs import RunResult
from contracts import REGISTRY, ExitCode, describe
from reporting import ReportFormat, junit, write_folder
from targets import CATEGORIES, RULES, Tally, redact

_KEPT_CASES = 20  # failing case ids kept per row: enough to reproduce, small enough to read
_KEPT_CAUSES = 10  # distinct causes kept per row, the most frequent first


@dataclass
class Row:
    """One check on one operation, by one runner."""

    runner: str
    operation: str
    check: str
    cases: int = 0
    failures: int = 0
    messages: Counter[str] = field(default_factory=Counter)
    causes: Counter[str] = field(default_factory=Counter)  # the violations' details
    failed_cases: list[str] = field(default_factory=list)
    curls: dict[str, str] = field(default_factory=dict)  # failed case -> the curl command reproducing it

    @property
    def first_curl(self) -> str | None:
        return next(iter(self.curls.values()), None)

    @property
    def name(self) -> str:
        return f"{self.operation} :: {self.check}"

    @property
    def passed(self) -> bool:
        return self.failures == 0

    @property
    def rule(self) -> str:
        """What the check holds responses to: our registry's description, a transport category's rule, else ""."""
        return describe(self.check) or RULES.get(self.check, "")


def rows(case_records: Iterable[records.CaseRecord]) -> list[Row]:
    table: dict[tuple[str, str, str], Row] = {}
    for record in case_records:
        failed = {violation["check"]: violation for violation in record["violations"]}
        for check in dict.fromkeys([*record["checks"], *failed]):
            key = (record["runner"], record["operation"], check)
            row = table.get(key) or table.setdefault(key, Row(*key))
            row.cases += 1
            if check in failed:
                row.failures += 1
                row.messages[failed[check]["message"]] += 1
                if "detail" in failed[check]:
                    row.causes[failed[check]["detail"]] += 1
                if len(row.failed_cases) < _KEPT_CASES:
                    row.failed_cases.append(record["case"])
                    if "curl" in record:
                        row.curls[record["case"]] = record["curl"]
    return sorted(table.values(), key=lambda row: (row.operation, _check_order(row.check), row.runner))


def _check_order(check: str) -> tuple[int, int, str]:
    """Our checks first, in registry order; then the suite's expectations; then schemathesis' built-ins."""
    ours = list(REGISTRY)
    if check in ours:
        return (0, ours.index(check), check)
    if check in ("expected_response", *CATEGORIES, "suite_error", "runner_error"):
        return (1, 0, check)
    return (2, 0, check)


@dataclass
class Report:
    target: str
    datastream_id: str
    exit_code: int
    results: Sequence[RunResult]
    rows: list[Row]

    @property
    def verdict(self) -> str:
        verdicts: dict[int, str] = {ExitCode.OK: "pass", ExitCode.FAILED: "fail"}
        return verdicts.get(self.exit_code, "could not run")

    @property
    def tally(self) -> Tally:
        """What every runner sent and got back, added up."""
        total = Tally()
        for result in self.results:
            if result.tally is not None:
                total.merge(result.tally)
        return total

    @property
    def failing_checks(self) -> Counter[str]:
        """Failures per failing check (or transport category), over every operation and runner."""
        counts: Counter[str] = Counter()
        for row in self.rows:
            if not row.passed:
                counts[row.check] += row.failures
        return counts

    def summary(self) -> dict[str, Any]:
        failing = [row for row in self.rows if not row.passed]
        return {
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "target": self.target,
            "datastream_id": self.datastream_id,
            "runners": {
                result.runner: {
                    "exit_code": result.exit_code,
                    "cases": len(result.records),
                    "failed_cases": sum(1 for record in result.records if record["violations"]),
                    "exchanges": None if result.tally is None else exchanges(result.tally),
                }
                for result in self.results
            },
            "exchanges": exchanges(self.tally),
            "checks": len(self.rows),
            "failures_by_check": dict(self.failing_checks.most_common()),
            "failing_checks": [
                {"runner": row.runner, "operation": row.operation, "check": row.check, "rule": row.rule,
                 "failures": row.failures,
                 "cases": row.cases, "messages": dict(row.messages),
                 "causes": dict(row.causes.most_common(_KEPT_CAUSES)), "failed_cases": row.failed_cases,
                 "reproductions": row.curls}
                for row in failing
            ],
            "operations": {
                operation: {
                    f"{row.runner}:{row.check}": {"cases": row.cases, "failures": row.failures}
                    for row in self.rows
                    if row.operation == operation
                }
                for operation in dict.fromkeys(row.operation for row in self.rows)
            },
        }


def exchanges(tally: Tally) -> dict[str, Any]:
    """The accounting of a tally as the JSON summary shows it."""
    return {
        "sent": tally.sent,
        "answered": tally.answered,
        "transport_failures": tally.by_category(),
        "multi_status": {"answers": sum(tally.multi_status.values()), "by_operation": dict(tally.multi_status),
                         "exeg_codes": dict(tally.exeg_codes.most_common())},
    }


def _counts(counts: Counter[str] | dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def console_summary(report: Report, written: Path) -> list[str]:
    """What `edgeload contract` prints last: the verdict naming the failing checks, then the run's accounting."""
    failing = report.failing_checks
    cases = sum(len(result.records) for result in report.results)
    head = f"edgeload contract: {report.verdict} ({cases} cases"
    head += f"; failing: {_counts(failing)})" if failing else "; every check passed)"
    tally = report.tally
    lines = [f"{head}; report: {written}",
             f"  requests: {tally.sent} sent, {tally.answered} answered"
             + (f"; transport failures: {_counts(tally.by_category())}" if tally.transport else "")]
    multi = sum(tally.multi_status.values())
    if multi:
        lines.append(f"  207 answers kept the contract and count as successes: {multi} "
                     f"(EXEG codes: {_counts(tally.exeg_codes) or 'none'})")
    for row in (row for row in report.rows if not row.passed):
        message = (row.messages.most_common(1)[0][0] if row.messages else "") or row.rule or row.check
        cause = row.causes.most_common(1)[0][0] if row.causes else ""
        lines.append(f"  {row.name} ({row.runner}): {row.failures} of {row.cases}: {message}"
                     + (f"; cause: {cause}" if cause else ""))
        curl = row.first_curl
        if curl is not None:  # the first failing case, to paste; report.html has one per kept case
            lines += [f"    {line}" for line in [setup_note(curl), *curl.splitlines()] if line]
    return lines


def junit_xml(report: Report) -> str:
    """One test suite per runner, one test case per (operation, check) row, its causes and failing cases."""
    suites = []
    for runner in dict.fromkeys(row.runner for row in report.rows):
        cases = []
        for row in (row for row in report.rows if row.runner == runner):
            failure = None
            if not row.passed:
                causes = [f"{cause} (x{n})" for cause, n in row.causes.most_common(_KEPT_CAUSES)]
                text = ("causes:\n" + "\n".join(causes) + "\n" if causes else "") + "failing cases:\n" + (
                    "\n".join(row.failed_cases))
                curl = row.first_curl
                if curl is not None:
                    text += "\nreproduce the first one:\n" + "\n".join(filter(None, [setup_note(curl), curl]))
                failure = junit.Failure(f"{row.failures} of {row.cases} cases: {'; '.join(row.messages)}", text)
            cases.append(junit.Case(f"contract.{runner}", row.name, failure, properties=[("cases", str(row.cases))]))
        suites.append(junit.Suite(f"contract.{runner}", cases))
    return junit.render("edgeload contract", suites)


# Written in this order; report.html comes last so that it links only the files written.
REPORTS: tuple[ReportFormat[Report], ...] = (
    ReportFormat("json", "summary.json", "JSON summary",
                 lambda report, _: orjson.dumps(report.summary(), option=orjson.OPT_INDENT_2) + b"\n"),
    ReportFormat("junit", "junit.xml", "JUnit XML, one test case per operation and check",
                 lambda report, _: junit_xml(report)),
    ReportFormat("html", "report.html", "report page", render_html),
)


def _print_error(line: str) -> None:
    print(line, file=sys.stderr)


def write(report: Report, report_dir: Path, *, on_error: Callable[[str], None] = _print_error) -> list[Path]:
    """Every file of `REPORTS` in `report_dir` (created if needed); returns the files written.

    A report that fails to write goes to `on_error` as one line (default: stderr) and costs no other.
    """
    return write_folder(report_dir, REPORTS, report, on_error=on_error, redact=redact,
                        program="edgeload contract")
