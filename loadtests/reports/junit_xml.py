"""`junit.xml`: one test case per gate and per failing check, in the JUnit XML shape CI tools read
(Jenkins, GitLab, GitHub test reporters): <testsuites><testsuite><testcase><failure message type>text."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from loadtests.gates import GateResult
from loadtests.run_summary import RunSummary, is_contract_violation
from loadtests.verdict import verdict

# XML 1.0 forbids most control characters; a response body may contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _suite(parent: ET.Element, name: str, summary: RunSummary) -> ET.Element:
    return ET.SubElement(parent, "testsuite", {
        "name": name, "tests": "0", "failures": "0", "errors": "0", "skipped": "0",
        "time": f"{summary.duration_s:.3f}",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(summary.started)),
    })


def _case(suite: ET.Element, classname: str, name: str, failure: str | None, text: str = "") -> None:
    case = ET.SubElement(suite, "testcase", {"classname": classname, "name": _clean(name), "time": "0"})
    suite.set("tests", str(int(suite.get("tests", "0")) + 1))
    if failure is not None:
        element = ET.SubElement(case, "failure", {"message": _clean(failure), "type": "AssertionError"})
        element.text = _clean(text or failure)
        suite.set("failures", str(int(suite.get("failures", "0")) + 1))


def render(summary: RunSummary, gate_results: Sequence[GateResult]) -> str:
    root = ET.Element("testsuites", {"name": "edgeload"})
    outcome = verdict(summary, gate_results)
    verdict_suite = _suite(root, "edgeload.verdict", summary)
    properties = ET.SubElement(verdict_suite, "properties")
    ET.SubElement(properties, "property", {"name": "verdict", "value": outcome.word})
    ET.SubElement(properties, "property", {"name": "exit_code", "value": str(outcome.outcome.exit_code)})
    # One case that fails unless the run passed: a CI test tab shows the verdict word even when every gate passed
    # (an interrupted run) or none failed on its own.
    _case(verdict_suite, "edgeload.verdict", "verdict", None if outcome.passed else _clean(outcome.headline),
          "\n".join((outcome.headline, *outcome.reasons)))
    gates = _suite(root, "edgeload.gates", summary)
    for result in gate_results:
        message = None if result.passed else result.message or f"measured {result.measured}"
        _case(gates, "edgeload.gates", result.name + (" (default)" if result.gate.default else ""), message,
              f"threshold {result.threshold}; measured {result.measured}\n{result.message}".strip())
    checks = _suite(root, "edgeload.failures", summary)
    for category, count in summary.total_failures_by_category.items():
        kind = "contract check" if is_contract_violation(category) else "failure category"
        example = summary.examples.get(category)
        detail = f"{count} failure{'s' if count != 1 else ''} ({kind} {category}, whole run)"
        if example is not None:
            detail += f"\n\nexample {example['operation']}\n--- request ---\n{example['request']}\n" \
                      f"--- response ---\n{example['response']}"
            if "cause" in example:
                detail += f"\n--- cause ---\n{example['cause']}"
        message = f"{category}: {count} failure{'s' if count != 1 else ''}"
        if example is not None and "rule" in example:
            message += f"; e.g. {example['rule']}"
        _case(checks, f"edgeload.{'checks' if is_contract_violation(category) else 'failures'}", category, message,
              detail)
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
    root.set("errors", "0")
    root.set("time", f"{summary.duration_s:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
