"""The contract suite's client reads at most `max_response_bytes` of a body (`--max-response-bytes`, default
4 MiB), and a suite test failing on a larger one is reported as `response_too_large`, a category of its own."""

from __future__ import annotations

import pytest

from contracts import runs
from contracts.client import Edge, TransportFailure
from contracts.transport import ResponseTooLarge
from tests.large_body_server import serving


@pytest.mark.parametrize("mode", ["length", "chunked", "close"])
def test_contract_client_refuses_a_body_past_its_limit(mode):
    with serving(mode, 5_000_000) as url:
        edge = Edge(url, "ds-1", max_response_bytes=1_000_000)
        with pytest.raises(TransportFailure, match="response_too_large: ") as caught:
            edge.post("/ee/v2/interact", {"event": {}})
    # Counted like any request without a whole answer, with the limit in its cause (contracts.transport).
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
        '<testsuites><testsuite><testcase name="test_interact"><failure message="contracts.client.ResponseTooLarge: '
        'response_too_large: the response body went on past the 10-byte limit (--max-response-bytes)"/></testcase>'
        '<testcase name="test_other"><error message="fixture broke"/></testcase></testsuite></testsuites>')
    found = {record["case"]: record["checks"] for record in runs._unexplained_failures(junit, [])}
    assert found == {"test_interact": ["response_too_large"], "test_other": ["suite_error"]}
