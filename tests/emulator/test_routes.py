"""Routing: operation paths with and without location hints, 404 and 405
(https://developer.adobe.com/data-collection-apis/docs/getting-started/location-hints/)."""

from __future__ import annotations

import pytest

from emulator._routes import OPERATIONS, ROUTES, Operation, build_routes
from tests.emulator.asgi_client import DEFAULT, call, interact_body


@pytest.mark.parametrize("path", ["/ee/xyz9/v2/interact", "/ee/OR2/v2/interact", "/ee/or2/or2/v2/interact"])
def test_routes_unknown_hint_is_404_with_an_empty_body(app, path):
    answer = call(app, path, interact_body(), query=DEFAULT)
    assert answer.status == 404
    assert answer.body == b""
    assert answer.headers["content-length"] == "0"


@pytest.mark.parametrize(
    "path", ["/", "/ee/v3/interact", "/ee/v2/interact/", "/ee/v2/identity/acquire", "/ee/v3/collect", "/favicon.ico"]
)
def test_routes_unknown_path_is_404_with_an_empty_body(app, path):
    answer = call(app, path, interact_body(), query=DEFAULT)
    assert (answer.status, answer.body) == (404, b"")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD", "PATCH"])  # OPTIONS: CORS preflight
@pytest.mark.parametrize("path", ["/ee/v2/interact", "/ee/va6/v2/collect"])
def test_routes_non_post_on_an_edge_path_is_405_with_allow(app, method, path):
    answer = call(app, path, method=method, query=DEFAULT)
    assert answer.status == 405
    assert answer.headers["allow"] == "POST"
    assert answer.body == b""


def test_routes_table_has_every_operation_under_every_hint():
    assert len(ROUTES) == len(OPERATIONS) * 8
    assert ROUTES["/ee/aus3/v2/collect"].hint == "aus3"
    assert ROUTES["/ee/v2/interact"].label == "POST /ee/v2/interact"
    assert ROUTES["/ee/sgp3/v2/interact"].label == "POST /ee/v2/interact"  # a hint path keeps the label


def test_routes_a_new_operation_is_one_row():
    routes = build_routes((Operation("v1", "identity/acquire", ("configId",)),))
    assert routes["/ee/irl1/v1/identity/acquire"].label == "POST /ee/v1/identity/acquire"
