"""The fault registry: every fault the emulator can inject, each one a decorated effect carrying all there is to it.

A fault is one function here, decorated with `@fault` (or `@delay_fault`): the function is what the fault does, and
its name, dashed, is the fault's name (`rate_limit` -> `rate-limit`); the decorator says its stage, its parameters
with their defaults and the values each may take, the requests it acts on, and what it proves: the contract checks
it must make fail, or, for a fault that breaks no rule (a 429, a reset, a delay), the load-test failure category it
must be counted in or the latency it must add. `tests/contracts/test_faults.py` walks this registry and holds each
fault to its proof, so adding a fault is one decorated function here and nothing else to keep in step; what effects
share (the `Hit`, problem answers, the reply's document) is in `fault_effects`. Check names are plain strings: the
emulator never imports the verdict (a target that judges itself proves nothing), the test resolves them in
`contracts.REGISTRY`.
"""

from __future__ import annotations

import math
import random
import socket
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from emulator import _problems as P
from emulator._fault_effects import (
    MAX_LATENCY_MS,
    Delay,
    Effect,
    Hit,
    Params,
    ParamValue,
    document,
    handles,
    problem,
    transport_of,
    until_disconnect,
)
from emulator._responses import JSON_CONTENT_TYPE

# When a fault acts: `delay` before answering (composes with the others), `replace` answers with an error of its
# own, `shape` damages a successful answer, `transport` misbehaves on the connection itself.
Stage = Literal["delay", "replace", "shape", "transport"]
EffectStage = Literal["replace", "shape", "transport"]  # every stage but `delay`, whose code draws a wait instead
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

    checks: tuple[str, ...] = ()  # contract check names (contracts._checks): exactly these fail
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


# In definition order: the order of the docs table and of `--help`.
REGISTRY: dict[str, FaultKind] = {}


def _register(kind: FaultKind) -> None:
    if kind.name in REGISTRY:
        raise ValueError(f"fault {kind.name!r} is registered twice")
    REGISTRY[kind.name] = kind


def _name_of(function: Callable[..., object]) -> str:
    return function.__name__.replace("_", "-")


def fault(
    stage: EffectStage, summary: str, proves: Proof, *, defaults: Mapping[str, ParamValue] | None = None,
    choices: Mapping[str, tuple[ParamValue, ...]] | None = None, ranges: Mapping[str, Range] | None = None,
    requests: frozenset[Request] = EVERY_REQUEST,
) -> Callable[[Effect], Effect]:
    """Register the decorated effect as the fault named after it, with what the docs, the parser and the test read."""

    def register(effect: Effect) -> Effect:
        _register(FaultKind(_name_of(effect), stage, summary, proves, effect=effect, defaults=dict(defaults or {}),
                            choices=dict(choices or {}), ranges=dict(ranges or {}), requests=requests))
        return effect

    return register


def delay_fault(
    summary: str, proves: Proof, *, defaults: Mapping[str, ParamValue], choices: Mapping[str, tuple[ParamValue, ...]],
    ranges: Mapping[str, Range],
) -> Callable[[Delay], Delay]:
    """Register the decorated draw of a wait as the `delay` fault named after it."""

    def register(delay: Delay) -> Delay:
        _register(FaultKind(_name_of(delay), "delay", summary, proves, delay=delay, defaults=dict(defaults),
                            choices=dict(choices), ranges=dict(ranges)))
        return delay

    return register


_LATENCY_MS = Range(0.0, MAX_LATENCY_MS, why=" (milliseconds; at most 10 minutes)")
# A Retry-After of a day is already longer than any client waits; larger values are typos (1e300 is not seconds).
_RETRY_AFTER = Range(0.0, 86_400.0, whole=True, why=" (seconds in the Retry-After header)")


# ---- delay: a wait before answering ----------------------------------------------------------------------------

@delay_fault(
    "delay before responding: dist=fixed (ms), normal (mean_ms, sd_ms) or lognormal (median_ms, sigma)",
    Proof(latency=True),
    defaults={"dist": "fixed", "ms": 100.0, "mean_ms": 100.0, "sd_ms": 20.0, "median_ms": 100.0, "sigma": 0.5},
    choices={"dist": ("fixed", "normal", "lognormal")},
    # sigma is the log-scale spread: past 10 the draws are all 0 or the 10-minute ceiling.
    ranges={"ms": _LATENCY_MS, "mean_ms": _LATENCY_MS, "sd_ms": _LATENCY_MS, "median_ms": _LATENCY_MS,
            "sigma": Range(0.0, 10.0)},
)
def latency(params: Params, rng: random.Random) -> float:
    dist = params["dist"]
    if dist == "normal":
        ms = rng.gauss(float(params["mean_ms"]), float(params["sd_ms"]))
    elif dist == "lognormal":
        ms = rng.lognormvariate(math.log(max(float(params["median_ms"]), 1e-6)), float(params["sigma"]))
    else:
        ms = float(params["ms"])
    return min(max(ms, 0.0), MAX_LATENCY_MS) / 1000.0  # a distribution's tail is cut at the ceiling too


# ---- replace: an error answer of the fault's own ---------------------------------------------------------------

@fault(
    "replace",
    "5xx problem+json: status=500 (EXEG-0001-500), 502, 503 (EXEG-0000-503 with Retry-After) or 504",
    category("http_5xx"),  # a documented error: it keeps the contract, and the load test counts it
    defaults={"status": 503.0, "retry_after": 1.0},
    choices={"status": (500.0, 502.0, 503.0, 504.0)},
    ranges={"retry_after": _RETRY_AFTER},
)
async def server_error(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    status = int(float(params["status"]))
    if status == 500:
        problem(reply, P.INTERNAL)
        return True
    problem(reply, P.UNAVAILABLE, code=f"EXEG-0000-{status}")
    # troubleshooting.md: 503 "may retry ... must respect Retry-After"; 502/504 carry none.
    reply.retry_after = int(float(params["retry_after"])) if status == 503 else None
    return True


@fault("replace", "429 problem+json with Retry-After: retry_after seconds", category("http_429"),
       defaults={"retry_after": 1.0}, ranges={"retry_after": _RETRY_AFTER})
async def rate_limit(params: Params, hit: Hit) -> bool:
    problem(hit.reply, P.TOO_MANY_REQUESTS)
    hit.reply.retry_after = int(float(params["retry_after"]))
    return True


@fault("replace", "429 problem+json without a Retry-After header", checks("retry_after"))
async def retry_after_missing(params: Params, hit: Hit) -> bool:
    problem(hit.reply, P.TOO_MANY_REQUESTS)
    hit.reply.retry_after = None
    return True


@fault("replace", "400 problem+json whose EXEG type suffix is not 400", checks("error_body"))
async def problem_type_mismatch(params: Params, hit: Hit) -> bool:
    hit.reply.retry_after = None
    problem(hit.reply, P.INVALID_JSON, code="EXEG-0104-422", status=400)  # a 400 whose type says 422
    return True


# ---- shape: damage to a successful answer ----------------------------------------------------------------------

@fault(
    "shape",
    "207 with the normal body plus errors[] (EXEG-0201-503 item naming service=...)",
    category("http_207"),  # Edge's success with upstream errors keeps the contract; the load test counts it
    defaults={"service": "com.adobe.experience.platform.ode"},
    requests=HANDLES_ONLY,
)
async def upstream_error(params: Params, hit: Hit) -> bool:
    # Non-fatal upstream errors answer 207 with errors[] (troubleshooting.md; the nonfatal sample's wording).
    reply = hit.reply
    body = document(reply)
    if body is None:
        return False
    reply.status = 207
    title = f"The '{params['service']}' service is temporarily unable to serve this request. Please try again later."
    body["errors"] = [{"type": P.TYPE_PREFIX + "EXEG-0201-503", "status": 503, "title": title}]
    return True


@fault("shape", "requestId in body and x-request-id header unrelated to the sent one", checks("request_id_echo"))
async def request_id_not_echoed(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    body = document(reply)
    if body is None:
        return False
    reply.request_id = body["requestId"] = hit.ids.uuid() + "-" + hit.ids.entropy()
    return True


@fault("shape", "body requestId suffix not 16 hex characters; header disagrees with body", checks("request_id_echo"))
async def request_id_wrong(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    body = document(reply)
    if body is None:
        return False
    prefix = reply.request_id.rsplit("-", 1)[0]
    body["requestId"] = prefix + "-" + hit.ids.entropy()[:8]  # 8 hex characters, not 16
    reply.header_request_id = reply.request_id
    return True


@fault(
    "shape", "the normal body with status=299", checks("status_code_documented"), defaults={"status": 299.0},
    # The normal body goes out with this status, so it must be a final status that may carry content:
    # 1xx are interim (RFC 9110 §15.2), 204, 205 and 304 have none (§15.3.5, §15.3.6, §15.4.5).
    ranges={"status": Range(200.0, 599.0, whole=True, excluded=(204.0, 205.0, 304.0),
                            why=" (a final status that carries the normal body)")},
)
async def undocumented_status(params: Params, hit: Hit) -> bool:
    if document(hit.reply) is None:
        return False
    hit.reply.status = int(float(params["status"]))
    return True


@fault("shape", "the normal body with content-type text/html", checks("content_type"))
async def wrong_content_type(params: Params, hit: Hit) -> bool:
    if document(hit.reply) is None:
        return False
    hit.reply.content_type = b"text/html;charset=utf-8"
    return True


# A `handle` that is no array, or an item without its required `type`, breaks the schema too.
@fault("shape", "`handle` is an object, not an array", checks("response_schema", "handle_shape"),
       requests=HANDLES_ONLY)
async def handle_not_array(params: Params, hit: Hit) -> bool:
    found = handles(hit.reply)
    if found is None or hit.reply.document is None:
        return False
    hit.reply.document["handle"] = found[0]
    return True


@fault("shape", "one handle item lacks `type`", checks("response_schema", "handle_shape"), requests=HANDLES_ONLY)
async def handle_item_no_type(params: Params, hit: Hit) -> bool:
    found = handles(hit.reply)
    if found is None:
        return False
    found[0] = dict(found[0])  # a copy: handles may be shared by every reply (handles.py)
    del found[0]["type"]
    return True


@fault("shape", "a state:store payload item lacks `key`", checks("handle_shape"), requests=HANDLES_ONLY)
async def handle_payload_invalid(params: Params, hit: Hit) -> bool:
    found = handles(hit.reply)
    if found is None:
        return False
    del next(h for h in found if h.get("type") == "state:store")["payload"][0]["key"]
    return True


@fault("shape", "a handle's eventIndex points past the events sent", checks("handle_shape"), requests=HANDLES_ONLY)
async def bad_event_index(params: Params, hit: Hit) -> bool:
    found = handles(hit.reply)
    if found is None:
        return False
    found[0] = {**found[0], "eventIndex": hit.reply.events}
    return True


@fault("shape", "application/json content type with a body that is not JSON", checks("response_schema"))
async def malformed_json(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    if document(reply) is None:
        return False
    reply.body = reply.payload()[:-1]  # the closing brace dropped: not JSON, same content type
    reply.content_type = JSON_CONTENT_TYPE
    return True


# ---- transport: misbehaviour on the connection -----------------------------------------------------------------

@fault("transport", "full Content-Length, connection closed after half of the body", category("truncated_body"))
async def truncated_body(params: Params, hit: Hit) -> bool:
    """Announce the full Content-Length, write half the body, close: the client sees a short read."""
    reply = hit.reply
    hit.stats.status(reply.status)  # a status line goes out, unlike a reset or a stall
    body = reply.payload()
    await hit.send({"type": "http.response.start", "status": reply.status, "headers": reply.headers(body)})
    await hit.send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    transport = transport_of(hit.scope)
    if transport is None:
        raise ConnectionAbortedError("truncated-body fault needs the emulator's uvicorn protocol")
    transport.close()  # flushes what was written, then FIN
    await until_disconnect(hit.receive)
    return True


@fault("transport", "TCP reset (RST) without any response", category("connection_reset"))
async def connection_reset(params: Params, hit: Hit) -> bool:
    """RST without a response: SO_LINGER 0 then abort (a plain close would send FIN, an orderly end)."""
    transport = transport_of(hit.scope)
    if transport is None:
        raise ConnectionResetError("connection-reset fault needs the emulator's uvicorn protocol")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await until_disconnect(hit.receive)
    return True


@fault("transport", "no response until the client gives up and disconnects", category("timeout"))
async def stall(params: Params, hit: Hit) -> bool:
    """Answer nothing until the client gives up and disconnects."""
    await until_disconnect(hit.receive)
    return True


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
