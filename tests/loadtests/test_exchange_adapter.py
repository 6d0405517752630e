"""The adapter from Locust responses to the contract's Exchange, and the failure categories."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import orjson
import pytest
from geventhttpclient._parser import HTTPParseError
from geventhttpclient.response import HTTPConnectionClosed
from geventhttpclient.useragent import RetriesExceeded
from locust.contrib.fasthttp import FastHttpSession, LocustBadStatusCode
from locust.event import Events
from locust.stats import StatsError

from contracts.exchange import Exchange
from contracts.violations import ContentTypeMismatch
from emulator.config import DEFAULT_DATASTREAM_ID
from emulator.server import RunningEmulator
from loadtests.exchange_adapter import (
    CheckFailed,
    categorise,
    retry_after_seconds,
    status_category,
    transport_category,
)
from loadtests.run_end import broken_rule, example_of
from tests.loadtests.conftest import set_faults


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


class FakeResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, exception: BaseException | None) -> None:
        self.status_code = status
        self.headers = headers
        self.content = body
        self.request_meta: dict[str, Any] = {"exception": exception}


def test_categorise_gives_a_transport_failure_an_exchange_without_response() -> None:
    response = FakeResponse(0, {}, b"", ConnectionRefusedError(111, "Connection refused"))
    failed = categorise("POST /ee/v2/interact", {"datastreamId": "d"}, {"X-Request-Id": "r"}, {"event": {}}, response)
    assert failed is not None
    assert failed.categories == ("connection_refused",)
    assert failed.exchange is not None
    assert (failed.exchange.status, failed.exchange.request_headers) == (0, {"x-request-id": "r"})


def test_categorise_judges_a_status_error_with_the_verdict_first() -> None:
    response = FakeResponse(299, {"Content-Type": "application/json"}, b'{"requestId": "r", "handle": []}',
                            LocustBadStatusCode("http://x/", code=299))
    failed = categorise("POST /ee/v2/interact", {"datastreamId": "d"}, {}, {"event": {}}, response)
    assert failed is not None
    assert failed.categories[0] == "status_code_documented"
    assert failed.exchange is not None
    assert failed.exchange.response_headers["content-type"] == "application/json"


def test_categorise_keeps_each_violations_cause_for_the_example_exchange() -> None:
    body = b'{"requestId": "r-0123456789abcdef", "handle": {"type": "state:store"}}'
    response = FakeResponse(200, {"Content-Type": "application/json"}, body, None)
    failed = categorise("POST /ee/v2/interact", {"datastreamId": "d", "requestId": "r"}, {}, {"event": {}}, response)
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


# --- against the emulator's faults: what geventhttpclient really raises ------------------------------------------

@pytest.fixture
def session(emulator: RunningEmulator) -> FastHttpSession:
    return FastHttpSession(emulator.url, Events().request, None, max_retries=0, network_timeout=0.5,
                          connection_timeout=0.5)


def _categories(session: FastHttpSession, path: str = "/ee/v2/interact") -> tuple[str, ...]:
    query = {"datastreamId": DEFAULT_DATASTREAM_ID}
    body = {"event": {"xdm": {"identityMap": {"ECID": [{"id": "1" * 38, "primary": True}]},
                              "eventType": "web.webpagedetails.pageViews", "timestamp": "2026-01-01T00:00:00Z"}}}
    headers = {"content-type": "application/json", "x-request-id": "6f1c2b0a-2a7e-4c3e-9d0f-1b2c3d4e5f60"}
    with session.post(f"{path}?datastreamId={DEFAULT_DATASTREAM_ID}", data=orjson.dumps(body), headers=headers,
                      catch_response=True) as response:
        failed = categorise("POST /ee/v2/interact", query, headers, body, response)
        response.success()
    return () if failed is None else failed.categories


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "category"),
    [
        pytest.param(None, None, id="none"),
        pytest.param("truncated-body", "truncated_body", id="truncated"),
        pytest.param("connection-reset", "connection_reset", id="reset"),
        pytest.param("stall", "timeout", id="stall"),
        pytest.param("rate-limit", "http_429", id="429"),
        pytest.param("request-id-not-echoed", "request_id_echo", id="echo"),
    ],
)
def test_categorise_against_the_emulators_faults(
    emulator: RunningEmulator, session: FastHttpSession, fault: str | None, category: str | None
) -> None:
    if fault:
        set_faults(emulator.url, fault)
    assert _categories(session) == (() if category is None else (category,))


@pytest.mark.slow
def test_categorise_a_closed_port_as_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = FastHttpSession(f"http://127.0.0.1:{port}", Events().request, None, max_retries=0)
    assert _categories(session) == ("connection_refused",)


def test_example_of_names_the_rule_of_the_category_it_is_kept_for() -> None:
    body = b'{"requestId": "r-0123456789abcdef", "handle": {"type": "state:store"}}'
    response = FakeResponse(200, {"Content-Type": "application/json"}, body, None)
    failed = categorise("POST /ee/v2/interact", {"datastreamId": "d", "requestId": "r"}, {}, {"event": {}}, response)
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
