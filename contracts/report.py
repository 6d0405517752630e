"""The contract report: the records of both runners grouped per operation and check, written as JSON and JUnit.

JUnit has one test case per (operation, check) and runner, named `<operation label> :: <check>`, so CI tools show
which rule broke on which operation (issue 3). The HTML rendering lives in contracts/report_html.py.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from contracts import records
from contracts.atomic import write_atomic
from contracts.checks import REGISTRY
from contracts.report_html import FILES, render_html
from contracts.runs import RunResult

_KEPT_CASES = 20  # failing case ids kept per row: enough to reproduce, small enough to read


@dataclass
class Row:
    """One check on one operation, by one runner."""

    runner: str
    operation: str
    check: str
    cases: int = 0
    failures: int = 0
    messages: Counter[str] = field(default_factory=Counter)
    failed_cases: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.operation} :: {self.check}"

    @property
    def passed(self) -> bool:
        return self.failures == 0


def rows(case_records: Iterable[records.CaseRecord]) -> list[Row]:
    table: dict[tuple[str, str, str], Row] = {}
    for record in case_records:
        failed = {violation["check"]: violation["message"] for violation in record["violations"]}
        for check in dict.fromkeys([*record["checks"], *failed]):
            key = (record["runner"], record["operation"], check)
            row = table.get(key) or table.setdefault(key, Row(*key))
            row.cases += 1
            if check in failed:
                row.failures += 1
                row.messages[failed[check]] += 1
                if len(row.failed_cases) < _KEPT_CASES:
                    row.failed_cases.append(record["case"])
    return sorted(table.values(), key=lambda row: (row.operation, _check_order(row.check), row.runner))


def _check_order(check: str) -> tuple[int, int, str]:
    """Our checks first, in registry order; then the suite's expectations; then schemathesis' built-ins."""
    ours = list(REGISTRY)
    if check in ours:
        return (0, ours.index(check), check)
    return (1, 0, check) if check in ("expected_response", "suite_error", "runner_error") else (2, 0, check)


@dataclass
class Report:
    target: str
    datastream_id: str
    exit_code: int
    results: Sequence[RunResult]
    rows: list[Row]

    @property
    def verdict(self) -> str:
        return {0: "pass", 1: "fail"}.get(self.exit_code, "could not run")

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
                }
                for result in self.results
            },
            "checks": len(self.rows),
            "failing_checks": [
                {"runner": row.runner, "operation": row.operation, "check": row.check, "failures": row.failures,
                 "cases": row.cases, "messages": dict(row.messages), "failed_cases": row.failed_cases}
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


def junit(report: Report) -> ET.ElementTree[ET.Element | None]:
    suites = ET.Element("testsuites", name="edgeload contract", tests=str(len(report.rows)),
                        failures=str(sum(1 for row in report.rows if not row.passed)))
    for runner in dict.fromkeys(row.runner for row in report.rows):
        runner_rows = [row for row in report.rows if row.runner == runner]
        suite = ET.SubElement(suites, "testsuite", name=f"contract.{runner}", tests=str(len(runner_rows)),
                              failures=str(sum(1 for row in runner_rows if not row.passed)), errors="0", skipped="0")
        for row in runner_rows:
            case = ET.SubElement(suite, "testcase", classname=f"contract.{runner}", name=row.name)
            ET.SubElement(case, "properties").extend(
                [ET.Element("property", name="cases", value=str(row.cases))]
            )
            if not row.passed:
                message = "; ".join(row.messages)
                failure = ET.SubElement(case, "failure", message=f"{row.failures} of {row.cases} cases: {message}")
                failure.text = "failing cases:\n" + "\n".join(row.failed_cases)
    tree = ET.ElementTree(suites)
    ET.indent(tree)
    return tree


def write(report: Report, report_dir: Path) -> list[Path]:
    """summary.json, junit.xml and report.html in `report_dir`."""
    report_dir.mkdir(parents=True, exist_ok=True)
    summary, junit_path, html = report_dir / "summary.json", report_dir / "junit.xml", report_dir / "report.html"
    # Atomic writes: a run killed while writing leaves the previous report or the new one, never half (issue 8).
    write_atomic(summary, orjson.dumps(report.summary(), option=orjson.OPT_INDENT_2) + b"\n")
    xml = io.BytesIO()
    junit(report).write(xml, encoding="utf-8", xml_declaration=True)
    write_atomic(junit_path, xml.getvalue())
    present = {name for name, _ in FILES if (report_dir / name).is_file()}  # linked from the page
    write_atomic(html, render_html(report, present))
    return [summary, junit_path, html]
