"""Requests that got no complete answer: their failure categories, and what one runner sent and got back.

A reset, a truncated body or a timeout is not a contract violation (there is no response to judge) but it is a
failure of the run: each gets a category of its own, named as the load test names them
(`loadtests._run_summary.TRANSPORT_FAILURES`), and counts in the contract verdict. `Tally` is what one runner
(the pytest suite or schemathesis) sent: every attempt on the wire, the ones answered, the transport failures by
operation and category, and the 207 answers with the EXEG codes of their `errors[]`/`warnings[]` items.
"""

from __future__ import annotations

import http.client
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import orjson

from reporting import write_atomic

# Names the file schemathesis' process writes its tally to (contract_runner/_st_exchanges.py); set by
# contract_runner._runs.
EXCHANGE_LOG_ENV: Final = "EDGELOAD_EXCHANGE_LOG"
# The most of a response body schemathesis' process reads (contract_runner/_st_exchanges.py); set by
# contract_runner._runs.
MAX_RESPONSE_ENV: Final = "EDGELOAD_MAX_RESPONSE_BYTES"

TIMEOUT: Final = "timeout"
RESET: Final = "connection_reset"
REFUSED: Final = "connection_refused"
TRUNCATED: Final = "truncated_body"
OTHER: Final = "transport_error"
TOO_LARGE: Final = "response_too_large"  # a body past the runner's --max-response-bytes: read no further
CATEGORIES: Final = (TIMEOUT, RESET, REFUSED, TRUNCATED, OTHER, TOO_LARGE)

# The rule each category breaks, as a check's message states it ("<category>: <rule>").
RULES: Final = {
    TIMEOUT: "no complete response within the client's timeout",
    RESET: "the connection was closed or reset before a complete response",
    REFUSED: "the connection was refused",
    TRUNCATED: "the response body ended before its announced length",
    OTHER: "the request failed without a complete response",
    TOO_LARGE: "the response body went past the most the runner reads (--max-response-bytes)",
}


class ResponseTooLarge(OSError):
    """A response body longer than the runner reads; the rest was never read, and the connection is closed."""

    def __init__(self, limit: int, declared: int | None = None) -> None:
        size = f"declared {declared} bytes" if declared is not None else "went on"
        super().__init__(f"{TOO_LARGE}: the response body {size} past the {limit}-byte limit "
                         "(--max-response-bytes)")
        self.limit = limit


def category_of(error: BaseException) -> str:
    """The category of an exception raised while sending a request or reading its answer.

    Walks the chain of causes: requests and urllib3 wrap the socket's error twice (requests.ConnectionError >
    urllib3 ProtocolError > ConnectionResetError), and tell a short body only by name (IncompleteRead).
    """
    seen: BaseException | None = error
    for _ in range(6):
        if seen is None:
            break
        name = type(seen).__name__
        if isinstance(seen, ResponseTooLarge):
            return TOO_LARGE
        if isinstance(seen, TimeoutError) or "Timeout" in name:  # socket.timeout is TimeoutError
            return TIMEOUT
        if isinstance(seen, ConnectionRefusedError):
            return REFUSED
        if isinstance(seen, http.client.IncompleteRead) or name in ("IncompleteRead", "ChunkedEncodingError"):
            return TRUNCATED
        if isinstance(seen, ConnectionResetError | BrokenPipeError | ConnectionAbortedError
                      | http.client.RemoteDisconnected):
            return RESET
        seen = _cause(seen)
    return OTHER


def _cause(error: BaseException) -> BaseException | None:
    # urllib3 and requests keep the wrapped error in args rather than __cause__ (ProtocolError(msg, error)).
    for arg in reversed(error.args):
        if isinstance(arg, BaseException):
            return arg
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    return error.__cause__ or error.__context__


@dataclass
class Tally:
    """What one runner sent and got back. Counters add, so tallies of several runners merge exactly."""

    sent: int = 0
    answered: int = 0
    transport: Counter[tuple[str, str]] = field(default_factory=Counter)  # (operation, category) -> requests
    causes: dict[tuple[str, str], str] = field(default_factory=dict)  # first error text per (operation, category)
    multi_status: Counter[str] = field(default_factory=Counter)  # operation -> 207 answers
    exeg_codes: Counter[str] = field(default_factory=Counter)  # EXEG codes of errors[]/warnings[] in 207s

    def answer(self, operation: str, status: int, codes: list[str]) -> None:
        self.sent += 1
        self.answered += 1
        if status == 207:
            self.multi_status[operation] += 1
            self.exeg_codes.update(codes)

    def failure(self, operation: str, category: str, cause: str) -> None:
        self.sent += 1
        self.transport[(operation, category)] += 1
        self.causes.setdefault((operation, category), cause[:300])

    def by_category(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for (_, category), n in self.transport.items():
            counts[category] += n
        return dict(sorted(counts.items()))

    def merge(self, other: Tally) -> None:
        self.sent += other.sent
        self.answered += other.answered
        self.transport.update(other.transport)
        for key, cause in other.causes.items():
            self.causes.setdefault(key, cause)
        self.multi_status.update(other.multi_status)
        self.exeg_codes.update(other.exeg_codes)

    def to_json(self) -> bytes:
        return orjson.dumps({
            "sent": self.sent, "answered": self.answered,
            "transport": [[op, category, n, self.causes.get((op, category), "")]
                          for (op, category), n in sorted(self.transport.items())],
            "multi_status": dict(self.multi_status), "exeg_codes": dict(self.exeg_codes),
        })

    @classmethod
    def from_json(cls, data: bytes) -> Tally:
        raw = orjson.loads(data)
        tally = cls(sent=int(raw["sent"]), answered=int(raw["answered"]),
                    multi_status=Counter(raw["multi_status"]), exeg_codes=Counter(raw["exeg_codes"]))
        for operation, category, n, cause in raw["transport"]:
            tally.transport[(operation, category)] = int(n)
            tally.causes[(operation, category)] = cause
        return tally

    def write(self, path: Path) -> None:
        write_atomic(path, self.to_json())

    @classmethod
    def read(cls, path: Path) -> Tally | None:
        """The tally a runner left at `path`; None when it left none (it crashed before the end)."""
        try:
            return cls.from_json(path.read_bytes())
        except FileNotFoundError:
            return None
