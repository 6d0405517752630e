"""The wheel stands alone: built from this checkout, installed in a fresh virtual environment in a temporary folder
outside it, `edgeload run`, `edgeload contract` and `edgeload validate-events` work there (docs/reference-data.md).

The other supported Pythons get the same check from `make pythons` (tests/pythons.py).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.pythons import SUPPORTED, requested
from tests.wheel_install import ROOT, build_wheel, find_python, install, smoke


@pytest.mark.slow
def test_wheel_installed_outside_the_checkout_runs_contracts_and_validates(tmp_path):
    assert not tmp_path.is_relative_to(ROOT)
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "venv"
    installed = install(Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}", venv,
                        str(wheel))
    assert installed.returncode == 0, installed.tail
    work = tmp_path / "work"
    work.mkdir()
    problems = [f"{step.name}: {problem}\n{step.tail}" for step, problem in smoke(venv, work) if problem]
    assert problems == []
    assert (work / "reports").is_dir()  # the reports went to the user's folder, not into the installed package


def test_supported_pythons_are_the_ones_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if c.count(".") == 1 and "Python ::" in c}
    assert sorted(declared) == list(SUPPORTED)
    assert project["requires-python"] == f">={SUPPORTED[0]},<3.{int(SUPPORTED[-1].split('.')[1]) + 1}"
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in SUPPORTED  # the suite itself runs on one of them


@pytest.mark.parametrize(("argv", "running", "expected"), [
    pytest.param([], "3.11", (["3.12", "3.13"], []), id="the-others"),
    pytest.param([], "3.13", (["3.11", "3.12"], []), id="the-others-from-3.13"),
    pytest.param(["3.12"], "3.11", (["3.12"], ["3.13"]), id="narrowed"),
])
def test_pythons_requested_checks_every_supported_version_but_the_running_one(monkeypatch, argv, running, expected):
    monkeypatch.delenv("EDGELOAD_PYTHONS", raising=False)
    major, minor = running.split(".")
    monkeypatch.setattr(sys, "version_info", (int(major), int(minor), 0, "final", 0))
    assert requested(argv) == expected


def test_pythons_refuses_an_unsupported_version(monkeypatch):
    monkeypatch.delenv("EDGELOAD_PYTHONS", raising=False)
    with pytest.raises(SystemExit, match=re.escape("3.10 not supported; choose among 3.11, 3.12, 3.13")):
        requested(["3.10"])


def test_find_python_reports_a_missing_version_as_none(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither pythonX.Y nor pyenv
    assert find_python("3.12") is None
