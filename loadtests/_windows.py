"""Gates over time: windowed gates (`p99<200ms over 30s`) and sustained aborts (`!abort after 30s`).

A whole-run p99 hides a minute of slowness in an hour of run; k6 users have asked for thresholds over a time
window since 2022 (https://github.com/grafana/k6/issues/2379). A windowed gate is judged on every sliding window
of its length, one second apart, over the measured part of the run (after the warm-up, whole seconds only), and
fails if any window breaches. Latency windows merge the per-second histograms of the summary's timeline (two
significant digits: within 1 %); `rps` windows add its per-second counts. The timeline covers the whole run, so
windowed gates take no operation scope.

`!abort after 30s` stops the run only once its gate has failed at every live check for 30 s of run time (past
the grace): a short spike does not end a soak, a lasting breach does.
"""

from __future__ import annotations

from collections.abc import Sequence

from loadtests import _gate_metrics as gate_metrics
from loadtests._gates import Gate, GateError, GateResult, evaluate
from loadtests._run_summary import RunSummary

_COMPARE = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}


def check_windowed(text: str, gate: Gate) -> None:
    """Raise GateError for a windowed gate the timeline cannot judge."""
    if gate.definition.window is None:
        raise GateError(f"gate {text!r}: {gate.metric} has no windowed form; use one of "
                        f"{', '.join(gate_metrics.names_where(lambda m: m.window))} (e.g. p99<200ms over 30s)")
    if gate.scope is not None:
        raise GateError(f"gate {text!r}: windows read the whole run's timeline; drop the scope")
    if gate.relative:
        raise GateError(f"gate {text!r}: a windowed rps gate takes an absolute rate (e.g. rps>=800 over 30s)")
    if gate.op == "==":
        raise GateError(f"gate {text!r}: a windowed gate is a limit; use < <= > or >=")
    if gate.abort:
        raise GateError(f"gate {text!r}: a windowed gate is judged at the end; to stop early on a lasting breach "
                        f"write the gate without 'over' and with '!abort after 30s'")


def _window_values(gate: Gate, summary: RunSummary, length: int) -> list[tuple[float, float]]:
    """(window start in run seconds, value) of every full window."""
    start = max(0.0, (summary.warmup_until or summary.started) - summary.started)
    seconds = [w for w in summary.timeline if w["t"] >= start and w["t"] + 1.0 <= summary.duration_s]
    read = gate.definition.window
    assert read is not None  # refused at parse time (check_windowed)
    values = []
    for first in range(len(seconds) - length + 1):
        window = seconds[first:first + length]
        value = read(window)
        if value is not None:
            values.append((window[0]["t"], value))
    return values


def judge_windows(gate: Gate, summary: RunSummary) -> GateResult:
    """The gate on every full window: passed when none breaches; the value is the worst window's."""
    assert gate.window_s is not None
    length = max(1, round(gate.window_s))
    unit = gate.definition.unit.suffix
    limit = f"{gate.op} {gate.threshold:g}{unit} over {length} s"
    values = _window_values(gate, summary, length)
    if not values:
        why = f"no full {length} s window after the warm-up (the run measured {summary.measured_s:.0f} s)"
        return GateResult(gate, gate.text, limit, why, None, False, f"{gate.text}: {why}")
    compare = _COMPARE[gate.op]
    failing = [(t, value) for t, value in values if not compare(value, gate.threshold)]
    pick = max if gate.op in ("<", "<=") else min
    at, worst = pick(values, key=lambda item: item[1])
    measured = (f"worst {worst:.3g}{unit} in the window from {at:.0f} s; {len(failing)} of {len(values)} windows "
                f"breach")
    return GateResult(gate, gate.text, limit, measured, worst, not failing, f"{gate.text}: {measured}" if failing
                      else "")


class AbortWatch:
    """The live `!abort` check, remembering since when each gate has been failing (for `!abort after`)."""

    def __init__(self, gates: Sequence[Gate]) -> None:
        self.gates = [gate for gate in gates if gate.abort and not gate.baseline and gate.window_s is None]
        self.failing_since: dict[str, float] = {}

    def check(self, live_summary: RunSummary, elapsed_s: float, target_rps: float | None = None) -> Gate | None:
        """The first gate past its grace that has failed, on a measured value, for its sustain time or more."""
        for gate in self.gates:
            if elapsed_s < gate.abort_grace_s:
                continue
            result = evaluate([gate], live_summary, target_rps)[0]
            if result.passed or result.value is None:
                self.failing_since.pop(gate.text, None)
                continue
            since = self.failing_since.setdefault(gate.text, elapsed_s)
            if elapsed_s - since >= gate.sustain_s:
                return gate
        return None
