"""One run over several machines, on Locust's own distribution: `edgeload run --master` and `edgeload worker`.

The master runs no users: it waits for `--expect-workers` workers, hands each its place in the global rate
(loadtests._listeners), merges their exact measurements and writes the verdict, gates and reports, as
`edgeload run --workers N` does on one machine. A worker (`edgeload worker --master HOST[:PORT]`) takes the same
options and target profile as `edgeload run`, needs no report folder, and checks first that it can reach the
master, so a wrong address or a firewall costs one line instead of Locust's five minutes of retries
(https://docs.locust.io/en/stable/running-distributed.html).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

DEFAULT_MASTER_PORT = 5557  # Locust's
DEFAULT_WAIT_S = 60.0
CONNECT_RETRY_S = 0.5


class DistributedError(ValueError):
    """A distribution flag that cannot be used; str() is one line naming it and the fix."""


@dataclass(frozen=True)
class MasterOptions:
    bind_host: str
    bind_port: int
    expect_workers: int
    wait_s: float  # how long to wait for the workers before giving up

    def locust_argv(self) -> list[str]:
        return ["--master", "--master-bind-host", self.bind_host, "--master-bind-port", str(self.bind_port),
                "--expect-workers", str(self.expect_workers), "--expect-workers-max-wait", f"{self.wait_s:g}"]

    @property
    def loopback(self) -> bool:
        return self.bind_host in ("127.0.0.1", "localhost", "::1")

    def announcement(self) -> str:
        where = f"{self.bind_host}:{self.bind_port}"
        exposure = "" if self.loopback else (
            "; Locust's master port has no authentication: keep it on a network only your machines reach")
        return (f"master on {where}, waiting up to {self.wait_s:g} s for {self.expect_workers} workers "
                f"(edgeload worker --master HOST:{self.bind_port}){exposure}")


def master_problem(master: MasterOptions | None, workers: int, web: bool, target: str | None) -> str | None:
    """Why `edgeload run --master` cannot run with these settings; None when it can."""
    if master is None:
        return None
    if workers:
        return ("--workers forks workers on this machine; with --master start them with `edgeload worker --master "
                "HOST:PORT --workers N` instead")
    if web:
        return "--master runs headless; drop --web"
    if target is None and not master.loopback:
        return ("--master with workers on other machines needs a --target they can reach: the embedded emulator "
                "listens on 127.0.0.1 only (start `edgeload emulator --host ADDRESS` and give --target)")
    return None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise DistributedError(message)


def _master_parser() -> argparse.ArgumentParser:
    parser = _Parser(add_help=False, allow_abbrev=False)  # no abbreviations: the rest are `edgeload run`'s flags
    parser.add_argument("--master", action="store_true")
    parser.add_argument("--master-bind-host", default="0.0.0.0")  # a master serves other machines (as Locust's)
    parser.add_argument("--master-bind-port", type=int, default=DEFAULT_MASTER_PORT)
    parser.add_argument("--expect-workers", type=int)
    parser.add_argument("--expect-workers-max-wait", type=float, default=DEFAULT_WAIT_S)
    return parser


def run_parser() -> argparse.ArgumentParser:
    """`edgeload run`'s whole parser, its --master flags included: what its --help shows and what checks its
    arguments (loadtests._cli); `master_from` takes the --master flags out before the run's settings are read."""
    from loadtests._settings import build_parser  # lazy: loadtests._settings is the larger module

    parser = build_parser()
    group = parser.add_argument_group("many machines (docs/distributed.md)")
    group.add_argument("--master", action="store_true",
                       help="run the Locust master for workers on other machines (edgeload worker --master HOST)")
    group.add_argument("--master-bind-host", metavar="ADDRESS",
                       help="address the master listens on (default 0.0.0.0: every interface)")
    group.add_argument("--master-bind-port", type=int, metavar="PORT",
                       help=f"port the master listens on (default {DEFAULT_MASTER_PORT})")
    group.add_argument("--expect-workers", type=int, metavar="N",
                       help="workers to wait for before the load starts (no default: required with --master)")
    group.add_argument("--expect-workers-max-wait", type=float, metavar="S",
                       help=f"how long to wait for them, in seconds (default {DEFAULT_WAIT_S:g})")
    return parser


def master_from(argv: Sequence[str]) -> tuple[MasterOptions | None, list[str]]:
    """The `--master` options of `edgeload run` (None without `--master`) and the rest of its arguments."""
    known, rest = _master_parser().parse_known_args(list(argv))
    given = [a for a in argv if a.split("=")[0] in ("--master-bind-host", "--master-bind-port", "--expect-workers",
                                                    "--expect-workers-max-wait")]
    if not known.master:
        if given:
            raise DistributedError(f"{given[0].split('=')[0]} only applies with --master")
        return None, rest
    if known.expect_workers is None or known.expect_workers < 1:
        raise DistributedError("--master needs --expect-workers N (N >= 1): the workers to wait for before the "
                               "load starts")
    if not 0 < known.master_bind_port < 65536:
        raise DistributedError(f"--master-bind-port must be from 1 to 65535, got {known.master_bind_port}")
    if known.expect_workers_max_wait <= 0:
        raise DistributedError("--expect-workers-max-wait must be a number of seconds above 0")
    return MasterOptions(known.master_bind_host, known.master_bind_port, known.expect_workers,
                         known.expect_workers_max_wait), rest


def parse_master_address(value: str) -> tuple[str, int]:
    """HOST[:PORT] (an IPv6 host in brackets: [::1]:5557) -> (host, port)."""
    host, port = value, DEFAULT_MASTER_PORT
    if value.startswith("["):
        host, _, tail = value[1:].partition("]")
        if tail:
            port = _port(tail.removeprefix(":"), value)
    elif value.count(":") == 1:
        host, tail = value.split(":")
        port = _port(tail, value)
    if not host:
        raise DistributedError(f"--master {value!r} has no host; give HOST[:PORT], e.g. 10.0.0.5:5557")
    return host, port


def _port(text: str, value: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise DistributedError(f"--master {value!r}: the port must be a number from 1 to 65535")
    return int(text)


def wait_reachable(host: str, port: int, within_s: float) -> str | None:
    """None once a TCP connection to host:port opens within `within_s` seconds; else why not, in a few words."""
    deadline = time.monotonic() + within_s
    reason = "timed out"
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return reason
        try:
            with socket.create_connection((host, port), timeout=min(remaining, 3.0)):
                return None
        except OSError as error:
            reason = error.strerror or str(error) or type(error).__name__
        time.sleep(min(CONNECT_RETRY_S, max(0.0, deadline - time.monotonic())))


class Child:
    """A Locust child in its own session: the first SIGINT/SIGTERM goes on as one SIGINT, a second kills it."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command = command
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = False

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if self._stopping:
            os.killpg(self.process.pid, signal.SIGKILL)
            return
        self._stopping = True
        os.kill(self.process.pid, signal.SIGINT)

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.process = subprocess.Popen(self.command, env=self.env, start_new_session=True,
                                            stdin=subprocess.DEVNULL)
            return self.process.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def worker_command(locustfile: Path, host: str, port: int, options: dict[str, object], processes: int) -> list[str]:
    """The Locust worker command: our locustfile, the master's address, the run's options but not its report
    folder (the master writes every report); `processes` > 0 forks that many worker processes on this host."""
    from loadtests._options import option_argv

    kept = {k: v for k, v in options.items() if k not in ("report_dir", "run_id")}
    command = [sys.executable, "-m", "locust", "-f", str(locustfile), "--worker", "--master-host", host,
               "--master-port", str(port), *option_argv(kept)]
    return command + (["--processes", str(processes)] if processes else [])
