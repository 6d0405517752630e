"""XDM validation of events, offline, against Adobe's XDM JSON Schemas shipped in `xdm/schemas/` (docs/generators.md).

`edgeload validate-events` and the generator tests use it; nothing here touches the network.
"""

# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from xdm._cli import build_parser, main
from xdm._validation import SHIPPED_SCHEMA_DIR, XdmSchemaError, XdmValidator

__all__ = [
    "SHIPPED_SCHEMA_DIR",
    "XdmSchemaError",
    "XdmValidator",
    "build_parser",
    "main",
]
