"""`edgeload emulator --workers N`: N processes serving one port, their state shared (`shared.py`).

Each worker listens on its own socket bound to the same address with SO_REUSEPORT, so the kernel spreads new
connections over them by a hash of the connection's addresses
(https://man7.org/linux/man-pages/man7/socket.7.html, SO_REUSEPORT). One socket shared by every process would
let the first process to wake accept a whole burst of connections at once (the loop accepts up to the backlog
per pass), leaving the others idle. The parent binds every socket first (so a bad address is one clear line and
`--port 0` gives one port for all), forks the workers, prints the URL once every worker is ready, and stops them
all on SIGTERM/SIGINT or when one of them dies.

Worker 0 keeps the run's seed and workers 1..N-1 take seed+1.. : ids stay unique across processes and
`--workers 1` answers exactly as a single process does. With N > 1 which process answers which request is the
kernel's choice, so a seeded run's ids are reproducible per worker, not as one sequence.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any

from emulator._app import EmulatorApp
from emulator._asgi import Receive, Scope, Send
from emulator._config import Settings
from emulator._fault_kinds import REGISTRY
from emulator._faults import Fault, parse_spec
from emulator._limits import Capacity
from emulator._routes import ROUTES
from emulator._serving import bind, serve
from emulator._shared import SharedState
from emulator._token_endpoint import TOKEN_PATH

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
log = logging.getLogger("emulator")


class SharedEmulatorApp(EmulatorApp):
    """The app of one worker: before each request it catches up with resets and faults another worker took."""

    def __init__(self, settings: Settings, shared: SharedState, worker: int, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self.shared = shared
        self.stats = shared.stats(worker)  # type: ignore[assignment]
        self.edge.interact_limits = shared.limiter("interact", settings.rate_limit, self.edge.interact_limits._clock)
        self.edge.collect_limits = shared.limiter("collect", settings.collect_rate_limit,
                                                  self.edge.collect_limits._clock)
        self._words = shared.words
        self._generation, self._version, _ = shared.header()

    def _catch_up(self) -> None:
        words = self._words
        if words[0] == self._generation and words[1] == self._version:
            return
        generation, version, _ = self.shared.header()
        if generation != self._generation:  # a reset answered by any worker: restart this one's generators too
            self._generation = generation
            self.ids.reseed()
            self.board.reseed()
            self.edge.auth.reset()
        if version != self._version:
            self._version = version
            self.board.replace(parse_spec(spec) for spec in self.shared.faults())

    def reset(self) -> None:
        self.shared.reset()
        self._catch_up()

    def replace_faults(self, faults: list[Fault]) -> None:
        self.shared.publish_faults([fault.spec() for fault in faults])
        self._catch_up()

    def tokens_issued(self) -> int:
        return self.shared.tokens_issued()

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Coroutine[Any, Any, None]:
        # Not a coroutine of its own: returning the app's saves a frame per request on the hot path.
        self._catch_up()
        if scope.get("path") != TOKEN_PATH:
            return super().__call__(scope, receive, send)
        return self._count_token(scope, receive, send)

    async def _count_token(self, scope: Scope, receive: Receive, send: Send) -> None:
        before = self.edge.auth.issued
        await super().__call__(scope, receive, send)
        if self.edge.auth.issued > before:
            self.stats.token()  # type: ignore[attr-defined]


def bind_all(host: str, port: int, workers: int) -> list[socket.socket]:
    """One SO_REUSEPORT socket per worker on the same address; the first picks the port when `port` is 0."""
    first = bind(host, port, reuse_port=True)
    chosen = first.getsockname()[1]
    return [first, *(bind(host, chosen, reuse_port=True) for _ in range(workers - 1))]


def _worker(index: int, settings: Settings, shared: SharedState, sockets: list[socket.socket], ready: Connection,
            capacity: Capacity) -> None:
    for other, sock in enumerate(sockets):
        if other != index:
            sock.close()
    seed = settings.seed if settings.seed is not None else 0
    app = SharedEmulatorApp(replace(settings, seed=seed + index), shared, index)

    def announce() -> None:
        ready.send(index)
        ready.close()

    with contextlib.suppress(KeyboardInterrupt):
        serve(app, sockets[index], settings.log_level, announce, settings.tls, settings.limits, capacity)


def run(settings: Settings, sockets: list[socket.socket], capacity: Capacity, announce: Callable[[], None]) -> int:
    """Fork one worker per socket, announce once all are ready, and wait; the exit code of the whole server."""
    context = multiprocessing.get_context("fork")
    shared = SharedState(len(sockets), [route.operation.label for route in ROUTES.values()], list(REGISTRY))
    processes, pipes = [], []
    for index in range(len(sockets)):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(index, settings, shared, sockets, sender, capacity),
                                  name=f"edgeload-emulator-{index}", daemon=False)
        process.start()
        sender.close()
        processes.append(process)
        pipes.append(receiver)
    for sock in sockets:
        sock.close()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = _wait_ready(processes, pipes)
    if code == 0:
        announce()
        sentinels = [process.sentinel for process in processes]
        while not stopping:
            if wait(sentinels, timeout=0.5):
                dead = next((p for p in processes if not p.is_alive()), None)
                if dead is None:  # woken by our own signal handler before any worker was gone: look again
                    continue
                # A signal sent to the whole process group (a terminal's Ctrl-C, `kill -- -PGID`) may end a worker
                # before this process's own handler runs: a clean or signalled exit is a stop, not a failure.
                asked = dead.exitcode in (0, -signal.SIGTERM, -signal.SIGINT)
                if not stopping and not asked:
                    print(f"edgeload emulator: worker {processes.index(dead)} exited (code {dead.exitcode}); "
                          "stopping the others", file=sys.stderr, flush=True)
                    code = 1
                break
    stop(signal.SIGTERM, None)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    return code


def _wait_ready(processes: list[Any], pipes: list[Connection]) -> int:
    deadline = time.monotonic() + READY_TIMEOUT_S
    waiting = list(pipes)
    while waiting:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            print(f"edgeload emulator: workers not ready after {READY_TIMEOUT_S:g} s", file=sys.stderr, flush=True)
            return 1
        for ready in wait(waiting, timeout=remaining):
            pipe = pipes[pipes.index(ready)]  # type: ignore[arg-type]
            try:
                pipe.recv()
            except EOFError:
                index = pipes.index(pipe)
                processes[index].join(1)
                print(f"edgeload emulator: worker {index} exited before it was ready "
                      f"(code {processes[index].exitcode})", file=sys.stderr, flush=True)
                return 1
            waiting.remove(pipe)
    return 0
