"""The datastreams of the embedded emulator, which every runner targets when it is given no other.

Mirrors emulator/_datastreams.toml (tests/contracts/test_defaults.py keeps the two equal); kept here because the
verdict layer must not import the emulator (docs/architecture.md).
"""

from __future__ import annotations

from typing import Final

DEFAULT_DATASTREAM_ID: Final = "3f0c6a8e-6a4e-4d5b-9a52-2f1e7c9b1d01"  # server datastream, primary identity required
DISABLED_DATASTREAM_ID: Final = "9d2b7f40-1c3e-4a8b-b6d5-7e0f2a4c6e02"  # enabled = false: EXEG-0004-422
AUTHENTICATED_DATASTREAM_ID: Final = "c5e1a9b3-7d2f-4e6a-8c0b-3f5d7e9a1b03"  # access_type authenticated: 0500-401
UNKNOWN_DATASTREAM_ID: Final = "00000000-0000-4000-8000-00000000dead"  # in no configuration: EXEG-0003-400
