"""Each violation carries its concrete cause at its place in `detail`, apart from its stable message."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from contracts._verdict import judge
from contracts._violations import DETAIL_LIMIT, ContractViolation, json_path, shorten
from tests.contracts.builders import interact_body, interact_ok, problem


def _only(check: str, **changes: object) -> ContractViolation:
    ex = replace(interact_ok(), **changes)  # type: ignore[arg-type]
    found = [violation for violation in judge(ex) if violation.check == check]
    assert len(found) == 1, [str(v) for v in judge(ex)]
    return found[0]


def _body_without(key: str) -> bytes:
    body = interact_body()
    del body[key]
    return orjson.dumps(body)


@pytest.mark.parametrize(("body", "cause"), [
    pytest.param(_body_without("handle"), "`handle` is missing", id="missing"),
    pytest.param(orjson.dumps({**interact_body(), "handle": {"type": "x"}}), "`handle` is an object, not an array",
                 id="object"),
    pytest.param(orjson.dumps({**interact_body(), "handle": None}), "`handle` is null, not an array", id="null"),
])
def test_handle_shape_tells_a_missing_handle_from_one_that_is_not_an_array(body: bytes, cause: str) -> None:
    violation = _only("handle_shape", response_body=body)
    assert str(violation) == "handle_shape: `handle` must be an array"
    assert violation.detail == cause


def test_handle_shape_cause_names_the_item_and_field() -> None:
    body = interact_body()
    del body["handle"][1]["type"]
    violation = _only("handle_shape", response_body=orjson.dumps(body))
    assert violation.detail == "$.handle[1].type is missing"


def test_response_schema_cause_is_the_schema_error_and_its_json_path() -> None:
    body = interact_body()
    body["handle"] = "not a list"
    violation = _only("response_schema", response_body=orjson.dumps(body))
    assert str(violation) == "response_schema: the body does not match the response schema"
    assert violation.detail == '"not a list" is not of type "array" at $.handle'


def test_response_schema_cause_of_a_body_that_is_not_json_says_what_came() -> None:
    violation = _only("response_schema", response_body=b"<html>oops</html>")
    assert violation.detail == "17 bytes starting b'<html>oops</html>'"


def test_error_body_cause_quotes_the_field_it_judged() -> None:
    ex = problem(400, "EXEG-0104-422")
    [violation] = [v for v in judge(ex) if v.check == "error_body"]
    assert violation.detail == "$.type 'https://ns.adobe.com/aep/errors/EXEG-0104-422' on HTTP 400"


def test_request_id_cause_shows_what_was_sent_and_what_came_back() -> None:
    body = interact_body(request_id="someone-else")
    violation = _only("request_id_echo", response_body=orjson.dumps(body), response_headers={
        "content-type": "application/json;charset=utf-8"})
    assert violation.detail is not None
    assert "'someone-else'" in violation.detail
    assert "sent '" in violation.detail


def test_violation_detail_is_cut_to_its_limit_and_kept_out_of_the_message() -> None:
    violation = ContractViolation("a rule", detail="x" * 1000)
    assert str(violation) == "contract: a rule"
    assert violation.detail is not None
    assert len(violation.detail) == DETAIL_LIMIT


def test_json_path_writes_names_in_dot_notation_and_indexes_in_brackets() -> None:
    assert json_path(["handle", 0, "payload", 2, "key"]) == "$.handle[0].payload[2].key"
    assert json_path([]) == "$"


def test_shorten_keeps_the_start_and_the_end_of_a_long_schema_error() -> None:
    text = "{" + "a" * 300 + '} is not of type "array"'
    short = shorten(text, 100)
    assert len(short) == 100
    assert short.startswith("{aaa")
    assert short.endswith('is not of type "array"')


def test_response_schema_cause_names_an_offending_object_by_its_kind_not_its_whole_value() -> None:
    body = {**interact_body(), "handle": {"type": "state:store", "payload": [{"key": "k" * 500}]}}
    violation = _only("response_schema", response_body=orjson.dumps(body))
    assert violation.detail == 'an object is not of type "array" at $.handle'


def test_handle_shape_cause_of_a_payload_lacking_its_documented_shape_names_the_field() -> None:
    body = interact_body()
    store = next(index for index, item in enumerate(body["handle"]) if item["type"] == "state:store")
    del body["handle"][store]["payload"][0]["key"]
    violation = _only("handle_shape", response_body=orjson.dumps(body))
    assert violation.detail == f'state:store: "key" is a required property at $.handle[{store}].payload[0]'
