"""Fixtures for the emulator tests: an in-process app per test, one emulator subprocess per session."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from emulator._app import EmulatorApp
from emulator._server import RunningEmulator, spawn
from tests.emulator.asgi_client import FakeClock, make_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> EmulatorApp:
    return make_app(seed=7, clock=clock)


def admin(url: str, method: str, path: str, document: object | None = None) -> object:
    data = None if document is None else json.dumps(document).encode()
    # JSON, as the admin routes require of a PUT (emulator/_admin_access.py: a cross-origin form cannot send it).
    request = urllib.request.Request(url + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[RunningEmulator]:
    """One emulator for every end-to-end test; faults are switched through the admin endpoint."""
    with spawn(["--seed", "11"]) as running:
        yield running


@pytest.fixture
def emulator(emulator_process: RunningEmulator) -> RunningEmulator:
    """The shared emulator, reset and fault-free at the start of each test."""
    admin(emulator_process.url, "PUT", "/_emulator/faults", {"faults": []})
    admin(emulator_process.url, "POST", "/_emulator/reset")
    return emulator_process
