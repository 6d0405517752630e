"""The adapter from our users' responses to the contract's Exchange, and the failure categories."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import orjson
import pytest
from geventhttpclient._parser import HTTPParseError
from geventhttpclient.response import HTTPConnectionClosed
from geventhttpclient.useragent import RetriesExceeded
from locust.stats import StatsError

from contracts._exchange import Exchange
from contracts._violations import ContentTypeMismatch
from loadtests._exchange_adapter import (
    CheckFailed,
    judge_exchange,
    retry_after_seconds,
    status_category,
    transport_category,
    transport_failure,
)
from loadtests._run_end import broken_rule, example_of


@pytest.mark.parametrize(
    ("error", "category"),
    [
        pytest.param(ConnectionRefusedError(111, "Connection refused"), "connection_refused", id="refused"),
        pytest.param(HTTPConnectionClosed("connection closed."), "connection_reset", id="closed"),
        pytest.param(ConnectionResetError(104, "reset"), "connection_reset", id="reset"),
        pytest.param(RetriesExceeded("http://x/", 0, original=TimeoutError("timed out")), "timeout", id="timeout"),
        pytest.param(HTTPParseError("Incomplete response."), "truncated_body", id="truncated"),
        pytest.param(OSError("something else"), "transport_error", id="other"),
    ],
)
def test_transport_category_names_what_happened(error: BaseException, category: str) -> None:
    assert transport_category(error) == category


@pytest.mark.parametrize(
    ("status", "category"),
    [(200, None), (202, None), (204, None), (207, "http_207"), (400, "http_4xx"), (429, "http_429"),
     (503, "http_5xx"), (500, "http_5xx")],
)
def test_status_category_counts_429_apart(status: int, category: str | None) -> None:
    assert status_category(status) == category


def test_check_failed_reads_as_the_bare_check_name_in_locusts_failure_table() -> None:
    failed = CheckFailed(("request_id_echo", "http_5xx"))
    standalone = StatsError("POST", "POST /ee/v2/interact", failed).to_name()
    distributed = StatsError("POST", "POST /ee/v2/interact", StatsError.parse_error(failed)).to_name()
    assert standalone == distributed == "POST POST /ee/v2/interact: request_id_echo"


def test_transport_failure_gives_an_exchange_without_response() -> None:
    failed = transport_failure("POST /ee/v2/interact", {"datastreamId": "d"}, {"X-Request-Id": "r"}, {"event": {}},
                               ConnectionRefusedError(111, "Connection refused"))
    assert failed.categories == ("connection_refused",)
    assert failed.exchange is not None
    assert (failed.exchange.status, failed.exchange.request_headers) == (0, {"x-request-id": "r"})


def test_judge_exchange_puts_the_verdict_before_the_status_category() -> None:
    exchange = Exchange("POST /ee/v2/interact", {"datastreamId": "d"}, {}, {"event": {}}, 299,
                        {"content-type": "application/json"}, b'{"requestId": "r", "handle": []}')
    failed = judge_exchange(exchange)
    assert failed is not None
    assert failed.categories[0] == "status_code_documented"
    assert failed.exchange is exchange


def test_judge_exchange_keeps_each_violations_cause_for_the_example_exchange() -> None:
    body = b'{"requestId": "r-0123456789abcdef", "handle": {"type": "state:store"}}'
    failed = judge_exchange(Exchange("POST /ee/v2/interact", {"datastreamId": "d", "requestId": "r"}, {},
                                     {"event": {}}, 200, {"content-type": "application/json"}, body))
    assert failed is not None
    assert failed.categories == ("response_schema", "handle_shape")
    assert failed.causes[1] == "handle_shape: `handle` is an object, not an array"
    assert failed.causes[0].startswith("response_schema: ")
    assert failed.causes[0].endswith(" at $.handle")
    example = example_of("POST /ee/v2/interact", failed, {"request_type": "POST", "url": "http://x/ee/v2/interact"})
    assert example["response"].startswith("HTTP 200\n")
    assert example.get("cause") == f"{failed.causes[0]}\nhandle_shape: `handle` is an object, not an array"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    date = format_datetime(datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC), usegmt=True)
    assert retry_after_seconds({"retry-after": "7"}, now) == 7.0
    assert retry_after_seconds({"retry-after": date}, now) == pytest.approx(30.0)
    assert retry_after_seconds({"retry-after": "soon"}, now) is None
    assert retry_after_seconds({}, now) is None


def test_example_of_names_the_rule_of_the_category_it_is_kept_for() -> None:
    body = b'{"requestId": "r-0123456789abcdef", "handle": {"type": "state:store"}}'
    failed = judge_exchange(Exchange("POST /ee/v2/interact", {"datastreamId": "d", "requestId": "r"}, {}, {"event": {}},
                                     200, {"content-type": "application/json"}, body))
    request = {"request_type": "POST", "url": "http://x/ee/v2/interact"}
    handle = example_of("POST /ee/v2/interact", failed, request, "handle_shape")
    schema = example_of("POST /ee/v2/interact", failed, request, "response_schema")
    assert handle.get("rule") == "handle_shape: `handle` is an object, not an array"
    assert schema.get("rule", "").startswith("response_schema: ")
    assert schema.get("rule", "").endswith(" at $.handle")


@pytest.mark.parametrize(
    ("category", "failure", "rule"),
    [
        pytest.param("content_type", CheckFailed(("content_type",), violations=(ContentTypeMismatch("the rule"),)),
                     "content_type: the rule", id="violation-without-cause"),
        pytest.param("connection_refused", CheckFailed(("connection_refused",), Exchange(
            "POST /ee/v2/interact", {}, {}, None, 0, {}, b"")),
                     "connection_refused: the connection was refused", id="transport"),
        pytest.param("http_4xx", CheckFailed(("http_4xx",), Exchange(
            "POST /ee/v2/interact", {}, {}, None, 400, {}, orjson.dumps(
                {"type": "https://ns.adobe.com/aep/errors/EXEG-0003-400", "title": "Datastream not found"}))),
                     "http_4xx: the target answered HTTP 400 (EXEG-0003-400: Datastream not found)", id="status"),
        pytest.param("http_5xx", CheckFailed(("http_5xx",), Exchange(
            "POST /ee/v2/interact", {}, {}, None, 503, {}, b"busy")),
                     "http_5xx: the target answered HTTP 503", id="status-without-problem"),
        pytest.param("http_error", RuntimeError("boom"), "http_error: RuntimeError('boom')", id="own-user"),
    ],
)
def test_broken_rule_says_which_check_failed_and_why(category: str, failure: BaseException, rule: str) -> None:
    assert broken_rule(category, failure) == rule
