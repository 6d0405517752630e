"""The event mix: which kinds of events a stream holds, by weight (`page-view=70,link-click=20,...`)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping

from generators._composer import EVENT_KINDS, KINDS

DEFAULT_MIX: Mapping[str, float] = {name: kind.weight for name, kind in KINDS.items()}  # each kind's default share


def parse_mix(text: str) -> dict[str, float]:
    """`"page-view=70,link-click=30"` -> `{"page-view": 70.0, "link-click": 30.0}`; raises ValueError."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"mix entry {part!r} is not KIND=WEIGHT")
        try:
            weights[kind.strip()] = float(value)
        except ValueError:
            raise ValueError(f"mix weight {value!r} for {kind.strip()!r} is not a number") from None
    return dict(check_mix(weights))


def check_mix(mix: Mapping[str, float]) -> Mapping[str, float]:
    unknown = sorted(set(mix) - set(EVENT_KINDS))
    if unknown:
        raise ValueError(f"unknown event kind(s) {', '.join(unknown)} in mix; choose from {', '.join(EVENT_KINDS)}")
    if any(w < 0 for w in mix.values()) or not any(w > 0 for w in mix.values()):
        raise ValueError("mix weights must be non-negative and at least one positive")
    return mix


class MixPicker:
    """Draws kinds in proportion to their weights with one `random()` call."""

    def __init__(self, mix: Mapping[str, float], rng: random.Random):
        check_mix(mix)
        self._kinds = [k for k in EVENT_KINDS if mix.get(k, 0) > 0]
        self._cum = list(itertools.accumulate(mix[k] for k in self._kinds))
        self._rng = rng

    def __call__(self) -> str:
        return self._rng.choices(self._kinds, cum_weights=self._cum)[0]
