"""The run history: one JSON line per finished run in `<report dir>/history.jsonl`, what relates runs to each other.

Each record holds what a later run needs to judge itself against this one (loadtests._baseline) and what
`edgeload history` lists and charts: the settings (secrets masked), the target, the verdict, per-operation figures
with the exact HDR histogram the latency gates read (`LatencyHistogram.encode()`, a few kB), and the trust figures.

JSON lines rather than SQLite: the file is what CI keeps as an artifact and what a reviewer reads with `jq`.
Two runs that finish at once must both land: an append takes an exclusive `flock(2)` on `history.jsonl.lock`,
reads the file, and replaces it whole through `write_atomic` (a reader sees the old file or the new one, never a
half-written line).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from loadtests._gates import GateResult
from loadtests._run_summary import OVERALL, OperationSummary, RunSummary
from loadtests._verdict import verdict
from reporting import write_atomic
from targets import redact, redact_settings

HISTORY_FILE = "history.jsonl"
SCHEMA_VERSION = 1
# The figures kept per operation: what the history page charts and the baseline gates compare.
FIGURES = ("requests", "failures", "error_rate", "rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms",
           "send_p50_ms", "send_p95_ms", "send_p99_ms", "latency_from")


class HistoryError(ValueError):
    """A history file or run that cannot be used; str() is one line naming the problem and the fix."""


def _figures(stats: OperationSummary, histogram: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {name: stats[name] for name in FIGURES}  # type: ignore[literal-required]
    row["hist"] = histogram
    return row


def record_of(summary: RunSummary, gate_results: Sequence[GateResult]) -> dict[str, Any]:
    """The history record of one run (JSON-safe, secrets masked)."""
    outcome = verdict(summary, gate_results)
    settings = redact_settings(dict(summary.settings), redact)
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": str(settings.get("run_id") or ""),
        "started": summary.started,
        "ended": summary.ended,
        "duration_s": summary.duration_s,
        "measured_s": summary.measured_s,
        "target": settings.get("target"),
        "verdict": outcome.outcome.slug,  # as summary.json spells it: pass, fail, not_trustworthy, ...
        "passed": outcome.passed,
        "gates": [{"gate": r.name, "passed": r.passed, "measured": r.measured} for r in gate_results],
        "settings": settings,
        "operations": {name: _figures(stats, summary.histograms.get(name))
                       for name, stats in summary.operations.items()},
        "overall": _figures(summary.overall, summary.histograms.get(OVERALL)),
        "violations": summary.violations,
        "trust": summary.trust,
        "cpu_max": summary.cpu["max"],
        "stop_reason": redact(summary.stop_reason) if summary.stop_reason else None,
    }


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor closes, even if this process dies
        yield
    finally:
        os.close(fd)


def append(report_dir: str | os.PathLike[str], record: Mapping[str, Any]) -> Path:
    """Add one record at the end of `<report_dir>/history.jsonl`; safe against concurrent appends."""
    path = Path(report_dir) / HISTORY_FILE
    line = json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str) + "\n"
    with _locked(path):
        try:
            previous = path.read_bytes()
        except FileNotFoundError:
            previous = b""
        if previous and not previous.endswith(b"\n"):
            previous += b"\n"
        return write_atomic(path, previous + line.encode("utf-8"))


def load(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every record of a history file, oldest first; raises HistoryError on a missing or malformed file."""
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise HistoryError(f"no run history at {source}; run `edgeload run` first (each run appends to it) or "
                           f"point --report-dir at the folder that holds {HISTORY_FILE}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise HistoryError(f"cannot read the run history {source}: {error}") from None
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise HistoryError(f"{source} line {number} is not JSON ({error.msg}); remove that line") from None
        if not isinstance(record, dict) or record.get("schema_version") != SCHEMA_VERSION:
            raise HistoryError(f"{source} line {number} is not a version-{SCHEMA_VERSION} run record; remove it")
        records.append(record)
    return records


def find(records: Sequence[Mapping[str, Any]], run_id: str) -> Mapping[str, Any] | None:
    """The latest record of that run id, or None."""
    return next((record for record in reversed(records) if record.get("run_id") == run_id), None)


def latest_pass(records: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The latest record whose verdict passed, or None."""
    return next((record for record in reversed(records) if record.get("passed")), None)


def record_run(report_dir: str | os.PathLike[str], summary: RunSummary, gate_results: Sequence[GateResult]) -> str:
    """Append the run to the history; returns a one-line error instead of raising (the reports are written)."""
    try:
        append(report_dir, record_of(summary, gate_results))
    except Exception as error:  # a full disk must not cost the verdict: the run's own reports are already written
        return f"edgeload: could not append to {Path(report_dir) / HISTORY_FILE}: {type(error).__name__}: " \
               f"{redact(str(error))}"
    return ""
