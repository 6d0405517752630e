"""The gate metric registry: each metric carries its behaviour, and a new one is one entry (loadtests._gate_metrics)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from loadtests import _gate_metrics as gate_metrics
from loadtests._gate_metrics import GateMetric, Reading
from loadtests._gate_units import Count
from loadtests._gates import Gate, GateError, evaluate, parse_gate, parse_gates
from loadtests._measurements import Measurements
from loadtests._reports import format_gate_table, json_summary, markdown_summary
from loadtests._run_summary import RunSummary
from loadtests._verdict import Outcome, decide

STARTED = 1_700_000_000.0
INTERACT = "POST /ee/v2/interact"


def _summary(requests: int = 40) -> RunSummary:
    m = Measurements(STARTED)
    for index in range(requests):
        m.record(INTERACT, 1000, None, STARTED + index * 0.1)
    m.record_cpu(STARTED + 4.0, 30.0)
    return m.summary(STARTED + 5.0)


def _requests(gate: Gate, summary: RunSummary, target_rps: float | None) -> Reading:
    stats = gate_metrics.operation_stats(gate, summary)
    count = stats["requests"] if stats is not None else 0
    return Reading(float(count), f"{count} requests")


@pytest.fixture
def requests_metric() -> Iterator[GateMetric]:
    """A throwaway metric, registered for one test and gone after it: the whole of what adding one takes."""
    entry = GateMetric("requests", Count(), _requests, "requests measured after the warm-up, e.g. requests>=1000",
                       aliases=("count",))
    with gate_metrics.registered(entry):
        yield entry
    assert gate_metrics.find("requests") is None
    assert gate_metrics.find("count") is None


def test_a_registered_metric_is_parsed_judged_and_formatted_everywhere(requests_metric: GateMetric) -> None:
    summary = _summary(40)
    gates = parse_gates([f"{INTERACT}: requests>=50", "COUNT>=10"], defaults=False)
    assert [(g.metric, g.op, g.threshold, g.scope) for g in gates] == [
        ("requests", ">=", 50.0, INTERACT), ("requests", ">=", 10.0, None)]
    results = evaluate(gates, summary, None)
    assert [(r.threshold, r.measured, r.value, r.passed) for r in results] == [
        (">= 50", "40 requests", 40.0, False), (">= 10", "40 requests", 40.0, True)]
    assert results[0].message == f"{INTERACT}: requests>=50: measured 40 requests"
    assert decide(results) is Outcome.FAIL  # not a clock metric: a FAIL
    console = format_gate_table(results).splitlines()
    assert console[2].split() == ["POST", "/ee/v2/interact:", "requests>=50", ">=", "50", "40", "requests", "FAIL"]
    markdown = markdown_summary.render(summary, results)
    assert f"| `{INTERACT}: requests>=50` | >= 50 | 40 requests | ❌ fail |" in markdown
    rows = json.loads(json_summary.render(summary, results))["gates"]
    assert [(row["metric"], row["threshold"], row["measured"], row["passed"]) for row in rows] == [
        ("requests", ">= 50", "40 requests", False), ("requests", ">= 10", "40 requests", True)]


def test_a_registered_metric_without_a_window_or_baseline_refuses_those_forms(requests_metric: GateMetric) -> None:
    with pytest.raises(GateError, match="requests has no windowed form; use one of p50, p90, p95, p99, rps"):
        parse_gate("requests>=10 over 5s")
    with pytest.raises(GateError, match="requests cannot be compared with a baseline; use one of p50, p90"):
        parse_gate("requests>=baseline-10%")


def test_register_refuses_a_name_or_alias_taken_already(requests_metric: GateMetric) -> None:
    with pytest.raises(ValueError, match="'count' is registered already"):
        gate_metrics.register(GateMetric("tally", Count(), _requests, "help", aliases=("count",)))
    assert gate_metrics.find("tally") is None


def test_parse_gate_names_every_registered_metric_when_one_is_unknown() -> None:
    with pytest.raises(GateError) as error:
        parse_gate("p42<5ms")
    assert str(error.value) == ("gate 'p42<5ms': unknown metric 'p42'; use one of p50, p90, p95, p99, avg, max, "
                                "send_p50, send_p90, send_p95, send_p99, send_avg, send_max, error_rate, rps, "
                                "violations, cpu, late, trust")


@pytest.mark.parametrize(("text", "metric"), [("mean<5ms", "avg"), ("MEAN<5ms", "avg"), ("send_mean<5ms", "send_avg")])
def test_an_alias_reads_as_its_metric(text: str, metric: str) -> None:
    gate = parse_gate(text)
    assert (gate.metric, gate.text, gate.threshold) == (metric, text, 5.0)


@pytest.mark.parametrize("name", gate_metrics.names())
def test_every_metric_help_example_is_a_gate_on_that_metric(name: str) -> None:
    example = gate_metrics.metric(name).help.rpartition("e.g. ")[2].split(",")[0]
    gate = parse_gate(example)
    assert gate.definition.help == gate_metrics.metric(name).help
    assert gate.threshold_text().startswith(gate.op + " ")


def test_clock_metrics_are_the_timings_the_schedule_and_the_generator() -> None:
    assert gate_metrics.names_where(lambda m: m.clock) == (
        "p50", "p90", "p95", "p99", "avg", "max", "send_p50", "send_p90", "send_p95", "send_p99", "send_avg",
        "send_max", "rps", "cpu", "late", "trust")
    assert gate_metrics.names_where(lambda m: m.trust) == ("trust",)


def test_grammar_lists_each_metric_once_grouped_by_help() -> None:
    lines = gate_metrics.grammar()
    assert lines[0].startswith("p50 p90 p95 p99 avg max: latency in ms, s or us")
    assert lines[1].startswith("send_p50 send_p90 send_p95 send_p99 send_avg send_max: the same counted")
    named = [name for line in lines for name in line.partition(":")[0].split()]
    assert named == list(gate_metrics.names())
    assert gate_metrics.short_names() == "p50..max send_p50..send_max error_rate rps violations cpu late trust"


def test_late_as_a_count_shows_its_threshold_as_a_count() -> None:
    assert parse_gate("late==5").threshold_text() == "== 5"
    assert parse_gate("late<=1%").threshold_text() == "<= 1%"
