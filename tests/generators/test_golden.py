"""Same seed and settings, same bytes: `edgeload generate` output compared with files under golden/.

Regenerate after an intended change (and review the diff):
    EDGELOAD_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/generators/test_golden.py
Seeded output is stable only within one Faker version, which pyproject.toml pins exactly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generators._cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("EDGELOAD_REGENERATE_GOLDEN") == "1"
CASES = {
    # name: arguments after `edgeload generate`
    "page-view": ["-n", "200", "--seed", "2024", "--kind", "page-view"],
    "link-click": ["-n", "200", "--seed", "2024", "--kind", "link-click"],
    "product-view": ["-n", "200", "--seed", "2024", "--kind", "product-view"],
    "add-to-cart": ["-n", "200", "--seed", "2024", "--kind", "add-to-cart"],
    "checkout": ["-n", "200", "--seed", "2024", "--kind", "checkout"],
    "purchase": ["-n", "200", "--seed", "2024", "--kind", "purchase"],
    "journey": ["-n", "40", "--seed", "2024", "--kind", "journey"],
    "interact-request": ["-n", "200", "--seed", "2024", "--kind", "interact-request", "--identity-fetch"],
    "collect-request": ["-n", "20", "--seed", "2024", "--kind", "collect-request", "--mix",
                        "page-view=50,link-click=20,product-view=20,purchase=10"],
    "v1-interact-request": ["-n", "200", "--seed", "2024", "--worker", "3", "--kind", "v1-interact-request"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_generate_output_is_byte_identical_to_golden(name, capsys):
    assert main(CASES[name]) == 0
    produced = capsys.readouterr().out
    golden = GOLDEN / f"{name}.jsonl"
    if REGENERATE:
        golden.write_text(produced, encoding="utf-8", newline="\n")
        pytest.skip(f"regenerated {golden.name}")
    expected = golden.read_text(encoding="utf-8")
    assert produced.count('"eventType":') >= 200  # a few hundred events of every kind
    if produced != expected:
        pairs = zip(produced.splitlines(), expected.splitlines(), strict=False)
        line = next((i for i, (a, b) in enumerate(pairs, start=1) if a != b), None)
        pytest.fail(f"{name}: output differs from {golden.name} first at line {line} (see the module docstring "
                    "to regenerate after an intended change)")
