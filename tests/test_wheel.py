"""The wheel stands alone: built from this checkout, installed in a fresh virtual environment in a temporary folder
outside it, `edgeload run`, `edgeload contract` and `edgeload validate-events` work there (README "Reference data").

The other supported Pythons get the same check from `make pythons` (tests/pythons.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.wheel_install import ROOT, build_wheel, install, smoke


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
