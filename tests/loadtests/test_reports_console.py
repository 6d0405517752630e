from __future__ import annotations

from loadtests.gates import evaluate, parse_gates
from loadtests.measurements import Measurements
from loadtests.reports import format_gate_table, format_summary
from loadtests.verdict import verdict

INTERACT = "POST /ee/v2/interact"
STARTED = 1_700_000_000.0


def _summary(cpu: float = 40.0):
    m = Measurements(STARTED, warmup_until=STARTED + 1)
    m.record(INTERACT, 5_000, None, STARTED + 0.5)
    for index in range(100):
        m.record(INTERACT, 1_500, "request_id_echo" if index == 0 else None, STARTED + 1 + index / 10)
    m.record_late(3, STARTED + 2)
    m.record_cpu(STARTED + 5, cpu)
    return m.summary(STARTED + 11)


def test_format_gate_table_lists_each_gate_and_ends_with_the_verdict():
    summary = _summary()
    table = format_gate_table(evaluate(parse_gates(["p95<2ms"]), summary, None)).splitlines()
    assert table[0].split() == ["gate", "threshold", "measured", "result"]
    assert table[2].split() == ["p95<2ms", "<", "2", "ms", "1.500", "ms", "PASS"]
    assert table[3].split()[:3] == ["violations==0", "(default)", "=="]
    assert table[3].endswith("FAIL")
    assert table[-1] == "verdict: FAIL: 3 of 5 gates failed (violations==0, error_rate<1%, late<=1%)"


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
    assert "late: 3 requests could not be sent on time at the target rate" in lines
    assert lines[-1] == "generator CPU: max 40%, mean 40% of one core (1 samples)"


def test_verdict_gives_the_cpu_reason_when_the_generator_saturates():
    summary = _summary(cpu=99.0)
    summary.stop_reason = "interrupted (Ctrl-C)"
    outcome = verdict(summary, evaluate(parse_gates([], defaults=True), summary, None))
    assert outcome.headline == "FAIL: 4 of 4 gates failed (violations==0, error_rate<1%, late<=1%, cpu<90%)"
    assert any("not trustworthy" in reason for reason in outcome.reasons)
    assert outcome.reasons[-1] == "the run ended early: interrupted (Ctrl-C)"
