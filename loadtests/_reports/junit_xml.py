"""`junit.xml`: one test case for the verdict, one per gate and one per failing check (reporting.junit writes the
XML CI tools read)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from loadtests._gates import GateResult
from loadtests._run_summary import RunSummary, is_contract_violation
from loadtests._verdict import verdict
from reporting import junit


def _plural(count: int) -> str:
    return f"{count} failure{'s' if count != 1 else ''}"


def _failures(summary: RunSummary) -> list[junit.Case]:
    cases = []
    for category, count in summary.total_failures_by_category.items():
        kind = "contract check" if is_contract_violation(category) else "failure category"
        example = summary.examples.get(category)
        detail = f"{_plural(count)} ({kind} {category}, whole run)"
        if example is not None:
            detail += f"\n\nexample {example['operation']}\n--- request ---\n{example['request']}\n" \
                      f"--- response ---\n{example['response']}"
            if "cause" in example:
                detail += f"\n--- cause ---\n{example['cause']}"
        message = f"{category}: {_plural(count)}"
        if example is not None and "rule" in example:
            message += f"; e.g. {example['rule']}"
        cases.append(junit.Case(f"edgeload.{'checks' if is_contract_violation(category) else 'failures'}", category,
                                junit.Failure(message, detail, "AssertionError"), time="0"))
    return cases


def render(summary: RunSummary, gate_results: Sequence[GateResult]) -> str:
    outcome = verdict(summary, gate_results)
    seconds = f"{summary.duration_s:.3f}"
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(summary.started))
    # One case that fails unless the run passed: a CI test tab shows the verdict word even when every gate passed
    # (an interrupted run) or none failed on its own.
    verdict_case = junit.Case("edgeload.verdict", "verdict", None if outcome.passed else junit.Failure(
        outcome.headline, "\n".join((outcome.headline, *outcome.reasons)), "AssertionError"), time="0")
    gates = [junit.Case("edgeload.gates", result.name + (" (default)" if result.gate.default else ""),
                        None if result.passed else junit.Failure(
                            result.message or f"measured {result.measured}",
                            f"threshold {result.threshold}; measured {result.measured}\n{result.message}".strip(),
                            "AssertionError"), time="0")
             for result in gate_results]
    return junit.render("edgeload", [
        junit.Suite("edgeload.verdict", [verdict_case],
                    properties=[("verdict", outcome.word), ("exit_code", str(outcome.outcome.exit_code))],
                    time=seconds, timestamp=started),
        junit.Suite("edgeload.gates", gates, time=seconds, timestamp=started),
        junit.Suite("edgeload.failures", _failures(summary), time=seconds, timestamp=started),
    ], time=seconds)
