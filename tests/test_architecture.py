"""The import direction written in docs/architecture.md, enforced by walking every module's imports."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("generators", "reporting", "contracts", "targets", "xdm", "emulator", "contract_runner", "loadtests")
STDLIB = sys.stdlib_module_names

# What each package may import besides the standard library and itself (top-level distribution names). The layers,
# lowest first: generators and the emulator stand alone; the verdict (contracts) judges exchanges without I/O;
# targets is what every command needs to reach a target; the runners (contract_runner, loadtests) sit on top.
ALLOWED: dict[str, frozenset[str]] = {
    "generators": frozenset({"faker"}),
    # One report stack for every command (reporting/__init__.py): the lowest layer that writes files.
    "reporting": frozenset({"orjson"}),
    "contracts": frozenset({"reporting", "jsonschema_rs", "orjson", "yaml", "referencing"}),
    "targets": frozenset({"contracts", "reporting", "orjson"}),
    "xdm": frozenset({"contracts", "jsonschema_rs"}),  # contracts: the one set of exit codes (contracts._exit_codes)
    "emulator": frozenset({"uvicorn", "orjson"}),
    "contract_runner": frozenset({"contracts", "targets", "reporting", "generators", "orjson", "yaml", "schemathesis",
                                  "pytest"}),
    # flask: Locust's web UI is a Flask app; loadtests/_web_ui.py adds our tab's route to it.
    "loadtests": frozenset(PACKAGES) | {"locust", "gevent", "geventhttpclient", "orjson", "hdrh", "psutil",
                                        "matplotlib", "yaml", "jsonschema_rs", "flask",
                                        "numpy"},  # numpy: the bootstrap of baseline gates (loadtests._significance)
}
# The contract suite and the `edgeload contract` command start the emulator as their default target; that is
# process management, not verdict code, so it may import `emulator._server` (docs/architecture.md).
EXCEPTIONS: dict[str, frozenset[str]] = {
    "contract_runner/suite": frozenset({"emulator"}),
    "contract_runner/_cli.py": frozenset({"emulator"}),
    # Schemathesis sends through requests; counting every attempt on the wire means wrapping requests' adapter.
    "contract_runner/_st_exchanges.py": frozenset({"requests"}),
}


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _allowed_for(package: str, path: Path) -> frozenset[str]:
    allowed = ALLOWED[package] | {package, "__future__"}
    relative = path.relative_to(ROOT).as_posix()
    for prefix, extra in EXCEPTIONS.items():
        if relative.startswith(prefix):
            allowed |= extra
    return allowed


@pytest.mark.parametrize("package", PACKAGES)
def test_architecture_package_imports_only_what_its_layer_allows(package: str) -> None:
    assert _modules(package), f"{package} has no modules"
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(package)
        for name in _imports(path)
        if name not in STDLIB and name not in _allowed_for(package, path)
    ]
    assert offenders == []


def test_architecture_only_loadtests_imports_locust() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        if package != "loadtests"
        for path in _modules(package)
        if {"locust", "gevent"} & set(_imports(path))
    ]
    assert offenders == []


def test_architecture_walker_sees_imports() -> None:
    # Guards the walker itself: a test that walked nothing would pass vacuously.
    assert "importlib" in set(_imports(ROOT / "loadtests" / "_cli.py"))
