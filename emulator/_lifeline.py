"""Children that die with the process that started them: nothing is left running when it is killed (kill -9 too).

Two mechanisms, because a SIGKILLed parent runs no cleanup at all:
- `die_with_parent()`: a `preexec_fn` for `subprocess.Popen` setting Linux's PR_SET_PDEATHSIG to SIGKILL between
  fork and exec (https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html). It is kept across exec, not
  across fork, and fires when the thread that forked exits, so callers fork from their main thread.
- `Lifeline`: a pipe whose write end only the parent holds and whose read end a child inherits, with its number in
  `LIFELINE_ENV`. The kernel closes the write end however the parent dies, so a read of the other end returns
  end-of-file then (https://man7.org/linux/man-pages/man7/pipe.7.html): a child that forks children of its own
  (Locust with --processes) hands them the read end with its memory, and each of them exits on that end-of-file,
  even one that starts watching after the parent is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import stat
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
LIFELINE_ENV = "EDGELOAD_LIFELINE_FD"


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


class Lifeline:
    """The parent's side: pass `fd` to the child (`pass_fds`, and `env` names it), then `handed_over()`; the
    write end stays open until `close()` or this process's death."""

    def __init__(self) -> None:
        self.fd, self._write = os.pipe()  # both ends non-inheritable (PEP 446); pass_fds makes `fd` inherited

    @property
    def env(self) -> dict[str, str]:
        return {LIFELINE_ENV: str(self.fd)}

    def handed_over(self) -> None:
        """The child has the read end now: this process keeps only the write end."""
        os.close(self.fd)

    def close(self) -> None:
        os.close(self._write)


def inherited_lifeline() -> int | None:
    """The read end this process inherited (LIFELINE_ENV names an open pipe), or None."""
    try:
        fd = int(os.environ.get(LIFELINE_ENV, ""))
        return fd if stat.S_ISFIFO(os.fstat(fd).st_mode) else None
    except (ValueError, OSError):
        return None
