"""The local Edge Network: `edgeload emulator`, started by the load test and the contract runner as their
default target (`spawn`), faithful to Adobe's documentation and able to fail on request (docs/emulator.md).
It imports no other package of edgeload, so it never judges itself with the verdict it is used to prove.
"""
# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from emulator._cli import build_parser, main
from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._lifeline import Lifeline, die_with_parent, inherited_lifeline
from emulator._ratelimit import FRAGMENT_BYTES, request_units
from emulator._server import EmulatorStartError, RunningEmulator, spawn

__all__ = [
    "DEFAULT_DATASTREAM_ID",
    "FRAGMENT_BYTES",
    "EmulatorStartError",
    "Lifeline",
    "RunningEmulator",
    "build_parser",
    "die_with_parent",
    "inherited_lifeline",
    "main",
    "request_units",
    "spawn",
]
