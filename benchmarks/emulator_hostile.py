"""Does a normal request still get its answer while thousands of hostile connections are open? One normal
request's time with the attack on, against the same request's time on the same emulator just before.

Hostile clients run in subprocesses (each raises its soft file-descriptor limit to the hard one and binds its
own loopback source address, 127.0.0.2 and up, so 20,000 connections fit the ephemeral port range) and open, in
equal thirds by default (`--kind`): idle connections, connections that stall mid-head, and connections whose
`Content-Length` lies (a whole head announcing 64 KB, then 100 bytes). They keep them open while the normal
requests are timed, each on a new connection. The emulator runs with its default limits (docs/emulator.md#limits:
`--max-connections`, `--head-timeout`, `--body-timeout`).

    .venv/bin/python -m benchmarks.emulator_hostile [--connections 20000] [--processes 2] [--probes 20]
        [--kind mix|idle|head|body] [--emulator-arg=--max-connections=10000 ...]
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import spawn

PAGE_VIEW = Path(__file__).with_name("emulator_page_view.json").read_bytes()
PATH = f"/ee/v2/interact?datastreamId={DEFAULT_DATASTREAM_ID}"
_HALF_HEAD = b"POST " + PATH.encode() + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n"
_LYING_HEAD = _HALF_HEAD + b"content-type: application/json\r\ncontent-length: 65536\r\n\r\n" + PAGE_VIEW[:100]
# What each hostile connection sends and then holds: nothing, half a head, or a body shorter than it announced.
KINDS = {"idle": (b"",), "head": (_HALF_HEAD,), "body": (_LYING_HEAD,), "mix": (b"", _HALF_HEAD, _LYING_HEAD)}


def normal_request(port: int, timeout: float) -> tuple[int, float]:
    """One valid interact on a new connection: its status (0: no answer within `timeout`, or the connection was
    refused or closed) and seconds until the answer or the failure."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", PATH, PAGE_VIEW, {"content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def _child(port: int, count: int, index: int, kind: str) -> int:
    """Open `count` hostile connections, print how many were opened, hold them until stdin closes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else count + 64, hard))
    source = (f"127.0.0.{2 + index}", 0)
    held: list[socket.socket] = []
    refused = 0
    sends = KINDS[kind]
    for n in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=source)
        except OSError:
            refused += 1
            continue
        held.append(sock)
        try:
            if sends[n % len(sends)]:
                sock.sendall(sends[n % len(sends)])
        except OSError:  # the emulator closed it already to make room: an attack that failed, not an error
            pass
    print(f"opened {len(held)} refused {refused}", flush=True)
    sys.stdin.read()  # hold them until the parent is done
    for sock in held:
        sock.close()
    return 0


@dataclass(frozen=True)
class Attack:
    opened: int
    refused: int
    seconds: float  # to open them all


@contextmanager
def hostile(
    port: int, connections: int, processes: int, kind: str = "mix", timeout: float = 300.0
) -> Iterator[Attack]:
    """Open `connections` hostile connections of `kind` from `processes` subprocesses; yield once all are open."""
    counts = [connections // processes + (index < connections % processes) for index in range(processes)]
    started = time.monotonic()
    children = [
        subprocess.Popen([sys.executable, "-m", "benchmarks.emulator_hostile", "--child", str(port), str(count),
                          str(index), kind], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         cwd=Path(__file__).resolve().parents[1])
        for index, count in enumerate(counts)
    ]
    try:
        opened = refused = 0
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline()  # each child prints one line once its connections are open
            if not line.startswith("opened"):
                raise RuntimeError(f"a hostile client failed (exit {child.wait(timeout)}): {line!r}")
            _, done, _, failed = line.split()
            opened, refused = opened + int(done), refused + int(failed)
        yield Attack(opened, refused, time.monotonic() - started)
    finally:
        for child in children:
            if child.stdin is not None:
                child.stdin.close()
        for child in children:
            child.wait(timeout)


def measure(connections: int, processes: int, kind: str, probes: int, emulator_args: Sequence[str]) -> int:
    with spawn(["--seed", "1", "--rate-limit", "0", "--collect-rate-limit", "0", *emulator_args]) as emulator:
        port = urlsplit(emulator.url).port or 0
        server = psutil.Process(emulator.process.pid)
        normal_request(port, 5.0)  # warm: the first request compiles the request schemas
        before = [normal_request(port, 5.0)[1] for _ in range(probes)]
        fds_before, rss_before = server.num_fds(), server.memory_info().rss
        with hostile(port, connections, processes, kind) as attack:
            answers = [normal_request(port, 5.0) for _ in range(probes)]
            fds, rss = server.num_fds(), server.memory_info().rss
        alive = emulator.process.poll() is None
        log = emulator.stderr_tail().splitlines()
    statuses = sorted({status for status, _ in answers})
    during = [seconds for _, seconds in answers]
    print(f"hostile connections ({kind}): {attack.opened:,} opened in {attack.seconds:.1f} s ({attack.refused:,} "
          f"refused at connect), in {processes} processes; emulator {'alive' if alive else 'DEAD'}")
    print(f"emulator file descriptors: {fds_before:,} before, {fds:,} under attack; RSS {rss_before / 2**20:.1f} MB "
          f"before, {rss / 2**20:.1f} MB under attack")
    print(f"normal request, {probes} on new connections: before median {statistics.median(before) * 1000:.2f} ms; "
          f"under attack statuses {statuses}, median {statistics.median(during) * 1000:.2f} ms, "
          f"max {max(during) * 1000:.2f} ms")
    print(f"under attack / before (median) = {statistics.median(during) / statistics.median(before):.2f}")
    if log:
        print(f"emulator log, last line: {log[-1]}")
    return 0 if alive and statuses == [200] else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        return _child(int(args[1]), int(args[2]), int(args[3]), args[4])
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_hostile", description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=20_000, help="hostile connections (default 20000)")
    parser.add_argument("--processes", type=int, default=2, help="hostile client processes (default 2)")
    parser.add_argument("--kind", choices=KINDS, default="mix",
                        help="what they send: idle, head (half a head), body (a lying Content-Length), mix (thirds)")
    parser.add_argument("--probes", type=int, default=20, help="normal requests timed before and during (20)")
    parser.add_argument("--emulator-arg", action="append", default=[], help="passed to the emulator; repeatable")
    options = parser.parse_args(args)
    if not 1 <= options.processes <= 200 or options.connections < options.processes:
        print("emulator_hostile: --processes must be from 1 to 200 and at most --connections", file=sys.stderr)
        return 2
    print(f"emulator under hostile connections: {options.connections:,} from {options.processes} processes, "
          f"emulator args {options.emulator_arg or 'none'}, descriptor limit here {os.sysconf('SC_OPEN_MAX')}",
          flush=True)
    return measure(options.connections, options.processes, options.kind, options.probes, options.emulator_arg)


if __name__ == "__main__":
    raise SystemExit(main())
