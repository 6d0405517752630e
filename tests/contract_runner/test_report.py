"""Grouping records per operation and check, and the three report files, on hand-built records."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from html import escape

import orjson

from contract_runner import _records as records
from contract_runner import _report as contract_report
from contract_runner._report import Report, console_summary, rows, write
from contract_runner._reproduction import curl_command, setup_note
from contract_runner._runs import RunResult, schemathesis_records
from contracts._checks import REGISTRY
from targets._redaction import redact_tree

OK = records.CaseRecord(runner="pytest", operation="POST /ee/v2/interact", case="test_a", checks=["content_type",
                        "request_id_echo"], violations=[])
BAD = records.CaseRecord(runner="pytest", operation="POST /ee/v2/interact", case="test_b",
                         checks=["content_type", "request_id_echo"],
                         violations=[records.Violation(check="request_id_echo", message="request_id_echo: rule")])


def report(*case_records: records.CaseRecord, exit_code: int = 1) -> Report:
    result = RunResult("pytest", exit_code, list(case_records))
    return Report("http://127.0.0.1:1", "ds", exit_code, [result], rows(case_records))


def test_rows_count_cases_and_failures_per_operation_and_check():
    table = {(row.operation, row.check): (row.cases, row.failures, row.failed_cases) for row in rows([OK, BAD])}
    assert table == {
        ("POST /ee/v2/interact", "content_type"): (2, 0, []),
        ("POST /ee/v2/interact", "request_id_echo"): (2, 1, ["test_b"]),
    }


def test_junit_has_one_test_case_per_operation_and_check_named_with_the_label(tmp_path):
    write(report(OK, BAD), tmp_path)
    cases = ET.parse(tmp_path / "junit.xml").getroot().findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [
        "POST /ee/v2/interact :: content_type",
        "POST /ee/v2/interact :: request_id_echo",
    ]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "1 of 2 cases: request_id_echo: rule"
    assert cases[0].find("failure") is None


def test_summary_and_html_lead_with_the_verdict(tmp_path):
    write(report(OK, BAD), tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["verdict"], summary["exit_code"], summary["runners"]["pytest"]["failed_cases"]) == ("fail", 1, 1)
    assert summary["failing_checks"][0]["check"] == "request_id_echo"
    assert summary["failing_checks"][0]["rule"] == REGISTRY["request_id_echo"].description
    html = (tmp_path / "report.html").read_text()
    # The load-test report's shape: verdict and why, per operation, per check, then the failing checks.
    order = ["Verdict: fail (1 of 2 operation checks failed)",
             "<li>POST /ee/v2/interact :: request_id_echo (pytest): 1 of 2 cases, request_id_echo: rule</li>",
             'id="operations"', 'id="checks"', 'id="failures"', 'id="details"', 'id="settings"', 'id="files"']
    assert [html.index(text) for text in order] == sorted(html.index(text) for text in order)
    assert "<a href='summary.json'>" in html
    assert "<script" not in html
    assert "src=" not in html
    assert "<link" not in html


def test_html_says_pass_when_every_check_passed(tmp_path):
    write(report(OK, exit_code=0), tmp_path)
    html = (tmp_path / "report.html").read_text()
    verdict = ('<section class="verdict pass" id="verdict" data-verdict="pass">\n'
               '<h1>Verdict: pass (every check passed on every case)</h1>')
    assert verdict in html


def test_schemathesis_records_read_the_ndjson_checks_with_operation_labels(tmp_path):
    event = {"ScenarioFinished": {"recorder": {"label": "POST /ee/{locationHint}/v2/interact", "checks": {
        "c1": [{"name": "not_a_server_error", "status": "success"},
               {"name": "request_id_echo", "status": "failure", "failure_info": {"failure": {
                   "code": "ST901", "title": "Custom check failed", "message": "request_id_echo: the rule"}}},
               {"name": "negative_data_rejection", "status": "failure", "failure_info": {"failure": {
                   "code": "ST201", "title": "Schema-violating request accepted", "message": "value 42"}}}]}}}}
    path = tmp_path / "events.ndjson"
    path.write_bytes(b'{"Initialize": {}}\n' + orjson.dumps(event) + b"\n")
    [record] = list(schemathesis_records(path))
    assert record["operation"] == "POST /ee/v2/interact"
    assert record["checks"] == ["not_a_server_error", "request_id_echo", "negative_data_rejection"]
    assert record["violations"] == [
        {"check": "request_id_echo", "message": "request_id_echo: the rule"},
        {"check": "negative_data_rejection",
         "message": "negative_data_rejection: ST201 Schema-violating request accepted", "detail": "value 42"},
    ]


def test_rows_put_our_checks_first_in_registry_order_then_built_ins():
    record = records.CaseRecord(runner="schemathesis", operation="POST /ee/v2/collect", case="c",
                                checks=["not_a_server_error", "retry_after", "expected_response", "content_type"],
                                violations=[])
    assert [row.check for row in rows([record])] == ["content_type", "retry_after", "expected_response",
                                                     "not_a_server_error"]


def test_html_per_check_table_states_each_rule_from_the_registry(tmp_path):
    write(report(OK, BAD), tmp_path)
    html = (tmp_path / "report.html").read_text()
    for check in ("content_type", "request_id_echo"):
        assert f"<td><code>{check}</code></td><td>{escape(REGISTRY[check].description)}</td>" in html


def test_console_summary_falls_back_to_the_rule_when_a_failure_carries_no_message(tmp_path):
    bare = records.CaseRecord(runner="pytest", operation="POST /ee/v2/interact", case="test_c", checks=["retry_after"],
                              violations=[records.Violation(check="retry_after", message="")])
    lines = console_summary(report(bare), tmp_path)
    assert lines[-1].endswith(f"1 of 1: {REGISTRY['retry_after'].description}")


CURL = curl_command("POST", "http://127.0.0.1:1/ee/v2/interact?datastreamId=ds",
                    {"authorization": "Bearer abcdefgh12345678", "content-type": "application/json"}, b'{"a":"<b>"}')
BAD_WITH_CURL = records.CaseRecord(
    runner="pytest", operation="POST /ee/v2/interact", case="test_c", checks=["request_id_echo"], curl=CURL,
    violations=[records.Violation(check="request_id_echo", message="request_id_echo: rule")])


def test_report_files_show_the_curl_of_each_failing_case(tmp_path):
    write(report(OK, BAD, BAD_WITH_CURL), tmp_path)
    failing = json.loads((tmp_path / "summary.json").read_text())["failing_checks"]
    assert failing[0]["reproductions"] == {"test_c": CURL}
    html = (tmp_path / "report.html").read_text()
    shown = f"{setup_note(CURL)}\n{CURL}".replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<summary>Reproduce <code>test_c</code></summary><pre>{shown}</pre>" in html
    failure = ET.parse(tmp_path / "junit.xml").getroot().find("./testsuite/testcase/failure")
    assert failure is not None
    assert failure.text is not None
    assert failure.text.endswith(f"reproduce the first one:\n{setup_note(CURL)}\n{CURL}")


def test_report_files_with_curls_are_left_unchanged_by_the_redaction_pass(tmp_path):
    write(report(OK, BAD_WITH_CURL), tmp_path)
    assert redact_tree(tmp_path) == []


def test_console_summary_prints_the_first_curl_under_its_failing_row(tmp_path):
    lines = console_summary(report(OK, BAD_WITH_CURL), tmp_path / "report.html")
    row = next(i for i, line in enumerate(lines) if line.startswith("  POST /ee/v2/interact :: request_id_echo"))
    assert lines[row + 1:] == [f"    {line}" for line in [setup_note(CURL), *CURL.splitlines()]]


def test_schemathesis_records_carry_the_status_and_the_curl_of_a_failing_case(tmp_path):
    request = {"method": "POST", "uri": "http://127.0.0.1:1/ee/v2/interact?datastreamId=ds",
               "headers": {"Content-Type": ["application/json"], "Authorization": ["[Filtered]"]},
               "body": {"$base64": base64.b64encode(b'{"event":{}}').decode()}}
    failed = [{"name": "request_id_echo", "status": "failure", "failure_info": {"failure": {
        "code": "ST901", "title": "Custom check failed", "message": "request_id_echo: the rule"}}}]
    event = {"ScenarioFinished": {"recorder": {"label": "POST /ee/v2/interact", "checks": {
        "bad": failed, "good": [{"name": "request_id_echo", "status": "success"}]},
        "interactions": {"bad": {"request": request, "response": {"status_code": 200}},
                         "good": {"request": request, "response": {"status_code": 200}}}}}}
    path = tmp_path / "events.ndjson"
    path.write_bytes(orjson.dumps(event) + b"\n")
    bad, good = schemathesis_records(path, insecure=True)
    assert bad["curl"] == curl_command("POST", request["uri"], [("Content-Type", "application/json"),
                                                                ("Authorization", "[Filtered]")],
                                       b'{"event":{}}', insecure=True)
    assert "[Filtered]" not in bad["curl"]
    assert (bad["status"], good["status"]) == (200, 200)
    assert "curl" not in good


def test_write_a_report_that_fails_costs_only_itself(tmp_path, monkeypatch):
    def broken(report, folder):
        raise OSError("disk full")

    monkeypatch.setattr(contract_report, "REPORTS", tuple(
        dataclasses.replace(entry, render=broken) if entry.name == "junit" else entry
        for entry in contract_report.REPORTS))
    errors: list[str] = []
    written = write(report(OK, BAD), tmp_path, on_error=errors.append)
    assert [path.name for path in written] == ["summary.json", "report.html"]
    assert errors == [f"edgeload contract: could not write {tmp_path / 'junit.xml'}: OSError: disk full"]
    html = (tmp_path / "report.html").read_text()
    assert "<a href='summary.json'>" in html
    assert "junit.xml" not in html


def test_write_links_the_runners_own_files_present_after_the_reports(tmp_path):
    (tmp_path / "schemathesis").mkdir()
    (tmp_path / "schemathesis" / "junit.xml").write_text("<testsuites/>")
    write(report(OK, exit_code=0), tmp_path)
    links = re.findall(r"<a href='([^']+)'>", (tmp_path / "report.html").read_text())
    assert links == ["summary.json", "junit.xml", "schemathesis/junit.xml"]
