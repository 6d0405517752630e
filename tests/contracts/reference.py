"""The project's copy of Adobe's reference material, as scripts/refresh_reference.py writes it
(docs/reference-data.md): nothing outside the repository is read at test time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xdm._validation import SHIPPED_SCHEMA_DIR

CHECKOUT = Path(__file__).resolve().parents[2]
REFERENCE = CHECKOUT / "tests" / "reference"
OFFICIAL_SPEC = REFERENCE / "adobe-openapi.json"
EXEG_CODES = REFERENCE / "exeg-error-codes.json"
SAMPLES = REFERENCE / "samples"
XDM_SCHEMAS = SHIPPED_SCHEMA_DIR


def official_spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OFFICIAL_SPEC.read_text(encoding="utf-8"))
    return loaded


def exeg_codes() -> list[dict[str, Any]]:
    """The documented EXEG table: `code`, `type`, `status` and `title` of each."""
    codes: list[dict[str, Any]] = json.loads(EXEG_CODES.read_text(encoding="utf-8"))["codes"]
    return codes
