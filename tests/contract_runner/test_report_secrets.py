"""Secrets never reach a contract report: one test per format the contract run leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_runner import _records as records
from contract_runner import _report as report
from contract_runner._runs import RunResult
from targets._redaction import forget_secrets, redact_tree, register_secrets

API_KEY = "k9Qx7Lm2Zr8Tv4Wp0002"
CLIENT_SECRET = "p8e-Zq1Xw2Ce3Vr4Bt5M"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
SECRETS = (API_KEY, CLIENT_SECRET, BEARER)
# What schemathesis writes when its own sanitization is off: a curl reproduction line with every header.
CURL = (f"curl -X POST -H 'Authorization: Bearer {BEARER}' -H 'x-api-key: {API_KEY}' "
        "'http://127.0.0.1:9/ee/v2/interact?datastreamId=d'")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Iterator[Path]:
    forget_secrets()
    register_secrets([API_KEY, CLIENT_SECRET])  # the bearer token is left to the JWT pattern
    directory = tmp_path_factory.mktemp("contract")
    violation = records.Violation(check="request_id_echo", message=f"request_id_echo: {CURL} {CLIENT_SECRET}")
    case = records.CaseRecord(runner="schemathesis", operation="POST /ee/v2/interact", case=CURL,
                              checks=["request_id_echo"], violations=[violation])
    result = RunResult("schemathesis", 1, [case], output_tail=CURL)
    outcome = report.Report(f"http://127.0.0.1:9/?k={API_KEY}", "d", 1, [result], report.rows([case]))
    report.write(outcome, directory)
    (directory / "schemathesis").mkdir()
    (directory / "schemathesis" / "junit.xml").write_text(f"<testcase><failure>{CURL}</failure></testcase>")
    (directory / "suite-verdicts.jsonl").write_text(f'{{"case": "{CURL}"}}\n')
    redact_tree(directory)  # what `edgeload contract` does last
    yield directory
    forget_secrets()


@pytest.mark.parametrize("name", ["summary.json", "junit.xml", "report.html", "schemathesis/junit.xml",
                                  "suite-verdicts.jsonl"])
def test_contract_report_format_holds_no_secret(report_dir, name):
    data = (report_dir / name).read_bytes()
    assert [secret for secret in SECRETS if secret.encode() in data] == []
    assert b"[REDACTED]" in data


def test_contract_report_keeps_the_check_name_readable(report_dir):
    assert b"request_id_echo" in (report_dir / "junit.xml").read_bytes()
