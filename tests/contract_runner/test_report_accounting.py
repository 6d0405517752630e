"""The contract report's accounting and causes, on hand-built records and tallies: requests sent and answered,
transport failures as failing rows, 207 answers with their EXEG codes, each failure's cause in every output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from contract_runner import _records as records
from contract_runner._report import Report, console_summary, rows, write
from contract_runner._runs import RunResult, schemathesis_records, transport_records
from targets._redaction import MASK, forget_secrets, register_secrets
from targets._transport import Tally

INTERACT = "POST /ee/v2/interact"
SCHEMA = records.Violation(check="response_schema", message="response_schema: the body does not match the "
                           "response schema", detail="'errors' is a required property at $")


def _result() -> tuple[RunResult, RunResult]:
    suite_tally, st_tally = Tally(), Tally()
    for _ in range(3):
        suite_tally.answer(INTERACT, 207, ["EXEG-0201-503"])
    st_tally.answer(INTERACT, 200, [])
    st_tally.failure(INTERACT, "connection_reset", "ConnectionError: reset by peer")
    st_tally.failure(INTERACT, "connection_reset", "ConnectionError: reset by peer")
    suite = RunResult("pytest", 1, [records.CaseRecord(runner="pytest", operation=INTERACT, case="test_a",
                                                       checks=["response_schema"], violations=[SCHEMA])],
                      tally=suite_tally)
    schemathesis = RunResult("schemathesis", 1, list(transport_records("schemathesis", st_tally)), tally=st_tally)
    return suite, schemathesis


def _report() -> Report:
    results = _result()
    return Report("http://127.0.0.1:1", "ds", 1, results, rows(r for result in results for r in result.records))


def test_transport_records_make_one_failed_case_per_request_with_its_cause():
    _, schemathesis = _result()
    assert [record["case"] for record in schemathesis.records] == ["connection_reset 1 of 2", "connection_reset 2 of 2"]
    assert schemathesis.records[0]["violations"] == [{
        "check": "connection_reset",
        "message": "connection_reset: the connection was closed or reset before a complete response",
        "detail": "ConnectionError: reset by peer"}]


def test_console_summary_names_failing_checks_counts_requests_and_207_codes():
    lines = console_summary(_report(), Path("r/report.html"))
    assert lines[0] == ("edgeload contract: fail (3 cases; failing: connection_reset 2, response_schema 1); "
                        "report: r/report.html")
    assert lines[1] == "  requests: 6 sent, 4 answered; transport failures: connection_reset 2"
    assert lines[2] == "  207 answers kept the contract and count as successes: 3 (EXEG codes: EXEG-0201-503 3)"
    assert ("  POST /ee/v2/interact :: response_schema (pytest): 1 of 1: response_schema: the body does not match "
            "the response schema; cause: 'errors' is a required property at $") in lines


def test_json_summary_holds_the_accounting_and_each_rows_causes(tmp_path):
    write(_report(), tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["exchanges"] == {
        "sent": 6, "answered": 4, "transport_failures": {"connection_reset": 2},
        "multi_status": {"answers": 3, "by_operation": {INTERACT: 3}, "exeg_codes": {"EXEG-0201-503": 3}}}
    assert summary["runners"]["schemathesis"]["exchanges"]["transport_failures"] == {"connection_reset": 2}
    assert summary["failures_by_check"] == {"connection_reset": 2, "response_schema": 1}
    schema = next(row for row in summary["failing_checks"] if row["check"] == "response_schema")
    assert schema["causes"] == {"'errors' is a required property at $": 1}


def test_html_and_junit_show_the_causes_and_the_accounting(tmp_path):
    write(_report(), tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "<p id=requests><b>6</b> requests sent, <b>4</b> answered" in html
    assert "<code>connection_reset</code> 2" in html
    assert "<code>EXEG-0201-503</code> &times; 3" in html
    assert "<li><code>&#x27;errors&#x27; is a required property at $</code> &times; 1</li>" in html
    cases = {case.get("name"): case for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    failure = cases["POST /ee/v2/interact :: response_schema"].find("failure")
    assert failure is not None
    assert failure.text is not None
    assert failure.text.startswith("causes:\n'errors' is a required property at $ (x1)\n")


def test_schemathesis_records_split_our_message_from_its_cause_line(tmp_path):
    line = {"ScenarioFinished": {"recorder": {"label": INTERACT, "checks": {"c1": [
        {"name": "handle_shape", "status": "failure", "failure_info": {"failure": {
            "code": "ST901", "title": "Custom check failed: `handle_shape`",
            "message": "handle_shape: `handle` must be an array\ncause: `handle` is missing"}}}]}}}}
    path = tmp_path / "events.ndjson"
    path.write_text(json.dumps(line) + "\n")
    [record] = list(schemathesis_records(path))
    assert record["violations"] == [{"check": "handle_shape", "message": "handle_shape: `handle` must be an array",
                                     "detail": "`handle` is missing"}]


def test_causes_read_from_schemathesis_and_transport_tallies_are_redacted(tmp_path):
    secret = "k9Qx7Lm2Zr8Tv4Wp0003"
    forget_secrets()
    register_secrets([secret])
    try:
        line = {"ScenarioFinished": {"recorder": {"label": INTERACT, "checks": {"c1": [
            {"name": "response_schema", "status": "failure", "failure_info": {"failure": {
                "message": f"response_schema: the body does not match the response schema\ncause: '{secret}' is "
                           "not of type 'array' at $.handle"}}}]}}}}
        path = tmp_path / "events.ndjson"
        path.write_text(json.dumps(line) + "\n")
        [record] = list(schemathesis_records(path))
        tally = Tally()
        tally.failure(INTERACT, "timeout", f"ReadTimeout: http://x/?api_key={secret}")
        [transport] = list(transport_records("schemathesis", tally))
    finally:
        forget_secrets()
    details = [record["violations"][0].get("detail", ""), transport["violations"][0].get("detail", "")]
    assert all(MASK in detail and secret not in detail for detail in details), details
