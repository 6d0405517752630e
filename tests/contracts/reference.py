"""Where the shared reference material lives: beside the checkout, read at test time and never copied (brief)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CHECKOUT = Path(__file__).resolve().parents[2]
REFERENCE = CHECKOUT / ".." / "shared" / "reference"
OFFICIAL_SPEC = REFERENCE / "adobe-openapi" / "api-reference.yaml"
EXEG_CODES = REFERENCE / "adobe-openapi" / "exeg-error-codes.from-docs.json"
SAMPLES = REFERENCE / "samples"


def official_spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(OFFICIAL_SPEC.read_text(encoding="utf-8"))
    return loaded
