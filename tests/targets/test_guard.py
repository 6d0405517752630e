"""targets._guard: what every command sending traffic refuses to send to a non-local target, and proof that
`edgeload run`, `edgeload contract`, plain `locust` and the contract suite refuse before opening any connection.

No test here sends a request: name resolution and connections are made to fail the test if anything tries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from contract_runner import _cli as contract_cli
from contract_runner import _runs as runs
from contract_runner._client import Throttle
from loadtests import _run as run_cli
from loadtests import _target_profile as target_profile
from loadtests._options import LoadOptions
from targets._defaults import AUTHENTICATED_DATASTREAM_ID, DEFAULT_DATASTREAM_ID
from targets._guard import credentials_needed, refusal
from targets._profiles import Overrides, Profile
from tests.contracts.reference import CHECKOUT

SERVER = Profile("adobe-server", "https://server.adobedc.net", "ds-1", auth="oauth", org_id="O@AdobeOrg")
EDGE = Profile("adobe-edge", "https://edge.adobedc.net", "ds-2")


def refused(profile: Profile, ceiling: float | None = 10.0) -> str | None:
    return refusal(profile, sender="a test", ceiling=ceiling, ceiling_flags="--max-rps N")


@pytest.mark.parametrize(("profile", "message"), [
    pytest.param(Profile("emulator", "https://edge.adobedc.net", "ds-1"),
                 "profile emulator is the embedded emulator's and cannot target https://edge.adobedc.net; pass "
                 "--profile adobe-server, adobe-edge", id="emulator-profile"),
    pytest.param(Profile("custom", "https://edge.adobedc.net", DEFAULT_DATASTREAM_ID.upper()),
                 f"datastream {DEFAULT_DATASTREAM_ID.upper()} is the embedded emulator's, not one of "
                 "https://edge.adobedc.net; pass --datastream-id of your own", id="emulator-datastream"),
    pytest.param(Profile("custom", "https://edge.adobedc.net", AUTHENTICATED_DATASTREAM_ID),
                 "is the embedded emulator's", id="emulator-authenticated-datastream"),
    pytest.param(Profile("custom", "https://proxy.example.com"), "a test against https://proxy.example.com needs "
                 "your datastream: pass --datastream-id ID", id="no-datastream"),
    pytest.param(Profile("custom", "https://server.adobedc.net", "ds-1"),
                 "server.adobedc.net authenticates every request, and profile custom sends no credentials; pass "
                 "--auth oauth", id="server-host-without-credentials"),
    pytest.param(Profile("custom", "https://va6.server.adobedc.net", "ds-1"), "va6.server.adobedc.net "
                 "authenticates every request", id="hinted-server-host-without-credentials"),
])
def test_refusal_names_what_may_not_go_to_a_non_local_target(profile, message):
    problem = refused(profile)
    assert problem is not None
    assert message in problem


def test_refusal_asks_for_a_ceiling_on_the_rate_against_a_non_local_target():
    assert refused(SERVER, ceiling=None) == (
        "a test against https://server.adobedc.net needs an explicit ceiling on the request rate (the real service "
        "rate-limits per organisation and bills usage): pass --max-rps N")
    assert refused(SERVER, ceiling=0) is not None


@pytest.mark.parametrize("profile", [
    pytest.param(SERVER, id="server-with-oauth"),
    pytest.param(EDGE, id="edge-without-credentials"),
    pytest.param(Profile("emulator", "http://127.0.0.1:9", DEFAULT_DATASTREAM_ID), id="local-emulator"),
    pytest.param(Profile("emulator", None, DEFAULT_DATASTREAM_ID), id="embedded-emulator"),
])
def test_refusal_lets_a_bounded_run_with_its_own_datastream_or_a_local_one_start(profile):
    assert refused(profile) is None


def test_refusal_needs_no_ceiling_on_this_machine():
    assert refused(Profile("custom", "http://localhost:9"), ceiling=None) is None


def test_credentials_needed_on_the_server_host_and_its_subdomains_only():
    assert credentials_needed("SERVER.adobedc.net.") is not None
    assert credentials_needed("or2.server.adobedc.net") is not None
    assert credentials_needed("edge.adobedc.net") is None
    assert credentials_needed("notserver.adobedc.net") is None


def test_throttle_spaces_requests_by_the_inverse_of_the_rate():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    throttle = Throttle(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        throttle.wait()
    now[0] += 1.0  # an idle second earns no burst: the next request goes at once, the one after waits again
    throttle.wait()
    throttle.wait()
    assert slept == [0.25, 0.25, 0.25]


# --- the commands: refused before any connection ------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name lookup or connection attempt is recorded and fails; the test then asserts none happened."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise OSError("this test opens no connection")

    for name in ("getaddrinfo", "create_connection", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: refuse(address))
    for name in ("EDGELOAD_PROFILE", "EDGELOAD_PROFILE_JSON", "EDGELOAD_TARGET", "EDGELOAD_CONFIG", "EDGELOAD_AUTH",
                 "EDGELOAD_DATASTREAM_ID", "EDGELOAD_INSECURE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (("EDGELOAD_CLIENT_ID", "guard-test-client"), ("EDGELOAD_CLIENT_SECRET", "guard-test-secret"),
                        ("EDGELOAD_ORG_ID", "0000@AdobeOrg")):
        monkeypatch.setenv(name, value)
    return attempts


RUN_CASES = [
    pytest.param(["--target", "https://server.adobedc.net", "--target-rps", "5"],
                 "profile custom names no datastream; pass --datastream-id", id="issue-example"),
    pytest.param(["--target", "https://server.adobedc.net", "--target-rps", "5", "--datastream-id", "ds-1"],
                 "server.adobedc.net authenticates every request", id="no-credentials"),
    pytest.param(["--profile", "emulator", "--target", "https://edge.adobedc.net", "--target-rps", "5"],
                 "profile emulator is the embedded emulator's", id="emulator-profile"),
    pytest.param(["--target", "https://edge.adobedc.net", "--datastream-id", DEFAULT_DATASTREAM_ID, "--max-rps", "5"],
                 "is the embedded emulator's, not one of https://edge.adobedc.net", id="emulator-datastream"),
    pytest.param(["--profile", "adobe-server", "--datastream-id", "ds-1"],
                 "a load test against https://server.adobedc.net needs an explicit ceiling", id="no-ceiling"),
]


@pytest.mark.parametrize(("argv", "message"), RUN_CASES)
def test_run_refuses_in_one_line_before_any_connection(no_network, capsys, tmp_path, argv, message):
    assert run_cli.main([*argv, "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
    assert no_network == []


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--target", "https://server.adobedc.net"], "profile custom names no datastream; pass "
                 "--datastream-id", id="issue-example"),
    pytest.param(["--target", "https://server.adobedc.net", "--datastream-id", "ds-1", "--max-rps", "2"],
                 "server.adobedc.net authenticates every request", id="no-credentials"),
    pytest.param(["--profile", "adobe-server", "--datastream-id", "ds-1"],
                 "a contract run against https://server.adobedc.net needs an explicit ceiling on the request rate "
                 "(the real service rate-limits per organisation and bills usage): pass --max-rps N", id="no-ceiling"),
    pytest.param(["--profile", "emulator", "--target", "https://edge.adobedc.net", "--max-rps", "2"],
                 "profile emulator is the embedded emulator's", id="emulator-profile"),
    pytest.param(["--target", "https://edge.adobedc.net", "--datastream-id", DEFAULT_DATASTREAM_ID],
                 "is the embedded emulator's", id="emulator-datastream"),
])
def test_contract_refuses_in_one_line_before_any_connection(no_network, capsys, tmp_path, argv, message):
    assert contract_cli.main([*argv, "--report-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
    assert no_network == []


def test_contract_with_every_requirement_met_goes_on_to_contact_the_target(no_network, capsys, tmp_path):
    """The guard lets a bounded, credentialed run with its own datastream through: the next step is the target."""
    argv = ["--profile", "adobe-server", "--datastream-id", "ds-1", "--max-rps", "2", "--report-dir", str(tmp_path)]
    assert contract_cli.main(argv) == 2
    assert "target https://server.adobedc.net is not reachable" in capsys.readouterr().err
    assert no_network != []  # only a patched lookup, which failed: nothing left this machine


def test_plain_locust_refuses_the_emulators_datastream_for_a_non_local_host(no_network):
    parsed = SimpleNamespace(profile=None, datastream_id=DEFAULT_DATASTREAM_ID, auth="", location_hint="",
                             header=[], insecure=False, target_rps=5.0, host="https://edge.adobedc.net")
    environment = SimpleNamespace(parsed_options=parsed, host="https://edge.adobedc.net", user_classes=[])
    options = LoadOptions(target_rps=5.0, target=Overrides(datastream_id=DEFAULT_DATASTREAM_ID))
    state = SimpleNamespace(options=options, target_headers={}, location_hint=None)
    with pytest.raises(target_profile.TargetError, match="is the embedded emulator's"):
        target_profile.apply(environment, state, prime=True)
    assert no_network == []


@pytest.mark.slow
def test_contract_suite_alone_refuses_a_non_local_target_without_a_datastream_or_ceiling(tmp_path):
    # A name under .invalid never resolves (RFC 2606): had the suite tried, it would say "is not reachable".
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_runner/suite", "-q", "-p", "no:cacheprovider", "--target",
         "https://edge-proxy.invalid"], cwd=CHECKOUT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "the contract suite against https://edge-proxy.invalid needs your datastream" in run.stdout + run.stderr
    assert "not reachable" not in run.stdout + run.stderr


def test_run_schemathesis_passes_the_ceiling_as_its_rate_limit(monkeypatch, tmp_path):
    commands: list[list[str]] = []

    def capture(command: list[str], env: object = None, *_watching: object) -> tuple[int, str]:
        commands.append(list(command))
        return 0, ""

    monkeypatch.setattr(runs, "_run", capture)
    runs.run_schemathesis("https://edge.example.com", "ds-1", tmp_path, 1, "examples", (), max_rps=7)
    runs.run_schemathesis("https://edge.example.com", "ds-1", tmp_path, 1, "examples", ())
    limited, unlimited = commands
    assert limited[limited.index("--rate-limit") + 1] == "7/s"
    assert "--rate-limit" not in unlimited


@pytest.mark.slow
def test_contract_with_a_ceiling_runs_both_runners_paced_and_passes(tmp_path):
    """`--max-rps` reaches both runners (schemathesis' --rate-limit, the suite's throttle) and they still pass."""
    run = subprocess.run(
        [sys.executable, "-m", "loadtests._cli", "contract", "--max-rps", "200", "--phases", "examples",
         "--max-examples", "1", "--report-dir", str(tmp_path)], cwd=CHECKOUT, capture_output=True, text=True,
        timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("edgeload contract: pass")


@pytest.mark.slow
def test_schemathesis_alone_refuses_a_non_local_target_before_any_request(tmp_path):
    # From the checkout root, so schemathesis.toml (the emulator's datastream) and our hooks load.
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", "contracts/edge-network.openapi.yaml", "-u",
         "https://edge-proxy.invalid", "--max-examples", "1", "--report-dir", str(tmp_path)],
        cwd=CHECKOUT, capture_output=True, text=True, timeout=120, check=False,
        env={key: value for key, value in os.environ.items() if key != "EDGELOAD_PROFILE_JSON"})
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr == ("edgeload: st run sends only to this machine; judge https://edge-proxy.invalid with "
                          "`edgeload contract --target URL --datastream-id ID --max-rps N`, which checks the "
                          "datastream, credentials and rate first\n")
