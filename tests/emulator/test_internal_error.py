"""Any exception while handling a request is answered EXEG-0001-500 (docs/emulator.md), forced here in each
place a request can be handled: the Edge operation, a fault's effect, the admin endpoints and the token endpoint.
A fault spec that would have raised at answer time is refused when given (flag, config file, `PUT`)."""

from __future__ import annotations

import dataclasses

import pytest

from emulator import _app as app
from emulator import _token_endpoint as token_endpoint
from emulator._fault_kinds import REGISTRY
from emulator._faults import parse_spec
from emulator._stats import Stats
from tests.emulator.asgi_client import DEFAULT, call, interact_body, make_app

INTERNAL = "https://ns.adobe.com/aep/errors/EXEG-0001-500"


def boom(*args: object, **kwargs: object) -> None:
    raise KeyError("forced")


def assert_internal_error(answer) -> None:
    assert answer.status == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == INTERNAL


def test_internal_error_in_the_edge_operation_is_exeg_0001_500(monkeypatch):
    target = make_app()
    monkeypatch.setattr(target.edge, "handle", boom)
    answer = call(target, "/ee/v2/interact", interact_body(), query=DEFAULT)
    assert_internal_error(answer)
    assert target.stats.snapshot()["by_status"] == {"500": 1}


async def async_boom(*args: object, **kwargs: object) -> bool:
    raise KeyError("forced")


def test_internal_error_in_a_fault_effect_is_exeg_0001_500(monkeypatch):
    target = make_app(faults=(parse_spec("wrong-content-type"),))
    kind = REGISTRY["wrong-content-type"]
    monkeypatch.setitem(REGISTRY, "wrong-content-type", dataclasses.replace(kind, effect=async_boom))
    answer = call(target, "/ee/v2/interact", interact_body(), query=DEFAULT)
    assert_internal_error(answer)
    assert target.stats.snapshot()["by_status"] == {"500": 1}


def test_internal_error_in_an_admin_endpoint_is_exeg_0001_500(monkeypatch):
    target = make_app()
    monkeypatch.setattr(Stats, "snapshot", boom)
    assert_internal_error(call(target, "/_emulator/stats", method="GET", headers={"host": "127.0.0.1"}))


def test_internal_error_in_the_token_endpoint_is_exeg_0001_500(monkeypatch):
    target = make_app()
    monkeypatch.setattr(token_endpoint, "read_body", boom)
    assert_internal_error(call(target, "/ims/token/v3", b"grant_type=client_credentials"))


def test_internal_error_after_the_answer_began_is_left_to_the_server_to_close(monkeypatch):
    # A begun answer cannot be replaced by another: the exception goes on to uvicorn, which closes the connection.
    async def half_then_boom(app_, scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise KeyError("forced")

    monkeypatch.setattr(app, "handle_admin", half_then_boom)
    with pytest.raises(KeyError):
        call(make_app(), "/_emulator/stats", method="GET")


@pytest.mark.parametrize("status", ["0", "99", "1000", "1e11", "204", "304"])
def test_internal_error_bad_status_is_refused_by_put_and_the_old_faults_stay(status):
    target = make_app(faults=(parse_spec("stall:0.5"),))
    answer = call(target, "/_emulator/faults", {"faults": [f"undocumented-status,status={status}"]}, method="PUT",
                  headers={"host": "127.0.0.1"})
    assert answer.status == 400
    assert "must be a whole number from 200 to 599" in answer.json()["error"]
    assert "\n" not in answer.json()["error"]
    assert call(target, "/_emulator/faults", method="GET").json() == {"faults": ["stall:0.5"]}

