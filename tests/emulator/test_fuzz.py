"""Fuzz: no input makes the emulator answer 5xx or crash when no fault is injected.

Hypothesis, derandomized and bounded, drives the in-process app with arbitrary bytes, arbitrary JSON, near-valid
Edge bodies whose fields have the wrong types, arbitrary content types, query strings and headers.
"""

from __future__ import annotations

import json

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator._config import DEFAULT_DATASTREAM_ID
from tests.emulator.asgi_client import call, make_app
from tests.emulator.test_spec_conformance import validator

FUZZ = settings(max_examples=250, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
APP = make_app(seed=1, rate_limit=0, collect_rate_limit=0)  # no 429 noise: every input reaches validation
PATHS = st.sampled_from(["/ee/v2/interact", "/ee/v2/collect", "/ee/or2/v2/interact", "/ee/irl1/v2/collect"])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
anything = json_values | st.sampled_from(["ECID", True, "", [], {}])
identity_items = st.lists(
    st.fixed_dictionaries({}, optional={"id": anything, "primary": anything, "authenticatedState": anything})
    | anything,
    max_size=3,
)
xdm = (
    st.fixed_dictionaries(
        {},
        optional={"identityMap": st.dictionaries(st.sampled_from(["ECID", "FPID", "CRM"]), identity_items) | anything},
    )
    | anything
)
event = st.fixed_dictionaries({}, optional={"xdm": xdm, "data": anything, "query": anything}) | anything
query = (
    st.fixed_dictionaries(
        {},
        optional={
            "identity": st.fixed_dictionaries({}, optional={"fetch": st.lists(anything) | anything}) | anything,
            "personalization": st.fixed_dictionaries(
                {},
                optional={"decisionScopes": st.lists(anything) | anything, "surfaces": st.lists(anything) | anything},
            )
            | anything,
        },
    )
    | anything
)
meta = (
    st.fixed_dictionaries(
        {},
        optional={"state": st.fixed_dictionaries({}, optional={"entries": st.lists(anything) | anything}) | anything},
    )
    | anything
)
edge_bodies = st.fixed_dictionaries(
    {}, optional={"event": event, "events": st.lists(event, max_size=3) | anything, "query": query, "meta": meta}
)


def check(answer):
    assert answer.status < 500, answer.body
    if answer.body:
        document = orjson.loads(answer.body)
        assert isinstance(document, dict)
        assert answer.headers["x-request-id"]
    if answer.status == 200:
        assert validator("InteractResponse").is_valid(answer.json())
    if answer.status == 202:
        assert validator("CollectV2Response").is_valid(answer.json())


@FUZZ
@given(path=PATHS, body=edge_bodies)
def test_fuzz_near_valid_edge_bodies_never_answer_5xx(path, body):
    check(call(APP, path, body, query={"datastreamId": DEFAULT_DATASTREAM_ID}))


@FUZZ
# stdlib json: orjson refuses integers past 64 bits, which a client may still send.
@given(path=PATHS, body=st.binary(max_size=300) | json_values.map(lambda value: json.dumps(value).encode()))
def test_fuzz_arbitrary_bytes_never_answer_5xx(path, body):
    check(call(APP, path, body, query={"datastreamId": DEFAULT_DATASTREAM_ID}))


@FUZZ
@given(content_type=st.text(max_size=40).map(lambda t: t.encode("utf-8", "replace").decode("latin-1")) | st.none())
def test_fuzz_content_types_never_answer_5xx(content_type):
    check(call(APP, body={"event": {}}, query={"datastreamId": DEFAULT_DATASTREAM_ID}, content_type=content_type))


@FUZZ
@given(
    query=st.text(max_size=80)
    | st.dictionaries(
        st.sampled_from(["datastreamId", "dataStreamId", "configId", "requestId", "silent"]), st.text(max_size=40)
    )
)
def test_fuzz_query_strings_never_answer_5xx(query):
    if isinstance(query, str):
        query = query.encode("utf-8").decode("latin-1")
    check(call(APP, "/ee/v2/collect", {"events": [{}]}, query=query))


header_names = st.sampled_from(
    [b"x-request-id", b"origin", b"content-length", b"authorization", b"content-type", b"x-api-key"]
)


@FUZZ
@given(
    headers=st.lists(st.tuples(header_names | st.binary(min_size=1, max_size=10), st.binary(max_size=60)), max_size=5)
)
def test_fuzz_headers_never_answer_5xx(headers):
    check(
        call(APP, body={"event": {}}, query={"datastreamId": DEFAULT_DATASTREAM_ID}, headers=headers, content_type=None)
    )
