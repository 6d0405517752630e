"""Where a running command is, in one line at most once a second: `edgeload contract`'s runners and the load test.

A runner is a subprocess (contract_runner._runs); its watcher reads what it has written so far: pytest's progress
counter `[ 12/40]` (its `console_output_style = count`,
https://docs.pytest.org/en/stable/reference/reference.html#confval-console_output_style) and schemathesis' NDJSON
event stream, written as it goes (a `PhaseStarted` event per phase, a `ScenarioFinished` per operation tested in a
phase, https://schemathesis.readthedocs.io/en/stable/reference/cli/#-report). The estimate is the time so far
scaled by the share not done yet: rough (schemathesis' phases differ in length), and said to be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

import orjson

INTERVAL_S = 1.0
_PYTEST_COUNT = re.compile(rb"\[\s*(\d+)/(\d+)\]")


@dataclass
class ConsoleLine:
    """One line rewritten in place on a terminal (a carriage return), one plain line per update otherwise."""

    stream: TextIO
    tty: bool
    _width: int = 0

    def show(self, text: str) -> None:
        if self.tty:
            # Pad over a longer previous line: \r returns to the start but does not clear it.
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End an open line on a terminal, so what follows starts on a line of its own."""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


class Watcher(Protocol):
    def poll(self, elapsed_s: float) -> str | None:
        """One line saying where the runner is, or None when it has said nothing yet."""


def remaining(elapsed_s: float, done: float) -> str:
    """'about 40 s left' from the share done (0..1), or '' before anything is done."""
    if done <= 0 or done >= 1:
        return ""
    left = elapsed_s * (1 - done) / done
    return f"; about {left / 60:.0f} min left" if left >= 90 else f"; about {left:.0f} s left"


@dataclass
class SuiteWatcher:
    """The pytest suite: its `[done/total]` counter, from the output file it writes to."""

    output: Path

    def poll(self, elapsed_s: float) -> str | None:
        try:
            text = self.output.read_bytes()
        except OSError:
            return None
        counts = _PYTEST_COUNT.findall(text[-4000:])
        if not counts:
            return None
        done, total = (int(number) for number in counts[-1])
        return f"suite: {done} of {total} tests, {elapsed_s:.0f} s{remaining(elapsed_s, done / total if total else 0)}"


@dataclass
class SchemathesisWatcher:
    """Schemathesis: its phase and cases done, from its NDJSON events read as they come (never twice)."""

    ndjson: Path
    operations: int  # operations in the contract: schemathesis tests each once per test phase
    phases: tuple[str, ...]  # the test phases asked for, in order
    phase: str = ""
    cases: int = 0
    _finished: set[tuple[str, str]] = field(default_factory=set)
    _offset: int = 0
    _partial: bytes = b""

    def poll(self, elapsed_s: float) -> str | None:
        self._read()
        if not self.phase:
            return None
        in_phase = sum(1 for phase, _ in self._finished if phase == self.phase)
        index = self.phases.index(self.phase) if self.phase in self.phases else 0
        share = (index + min(1.0, in_phase / max(1, self.operations))) / max(1, len(self.phases))
        return (f"schemathesis: phase {self.phase} ({index + 1} of {len(self.phases)}), {self.cases:,} cases, "
                f"{elapsed_s:.0f} s{remaining(elapsed_s, share)}")

    def _read(self) -> None:
        try:
            with self.ndjson.open("rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except OSError:
            return
        self._offset += len(chunk)
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b'{"PhaseStarted"'):
                name = orjson.loads(line)["PhaseStarted"]["phase"]["name"]
                if name in self.phases:
                    self.phase = name
            elif line.startswith(b'{"ScenarioFinished"'):
                event = orjson.loads(line)["ScenarioFinished"]
                self.cases += len(event["recorder"].get("cases", ()))
                self._finished.add((str(event["phase"]), str(event["recorder"]["label"])))
