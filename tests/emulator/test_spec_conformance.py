"""Every body answered to a valid request validates against Adobe's official OpenAPI spec.

The spec is the project's copy of Adobe's document (tests/reference, docs/reference-data.md) and its
`InteractResponse` / `CollectV2Response` schemas are compiled with their `#/components` references resolved.
"""

from __future__ import annotations

from functools import cache

import jsonschema_rs
import pytest

from tests.contracts.reference import official_spec
from tests.emulator.asgi_client import AUTH, AUTHENTICATED_ID, DEFAULT, call, collect_body, interact_body

SCOPES = {
    "personalization": {
        "decisionScopes": ["__view__", "serverapimbox"],
        "surfaces": ["web://example.com/#hero"],
    }
}


@cache
def validator(name: str) -> jsonschema_rs.Validator:
    spec = official_spec()
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


INTERACT_CASES = [
    pytest.param("/ee/v2/interact", interact_body(), {}, id="page-view"),
    pytest.param("/ee/irl1/v2/interact", interact_body(), {}, id="hint-path"),
    pytest.param("/ee/v2/interact", interact_body(query={"identity": {"fetch": ["ECID"]}}), {}, id="ecid"),
    pytest.param(
        "/ee/v2/interact", interact_body(query={**SCOPES, "identity": {"fetch": ["ECID"]}}), {}, id="all-handles"
    ),
    pytest.param(
        "/ee/v2/interact",
        interact_body(None),
        {"query": {"datastreamId": AUTHENTICATED_ID}, "headers": AUTH},
        id="authenticated-minted-ecid",
    ),
]


@pytest.mark.parametrize(("path", "body", "options"), INTERACT_CASES)
def test_spec_interact_response_validates_against_interact_response(app, path, body, options):
    answer = call(app, path, body, **{"query": DEFAULT, **options})
    assert answer.status == 200
    errors = [e.message for e in validator("InteractResponse").iter_errors(answer.json())]
    assert errors == []


@pytest.mark.parametrize("events", [1, 3, 20])
def test_spec_collect_response_validates_against_collect_v2_response(app, events):
    answer = call(app, "/ee/v2/collect", collect_body(*[f"v{i}" for i in range(events)]), query=DEFAULT)
    assert answer.status == 202
    assert validator("CollectV2Response").is_valid(answer.json())


def test_spec_validator_rejects_a_handle_that_is_not_an_array(app):
    # The control: the compiled schema is not vacuous.
    document = call(app, body=interact_body(), query=DEFAULT).json()
    document["handle"] = document["handle"][0]
    assert not validator("InteractResponse").is_valid(document)
    assert not validator("CollectV2Response").is_valid({"handle": []})
