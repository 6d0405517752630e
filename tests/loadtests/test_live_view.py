"""The live figures of our web UI tab: gates on a live summary, violations with one redacted example
each, the generator's CPU; rows in the order the tab shows them."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from contracts._checks import REGISTRY as CHECKS
from loadtests._gates import GateError, parse_gate
from loadtests._live_view import NOT_YET, compact_example, live_document, live_rows
from loadtests._measurements import Measurements
from loadtests._options import LoadOptions
from loadtests._process_state import ProcessState
from loadtests._reports import format_exchange
from loadtests._reports.exchange import redact_example
from loadtests._run_settings import RunSettings
from loadtests._run_summary import ExampleExchange
from targets._redaction import forget_secrets, redact, register_secret

INTERACT = "POST /ee/v2/interact"
STARTED = 1_700_000_000.0
SECRET = "FAKE-live-s3cr3t-4b3a2c1d"


class _Environment:
    runner = None  # a local run: ProcessState only reads the runner's kind


def _state(gates: tuple[str, ...] = ("p99<5ms", "error_rate<0.01")) -> tuple[ProcessState, _Environment]:
    environment = _Environment()  # kept alive by the caller: ProcessState holds it weakly
    settings = RunSettings(load=replace(LoadOptions(), gates=tuple(map(parse_gate, gates))))
    return ProcessState(environment, settings), environment


def _example(secret: str) -> ExampleExchange:
    return format_exchange(
        INTERACT, method="POST", url="http://127.0.0.1:9/ee/v2/interact?datastreamId=ds",
        request_headers={"x-request-id": "sent-id", "x-api-key": secret},
        request_body={"event": {"xdm": {"eventType": "web.webpagedetails.pageViews", "note": secret}}},
        status=200, response_headers={"x-request-id": "other-id"}, response_body=b'{"requestId": "other-id"}')


def _running(state: ProcessState) -> Measurements:
    measurements = Measurements(STARTED)
    for index in range(100):
        failure = "request_id_echo" if index % 10 == 0 else None
        measurements.record(INTERACT, 1000 + index * 10, failure, STARTED + index / 50)
    measurements.record_example("request_id_echo", _example(SECRET))
    measurements.record_cpu(STARTED + 0.5, 20.0)
    measurements.record_cpu(STARTED + 1.0, 35.0)
    measurements.record_cpu(STARTED + 1.5, 25.0)
    for index in range(100):  # the lag probe: 0.2 ms late, 0.4 ms for a request's two wake-ups
        measurements.trust.observe_wake(index, index + 0.0002)
    state.measurements = measurements
    state.running = True
    state.run_id = "run-1"
    return measurements


def test_live_document_before_any_run_lists_the_gates_waiting() -> None:
    state, _keep = _state()
    document = live_document(state, STARTED)
    assert document["state"] == "ready"
    assert [(g["gate"], g["threshold"], g["current"], g["passed"]) for g in document["gates"]] == [
        ("p99<5ms", "< 5 ms", NOT_YET, None), ("error_rate<0.01", "< 1%", NOT_YET, None),
        ("violations==0", "== 0", NOT_YET, None), ("late<=1%", "<= 1%", NOT_YET, None),
        ("cpu<90%", "< 90%", NOT_YET, None), ("trust<=100%", "<= 100%", NOT_YET, None)]


def test_live_document_evaluates_every_gate_on_the_running_figures() -> None:
    state, _keep = _state()
    _running(state)
    document = live_document(state, STARTED + 2.0)
    by_gate = {g["gate"]: (g["current"], g["passed"]) for g in document["gates"]}
    assert by_gate == {"p99<5ms": ("1.980 ms", True), "error_rate<0.01": ("10% (10/100)", False),
                       "violations==0": ("10 check failures in 10 responses that broke the contract "
                                         "(request_id_echo 10)", False),
                       "cpu<90%": ("35% of one core (max)", True),
                       "trust<=100%": ("20% of the 2.0 ms bound (lag p99 0.2 ms)", True),
                       "late<=1%": ("0% (0 of 100 scheduled)", True)}
    assert (document["state"], document["requests"], document["elapsed_s"]) == ("running", 100, 2.0)


def test_live_document_keeps_one_redacted_example_per_violated_check() -> None:
    state, _keep = _state()
    register_secret(SECRET)
    try:
        _running(state)
        document = live_document(state, STARTED + 2.0)
    finally:
        forget_secrets()
    assert [(v["check"], v["count"]) for v in document["violations"]] == [("request_id_echo", 10)]
    example = document["violations"][0]["example"]
    assert example is not None
    assert "x-request-id: sent-id" in example["request"]
    assert SECRET not in example["request"] + example["response"]


def test_live_document_reports_the_latest_and_highest_cpu_sample() -> None:
    state, _keep = _state()
    _running(state)
    assert live_document(state, STARTED + 2.0)["cpu"] == [{"source": "local", "now": 25.0, "max": 35.0}]


def test_live_document_names_a_gate_it_cannot_read_and_still_shows_the_defaults() -> None:
    state, _keep = _state(())
    with pytest.raises(GateError) as refused:  # the web UI's start form: the options are read, the gate refused
        LoadOptions.from_namespace(argparse.Namespace(gates="p99 under 5ms"))
    state.stop_reason = f"not started: {refused.value}"  # as loadtests._listeners.on_test_start records it
    document = live_document(state, STARTED)
    assert document["problem"] is not None
    assert "p99 under 5ms" in document["problem"]
    assert [g["gate"] for g in document["gates"]] == ["violations==0", "error_rate<1%", "late<=1%", "cpu<90%",
                                                      "trust<=100%"]


def test_live_rows_show_run_then_gates_then_violations_then_cpu() -> None:
    state, _keep = _state()
    _running(state)
    rows = live_rows(live_document(state, STARTED + 2.0))
    assert [(row["kind"], row["item"], row["result"]) for row in rows] == [
        ("run", "run-1", "FAIL so far"), ("gate", "p99<5ms", "pass"), ("gate", "error_rate<0.01", "FAIL"),
        ("gate", "violations==0", "FAIL"), ("gate", "late<=1%", "pass"), ("gate", "cpu<90%", "pass"),
        ("gate", "trust<=100%", "pass"),
        ("violation", "request_id_echo", "FAIL"),
        ("cpu", "generator CPU (local)", "")]
    assert rows[-2]["threshold"] == CHECKS["request_id_echo"].description  # a check's threshold is its rule
    assert rows[-1]["threshold"] == "< 90% (max)"
    assert rows[-1]["current"] == "now 25%, max 35% of one core"
    assert all("name" not in row for row in rows)  # Locust sorts by `name`: without one, this order stays


def test_compact_example_puts_headers_on_one_line_and_cuts_long_bodies() -> None:
    example = _example("x" * 2000)
    text = compact_example(example)
    request, response = text.split("\n→ ")
    assert request.splitlines()[:2] == ["POST http://127.0.0.1:9/ee/v2/interact?datastreamId=ds",
                                        "x-api-key: [REDACTED]; x-request-id: sent-id"]
    assert request.splitlines()[2].startswith('{ "event": { "xdm": {')
    assert request.endswith("more characters)")
    assert response.splitlines() == ["HTTP 200", "x-request-id: other-id", '{"requestId": "other-id"}']


def test_compact_example_ends_with_the_cause_and_redacts_it_again() -> None:
    example = format_exchange(INTERACT, method="POST", url="/ee/v2/interact", request_headers={}, request_body=None,
                              status=200, response_headers={}, response_body=b"{}",
                              cause="request_id_echo: sent 'a', the body's `requestId` is 'b'")
    assert compact_example(example).endswith("\ncause: request_id_echo: sent 'a', the body's `requestId` is 'b'")
    late = ExampleExchange(operation=INTERACT, request="", response="",
                           cause=f"response_schema: {SECRET} is not of type 'array' at $.handle")
    register_secret(SECRET)  # registered after the example was recorded
    try:
        redacted = redact_example(late, redact)
    finally:
        forget_secrets()
    assert redacted.get("cause") == "response_schema: [REDACTED] is not of type 'array' at $.handle"


def test_live_document_of_a_finished_run_says_the_reports_verdict() -> None:
    state, _keep = _state()
    _running(state)
    state.running = False
    state.verdict = "INTERRUPTED: stopped by SIGINT; 2 of 4 gates failed on what was measured"
    document = live_document(state, STARTED + 2.0)
    assert document["verdict"] == state.verdict
    assert live_rows(document)[0]["result"] == state.verdict


def test_compact_example_opens_with_the_rule_it_broke_redacted_again() -> None:
    example = format_exchange(INTERACT, method="POST", url="/ee/v2/interact", request_headers={}, request_body=None,
                              status=200, response_headers={}, response_body=b"{}",
                              rule=f"request_id_echo: sent '{SECRET}', the body's `requestId` is 'b'")
    register_secret(SECRET)  # registered after the example was recorded
    try:
        cell = compact_example(redact_example(example, redact))
    finally:
        forget_secrets()
    assert cell.splitlines()[:2] == ["request_id_echo: sent '[REDACTED]', the body's `requestId` is 'b'",
                                     "POST /ee/v2/interact"]
