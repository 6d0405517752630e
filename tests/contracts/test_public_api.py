"""The contracts API other packages code against (docs/contract.md) exists with its exact shape."""

from __future__ import annotations

import dataclasses

import pytest

from contracts._checks import REGISTRY
from contracts._exchange import Exchange
from contracts._verdict import ContractViolation, judge
from tests.contracts.builders import interact_ok


def test_exchange_is_a_frozen_slotted_dataclass_with_the_briefs_fields_in_order():
    assert [field.name for field in dataclasses.fields(Exchange)] == [
        "operation", "request_query", "request_headers", "request_body", "status", "response_headers",
        "response_body",
    ]
    assert hasattr(Exchange, "__slots__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        interact_ok().status = 500  # type: ignore[misc]


def test_judge_returns_a_list_of_contract_violations_with_a_check_name():
    violations = judge(dataclasses.replace(interact_ok(), status=299))
    assert isinstance(violations, list)
    assert [(type(v).__mro__[1], v.check) for v in violations] == [(ContractViolation, "status_code_documented")]
    assert issubclass(ContractViolation, AssertionError)


def test_registry_maps_each_stable_name_to_a_callable_check_of_that_name():
    assert all(callable(check) and check.name == name for name, check in REGISTRY.items())
