from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html import escape
from html.parser import HTMLParser

import pytest

from contracts._checks import REGISTRY as CHECKS
from loadtests._gates import evaluate, parse_gates
from loadtests._measurements import Measurements
from loadtests._reports import format_exchange, format_summary, write_reports
from loadtests._reports import writer as report_writer
from loadtests._run_summary import RunSummary
from reporting import ReportFormat
from targets._transport import RULES as TRANSPORT_RULES

INTERACT = "POST /ee/v2/interact"
COLLECT = "POST /ee/v2/collect"
STARTED = 1_700_000_000.0
SECRET = "FAKE-s3cr3t-9f8e7d6c5b4a"  # must never appear in any written file
HEADLINE = "FAIL: 3 of 8 gates failed (POST /ee/v2/collect: p99<1ms, violations==0, error_rate<1%)"
RULES = {"request_id_echo": "request_id_echo: sent 'sent-id', the body's `requestId` is 'other'",
         "timeout": "timeout: no complete response within the client's timeout"}
FILES = ["junit.xml", "summary.json", "summary.md", "rps.png", "latency.png", "errors.png", "index.html"]


def _run() -> RunSummary:
    m = Measurements(STARTED, warmup_until=STARTED + 1)
    for index in range(600):
        at = STARTED + index / 100
        failure = "request_id_echo" if index % 50 == 7 else "timeout" if index % 120 == 3 else None
        m.record(INTERACT if index % 3 else COLLECT, 800 + (index % 40) * 100, failure, at)
        if failure and m.wants_example(failure):
            m.record_example(failure, format_exchange(
                INTERACT, method="POST", url=f"http://127.0.0.1:9/ee/v2/interact?dataStreamId=ds&api_key={SECRET}",
                request_headers={"authorization": f"Bearer {SECRET}", "x-api-key": SECRET,
                                 "content-type": "application/json"},
                request_body={"event": {"xdm": {"eventType": "web.webpagedetails.pageViews"}},
                              "client_secret": SECRET},
                status=200 if failure != "timeout" else None, note="no response within 5 s",
                response_headers={"x-request-id": "abc"}, response_body=b'{"requestId": "other"}',
                cause=f"request_id_echo: sent 'sent-id', the body's `requestId` is 'other' api_key={SECRET}"
                if failure == "request_id_echo" else "", rule=RULES[failure]))
    m.record_late(2, STARTED + 3.5)
    for second in range(7):
        m.record_cpu(STARTED + second, 30.0 + second)
    for index in range(200):  # the lag probe, well within the bound
        m.trust.observe_wake(index, index + 0.0002)
    summary = m.summary(STARTED + 6.0, settings={"target_rps": 100, "users": 10, "client_secret": SECRET,
                                                 "headers": {"Authorization": f"Bearer {SECRET}"}})
    summary.stop_reason = f"interrupted (SIGTERM) while sending Authorization: Bearer {SECRET}"
    return summary


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    directory = tmp_path_factory.mktemp("run")
    (directory / "locust.html").write_text("<html>locust</html>")
    summary = _run()
    results = evaluate(parse_gates(["p95<10ms", "rps>=95%", f"{COLLECT}: p99<1ms"]), summary, 100.0)
    errors: list[str] = []
    written = write_reports(directory, summary, results, {"api_key": "opaque-looking-value"}, on_error=errors.append)
    return directory, written, errors, results


def test_write_reports_writes_every_file(report):
    directory, written, errors, _ = report
    assert errors == []
    assert [path.name for path in written] == FILES
    assert all((directory / name).stat().st_size > 0 for name in FILES)


def test_write_reports_json_has_counts_percentiles_failures_gates_cpu_late(report):
    directory, *_ = report
    document = json.loads((directory / "summary.json").read_text())
    assert (document["verdict"], document["verdict_word"], document["exit_code"], document["passed"]) == (
        "fail", "FAIL", 1, False)
    assert document["headline"] == HEADLINE
    assert document["default_gates"] == ["violations==0", "error_rate<1%", "late<=1%", "cpu<90%", "trust<=100%"]
    assert document["total_requests"] == 600
    assert document["overall"]["warmup_requests"] == 100
    assert document["operations"][INTERACT]["requests"] + document["operations"][COLLECT]["requests"] == 500
    assert document["violations_by_check"] == {"request_id_echo": 12}
    assert document["total_failures_by_category"] == {"request_id_echo": 12, "timeout": 5}
    assert document["late"] == 2
    assert document["cpu"]["max"] == 36.0
    assert [g["gate"] for g in document["gates"]] == ["p95<10ms", "rps>=95%", f"{COLLECT}: p99<1ms",
                                                      "violations==0", "error_rate<1%", "late<=1%", "cpu<90%",
                                                      "trust<=100%"]
    assert [g["passed"] for g in document["gates"]] == [True, True, False, False, False, True, True, True]
    assert [g["default"] for g in document["gates"]] == [False, False, False, True, True, True, True, True]
    measured = sorted(800 + (index % 40) * 100 for index in range(100, 600))  # what _run() recorded after warm-up
    assert document["overall"]["p50_ms"] == pytest.approx(measured[249] / 1000, rel=0.001)
    assert document["overall"]["max_ms"] == measured[-1] / 1000
    assert document["settings"]["target_rps"] == 100
    assert len(document["timeline"]) == 6


def test_write_reports_junit_has_one_case_per_gate_and_per_failing_check(report):
    directory, *_ = report
    root = ET.parse(directory / "junit.xml").getroot()
    assert root.tag == "testsuites"
    cases = {(case.get("classname"), case.get("name")): case for case in root.iter("testcase")}
    assert sorted(cases) == sorted([
        ("edgeload.gates", "p95<10ms"), ("edgeload.gates", "rps>=95%"), ("edgeload.gates", f"{COLLECT}: p99<1ms"),
        ("edgeload.gates", "violations==0 (default)"), ("edgeload.gates", "error_rate<1% (default)"),
        ("edgeload.gates", "late<=1% (default)"), ("edgeload.gates", "cpu<90% (default)"),
        ("edgeload.gates", "trust<=100% (default)"),
        ("edgeload.verdict", "verdict"), ("edgeload.checks", "request_id_echo"), ("edgeload.failures", "timeout")])
    failed = {name for (_, name), case in cases.items() if case.find("failure") is not None}
    assert failed == {f"{COLLECT}: p99<1ms", "violations==0 (default)", "error_rate<1% (default)", "verdict",
                      "request_id_echo", "timeout"}
    assert (root.get("tests"), root.get("failures")) == ("11", "6")
    verdict = cases[("edgeload.verdict", "verdict")].find("failure")
    assert verdict is not None
    assert verdict.get("message") == HEADLINE
    assert {p.get("name"): p.get("value") for p in root.iter("property")} == {"verdict": "FAIL", "exit_code": "1"}
    assert "--- request ---" in (cases[("edgeload.checks", "request_id_echo")].findtext("failure") or "")


def test_write_reports_markdown_opens_with_verdict_and_lists_gates(report):
    directory, *_ = report
    text = (directory / "summary.md").read_text()
    assert text.splitlines()[0] == f"# ❌ edgeload: {HEADLINE}"
    assert ("| `violations==0` (default) | == 0 | 12 check failures in 12 responses that broke the contract "
            "(request_id_echo 12) | ❌ fail |") in text
    assert "Default gates: `violations==0`, `error_rate<1%`, `late<=1%`, `cpu<90%`, `trust<=100%`" in text
    assert "| `p95<10ms` | < 10 ms |" in text
    assert f"| `request_id_echo` | contract | {_md(CHECKS['request_id_echo'].description)} | 12 | " in text
    timeout_row = (f"| `timeout` | transport/HTTP | {TRANSPORT_RULES['timeout']} | 5 | {RULES['timeout']} "
                   f"(on `{INTERACT}`) |")
    assert timeout_row in text


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def test_write_reports_charts_are_real_pngs(report):
    directory, *_ = report
    for name in ("rps.png", "latency.png", "errors.png"):
        data = (directory / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        assert len(data) > 5_000, name
        assert int.from_bytes(data[16:20], "big") == 800  # IHDR width: 8 in at 100 dpi


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.resources: list[tuple[str, str]] = []  # (tag, url) of everything the page loads or links
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "srcset", "data", "action"} and value is not None:
                self.resources.append((tag, value))

    def handle_data(self, data):
        self.text.append(data)


def test_write_reports_index_page_reads_at_a_glance_and_is_self_contained(report):
    directory, *_ = report
    html = (directory / "index.html").read_text()
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    assert text.index(HEADLINE) < text.index("Gates") < text.index("Charts")
    assert '<section class="verdict fail" id="verdict" data-verdict="FAIL">' in html
    assert re.search(r"<td><code>violations==0</code> <span class=muted>default</span></td><td>== 0</td>"
                     r"<td>12 check failures in 12 responses that broke the contract \(request_id_echo 12\)</td>"
                     r"<td><span class=ko>fail</span></td>", html)
    assert "Default gates: violations==0, error_rate<1%, late<=1%, cpu<90%, trust<=100%" in text
    rule = escape(CHECKS["request_id_echo"].description)
    assert f"<td><code>request_id_echo</code></td><td>contract check</td><td>{rule}</td><td class=n>12</td>" in html
    images = [url for tag, url in page.resources if tag == "img"]
    assert images == ["rps.png", "latency.png", "errors.png"]
    assert all((directory / url).is_file() for url in images)
    links = [url for tag, url in page.resources if tag == "a"]
    assert set(links) == {"junit.xml", "summary.json", "summary.md", "locust.html"}
    assert all((directory / url).is_file() for url in links)
    assert not [url for _, url in page.resources if re.match(r"(?i)(https?:)?//", url)]
    for loader in ("<script", "<link", "@import", "<iframe"):
        assert loader not in html
    assert re.search(r"Example:\s+request_id_echo\s+on\s+POST /ee/v2/interact", text)


def test_write_reports_never_writes_a_secret(report):
    directory, *_ = report
    for path in directory.iterdir():
        if path.name != "locust.html":
            data = path.read_bytes()
            assert SECRET.encode() not in data, path.name
            assert b"opaque-looking-value" not in data, path.name
    assert "[REDACTED]" in (directory / "index.html").read_text()


def test_write_reports_a_failing_writer_does_not_stop_the_others(tmp_path, monkeypatch):
    def broken(run, folder):
        raise RuntimeError(f"renderer exploded near client_secret={SECRET}")

    reports = [replace(report, render=broken) if report.file_name == "rps.png" else report
               for report in report_writer.REPORTS]
    monkeypatch.setattr(report_writer, "REPORTS", tuple(reports))
    errors: list[str] = []
    written = write_reports(tmp_path, _run(), [], on_error=errors.append)
    assert [path.name for path in written] == [name for name in FILES if name != "rps.png"]
    assert len(errors) == 1
    assert errors[0].startswith(f"edgeload: could not write {tmp_path / 'rps.png'}: RuntimeError: renderer exploded")
    assert SECRET not in errors[0]
    assert "rps.png" not in [url for url in re.findall(r"src='([^']+)'", (tmp_path / "index.html").read_text())]
    assert [report.file_name for report in report_writer.REPORTS] == FILES


def test_write_reports_applies_the_given_redact_function(tmp_path):
    def shout(text: str) -> str:
        return text.replace("requestId", "REDACTED-BY-CALLER")

    write_reports(tmp_path, _run(), [], redact=shout)
    assert "REDACTED-BY-CALLER" in (tmp_path / "index.html").read_text()
    assert '"requestId"' not in (tmp_path / "index.html").read_text()


def test_write_reports_show_each_examples_cause_redacted(report):
    directory, *_ = report
    cause = ("request_id_echo: sent &#x27;sent-id&#x27;, the body&#x27;s `requestId` is &#x27;other&#x27; "
             "api_key=[REDACTED]")
    assert f"<p>Cause</p><pre class=cause>{cause}</pre>" in (directory / "index.html").read_text()
    junit = (directory / "junit.xml").read_text()
    assert ("--- cause ---\nrequest_id_echo: sent 'sent-id', the body's `requestId` is 'other' "
            "api_key=[REDACTED]") in junit
    summary = json.loads((directory / "summary.json").read_text())
    assert summary["examples"]["request_id_echo"]["cause"].endswith("is 'other' api_key=[REDACTED]")
    assert "cause" not in summary["examples"]["timeout"]


def test_write_reports_name_responses_that_broke_the_contract_apart_from_check_failures(report):
    directory, *_ = report
    counts = "12 responses broke the contract (whole run): 12 check failures (request_id_echo 12)"
    assert f"<p id=contract-counts>{counts}</p>" in (directory / "index.html").read_text()
    assert f"\n{counts}\n" in (directory / "summary.md").read_text()
    summary = json.loads((directory / "summary.json").read_text())
    assert (summary["broken_responses"], summary["violations"]) == (12, 12)


def test_write_reports_name_the_rule_each_example_broke(report):
    directory, *_ = report
    echo, timeout = RULES["request_id_echo"], RULES["timeout"]
    html = (directory / "index.html").read_text()
    assert f"<p class=rule>{escape(echo)}</p>" in html
    assert f"<p class=rule>{escape(timeout)}</p>" in html
    markdown = (directory / "summary.md").read_text()
    rule = _md(CHECKS["request_id_echo"].description)
    assert f"| `request_id_echo` | contract | {rule} | 12 | {echo} (on `{INTERACT}`) |" in markdown
    summary = json.loads((directory / "summary.json").read_text())
    assert summary["examples"]["timeout"]["rule"] == timeout
    messages = [failure.get("message") for failure in ET.parse(directory / "junit.xml").getroot().iter("failure")]
    assert f"request_id_echo: 12 failures; e.g. {echo}" in messages


def test_console_summary_names_the_rule_each_example_broke():
    lines = format_summary(_run()).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("failures by category"))
    assert lines[at + 1:at + 3] == [f"  {RULES['request_id_echo']} (on {INTERACT})",
                                    f"  {RULES['timeout']} (on {INTERACT})"]


def test_write_reports_links_a_format_added_to_the_registry_from_the_page(tmp_path, monkeypatch):
    extra = ReportFormat("requests", "requests.txt", "Requests per operation",
                         lambda run, _: f"{run.summary.total_requests}\n")
    reports = report_writer.REPORTS
    monkeypatch.setattr(report_writer, "REPORTS", (*reports[:-1], extra, reports[-1]))
    written = write_reports(tmp_path, _run(), [], locust_html=None, on_error=pytest.fail)
    assert [path.name for path in written] == [*FILES[:-1], "requests.txt", "index.html"]
    assert (tmp_path / "requests.txt").read_text() == "600\n"
    page = (tmp_path / "index.html").read_text()
    assert ("<li><a href='summary.md'>Markdown summary</a> <code>summary.md</code></li>"
            "<li><a href='requests.txt'>Requests per operation</a> <code>requests.txt</code></li>") in page
