"""Pass/fail gates in the spirit of k6 thresholds (README "Gates and reports").

Grammar, one gate per expression (`--gate` is repeatable; spaces are optional):

    [OPERATION:] METRIC OP VALUE [over DURATION] [!abort[=GRACE] [after DURATION]]

- OPERATION scopes the gate to one operation label, e.g. `POST /ee/v2/interact: p95<200ms`; without it the gate
  reads the whole run.
- METRIC and VALUE:
  | metric | value | example |
  | p50 p90 p95 p99 avg max | latency with unit ms, s or us (ms if none); in open-model runs counted from
  |                         | each request's scheduled time | `p99<=0.5s` |
  | send_p50 ... send_max | the same counted from the moment each request was sent | `send_p99<300ms` |
  | error_rate | percent or a fraction | `error_rate<1%`, `error_rate<0.01` |
  | rps | percent of --target-rps, or an absolute rate | `rps>=95%`, `rps>=800` |
  | violations | count of contract violations (whole run, warm-up included) | `violations==0` |
  | cpu | percent of one core, the generator's highest sample (whole run only) | `cpu<90%` |
  | trust | the generator's scheduling lag or run-queue wait, in percent of the bound its figures can bear
  |       | (loadtests.trust; whole run only) | `trust<=100%` |
  | late | percent of the scheduled requests not sent on time (open model, whole run), or a count | `late<=1%` |
- OP is one of < <= > >= ==.
- VALUE may be `baseline[+|-MARGIN]`, relative to the run named by --baseline (loadtests.baseline), e.g.
  `p95<=baseline+10%`, `error_rate<=baseline+0.5%`, `rps>=baseline-5%`: such a gate fails only when the breach is
  significant (loadtests.significance), and is judged at the end of the run.
- `over DURATION` after the value judges the gate on every sliding window of that length (loadtests.windows),
  e.g. `p99<200ms over 30s`; `!abort after DURATION` aborts only once the gate has failed that long.
- `!abort` stops the run as soon as the gate fails once the grace period (default 10 s of run time) has passed,
  like k6's abortOnFail with delayAbortEval; `!abort=30s` sets the grace.

Gates read the statistics after the warm-up. The defaults (`default_gate_texts`) apply unless a gate on the
same metric and scope replaces them, or `--no-default-gates` drops them all (README "Default gates"):
- `violations==0`: every answer keeps the contract;
- `error_rate<1%`: a run whose requests time out, are refused, or answer 5xx, 429 or another 4xx is no pass,
  however fast the answers it did get;
- `late<=1%`: a run that could not send its schedule did not apply the load it claims: the scheduled requests
  sent late or never sent (0 without a schedule: no --target-rps nor --user-rps);
- `rps>=95%` with `--target-rps`: the achieved rate over the measured period, against the shape's own mean over it;
- `cpu<90%`: a saturated generator measures its own queue (measured here: a saturated Locust reports p50 6 ms
  against a true 0.6 ms);
- `trust<=100%`: the generator's clock ran late by more than its figures can bear, whoever took the CPU
  (loadtests.trust); its failure makes the verdict NOT TRUSTWORTHY (loadtests.verdict).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from loadtests.run_summary import OperationSummary, RunSummary
from loadtests.trust import describe

if TYPE_CHECKING:
    from loadtests.options import LoadOptions

DEFAULT_GATES: tuple[str, ...] = ("violations==0", "error_rate<1%", "late<=1%", "cpu<90%", "trust<=100%")
OPEN_MODEL_DEFAULT_GATES: tuple[str, ...] = ("rps>=95%",)  # only with a target rate to compare with
DEFAULT_ABORT_GRACE_S = 10.0

# In open-model runs p50 ... max count from each request's scheduled time (loadtests.measurements); send_* count
# from the moment it was sent, in every run.
LATENCY_METRICS = {"p50": "p50_ms", "p90": "p90_ms", "p95": "p95_ms", "p99": "p99_ms", "avg": "mean_ms",
                   "max": "max_ms", "send_p50": "send_p50_ms", "send_p90": "send_p90_ms", "send_p95": "send_p95_ms",
                   "send_p99": "send_p99_ms", "send_avg": "send_mean_ms", "send_max": "send_max_ms"}
METRICS = (*LATENCY_METRICS, "error_rate", "rps", "violations", "cpu", "late", "trust")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_LATENCY_UNITS = {"ms": 1.0, "s": 1000.0, "us": 0.001, "µs": 0.001, "": 1.0}
_DURATION_UNITS = {"s": 1.0, "ms": 0.001, "m": 60.0, "": 1.0}

_GATE = re.compile(
    r"^\s*(?:(?P<scope>[A-Za-z]+\s+/\S*?)\s*:\s*)?"
    r"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|<|>|=)\s*"
    r"(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-zµ%/]*)"
    r"(?:\s*!abort(?:=(?P<grace>[0-9]*\.?[0-9]+)(?P<grace_unit>[a-z]*))?)?\s*$"
)
# Suffixes read before the expression itself (loadtests.windows): `over DURATION` judges every sliding window of
# that length; `!abort ... after DURATION` aborts once the gate has failed that long without a pause.
_OVER = re.compile(r"\s+over\s+(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[a-z]*)\s*(?=!abort|$)")
_AFTER = re.compile(r"(!abort(?:=[0-9]*\.?[0-9]+[a-z]*)?)\s+after\s+(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[a-z]*)\s*$")
# METRIC OP baseline[+|-NUMBER[UNIT]]: a limit relative to the --baseline run (loadtests.baseline).
_BASELINE_GATE = re.compile(
    r"^\s*(?:(?P<scope>[A-Za-z]+\s+/\S*?)\s*:\s*)?"
    r"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|==|<|>|=)\s*baseline\s*"
    r"(?:(?P<sign>[+-])\s*(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-zµ%]*))?"
    r"(?:\s*!abort(?:=(?P<grace>[0-9]*\.?[0-9]+)(?P<grace_unit>[a-z]*))?)?\s*$", re.IGNORECASE)
# Percentiles and the mean have a bootstrap; max is one request, which no test can tell from noise.
BASELINE_METRICS = ("p50", "p90", "p95", "p99", "avg", "error_rate", "rps")
_EXAMPLE = "for example 'p95<200ms', 'POST /ee/v2/interact: p99<=0.5s', 'error_rate<1%', 'rps>=95%'"


class GateError(ValueError):
    """A gate expression that cannot be used; str() is one line naming the problem and the fix."""


@dataclass(frozen=True, slots=True)
class Gate:
    text: str  # the expression as written, stripped
    metric: str  # one of METRICS
    op: str  # one of < <= > >= ==
    threshold: float  # ms for latency; a fraction for error_rate and relative rps; requests/s; count; percent
    scope: str | None = None  # operation label, None for the whole run
    relative: bool = False  # rps as a percentage of the target rate; late as a percentage of scheduled requests
    abort: bool = False
    abort_grace_s: float = DEFAULT_ABORT_GRACE_S
    default: bool = False  # one of the default gates, not given by the user
    baseline: bool = False  # VALUE is `baseline[+|-MARGIN]`: `threshold` is then the signed margin
    margin_relative: bool = False  # the margin is a fraction of the baseline's value (`+10%`), not an amount
    window_s: float | None = None  # `over 30s`: judged on every sliding window of this length (loadtests.windows)
    sustain_s: float = 0.0  # `!abort after 30s`: abort once failing this long without a pause

    @property
    def key(self) -> tuple[str, str | None]:
        """What a gate is about: two gates with the same key are the same gate with different thresholds."""
        return (self.metric, self.scope)

    def threshold_text(self) -> str:
        if self.baseline:
            return f"{self.op} {baseline_text(self)}"
        if self.metric in LATENCY_METRICS:
            return f"{self.op} {self.threshold:g} ms"  # as written, not padded: "< 200 ms"
        return f"{self.op} {_format_value(self.metric, self.threshold, self.relative)}"


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: Gate
    name: str  # the gate expression
    threshold: str  # e.g. "< 200 ms"
    measured: str  # e.g. "183.204 ms", or why nothing was measured
    value: float | None  # the measured number in the threshold's unit; None when nothing was measured
    passed: bool
    message: str = ""  # why it failed, for the verdict; empty when passed
    detail: Mapping[str, Any] | None = None  # a baseline gate's figures for summary.json (loadtests.baseline)


def parse_gate(text: str) -> Gate:
    """Parse one gate expression; raises GateError with a one-line reason and fix."""
    if _BASELINE_GATE.match(text):
        return _parse_baseline_gate(text)
    over, after = _OVER.search(text), _AFTER.search(text)
    if over is not None or after is not None:
        return _parse_suffixes(text, over, after)
    match = _GATE.match(text)
    if match is None:
        raise GateError(f"gate {text!r} is not METRIC OP VALUE; write it as {_EXAMPLE}")
    metric, op, unit = match["metric"].lower(), match["op"], match["unit"]
    number = float(match["number"])
    if metric not in METRICS:
        raise GateError(f"gate {text!r}: unknown metric {match['metric']!r}; use one of {', '.join(METRICS)}")
    if op == "=":
        raise GateError(f"gate {text!r}: '=' is not a comparison; write '==' (e.g. 'violations==0')")
    scope = " ".join(match["scope"].split()) if match["scope"] else None
    if scope is not None:
        method, _, path = scope.partition(" ")
        scope = f"{method.upper()} {path}"
    relative = False
    if metric in LATENCY_METRICS:
        if unit not in _LATENCY_UNITS:
            raise GateError(f"gate {text!r}: unit {unit!r} is not a latency unit; use ms, s or us "
                            f"(e.g. {metric}<200ms)")
        threshold = number * _LATENCY_UNITS[unit]
    elif metric == "error_rate":
        if unit not in ("%", ""):
            raise GateError(f"gate {text!r}: error_rate takes a percentage or a fraction (e.g. error_rate<1%)")
        threshold = number / 100.0 if unit == "%" else number
        if threshold > 1.0:
            raise GateError(f"gate {text!r}: an error rate above 100% can never be measured; write e.g. error_rate<1%")
    elif metric == "rps":
        if unit not in ("%", "", "/s", "rps"):
            raise GateError(f"gate {text!r}: rps takes a percentage of --target-rps or a rate "
                            f"(e.g. rps>=95%, rps>=800)")
        relative = unit == "%"
        threshold = number / 100.0 if relative else number
        if relative and scope is not None:
            raise GateError(f"gate {text!r}: a percentage compares the whole run with --target-rps; for one operation "
                            f"give an absolute rate (e.g. '{scope}: rps>=400')")
    elif metric == "late":
        if unit not in ("%", ""):
            raise GateError(f"gate {text!r}: late takes a percentage of the scheduled requests or a count "
                            f"(e.g. late<=1%, late==0)")
        if scope is not None:
            raise GateError(f"gate {text!r}: late is counted for the whole run's schedule; drop the scope")
        relative = unit == "%"
        threshold = number / 100.0 if relative else number
    elif metric == "violations":
        if unit or not number.is_integer():
            raise GateError(f"gate {text!r}: violations is a whole count with no unit (e.g. violations==0)")
        threshold = number
    else:  # cpu, trust
        if unit not in ("%", ""):
            what = "of one core (e.g. cpu<90%)" if metric == "cpu" else "of the bound (e.g. trust<=100%)"
            raise GateError(f"gate {text!r}: {metric} is a percentage {what}")
        if scope is not None:
            raise GateError(f"gate {text!r}: {metric} is measured per process, not per operation; drop the scope")
        threshold = number
    grace = DEFAULT_ABORT_GRACE_S
    if match["grace"] is not None:
        if match["grace_unit"] not in _DURATION_UNITS:
            raise GateError(f"gate {text!r}: abort grace unit {match['grace_unit']!r} unknown; use s, ms or m "
                            f"(e.g. !abort=30s)")
        grace = float(match["grace"]) * _DURATION_UNITS[match["grace_unit"]]
    return Gate(text=text.strip(), metric=metric, op=op, threshold=threshold, scope=scope, relative=relative,
                abort="!abort" in text, abort_grace_s=grace)


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
    gate = parse_gate(core)
    window = None
    if over is not None:
        from loadtests.windows import check_windowed  # lazy: loadtests.windows reads Gate from this module

        window = _duration(text, over["number"], over["unit"], "p99<200ms over 30s")
        check_windowed(text, gate)
    return replace(gate, text=text.strip(), window_s=window, sustain_s=sustain)


def _parse_baseline_gate(text: str) -> Gate:
    match = _BASELINE_GATE.match(text)
    assert match is not None
    metric, op, unit = match["metric"].lower(), match["op"], match["unit"] or ""
    if metric not in BASELINE_METRICS:
        raise GateError(f"gate {text!r}: {metric} cannot be compared with a baseline; use one of "
                        f"{', '.join(BASELINE_METRICS)} (e.g. p95<=baseline+10%)")
    if op in ("==", "="):
        raise GateError(f"gate {text!r}: a baseline gate is a limit; use < <= > or >= (e.g. p95<=baseline+10%)")
    if match["grace"] is not None or "!abort" in text:
        raise GateError(f"gate {text!r}: a baseline gate is judged on the whole run at its end; drop !abort")
    number = float(match["number"] or 0) * (-1.0 if match["sign"] == "-" else 1.0)
    relative = unit == "%"
    if metric in LATENCY_METRICS and not relative:
        if unit not in _LATENCY_UNITS:
            raise GateError(f"gate {text!r}: margin unit {unit!r} unknown; use % or ms (e.g. {metric}<=baseline+10%)")
        number *= _LATENCY_UNITS[unit]
    elif metric == "error_rate":
        if unit not in ("%", ""):
            raise GateError(f"gate {text!r}: error_rate's margin is in percentage points "
                            f"(e.g. error_rate<=baseline+0.5%)")
        number, relative = (number / 100.0 if relative else number), False  # points, not a share of the baseline
    elif metric == "rps" and not relative:
        raise GateError(f"gate {text!r}: rps's margin is a percentage of the baseline's rate (e.g. rps>=baseline-5%)")
    elif relative:
        number /= 100.0
    scope = " ".join(match["scope"].split()) if match["scope"] else None
    if scope is not None:
        method, _, path = scope.partition(" ")
        scope = f"{method.upper()} {path}"
    return Gate(text=text.strip(), metric=metric, op=op, threshold=number, scope=scope, baseline=True,
                margin_relative=relative)


def baseline_text(gate: Gate) -> str:
    """`baseline+10%`, `baseline+0.5%` (points), `baseline+5 ms`: a baseline gate's limit as written."""
    if not gate.threshold:
        return "baseline"
    sign = "+" if gate.threshold > 0 else "-"
    size = abs(gate.threshold)
    if gate.metric in LATENCY_METRICS and not gate.margin_relative:
        return f"baseline{sign}{size:g} ms"
    return f"baseline{sign}{100 * size:g}%"


def default_gate_texts(target_rps: float | None) -> tuple[str, ...]:
    """The default gates of a run: the rate gate only for an open-model run (a target rate)."""
    return DEFAULT_GATES + (OPEN_MODEL_DEFAULT_GATES if target_rps else ())


def parse_gates(texts: Iterable[str], *, defaults: bool = True, target_rps: float | None = None) -> list[Gate]:
    """Parse every expression; with `defaults`, add each default gate not replaced by one on its key."""
    gates = [parse_gate(text) for text in texts]
    if defaults:
        given = {gate.key for gate in gates}
        gates.extend(replace(gate, default=True) for gate in map(parse_gate, default_gate_texts(target_rps))
                     if gate.key not in given)
    return gates


def run_gates(options: LoadOptions) -> list[Gate]:
    """The gates that judge a run with these options: its own, and the defaults unless --no-default-gates."""
    target = options.target_rps or None
    return parse_gates(options.gates, defaults=not options.no_default_gates, target_rps=target)


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
        if gate.metric == "rps" and gate.relative and not target_rps:
            raise GateError(f"gate {gate.text!r} is a percentage of the target rate but no --target-rps is set; "
                            f"set one or give an absolute rate (e.g. rps>=800)")


def evaluate(gates: Sequence[Gate], summary: RunSummary, target_rps: float | None,
             baseline: Mapping[str, Any] | str | None = None) -> list[GateResult]:
    """Each gate judged on the summary's post-warm-up figures, in the order given; baseline gates against
    `baseline` (a loadtests.baseline record, or why there is none)."""
    from loadtests.baseline import judge  # lazy: loadtests.baseline reads the history, which imports this module
    from loadtests.windows import judge_windows

    return [judge(gate, summary, baseline) if gate.baseline else judge_windows(gate, summary)
            if gate.window_s is not None else _evaluate(gate, summary, target_rps) for gate in gates]


def passed(results: Iterable[GateResult]) -> bool:
    """The run's verdict: every gate passed."""
    return all(result.passed for result in results)


def should_abort(
    gates: Sequence[Gate], live_summary: RunSummary, elapsed_s: float, target_rps: float | None = None
) -> Gate | None:
    """The first `!abort` gate that has clearly failed: past its grace (`elapsed_s` = run time so far) and failing
    on a measured value (a gate with nothing measured yet never aborts)."""
    for gate in gates:
        if gate.abort and not gate.baseline and elapsed_s >= gate.abort_grace_s:
            result = _evaluate(gate, live_summary, target_rps)
            if not result.passed and result.value is not None:
                return gate
    return None


def _evaluate(gate: Gate, summary: RunSummary, target_rps: float | None) -> GateResult:
    def result(value: float | None, measured: str, message: str = "") -> GateResult:
        ok = value is not None and _OPERATORS[gate.op](value, gate.threshold)
        if not ok and not message:
            message = f"{gate.text}: measured {measured}"
        return GateResult(gate, gate.text, gate.threshold_text(), measured, value, ok, "" if ok else message)

    if gate.metric == "cpu":
        value = summary.cpu["max"]
        if value is None:
            return result(None, "not sampled", f"{gate.text}: the generator's CPU was not sampled after the warm-up")
        measured = f"{value:.0f}% of one core (max)"
        message = (f"{gate.text}: the load generator was saturated ({measured}): the latency figures measure its "
                   f"own queue and are not trustworthy; add workers (--workers N) or lower the rate")
        return result(value, measured, message)
    if gate.metric == "trust":
        trust = summary.trust
        if trust is None or trust["distortion_pct"] is None:
            return result(None, "not measured", f"{gate.text}: the generator's scheduling lag was not measured")
        figures = [f"lag p99 {trust['lag_p99_ms']:.1f} ms" if trust["lag_p99_ms"] is not None else "",
                   f"run-queue {trust['runqueue_wait_per_wakeup_ms']:.2f} ms/wake-up"
                   if trust["runqueue_wait_per_wakeup_ms"] is not None else ""]
        measured = (f"{trust['distortion_pct']:.0f}% of the {trust['bound_ms']:.1f} ms bound ("
                    + ", ".join(filter(None, figures)) + ")")
        return result(trust["distortion_pct"], measured, f"{gate.text}: {describe(trust)}")
    if gate.metric == "late":
        missed, scheduled = missed_slots(summary), scheduled_requests(summary)
        if not gate.relative:
            return result(float(missed), f"{missed} of {scheduled} scheduled")
        fraction = missed / scheduled if scheduled else 0.0
        return result(fraction, f"{_format_value('late', fraction, True)} ({missed} of {scheduled} scheduled)",
                      f"{gate.text}: {missed} of {scheduled} scheduled requests were sent late or never "
                      f"(measured {_format_value('late', fraction, True)}): the run did not apply the load it "
                      f"claims; add users or workers (--workers N), or lower --target-rps")
    stats: OperationSummary | None = summary.overall if gate.scope is None else summary.operations.get(gate.scope)
    where = "" if gate.scope is None else f" for {gate.scope}"
    if gate.metric == "violations":
        count = summary.violations if gate.scope is None else stats["violations"] if stats else 0
        broken = summary.broken_responses if gate.scope is None else stats["broken_responses"] if stats else 0
        checks = "" if gate.scope is not None or not count else " (" + ", ".join(
            f"{check} {n}" for check, n in summary.violations_by_check.items()) + ")"
        # A response failing three checks is three check failures: say both counts, each by its name.
        measured = (f"{count} check failure{'s' if count != 1 else ''} in {broken} response{'s' if broken != 1 else ''}"
                    f" that broke the contract{checks}") if count else "0"
        return result(float(count), measured)
    if stats is None or stats["requests"] == 0:
        return result(None, "no requests", f"{gate.text}: no requests measured{where} after the warm-up")
    if gate.metric in LATENCY_METRICS:
        latency = stats[LATENCY_METRICS[gate.metric]]  # type: ignore[literal-required]
        value = float(latency) if latency is not None else math.nan
        return result(value, _format_value(gate.metric, value, False))
    if gate.metric == "error_rate":
        rate = stats["error_rate"] or 0.0
        measured = f"{_format_value('error_rate', rate, False)} ({stats['failures']}/{stats['requests']})"
        worst = sorted(stats["failures_by_category"].items(), key=lambda item: -item[1])[:3]
        kinds = ", ".join(f"{category} {count}" for category, count in worst)
        return result(rate, measured, f"{gate.text}: measured {measured}{where}" + (f": {kinds}" if kinds else ""))
    rps = stats["rps"]
    if rps is None:
        return result(None, "no measured time", f"{gate.text}: the run ended before the warm-up did")
    if gate.relative:
        if not target_rps:
            return result(None, f"{rps:.1f}/s, no target", f"{gate.text}: no --target-rps to compare with")
        measured = f"{100 * rps / target_rps:.1f}% of {target_rps:.4g}/s ({rps:.1f}/s)"
        return result(rps / target_rps, measured, f"{gate.text}: measured {measured}: the run did not achieve its "
                      f"target rate; see late and the latency, add users (--users) or workers (--workers N)")
    return result(rps, f"{rps:.1f}/s")


def scheduled_requests(summary: RunSummary) -> int:
    """The requests the schedule asked for over the whole run (loadtests.pacing counts every slot once); a run
    without a schedule asked for the requests it sent."""
    return summary.slots["scheduled"] if summary.slots is not None else summary.total_requests


def missed_slots(summary: RunSummary) -> int:
    """Scheduled requests not sent on time: sent late (over 10 ms behind) or never sent."""
    if summary.slots is None:
        return summary.late
    return summary.slots["late"] + summary.slots["never_sent"]


def _format_value(metric: str, value: float, relative: bool) -> str:
    if metric in LATENCY_METRICS:
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    if metric in ("error_rate", "late") or relative:
        return f"{100 * value:.2f}%".replace(".00%", "%")
    if metric in ("cpu", "trust"):
        return f"{value:g}%"
    if metric in ("violations", "late"):
        return f"{value:.0f}"
    return f"{value:g}/s"
