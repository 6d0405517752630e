"""The figures of one run, as gates read them and reports show them: `RunSummary` and its parts.

Plain data (TypedDicts and one dataclass) with no behaviour beyond `to_dict()`, apart from `Measurements`
(measurements.py), which fills them, so every report writer and gate depends on this small module only.

Failure categories are the names the failure tables read by: a contract check name (`request_id_echo` ...), a
transport category (`TRANSPORT_FAILURES`) or an HTTP category (`http_429`, `http_5xx` ...). Every category that is
neither transport nor `http_*` is a contract violation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NotRequired, TypedDict

from contracts import describe
from targets import CATEGORIES, RULES

# The contract run counts the same categories under the same names (targets._transport).
TRANSPORT_FAILURES = frozenset(CATEGORIES)
# Answers that keep the contract yet are no plain success (loadtests._exchange_adapter.status_category); the Edge
# documents each (https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/).
HTTP_RULES = {
    "http_429": "the target answered 429 Too Many Requests (rate limited)",
    "http_5xx": "the target answered a 5xx server error",
    "http_4xx": "the target answered a 4xx client error",
    "http_207": "the target answered 207: a success with upstream errors",
}


def is_contract_violation(category: str) -> bool:
    """True for a contract check name, False for transport and `http_*` categories."""
    return category not in TRANSPORT_FAILURES and not category.startswith("http_")


def rule_of(category: str) -> str:
    """What a failure category means, as the report tables say it: a check's rule from the contract registry."""
    return describe(category) or RULES.get(category) or HTTP_RULES.get(category, "")


class ExampleExchange(TypedDict):
    """One failing exchange shown in reports; the caller renders and redacts it (see reports.exchange)."""

    operation: str
    request: str  # request line, headers and body as text
    response: str  # status line, headers and body as text
    cause: NotRequired[str]  # the concrete cause of each broken rule, one "<check>: <detail>" per line
    rule: NotRequired[str]  # the check or category this example is kept for and why it failed: "<check>: <cause>"


class OperationSummary(TypedDict):
    requests: int  # after the warm-up
    failures: int  # requests after the warm-up that failed (a request with two failing checks counts once)
    failures_by_category: dict[str, int]  # after the warm-up; one count per failing check
    violations: int  # contract check failures over the whole run, warm-up included: one per failing check
    broken_responses: int  # responses that broke the contract (one or more checks failed), whole run
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
    # Where the figures above count from: "schedule" in open-model runs (from the time each request was due,
    # waits for a free user or a core included), else "send". The send_* figures always count from the send.
    latency_from: str
    send_p50_ms: float | None
    send_p90_ms: float | None
    send_p95_ms: float | None
    send_p99_ms: float | None
    send_max_ms: float | None
    send_mean_ms: float | None


class TimelineWindow(TypedDict):
    t: float  # seconds since the run started (window start)
    requests: int
    by_operation: dict[str, int]
    failures: dict[str, int]
    late: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    hist: NotRequired[str | None]  # that second's LatencyHistogram.encode() (2 digits), for windowed gates


OVERALL = "overall"  # the key of the whole run's histogram in RunSummary.histograms (no operation label is a word)

SLOT_FIELDS = ("scheduled", "on_time", "late", "never_sent", "skipped")


class SlotSummary(TypedDict):
    """The open-model schedule, every slot once: scheduled == on_time + late + never_sent (whole run)."""

    scheduled: int  # requests the rate profile asked for by the end of the run
    on_time: int  # sent within 10 ms of their due time
    late: int  # sent more than 10 ms behind
    never_sent: int  # due but not sent (no free user before the end, or skipped)
    skipped: int  # of never_sent: skipped as a backlog more than 1 s old (sending it would be a burst)


class TrustSummary(TypedDict):
    """Whether the generator's own clock can be believed (loadtests._trust): what the `trust` gate reads."""

    probe_wakeups: int  # wake-ups of the lag probe (every 5 ms), whole run, every process that ran users
    lag_p50_ms: float | None  # how late the probe woke
    lag_p99_ms: float | None
    lag_max_ms: float | None
    runqueue_wait_pct: float | None  # share of the run the event loop's thread waited for a core (schedstat)
    runqueue_wait_per_wakeup_ms: float | None  # mean wait for a core each time it was woken
    bound_ms: float  # max(2 ms, 10 % of reference_ms)
    reference_ms: float | None  # the run's smallest p50 (from the send or the schedule)
    error_ms: float | None  # the error a request may carry: 2 x the larger of lag_p99 and the wait per wake-up
    distortion_pct: float | None  # error_ms in % of the bound: what the trust gate reads
    cpu_max: float | None  # the generator's highest CPU sample, for the advice
    headline: str | None  # what was wrong, how big and what to do; None within the bound


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
    violations: int  # contract check failures, whole run: one per failing check of each response
    violations_by_check: dict[str, int]
    broken_responses: int  # responses that broke the contract, whole run: one however many checks failed
    late: int  # requests sent more than 10 ms behind their schedule (paced or open model)
    cpu: CpuSummary
    examples: dict[str, ExampleExchange] = field(default_factory=dict)
    timeline: list[TimelineWindow] = field(default_factory=list)
    slots: SlotSummary | None = None  # open model only: where every scheduled request went
    trust: TrustSummary | None = None  # the generator's scheduling lag and run-queue wait against the bound
    stop_reason: str | None = None  # why the run ended early (interrupt, abort gate), shown with the verdict
    interrupted: str | None = None  # what cut the run short (a signal, a dead child): the verdict is INTERRUPTED
    # Operation label (and OVERALL) -> LatencyHistogram.encode() of what the latency gates read (from the schedule
    # in open-model runs, else from the send): what baselines and comparisons test (loadtests._baseline).
    histograms: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
