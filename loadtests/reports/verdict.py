"""The verdict every report opens with (README "What you see": pass or fail, and why)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loadtests.gates import GateResult
from loadtests.run_summary import RunSummary


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    headline: str  # "PASS: all 3 gates passed" / "FAIL: 1 of 3 gates failed"
    reasons: tuple[str, ...]  # one line per failed gate, then how the run ended if early

    @property
    def word(self) -> str:
        return "PASS" if self.passed else "FAIL"


def verdict(summary: RunSummary, gate_results: Sequence[GateResult]) -> Verdict:
    failed = [result for result in gate_results if not result.passed]
    total = len(gate_results)
    if failed:
        headline = f"FAIL: {len(failed)} of {total} gate{'s' if total != 1 else ''} failed"
    else:
        headline = f"PASS: all {total} gate{'s' if total != 1 else ''} passed" if total else "PASS: no gates set"
    reasons = [result.message or f"{result.name}: measured {result.measured}" for result in failed]
    if summary.stop_reason:
        reasons.append(f"the run ended early: {summary.stop_reason}")
    return Verdict(passed=not failed, headline=headline, reasons=tuple(reasons))
