"""A target answering every request with 200 and a large body, for the response-size tests (run as a subprocess:
`python -m tests.large_body_server MODE SIZE`, prints `listening PORT` once bound to 127.0.0.1).

MODE says how the body's length is given: `length` (Content-Length), `chunked` (Transfer-Encoding: chunked) or
`close` (neither: the body ends when the connection closes). The body is written 1 MB at a time from one buffer,
so the server itself stays small whatever SIZE is.
"""

from __future__ import annotations

import socket
import socketserver
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PIECE = b"x" * (1024 * 1024)


def _read_request(stream: socket.socket) -> bool:
    """Read one request (head and Content-Length body); False when the client has gone."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = stream.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = stream.recv(65536)
        if not chunk:
            return False
        rest += chunk
    return True


class Handler(socketserver.BaseRequestHandler):
    mode = "length"
    size = 50 * 1024 * 1024

    def handle(self) -> None:
        stream: socket.socket = self.request
        try:
            while _read_request(stream):
                self.answer(stream)
                if self.mode == "close":
                    return
        except OSError:  # the client stopped reading and closed: what the runners under test do
            return

    def answer(self, stream: socket.socket) -> None:
        framing = {"length": f"content-length: {self.size}\r\n", "chunked": "transfer-encoding: chunked\r\n",
                   "close": "connection: close\r\n"}[self.mode]
        stream.sendall(f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n".encode())
        left = self.size
        while left > 0:
            piece = PIECE[:left]
            if self.mode == "chunked":
                stream.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            else:
                stream.sendall(piece)
            left -= len(piece)
        if self.mode == "chunked":
            stream.sendall(b"0\r\n\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serving(mode: str, size: int) -> Iterator[str]:
    """This server in a subprocess (tests: never a thread in the gevent-patched test process); yields its URL."""
    server = subprocess.Popen([sys.executable, "-m", "tests.large_body_server", mode, str(size)],
                              cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().split()[-1])
        yield f"http://127.0.0.1:{port}"
    finally:
        server.kill()
        server.wait(timeout=10)


def main(argv: list[str]) -> None:
    Handler.mode = argv[0] if argv else "length"
    Handler.size = int(argv[1]) if len(argv) > 1 else Handler.size
    with Server(("127.0.0.1", 0), Handler) as server:
        print(f"listening {server.server_address[1]}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
