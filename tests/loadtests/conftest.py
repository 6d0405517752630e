"""Fixtures for the load-test tests: one emulator subprocess per session, reset for each test that asks for it.

A subprocess, never a server in a thread of the test process: the test run is gevent-monkey-patched.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator._server import RunningEmulator, spawn
from tests.edgeload_runs import admin, stats


def set_faults(url: str, *faults: str) -> None:
    admin(url, "PUT", "/_emulator/faults", {"faults": list(faults)})


def received(url: str) -> int:
    """The emulator's own count of requests received on Edge paths."""
    total = stats(url)["total"]
    assert isinstance(total, int)
    return total


@pytest.fixture(scope="session")
def emulator_process() -> Iterator[RunningEmulator]:
    # No rate limit: these tests measure the suite, not the emulator's guardrail.
    with spawn(["--seed", "5", "--rate-limit", "0", "--collect-rate-limit", "0"]) as running:
        yield running


@pytest.fixture
def emulator(emulator_process: RunningEmulator) -> RunningEmulator:
    """The shared emulator, fault-free with zeroed counters."""
    set_faults(emulator_process.url)
    admin(emulator_process.url, "POST", "/_emulator/reset")
    return emulator_process
