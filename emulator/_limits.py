"""What a client may make the emulator hold: the size of a request head, the time to send a head and a body, and
the connections open at once (docs/emulator.md#limits, flags `--max-header-bytes`, `--head-timeout`,
`--body-timeout`, `--max-connections`).

uvicorn bounds none of these for the httptools parser: it buffers a head of any length, its keep-alive timeout
starts only after a first answer, and it accepts connections until the process runs out of file descriptors
(then new clients are dropped while the held ones stay). `serving.EmulatorProtocol` enforces the limits.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

from emulator._errors import ConfigError

# Descriptors kept for what is not a client connection: the listening socket, stdio, log and temporary files.
FD_SPARE = 64
# The event loop accepts up to the listen backlog in one pass before the protocol can close any connection, so
# the backlog needs descriptors of its own. uvicorn's default; lowered when the descriptor limit is small.
BACKLOG = 2048


@dataclass(frozen=True, slots=True)
class Limits:
    max_header_bytes: int = 64 * 1024  # request line and headers; the same ceiling as a body (guardrails.md)
    head_timeout_s: float = 5.0  # uvicorn's keep-alive default: from the connection or the last answer to a head
    body_timeout_s: float = 10.0  # from a whole head to a whole body: 64 KB at 6.4 KB/s still arrives
    max_connections: int = 10_000  # past it, the connection waiting longest for its request is closed


def check_seconds(value: object, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 3600:
        raise ConfigError(f"{where} must be a number of seconds above 0 and at most 3600, got {value!r}")
    return float(value)


def check_header_bytes(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1024 <= value <= 16 * 1024 * 1024:
        raise ConfigError(f"{where} must be a whole number of bytes from 1024 to 16777216 (16 MB), got {value!r}")
    return value


def check_connections(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where} must be a whole number of connections >= 1, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Capacity:
    max_connections: int
    backlog: int


def capacity_for(max_connections: int, *, explicit: bool) -> Capacity:
    """The connection cap and listen backlog this process can honour, after raising its soft file-descriptor limit
    up to the hard one.

    A cap above what the descriptors allow would let accept() fail before the cap acts (new clients dropped while
    the held ones stay): an explicit cap is refused with the fix, the default is lowered to fit.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + BACKLOG + FD_SPARE
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return Capacity(max_connections, BACKLOG)
    if explicit:
        raise ConfigError(
            f"--max-connections {max_connections} needs {wanted} file descriptors and this process may open "
            f"{soft} (ulimit -n); lower --max-connections or raise the hard limit (ulimit -Hn)"
        )
    backlog = min(BACKLOG, max(16, (soft - FD_SPARE) // 4))
    return Capacity(max(1, soft - FD_SPARE - backlog), backlog)
