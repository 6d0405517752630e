"""Every check is proven to fire: each has an emulator fault that breaks exactly its rule.

One emulator subprocess for the module; faults are swapped through its admin endpoint (`PUT /_emulator/faults`).
The expected set of failing checks is exact: a fault must fire its check and nothing unrelated. Where one broken
property breaks two rules (a `handle` that is no array breaks the schema and the handle shape), both are named.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from contract_runner.client import Edge
from contract_runner.suite import bodies
from contracts.checks import REGISTRY
from contracts.exchange import Exchange
from contracts.verdict import judge
from emulator.server import spawn
from targets.defaults import DEFAULT_DATASTREAM_ID

SENT_ID = "708e4f90-5bff-41c5-8f4b-6c15bab76b11"

# check -> the fault that breaks exactly its rule (docs/emulator.md).
FAULT_FOR_CHECK = {
    "status_code_documented": "undocumented-status",
    "content_type": "wrong-content-type",
    "response_schema": "malformed-json",
    "request_id_echo": "request-id-not-echoed",
    "handle_shape": "handle-item-no-type",
    "error_body": "problem-type-mismatch",
    "retry_after": "retry-after-missing",
}

# fault -> exactly the checks it must fire on a v2 interact.
EXPECTED = {
    "undocumented-status": {"status_code_documented"},
    "wrong-content-type": {"content_type"},
    "malformed-json": {"response_schema"},
    "handle-not-array": {"response_schema", "handle_shape"},
    "request-id-not-echoed": {"request_id_echo"},
    "request-id-wrong": {"request_id_echo"},
    "handle-item-no-type": {"response_schema", "handle_shape"},
    "bad-event-index": {"handle_shape"},
    "handle-payload-invalid": {"handle_shape"},
    "problem-type-mismatch": {"error_body"},
    "retry-after-missing": {"retry_after"},
    # Faults that answer with a documented response: the verdict must not raise a false alarm.
    "upstream-error": set(),
    "rate-limit": set(),
    "server-error,status=503": set(),
    "server-error,status=500": set(),
    "server-error,status=502": set(),
    "server-error,status=504": set(),
}


@pytest.fixture(scope="module")
def edge() -> Iterator[Edge]:
    with spawn() as emulator:
        yield Edge(emulator.url, DEFAULT_DATASTREAM_ID)


def set_faults(edge: Edge, *specs: str) -> None:
    status, _, body = edge.send("PUT", "/_emulator/faults", orjson.dumps({"faults": list(specs)}),
                                {"content-type": "application/json"})
    assert status == 200, body


def interact(edge: Edge) -> Exchange:
    body = bodies.interact(query=bodies.personalization())
    return edge.post("/ee/v2/interact", body, query={"requestId": SENT_ID})


def test_every_check_of_the_registry_has_a_fault():
    assert set(FAULT_FOR_CHECK) == set(REGISTRY)
    assert all(check in EXPECTED[fault] for check, fault in FAULT_FOR_CHECK.items())


@pytest.mark.parametrize("check", list(REGISTRY))
def test_check_fires_on_the_emulator_fault_that_breaks_its_rule(edge, check):
    set_faults(edge, FAULT_FOR_CHECK[check])
    violations = judge(interact(edge))
    assert check in {v.check for v in violations}
    assert all(str(v).startswith(f"{v.check}: ") for v in violations)


@pytest.mark.parametrize("fault", list(EXPECTED))
def test_fault_fires_exactly_its_checks(edge, fault):
    set_faults(edge, fault)
    exchange = interact(edge)
    assert {v.check for v in judge(exchange)} == EXPECTED[fault], (exchange.status, exchange.response_body[:400])


@pytest.mark.parametrize(("fault", "expected"), [("undocumented-status", {"status_code_documented"}),
                                                 ("malformed-json", {"response_schema"}),
                                                 ("request-id-not-echoed", {"request_id_echo"})])
def test_fault_fires_its_check_on_collect_too(edge, fault, expected):
    set_faults(edge, fault)
    exchange = edge.post("/ee/v2/collect", bodies.events(2), query={"requestId": SENT_ID})
    assert {v.check for v in judge(exchange)} == expected


def test_clean_emulator_keeps_the_contract_on_every_kind_of_request(edge):
    set_faults(edge)
    exchanges = [
        interact(edge),
        edge.post("/ee/v2/interact", bodies.interact()),
        edge.post("/ee/or2/v2/interact", bodies.interact(), headers={"x-request-id": SENT_ID}),
        edge.post("/ee/v2/collect", bodies.events(3)),
        edge.post("/ee/v2/collect", bodies.events(1), query={"silent": "true"}),
        edge.post("/ee/v1/interact", bodies.events(2), query={"requestId": SENT_ID}),
        edge.post("/ee/v1/collect", bodies.events(2)),
        edge.post("/ee/v1/identity/acquire", bodies.identity_acquire()),
        edge.post("/ee/v1/privacy/set-consent", bodies.consent()),
        edge.post("/ee/zz9/v2/interact", bodies.interact()),
        edge.post("/ee/v2/interact", bodies.interact(primary=False)),
        edge.post("/ee/v2/interact", raw=b"{"),
        edge.post("/ee/v2/interact", raw=b""),
        edge.post("/ee/v2/interact", bodies.interact(), datastream=False),
        edge.post("/ee/v2/interact", bodies.interact(), content_type="application/xml"),
    ]
    statuses = sorted({exchange.status for exchange in exchanges})
    assert statuses == [200, 202, 204, 400, 404, 408, 415]
    judged = [(exchange.operation, exchange.status, [str(v) for v in judge(exchange)]) for exchange in exchanges]
    assert judged == [(operation, status, []) for operation, status, _ in judged]
