"""Each check on hand-built exchanges: a passing and a failing case per rule, and messages that never carry a value."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from contracts._checks import REGISTRY, check, describe, markdown_table
from contracts._exchange import Exchange
from contracts._operations import COLLECT_V1, INTERACT_V2
from contracts._verdict import judge, judge_with
from contracts._violations import ContractViolation, SchemaMismatch, UnknownOperation
from tests.contracts.builders import (
    ENTROPY,
    PROBLEM,
    SENT_ID,
    collect_accepted,
    collect_silent,
    exchange,
    interact_body,
    interact_ok,
    problem,
)


def names(ex: Exchange) -> list[str]:
    return [violation.check for violation in judge(ex)]


def with_body(ex: Exchange, body: object) -> Exchange:
    return replace(ex, response_body=orjson.dumps(body))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_registry_entry_raises_the_violation_named_after_it(name):
    entry = REGISTRY[name]
    assert (entry.name, entry.violation.check, entry.function.__name__) == (name, name, name)
    assert issubclass(entry.violation, ContractViolation)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_registry_entry_states_its_rule_and_scope_in_one_line(name):
    entry = REGISTRY[name]
    for text in (entry.description, entry.applies_to):
        assert text
        assert "\n" not in text
        assert "|" not in text  # a table cell in the docs and the reports
    assert describe(name) == entry.description


def test_registry_refuses_a_check_whose_violation_names_another_check():
    with pytest.raises(ValueError, match="raises SchemaMismatch, whose check is 'response_schema'"):
        check("a rule", applies_to="every response", violation=SchemaMismatch)(lambda ctx: None)


def test_registry_skips_a_check_on_the_statuses_it_does_not_judge():
    # retry_after judges 429 and 503 only: a 200 without Retry-After keeps it, a 429 without it does not.
    assert REGISTRY["retry_after"].statuses == {429, 503}
    headers = {k: v for k, v in problem(429).response_headers.items() if k != "retry-after"}
    assert names(replace(problem(429), response_headers=headers)) == ["retry_after"]
    assert names(interact_ok()) == []


def test_markdown_table_has_one_row_per_check_in_registry_order():
    rows = markdown_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == list(REGISTRY)
    assert all(REGISTRY[row.split("`")[1]].description in row for row in rows)


@pytest.mark.parametrize(
    "ex",
    [
        pytest.param(interact_ok(), id="interact-200"),
        pytest.param(collect_accepted(), id="collect-202"),
        pytest.param(collect_silent(), id="collect-204"),
        pytest.param(collect_silent(COLLECT_V1), id="collect-v1-204"),
        pytest.param(problem(400, "EXEG-0306-400"), id="problem-400"),
        pytest.param(problem(429), id="problem-429"),
        pytest.param(problem(503, "EXEG-0000-503"), id="problem-503"),
        pytest.param(exchange(None, status=404, content_type=None), id="bad-hint-404-empty"),
    ],
)
def test_judge_finds_no_violation_when_the_exchange_keeps_the_contract(ex):
    assert judge(ex) == []


def test_judge_raises_unknown_operation_when_the_label_is_not_in_the_contract():
    with pytest.raises(UnknownOperation, match="GET /nope"):
        judge(replace(interact_ok(), operation="GET /nope"))


# ---- status_code_documented ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("operation", "status"), [(INTERACT_V2, 299), (INTERACT_V2, 202), (COLLECT_V1, 200)])
def test_status_code_documented_fires_only_when_the_status_is_undocumented(operation, status):
    assert names(replace(interact_ok(), operation=operation, status=status)) == ["status_code_documented"]


# ---- content_type ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["application/json", "application/json; charset=UTF-8", "Application/JSON"])
def test_content_type_accepts_the_documented_media_type_with_any_parameters(value):
    assert judge(replace(interact_ok(), response_headers={"content-type": value})) == []


@pytest.mark.parametrize("headers", [{"content-type": "text/html"}, {}], ids=["text-html", "missing"])
def test_content_type_fires_when_a_200_is_not_json(headers):
    assert names(replace(interact_ok(), response_headers=headers)) == ["content_type"]


def test_content_type_demands_problem_json_when_an_error_is_served_as_plain_json():
    violations = judge(replace(problem(400), response_headers={"content-type": "application/json"}))
    assert [v.check for v in violations] == ["content_type"]
    assert "application/problem+json" in str(violations[0])


# ---- response_schema -------------------------------------------------------------------------------------------
def test_response_schema_fires_alone_when_the_body_is_not_json():
    assert names(replace(interact_ok(), response_body=b'{"requestId": "x", "handle": [')) == ["response_schema"]


def test_response_schema_fires_when_a_required_field_is_missing():
    body = interact_body()
    del body["requestId"]
    assert names(with_body(interact_ok(), body)) == ["response_schema", "request_id_echo"]


def test_response_schema_keeps_the_schema_error_in_detail_not_in_the_message():
    body = interact_body()
    body["handle"][0]["payload"] = "not an array"
    violation = judge_with(with_body(interact_ok(), body), ["response_schema"])[0]
    assert str(violation) == "response_schema: the body does not match the response schema"
    assert violation.detail is not None
    assert "not an array" in violation.detail


def test_response_schema_fires_when_a_204_carries_a_body():
    assert names(replace(collect_silent(), response_body=b'{"requestId": "x"}')) == ["response_schema"]


def test_response_schema_accepts_unknown_fields_because_additive_changes_are_allowed():
    body = interact_body(newTopLevel={"x": 1})
    body["handle"][0]["newField"] = True
    body["handle"][0]["payload"][0]["newEntryField"] = [1, 2]
    assert judge(with_body(interact_ok(), body)) == []


def test_response_schema_demands_errors_in_a_207():
    ok = with_body(replace(interact_ok(), status=207), interact_body(errors=[{"type": "t", "status": 503}]))
    assert judge(ok) == []
    assert names(replace(ok, response_body=orjson.dumps(interact_body()))) == ["response_schema"]


# ---- request_id_echo -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        pytest.param({"query": {"requestId": SENT_ID}}, f"{SENT_ID}-{ENTROPY}", id="query-with-suffix"),
        pytest.param({"query": {"requestId": SENT_ID}}, SENT_ID, id="query-bare"),
        pytest.param({"request_headers": {"x-request-id": SENT_ID}}, f"{SENT_ID}-{ENTROPY.upper()}", id="header"),
        pytest.param({}, "any-generated-id", id="nothing-sent"),
    ],
)
def test_request_id_echo_passes_when_the_returned_id_echoes_the_sent_one(sent, returned):
    assert judge(exchange(interact_body(returned), **sent)) == []


@pytest.mark.parametrize(
    "returned",
    [
        pytest.param("3931ed0b-d171-45f6-9d3e-29a61113aac2-254b6b357f27442f", id="fresh-id"),
        pytest.param(f"{SENT_ID}-{ENTROPY[:15]}", id="suffix-15-chars"),
        pytest.param(f"{SENT_ID}-{ENTROPY[:15]}g", id="suffix-not-hex"),
        pytest.param(f"{SENT_ID}{ENTROPY}xx", id="no-dash"),
    ],
)
def test_request_id_echo_fires_when_the_returned_id_does_not_echo_the_sent_one(returned):
    violations = judge(exchange(interact_body(returned), query={"requestId": SENT_ID}))
    assert [v.check for v in violations] == ["request_id_echo"]
    assert SENT_ID not in str(violations[0])
    assert ENTROPY[:8] not in str(violations[0])


def test_request_id_echo_fires_when_the_returned_id_is_empty():
    assert names(exchange(interact_body(""))) == ["request_id_echo"]


@pytest.mark.parametrize("header", [SENT_ID, f"{SENT_ID}-{ENTROPY}"])
def test_request_id_echo_accepts_a_header_equal_to_the_body_id_or_its_prefix(header):
    headers = {"content-type": "application/json", "x-request-id": header}
    assert judge(replace(interact_ok(), response_headers=headers)) == []


def test_request_id_echo_fires_when_the_header_disagrees_with_the_body():
    ex = replace(interact_ok(), response_headers={"content-type": "application/json", "x-request-id": "other-id"})
    assert names(ex) == ["request_id_echo"]


def test_request_id_echo_judges_the_header_against_the_sent_id_when_there_is_no_body():
    query = {"datastreamId": "ds", "requestId": SENT_ID}
    assert judge(replace(collect_silent(), request_query=query, response_headers={"x-request-id": SENT_ID})) == []
    wrong = replace(collect_silent(), request_query=query, response_headers={"x-request-id": "unrelated"})
    assert names(wrong) == ["request_id_echo"]


def test_request_id_echo_lets_an_error_carry_a_fresh_id_because_the_sent_one_may_be_the_error():
    body = orjson.loads(problem(400, "EXEG-0102-400").response_body)
    body["report"]["requestId"] = "fresh-id"
    ex = with_body(problem(400, "EXEG-0102-400"), body)
    assert judge(replace(ex, response_headers={"content-type": PROBLEM, "x-request-id": "fresh-id"})) == []


def test_request_id_echo_fires_when_an_error_header_disagrees_with_its_report_id():
    ex = replace(problem(400), response_headers={"content-type": PROBLEM, "x-request-id": "other-id"})
    assert names(ex) == ["request_id_echo"]


# ---- handle_shape ----------------------------------------------------------------------------------------------
def with_handle(*items: dict[str, object], base: Exchange | None = None) -> Exchange:
    return with_body(base or interact_ok(), interact_body(handle=list(items)))


def test_handle_shape_fires_with_response_schema_when_handle_is_not_an_array():
    assert names(with_body(interact_ok(), interact_body(handle={"type": "state:store"}))) == [
        "response_schema",
        "handle_shape",
    ]


def test_handle_shape_fires_alone_when_a_type_is_empty():
    assert names(with_handle({"type": "", "payload": []})) == ["handle_shape"]


def test_handle_shape_fires_with_response_schema_when_an_item_has_no_type():
    assert names(with_handle({"payload": []})) == ["response_schema", "handle_shape"]


@pytest.mark.parametrize("index", [1, -1, 7])
def test_handle_shape_fires_when_event_index_points_past_the_single_v2_event(index):
    violations = judge(with_handle({"type": "personalization:decisions", "eventIndex": index, "payload": []}))
    assert [v.check for v in violations] == ["handle_shape"]
    assert str(index) not in str(violations[0]).replace("handle_shape", "")


@pytest.mark.parametrize(("index", "expected"), [(2, []), (3, ["handle_shape"])])
def test_handle_shape_bounds_event_index_by_the_events_of_a_v1_request(index, expected):
    item = {"type": "personalization:decisions", "eventIndex": index, "payload": []}
    ex = replace(with_handle(item), operation="POST /ee/v1/interact", request_body={"events": [{}, {}, {}]})
    assert names(ex) == expected


@pytest.mark.parametrize(
    "item",
    [
        pytest.param({"type": "state:store", "payload": [{"value": "v", "maxAge": 1}]}, id="state-store-no-key"),
        pytest.param({"type": "state:store", "payload": [{"key": "k", "value": 3}]}, id="state-store-value-number"),
        pytest.param({"type": "locationHint:result", "payload": [{"scope": "EdgeNetwork"}]}, id="hint-no-hint"),
        pytest.param({"type": "identity:result", "payload": [{"id": "1", "namespace": {}}]}, id="identity-no-code"),
        pytest.param({"type": "personalization:decisions", "payload": [{"items": []}]}, id="decision-no-id"),
        pytest.param({"type": "consent:preferences", "payload": [{"collect": "y"}]}, id="consent-not-object"),
        pytest.param({"type": "activation:push", "payload": [{"type": "url"}]}, id="push-no-spec"),
    ],
)
def test_handle_shape_fires_alone_when_a_known_type_has_the_wrong_payload_shape(item):
    assert names(with_handle(item)) == ["handle_shape"]


def test_handle_shape_accepts_unknown_types_and_empty_payloads():
    items = [{"type": "media-analytics:new-session", "payload": [{"sessionId": "s"}]},
             {"type": "personalization:decisions", "eventIndex": 0, "payload": []}]
    assert judge(with_handle(*items)) == []


# ---- error_body ------------------------------------------------------------------------------------------------
def test_error_body_fires_alone_when_the_exeg_suffix_differs_from_the_status():
    violations = judge(problem(400, "EXEG-0004-422"))
    assert [v.check for v in violations] == ["error_body"]
    assert "0004" not in str(violations[0])
    assert "422" not in str(violations[0])


def test_error_body_fires_alone_when_the_status_field_differs_from_the_http_status():
    body = orjson.loads(problem(400).response_body)
    body["status"] = 500
    assert names(with_body(problem(400), body)) == ["error_body"]


def test_error_body_fires_when_the_type_is_not_an_exeg_url():
    body = orjson.loads(problem(400).response_body)
    body["type"] = "about:blank"
    assert names(with_body(problem(400), body)) == ["response_schema", "error_body"]


def test_error_body_fires_when_an_error_has_no_json_body():
    ex = replace(problem(500), response_body=b"<html>oops</html>")
    assert names(ex) == ["response_schema", "error_body"]


# ---- retry_after -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    "0", "2", " 120 ", "Wed, 21 Oct 2015 07:28:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
])
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_accepts_delay_seconds_and_http_dates(status, value):
    ex = problem(status, "EXEG-0000-503" if status == 503 else None)
    assert judge(replace(ex, response_headers={"content-type": PROBLEM, "retry-after": value})) == []


@pytest.mark.parametrize("headers", [{}, {"retry-after": "soon"}, {"retry-after": "-1"}, {"retry-after": "1.5"}])
def test_retry_after_fires_when_a_429_lacks_a_valid_value(headers):
    violations = judge(replace(problem(429), response_headers={"content-type": PROBLEM, **headers}))
    assert [v.check for v in violations] == ["retry_after"]
    assert "soon" not in str(violations[0])


def test_retry_after_is_not_required_on_other_errors():
    assert judge(replace(problem(500, "EXEG-0001-500"), response_headers={"content-type": PROBLEM})) == []


# ---- messages --------------------------------------------------------------------------------------------------
def test_every_violation_message_starts_with_its_check_name():
    broken = [
        replace(interact_ok(), status=299),
        replace(interact_ok(), response_headers={"content-type": "text/html"}),
        replace(interact_ok(), response_body=b"{"),
        exchange(interact_body("fresh"), query={"requestId": SENT_ID}),
        with_handle({"type": "", "payload": []}),
        problem(400, "EXEG-0004-422"),
        replace(problem(429), response_headers={"content-type": PROBLEM}),
    ]
    seen = set()
    for ex in broken:
        for violation in judge(ex):
            assert isinstance(violation, ContractViolation)
            assert isinstance(violation, AssertionError)
            assert str(violation).startswith(f"{violation.check}: ")
            seen.add(violation.check)
    assert seen == set(REGISTRY)
