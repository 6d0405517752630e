"""Every fault proves what its registry entry says it proves, and so every check is proven to fire.

One emulator subprocess for the module; faults are swapped through its admin endpoint (`PUT /_emulator/faults`).
The walk is over `emulator._fault_kinds.REGISTRY`: a fault proving contract checks must make exactly those fail on a
v2 interact (one broken property may break two rules: a `handle` that is no array breaks the schema and the handle
shape); a fault proving a failure category must land in it as the load test categorises; a latency fault must delay
an answer that keeps the contract. A new fault whose proof does not fail fails here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import orjson
import pytest
from geventhttpclient import HTTPClient

from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES, Edge
from contract_runner.suite import bodies
from contracts._checks import REGISTRY as CHECKS
from contracts._exchange import Exchange
from contracts._verdict import judge
from emulator._fault_kinds import REGISTRY as FAULTS
from emulator._server import spawn
from loadtests._exchange_adapter import judge_exchange, read_body, transport_category
from targets._defaults import DEFAULT_DATASTREAM_ID

SENT_ID = "708e4f90-5bff-41c5-8f4b-6c15bab76b11"
STALL_TIMEOUT_S = 0.5  # how long the load test's client waits on a stalled answer before it counts a timeout


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


def send_as_the_load_test(edge: Edge) -> str | None:
    """The transport category the load test counts for one interact: its HTTP client, body reader and categories."""
    client = HTTPClient.from_url(edge.url, network_timeout=STALL_TIMEOUT_S, connection_timeout=STALL_TIMEOUT_S)
    try:
        response = client.post(f"/ee/v2/interact?datastreamId={edge.datastream_id}",
                               body=orjson.dumps(bodies.interact()), headers={"content-type": "application/json"})
        read_body(response, DEFAULT_MAX_RESPONSE_BYTES)
    except Exception as error:  # whatever the client raises is what the load test categorises
        return transport_category(error)
    finally:
        client.close()
    return None


def proven_checks() -> set[str]:
    return {name for kind in FAULTS.values() for name in kind.proves.checks}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_proof_names_only_checks_of_the_contract_registry(fault):
    assert set(FAULTS[fault].proves.checks) <= set(CHECKS)


@pytest.mark.parametrize("check", list(CHECKS))
def test_check_is_proven_by_at_least_one_fault(check):
    assert check in proven_checks()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_makes_fail_what_its_registry_entry_proves(edge, fault):
    proof = FAULTS[fault].proves
    set_faults(edge, fault)
    if FAULTS[fault].stage == "transport":
        assert send_as_the_load_test(edge) == proof.category
        return
    started = time.monotonic()
    exchange = interact(edge)
    elapsed_ms = (time.monotonic() - started) * 1000
    violations = judge(exchange)
    assert {v.check for v in violations} == set(proof.checks), (exchange.status, exchange.response_body[:400])
    assert all(str(v).startswith(f"{v.check}: ") for v in violations)
    failed = judge_exchange(exchange)
    if proof.category is not None:
        assert failed is not None
        assert failed.categories == (proof.category,)  # counted in its category, and as no contract violation
    elif proof.latency:
        assert failed is None
        assert elapsed_ms >= float(FAULTS[fault].defaults["ms"])  # a lower bound: a busy machine only adds to it
    else:
        assert failed is not None
        assert failed.categories[:len(proof.checks)] == tuple(v.check for v in violations)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_fault_server_error_other_statuses_keep_the_contract_in_their_category(edge, status):
    set_faults(edge, f"server-error,status={status}")
    exchange = interact(edge)
    assert judge(exchange) == []
    failed = judge_exchange(exchange)
    assert failed is not None
    assert failed.categories == ("http_5xx",)


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
