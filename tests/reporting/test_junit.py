"""The one JUnit XML writer: counts from the cases, optional attributes, properties, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reporting import junit

PASSING = junit.Case("edgeload.gates", "p95<10ms", time="0")
FAILING = junit.Case("edgeload.gates", "error_rate<1%",
                     junit.Failure("measured 3 %", "threshold 1 %", "AssertionError"), properties=[("cases", "7")])


def test_junit_render_counts_tests_and_failures_per_suite_and_overall() -> None:
    root = ET.fromstring(junit.render("edgeload", [junit.Suite("gates", [PASSING, FAILING]),
                                                   junit.Suite("checks", [FAILING])]))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "0")
    assert [(suite.get("name"), suite.get("tests"), suite.get("failures")) for suite in root] == [
        ("gates", "2", "1"), ("checks", "1", "1")]


def test_junit_render_writes_failure_message_type_text_and_case_properties() -> None:
    case = ET.fromstring(junit.render("edgeload", [junit.Suite("gates", [FAILING])])).find("./testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type"), failure.text) == ("measured 3 %", "AssertionError",
                                                                           "threshold 1 %")
    assert [(p.get("name"), p.get("value")) for p in case.iterfind("./properties/property")] == [("cases", "7")]


def test_junit_render_leaves_out_the_attributes_not_given() -> None:
    document = junit.render("edgeload contract", [junit.Suite("contract.pytest", [
        junit.Case("contract.pytest", "op :: check", junit.Failure("1 of 2 cases", "failing cases:\ntest_b"))])])
    assert document.splitlines()[:4] == [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<testsuites name="edgeload contract" tests="1" failures="1" errors="0">',
        '  <testsuite name="contract.pytest" tests="1" failures="1" errors="0" skipped="0">',
        '    <testcase classname="contract.pytest" name="op :: check">',
    ]
    assert '<failure message="1 of 2 cases">' in document
    assert document.endswith("</testsuites>\n")


def test_junit_render_writes_suite_time_timestamp_and_properties() -> None:
    suite = ET.fromstring(junit.render("edgeload", [junit.Suite(
        "edgeload.verdict", [PASSING], properties=[("verdict", "PASS")], time="6.000",
        timestamp="2023-11-14T22:13:20")], time="6.000"))
    assert suite.get("time") == "6.000"
    element = suite.find("testsuite")
    assert element is not None
    assert (element.get("time"), element.get("timestamp")) == ("6.000", "2023-11-14T22:13:20")
    assert [(p.get("name"), p.get("value")) for p in element.iterfind("./properties/property")] == [("verdict",
                                                                                                     "PASS")]


def test_junit_render_escapes_markup_and_replaces_characters_xml_cannot_hold() -> None:
    body = 'response <b>"bad"</b> & \x00\x1b end'
    case = junit.Case("c", "name\x07", junit.Failure(body, body))
    document = junit.render("edgeload", [junit.Suite("s", [case])])
    parsed = ET.fromstring(document).find("./testsuite/testcase")
    assert parsed is not None
    assert parsed.get("name") == "name\ufffd"
    failure = parsed.find("failure")
    assert failure is not None
    assert failure.get("message") == failure.text == 'response <b>"bad"</b> & \ufffd\ufffd end'
    assert "<b>" not in document
