"""Children that die with the process that started them: nothing is left running when it is killed (kill -9 too).

Two mechanisms, because a SIGKILLed parent runs no cleanup at all:
- `die_with_parent()`: a `preexec_fn` for `subprocess.Popen` setting Linux's PR_SET_PDEATHSIG to SIGKILL between
  fork and exec (https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html). It is kept across exec, not
  across fork, and fires when the thread that forked exits, so callers fork from their main thread.
- `TIED_ENV`: set in a child's environment, it asks a long-lived child that forks children of its own (Locust
  with --processes) to watch its parent with `parent_gone()` and exit once it was re-parented; this also covers
  systems without prctl.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
TIED_ENV = "EDGELOAD_TIED_TO_PARENT"


def die_with_parent() -> Callable[[], None] | None:
    """A Popen `preexec_fn` that makes the child receive SIGKILL when this process dies; None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died between fork and prctl: the signal will never come
            os._exit(1)

    return preexec


def parent_gone(parent: int) -> bool:
    """Whether this process's parent is no longer `parent` (it died and this process was re-parented)."""
    return os.getppid() != parent
