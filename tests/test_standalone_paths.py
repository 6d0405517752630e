"""The repository stands alone: no tracked file names a path outside it (docs/reference-data.md).

Reference material from outside comes in through scripts/refresh_reference.py, the one file allowed to name where
it lives. The scan reads the tracked files themselves, so it holds whether or not anything lies beside the
checkout (CI has a copy of the upstream material there).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"scripts/refresh_reference.py"}
BINARY = (".png", ".jpg", ".gif", ".ico", ".woff", ".woff2")
# A relative path climbing with dot-dot-slash, a dot-dot string as a path part in code, or an absolute path into
# the machine's folders. The examples below are spelled with UP so that this file passes its own scan.
UP = "." * 2
CLIMB = re.compile(r"(?<![\w./-])((?:\.\./)+[\w.@-][\w./@-]*)")
PARENT_PART = re.compile(r"""["']\.\.["']""")
ABSOLUTE = re.compile(r"(?<![\w.:/-])/(?:work|home|root|Users|mnt)/[\w.-]+")


def tracked_files() -> list[str]:
    """`git ls-files`; a copy without git (an unpacked sdist) is walked instead, minus what .gitignore names."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        skipped = {".venv", "node_modules", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", "reports", "dist"}
        return sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                      if p.is_file() and not skipped & set(p.relative_to(ROOT).parts))
    return sorted(name for name in listed.stdout.decode().split("\0") if name)


def outside_paths(name: str, text: str) -> list[str]:
    """Every place in `text` (the content of tracked file `name`) that names a path outside the repository."""
    found: list[str] = []
    folder = (ROOT / name).parent
    for number, line in enumerate(text.splitlines(), 1):
        for match in CLIMB.finditer(line):
            target = (folder / match.group(1)).resolve()
            if not target.is_relative_to(ROOT) or not target.exists():
                found.append(f"{name}:{number}: {match.group(1)}")
        if name.endswith(".py") and PARENT_PART.search(line):
            found.append(f"{name}:{number}: a parent path part in code")
        found.extend(f"{name}:{number}: {m.group(0)}" for m in ABSOLUTE.finditer(line))
    return found


def test_no_tracked_file_names_a_path_outside_the_repository():
    found: list[str] = []
    for name in tracked_files():
        if name in ALLOWED or name.endswith(BINARY) or not (ROOT / name).is_file():
            continue
        found.extend(outside_paths(name, (ROOT / name).read_text(encoding="utf-8", errors="replace")))
    assert found == []


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(f"read `{UP}/shared/reference/EDGE-API.md`", 1, id="climbing-out"),
    pytest.param(f'DIR = ROOT / "{UP}" / "shared"', 1, id="parent-part-in-code"),
    pytest.param("see /" + "work/shared/xdm", 1, id="absolute"),
    pytest.param(f"see tests/reference/samples and https://example.com/a/{UP}/b", 0, id="inside-and-url"),
    pytest.param(f"from tests/contracts: {UP}/emulator/conftest.py", 0, id="climbing-within"),
])
def test_outside_paths_finds_paths_that_leave_the_repository(text, expected):
    assert len(outside_paths("tests/contracts/example.py", text)) == expected
