"""The emulator's authentication: its IMS token endpoint and the 401s of the Edge Network."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from emulator._app import EmulatorApp
from emulator._auth import Client, mint, parse_clients
from emulator._cli import settings_from
from emulator._config import Settings, load_datastreams, load_settings
from emulator._errors import ConfigError
from tests.emulator.asgi_client import AUTHENTICATED_ID, DEFAULT, FakeClock, call, interact_body

ORG = "8B1F4A6E5CC1D3760A495C11@AdobeOrg"
CLIENT = Client("test-client-0001", "test-secret-0001", ORG)
FORM = "application/x-www-form-urlencoded"
TOKEN_PATH = "/ims/token/v3"


class WallClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make(ttl: float = 60.0, *, server_host: bool = False) -> tuple[EmulatorApp, WallClock]:
    wall = WallClock()
    settings = Settings(datastreams=load_datastreams(), seed=7, clients=(CLIENT,), token_ttl=ttl,
                        server_host=server_host, rate_limit=0)
    return EmulatorApp(settings, clock=FakeClock(), wall_clock=wall), wall


def ask_token(app, **form):
    fields = {"grant_type": "client_credentials", "client_id": CLIENT.id, "client_secret": CLIENT.secret,
              "scope": "openid,AdobeID", **form}
    return call(app, TOKEN_PATH, urlencode(fields).encode(), content_type=FORM)


def headers_with(token: str | None, **extra: str) -> dict[str, str]:
    headers = {"x-api-key": CLIENT.id, "x-gw-ims-org-id": ORG, **extra}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return {k: v for k, v in headers.items() if v != "-"}


def interact(app, headers, datastream=AUTHENTICATED_ID):
    return call(app, body=interact_body(), query={"datastreamId": datastream}, headers=headers)


def problem(answer) -> str:
    return str(answer.json()["type"]).rsplit("/", 1)[-1]


def test_token_endpoint_answers_as_ims_v3_with_expires_in_seconds():
    app, _ = make(ttl=2)
    answer = ask_token(app)
    document = answer.json()
    assert (answer.status, document["token_type"], document["expires_in"]) == (200, "bearer", 2)
    assert document["access_token"].startswith("eyJ")
    assert app.edge.auth.issued == 1


@pytest.mark.parametrize(("form", "status", "error"), [
    pytest.param({"client_secret": "wrong"}, 401, "invalid_client", id="wrong-secret"),
    pytest.param({"client_id": "nobody"}, 400, "invalid_client", id="unknown-client"),
    pytest.param({"grant_type": "password"}, 400, "unsupported_grant_type", id="grant-type"),
])
def test_token_endpoint_refuses_bad_credentials_in_oauth_shape(form, status, error):
    app, _ = make()
    answer = ask_token(app, **form)
    assert (answer.status, answer.json()["error"]) == (status, error)
    assert app.edge.auth.issued == 0


def test_token_endpoint_wants_a_form_body_and_post():
    app, _ = make()
    assert call(app, TOKEN_PATH, {"client_id": CLIENT.id}).json()["error"] == "invalid_request"
    assert call(app, TOKEN_PATH, method="GET").status == 405


def test_auth_issued_token_opens_the_authenticated_datastream():
    app, _ = make()
    token = ask_token(app).json()["access_token"]
    assert interact(app, headers_with(token)).status == 200


@pytest.mark.parametrize(("token", "extra", "code"), [
    pytest.param(None, {}, "EXEG-0500-401", id="no-token"),
    pytest.param("not-a-jwt", {}, "EXEG-0500-401", id="malformed"),
    pytest.param("eyJ.eyJ.x", {}, "EXEG-0500-401", id="malformed-segments"),
    pytest.param("VALID", {"x-api-key": "-"}, "EXEG-0500-401", id="missing-api-key"),
    pytest.param("VALID", {"x-gw-ims-org-id": "-"}, "EXEG-0500-401", id="missing-org"),
    pytest.param("FORGED", {}, "EXEG-0502-401", id="bad-signature"),
])
def test_auth_refusals_on_an_authenticated_datastream(token, extra, code):
    app, _ = make()
    valid = ask_token(app).json()["access_token"]
    forged = mint(CLIENT.id, ORG, "openid", 0.0, 4102444800.0, key=b"someone-else")
    sent = {"VALID": valid, "FORGED": forged}.get(token, token) if token else None
    answer = interact(app, headers_with(sent, **extra))
    assert (answer.status, problem(answer)) == (401, code)
    assert answer.headers["content-type"] == "application/problem+json"


def test_auth_basic_scheme_is_a_malformed_token():
    app, _ = make()
    answer = interact(app, {**headers_with(None), "authorization": "Basic dXNlcjpwYXNz"})
    assert problem(answer) == "EXEG-0500-401"


def test_auth_token_expires_after_its_ttl_with_exeg_0503():
    app, wall = make(ttl=2)
    token = ask_token(app).json()["access_token"]
    wall.now += 1.999
    assert interact(app, headers_with(token)).status == 200
    wall.now += 0.001
    answer = interact(app, headers_with(token))
    assert (answer.status, problem(answer)) == (401, "EXEG-0503-401")


def test_auth_mixed_datastream_takes_requests_without_credentials_but_checks_those_sent():
    app, _ = make()
    assert interact(app, {}, datastream=DEFAULT["datastreamId"]).status == 200
    answer = interact(app, headers_with("garbage"), datastream=DEFAULT["datastreamId"])
    assert (answer.status, problem(answer)) == (401, "EXEG-0500-401")


def test_auth_server_host_mode_makes_mixed_datastreams_authenticate():
    app, _ = make(server_host=True)
    answer = interact(app, {}, datastream=DEFAULT["datastreamId"])
    assert (answer.status, problem(answer)) == (401, "EXEG-0500-401")
    token = ask_token(app).json()["access_token"]
    assert interact(app, headers_with(token), datastream=DEFAULT["datastreamId"]).status == 200


def test_auth_reset_zeroes_the_issued_count():
    app, _ = make()
    ask_token(app)
    app.reset()
    assert app.edge.auth.issued == 0


def test_auth_default_settings_ship_the_documented_test_client():
    assert load_settings().clients == (Client("edgeload-test-client", "edgeload-test-secret", ORG),)


def test_auth_cli_reads_token_ttl_and_server_host(tmp_path):
    config = tmp_path / "e.toml"
    config.write_text('[emulator]\ntoken_ttl = 5\n\n[[clients]]\nid = "a"\nsecret = "b"\norg_id = "c"\n')
    settings = settings_from(["--config", str(config), "--server-host"])
    assert (settings.token_ttl, settings.server_host, settings.clients) == (5.0, True, (Client("a", "b", "c"),))
    assert settings_from(["--token-ttl", "1.5"]).token_ttl == 1.5


@pytest.mark.parametrize(("value", "message"), [
    pytest.param([{"id": "a", "secret": "b"}], r"clients\[0\]\.org_id must be a non-empty string", id="missing"),
    pytest.param([{"id": "a", "secret": "b", "org_id": "c", "x": 1}], "unknown key 'x'", id="unknown"),
    pytest.param("a", "must be an array of tables", id="not-array"),
])
def test_parse_clients_refuses_bad_tables_with_one_line(value, message):
    with pytest.raises(ConfigError, match=message):
        parse_clients(value, "f.toml")


def test_auth_cli_refuses_a_ttl_of_zero():
    with pytest.raises(ConfigError, match="--token-ttl must be a number of seconds above 0"):
        settings_from(["--token-ttl", "0"])
