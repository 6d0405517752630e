"""Fault injection: the spec syntax, the active faults, and the seeded draw per request.

Spec syntax (docs/emulator.md): `NAME[:RATE][,key=value...]`, RATE a probability in [0, 1], default 1;
the same string in `--fault`, in the config file and in `PUT /_emulator/faults`. Every fault also takes
`operation=interact|collect|<operation label>` to act on one operation only, and `count=N` to act on the first N
requests it fires on and then stop (a client's retry after exactly one failure). What each fault is, does and
proves lives in its registry entry (`fault_kinds.REGISTRY`).
"""

from __future__ import annotations

import difflib
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from emulator._errors import ConfigError
from emulator._fault_effects import ParamValue
from emulator._fault_kinds import REGISTRY, FaultKind, Stage, request_of

# Why a fault may skip a kind of request, said when a spec scopes it to requests it never acts on.
_SKIPPED_BECAUSE: Final = {"collect": ", whose answers carry no handle", "interact": ""}


@dataclass(frozen=True, slots=True)
class Fault:
    """One active fault: a kind, the probability it fires per request, its parameters and optional scope."""

    name: str
    rate: float
    params: Mapping[str, ParamValue]
    operation: str | None = None
    count: int | None = None  # fire on at most this many requests (None: no limit)

    @property
    def kind(self) -> FaultKind:
        return REGISTRY[self.name]

    @property
    def stage(self) -> Stage:
        return REGISTRY[self.name].stage

    def applies_to(self, label: str) -> bool:
        if request_of(label) not in REGISTRY[self.name].requests:
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
    from emulator._routes import OPERATIONS

    labels = [op.label for op in OPERATIONS]
    matching = [label for label in labels if label == value or label.endswith("/" + value)]
    if not matching:
        names = [*dict.fromkeys(op.action for op in OPERATIONS), *labels]
        raise ConfigError(f"{where}: operation={value!r} names no operation{_did_you_mean(value, names)}; use "
                          f"{', '.join(dict.fromkeys(op.action for op in OPERATIONS))} or a label such as "
                          f"'{labels[0]}'")
    requests = {request_of(label) for label in matching}
    if not requests & kind.requests:
        skipped = " or ".join(sorted(requests))
        raise ConfigError(f"{where}: fault {kind.name!r} never acts on {skipped}{_SKIPPED_BECAUSE.get(skipped, '')}; "
                          f"scope it to {' or '.join(sorted(kind.requests))}")
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
            delay = fault.kind.delay
            if delay is not None:
                plan.delay_s += delay(fault.params, self._rng)
                plan.delays.append(fault.name)
            else:
                plan.fault = fault
                break
        return plan


def specs(faults: Sequence[Fault]) -> list[str]:
    return [fault.spec() for fault in faults]
