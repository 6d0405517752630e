from __future__ import annotations

import pytest

from loadtests._gates import (
    DEFAULT_GATES,
    Gate,
    GateError,
    describe_defaults,
    evaluate,
    parse_gate,
    parse_gates,
    passed,
    run_gates,
    validate_gates,
)
from loadtests._measurements import Measurements
from loadtests._options import LoadOptions
from loadtests._run_summary import RunSummary, SlotSummary
from loadtests._windows import AbortWatch

INTERACT = "POST /ee/v2/interact"
COLLECT = "POST /ee/v2/collect"
STARTED = 1_700_000_000.0


@pytest.mark.parametrize(
    ("text", "metric", "op", "threshold", "scope", "relative"),
    [
        pytest.param("p95<200ms", "p95", "<", 200.0, None, False, id="latency-ms"),
        pytest.param("p99<=0.5s", "p99", "<=", 500.0, None, False, id="latency-seconds"),
        pytest.param("p50 < 800us", "p50", "<", 0.8, None, False, id="latency-micro-with-spaces"),
        pytest.param("avg<20", "avg", "<", 20.0, None, False, id="latency-default-ms"),
        pytest.param("max<2s", "max", "<", 2000.0, None, False, id="max"),
        pytest.param("error_rate<1%", "error_rate", "<", 0.01, None, False, id="error-rate-percent"),
        pytest.param("error_rate<=0.05", "error_rate", "<=", 0.05, None, False, id="error-rate-fraction"),
        pytest.param("rps>=95%", "rps", ">=", 0.95, None, True, id="rps-relative"),
        pytest.param("rps>=800", "rps", ">=", 800.0, None, False, id="rps-absolute"),
        pytest.param("violations==0", "violations", "==", 0.0, None, False, id="violations"),
        pytest.param("cpu<90%", "cpu", "<", 90.0, None, False, id="cpu"),
        pytest.param("POST /ee/v2/interact: p95<200ms", "p95", "<", 200.0, INTERACT, False, id="scoped"),
        pytest.param("post  /ee/v2/collect :rps>=400", "rps", ">=", 400.0, COLLECT, False, id="scoped-loose"),
    ],
)
def test_parse_gate_reads_valid_forms(text, metric, op, threshold, scope, relative):
    gate = parse_gate(text)
    assert (gate.metric, gate.op, gate.scope, gate.relative) == (metric, op, scope, relative)
    assert gate.threshold == pytest.approx(threshold)
    assert gate.abort is False


def test_parse_gate_reads_abort_with_default_and_given_grace():
    assert parse_gate("p95<200ms !abort").abort_grace_s == 10.0
    gate = parse_gate("error_rate<5% !abort=30s")
    assert (gate.abort, gate.abort_grace_s, gate.threshold) == (True, 30.0, 0.05)
    assert parse_gate("p99<1s!abort=2m").abort_grace_s == 120.0


@pytest.mark.parametrize(
    ("text", "names"),
    [
        pytest.param("p95 200ms", "is not METRIC OP VALUE", id="no-operator"),
        pytest.param("p97<200ms", "unknown metric 'p97'", id="unknown-metric"),
        pytest.param("p95<200xs", "unit 'xs' is not a latency unit", id="bad-latency-unit"),
        pytest.param("violations=0", "write '=='", id="single-equals"),
        pytest.param("error_rate<5ms", "percentage or a fraction", id="error-rate-unit"),
        pytest.param("error_rate<150%", "above 100%", id="error-rate-impossible"),
        pytest.param("violations<0.5", "whole count", id="violations-fraction"),
        pytest.param("cpu<90ms", "percentage of one core", id="cpu-unit"),
        pytest.param("POST /ee/v2/interact: cpu<90%", "drop the scope", id="cpu-scoped"),
        pytest.param("POST /ee/v2/interact: rps>=95%", "absolute rate", id="relative-rps-scoped"),
        pytest.param("p95<200ms !abort=10h", "abort grace unit 'h'", id="bad-grace-unit"),
        pytest.param("", "is not METRIC OP VALUE", id="empty"),
    ],
)
def test_parse_gate_rejects_invalid_forms_with_one_line(text, names):
    with pytest.raises(GateError) as raised:
        parse_gate(text)
    message = str(raised.value)
    assert names in message
    assert "\n" not in message
    assert "e.g." in message or "write" in message or "drop" in message or "use" in message  # says the fix


def test_parse_gates_adds_defaults_unless_replaced():
    assert [g.text for g in parse_gates(["p95<200ms"])] == ["p95<200ms", *DEFAULT_GATES]
    assert [g.text for g in parse_gates(["cpu<95%"])] == ["cpu<95%", "violations==0", "error_rate<1%", "late<=1%",
                                                          "trust<=100%"]
    assert [g.text for g in parse_gates(["p95<200ms"], defaults=False)] == ["p95<200ms"]
    assert [g.default for g in parse_gates(["cpu<95%"])] == [False, True, True, True, True]


def test_parse_gates_adds_the_rate_gate_for_an_open_model_run_only():
    assert "rps>=95%" not in [g.text for g in parse_gates([])]
    assert [g.text for g in parse_gates([], target_rps=100.0)][-1] == "rps>=95%"
    assert [g.text for g in parse_gates(["rps>=90%"], target_rps=100.0)].count("rps>=90%") == 1
    assert "rps>=95%" not in [g.text for g in parse_gates(["rps>=90%"], target_rps=100.0)]


def test_run_gates_drops_the_defaults_with_no_default_gates():
    options = LoadOptions(gates=(parse_gate("p99<50ms"),), target_rps=100.0, no_default_gates=True)
    assert [g.text for g in run_gates(options)] == ["p99<50ms"]
    assert [g.text for g in run_gates(LoadOptions(target_rps=100.0))] == [*DEFAULT_GATES, "rps>=95%"]


def test_describe_defaults_names_every_default_and_how_to_replace_them():
    line = describe_defaults(100.0)
    assert line == ("default gates: violations==0, error_rate<1%, late<=1%, cpu<90%, trust<=100%, rps>=95%; a --gate "
                    "on the same metric replaces one, --no-default-gates drops them all")
    assert "(rps>=95% too with --target-rps)" in describe_defaults(None)


def test_validate_gates_requires_a_target_for_relative_rps():
    with pytest.raises(GateError, match="no --target-rps"):
        validate_gates([parse_gate("rps>=95%")], None)
    validate_gates([parse_gate("rps>=95%")], 800.0)


def _summary(latencies_us: list[int], *, failures: int = 0, seconds: float = 10.0, cpu: float | None = 50.0,
             warmup_s: float | None = None, lag_us: int | None = 100) -> RunSummary:
    m = Measurements(STARTED, warmup_until=STARTED + warmup_s if warmup_s else None)
    for index in range(200 if lag_us is not None else 0):  # the lag probe: 2.5 % of its wake-ups 10x later
        m.trust.observe_wake(index, index + (lag_us or 0) * (10 if index % 40 == 0 else 1) / 1e6)
    for index, us in enumerate(latencies_us):
        failure = "request_id_echo" if index < failures else None
        m.record(INTERACT, us, failure, STARTED + (warmup_s or 0) + index * (seconds / len(latencies_us)))
    if cpu is not None:
        m.record_cpu(STARTED + seconds, cpu)
    return m.summary(STARTED + (warmup_s or 0) + seconds)


def _result(text: str, summary: RunSummary, target_rps: float | None = None):
    (result,) = evaluate([parse_gate(text)], summary, target_rps)
    return result


def test_evaluate_latency_boundaries_are_exact():
    summary = _summary([200_000] * 100)  # every request exactly 200 ms
    assert not _result("p95<200ms", summary).passed
    assert _result("p95<=200ms", summary).passed
    assert _result("p99<=0.2s", summary).passed
    assert _result("max>199.9ms", summary).passed
    assert _result("avg<200.001ms", summary).passed
    assert _result("p50<200ms", summary).measured == "200.0 ms"


def test_evaluate_error_rate_boundary_is_exact():
    summary = _summary([1_000] * 100, failures=1)
    assert not _result("error_rate<1%", summary).passed
    assert _result("error_rate<=1%", summary).passed
    assert _result("error_rate<=1%", summary).measured == "1% (1/100)"


def test_evaluate_rps_relative_and_absolute():
    summary = _summary([1_000] * 950, seconds=10.0)  # 95 requests/s
    assert _result("rps>=95%", summary, target_rps=100).passed
    assert not _result("rps>95%", summary, target_rps=100).passed
    assert _result("rps>=95", summary).passed
    assert not _result("rps>=96", summary).passed
    assert not _result("rps>=95%", summary, target_rps=None).passed


def test_evaluate_violations_counts_whole_run_with_checks_named():
    result = _result("violations==0", _summary([1_000] * 10, failures=3))
    assert (result.passed, result.value, result.measured) == (
        False, 3.0, "3 check failures in 3 responses that broke the contract (request_id_echo 3)")


def test_evaluate_cpu_failure_says_latency_is_not_trustworthy():
    result = _result("cpu<90%", _summary([1_000] * 10, cpu=97.0))
    assert not result.passed
    assert "not trustworthy" in result.message
    assert _result("cpu<90%", _summary([1_000] * 10, cpu=89.9)).passed


def test_evaluate_cpu_without_samples_fails():
    result = _result("cpu<90%", _summary([1_000] * 10, cpu=None))
    assert (result.passed, result.measured) == (False, "not sampled")


def test_evaluate_scoped_gate_reads_only_its_operation():
    m = Measurements(STARTED)
    for index in range(100):
        m.record(INTERACT, 1_000, None, STARTED + index / 10)
        m.record(COLLECT, 300_000, None, STARTED + index / 10)
    summary = m.summary(STARTED + 10)
    assert _result(f"{INTERACT}: p99<2ms", summary).passed
    assert not _result(f"{COLLECT}: p99<2ms", summary).passed
    assert not _result("p99<2ms", summary).passed
    missing = _result("POST /ee/v1/collect: p99<2ms", summary)
    assert (missing.passed, missing.measured) == (False, "no requests")


def test_evaluate_excludes_the_warmup():
    m = Measurements(STARTED, warmup_until=STARTED + 5)
    m.record(INTERACT, 900_000, None, STARTED + 1)  # a cold start in the warm-up
    for index in range(10):
        m.record(INTERACT, 1_000, None, STARTED + 5 + index)
    assert _result("max<2ms", m.summary(STARTED + 15)).passed


def test_passed_is_the_conjunction_of_results():
    summary = _summary([1_000] * 10)
    assert passed(evaluate(parse_gates(["p95<2ms"]), summary, None))
    assert not passed(evaluate(parse_gates(["p95<0.5ms"]), summary, None))


def test_abort_watch_waits_for_the_grace_period_then_aborts():
    gates = parse_gates(["p95<2ms !abort=10s", "p99<1ms"], defaults=False)
    slow = _summary([5_000] * 100)
    assert AbortWatch(gates).check(slow, elapsed_s=9.99) is None
    aborting = AbortWatch(gates).check(slow, elapsed_s=10.0)
    assert isinstance(aborting, Gate)
    assert aborting.text == "p95<2ms !abort=10s"
    assert AbortWatch(gates).check(_summary([1_000] * 100), elapsed_s=60.0) is None  # passing: no abort


def test_abort_watch_never_fires_without_measured_data():
    gates = parse_gates(["p95<2ms !abort=0s"], defaults=False)
    empty = Measurements(STARTED, warmup_until=STARTED + 30).summary(STARTED + 5, timeline=False)
    assert AbortWatch(gates).check(empty, elapsed_s=5.0) is None


def test_evaluate_trust_passes_while_the_lag_stays_within_2_ms_or_10_percent_of_the_p50():
    # p99 lag 1.5 ms (the 2.5 % at 10x), p50 0.15 ms: a request timed at two wake-ups may be 1.65 ms off, bound 2 ms
    fast = _summary([1_000] * 100, lag_us=150)
    result = _result("trust<=100%", fast)
    assert result.passed
    assert result.value == pytest.approx(82.5, rel=0.01)
    assert result.measured.startswith("82% of the 2.0 ms bound (lag p99 1.5 ms")
    slow_target = _summary([200_000] * 100, lag_us=1_500)  # p99 15 ms + p50 1.5 ms against a 20 ms bound
    assert _result("trust<=100%", slow_target).value == pytest.approx(82.5, rel=0.01)


def test_evaluate_trust_fails_with_what_how_big_and_what_to_do():
    result = _result("trust<=100%", _summary([200_000] * 100, lag_us=3_000))  # p99 30 + p50 3 ms, bound 20 ms
    assert not result.passed
    assert result.value == pytest.approx(165.0, rel=0.01)
    assert result.message.startswith("trust<=100%: not trustworthy: the load generator's clock: its 5 ms timer "
                                     "woke 30.0 ms late at p99 (max 30.0 ms), so a request, timed at two wake-ups, "
                                     "may be 33.0 ms off; bound 20.0 ms")
    assert result.message.endswith("fewer users per core, more workers (--workers N), or on a quieter machine")
    assert _result("trust<=200%", _summary([200_000] * 100, lag_us=3_000)).passed  # a looser bound, by choice


def test_evaluate_trust_fails_on_run_queue_wait_and_names_the_neighbours():
    m = Measurements(STARTED)
    m.record(INTERACT, 200_000, None, STARTED + 1)
    m.trust.observe_wake(0.0, 0.0001)
    # 10 s of wall time, 4 s of it waiting for a core over 100 wake-ups: 40 ms each, 80 ms for two, bound 20 ms
    m.trust.add_schedstat((0, 0, 0), (1_000_000_000, 4_000_000_000, 100), 10.0)
    m.record_cpu(STARTED + 2, 20.0)
    result = _result("trust<=100%", m.summary(STARTED + 10))
    assert result.value == pytest.approx(400.0)
    assert "waited for a CPU core 40% of the time (40.00 ms per wake-up)" in result.message
    assert result.message.endswith("other processes are taking the cores: run on a quieter machine, or give the "
                                   "generator its own cores")


def test_evaluate_trust_fails_when_nothing_was_measured():
    result = _result("trust<=100%", _summary([1_000] * 10, lag_us=None))
    assert not result.passed
    assert result.measured == "not measured"


def test_parse_gate_trust_takes_a_percentage_of_the_whole_run():
    assert parse_gate("trust <= 150%").threshold == 150.0
    with pytest.raises(GateError, match="percentage of the bound"):
        parse_gate("trust<=2ms")
    with pytest.raises(GateError, match="drop the scope"):
        parse_gate("POST /ee/v2/interact: trust<=100%")


def test_evaluate_late_is_a_share_of_the_scheduled_requests():
    summary = _summary([1000] * 200)
    summary.late = 2
    result = _result("late<=1%", summary)
    assert (result.passed, result.value, result.measured) == (True, 0.01, "1% (2 of 200 scheduled)")
    summary.late = 3
    failed = _result("late<=1%", summary)
    assert (failed.passed, failed.value) == (False, 0.015)
    assert failed.message.startswith("late<=1%: 3 of 200 scheduled requests were sent late or never")
    assert "--workers" in failed.message  # says the fix


def test_evaluate_late_counts_the_slots_sent_late_and_never_sent_of_the_schedule():
    summary = _summary([1000] * 10)
    summary.slots = SlotSummary(scheduled=50, on_time=8, late=2, never_sent=40, skipped=0)  # loadtests._pacing
    assert _result("late<=1%", summary).measured == "84% (42 of 50 scheduled)"
    assert _result("late==42", summary).passed


@pytest.mark.parametrize("text", ["late<1ms", "POST /ee/v2/interact: late<=1%"])
def test_parse_gate_refuses_late_with_a_unit_or_a_scope(text):
    with pytest.raises(GateError, match="late"):
        parse_gate(text)


def test_evaluate_error_rate_names_the_commonest_failure_categories():
    m = Measurements(STARTED)
    for index in range(10):
        m.record(INTERACT, 1000, "timeout" if index < 6 else "http_5xx" if index < 9 else None, STARTED + index)
    result = _result("error_rate<1%", m.summary(STARTED + 10))
    assert result.message == "error_rate<1%: measured 90% (9/10): timeout 6, http_5xx 3"


def test_evaluate_relative_rps_says_how_to_reach_the_target_when_it_fails():
    summary = _summary([1000] * 100, seconds=10.0)  # 10/s
    result = _result("rps>=95%", summary, 100.0)
    assert (result.passed, result.measured) == (False, "10.0% of 100/s (10.0/s)")
    assert result.message == ("rps>=95%: measured 10.0% of 100/s (10.0/s): the run did not achieve its target rate; "
                              "see late and the latency, add users (--users) or workers (--workers N)")
