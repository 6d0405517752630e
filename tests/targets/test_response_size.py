"""Both contract runners read at most `max_response_bytes` of a body (`--max-response-bytes`, default 4 MiB): the
suite's client, and schemathesis through contract_runner/_st_exchanges.py; a larger body is reported as
`response_too_large`, a category of its own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from contract_runner import _runs as runs
from contract_runner import _st_exchanges as st_exchanges
from contract_runner._client import Edge, TransportFailure
from targets._transport import ResponseTooLarge, category_of
from tests.edgeload_runs import ROOT
from tests.large_body_server import serving


@pytest.mark.parametrize("mode", ["length", "chunked", "close"])
def test_contract_client_refuses_a_body_past_its_limit(mode):
    with serving(mode, 5_000_000) as url:
        edge = Edge(url, "ds-1", max_response_bytes=1_000_000)
        with pytest.raises(TransportFailure, match="response_too_large: ") as caught:
            edge.post("/ee/v2/interact", {"event": {}})
    # Counted like any request without a whole answer, with the limit in its cause (targets._transport).
    assert caught.value.category == "response_too_large"
    assert isinstance(caught.value.__cause__, ResponseTooLarge)
    assert "past the 1000000-byte limit" in caught.value.detail


def test_contract_client_reads_a_body_within_its_limit_whole():
    with serving("chunked", 3000) as url:
        exchange = Edge(url, "ds-1", max_response_bytes=3000).post("/ee/v2/interact", {"event": {}})
    assert (exchange.status, exchange.response_body) == (200, b"x" * 3000)


def test_suite_failure_on_a_body_past_the_limit_is_reported_as_response_too_large(tmp_path):
    junit = tmp_path / "suite-junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase name="test_interact">'
        '<failure message="contract_runner._client.ResponseTooLarge: '
        'response_too_large: the response body went on past the 10-byte limit (--max-response-bytes)"/></testcase>'
        '<testcase name="test_other"><error message="fixture broke"/></testcase></testsuite></testsuites>')
    found = {record["case"]: record["checks"] for record in runs._unexplained_failures(junit, [])}
    assert found == {"test_interact": ["response_too_large"], "test_other": ["suite_error"]}


@pytest.mark.parametrize("mode", ["length", "chunked", "close"])
def test_schemathesis_reader_stops_at_the_limit_and_counts_it_too_large(mode):
    # What schemathesis' process reads through contract_runner/_st_exchanges.py: at most the limit, then the category.
    with serving(mode, 5_000_000) as url:
        response = requests.post(f"{url}/ee/v2/interact", json={}, stream=True, timeout=30)
        with pytest.raises(requests.ConnectionError) as caught:
            st_exchanges.read_bounded(response, 1_000_000)
    assert category_of(caught.value) == "response_too_large"
    assert "past the 1000000-byte limit" in str(caught.value)


def test_schemathesis_reader_keeps_a_body_within_the_limit_for_schemathesis():
    with serving("chunked", 3000) as url:
        response = requests.post(f"{url}/ee/v2/interact", json={}, stream=True, timeout=30)
        assert st_exchanges.read_bounded(response, 3000) == b"x" * 3000
    assert response.content == b"x" * 3000  # cached: schemathesis reads it from here


@pytest.mark.slow
def test_contract_run_against_large_answers_fails_naming_them_in_the_schemathesis_phase(tmp_path):
    with serving("chunked", 5_000_000) as url:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests._cli", "contract", "--target", url, "--runners", "schemathesis",
             "--phases", "examples", "--max-examples", "1", "--max-response-bytes", "100000",
             "--report-dir", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 1, run.stderr[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    failures = summary["exchanges"]["transport_failures"]
    assert set(failures) == {"response_too_large"}, failures
    assert failures["response_too_large"] > 0
