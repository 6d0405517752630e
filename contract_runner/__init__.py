"""`edgeload contract`: the pytest suite and schemathesis run against a target, and their reports.

Both phases judge every response with the one verdict (`contracts.judge`) and count every request on the
wire (`targets._transport`), so their figures add up (docs/contract.md).
"""

# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from contract_runner._cli import main, parser
from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES
from contract_runner._progress import ConsoleLine

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ConsoleLine",
    "main",
    "parser",
]
