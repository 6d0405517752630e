"""What the console shows at the end of a run: the gate table (issue 5: "the console ends with a table of each
gate, its threshold, its measured value, pass or fail") and a short per-operation summary."""

from __future__ import annotations

from collections.abc import Sequence

from loadtests.gates import GateResult
from loadtests.measurements import RunSummary


def format_gate_table(gate_results: Sequence[GateResult]) -> str:
    """A plain-text table: gate, threshold, measured, PASS/FAIL; then the verdict line."""
    raise NotImplementedError


def format_summary(summary: RunSummary) -> str:
    """A plain-text table per operation: requests, failures, rps, p50/p95/p99/max; then failures by category."""
    raise NotImplementedError
