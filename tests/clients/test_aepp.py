"""PyPI `aepp` 0.6.0 (a third-party client, unchanged) against the emulator's default datastream.

`aepp.edge.Edge.interact` posts what Adobe documents for the Server API; the exchange its own `requests` session
carried is captured with a response hook and judged by our contract verdict.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from aepp.edge import Edge

from contracts._exchange import Exchange, lower_headers
from contracts._operations import label_for
from contracts._verdict import judge
from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import RunningEmulator, spawn

# A decision scope configured on the default datastream (emulator/_datastreams.toml).
SCOPE = "serverapimbox"
XDM = {
    "eventType": "web.webpagedetails.pageViews",
    "timestamp": "2026-11-29T10:00:00.000Z",
    "identityMap": {"FPID": [{"id": "5c7b1a8e-aepp-visitor", "authenticatedState": "ambiguous", "primary": True}]},
    "web": {"webPageDetails": {"URL": "https://shop.example/", "name": "home"}},
}


class _NoAuthConfig(dict[str, Any]):
    """Works around two aepp 0.6.0 bugs for unauthenticated use (https://github.com/pitchmuc/aepp, aepp/connector.py).

    `config=None` crashes in `AdobeRequest.__init__` (`config.get("retry")`), and an exact `dict` leaves `header`
    unbound in `Edge.__init__`; a dict subclass takes the unauthenticated branch yet has `get`. `date_limit` keeps
    `_checkingDate` from trying to refresh a token that does not exist.
    """


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with spawn(["--seed", "11"]) as running:
        yield running


def _edge(emulator: RunningEmulator, version: int) -> tuple[Edge, list[requests.Response]]:
    edge = Edge(DEFAULT_DATASTREAM_ID, config=_NoAuthConfig(retry=0, date_limit=math.inf), version=version)
    # `endpoint` is aepp's public attribute; an http:// URL keeps the call on the emulator's plain port.
    edge.endpoint = f"{emulator.url}/ee/v{version}/interact"
    seen: list[requests.Response] = []
    edge.connector.session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response))
    return edge, seen


def _exchange(response: requests.Response) -> Exchange:
    request = response.request
    split = urlsplit(str(request.url))
    operation = label_for(str(request.method), split.path)
    assert operation is not None
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
    return Exchange(
        operation=operation,
        status=response.status_code,
        response_body=response.content,
        response_headers=lower_headers(response.headers),
        request_query=dict(parse_qsl(split.query)),
        request_headers={str(name).lower(): str(value) for name, value in request.headers.items()},
        request_body=json.loads(body) if body else None,
    )


@pytest.mark.parametrize("version", [pytest.param(2, id="v2"), pytest.param(1, id="v1")])
def test_aepp_interact_gets_a_response_the_contract_accepts(emulator: RunningEmulator, version: int) -> None:
    edge, seen = _edge(emulator, version)
    result = edge.interact(xdm=XDM, scopes=[SCOPE])
    (response,) = seen
    assert response.status_code == 200
    assert judge(_exchange(response)) == []
    decisions = [h for h in result["handle"] if h["type"] == "personalization:decisions"]
    assert [p["scope"] for h in decisions for p in h["payload"]] == [SCOPE]


def test_aepp_interact_sends_what_the_server_api_documents(emulator: RunningEmulator) -> None:
    edge, seen = _edge(emulator, 2)
    edge.interact(xdm=XDM, scopes=[SCOPE])
    (response,) = seen
    exchange = _exchange(response)
    assert exchange.operation == "POST /ee/v2/interact"
    assert exchange.request_query == {"dataStreamId": DEFAULT_DATASTREAM_ID}
    assert isinstance(exchange.request_body, dict)
    assert set(exchange.request_body) == {"event", "query"}
