from __future__ import annotations

from contracts._checks import REGISTRY as CHECKS
from loadtests._gates import evaluate, parse_gates
from loadtests._measurements import Measurements
from loadtests._reports import format_gate_table, format_summary
from loadtests._reports.contract_counts import contract_counts
from loadtests._verdict import verdict

INTERACT = "POST /ee/v2/interact"
STARTED = 1_700_000_000.0


def _summary(cpu: float = 40.0):
    m = Measurements(STARTED, warmup_until=STARTED + 1)
    m.record(INTERACT, 5_000, None, STARTED + 0.5)
    for index in range(100):
        m.record(INTERACT, 1_500, "request_id_echo" if index == 0 else None, STARTED + 1 + index / 10)
    m.record_late(3, STARTED + 2)
    m.record_cpu(STARTED + 5, cpu)
    for index in range(200):  # the lag probe: 0.2 ms late, within the 2 ms bound
        m.trust.observe_wake(index, index + 0.0002)
    return m.summary(STARTED + 11)


def test_format_gate_table_lists_each_gate_and_ends_with_the_verdict():
    summary = _summary()
    table = format_gate_table(evaluate(parse_gates(["p95<2ms"]), summary, None)).splitlines()
    assert table[0].split() == ["gate", "threshold", "measured", "result"]
    assert table[2].split() == ["p95<2ms", "<", "2", "ms", "1.500", "ms", "PASS"]
    assert table[3].split()[:3] == ["violations==0", "(default)", "=="]
    assert table[3].endswith("FAIL")
    assert table[-1] == "verdict: FAIL: 3 of 6 gates failed (violations==0, error_rate<1%, late<=1%)"


def test_format_gate_table_shows_the_defaults_line_and_the_given_verdict():
    summary = _summary()
    summary.interrupted = "stopped by SIGINT"
    results = evaluate(parse_gates(["p95<2ms"], defaults=False), summary, None)
    table = format_gate_table(results, verdict(summary, results), "default gates: violations==0").splitlines()
    assert table[-2:] == ["default gates: violations==0",
                          "verdict: INTERRUPTED: stopped by SIGINT; all 1 gate passed on what was measured, which is "
                          "not the whole run"]


def test_format_gate_table_passes_when_every_gate_passes():
    table = format_gate_table(evaluate(parse_gates(["p99<2ms"], defaults=False), _summary(), None))
    assert table.splitlines()[-1] == "verdict: PASS: all 1 gate passed"


def test_format_summary_shows_operations_warmup_failures_late_and_cpu():
    text = format_summary(_summary())
    lines = text.splitlines()
    assert lines[0] == "101 requests in 11.0 s (1 during the warm-up, not in the table)"
    assert lines[3].split() == [*INTERACT.split(), "100", "1", "10.0", "1.500", "1.500", "1.500", "1.500"]
    assert "failures by category (whole run): request_id_echo 1" in lines
    assert f"  request_id_echo: {CHECKS['request_id_echo'].description}" in lines  # the rule it broke
    assert "1 response broke the contract (whole run): 1 check failure (request_id_echo 1)" in lines
    assert "late: 3 requests could not be sent on time at the target rate" in lines
    assert lines[-2] == "generator CPU: max 40%, mean 40% of one core (1 samples)"
    assert lines[-1] == ("generator clock: timer lag p50 0.200, p99 0.200, max 0.200 ms; 20% of the 2.0 ms bound: "
                         "within it")


def test_verdict_gives_the_cpu_reason_when_the_generator_saturates():
    summary = _summary(cpu=99.0)
    summary.stop_reason = "interrupted (Ctrl-C)"
    outcome = verdict(summary, evaluate(parse_gates([], defaults=True), summary, None))
    assert outcome.headline == "FAIL: 4 of 5 gates failed (violations==0, error_rate<1%, late<=1%, cpu<90%)"
    assert any("not trustworthy" in reason for reason in outcome.reasons)
    assert outcome.reasons[-1] == "the run ended early: interrupted (Ctrl-C)"


def test_format_summary_of_an_open_model_run_accounts_every_slot_and_gives_both_latencies():
    m = Measurements(STARTED)
    for index in range(90):
        m.record(INTERACT, 200_000, None, STARTED + index / 10, 200_000 + (300_000 if index % 10 == 0 else 0))
    m.record_slots({"scheduled": 100, "on_time": 81, "late": 9, "never_sent": 10, "skipped": 4})
    m.trust.observe_wake(0.0, 0.030)  # one 30 ms stall: beyond the 20 ms bound of a 200 ms p50
    m.trust.add_schedstat((0, 0, 0), (2_000_000_000, 500_000_000, 1_000), 10.0)
    lines = format_summary(m.summary(STARTED + 10)).splitlines()
    assert lines[3].split()[-4:] == ["200.1", "500.0", "500.0", "500.0"]  # p50 p95 p99 max from the schedule
    assert lines[-3:] == [
        "schedule: 100 requests due, 81 sent on time, 9 sent late (over 10 ms), 10 never sent (4 skipped: over 1 s "
        "behind)",
        "latency counted from each request's scheduled time (what its clients would wait); from the moment it was "
        "sent: p50 200.0, p95 200.0, p99 200.0 ms",
        "generator clock: timer lag p50 15.0, p99 30.0, max 30.0 ms, waited for a core 5.0% of the time (0.50 ms "
        "per wake-up); 225% of the 20.0 ms bound: BEYOND it",
    ]


def test_contract_counts_name_responses_apart_from_check_failures():
    m = Measurements(STARTED)
    for index in range(10):  # an HTML 500 fails three checks at once
        m.record(INTERACT, 1_000, ("content_type", "response_schema", "error_body", "http_5xx"), STARTED + index / 10)
    m.record(INTERACT, 1_000, "timeout", STARTED + 1.5)  # no response: no contract count
    assert contract_counts(m.summary(STARTED + 2)) == (
        "10 responses broke the contract (whole run): 30 check failures (content_type 10, error_body 10, "
        "response_schema 10)")
    assert contract_counts(_summary_without_failures()) is None


def _summary_without_failures():
    m = Measurements(STARTED)
    m.record(INTERACT, 1_000, None, STARTED + 0.5)
    return m.summary(STARTED + 1)
