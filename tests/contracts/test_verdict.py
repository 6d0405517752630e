"""The verdict never crashes on what a broken server may send: it answers with violations."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts._exchange import Exchange
from contracts._operations import LABELS
from contracts._verdict import ContractViolation, judge, judge_with

# orjson serialises integers of at most 64 bits (https://github.com/ijl/orjson#int): bodies stay within them.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["requestId", "handle", "type", "payload", "eventIndex", "status", "report", "errors", "x"]),
        children, max_size=5),
    max_leaves=20,
)
BODIES = st.one_of(st.binary(max_size=64), JSON_VALUES.map(orjson.dumps))
HEADERS = st.dictionaries(st.sampled_from(["content-type", "x-request-id", "retry-after", "other"]),
                          st.text(max_size=30), max_size=4)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(operation=st.sampled_from(LABELS), status=st.sampled_from([200, 202, 204, 207, 299, 400, 404, 408, 429, 503]),
       body=BODIES, headers=HEADERS, query=st.dictionaries(st.just("requestId"), st.text(max_size=10), max_size=1),
       request_body=JSON_VALUES)
def test_judge_returns_violations_and_never_raises_on_arbitrary_responses(
    operation, status, body, headers, query, request_body
):
    violations = judge(Exchange(operation, query, {}, request_body, status, headers, body))
    assert all(isinstance(v, ContractViolation) for v in violations)
    assert len({v.check for v in violations}) == len(violations)


def test_judge_with_runs_only_the_named_checks():
    exchange = Exchange("POST /ee/v2/interact", {}, {}, None, 299, {"content-type": "text/html"}, b"{")
    assert [v.check for v in judge_with(exchange, ["content_type"])] == []
    assert [v.check for v in judge_with(exchange, ["status_code_documented"])] == ["status_code_documented"]
