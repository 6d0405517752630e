"""One set of exit codes: their values and names are pinned, and no other module defines its own."""

from __future__ import annotations

import re
from pathlib import Path

from contracts._exit_codes import ExitCode
from loadtests._verdict import Outcome

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "emulator", "generators", "loadtests", "benchmarks", "scripts")
# A module-level name starting EXIT_ being assigned (`EXIT_OK = 0`, `EXIT_OK, EXIT_USAGE = 0, 2`).
DEFINITION = re.compile(r"^\s*EXIT_\w*(\s*,\s*\w+)*\s*(:[^=]*)?=(?!=)", re.M)


def test_exit_codes_have_the_documented_names_and_values():
    assert [(code.name, code.value) for code in ExitCode] == [
        ("OK", 0), ("FAILED", 1), ("COULD_NOT_RUN", 2), ("NOT_TRUSTWORTHY", 3), ("INTERRUPTED", 4)]


def test_exit_codes_of_the_load_test_verdicts_come_from_the_one_enum():
    assert {outcome.name: outcome.exit_code for outcome in Outcome} == {
        "PASS": ExitCode.OK, "FAIL": ExitCode.FAILED, "NOT_TRUSTWORTHY": ExitCode.NOT_TRUSTWORTHY,
        "INTERRUPTED": ExitCode.INTERRUPTED, "COULD_NOT_RUN": ExitCode.COULD_NOT_RUN}
    assert all(type(outcome.exit_code) is ExitCode for outcome in Outcome)


def test_exit_codes_no_module_defines_exit_constants_of_its_own():
    modules = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(modules) > 100  # the walk found the packages
    offenders = [str(path.relative_to(ROOT)) for path in modules
                 if DEFINITION.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_exit_codes_definition_pattern_finds_the_forms_once_used():
    for text in ("EXIT_OK = 0", "EXIT_OK, EXIT_USAGE = 0, 2", "EXIT_NOT_RUN: int = 2", "    EXIT_X = 1"):
        assert DEFINITION.search(text), text
    for text in ("return EXIT_OK", "if code == EXIT_OK:", "x = EXIT_OK"):
        assert not DEFINITION.search(text), text
