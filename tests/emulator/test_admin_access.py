"""The admin endpoints answer the user's own tools only: a loopback Host (or the --host bound), no cross-origin
request, a JSON body on PUT/POST, and the admin token when one is set or the emulator is reachable from other
machines (emulator/_admin_access.py, docs/emulator.md)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from emulator._admin_access import TOKEN_ENV, TOKEN_HEADER
from emulator._cli import guard_exposure, main, settings_from
from emulator._errors import ConfigError
from emulator._faults import parse_spec
from emulator._server import spawn
from tests.emulator.asgi_client import DEFAULT, call, interact_body, make_app

TOKEN = "t0ken-for-the-admin-routes-7f3a"


def stats(app, **headers: str):
    return call(app, "/_emulator/stats", method="GET", headers=headers)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:1", "localhost.",
                                  "[::1]:9", "[::1]", "127.5.6.7:80"])
def test_admin_access_loopback_hosts_are_answered(host):
    assert stats(make_app(), host=host).status == 200


@pytest.mark.parametrize("host", ["evil.example:8080", "evil.example", "127.0.0.1.evil.example", "", "[::1",
                                  "localhost:abc", "10.0.0.5:8080", "[::1]x"])
def test_admin_access_other_hosts_are_refused_as_dns_rebinding_would_send(host):
    answer = stats(make_app(), host=host)
    assert answer.status == 403
    assert "loopback Host" in answer.json()["error"]


def test_admin_access_the_name_bound_with_host_is_answered_and_no_other():
    app = make_app(host="emulator.lan")
    assert stats(app, host="emulator.lan:8080").status == 200
    assert stats(app, host="other.lan:8080").status == 403


def test_admin_access_bound_to_every_interface_answers_address_literals_not_names():
    app = make_app(host="0.0.0.0")
    assert stats(app, host="192.168.1.5:8080").status == 200
    assert stats(app, host="evil.example:8080").status == 403


def test_admin_access_the_edge_routes_answer_any_host():
    # Browsers reach the Edge routes under the real service's names (the Web SDK tests map edge.test).
    answer = call(make_app(), "/ee/v2/interact", interact_body(), query=DEFAULT, headers={"host": "edge.test"})
    assert answer.status == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({"origin": "http://evil.example"}, 403, id="other-origin"),
        pytest.param({"origin": "null"}, 403, id="opaque-origin"),
        pytest.param({"origin": "http://127.0.0.1:9"}, 403, id="other-port"),
        pytest.param({"origin": "http://127.0.0.1:8080"}, 200, id="own-origin"),
        pytest.param({"sec-fetch-site": "cross-site"}, 403, id="cross-site"),
        pytest.param({"sec-fetch-site": "same-site"}, 403, id="same-site"),
        pytest.param({"sec-fetch-site": "same-origin"}, 200, id="same-origin"),
        pytest.param({"sec-fetch-site": "none"}, 200, id="typed-url"),
    ],
)
def test_admin_access_cross_origin_requests_are_refused(headers, status):
    app = make_app()
    answer = call(app, "/_emulator/reset", method="POST", headers={"host": "127.0.0.1:8080", **headers})
    assert answer.status == status
    if status == 403:
        assert "cross-origin" in answer.json()["error"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_admin_access_put_without_json_is_refused_and_changes_nothing(content_type):
    # What a cross-origin HTML form can send without a preflight: enctype text/plain can even carry valid JSON.
    app = make_app(faults=(parse_spec("stall:0.5"),))
    answer = call(app, "/_emulator/faults", b'{"faults": ["rate-limit"], "x": "="}', method="PUT",
                  content_type=content_type)
    assert answer.status == 415
    assert "content-type: application/json" in answer.json()["error"]
    assert call(app, "/_emulator/faults", method="GET").json() == {"faults": ["stall:0.5"]}


def test_admin_access_post_reset_takes_json_or_no_body_but_not_a_form():
    app = make_app()
    call(app, "/ee/v2/interact", interact_body(), query=DEFAULT)
    assert call(app, "/_emulator/reset", method="POST", content_type="text/plain").status == 415
    assert app.stats.snapshot()["total"] == 1  # the refused reset reset nothing
    assert call(app, "/_emulator/reset", method="POST", content_type=None).status == 200
    assert app.stats.snapshot()["total"] == 0


def test_admin_access_token_is_required_when_set_and_never_echoed():
    app = make_app(admin_token=TOKEN)
    missing, wrong = stats(app), stats(app, **{TOKEN_HEADER: TOKEN[:-1] + "x"})
    assert (missing.status, wrong.status) == (401, 401)
    assert TOKEN_HEADER in missing.json()["error"]
    assert TOKEN not in missing.body.decode() + wrong.body.decode()
    assert stats(app, **{TOKEN_HEADER: TOKEN}).status == 200


def test_admin_access_settings_never_show_the_token():
    assert TOKEN not in repr(make_app(admin_token=TOKEN).edge) + repr(settings_from(["--admin-token", TOKEN]))


def test_admin_access_loopback_needs_no_token_unless_one_is_given():
    settings = settings_from([])
    assert guard_exposure(settings, "127.0.0.1", {}) == (settings, None)
    given, warning = guard_exposure(settings, "::1", {TOKEN_ENV: TOKEN})
    assert (given.admin_token, warning) == (TOKEN, None)
    flagged, _ = guard_exposure(settings_from(["--admin-token", TOKEN]), "127.0.0.1", {TOKEN_ENV: "x" * 20})
    assert flagged.admin_token == TOKEN  # the flag wins over the environment


def test_admin_access_any_other_address_warns_and_generates_a_token_shown_once():
    settings, warning = guard_exposure(settings_from([]), "0.0.0.0", {})
    assert settings.admin_token is not None
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", settings.admin_token)
    assert warning is not None
    assert warning.startswith("edgeload emulator: warning: listening on 0.0.0.0, which other machines can reach")
    assert f"{TOKEN_HEADER}: {settings.admin_token} (generated now" in warning
    assert guard_exposure(settings_from([]), "0.0.0.0", {})[0].admin_token != settings.admin_token


def test_admin_access_a_given_token_is_required_but_not_printed():
    settings, warning = guard_exposure(settings_from([]), "192.168.1.5", {TOKEN_ENV: TOKEN})
    assert settings.admin_token == TOKEN
    assert warning is not None
    assert "the token you gave" in warning
    assert TOKEN not in warning


def test_admin_access_bad_token_is_one_line_that_does_not_echo_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--admin-token", "short secret"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--admin-token must be 16 to 256 visible ASCII characters" in err
    assert "short secret" not in err
    with pytest.raises(ConfigError, match=TOKEN_ENV) as caught:
        guard_exposure(settings_from([]), "127.0.0.1", {TOKEN_ENV: "tiny"})
    assert "tiny" not in str(caught.value)


def test_admin_access_over_a_socket_rebinding_and_token():
    with spawn(["--admin-token", TOKEN]) as running:
        def get(headers: dict[str, str]) -> int:
            request = urllib.request.Request(running.url + "/_emulator/stats", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    json.loads(response.read())
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return error.code

        port = running.url.rsplit(":", 1)[1]
        assert get({TOKEN_HEADER: TOKEN}) == 200
        assert get({}) == 401
        assert get({TOKEN_HEADER: TOKEN, "host": f"evil.example:{port}"}) == 403
        assert get({TOKEN_HEADER: TOKEN, "origin": "http://evil.example"}) == 403


class FakeSocket:
    def __init__(self, address: str) -> None:
        self.address = address

    def getsockname(self) -> tuple[str, int]:
        return self.address, 8123


@pytest.mark.parametrize(("address", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_admin_access_main_warns_and_serves_with_a_token_only_when_exposed(monkeypatch, capsys, address, warned):
    from emulator import _serving as serving

    served = {}
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setattr(serving, "bind", lambda host, port: FakeSocket(address))
    monkeypatch.setattr(serving, "serve", lambda app, *args: served.setdefault("app", app))
    assert main(["--host", address]) == 0
    token = served["app"].admin_access.token
    err = capsys.readouterr().err
    assert (token is not None, "warning: listening on" in err) == (warned, warned)
    if warned:
        assert err.count(token) == 1  # shown once, on the warning line


def test_admin_access_spawned_emulator_ignores_a_token_in_the_environment(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with spawn() as running, urllib.request.urlopen(running.url + "/_emulator/stats", timeout=5) as response:
        assert response.status == 200
