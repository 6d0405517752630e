"""The figures of one run, as gates read them and reports show them: `RunSummary` and its parts.

Plain data (TypedDicts and one dataclass) with no behaviour beyond `to_dict()`, apart from `Measurements`
(measurements.py), which fills them, so every report writer and gate depends on this small module only.

Failure categories are the names the failure tables read by: a contract check name (`request_id_echo` ...), a
transport category (`TRANSPORT_FAILURES`) or an HTTP category (`http_429`, `http_5xx` ...). Every category that is
neither transport nor `http_*` is a contract violation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

TRANSPORT_FAILURES = frozenset(
    {"timeout", "connection_reset", "connection_refused", "truncated_body", "transport_error"})


def is_contract_violation(category: str) -> bool:
    """True for a contract check name, False for transport and `http_*` categories."""
    return category not in TRANSPORT_FAILURES and not category.startswith("http_")


class ExampleExchange(TypedDict):
    """One failing exchange shown in reports; the caller renders and redacts it (see reports.exchange)."""

    operation: str
    request: str  # request line, headers and body as text
    response: str  # status line, headers and body as text


class OperationSummary(TypedDict):
    requests: int  # after the warm-up
    failures: int  # requests after the warm-up that failed (a request with two failing checks counts once)
    failures_by_category: dict[str, int]  # after the warm-up; one count per failing check
    violations: int  # contract violations over the whole run, warm-up included
    warmup_requests: int
    error_rate: float | None  # failures / requests; None without requests
    rps: float | None  # requests / measured seconds; None before the warm-up ends
    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    min_ms: float | None


class TimelineWindow(TypedDict):
    t: float  # seconds since the run started (window start)
    requests: int
    by_operation: dict[str, int]
    failures: dict[str, int]
    late: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


class CpuSummary(TypedDict):
    max: float | None  # percent of one core, highest sample after the warm-up (what the cpu gate reads)
    mean: float | None
    samples: int  # samples after the warm-up
    all_max: float | None  # highest over the whole run, start-up included
    by_source: dict[str, float]  # highest sample per process (worker id), whole run
    timeline: list[tuple[float, float, str]]  # (seconds since start, percent, source)


@dataclass
class RunSummary:
    """A run's figures: what gates read and reports show. `to_dict()` is the JSON form."""

    settings: dict[str, Any]
    started: float  # epoch seconds
    ended: float
    duration_s: float
    warmup_until: float | None
    measured_s: float  # seconds after the warm-up (the rps denominator)
    operations: dict[str, OperationSummary]
    overall: OperationSummary
    total_requests: int  # every request of the run, warm-up included (what the target should have received)
    total_failures: int
    total_failures_by_category: dict[str, int]  # whole run, warm-up included: one count per failing check
    violations: int  # contract violations, whole run
    violations_by_check: dict[str, int]
    late: int  # requests the global-rate mode could not send on time
    cpu: CpuSummary
    examples: dict[str, ExampleExchange] = field(default_factory=dict)
    timeline: list[TimelineWindow] = field(default_factory=list)
    stop_reason: str | None = None  # why the run ended early (interrupt, abort gate), shown with the verdict
    interrupted: str | None = None  # what cut the run short (a signal, a dead child): the verdict is INTERRUPTED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
