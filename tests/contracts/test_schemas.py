"""The loaded contract: what the checks rely on, asserted on the document itself."""

from __future__ import annotations

from typing import Any

import pytest

from contracts._operations import LABELS
from contracts._schemas import PROBLEM_JSON, contract, resolve
from tests.contracts.reference import exeg_codes

ERROR_STATUSES = {400, 401, 403, 408, 413, 415, 422, 429, 500, 502, 503, 504}


def test_contract_is_openapi_3_1():
    assert contract().document["openapi"] == "3.1.0"


@pytest.mark.parametrize("label", LABELS)
def test_every_operation_documents_every_error_status_as_problem_json(label):
    responses = contract().operations[label].responses
    assert set(responses) >= ERROR_STATUSES
    for status, spec in responses.items():
        if status >= 400 and status != 404:
            assert spec.is_problem, status
            assert set(spec.validators) == {PROBLEM_JSON}, status


@pytest.mark.parametrize("label", [label for label in LABELS if "/v1/identity" not in label and "privacy" not in label])
def test_hinted_operations_document_the_empty_404_of_an_unknown_hint(label):
    spec = contract().operations[label].responses[404]
    assert not spec.has_body


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_a_required_header_of_429_and_503(status):
    for operation in contract().operations.values():
        assert "retry-after" in operation.responses[status].required_headers


def test_success_bodies_carry_request_id_and_interact_bodies_carry_handle():
    operations = contract().operations
    assert operations["POST /ee/v2/interact"].responses[200].carries_handle
    assert operations["POST /ee/v2/interact"].responses[207].carries_handle
    assert operations["POST /ee/v2/collect"].responses[202].carries_request_id
    assert not operations["POST /ee/v2/collect"].responses[202].carries_handle
    assert not operations["POST /ee/v2/collect"].responses[204].has_body
    assert not operations["POST /ee/v1/collect"].responses[204].has_body


def test_every_fatal_exeg_status_of_the_documented_table_is_documented_for_some_operation():
    fatal = {code["status"] for code in exeg_codes() if code["status"] >= 400}
    documented = {status for op in contract().operations.values() for status in op.responses}
    assert fatal <= documented


def _closed_objects(node: Any, place: str = "") -> list[str]:
    if isinstance(node, dict):
        closed = node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
        found = [place] if closed else []
        return found + [hit for key, value in node.items() for hit in _closed_objects(value, f"{place}/{key}")]
    if isinstance(node, list):
        return [hit for index, value in enumerate(node) for hit in _closed_objects(value, f"{place}/{index}")]
    return []


def test_no_schema_forbids_unknown_properties_because_additive_changes_are_allowed():
    document = contract().document
    assert _closed_objects(resolve(document, document["components"])) == []


def test_handle_payload_validators_cover_the_documented_handle_types():
    assert set(contract().handle_payloads) == {
        "state:store", "locationHint:result", "identity:result", "personalization:decisions",
        "consent:preferences", "activation:push", "identity:exchange",
    }
