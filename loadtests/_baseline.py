"""Baseline gates: `--baseline RUN|PATH|latest-pass` and the gates relative to it (`p95<=baseline+10%`).

The baseline is one earlier run, as a history record (loadtests._history): figures and the exact histogram of each
operation. `--baseline` names it as
- `latest-pass`: the latest passing run of the report folder's history;
- a run id of that history (e.g. `nightly-41`);
- a PATH: a run's `summary.json` or its folder, or a `history.jsonl` (its latest passing run), e.g. one that CI
  downloaded from the default branch.

A baseline gate fails only when the current run is past the limit *and* the difference is significant
(loadtests._significance), so the noise between two identical runs does not fail it
(docs/regressions.md#baseline-gates): the sampling noise of both runs' requests, and the between-run noise of the
earlier runs comparable with the baseline (loadtests._noise), which `resolve` hands to `judge` as the record's
NOISE_RUNS.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from loadtests._gates import Gate, GateResult, baseline_text
from loadtests._history import HISTORY_FILE, HistoryError, find, latest_pass, load
from loadtests._noise import Noise, comparable, estimate
from loadtests._run_summary import OVERALL, RunSummary
from loadtests._significance import CONFIDENCE, Difference

LATEST_PASS = "latest-pass"
NOISE_RUNS = "noise_runs"  # added by resolve: the history's runs comparable with the baseline (loadtests._noise)


class BaselineError(ValueError):
    """A --baseline that cannot be used; str() is one line naming the problem and the fix."""


def from_summary(document: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A summary.json as a history record: the same figures, the histograms beside them."""
    histograms = document.get("histograms") or {}
    if not histograms:
        raise BaselineError(f"{source} has no latency histograms (written by an older edgeload); use a newer run")

    def figures(stats: Mapping[str, Any], name: str) -> dict[str, Any]:
        return {**stats, "hist": histograms.get(name)}

    return {"run_id": str((document.get("settings") or {}).get("run_id") or source), "passed": document.get("passed"),
            "verdict": document.get("verdict"), "measured_s": document.get("measured_s"),
            "started": document.get("started"), "target": (document.get("settings") or {}).get("target"),
            "operations": {name: figures(stats, name) for name, stats in (document.get("operations") or {}).items()},
            "overall": figures(document.get("overall") or {}, OVERALL)}


def _with_noise(chosen: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {**chosen, NOISE_RUNS: comparable(records, chosen)}


def _report_history(report_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The report folder's history for the noise of a baseline given as a summary.json; none if unreadable."""
    try:
        return load(Path(report_dir) / HISTORY_FILE)
    except HistoryError:
        return []


def _from_path(path: Path, report_dir: str | os.PathLike[str]) -> dict[str, Any]:
    if path.is_dir():
        path = path / "summary.json" if (path / "summary.json").is_file() else path / HISTORY_FILE
    if path.suffix == ".jsonl":
        try:
            records = load(path)
        except HistoryError as error:
            raise BaselineError(str(error)) from None
        chosen = latest_pass(records)
        if chosen is None:
            raise BaselineError(f"{path} has no passing run to compare with; name a run id or a summary.json")
        return _with_noise(chosen, records)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"cannot read baseline {path}: {error}; give a summary.json, a run folder or a "
                            f"{HISTORY_FILE}") from None
    if not isinstance(document, dict) or "operations" not in document:
        raise BaselineError(f"{path} is not a run's summary.json; give a summary.json, a run folder or a "
                            f"{HISTORY_FILE}")
    return _with_noise(from_summary(document, str(path)), _report_history(report_dir))


def resolve(spec: str, report_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The baseline record `spec` names (see the module docstring), with its NOISE_RUNS; raises BaselineError."""
    history_path = Path(report_dir) / HISTORY_FILE
    if spec == LATEST_PASS or (not Path(spec).exists() and "/" not in spec and not spec.endswith(".json")):
        try:
            records = load(history_path)
        except HistoryError as error:
            raise BaselineError(f"--baseline {spec}: {error}") from None
        chosen = latest_pass(records) if spec == LATEST_PASS else find(records, spec)
        if chosen is None:
            what = "no passing run" if spec == LATEST_PASS else f"no run {spec!r}"
            raise BaselineError(f"--baseline {spec}: {history_path} has {what}; `edgeload history` lists its runs")
        return _with_noise(chosen, records)
    path = Path(spec)
    if not path.exists():
        raise BaselineError(f"--baseline {spec}: no such file; give latest-pass, a run id, a summary.json, a run "
                            f"folder or a {HISTORY_FILE}")
    return _from_path(path, report_dir)


def _limit(gate: Gate) -> tuple[float, float]:
    """(factor, offset) of the gate's limit: allowed = baseline x factor + offset."""
    return (1.0 + gate.threshold, 0.0) if gate.margin_relative else (1.0, gate.threshold)


def _detail(name: str, diff: Difference, then: float, unit: str, noise: Noise, significant: bool) -> dict[str, Any]:
    """What summary.json keeps of a baseline gate: the two values, the difference, its interval and the noise."""
    return {"baseline_run": name, "unit": "fraction" if unit == "%" else unit.strip(), "baseline": then,
            "current": diff.current,
            "difference": diff.current - then, "limit": diff.allowed,
            "past_limit_interval": [diff.low, diff.high], "confidence": CONFIDENCE, "significant": significant,
            "noise": noise.as_json()}


def judge(gate: Gate, summary: RunSummary, baseline: Mapping[str, Any] | str | None) -> GateResult:
    """One baseline gate: passed unless past the limit and significantly so."""
    limit = f"{gate.op} {baseline_text(gate)}"

    def unmeasured(why: str) -> GateResult:
        return GateResult(gate, gate.text, limit, why, None, False, f"{gate.text}: {why}")

    if not isinstance(baseline, Mapping):
        return unmeasured(baseline or "no baseline run")
    name = baseline.get("run_id") or "the baseline"
    then = baseline["overall"] if gate.scope is None else (baseline.get("operations") or {}).get(gate.scope)
    now = summary.overall if gate.scope is None else summary.operations.get(gate.scope)
    if now is None or not now["requests"]:
        return unmeasured(f"no requests{'' if gate.scope is None else ' for ' + gate.scope} after the warm-up")
    if not then or not then.get("requests"):
        return unmeasured(f"baseline {name} has no requests{'' if gate.scope is None else ' for ' + gate.scope}")
    compare = gate.definition.baseline
    assert compare is not None  # refused at parse time (loadtests._gates)
    noise = estimate(gate.metric, gate.scope, baseline.get(NOISE_RUNS) or ())
    reading = compare(gate, summary, now, then, baseline, *_limit(gate), noise.spread, noise.dof)
    if isinstance(reading, str):
        return unmeasured(reading)
    diff, measured, reference, unit = reading
    breached = diff.above if gate.op in ("<", "<=") else diff.below
    significant = "significant" if breached else (
        "within noise" if (diff.current > diff.allowed if gate.op in ("<", "<=") else diff.current < diff.allowed)
        else "within the limit")
    measured += f": {significant} (baseline {name}; {noise.describe()})"
    return GateResult(gate, gate.text, limit, measured, diff.current, not breached,
                      f"{gate.text}: {measured}" if breached else "",
                      _detail(str(name), diff, reference, unit, noise, breached))
