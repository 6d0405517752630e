"""Pass/fail gates in the spirit of k6 thresholds (docs/gates.md).

Grammar, one gate per expression (`--gate` is repeatable; spaces are optional):

    [OPERATION:] METRIC OP VALUE [over DURATION] [!abort[=GRACE] [after DURATION]]

- OPERATION scopes the gate to one operation label, e.g. `POST /ee/v2/interact: p95<200ms`; without it the gate
  reads the whole run.
- METRIC and VALUE: each metric, its unit, how it is read and shown, are entries of loadtests._gate_metrics
  (`edgeload run --help` lists them): p50 ... max and send_p50 ... send_max (latency), error_rate, rps,
  violations, cpu, late, trust.
- OP is one of < <= > >= ==.
- VALUE may be `baseline[+|-MARGIN]`, relative to the run named by --baseline (loadtests._baseline), e.g.
  `p95<=baseline+10%`, `error_rate<=baseline+0.5%`, `rps>=baseline-5%`: such a gate fails only when the breach is
  significant (loadtests._significance), and is judged at the end of the run.
- `over DURATION` after the value judges the gate on every sliding window of that length (loadtests._windows),
  e.g. `p99<200ms over 30s`; `!abort after DURATION` aborts only once the gate has failed that long.
- `!abort` stops the run as soon as the gate fails once the grace period (default 10 s of run time) has passed,
  like k6's abortOnFail with delayAbortEval; `!abort=30s` sets the grace.

A gate is parsed once per process into a typed `Gate` (loadtests._options reads the run's own gates; the defaults
below are parsed at import) and travels as such to the live checks, the web UI tab, the verdict and the reports.

Gates read the statistics after the warm-up. The defaults (`default_gate_texts`) apply unless a gate on the
same metric and scope replaces them, or `--no-default-gates` drops them all (docs/gates.md#default-gates):
- `violations==0`: every answer keeps the contract;
- `error_rate<1%`: a run whose requests time out, are refused, or answer 5xx, 429 or another 4xx is no pass,
  however fast the answers it did get;
- `late<=1%`: a run that could not send its schedule did not apply the load it claims: the scheduled requests
  sent late or never sent (0 without a schedule: no --target-rps nor --user-rps);
- `rps>=95%` with `--target-rps`: the achieved rate over the measured period, against the shape's own mean over it;
- `cpu<90%`: a saturated generator measures its own queue (measured here: a saturated Locust reports p50 6 ms
  against a true 0.6 ms);
- `trust<=100%`: the generator's clock ran late by more than its figures can bear, whoever took the CPU
  (loadtests._trust); its failure makes the verdict NOT TRUSTWORTHY (loadtests._verdict).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from loadtests import _gate_metrics as gate_metrics
from loadtests._gate_metrics import GateMetric
from loadtests._run_summary import RunSummary

if TYPE_CHECKING:
    from loadtests._options import LoadOptions

DEFAULT_GATES: tuple[str, ...] = ("violations==0", "error_rate<1%", "late<=1%", "cpu<90%", "trust<=100%")
OPEN_MODEL_DEFAULT_GATES: tuple[str, ...] = ("rps>=95%",)  # only with a target rate to compare with
DEFAULT_ABORT_GRACE_S = 10.0

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_DURATION_UNITS = {"s": 1.0, "ms": 0.001, "m": 60.0, "": 1.0}

_GATE = re.compile(
    r"^\s*(?:(?P<scope>[A-Za-z]+\s+/\S*?)\s*:\s*)?"
    r"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|<|>|=)\s*"
    r"(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-zµ%/]*)"
    r"(?:\s*!abort(?:=(?P<grace>[0-9]*\.?[0-9]+)(?P<grace_unit>[a-z]*))?)?\s*$"
)
# Suffixes read before the expression itself (loadtests._windows): `over DURATION` judges every sliding window of
# that length; `!abort ... after DURATION` aborts once the gate has failed that long without a pause.
_OVER = re.compile(r"\s+over\s+(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[a-z]*)\s*(?=!abort|$)")
_AFTER = re.compile(r"(!abort(?:=[0-9]*\.?[0-9]+[a-z]*)?)\s+after\s+(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[a-z]*)\s*$")
# METRIC OP baseline[+|-NUMBER[UNIT]]: a limit relative to the --baseline run (loadtests._baseline).
_BASELINE_GATE = re.compile(
    r"^\s*(?:(?P<scope>[A-Za-z]+\s+/\S*?)\s*:\s*)?"
    r"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|<|>|=)\s*baseline\s*"
    r"(?:(?P<sign>[+-])\s*(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-zµ%]*))?"
    r"(?:\s*!abort(?:=(?P<grace>[0-9]*\.?[0-9]+)(?P<grace_unit>[a-z]*))?)?\s*$", re.IGNORECASE)
_EXAMPLE = "for example 'p95<200ms', 'POST /ee/v2/interact: p99<=0.5s', 'error_rate<1%', 'rps>=95%'"


class GateError(ValueError):
    """A gate expression that cannot be used; str() is one line naming the problem and the fix."""


@dataclass(frozen=True, slots=True)
class Gate:
    text: str  # the expression as written, stripped
    metric: str  # the name of a loadtests._gate_metrics entry (an alias is read as its metric)
    op: str  # one of < <= > >= ==
    threshold: float  # in the metric's unit (loadtests._gate_units): ms, a fraction, requests/s, a count, percent
    scope: str | None = None  # operation label, None for the whole run
    relative: bool = False  # rps as a percentage of the target rate; late as a percentage of scheduled requests
    abort: bool = False
    abort_grace_s: float = DEFAULT_ABORT_GRACE_S
    default: bool = False  # one of the default gates, not given by the user
    baseline: bool = False  # VALUE is `baseline[+|-MARGIN]`: `threshold` is then the signed margin
    margin_relative: bool = False  # the margin is a fraction of the baseline's value (`+10%`), not an amount
    window_s: float | None = None  # `over 30s`: judged on every sliding window of this length (loadtests._windows)
    sustain_s: float = 0.0  # `!abort after 30s`: abort once failing this long without a pause

    @property
    def key(self) -> tuple[str, str | None]:
        """What a gate is about: two gates with the same key are the same gate with different thresholds."""
        return (self.metric, self.scope)

    @property
    def definition(self) -> GateMetric:
        """The metric's registry entry: its unit, reader and properties."""
        return gate_metrics.metric(self.metric)

    def threshold_text(self) -> str:
        if self.baseline:
            return f"{self.op} {baseline_text(self)}"
        return f"{self.op} {self.definition.unit.limit(self.threshold, self.relative)}"


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: Gate
    name: str  # the gate expression
    threshold: str  # e.g. "< 200 ms"
    measured: str  # e.g. "183.204 ms", or why nothing was measured
    value: float | None  # the measured number in the threshold's unit; None when nothing was measured
    passed: bool
    message: str = ""  # why it failed, for the verdict; empty when passed
    detail: Mapping[str, Any] | None = None  # a baseline gate's figures for summary.json (loadtests._baseline)


def parse_gate(text: str) -> Gate:
    """Parse one gate expression; raises GateError with a one-line reason and fix."""
    return _parse(text)


def _parse(text: str) -> Gate:
    if _BASELINE_GATE.match(text):
        return _parse_baseline_gate(text)
    over, after = _OVER.search(text), _AFTER.search(text)
    if over is not None or after is not None:
        return _parse_suffixes(text, over, after)
    match = _GATE.match(text)
    if match is None:
        raise GateError(f"gate {text!r} is not METRIC OP VALUE; write it as {_EXAMPLE}")
    op, unit = match["op"], match["unit"]
    metric = _metric(text, match["metric"])
    if op == "=":
        raise GateError(f"gate {text!r}: '=' is not a comparison; write '==' (e.g. 'violations==0')")
    scope = _scope(match["scope"])
    try:
        threshold, relative = metric.unit.threshold(metric.name, float(match["number"]), unit, scope)
    except ValueError as error:
        raise GateError(f"gate {text!r}: {error}") from None
    if scope is not None and metric.no_scope is not None:
        raise GateError(f"gate {text!r}: {metric.no_scope}; drop the scope")
    grace = DEFAULT_ABORT_GRACE_S
    if match["grace"] is not None:
        if match["grace_unit"] not in _DURATION_UNITS:
            raise GateError(f"gate {text!r}: abort grace unit {match['grace_unit']!r} unknown; use s, ms or m "
                            f"(e.g. !abort=30s)")
        grace = float(match["grace"]) * _DURATION_UNITS[match["grace_unit"]]
    return Gate(text=text.strip(), metric=metric.name, op=op, threshold=threshold, scope=scope, relative=relative,
                abort="!abort" in text, abort_grace_s=grace)


def _metric(text: str, name: str) -> GateMetric:
    metric = gate_metrics.find(name)
    if metric is None:
        raise GateError(f"gate {text!r}: unknown metric {name!r}; use one of {', '.join(gate_metrics.names())}")
    return metric


def _scope(matched: str | None) -> str | None:
    if not matched:
        return None
    method, _, path = " ".join(matched.split()).partition(" ")
    return f"{method.upper()} {path}"


def _duration(text: str, number: str, unit: str, example: str) -> float:
    if unit not in _DURATION_UNITS:
        raise GateError(f"gate {text!r}: duration unit {unit!r} unknown; use s, ms or m (e.g. {example})")
    seconds = float(number) * _DURATION_UNITS[unit]
    if seconds <= 0:
        raise GateError(f"gate {text!r}: a duration must be more than 0 (e.g. {example})")
    return seconds


def _parse_suffixes(text: str, over: re.Match[str] | None, after: re.Match[str] | None) -> Gate:
    """A gate with `over DURATION` and/or `!abort ... after DURATION`: the expression without them, plus them."""
    core = text
    sustain = 0.0
    if after is not None:
        sustain = _duration(text, after["number"], after["unit"], "!abort after 30s")
        core = core[:after.start()] + after.group(1)
    if over is not None:
        core = core[:over.start()] + " " + core[over.end():]
    gate = _parse(core)
    window = None
    if over is not None:
        from loadtests._windows import check_windowed  # lazy: loadtests._windows reads Gate from this module

        window = _duration(text, over["number"], over["unit"], "p99<200ms over 30s")
        check_windowed(text, gate)
    return replace(gate, text=text.strip(), window_s=window, sustain_s=sustain)


def _parse_baseline_gate(text: str) -> Gate:
    match = _BASELINE_GATE.match(text)
    assert match is not None
    op, unit = match["op"], match["unit"] or ""
    metric = gate_metrics.find(match["metric"])
    if metric is None or metric.baseline is None:
        raise GateError(f"gate {text!r}: {match['metric'].lower()} cannot be compared with a baseline; use one of "
                        f"{', '.join(gate_metrics.names_where(lambda m: m.baseline))} (e.g. p95<=baseline+10%)")
    if op in ("==", "="):
        raise GateError(f"gate {text!r}: a baseline gate is a limit; use < <= > or >= (e.g. p95<=baseline+10%)")
    if match["grace"] is not None or "!abort" in text:
        raise GateError(f"gate {text!r}: a baseline gate is judged on the whole run at its end; drop !abort")
    try:
        size, relative = metric.unit.margin(metric.name, float(match["number"] or 0), unit)
    except ValueError as error:
        raise GateError(f"gate {text!r}: {error}") from None
    return Gate(text=text.strip(), metric=metric.name, op=op, threshold=-size if match["sign"] == "-" else size,
                scope=_scope(match["scope"]), baseline=True, margin_relative=relative)


def baseline_text(gate: Gate) -> str:
    """`baseline+10%`, `baseline+0.5%` (points), `baseline+5 ms`: a baseline gate's limit as written."""
    if not gate.threshold:
        return "baseline"
    sign = "+" if gate.threshold > 0 else "-"
    return f"baseline{sign}{gate.definition.unit.margin_text(abs(gate.threshold), gate.margin_relative)}"


def default_gate_texts(target_rps: float | None) -> tuple[str, ...]:
    """The default gates of a run: the rate gate only for an open-model run (a target rate)."""
    return DEFAULT_GATES + (OPEN_MODEL_DEFAULT_GATES if target_rps else ())


def default_gates(target_rps: float | None) -> tuple[Gate, ...]:
    """The default gates as typed values (parsed once, at import)."""
    return _DEFAULTS[:len(default_gate_texts(target_rps))]


def parse_gates(texts: Iterable[str], *, defaults: bool = True, target_rps: float | None = None) -> list[Gate]:
    """Parse every expression; with `defaults`, add each default gate not replaced by one on its key."""
    gates = [parse_gate(text) for text in texts]
    return with_defaults(gates, target_rps) if defaults else gates


def with_defaults(gates: Sequence[Gate], target_rps: float | None) -> list[Gate]:
    """`gates`, then each default gate not replaced by one of them (same metric and scope)."""
    given = {gate.key for gate in gates}
    return [*gates, *(gate for gate in default_gates(target_rps) if gate.key not in given)]


def run_gates(options: LoadOptions) -> list[Gate]:
    """The gates that judge a run with these options: its own (parsed with the options, loadtests._options), and
    the defaults unless --no-default-gates. Parses nothing."""
    if options.no_default_gates:
        return list(options.gates)
    return with_defaults(options.gates, options.target_rps or None)


def option_gates(texts: Iterable[str], target_rps: float | None, baseline: str) -> tuple[Gate, ...]:
    """A run's own gates (`--gate`, `--gates`), parsed and checked against its options; raises GateError."""
    gates = tuple(parse_gate(text) for text in texts)
    validate_gates(gates, target_rps, baseline)
    return gates


def describe_defaults(target_rps: float | None = None) -> str:
    """One line naming the default gates and how to replace them (--help, console, reports)."""
    rate = "" if target_rps else f" ({', '.join(OPEN_MODEL_DEFAULT_GATES)} too with --target-rps)"
    return (f"default gates: {', '.join(default_gate_texts(target_rps))}{rate}; a --gate on the same metric replaces "
            f"one, --no-default-gates drops them all")


def validate_gates(gates: Sequence[Gate], target_rps: float | None, baseline: str = "") -> None:
    """Raise GateError for gates the run cannot evaluate (a percentage rps gate without a target rate, a baseline
    gate without --baseline)."""
    for gate in gates:
        if gate.baseline and not baseline:
            raise GateError(f"gate {gate.text!r} compares with a baseline but no --baseline is set; add --baseline "
                            f"latest-pass, a run id of the history, or a summary.json")
        if gate.relative and gate.definition.unit.needs_target and not target_rps:
            raise GateError(f"gate {gate.text!r} is a percentage of the target rate but no --target-rps is set; "
                            f"set one or give an absolute rate (e.g. {gate.metric}>=800)")


def evaluate(gates: Sequence[Gate], summary: RunSummary, target_rps: float | None,
             baseline: Mapping[str, Any] | str | None = None) -> list[GateResult]:
    """Each gate judged on the summary's post-warm-up figures, in the order given; baseline gates against
    `baseline` (a loadtests._baseline record, or why there is none)."""
    from loadtests._baseline import judge  # lazy: loadtests._baseline reads the history, which imports this module
    from loadtests._windows import judge_windows

    return [judge(gate, summary, baseline) if gate.baseline else judge_windows(gate, summary)
            if gate.window_s is not None else _evaluate(gate, summary, target_rps) for gate in gates]


def passed(results: Iterable[GateResult]) -> bool:
    """The run's verdict: every gate passed."""
    return all(result.passed for result in results)


def _evaluate(gate: Gate, summary: RunSummary, target_rps: float | None) -> GateResult:
    value, measured, message = gate.definition.extract(gate, summary, target_rps)
    ok = value is not None and _OPERATORS[gate.op](value, gate.threshold)
    if not ok and not message:
        message = f"{gate.text}: measured {measured}"
    return GateResult(gate, gate.text, gate.threshold_text(), measured, value, ok, "" if ok else message)


_DEFAULTS = tuple(replace(_parse(text), default=True) for text in DEFAULT_GATES + OPEN_MODEL_DEFAULT_GATES)
