"""Cross-origin calls with credentials, as a browser page running the Web SDK makes them."""

from __future__ import annotations

import pytest

from emulator._cors import preflight_headers
from tests.emulator.asgi_client import call
from tests.emulator.v1_requests import WEB_ID, body, event, make_web_app, post

ORIGIN = "https://site.test"


def _names(value: str) -> set[str]:
    return {name.strip().lower() for name in value.split(",")}


def test_cors_edge_response_echoes_origin_with_credentials_and_exposes_what_alloy_reads():
    answer = call(
        make_web_app(), "/ee/v1/interact", body(event()), query={"configId": WEB_ID}, headers={"origin": ORIGIN}
    )
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert {"x-adobe-edge", "x-request-id", "retry-after"} <= _names(answer.headers["access-control-expose-headers"])
    assert "origin" in _names(answer.headers["vary"])


def test_cors_error_response_carries_the_same_headers():
    # alloy must read a 400's problem body and a 503's Retry-After across origins too.
    query, headers = {"configId": WEB_ID}, {"origin": ORIGIN}
    answer = call(make_web_app(), "/ee/v1/interact", {"meta": {}}, query=query, headers=headers)
    assert answer.status == 400
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"


def test_cors_response_without_origin_has_no_allow_origin():
    answer = post(make_web_app(), "interact", body(event()))
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("path", ["/ee/v1/interact", "/ee/or2/v1/collect", "/ee/v2/interact"])
def test_cors_preflight_answers_204_with_origin_methods_and_requested_headers(path):
    headers = {
        "origin": ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-request-id",
    }
    answer = call(make_web_app(), path, method="OPTIONS", headers=headers, content_type=None)
    assert (answer.status, answer.body) == (204, b"")
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert _names(answer.headers["access-control-allow-methods"]) == {"post", "options"}
    assert _names(answer.headers["access-control-allow-headers"]) == {"content-type", "x-request-id"}


def test_cors_preflight_is_counted_as_a_204_on_an_edge_path():
    app = make_web_app()
    call(app, "/ee/v1/interact", method="OPTIONS", headers={"origin": ORIGIN}, content_type=None)
    assert app.stats.snapshot()["by_status"] == {"204": 1}
    assert app.stats.snapshot()["by_operation"] == {}


def test_cors_preflight_without_origin_allows_nothing():
    headers = dict(preflight_headers({"headers": [(b"access-control-request-method", b"POST")]}))
    assert headers == {b"content-length": b"0", b"vary": b"Origin, Access-Control-Request-Headers"}


def test_cors_preflight_never_echoes_a_header_value_with_control_characters():
    scope = {"headers": [(b"origin", b"https://site.test\r\nset-cookie: x=1")]}
    assert b"access-control-allow-origin" not in dict(preflight_headers(scope))
