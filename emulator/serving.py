"""Serving the app with uvicorn (httptools parser, uvloop loop) on a socket we bind ourselves.

Binding first lets `--port 0` report the port the kernel chose. uvicorn beat granian here because its protocol
object owns the asyncio transport, which the connection-reset and truncated-body faults need (README
"Performance" has the measurement). `EmulatorProtocol` hands that transport to the app as a scope extension.
"""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from emulator.asgi import TRANSPORT_EXTENSION, ASGIApp
from emulator.errors import ConfigError
from emulator.tls import TlsFiles

# Limits on what a client may make the emulator hold before a request reaches the app (issue 8, "the emulator
# survives anything"). uvicorn bounds neither: httptools buffers a header of any length (a 150 MB header made the
# emulator's RSS grow by as much), and its keep-alive timeout starts only after a first answer and stops at the
# next byte, so a connection that never sends, or trickles a head one byte at a time, is held forever.
MAX_HEAD_BYTES = 64 * 1024  # request line and headers; the same ceiling as a body (guardrails.md)
HEAD_TIMEOUT_S = 5.0  # uvicorn's keep-alive default: from the connection or the previous answer to a whole head
SWEEP_S = 1.0  # how often late heads are looked for: one timer per process, not one per request (2.7 µs each)
_HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n"
                   b"connection: close\r\n\r\n")


class EmulatorProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus the transport in `scope["extensions"]` (ASGI's slot for such data), and
    a size limit and a deadline on every request head: 431 over MAX_HEAD_BYTES, closed after HEAD_TIMEOUT_S."""

    _head_since: float | None = None  # loop time since which a head is awaited; None while a request is in hand
    _head_bytes = 0
    _sweeping = False  # one sweeper per process (the emulator serves one loop)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()
        if not EmulatorProtocol._sweeping:
            EmulatorProtocol._sweeping = True
            self.loop.call_later(SWEEP_S, _close_late_heads, self.loop, self.connections)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Counted after parsing: while the head is incomplete, every byte received belongs to it (a body that came
        # in the same read as its head is not counted).
        if self._head_since is not None and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.transport.write(_HEAD_TOO_LARGE)
                self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TRANSPORT_EXTENSION: self.transport}  # type: ignore[dict-item]

    def on_headers_complete(self) -> None:
        self._head_since = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # uvicorn armed its keep-alive: no pipelined request pending
            self._await_head()

    def _await_head(self) -> None:
        self._head_since = self.loop.time()
        self._head_bytes = 0


def _close_late_heads(loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
    """Close every connection that has waited more than HEAD_TIMEOUT_S for a whole request head; runs forever."""
    late = loop.time() - HEAD_TIMEOUT_S
    for protocol in list(connections):
        since = getattr(protocol, "_head_since", None)  # uvicorn's set is typed for all its protocols
        if since is not None and since < late and not protocol.transport.is_closing():
            protocol.transport.close()
    loop.call_later(SWEEP_S, _close_late_heads, loop, connections)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self._on_ready()


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --host/--port"
        ) from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, https: bool = False) -> str:
    host, port = sock.getsockname()[:2]
    scheme = "https" if https else "http"
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def serve(
    app: ASGIApp, sock: socket.socket, log_level: str, on_ready: Callable[[], None], tls: TlsFiles | None = None
) -> None:
    """Run until SIGINT/SIGTERM; in-flight stalled requests are cancelled after 2 s of graceful shutdown."""
    config = uvicorn.Config(
        app,
        http=EmulatorProtocol,
        loop="uvloop",
        lifespan="off",
        ws="none",
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,  # no proxy in front: skip the middleware's per-request work
        timeout_graceful_shutdown=2,
        ssl_certfile=None if tls is None else str(tls.certfile),
        ssl_keyfile=None if tls is None else str(tls.keyfile),
    )
    # Each request allocates a few dozen short-lived containers (the parsed body, the handles) that reference
    # counting frees; the cyclic collector only rescans them. Freezing the start-up heap and collecting the young
    # generation less often cut the app's per-request CPU by about a fifth (benchmarks/emulator_throughput.py).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    _Server(config, on_ready).run(sockets=[sock])
