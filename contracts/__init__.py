"""The contract of the Edge Network collection API and the one verdict on a response (docs/contract.md).

The verdict judges a neutral `Exchange` with every check of `REGISTRY` (`judge`); it does no I/O and imports no
other package of edgeload, so pytest, schemathesis and Locust share it unchanged.
"""

# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from contracts._checks import REGISTRY, ContractCheck, describe
from contracts._context import Context
from contracts._exchange import Exchange, lower_headers
from contracts._exit_codes import ExitCode
from contracts._multistatus import MULTI_STATUS, accepts, nonfatal_codes
from contracts._operations import COLLECT_V2, INTERACT_V1, INTERACT_V2, hint_of, hinted_path, label_for, location_hints
from contracts._schemas import CONTRACT_PATH, contract
from contracts._verdict import judge
from contracts._violations import CAUSE_PREFIX, ContractViolation, shorten

__all__ = [
    "CAUSE_PREFIX",
    "COLLECT_V2",
    "CONTRACT_PATH",
    "INTERACT_V1",
    "INTERACT_V2",
    "MULTI_STATUS",
    "REGISTRY",
    "Context",
    "ContractCheck",
    "ContractViolation",
    "Exchange",
    "ExitCode",
    "accepts",
    "contract",
    "describe",
    "hint_of",
    "hinted_path",
    "judge",
    "label_for",
    "location_hints",
    "lower_headers",
    "nonfatal_codes",
    "shorten",
]
