"""Serving the app with uvicorn (httptools parser, uvloop loop) on a socket we bind ourselves.

Binding first lets `--port 0` report the port the kernel chose. uvicorn beat granian here because its protocol
object owns the asyncio transport, which the connection-reset and truncated-body faults need
(docs/emulator.md#server-choice has the measurement). `EmulatorProtocol` hands that transport to the app as a
scope extension.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import Callable
from typing import ClassVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from emulator._asgi import TRANSPORT_EXTENSION, ASGIApp
from emulator._errors import ConfigError
from emulator._limits import Capacity, Limits, capacity_for
from emulator._tls import TlsFiles

SWEEP_S = 1.0  # how often late requests are looked for: one timer per process, not one per request (2.7 µs each)
_HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n"
                   b"connection: close\r\n\r\n")
_BODY_TOO_SLOW = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 1\r\nconnection: close\r\n\r\n"
_STRADDLED_END = (b"\n", b"\r\n")  # what starts a read when the head's empty line began in the previous one

log = logging.getLogger("emulator")


class Watch:
    """The limits, and the connections waiting on their client, oldest first (dicts keep insertion order and
    every insertion is stamped with the loop's current time): `heads` for a whole request head, `bodies` for the
    rest of a body. The sweeper and the connection cap only ever look at the front."""

    def __init__(self, limits: Limits, capacity: Capacity) -> None:
        self.limits = limits
        self.max_connections = capacity.max_connections
        self.heads: dict[EmulatorProtocol, float] = {}
        self.bodies: dict[EmulatorProtocol, float] = {}
        self.evicted = 0  # since the last sweep, for one log line per sweep at most

    def evict_oldest(self) -> bool:
        """Close the connection that has waited longest for its client; False when none is waiting."""
        head = next(iter(self.heads.items()), None)
        body = next(iter(self.bodies.items()), None)
        oldest = head if body is None or (head is not None and head[1] <= body[1]) else body
        if oldest is None:
            return False
        oldest[0].give_up(None)
        self.evicted += 1
        return True

    def sweep(self, loop: asyncio.AbstractEventLoop, every: float) -> None:
        """Close every connection past its head or body deadline; runs every `every` seconds for ever."""
        now = loop.time()
        for waiting, timeout, answer in ((self.heads, self.limits.head_timeout_s, None),
                                         (self.bodies, self.limits.body_timeout_s, _BODY_TOO_SLOW)):
            late = []
            for protocol, since in waiting.items():
                if since > now - timeout:
                    break
                late.append(protocol)
            for protocol in late:
                protocol.give_up(answer)
        if self.evicted:
            log.warning("%d connections closed to stay within --max-connections %d (the longest waiting first)",
                        self.evicted, self.max_connections)
            self.evicted = 0
        loop.call_later(every, self.sweep, loop, every)


class EmulatorProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus the transport in `scope["extensions"]` (ASGI's slot for such data), and
    the limits of `limits.py`: a head over `max_header_bytes` gets 431, a head or body later than its timeout is
    closed (a body with 408 when nothing was answered), and past `max_connections` the connection waiting longest
    for its client is closed to make room (503 to the new one when none is waiting)."""

    watch: ClassVar[Watch]  # one per server, set on the subclass `serve` makes, with its two dicts and head limit
    _heads: ClassVar[dict[EmulatorProtocol, float]]
    _bodies: ClassVar[dict[EmulatorProtocol, float]]
    _max_head: ClassVar[int]
    _waiting: dict[EmulatorProtocol, float] | None = None  # _heads or _bodies while in one of them
    _head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Connections closed but not yet lost still count: in a burst each newcomer evicts one of its own.
        if len(self.connections) > self.watch.max_connections and not self.watch.evict_oldest():
            transport.write(_BUSY)
            transport.close()
            return
        self._wait(self._heads)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._stop_waiting()

    def data_received(self, data: bytes) -> None:
        # The hot path: a request usually arrives whole in one read, and then this costs a few comparisons.
        heads = self._heads
        if self._waiting is heads:
            # Checked before parsing: a head sent in one write would be parsed whole (httptools buffers it all).
            room = self._max_head - self._head_bytes
            if len(data) > room and not _head_ends_within(data, room, continued=self._head_bytes > 0):
                self._refuse_head()
                return
        super().data_received(data)
        waiting = self._waiting
        if waiting is None:  # a head completed in this read: is its body still to come?
            cycle = self.cycle
            if cycle is not None and cycle.more_body and not cycle.response_complete:
                self._wait_for_body()
        elif waiting is heads:  # the head goes on in the next read
            if not self.transport.is_closing():
                self._head_bytes += len(data)
                if self._head_bytes > self._max_head:
                    self._refuse_head()
        elif not self.cycle.more_body or self.cycle.response_complete:  # the body arrived, or is no longer read
            self._stop_waiting()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0  # what came before was the end of an earlier request (a body answered early)
        self.scope["extensions"] = {TRANSPORT_EXTENSION: self.transport}  # type: ignore[dict-item]

    def on_headers_complete(self) -> None:
        waiting = self._waiting
        if waiting is not None:
            waiting.pop(self, None)
            self._waiting = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # uvicorn armed its keep-alive: no pipelined request pending
            self._wait(self._heads)

    def give_up(self, answer: bytes | None) -> None:
        """Close this connection, first writing `answer` if the app has not begun one."""
        self._stop_waiting()
        if self.transport.is_closing():
            return
        if answer is not None and (self.cycle is None or not self.cycle.response_started):
            self.transport.write(answer)
        self.transport.close()

    def _wait_for_body(self) -> None:
        if not self.transport.is_closing():
            self._wait(self._bodies)

    def _refuse_head(self) -> None:
        self._stop_waiting()
        self.transport.write(_HEAD_TOO_LARGE)
        self.transport.close()

    def _wait(self, waiting: dict[EmulatorProtocol, float]) -> None:
        if self._waiting is not None:
            self._waiting.pop(self, None)
        waiting[self] = self.loop.time()  # at the end: the dicts stay in the order of their times
        self._waiting = waiting
        self._head_bytes = 0

    def _stop_waiting(self) -> None:
        if self._waiting is not None:
            self._waiting.pop(self, None)
            self._waiting = None


def _head_ends_within(data: bytes, room: int, *, continued: bool) -> bool:
    """Whether the head's empty line (CRLF CRLF, or LF LF) ends within the first `room` bytes of `data`;
    `continued`: the head began in an earlier read, which may have ended inside that empty line."""
    if room < 0:
        return False
    return (data.find(b"\r\n\r\n", 0, room) != -1 or data.find(b"\n\n", 0, room) != -1
            or (continued and data.startswith(_STRADDLED_END)))


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None], watch: Watch) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._watch = watch

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            limits = self._watch.limits
            every = min(SWEEP_S, limits.head_timeout_s / 2, limits.body_timeout_s / 2)
            loop = asyncio.get_running_loop()
            loop.call_later(every, self._watch.sweep, loop, every)
            self._on_ready()


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """`reuse_port`: several processes each bind a socket to this address (`workers.py`)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
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
    app: ASGIApp, sock: socket.socket, log_level: str, on_ready: Callable[[], None], tls: TlsFiles | None = None,
    limits: Limits | None = None, capacity: Capacity | None = None,
) -> None:
    """Run until SIGINT/SIGTERM; in-flight stalled requests are cancelled after 2 s of graceful shutdown.

    `capacity`: the connection cap and backlog `limits.capacity_for` fitted to the descriptor limit (computed
    from `limits` when None).
    """
    limits = limits or Limits()
    capacity = capacity or capacity_for(limits.max_connections, explicit=False)
    watch = Watch(limits, capacity)
    protocol = type("EmulatorProtocol", (EmulatorProtocol,), {
        "watch": watch, "_heads": watch.heads, "_bodies": watch.bodies, "_max_head": limits.max_header_bytes})
    config = uvicorn.Config(
        app,
        http=protocol,
        interface="asgi3",  # said, not guessed: a worker's app returns the coroutine from a plain __call__
        backlog=capacity.backlog,
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
    _Server(config, on_ready, watch).run(sockets=[sock])
