"""Serving the app with uvicorn (httptools parser, uvloop loop) on a socket we bind ourselves.

Binding first lets `--port 0` report the port the kernel chose. uvicorn beat granian here because its protocol
object owns the asyncio transport, which the connection-reset and truncated-body faults need (README
"Performance" has the measurement). `EmulatorProtocol` hands that transport to the app as a scope extension.
"""

from __future__ import annotations

import gc
import socket
from collections.abc import Callable

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from emulator.asgi import TRANSPORT_EXTENSION, ASGIApp
from emulator.errors import ConfigError
from emulator.tls import TlsFiles


class EmulatorProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus the transport in `scope["extensions"]` (ASGI's slot for such data)."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TRANSPORT_EXTENSION: self.transport}  # type: ignore[dict-item]


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
