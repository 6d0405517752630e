"""Fault injection: the registry of fault names, the spec syntax, and the seeded draw per request.

Spec syntax (docs/emulator.md): `NAME[:RATE][,key=value...]`, RATE a probability in [0, 1], default 1;
the same string in `--fault`, in the config file and in `PUT /_emulator/faults`. Every fault also takes
`operation=interact|collect|<operation label>` to act on one operation only, and `count=N` to act on the first N
requests it fires on and then stop (a client's retry after exactly one failure). Each fault exists so
that one contract check can be proven to fire (tests/contracts/test_faults.py); what each does to a
response lives in `fault_effects.py`.
"""

from __future__ import annotations

import difflib
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from emulator.errors import ConfigError

# When a fault acts: `delay` before answering (composes with the others), `replace` answers with an error of its
# own, `shape` damages a successful answer, `transport` misbehaves on the connection itself.
Stage = Literal["delay", "replace", "shape", "transport"]
ParamValue = float | str


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


MAX_LATENCY_MS = 600_000.0  # 10 minutes: a longer delay is a hung emulator, not a slow one
_LATENCY_MS = Range(0.0, MAX_LATENCY_MS, why=" (milliseconds; at most 10 minutes)")
# A Retry-After of a day is already longer than any client waits; larger values are typos (1e300 is not seconds).
_RETRY_AFTER = Range(0.0, 86_400.0, whole=True, why=" (seconds in the Retry-After header)")


@dataclass(frozen=True, slots=True)
class FaultKind:
    name: str
    stage: Stage
    summary: str
    defaults: Mapping[str, ParamValue] = field(default_factory=dict)
    choices: Mapping[str, tuple[ParamValue, ...]] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)
    # Damages what only handle-carrying answers have (`handle[]`, a 207 with errors[]): collect answers have neither
    # in the contract, so such a fault there would be counted by the emulator yet invisible to every check.
    handles_only: bool = False


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
            _LATENCY_DEFAULTS,
            {"dist": ("fixed", "normal", "lognormal")},
            # sigma is the log-scale spread: past 10 the draws are all 0 or the 10-minute ceiling.
            {"ms": _LATENCY_MS, "mean_ms": _LATENCY_MS, "sd_ms": _LATENCY_MS, "median_ms": _LATENCY_MS,
             "sigma": Range(0.0, 10.0)},
        ),
        FaultKind(
            "server-error",
            "replace",
            "5xx problem+json: status=500 (EXEG-0001-500), 502, 503 (EXEG-0000-503 with Retry-After) or 504",
            {"status": 503.0, "retry_after": 1.0},
            {"status": (500.0, 502.0, 503.0, 504.0)},
            {"retry_after": _RETRY_AFTER},
        ),
        FaultKind(
            "rate-limit", "replace", "429 problem+json with Retry-After: retry_after seconds", {"retry_after": 1.0},
            ranges={"retry_after": _RETRY_AFTER},
        ),
        FaultKind("retry-after-missing", "replace", "429 problem+json without a Retry-After header"),
        FaultKind("problem-type-mismatch", "replace", "400 problem+json whose EXEG type suffix is not 400"),
        FaultKind(
            "upstream-error",
            "shape",
            "207 with the normal body plus errors[] (EXEG-0201-503 item naming service=...)",
            {"service": "com.adobe.experience.platform.ode"},
            handles_only=True,
        ),
        FaultKind(
            "request-id-not-echoed", "shape", "requestId in body and x-request-id header unrelated to the sent one"
        ),
        FaultKind(
            "request-id-wrong", "shape", "body requestId suffix not 16 hex characters; header disagrees with body"
        ),
        FaultKind(
            "undocumented-status", "shape", "the normal body with status=299", {"status": 299.0},
            # The normal body goes out with this status, so it must be a final status that may carry content:
            # 1xx are interim (RFC 9110 §15.2), 204, 205 and 304 have none (§15.3.5, §15.3.6, §15.4.5).
            ranges={"status": Range(200.0, 599.0, whole=True, excluded=(204.0, 205.0, 304.0),
                                    why=" (a final status that carries the normal body)")},
        ),
        FaultKind("wrong-content-type", "shape", "the normal body with content-type text/html"),
        FaultKind("handle-not-array", "shape", "`handle` is an object, not an array", handles_only=True),
        FaultKind("handle-item-no-type", "shape", "one handle item lacks `type`", handles_only=True),
        FaultKind("handle-payload-invalid", "shape", "a state:store payload item lacks `key`", handles_only=True),
        FaultKind(
            "bad-event-index", "shape", "a handle's eventIndex points past the events sent", handles_only=True
        ),
        FaultKind("malformed-json", "shape", "application/json content type with a body that is not JSON"),
        FaultKind("truncated-body", "transport", "full Content-Length, connection closed after half of the body"),
        FaultKind("connection-reset", "transport", "TCP reset (RST) without any response"),
        FaultKind("stall", "transport", "no response until the client gives up and disconnects"),
    )
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One active fault: a kind, the probability it fires per request, its parameters and optional scope."""

    name: str
    rate: float
    params: Mapping[str, ParamValue]
    operation: str | None = None
    count: int | None = None  # fire on at most this many requests (None: no limit)

    @property
    def stage(self) -> Stage:
        return REGISTRY[self.name].stage

    def applies_to(self, label: str) -> bool:
        if REGISTRY[self.name].handles_only and label.endswith("/collect"):
            return False
        return self.operation is None or label == self.operation or label.endswith("/" + self.operation)

    def spec(self) -> str:
        """The canonical spec string (what `GET /_emulator/faults` returns)."""
        defaults = REGISTRY[self.name].defaults
        parts = [f"{self.name}:{self.rate:g}"]
        parts += [f"{k}={_show(v)}" for k, v in sorted(self.params.items()) if defaults.get(k) != v]
        if self.operation is not None:
            parts.append(f"operation={self.operation}")
        if self.count is not None:
            parts.append(f"count={self.count}")
        return ",".join(parts)


def _show(value: ParamValue) -> str:
    return f"{value:g}" if isinstance(value, float) else value


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: {text!r} must be a finite number >= 0")
    return value


def build_fault(name: str, rate: object, params: Mapping[str, object], where: str) -> Fault:
    kind = REGISTRY.get(name)
    if kind is None:
        raise ConfigError(f"{where}: unknown fault {name!r}{_did_you_mean(name, REGISTRY)}; "
                          f"known faults: {', '.join(REGISTRY)}")
    value = _number(str(rate), f"{where}: rate") if not isinstance(rate, bool) else -1.0
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{where}: rate must be a probability between 0 and 1, got {rate!r}")
    chosen: dict[str, ParamValue] = dict(kind.defaults)
    operation: str | None = None
    count: int | None = None
    for key, raw in params.items():
        if key == "operation":
            operation = _operation(kind, str(raw), where)
            continue
        if key == "count":
            count = _count(str(raw), f"{where}: count")
            continue
        if key not in kind.defaults:
            allowed = [*kind.defaults, "operation", "count"]
            raise ConfigError(f"{where}: fault {name!r} has no parameter {key!r}{_did_you_mean(key, allowed)}; "
                              f"its parameters: {', '.join(allowed)}")
        default = kind.defaults[key]
        chosen[key] = _number(str(raw), f"{where}: {key}") if isinstance(default, float) else str(raw)
        allowed_values = kind.choices.get(key)
        if allowed_values is not None and chosen[key] not in allowed_values:
            shown = ", ".join(_show(v) for v in allowed_values)
            raise ConfigError(f"{where}: {key}={_show(chosen[key])} is not one of {shown}")
        bounds = kind.ranges.get(key)
        refusal = None if bounds is None else bounds.refusal(float(chosen[key]))
        if refusal is not None:
            raise ConfigError(f"{where}: {key}={_show(chosen[key])} {refusal}")
    return Fault(name, value, chosen, operation, count)


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _operation(kind: FaultKind, value: str, where: str) -> str:
    """`operation=` must name an operation the fault can act on: a typo would be accepted and never fire."""
    # Imported here: routes imports config, which imports this module to parse the config file's faults.
    from emulator.routes import OPERATIONS

    labels = [op.label for op in OPERATIONS]
    matching = [label for label in labels if label == value or label.endswith("/" + value)]
    if not matching:
        names = [*dict.fromkeys(op.action for op in OPERATIONS), *labels]
        raise ConfigError(f"{where}: operation={value!r} names no operation{_did_you_mean(value, names)}; use "
                          f"{', '.join(dict.fromkeys(op.action for op in OPERATIONS))} or a label such as "
                          f"'{labels[0]}'")
    if kind.handles_only and all(label.endswith("/collect") for label in matching):
        raise ConfigError(f"{where}: fault {kind.name!r} never acts on collect, whose answers carry no handle; "
                          "scope it to interact")
    return value


def _count(text: str, where: str) -> int:
    # isascii: str.isdigit() is true of digits int() refuses ("²"); 9 digits: a billion requests is plenty.
    if not (text.isascii() and text.isdigit() and len(text) <= 9) or int(text) < 1:
        raise ConfigError(f"{where}: {text!r} must be a whole number of requests from 1 to 999999999")
    return int(text)


def parse_spec(spec: str, where: str = "fault spec") -> Fault:
    """Parse `NAME[:RATE][,key=value...]`, e.g. `latency:1,dist=lognormal,median_ms=5,sigma=0.6`."""
    head, *pairs = spec.strip().split(",")
    name, _, rate = head.strip().partition(":")
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{where} {spec!r}: expected key=value after the name, got {pair!r}")
        params[key.strip()] = raw.strip()
    return build_fault(name, rate.strip() or "1", params, f"{where} {spec!r}")


def parse_entry(entry: object, where: str) -> Fault:
    """A config-file fault: a spec string, or a table `{name = "...", rate = 0.1, key = value}`."""
    if isinstance(entry, str):
        return parse_spec(entry, where)
    if isinstance(entry, dict):
        table = dict(entry)
        name = table.pop("name", None)
        if not isinstance(name, str):
            raise ConfigError(f'{where}: a [[faults]] table needs name = "<fault name>"')
        return build_fault(name, table.pop("rate", 1.0), table, where)
    raise ConfigError(f"{where}: a fault is a spec string or a table, got {entry!r}")


@dataclass(slots=True)
class Plan:
    """What the drawn faults do to one request: a total delay and at most one non-delay fault."""

    delay_s: float = 0.0
    fault: Fault | None = None
    delays: list[str] = field(default_factory=list)


class FaultBoard:
    """The active faults and the seeded generator that decides, per request, which of them fire.

    Decisions use their own generator (not the id generator), so switching a fault on does not change the ids
    of a seeded run. Delays add up; of the other faults the first to fire, in spec order, is the one that acts.
    """

    def __init__(self, faults: Iterable[Fault] = (), seed: int = 0) -> None:
        self._seed = seed
        self._rng = random.Random(seed)
        self._faults: tuple[Fault, ...] = ()
        self._by_label: dict[str, tuple[Fault, ...]] = {}
        self._fired: dict[int, int] = {}  # id(fault) -> requests it acted on, for faults with a count
        self.replace(faults)

    @property
    def faults(self) -> tuple[Fault, ...]:
        return self._faults

    def replace(self, faults: Iterable[Fault]) -> None:
        self._faults = tuple(faults)
        self._by_label = {}
        self._fired = {}

    def reseed(self) -> None:
        self._rng.seed(self._seed)
        self._fired = {}

    def _for(self, label: str) -> tuple[Fault, ...]:
        found = self._by_label.get(label)
        if found is None:
            found = self._by_label[label] = tuple(f for f in self._faults if f.applies_to(label))
        return found

    def draw(self, label: str) -> Plan | None:
        """None when nothing fires (the common, fast case)."""
        faults = self._for(label)
        if not faults:
            return None
        plan: Plan | None = None
        for fault in faults:
            if fault.rate < 1.0 and (fault.rate <= 0.0 or self._rng.random() >= fault.rate):
                continue
            if fault.count is not None:
                fired = self._fired.get(id(fault), 0)
                if fired >= fault.count:
                    continue
                self._fired[id(fault)] = fired + 1
            plan = plan or Plan()
            if fault.stage == "delay":
                plan.delay_s += self._latency_s(fault.params)
                plan.delays.append(fault.name)
            else:
                plan.fault = fault
                break
        return plan

    def _latency_s(self, params: Mapping[str, ParamValue]) -> float:
        dist = params["dist"]
        if dist == "normal":
            ms = self._rng.gauss(float(params["mean_ms"]), float(params["sd_ms"]))
        elif dist == "lognormal":
            ms = self._rng.lognormvariate(math.log(max(float(params["median_ms"]), 1e-6)), float(params["sigma"]))
        else:
            ms = float(params["ms"])
        return min(max(ms, 0.0), MAX_LATENCY_MS) / 1000.0  # a distribution's tail is cut at the ceiling too


def specs(faults: Sequence[Fault]) -> list[str]:
    return [fault.spec() for fault in faults]
