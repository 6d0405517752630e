"""Fixtures for the real-client tests: emulators (plain and TLS), the Node harness runs, throwaway certificates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator._server import RunningEmulator, spawn
from tests.certificates import self_signed
from tests.clients.alloy_scenarios import web_sdk_scenarios
from tests.clients.node_runs import CHROMIUM, ScenarioReport, missing_node_setup, run_scenarios

SEED = "7"


@pytest.fixture(scope="session")
def node_ready() -> None:
    # Node and the npm packages are installed by `make test` (Makefile): missing ones are a set-up
    # defect to fix, never a reason to skip silently.
    reason = missing_node_setup()
    if reason is not None:
        pytest.fail(reason)


@pytest.fixture(scope="session")
def chromium_ready(node_ready: None) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing and `make setup-browser` could not install Debian chromium (needs root)")


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for edge.test (Chromium is told to ignore certificate errors)."""
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def web_emulator() -> Iterator[RunningEmulator]:
    with spawn(["--seed", SEED]) as running:
        yield running


@pytest.fixture(scope="session")
def tls_emulator(tls_files: tuple[Path, Path]) -> Iterator[RunningEmulator]:
    cert, key = tls_files
    with spawn(["--seed", SEED, "--certfile", str(cert), "--keyfile", str(key)]) as running:
        yield running


CLIENT_ENVIRONMENTS = ["jsdom", pytest.param("chromium", marks=[pytest.mark.slow, pytest.mark.browser])]


# Session scope: every test module reads the same run (one Node process per environment and test session).
@pytest.fixture(scope="session", params=CLIENT_ENVIRONMENTS)
def alloy_reports(request: pytest.FixtureRequest, node_ready: None) -> dict[str, ScenarioReport]:
    """Every scenario of alloy_scenarios.py run once by one Node process, in jsdom or in Chromium."""
    if request.param == "jsdom":
        emulator: RunningEmulator = request.getfixturevalue("web_emulator")
        return run_scenarios("alloy_jsdom.mjs", emulator.url, web_sdk_scenarios())
    request.getfixturevalue("chromium_ready")
    emulator = request.getfixturevalue("tls_emulator")
    # The harness's own admin calls (faults, stats) go to the TLS emulator with its self-signed certificate.
    return run_scenarios(
        "alloy_browser.mjs",
        emulator.url,
        web_sdk_scenarios(),
        extra={"chromium": str(CHROMIUM)},
        env={"NODE_TLS_REJECT_UNAUTHORIZED": "0", "NODE_NO_WARNINGS": "1"},
    )
