from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest

from emulator.lifeline import die_with_parent, parent_gone
from tests.edgeload_runs import ROOT

# A parent that starts a tied `sleep`, prints its pid and is then killed: the sleep must die with it.
_PARENT = """
import subprocess, sys, time
from emulator.lifeline import die_with_parent
child = subprocess.Popen(["sleep", "60"], preexec_fn=die_with_parent())
print(child.pid, flush=True)
time.sleep(60)
"""


def test_parent_gone_only_once_the_parent_is_another() -> None:
    assert not parent_gone(os.getppid())
    assert parent_gone(os.getppid() + 1)


@pytest.mark.slow
def test_die_with_parent_kills_the_child_when_its_parent_is_killed() -> None:
    assert die_with_parent() is not None  # Linux: the tests run there
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    assert child.is_running()
    parent.kill()
    parent.wait()
    child.wait(timeout=5)  # raises psutil.TimeoutExpired if it outlived its parent
    assert not child.is_running()
