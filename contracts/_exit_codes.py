"""The exit codes of every edgeload command, in one place (docs: architecture, "Exit codes").

A command's exit status is what CI reads, so each number means one thing in every command. 2 also covers usage
errors, as argparse exits 2 on a bad command line (https://docs.python.org/3/library/argparse.html#exiting-methods).
The emulator and the generators may not import this package (the layering): their commands follow argparse's own
convention, 0 or 2, which these values keep.
"""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """An edgeload command's exit status."""

    OK = 0
    """The command did what it was asked; for a run or a contract check: every gate and check passed."""
    FAILED = 1
    """The command ran and its verdict is negative: a gate failed, a contract check or an XDM document failed."""
    COULD_NOT_RUN = 2
    """Nothing was judged: a bad command line or setting, a target that does not start or answer."""
    NOT_TRUSTWORTHY = 3
    """A load test ran but the generator's own clock distorted its timings: no verdict on the target."""
    INTERRUPTED = 4
    """Ctrl-C, SIGTERM or a dead child process stopped the command before it ran its course."""
