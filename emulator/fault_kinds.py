"""The fault registry: every fault the emulator can inject, each entry carrying all there is to it.

An entry holds the fault's name, its parameters with their defaults and the values each may take, the code that
applies it (`fault_effects`), the requests it acts on, and what it proves: the contract checks it must make fail,
or, for a fault that breaks no rule (a 429, a reset, a delay), the load-test failure category it must be counted
in or the latency it must add. `tests/contracts/test_faults.py` walks this registry and holds each fault to its
proof, so adding a fault is one entry here (with its effect in `fault_effects`) and nothing else to keep in step.
Check names are plain strings: the emulator never imports the verdict (a target that judges itself proves nothing),
the test resolves them in `contracts.checks.REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from emulator import fault_effects as E
from emulator.fault_effects import MAX_LATENCY_MS, Delay, Effect, ParamValue

# When a fault acts: `delay` before answering (composes with the others), `replace` answers with an error of its
# own, `shape` damages a successful answer, `transport` misbehaves on the connection itself.
Stage = Literal["delay", "replace", "shape", "transport"]
# The requests a fault acts on: `collect` (v1 and v2), and `interact`, which stands for every operation that
# answers with a body of handles (interact v1 and v2, identity/acquire, privacy/set-consent).
Request = Literal["interact", "collect"]
EVERY_REQUEST: frozenset[Request] = frozenset({"interact", "collect"})
# A `handle[]` and a 207 with errors[] are documented for interact only: such a fault on collect would be counted
# by the emulator yet invisible to every check.
HANDLES_ONLY: frozenset[Request] = frozenset({"interact"})


def request_of(label: str) -> Request:
    """The kind of request an operation label is, e.g. `POST /ee/v1/collect` -> collect."""
    return "collect" if label.endswith("/collect") else "interact"


@dataclass(frozen=True, slots=True)
class Range:
    """The values a numeric parameter may take: a spec outside it is refused when given, never accepted."""

    low: float
    high: float
    whole: bool = False  # statuses and header seconds are integers
    excluded: tuple[float, ...] = ()
    why: str = ""  # said with the refusal: what the range protects

    def refusal(self, value: float) -> str | None:
        if self.low <= value <= self.high and value not in self.excluded and (not self.whole or value.is_integer()):
            return None
        kind = "a whole number" if self.whole else "a number"
        but = f" other than {', '.join(f'{v:g}' for v in self.excluded)}" if self.excluded else ""
        return f"must be {kind} from {self.low:g} to {self.high:g}{but}{self.why}"


@dataclass(frozen=True, slots=True)
class Proof:
    """What a fault, injected on every request, must make fail on a v2 interact; exactly one of the three."""

    checks: tuple[str, ...] = ()  # contract check names (contracts.checks): exactly these fail
    category: str | None = None  # else the load test's failure category: a transport one or an `http_*` class
    latency: bool = False  # else the answer keeps the contract and comes no sooner than the fault's delay

    def __post_init__(self) -> None:
        if (len(self.checks) > 0) + (self.category is not None) + self.latency != 1:
            raise ValueError("a fault proves contract checks, a failure category or a latency: exactly one")

    def __str__(self) -> str:
        if self.checks:
            return ", ".join(f"`{name}`" for name in self.checks)
        return f"category `{self.category}`" if self.category is not None else "latency"


def checks(*names: str) -> Proof:
    return Proof(checks=names)


def category(name: str) -> Proof:
    return Proof(category=name)


@dataclass(frozen=True, slots=True)
class FaultKind:
    name: str
    stage: Stage
    summary: str
    proves: Proof
    effect: Effect | None = None  # every stage but `delay`
    delay: Delay | None = None  # the `delay` stage
    defaults: Mapping[str, ParamValue] = field(default_factory=dict)
    choices: Mapping[str, tuple[ParamValue, ...]] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)
    requests: frozenset[Request] = EVERY_REQUEST

    def __post_init__(self) -> None:
        if (self.stage == "delay") != (self.delay is not None) or (self.effect is None) == (self.delay is None):
            raise ValueError(f"fault {self.name!r}: a delay fault holds a delay, every other one an effect")


_LATENCY_MS = Range(0.0, MAX_LATENCY_MS, why=" (milliseconds; at most 10 minutes)")
# A Retry-After of a day is already longer than any client waits; larger values are typos (1e300 is not seconds).
_RETRY_AFTER = Range(0.0, 86_400.0, whole=True, why=" (seconds in the Retry-After header)")

_LATENCY_DEFAULTS: dict[str, ParamValue] = {
    "dist": "fixed",
    "ms": 100.0,
    "mean_ms": 100.0,
    "sd_ms": 20.0,
    "median_ms": 100.0,
    "sigma": 0.5,
}

REGISTRY: dict[str, FaultKind] = {
    kind.name: kind
    for kind in (
        FaultKind(
            "latency",
            "delay",
            "delay before responding: dist=fixed (ms), normal (mean_ms, sd_ms) or lognormal (median_ms, sigma)",
            Proof(latency=True),
            delay=E.latency_s,
            defaults=_LATENCY_DEFAULTS,
            choices={"dist": ("fixed", "normal", "lognormal")},
            # sigma is the log-scale spread: past 10 the draws are all 0 or the 10-minute ceiling.
            ranges={"ms": _LATENCY_MS, "mean_ms": _LATENCY_MS, "sd_ms": _LATENCY_MS, "median_ms": _LATENCY_MS,
                    "sigma": Range(0.0, 10.0)},
        ),
        FaultKind(
            "server-error",
            "replace",
            "5xx problem+json: status=500 (EXEG-0001-500), 502, 503 (EXEG-0000-503 with Retry-After) or 504",
            category("http_5xx"),  # a documented error: it keeps the contract, and the load test counts it
            E.server_error,
            defaults={"status": 503.0, "retry_after": 1.0},
            choices={"status": (500.0, 502.0, 503.0, 504.0)},
            ranges={"retry_after": _RETRY_AFTER},
        ),
        FaultKind(
            "rate-limit", "replace", "429 problem+json with Retry-After: retry_after seconds", category("http_429"),
            E.rate_limit, defaults={"retry_after": 1.0}, ranges={"retry_after": _RETRY_AFTER},
        ),
        FaultKind("retry-after-missing", "replace", "429 problem+json without a Retry-After header",
                  checks("retry_after"), E.retry_after_missing),
        FaultKind("problem-type-mismatch", "replace", "400 problem+json whose EXEG type suffix is not 400",
                  checks("error_body"), E.problem_type_mismatch),
        FaultKind(
            "upstream-error",
            "shape",
            "207 with the normal body plus errors[] (EXEG-0201-503 item naming service=...)",
            category("http_207"),  # Edge's success with upstream errors keeps the contract; the load test counts it
            E.upstream_error,
            defaults={"service": "com.adobe.experience.platform.ode"},
            requests=HANDLES_ONLY,
        ),
        FaultKind("request-id-not-echoed", "shape",
                  "requestId in body and x-request-id header unrelated to the sent one",
                  checks("request_id_echo"), E.request_id_not_echoed),
        FaultKind("request-id-wrong", "shape",
                  "body requestId suffix not 16 hex characters; header disagrees with body",
                  checks("request_id_echo"), E.request_id_wrong),
        FaultKind(
            "undocumented-status", "shape", "the normal body with status=299", checks("status_code_documented"),
            E.undocumented_status, defaults={"status": 299.0},
            # The normal body goes out with this status, so it must be a final status that may carry content:
            # 1xx are interim (RFC 9110 §15.2), 204, 205 and 304 have none (§15.3.5, §15.3.6, §15.4.5).
            ranges={"status": Range(200.0, 599.0, whole=True, excluded=(204.0, 205.0, 304.0),
                                    why=" (a final status that carries the normal body)")},
        ),
        FaultKind("wrong-content-type", "shape", "the normal body with content-type text/html",
                  checks("content_type"), E.wrong_content_type),
        # A `handle` that is no array, or an item without its required `type`, breaks the schema too.
        FaultKind("handle-not-array", "shape", "`handle` is an object, not an array",
                  checks("response_schema", "handle_shape"), E.handle_not_array, requests=HANDLES_ONLY),
        FaultKind("handle-item-no-type", "shape", "one handle item lacks `type`",
                  checks("response_schema", "handle_shape"), E.handle_item_no_type, requests=HANDLES_ONLY),
        FaultKind("handle-payload-invalid", "shape", "a state:store payload item lacks `key`",
                  checks("handle_shape"), E.handle_payload_invalid, requests=HANDLES_ONLY),
        FaultKind("bad-event-index", "shape", "a handle's eventIndex points past the events sent",
                  checks("handle_shape"), E.bad_event_index, requests=HANDLES_ONLY),
        FaultKind("malformed-json", "shape", "application/json content type with a body that is not JSON",
                  checks("response_schema"), E.malformed_json),
        FaultKind("truncated-body", "transport", "full Content-Length, connection closed after half of the body",
                  category("truncated_body"), E.truncated_body),
        FaultKind("connection-reset", "transport", "TCP reset (RST) without any response",
                  category("connection_reset"), E.connection_reset),
        FaultKind("stall", "transport", "no response until the client gives up and disconnects",
                  category("timeout"), E.stall),
    )
}


def markdown_table() -> str:
    """The faults as the docs show them: name, parameters with defaults, effect, requests, and what each proves."""
    rows = ["| fault | parameters (default) | effect | acts on | proves |", "| --- | --- | --- | --- | --- |"]
    for kind in REGISTRY.values():
        params = ", ".join(f"`{k}={_shown(v)}`{_bounds(kind, k)}" for k, v in kind.defaults.items())
        acts_on = " and ".join(sorted(kind.requests, reverse=True))
        rows.append(f"| `{kind.name}` | {params or 'none'} | {kind.summary} | {acts_on} | {kind.proves} |")
    return "\n".join(rows)


def _shown(value: ParamValue) -> str:
    return f"{value:g}" if isinstance(value, float) else value


def _bounds(kind: FaultKind, key: str) -> str:
    """What a parameter may be, as the docs table says it: ` (one of a, b)` or ` (0 to 10)`."""
    if key in kind.choices:
        return f" (one of {', '.join(_shown(v) for v in kind.choices[key])})"
    bounds = kind.ranges.get(key)
    if bounds is None:
        return ""
    but = f" but {', '.join(f'{v:g}' for v in bounds.excluded)}" if bounds.excluded else ""
    return f" ({bounds.low:g} to {bounds.high:g}{but})"
