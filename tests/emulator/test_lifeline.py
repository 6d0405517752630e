from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from emulator._lifeline import LIFELINE_ENV, die_with_parent, inherited_lifeline
from tests.edgeload_runs import ROOT

# A parent that hands a child the read end of its lifeline, then sleeps until killed.
_LIFELINE_PARENT = """
import os, subprocess, sys, time
from emulator._lifeline import Lifeline
lifeline = Lifeline()
child = subprocess.Popen([sys.executable, "-c", "import os; from emulator._lifeline import inherited_lifeline; "
                          "fd = inherited_lifeline(); print('watching', flush=True); os.read(fd, 64); "
                          "print('end of file', flush=True)"],
                         env={**os.environ, **lifeline.env}, pass_fds=(lifeline.fd,))
lifeline.handed_over()
print(child.pid, flush=True)
time.sleep(60)
"""

# A parent that starts a tied `sleep`, prints its pid and is then killed: the sleep must die with it.
_PARENT = """
import subprocess, sys, time
from emulator._lifeline import die_with_parent
child = subprocess.Popen(["sleep", "60"], preexec_fn=die_with_parent())
print(child.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_lifeline_child_reads_end_of_file_once_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _LIFELINE_PARENT], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert parent.stdout is not None
    lines = {parent.stdout.readline().strip() for _ in range(2)}  # the child's pid and "watching", either order
    assert "watching" in lines
    child = psutil.Process(int(next(line for line in lines if line != "watching")))
    parent.kill()
    parent.wait()
    assert parent.stdout.readline().strip() == "end of file"  # the child's last words, from the pipe they share
    child.wait(timeout=5)


@pytest.mark.parametrize("value", ["", "not-a-number", "999999"], ids=["empty", "text", "closed"])
def test_inherited_lifeline_ignores_what_is_not_an_open_pipe(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(LIFELINE_ENV, value)
    assert inherited_lifeline() is None


def test_inherited_lifeline_ignores_a_file_that_is_not_a_pipe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with (tmp_path / "f").open("w") as file:
        monkeypatch.setenv(LIFELINE_ENV, str(file.fileno()))
        assert inherited_lifeline() is None


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
