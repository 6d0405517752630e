"""requestId echo: with an id sent in the query, in the header, and with none [official requestId, 72cdeed]."""

from __future__ import annotations

import uuid

import orjson
import pytest

from contract_runner._client import Edge
from contract_runner.suite import bodies
from contract_runner.suite.conftest import Verdict

SENT = str(uuid.UUID(int=0x708E4F905BFF41C58F4B6C15BAB76B11))


@pytest.mark.parametrize(("where", "query", "headers"), [
    pytest.param("query", {"requestId": SENT}, {}, id="query"),
    pytest.param("header", {}, {"x-request-id": SENT}, id="header"),
])
@pytest.mark.parametrize("path", ["/ee/v2/interact", "/ee/v2/collect", "/ee/v1/interact"])
def test_request_id_sent_is_echoed_as_its_prefix(
    edge: Edge, verdict: Verdict, path: str, where: str, query: dict[str, str], headers: dict[str, str]
) -> None:
    body = bodies.interact() if path == "/ee/v2/interact" else bodies.events(1)
    exchange = verdict(edge.post(path, body, query=query, headers=headers))
    assert orjson.loads(exchange.response_body)["requestId"].startswith(SENT), where


@pytest.mark.parametrize("path", ["/ee/v2/interact", "/ee/v2/collect"])
def test_request_id_is_generated_when_none_is_sent(edge: Edge, verdict: Verdict, path: str) -> None:
    body = bodies.interact() if path == "/ee/v2/interact" else bodies.events(1)
    verdict(edge.post(path, body), status=200 if path.endswith("interact") else 202)
