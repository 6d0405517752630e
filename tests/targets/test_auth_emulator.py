"""The whole auth flow against the emulator: one token per process shared by every caller, a refresh
across a real expiry without a single 401, and TLS verified unless asked not to. Emulators run as subprocesses."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_runner._client import Edge, reachable
from contract_runner.suite.bodies import interact as interact_body
from emulator._server import RunningEmulator, spawn
from targets._auth import AuthError, ClientCredentialsToken, credentials_for, fetch_token
from targets._defaults import AUTHENTICATED_DATASTREAM_ID
from targets._profiles import Profile
from targets._redaction import forget_secrets

ORG = "8B1F4A6E5CC1D3760A495C11@AdobeOrg"
ENV = {"EDGELOAD_CLIENT_ID": "e2e-client-4f1a", "EDGELOAD_CLIENT_SECRET": "e2e-secret-9b2c7d"}
CLIENTS = f'[[clients]]\nid = "e2e-client-4f1a"\nsecret = "e2e-secret-9b2c7d"\norg_id = "{ORG}"\n'


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    yield
    forget_secrets()


def start(tmp_path: Path, *args: str) -> RunningEmulator:
    config = tmp_path / "clients.toml"
    config.write_text(CLIENTS, encoding="utf-8")
    return spawn(["--config", str(config), *args])


def tokens_issued(url: str) -> int:
    with urllib.request.urlopen(url + "/_emulator/tokens", timeout=5) as response:
        issued: int = json.loads(response.read())["issued"]
        return issued


def edge_for(url: str) -> Edge:
    profile = Profile("emulator", url, AUTHENTICATED_DATASTREAM_ID, auth="oauth", org_id=ORG,
                      ims_url="{target}/ims/token/v3")
    return Edge(url, AUTHENTICATED_DATASTREAM_ID, credentials=credentials_for(profile, ENV))


@pytest.mark.slow
def test_auth_one_token_per_process_shared_by_every_concurrent_caller(tmp_path):
    with start(tmp_path) as emulator:
        edge = edge_for(emulator.url)
        statuses: list[int] = []

        def user() -> None:
            for _ in range(5):
                statuses.append(edge.post("/ee/v2/interact", interact_body()).status)

        users = [threading.Thread(target=user) for _ in range(8)]
        for thread in users:
            thread.start()
        for thread in users:
            thread.join(30)
        assert statuses == [200] * 40
        assert tokens_issued(emulator.url) == 1


@pytest.mark.slow
def test_auth_token_is_refreshed_across_a_real_expiry_without_a_401(tmp_path):
    with start(tmp_path, "--token-ttl", "1") as emulator:
        edge = edge_for(emulator.url)
        source = edge.credentials.source  # type: ignore[attr-defined]
        assert isinstance(source, ClientCredentialsToken)
        statuses: list[int] = []
        deadline = time.monotonic() + 10
        while source.fetches < 2 and time.monotonic() < deadline:  # a condition, not a fixed sleep
            statuses.append(edge.post("/ee/v2/interact", interact_body()).status)
        statuses.append(edge.post("/ee/v2/interact", interact_body()).status)
        assert source.fetches == 2
        assert set(statuses) == {200}
        assert tokens_issued(emulator.url) == 2


@pytest.mark.slow
def test_auth_expired_token_is_refused_by_the_emulator_with_exeg_0503(tmp_path):
    with start(tmp_path, "--token-ttl", "1") as emulator:
        token, lifetime = fetch_token(emulator.url + "/ims/token/v3", {
            "grant_type": "client_credentials", "client_id": ENV["EDGELOAD_CLIENT_ID"],
            "client_secret": ENV["EDGELOAD_CLIENT_SECRET"], "scope": "openid"}, 5.0, True)
        assert lifetime == 1
        edge = Edge(emulator.url, AUTHENTICATED_DATASTREAM_ID,
                    credentials={"authorization": f"Bearer {token}", "x-api-key": "k", "x-gw-ims-org-id": ORG})
        deadline = time.monotonic() + 10
        exchange = edge.post("/ee/v2/interact", interact_body())
        while exchange.status == 200 and time.monotonic() < deadline:  # until the emulator's clock passes expiry
            exchange = edge.post("/ee/v2/interact", interact_body())
        assert exchange.status == 401
        assert json.loads(exchange.response_body)["type"].endswith("EXEG-0503-401")


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory) -> Iterator[RunningEmulator]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not on PATH; install Debian's openssl to make the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=edge.test"],
                   check=True, capture_output=True)
    with start(folder, "--certfile", str(cert), "--keyfile", str(key)) as emulator:
        yield emulator


@pytest.mark.slow
def test_auth_tls_is_verified_unless_insecure(https_emulator):
    url = https_emulator.url
    assert url.startswith("https://")
    form = {"grant_type": "client_credentials", "client_id": ENV["EDGELOAD_CLIENT_ID"],
            "client_secret": ENV["EDGELOAD_CLIENT_SECRET"], "scope": "openid"}
    with pytest.raises(AuthError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_token(url + "/ims/token/v3", form, 5.0, True)
    assert fetch_token(url + "/ims/token/v3", form, 5.0, False)[1] > 0
    assert "CERTIFICATE_VERIFY_FAILED" in (reachable(url) or "")
    assert reachable(url, verify_tls=False) is None
