"""Every metric a gate can read, each with its behaviour: the one place to add one (docs "Adding a gate metric").

A `GateMetric` carries its name and aliases, the unit its thresholds are written in (loadtests._gate_units), how
its value is read from a run's figures (overall, or for one operation), whether a late generator clock distorts
it (loadtests._verdict), whether it takes an operation scope, a window (`over 30s`, loadtests._windows) or a
baseline (`baseline+10%`, loadtests._baseline), and its line of the gate grammar shown by `--help` and the web
UI. loadtests._gates parses and judges a gate by looking its metric up here; nothing else names a metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from loadtests._gate_units import Count, Fraction, Latency, Percent, Rate, ShareOrCount, Unit, percent
from loadtests._latency import LatencyHistogram
from loadtests._run_summary import OVERALL, OperationSummary, RunSummary, TimelineWindow
from loadtests._trust import describe

if TYPE_CHECKING:
    from loadtests._gates import Gate
    from loadtests._significance import Difference


class Reading(NamedTuple):
    """What a metric measured for one gate: the value in the threshold's unit (None: nothing measured), how the
    tables show it, and why the gate failed when it did (empty: "GATE: measured MEASURED")."""

    value: float | None
    measured: str
    message: str = ""


class BaselineReading(NamedTuple):
    """A comparison with the baseline run: the difference past the limit and how the tables describe it."""

    difference: Difference
    described: str
    reference: float  # the baseline's value, in the unit below
    unit: str  # " ms", "/s" or "%" (a fraction shown as a percentage)


Extractor = Callable[["Gate", RunSummary, "float | None"], Reading]  # gate, summary, target rate
WindowReader = Callable[[Sequence[TimelineWindow]], "float | None"]  # None: nothing measured in that window
# gate, summary, now, then, baseline record, factor, offset, between-run spread, its degrees of freedom
# (loadtests._noise) -> the comparison, or why there is none
BaselineReader = Callable[["Gate", RunSummary, OperationSummary, Mapping[str, Any], Mapping[str, Any], float, float,
                           float, float], "BaselineReading | str"]


@dataclass(frozen=True, slots=True)
class GateMetric:
    name: str
    unit: Unit  # how its threshold is written and its values shown
    extract: Extractor  # its value from a run's figures, for the gate's scope
    help: str  # its line of the gate grammar; metrics with the same line are listed together
    aliases: tuple[str, ...] = ()
    clock: bool = False  # a late generator clock distorts it: beside a failed trust gate its failure is no FAIL
    trust: bool = False  # its failure makes the verdict NOT TRUSTWORTHY rather than FAIL (loadtests._verdict)
    no_scope: str | None = None  # why it takes no `OPERATION:` scope; None: it does
    window: WindowReader | None = None  # its value over one sliding window; None: no `over DURATION` form
    baseline: BaselineReader | None = None  # its comparison with a baseline run; None: no `baseline` form


_REGISTRY: dict[str, GateMetric] = {}
_ALIASES: dict[str, str] = {}


def register(metric: GateMetric) -> GateMetric:
    """Add a metric; its name and aliases must be new."""
    for name in (metric.name, *metric.aliases):
        if name in _REGISTRY or name in _ALIASES:
            raise ValueError(f"gate metric {name!r} is registered already")
    _REGISTRY[metric.name] = metric
    _ALIASES.update(dict.fromkeys(metric.aliases, metric.name))
    return metric


def unregister(name: str) -> None:
    metric = _REGISTRY.pop(name)
    for alias in metric.aliases:
        del _ALIASES[alias]


@contextmanager
def registered(metric: GateMetric) -> Iterator[GateMetric]:
    """The metric registered for the duration of a `with` block (tests, plugins)."""
    register(metric)
    try:
        yield metric
    finally:
        unregister(metric.name)


def find(name: str) -> GateMetric | None:
    """The metric a gate expression names (case-insensitive, aliases included); None if there is none."""
    key = name.lower()
    return _REGISTRY.get(_ALIASES.get(key, key))


def metric(name: str) -> GateMetric:
    """The registered metric of a parsed gate."""
    return _REGISTRY[name]


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def names_where(has: Callable[[GateMetric], object]) -> tuple[str, ...]:
    """The metrics with a property, e.g. `names_where(lambda m: m.window)`: for error messages listing them."""
    return tuple(name for name, entry in _REGISTRY.items() if has(entry))


def _by_help() -> dict[str, list[str]]:
    """The metric names grouped by their help line, in registration order."""
    groups: dict[str, list[str]] = {}
    for entry in _REGISTRY.values():
        groups.setdefault(entry.help, []).append(entry.name)
    return groups


def grammar() -> list[str]:
    """The metrics part of the gate grammar, one line per help text: 'p50 p90 ...: latency in ms, s or us ...'."""
    return [f"{' '.join(group)}: {help}" for help, group in _by_help().items()]


def short_names() -> str:
    """The metrics on one short line, runs of one kind as first..last: 'p50..max send_p50..send_max error_rate ...'."""
    return " ".join(f"{group[0]}..{group[-1]}" if len(group) > 2 else " ".join(group) for group in _by_help().values())


# --- how values are read ------------------------------------------------------------------------------------------

def operation_stats(gate: Gate, summary: RunSummary) -> OperationSummary | None:
    return summary.overall if gate.scope is None else summary.operations.get(gate.scope)


def _per_operation(read: Callable[[Gate, OperationSummary, str, float | None], Reading]) -> Extractor:
    """An extractor of the figures of the gate's operation (the whole run without a scope), after the warm-up."""
    def extract(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
        stats = operation_stats(gate, summary)
        where = "" if gate.scope is None else f" for {gate.scope}"
        if stats is None or stats["requests"] == 0:
            return Reading(None, "no requests", f"{gate.text}: no requests measured{where} after the warm-up")
        return read(gate, stats, where, target_rps)
    return extract


def _latency(field: str) -> Extractor:
    def read(gate: Gate, stats: OperationSummary, where: str, target_rps: float | None) -> Reading:
        latency = stats[field]  # type: ignore[literal-required]
        value = float(latency) if latency is not None else math.nan
        return Reading(value, LATENCY.format(value, False))
    return _per_operation(read)


def _error_rate(gate: Gate, stats: OperationSummary, where: str, target_rps: float | None) -> Reading:
    rate = stats["error_rate"] or 0.0
    measured = f"{percent(rate)} ({stats['failures']}/{stats['requests']})"
    worst = sorted(stats["failures_by_category"].items(), key=lambda item: -item[1])[:3]
    kinds = ", ".join(f"{category} {count}" for category, count in worst)
    return Reading(rate, measured, f"{gate.text}: measured {measured}{where}" + (f": {kinds}" if kinds else ""))


def _rps(gate: Gate, stats: OperationSummary, where: str, target_rps: float | None) -> Reading:
    rps = stats["rps"]
    if rps is None:
        return Reading(None, "no measured time", f"{gate.text}: the run ended before the warm-up did")
    if gate.relative:
        if not target_rps:
            return Reading(None, f"{rps:.1f}/s, no target", f"{gate.text}: no --target-rps to compare with")
        measured = f"{100 * rps / target_rps:.1f}% of {target_rps:.4g}/s ({rps:.1f}/s)"
        return Reading(rps / target_rps, measured, f"{gate.text}: measured {measured}: the run did not achieve its "
                       f"target rate; see late and the latency, add users (--users) or workers (--workers N)")
    return Reading(rps, f"{rps:.1f}/s")


def _violations(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
    stats = operation_stats(gate, summary)
    count = summary.violations if gate.scope is None else stats["violations"] if stats else 0
    broken = summary.broken_responses if gate.scope is None else stats["broken_responses"] if stats else 0
    checks = "" if gate.scope is not None or not count else " (" + ", ".join(
        f"{check} {n}" for check, n in summary.violations_by_check.items()) + ")"
    # A response failing three checks is three check failures: say both counts, each by its name.
    measured = (f"{count} check failure{'s' if count != 1 else ''} in {broken} response{'s' if broken != 1 else ''}"
                f" that broke the contract{checks}") if count else "0"
    return Reading(float(count), measured)


def _cpu(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
    value = summary.cpu["max"]
    if value is None:
        return Reading(None, "not sampled", f"{gate.text}: the generator's CPU was not sampled after the warm-up")
    measured = f"{value:.0f}% of one core (max)"
    return Reading(value, measured, f"{gate.text}: the load generator was saturated ({measured}): the latency "
                   "figures measure its own queue and are not trustworthy; add workers (--workers N) or lower the rate")


def _trust(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
    trust = summary.trust
    if trust is None or trust["distortion_pct"] is None:
        return Reading(None, "not measured", f"{gate.text}: the generator's scheduling lag was not measured")
    figures = [f"lag p99 {trust['lag_p99_ms']:.1f} ms" if trust["lag_p99_ms"] is not None else "",
               f"run-queue {trust['runqueue_wait_per_wakeup_ms']:.2f} ms/wake-up"
               if trust["runqueue_wait_per_wakeup_ms"] is not None else ""]
    measured = (f"{trust['distortion_pct']:.0f}% of the {trust['bound_ms']:.1f} ms bound ("
                + ", ".join(filter(None, figures)) + ")")
    return Reading(trust["distortion_pct"], measured, f"{gate.text}: {describe(trust)}")


def scheduled_requests(summary: RunSummary) -> int:
    """The requests the schedule asked for over the whole run (loadtests._pacing counts every slot once); a run
    without a schedule asked for the requests it sent."""
    return summary.slots["scheduled"] if summary.slots is not None else summary.total_requests


def missed_slots(summary: RunSummary) -> int:
    """Scheduled requests not sent on time: sent late (over 10 ms behind) or never sent."""
    if summary.slots is None:
        return summary.late
    return summary.slots["late"] + summary.slots["never_sent"]


def _late(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
    missed, scheduled = missed_slots(summary), scheduled_requests(summary)
    if not gate.relative:
        return Reading(float(missed), f"{missed} of {scheduled} scheduled")
    fraction = missed / scheduled if scheduled else 0.0
    return Reading(fraction, f"{percent(fraction)} ({missed} of {scheduled} scheduled)",
                   f"{gate.text}: {missed} of {scheduled} scheduled requests were sent late or never "
                   f"(measured {percent(fraction)}): the run did not apply the load it claims; add users or workers "
                   f"(--workers N), or lower --target-rps")


# --- windows (loadtests._windows) and baselines (loadtests._baseline) ------------------------------------------------

def _window_percentile(q: float) -> WindowReader:
    def read(window: Sequence[TimelineWindow]) -> float | None:
        # Per-second histograms keep two significant digits: the merged percentile is within 1 %.
        merged = LatencyHistogram(2)
        for second in window:
            if second.get("hist"):
                merged.merge(LatencyHistogram.decode(str(second["hist"])))
        return merged.percentile_ms(q) if merged.count else None
    return read


def _window_rate(window: Sequence[TimelineWindow]) -> float | None:
    return sum(second["requests"] for second in window) / len(window)


def _change(current: float, then: float) -> str:
    return f"{100 * (current / then - 1):+.1f}%" if then else "new"


def _amount(diff: Difference, then: float, unit: str) -> str:
    return (f"{diff.current:.3f}{unit} vs baseline {then:.3f}{unit} ({_change(diff.current, then)}), limit "
            f"{diff.allowed:.3f}{unit} (difference past it {diff.low:+.3f}..{diff.high:+.3f}{unit})")


def _baseline_latency(field: str, q: float | None) -> BaselineReader:
    def compare(gate: Gate, summary: RunSummary, now: OperationSummary, then: Mapping[str, Any],
                baseline: Mapping[str, Any], factor: float, offset: float, spread: float,
                dof: float) -> BaselineReading | str:
        from loadtests._significance import latency  # lazy: numpy, for runs with baseline gates only

        encoded = summary.histograms.get(OVERALL if gate.scope is None else gate.scope)
        if not encoded or not then.get("hist"):
            return f"no latency histogram in {'this run' if not encoded else baseline.get('run_id') or 'the baseline'}"
        diff = latency(LatencyHistogram.decode(encoded), LatencyHistogram.decode(then["hist"]), q, factor, offset,
                       spread, dof)
        return BaselineReading(diff, _amount(diff, float(then[field]), " ms"), float(then[field]), " ms")
    return compare


def _baseline_error_rate(gate: Gate, summary: RunSummary, now: OperationSummary, then: Mapping[str, Any],
                         baseline: Mapping[str, Any], factor: float, offset: float, spread: float,
                         dof: float) -> BaselineReading | str:
    from loadtests._significance import proportion

    diff = proportion(now["failures"], now["requests"], int(then["failures"]), int(then["requests"]), offset, spread,
                      dof)
    reference = float(then["failures"]) / float(then["requests"])
    return BaselineReading(diff, f"{100 * diff.current:.2f}% vs baseline {100 * reference:.2f}%, limit "
                                 f"{100 * diff.allowed:.2f}% (difference past it {100 * diff.low:+.2f}.."
                                 f"{100 * diff.high:+.2f} points)", reference, "%")


def _baseline_rate(gate: Gate, summary: RunSummary, now: OperationSummary, then: Mapping[str, Any],
                   baseline: Mapping[str, Any], factor: float, offset: float, spread: float,
                   dof: float) -> BaselineReading | str:
    from loadtests._significance import rate

    base_seconds = float(baseline.get("measured_s") or 0)
    if summary.measured_s <= 0 or base_seconds <= 0:
        return "no measured time to take a rate from"
    diff = rate(now["requests"], summary.measured_s, int(then["requests"]), base_seconds, factor, spread, dof)
    reference = float(then["requests"]) / base_seconds
    return BaselineReading(diff, _amount(diff, reference, "/s"), reference, "/s")


# --- the metrics ---------------------------------------------------------------------------------------------------

LATENCY = Latency()
_SCHEDULED = ("latency in ms, s or us (ms if none), in open-model runs counted from each request's scheduled time, "
              "e.g. p99<=0.5s")
_SENT = "the same counted from the moment each request was sent, e.g. send_p99<300ms"
# Percentiles and the mean have a bootstrap; max is one request, which no test can tell from noise.
for _prefix, _help in (("", _SCHEDULED), ("send_", _SENT)):
    for _name, _q in (("p50", 50.0), ("p90", 90.0), ("p95", 95.0), ("p99", 99.0), ("avg", None), ("max", None)):
        _field = f"{_prefix}{'mean' if _name == 'avg' else _name}_ms"
        register(GateMetric(
            f"{_prefix}{_name}", LATENCY, _latency(_field), _help, clock=True,
            aliases=(f"{_prefix}mean",) if _name == "avg" else (),
            window=_window_percentile(_q) if _q is not None and not _prefix else None,
            baseline=_baseline_latency(_field, _q) if not _prefix and _name != "max" else None))

register(GateMetric("error_rate", Fraction(), _per_operation(_error_rate),
                    "failed requests, a percentage or a fraction, e.g. error_rate<1%",
                    baseline=_baseline_error_rate))
register(GateMetric("rps", Rate(), _per_operation(_rps),
                    "achieved requests/s: a percentage of --target-rps or a rate, e.g. rps>=95%, rps>=800",
                    clock=True, window=_window_rate, baseline=_baseline_rate))
register(GateMetric("violations", Count(), _violations,
                    "contract check failures, whole run (warm-up included), e.g. violations==0"))
register(GateMetric("cpu", Percent("of one core (e.g. cpu<90%)"), _cpu,
                    "the generator's highest CPU sample in percent of one core, e.g. cpu<90%", clock=True,
                    no_scope="cpu is measured per process, not per operation"))
register(GateMetric("late", ShareOrCount("late<=1%, late==0", "the scheduled requests"), _late,
                    "scheduled requests not sent on time: a percentage of them or a count, e.g. late<=1%",
                    clock=True, no_scope="late is counted for the whole run's schedule"))
register(GateMetric("trust", Percent("of the bound (e.g. trust<=100%)"), _trust,
                    "the generator's clock error in percent of what its figures can bear (loadtests._trust), "
                    "e.g. trust<=100%", clock=True, trust=True,
                    no_scope="trust is measured per process, not per operation"))

