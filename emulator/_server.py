"""Start the emulator as a subprocess on a free port: what tests and `edgeload run` call.

A subprocess rather than a thread: the test run and Locust are gevent-monkey-patched, and the emulator needs a
real asyncio loop (uvloop) and real sockets. The child prints one line once it listens;
`spawn` waits for it with a deadline and, if the child dies first, raises with the tail of its stderr.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from emulator._admin_access import TOKEN_ENV
from emulator._lifeline import die_with_parent

URL_LINE = re.compile(r"edgeload emulator listening on (https?://\S+)")
_PROJECT_ROOT = Path(__file__).resolve().parents[1]
_STDERR_TAIL = 2000


class EmulatorStartError(RuntimeError):
    """The emulator subprocess exited or stayed silent before announcing its URL."""


class RunningEmulator:
    """A started emulator: `.url` (no trailing slash), `.process`; `stop()` or use it as a context manager."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], stderr: IO[bytes]) -> None:
        self.url = url
        self.process = process
        self._stderr = stderr

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate (SIGTERM: graceful), wait, kill if it does not exit in time; idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self._stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def stderr_tail(self) -> str:
        return _tail(self._stderr)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _tail(stream: IO[bytes]) -> str:
    if stream.closed:
        return ""
    stream.flush()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - _STDERR_TAIL))
    return stream.read().decode("utf-8", "replace").strip()


def _read_url(process: subprocess.Popen[bytes], deadline: float) -> str | None:
    """Read stdout until the URL line, EOF or the deadline (both None); never blocks past the deadline."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer = b""
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        buffer += chunk
    match = URL_LINE.search(buffer.split(b"\n", 1)[0].decode("utf-8", "replace"))
    return match.group(1) if match else None


def spawn(
    args: Sequence[str] = (), timeout: float = 20.0, *, wrapper: Sequence[str] = (), module: str = "emulator",
    tied: bool = False,
) -> RunningEmulator:
    """Run `python -m emulator --port 0 ARGS...` and return once it listens (`--port` in ARGS wins).

    `wrapper` prefixes the command (the benchmark pins the server with `taskset -c 0`); `module` runs another
    server that prints the same URL line (the benchmark's constant-body baseline); `tied` kills the emulator with
    this process, however this one dies (emulator._lifeline; call it from the main thread). The admin token comes
    only from `--admin-token` in ARGS, never from the environment.
    """
    env = dict(os.environ)
    # A spawned emulator listens on loopback and its admin routes are driven by the caller's own code (tests,
    # `edgeload run`), which sends no token: one meant for a standalone emulator must not lock them out.
    env.pop(TOKEN_ENV, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
    # A file, not a pipe: a chatty child can never block on a full pipe. RunningEmulator.stop() closes it.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    command = [*wrapper, sys.executable, "-m", module, "--port", "0", *args]
    # Its own session: a terminal's Ctrl-C goes to the load test, which stops its users first and then the
    # emulator; otherwise the emulator dies first and the last in-flight requests read as connection_refused.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        preexec_fn=die_with_parent() if tied else None,
    )
    url = _read_url(process, time.monotonic() + timeout)
    if url is None:
        try:  # at EOF the child is exiting: give it a moment to be reaped so its exit code is known
            process.wait(timeout=1.0)
            alive = False
        except subprocess.TimeoutExpired:
            alive = True
            process.kill()
            process.wait()
        tail = _tail(stderr)
        stderr.close()
        if process.stdout is not None:
            process.stdout.close()
        state = f"did not announce its URL within {timeout:g} s" if alive else f"exited with code {process.returncode}"
        raise EmulatorStartError(f"emulator {' '.join(args)!r} {state}; stderr tail:\n{tail or '(empty)'}")
    return RunningEmulator(url.rstrip("/"), process, stderr)
