"""What end-to-end tests share: the emulator's admin endpoints, `edgeload run` as a subprocess, its summary.

One place, so the load-test and reliability tests drive runs and read the emulator's own counts the same way.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path
from typing import Any

from loadtests import _gate_metrics as gate_metrics

ROOT = Path(__file__).resolve().parents[1]
COULD_NOT_RUN_EXIT, UNTRUSTWORTHY_EXIT, INTERRUPTED_EXIT = 2, 3, 4  # loadtests._verdict (docs/gates.md#verdicts)


def admin(url: str, method: str, path: str, document: object | None = None) -> dict[str, Any]:
    data = None if document is None else json.dumps(document).encode()
    request = urllib.request.Request(url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        answer: dict[str, Any] = json.loads(response.read() or b"{}")
        return answer


def stats(url: str) -> dict[str, Any]:
    """The emulator's own counts: `total`, `by_operation`, `by_status`, `faults`."""
    return admin(url, "GET", "/_emulator/stats")


def edgeload_run(*args: str, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "loadtests._cli", "run", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def summary_of(directory: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((directory / "summary.json").read_text(encoding="utf-8"))
    return document


def expected_exit(summary: dict[str, Any], trustworthy_exit: int) -> int:
    """The exit code a run should end with: `trustworthy_exit`, unless the machine was too busy for the run's
    own clock (a shared runner, other tests beside it) and the trust gate failed: then NOT TRUSTWORTHY, which only
    COULD NOT RUN and INTERRUPTED precede (loadtests._verdict). A test of something else then still holds on the
    rest; it says so in a warning (loadtests._gate_metrics: `clock`, what a late clock may distort)."""
    failed = {row["metric"] for row in summary["gates"] if not row["passed"]}
    if "trust" not in failed or trustworthy_exit in (COULD_NOT_RUN_EXIT, INTERRUPTED_EXIT):
        return trustworthy_exit
    if any(not gate_metrics.metric(name).clock for name in failed):
        return trustworthy_exit  # a failure the clock cannot distort (errors, violations): FAIL whatever it did
    warnings.warn(f"the trust gate failed: {summary['trust']['headline']}", stacklevel=2)
    return UNTRUSTWORTHY_EXIT


def verdict_line(code: int) -> str:
    """The start of the console's verdict line for a run that ended with `code` (docs/gates.md#verdicts)."""
    words = {0: "PASS", 1: "FAIL", COULD_NOT_RUN_EXIT: "COULD NOT RUN", UNTRUSTWORTHY_EXIT: "NOT TRUSTWORTHY",
             INTERRUPTED_EXIT: "INTERRUPTED"}
    return f"verdict: {words[code]}"


PROGRESS_LINE = re.compile(r"\d+(/\d+)? s  \S+ req/s \(")  # loadtests._progress: "3/30 s  99.8 req/s (target 100) ..."


def wait_for_load(process: subprocess.Popen[str]) -> None:
    """Read the run's stderr until its second progress line: printed every second once the load runs, the second
    one means the load has run for a while (a run interrupted at once measures nothing worth asserting)."""
    assert process.stderr is not None
    lines = 0
    for line in process.stderr:
        lines += PROGRESS_LINE.match(line) is not None
        if lines == 2:
            return
    raise AssertionError("the load test never printed its progress twice")
