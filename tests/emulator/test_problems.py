"""Every documented error the emulator answers, and the shape of its problem+json bodies."""

from __future__ import annotations

import json
import re

import orjson
import pytest

from emulator._config import DEFAULT_DATASTREAM_ID, DEFAULT_ORG_ID
from emulator._problems import MAX_BODY_BYTES
from tests.contracts.reference import SAMPLES, exeg_codes
from tests.emulator.asgi_client import (
    AUTH,
    AUTHENTICATED_ID,
    DEFAULT,
    DISABLED_ID,
    call,
    collect_body,
    interact_body,
    make_app,
)

INTERACT, COLLECT = "/ee/v2/interact", "/ee/v2/collect"
BIG = orjson.dumps({"event": {"xdm": {}, "data": {"blob": "x" * MAX_BODY_BYTES}}})

# (id, path, body, call options, expected EXEG code)
CASES = [
    ("missing-datastream", INTERACT, interact_body(), {"query": {}}, "EXEG-0002-400"),
    ("empty-datastream", INTERACT, interact_body(), {"query": {"datastreamId": ""}}, "EXEG-0002-400"),
    ("unknown-datastream", INTERACT, interact_body(), {"query": {"datastreamId": "BOGUS"}}, "EXEG-0003-400"),
    ("disabled-datastream", INTERACT, interact_body(), {"query": {"datastreamId": DISABLED_ID}}, "EXEG-0004-422"),
    ("invalid-json", INTERACT, b'{"event": ', {}, "EXEG-0101-400"),
    ("json-not-object", INTERACT, b"[1, 2]", {}, "EXEG-0101-400"),
    ("not-utf8", INTERACT, b'{"event": "\xff"}', {}, "EXEG-0101-400"),
    ("interact-no-event", INTERACT, {"events": []}, {}, "EXEG-0103-400"),
    ("interact-event-not-object", INTERACT, {"event": [1]}, {}, "EXEG-0103-400"),
    ("collect-no-events", COLLECT, {"event": {}}, {}, "EXEG-0103-400"),
    ("collect-empty-events", COLLECT, {"events": []}, {}, "EXEG-0103-400"),
    ("collect-event-not-object", COLLECT, {"events": ["x"]}, {}, "EXEG-0102-400"),
    ("bad-request-id", INTERACT, interact_body(), {"query": {**DEFAULT, "requestId": "a b"}}, "EXEG-0102-400"),
    ("empty-body", INTERACT, b"", {}, "EXEG-0109-408"),
    (
        "form-content-type",
        INTERACT,
        interact_body(),
        {"content_type": "application/x-www-form-urlencoded"},
        "EXEG-0111-415",
    ),
    ("no-content-type", INTERACT, interact_body(), {"content_type": None}, "EXEG-0111-415"),
    ("too-large-declared", INTERACT, BIG, {"headers": {"content-length": str(len(BIG))}}, "EXEG-0112-413"),
    ("too-large-streamed", INTERACT, BIG, {"chunk": 8192}, "EXEG-0112-413"),
    ("interact-no-primary", INTERACT, interact_body(None), {}, "EXEG-0306-400"),
    ("collect-second-no-primary", COLLECT, collect_body("a", None), {}, "EXEG-0306-400"),
    ("unauthenticated", INTERACT, interact_body(), {"query": {"datastreamId": AUTHENTICATED_ID}}, "EXEG-0500-401"),
]


def answer_for(path, body, options):
    options = {"query": DEFAULT, **options}
    return call(make_app(), path, body, **options)


@pytest.mark.parametrize(("path", "body", "options", "code"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_problem_status_and_type_match_the_documented_code(path, body, options, code):
    answer = answer_for(path, body, options)
    document = answer.json()
    assert answer.status == int(code[-3:])
    assert document["type"] == f"https://ns.adobe.com/aep/errors/{code}"
    assert document["status"] == answer.status
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("path", "body", "options", "code"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_problem_body_has_the_shape_of_the_documented_examples(path, body, options, code):
    samples = [json.loads(p.read_text()) for p in sorted(SAMPLES.glob("*problem.json"))]
    assert len(samples) == 2
    answer = answer_for(path, body, options)
    document = answer.json()
    for sample in samples:
        assert set(sample) == set(document)
        assert set(document["report"]) <= set(sample["report"]) | {"configId"}
    assert isinstance(document["title"], str)
    assert document["title"]
    assert isinstance(document["detail"], str)
    assert "{" not in document["detail"]
    assert document["report"]["requestId"] == answer.headers["x-request-id"]
    assert re.fullmatch(r".+-[0-9a-f]{16}", document["report"]["requestId"])


def test_problem_titles_follow_the_documentation():
    documented = {c["code"]: c["title"] for c in exeg_codes()}
    # 0306's title is the one in the documented body example, the others the table's.
    own = {"EXEG-0306-400": "No primary identity set in request (event)"}
    for _, path, body, options, code in CASES:
        assert answer_for(path, body, options).json()["title"] == own.get(code, documented[code])


def test_problem_report_names_org_and_datastream_once_known():
    report = answer_for(INTERACT, interact_body(None), {}).json()["report"]
    assert report["orgId"] == DEFAULT_ORG_ID
    assert report["configId"] == DEFAULT_DATASTREAM_ID


def test_problem_unknown_datastream_detail_names_the_id_like_the_real_service():
    document = answer_for(INTERACT, interact_body(), {"query": {"datastreamId": "BOGUS"}}).json()
    assert "The datastream ID 'BOGUS' referenced in your request does not exist" in document["detail"]
    assert set(document["report"]) == {"requestId"}


def test_problem_missing_primary_identity_names_the_event_index():
    document = answer_for(COLLECT, collect_body("a", "b", None), {}).json()
    assert "event #2" in document["detail"]


def test_problem_too_large_asks_the_server_to_close_the_connection():
    answer = answer_for(INTERACT, BIG, {"chunk": 8192})
    assert answer.headers["connection"] == "close"


def test_problem_body_of_exactly_64_kb_is_accepted():
    body = orjson.dumps(interact_body())
    padded = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    assert len(padded) == MAX_BODY_BYTES
    assert answer_for(INTERACT, padded, {"chunk": 10000}).status == 200


def test_problem_authenticated_datastream_accepts_bearer_token_and_headers():
    answer = answer_for(INTERACT, interact_body(), {"query": {"datastreamId": AUTHENTICATED_ID}, "headers": AUTH})
    assert answer.status == 200


def test_problem_authenticated_datastream_rejects_a_missing_api_key():
    headers = {k: v for k, v in AUTH.items() if k != "x-api-key"}
    answer = answer_for(INTERACT, interact_body(), {"query": {"datastreamId": AUTHENTICATED_ID}, "headers": headers})
    assert answer.status == 401


def test_problem_checks_run_in_documented_order_datastream_before_body():
    answer = answer_for(INTERACT, b"", {"query": {"datastreamId": "BOGUS"}})
    assert answer.json()["type"].endswith("EXEG-0003-400")


def run_counting_receives(content_length: str | None, chunks: int) -> tuple[int, int]:
    """Drive the app with `chunks` 8 KB body messages; returns (status, receive() calls made)."""
    import asyncio

    calls = 0

    async def receive():
        nonlocal calls
        calls += 1
        return {"type": "http.request", "body": b"x" * 8192, "more_body": calls < chunks}

    sent = []

    async def send(message):
        sent.append(message)

    headers = [(b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", content_length.encode()))
    scope = {
        "type": "http",
        "method": "POST",
        "path": INTERACT,
        "query_string": b"datastreamId=" + DEFAULT_DATASTREAM_ID.encode(),
        "headers": headers,
    }
    asyncio.run(make_app()(scope, receive, send))
    return sent[0]["status"], calls


def test_problem_declared_oversize_body_is_rejected_without_reading_it():
    assert run_counting_receives(str(10 * MAX_BODY_BYTES), chunks=80) == (413, 0)


def test_problem_streamed_oversize_body_stops_reading_past_64_kb():
    assert run_counting_receives(None, chunks=80) == (413, 9)  # 9 x 8 KB is the first count over 64 KB
