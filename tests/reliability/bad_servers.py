"""Targets that break HTTP itself, each a subprocess on a free loopback port: `python -m
tests.reliability.bad_servers silent|garbage` prints `listening on http://127.0.0.1:PORT` and serves until killed.

- silent: accepts every connection and reads what it is sent, and never answers a byte;
- garbage: answers every request with 512 bytes from a seeded generator (no status line), then closes.
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from tests.edgeload_runs import ROOT

LINE = "listening on "


def _silent(connection: socket.socket, _: random.Random) -> None:
    while connection.recv(65536):
        pass


def _garbage(connection: socket.socket, draws: random.Random) -> None:
    connection.recv(65536)
    connection.sendall(draws.randbytes(512))


BEHAVIOURS = {"silent": _silent, "garbage": _garbage}


def serve(kind: str) -> None:
    behaviour = BEHAVIOURS[kind]
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    print(f"{LINE}http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    draws = random.Random(7)
    while True:
        connection, _ = listener.accept()

        def handle(connection: socket.socket = connection) -> None:
            with connection, suppress(OSError):
                behaviour(connection, draws)

        # A thread per connection: this plain process is not gevent-patched, and the silent one holds each open.
        threading.Thread(target=handle, daemon=True).start()


@contextmanager
def bad_server(kind: str) -> Iterator[str]:
    """Start one and yield its URL; killed on exit."""
    process = subprocess.Popen([sys.executable, "-m", "tests.reliability.bad_servers", kind], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(LINE), line
        yield line[len(LINE):].strip()
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    serve(sys.argv[1])
