"""`summary.json`: the machine-readable run (settings, per-operation counts, exact percentiles, failures by check,
gates, cpu, late requests, the per-second timeline behind the charts)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from loadtests._gates import GateResult
from loadtests._run_summary import RunSummary
from loadtests._verdict import verdict

SCHEMA_VERSION = 1


def gate_rows(gate_results: Sequence[GateResult]) -> list[dict[str, Any]]:
    return [
        {"gate": r.name, "metric": r.gate.metric, "scope": r.gate.scope, "threshold": r.threshold,
         "measured": r.measured, "value": r.value, "passed": r.passed, "message": r.message, "default": r.gate.default,
         **({"baseline": dict(r.detail)} if r.detail else {})}  # a baseline gate's figures (loadtests._baseline)
        for r in gate_results
    ]


def render(summary: RunSummary, gate_results: Sequence[GateResult]) -> str:
    outcome = verdict(summary, gate_results)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "verdict": outcome.outcome.slug,  # pass, fail, not_trustworthy, interrupted, could_not_run
        "verdict_word": outcome.word,
        "exit_code": outcome.outcome.exit_code,
        "passed": outcome.passed,  # true only for PASS
        "headline": outcome.headline,
        "reasons": list(outcome.reasons),
        "gates": gate_rows(gate_results),
        "default_gates": [r.name for r in gate_results if r.gate.default],
        **summary.to_dict(),
    }
    # allow_nan=False: a NaN would make the file unreadable for strict JSON parsers (jq, JavaScript).
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
