"""Schemathesis from Python: our checks registered through contract_runner.st_hooks, built-in checks on too.

Bounded (3 examples per operation, deterministic, the four v2 operations: generating XDM bodies is what costs)
against one emulator subprocess; a second emulator with a fault proves the registered checks fire inside
schemathesis. `edgeload contract` runs every operation through `st run` (tests/contracts/test_cli.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from contract_runner import st_hooks
from contract_runner._st_config import render
from contract_runner.suite import bodies
from contracts._checks import REGISTRY
from contracts._schemas import CONTRACT_PATH
from emulator._server import spawn
from targets._defaults import DEFAULT_DATASTREAM_ID

CONFIG = schemathesis.Config.from_str(render(DEFAULT_DATASTREAM_ID, max_examples=3))
SCHEMA = schemathesis.openapi.from_path(CONTRACT_PATH, config=CONFIG)
SENT_ID = "708e4f90-5bff-41c5-8f4b-6c15bab76b11"


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with spawn() as emulator:
        yield emulator.url


@pytest.fixture(scope="module")
def faulty_url() -> Iterator[str]:
    with spawn(["--fault", "request-id-not-echoed"]) as emulator:
        yield emulator.url


def test_st_hooks_registers_every_check_of_the_registry_under_its_name():
    registered = {check.__name__ for check in schemathesis.checks.CHECKS.get_all()}
    assert set(REGISTRY) <= registered
    assert st_hooks.exchange_from is not None


@SCHEMA.include(path_regex=r"/v2/").parametrize()
@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_failure_on_the_clean_emulator(case, emulator_url):
    # Every built-in check (negative_data_rejection included: the emulator refuses mistyped documented fields
    # with EXEG-0102-400) and all of ours.
    case.call_and_validate(base_url=emulator_url)


def interact_case() -> schemathesis.Case:
    operation = SCHEMA["/ee/v2/interact"]["POST"]
    return operation.Case(query={"datastreamId": DEFAULT_DATASTREAM_ID, "requestId": SENT_ID},
                          body=bodies.interact(), media_type="application/json")


def test_exchange_from_records_what_schemathesis_sent_and_received(emulator_url):
    case = interact_case()
    response = case.call(base_url=emulator_url)
    exchange = st_hooks.exchange_from(response, case)
    assert exchange is not None
    assert exchange.operation == "POST /ee/v2/interact"
    assert exchange.request_query == {"datastreamId": DEFAULT_DATASTREAM_ID, "requestId": SENT_ID}
    assert exchange.request_body == bodies.interact()
    assert exchange.status == 200
    assert exchange.response_headers["content-type"] == "application/json;charset=utf-8"
    assert exchange.response_body == response.content


def test_registered_check_fails_schemathesis_validation_on_a_faulty_emulator(faulty_url):
    case = interact_case()
    with pytest.raises(BaseExceptionGroup) as failures:  # FailureGroup is a BaseExceptionGroup
        case.call_and_validate(base_url=faulty_url)
    messages = [str(failure) for failure in failures.value.exceptions]
    assert any("request_id_echo" in message for message in messages), messages
