from __future__ import annotations

import json
import random

import pytest

from loadtests._measurements import Measurements
from loadtests._run_summary import ExampleExchange, is_contract_violation

INTERACT = "POST /ee/v2/interact"
COLLECT = "POST /ee/v2/collect"
STARTED = 1_700_000_000.0


def _traffic(n: int, seed: int) -> list[tuple[str, int, str | tuple[str, ...] | None, float]]:
    rng = random.Random(seed)
    rows: list[tuple[str, int, str | tuple[str, ...] | None, float]] = []
    for i in range(n):
        roll = rng.random()
        failure: str | tuple[str, ...] | None = (
            "request_id_echo" if roll < 0.01 else "timeout" if roll < 0.015 else "http_5xx" if roll < 0.02
            else ("handle_shape", "response_schema") if roll < 0.022 else None)
        rows.append((rng.choice((INTERACT, COLLECT)), round(rng.lognormvariate(7, 0.7)), failure,
                     STARTED + i * 0.001))
    return rows


def _fed(rows, *, warmup_until: float | None = STARTED + 2.0, source: str = "local") -> Measurements:
    measurements = Measurements(STARTED, warmup_until=warmup_until, source=source)
    for row in rows:
        measurements.record(*row)
    return measurements


def test_is_contract_violation_separates_checks_from_transport_and_http():
    assert is_contract_violation("request_id_echo")
    assert not is_contract_violation("timeout")
    assert not is_contract_violation("connection_reset")
    assert not is_contract_violation("http_429")


def test_measurements_counts_requests_and_failures_per_operation():
    m = Measurements(STARTED)
    m.record(INTERACT, 800, None, STARTED + 0.1)
    m.record(INTERACT, 900, "request_id_echo", STARTED + 0.2)
    m.record(INTERACT, 1000, ("handle_shape", "response_schema"), STARTED + 0.3)
    m.record(COLLECT, 500, "timeout", STARTED + 1.5)
    summary = m.summary(STARTED + 2.0)
    interact = summary.operations[INTERACT]
    assert (interact["requests"], interact["failures"]) == (3, 2)
    assert interact["failures_by_category"] == {"handle_shape": 1, "request_id_echo": 1, "response_schema": 1}
    assert interact["violations"] == 3
    assert summary.operations[COLLECT]["failures_by_category"] == {"timeout": 1}
    assert summary.violations == 3
    assert (interact["broken_responses"], summary.broken_responses) == (2, 2)  # three check failures, two responses
    assert summary.violations_by_check == {"handle_shape": 1, "request_id_echo": 1, "response_schema": 1}
    assert (summary.overall["requests"], summary.overall["failures"]) == (4, 3)
    assert summary.overall["error_rate"] == 0.75
    assert summary.overall["rps"] == 2.0
    assert interact["p50_ms"] == pytest.approx(0.9, rel=0.001)
    assert interact["max_ms"] == 1.0


def test_measurements_excludes_warmup_from_statistics_but_not_from_violations():
    m = Measurements(STARTED, warmup_until=STARTED + 10)
    m.record(INTERACT, 50_000, "request_id_echo", STARTED + 1)  # slow and wrong, in the warm-up
    m.record(INTERACT, 1_000, None, STARTED + 10)  # the boundary belongs to the measured window
    summary = m.summary(STARTED + 20)
    stats = summary.operations[INTERACT]
    assert (stats["requests"], stats["warmup_requests"], stats["failures"]) == (1, 1, 0)
    assert stats["max_ms"] == 1.0
    assert stats["rps"] == 0.1  # 1 request over the 10 s after the warm-up
    assert summary.violations == 1
    assert summary.total_requests == 2
    assert summary.total_failures == 1
    assert summary.total_failures_by_category == {"request_id_echo": 1}


def test_measurements_timeline_has_one_window_per_second_including_empty_ones():
    m = Measurements(STARTED)
    m.record(INTERACT, 1_000, None, STARTED + 0.5)
    m.record(INTERACT, 3_000, "timeout", STARTED + 0.7)
    m.record_late(4, STARTED + 1.2)
    m.record(COLLECT, 2_000, None, STARTED + 3.1)
    timeline = m.summary().timeline
    assert [w["t"] for w in timeline] == [0.0, 1.0, 2.0, 3.0]
    assert [w["requests"] for w in timeline] == [2, 0, 0, 1]
    assert timeline[0]["failures"] == {"timeout": 1}
    assert timeline[1]["late"] == 4
    assert timeline[2]["p99_ms"] is None
    assert timeline[0]["p99_ms"] == pytest.approx(3.0, rel=0.01)
    assert timeline[3]["by_operation"] == {COLLECT: 1}
    assert m.summary().late == 4


def test_measurements_timeline_survives_packing_of_old_windows():
    rows = [(INTERACT, 1_000 + second, None, STARTED + second + 0.5) for second in range(30)]
    m = _fed(rows, warmup_until=None)
    m.record(INTERACT, 9_000, None, STARTED + 2.5)  # a late arrival for a window already packed
    timeline = m.summary().timeline
    assert len(timeline) == 30
    assert timeline[2]["requests"] == 2
    assert timeline[2]["p99_ms"] == pytest.approx(9.0, rel=0.01)
    assert timeline[29]["p50_ms"] == pytest.approx(1.029, rel=0.01)


def test_measurements_merge_of_two_workers_equals_one_process_fed_everything():
    rows = _traffic(12_000, seed=5)
    whole = _fed(rows)
    first, second = _fed(rows[0::2], source="worker-1"), _fed(rows[1::2], source="worker-2")
    master = Measurements(STARTED, warmup_until=STARTED + 2.0)
    for worker in (first, second):
        master.merge_wire(json.loads(json.dumps(worker.to_wire())))  # the wire must be JSON-safe
    expected, merged = whole.summary(STARTED + 12.0), master.summary(STARTED + 12.0)
    assert merged.total_requests == expected.total_requests == 12_000
    assert merged.operations == expected.operations
    assert merged.overall == expected.overall
    assert merged.violations_by_check == expected.violations_by_check
    assert merged.total_failures_by_category == expected.total_failures_by_category
    assert [w["requests"] for w in merged.timeline] == [w["requests"] for w in expected.timeline]
    assert [w["failures"] for w in merged.timeline] == [w["failures"] for w in expected.timeline]
    assert [w["p99_ms"] for w in merged.timeline] == [w["p99_ms"] for w in expected.timeline]


def test_measurements_to_wire_with_reset_ships_deltas_that_add_up():
    rows = _traffic(3_000, seed=9)
    worker = Measurements(STARTED, warmup_until=STARTED + 1.0)
    master = Measurements(STARTED, warmup_until=STARTED + 1.0)
    for index, row in enumerate(rows):
        worker.record(*row)
        if index % 1000 == 999:
            worker.record_late(1, row[3])
            master.merge_wire(worker.to_wire(reset=True))
    summary, expected = master.summary(STARTED + 3.0), _fed(rows, warmup_until=STARTED + 1.0).summary(STARTED + 3.0)
    assert summary.total_requests == 3_000
    assert summary.late == 3
    assert summary.overall == expected.overall
    assert worker.summary(STARTED + 3.0).total_requests == 0


def test_measurements_keeps_the_first_example_per_category_across_merges():
    example = ExampleExchange(operation=INTERACT, request="POST /ee/v2/interact", response="HTTP 200")
    worker = Measurements(STARTED)
    assert worker.wants_example("request_id_echo")
    worker.record_example("request_id_echo", example)
    worker.record_example("request_id_echo", ExampleExchange(operation=INTERACT, request="second", response="x"))
    assert not worker.wants_example("request_id_echo")
    master = Measurements(STARTED)
    master.merge_wire(worker.to_wire(reset=True))
    master.merge_wire(worker.to_wire())  # after a reset the worker does not resend it
    assert master.summary().examples == {"request_id_echo": example}


def test_measurements_cpu_summary_reads_samples_after_the_warmup():
    m = Measurements(STARTED, warmup_until=STARTED + 5, source="worker-1")
    m.record_cpu(STARTED + 1, 99.0)  # start-up spike in the warm-up
    m.record_cpu(STARTED + 6, 40.0)
    m.record_cpu(STARTED + 7, 60.0, source="worker-2")
    cpu = m.summary(STARTED + 8).cpu
    assert (cpu["max"], cpu["mean"], cpu["samples"]) == (60.0, 50.0, 2)
    assert cpu["all_max"] == 99.0
    assert cpu["by_source"] == {"worker-1": 99.0, "worker-2": 60.0}


def test_measurements_summary_to_dict_is_json_safe():
    m = _fed(_traffic(500, seed=2), warmup_until=None)
    m.record_cpu(STARTED + 0.2, 12.5)
    document = json.loads(json.dumps(m.summary().to_dict(), allow_nan=False))
    assert document["total_requests"] == 500
    assert document["overall"]["requests"] == 500


def test_measurements_merge_wire_rejects_another_version():
    with pytest.raises(ValueError, match="wire version"):
        Measurements(STARTED).merge_wire({"version": 99})


def test_measurements_record_clamps_but_counts_absurd_latencies():
    m = Measurements(STARTED)
    m.record(INTERACT, -5, None, STARTED)
    stats = m.summary(STARTED + 1).operations[INTERACT]
    assert (stats["requests"], stats["min_ms"]) == (1, 0.001)


def test_measurements_open_model_figures_count_from_the_schedule_and_keep_the_send_figures():
    m = Measurements(STARTED)
    for i in range(100):  # 100 ms answers; the last 10 went out 400 ms behind their schedule (no free user)
        m.record(INTERACT, 100_000, None, STARTED + i * 0.01, 100_000 + (400_000 if i >= 90 else 0))
    stats = m.summary(STARTED + 1.0).operations[INTERACT]
    assert stats["latency_from"] == "schedule"
    assert stats["p50_ms"] == pytest.approx(100.0, rel=0.001)
    assert stats["p95_ms"] == pytest.approx(500.0, rel=0.001)
    assert stats["max_ms"] == 500.0
    assert stats["send_p95_ms"] == pytest.approx(100.0, rel=0.001)
    assert stats["send_max_ms"] == 100.0
    assert m.summary(STARTED + 1.0).timeline[0]["p99_ms"] == pytest.approx(500.0, rel=0.01)  # the chart too


def test_measurements_closed_model_figures_count_from_the_send():
    m = Measurements(STARTED)
    m.record(INTERACT, 2_000, None, STARTED + 0.1)
    stats = m.summary(STARTED + 1.0).operations[INTERACT]
    assert (stats["latency_from"], stats["p50_ms"], stats["send_p50_ms"]) == ("send", 2.0, 2.0)
    assert m.summary(STARTED + 1.0).slots is None


def test_measurements_schedule_latency_and_slots_travel_from_workers_to_the_master():
    workers = [Measurements(STARTED, source=f"worker-{k}") for k in (1, 2)]
    for k, worker in enumerate(workers):
        for i in range(50):
            worker.record(INTERACT, 1_000, None, STARTED + i * 0.01, 1_000 + 1_000 * k)
        worker.record_slots({"scheduled": 60, "on_time": 40 - 10 * k, "late": 10 + 10 * k, "never_sent": 10,
                             "skipped": 5 * k})
    master = Measurements(STARTED)
    for worker in workers:
        master.merge_wire(json.loads(json.dumps(worker.to_wire(reset=True))))
    summary = master.summary(STARTED + 1.0)
    assert summary.slots == {"scheduled": 120, "on_time": 70, "late": 30, "never_sent": 20, "skipped": 5}
    assert summary.overall["p50_ms"] == 1.0
    assert summary.overall["p99_ms"] == 2.0
    assert summary.overall["send_p99_ms"] == 1.0
    assert workers[0].to_wire()["slots"]["scheduled"] == 0  # shipped once, then reset


@pytest.mark.parametrize("open_model", [False, True], ids=["closed", "open"])
def test_measurements_live_totals_agree_with_the_summary(open_model: bool) -> None:
    # The progress line's cheap figures (loadtests._progress) are the summary's, warm-up included in the counts.
    rng = random.Random(7)
    measurements = Measurements(STARTED, warmup_until=STARTED + 1.0)
    for i in range(2000):
        latency = rng.randint(300, 40_000)
        measurements.record(rng.choice((INTERACT, COLLECT)), latency, "http_5xx" if i % 50 == 0 else None,
                            STARTED + i / 1000, latency + rng.randint(0, 5000) if open_model else None)
    summary = measurements.summary(STARTED + 2.0, timeline=False)
    assert measurements.live_totals() == (summary.total_requests, summary.total_failures, summary.overall["p95_ms"])
    assert summary.total_requests == 2000
    assert summary.total_failures == 40


def test_measurements_live_totals_before_any_request() -> None:
    assert Measurements(STARTED).live_totals() == (0, 0, None)
