"""Rate limiting as the Edge Network documents it: request units per second per IMS org (guardrails.md).

A request costs `ceil(body bytes / 8 KB)` fragments (at least one) times the services configured on its
datastream. Each org has a token bucket per endpoint whose capacity is one second of its limit (4000 RU/s on
interact, 6000 on collect by default) and which refills continuously. A token bucket rather than fixed 1-second
windows: fixed windows let a client send twice the limit across a window boundary and answer the same
Retry-After to everyone; the bucket never lets more than one second's worth through at once and its
Retry-After is the exact time until enough units have refilled. The clock is injected so tests need no sleeps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

FRAGMENT_BYTES = 8192  # guardrails.md: a request unit is one 8 KB fragment per upstream


def request_units(body_bytes: int, services: int) -> int:
    """Request units for a body of `body_bytes` on a datastream with `services` upstreams (at least 1 each)."""
    fragments = -(-body_bytes // FRAGMENT_BYTES)
    return (fragments if fragments > 1 else 1) * (services if services > 1 else 1)  # max(1, ...) costs twice this


@dataclass(slots=True)
class Admission:
    allowed: bool
    remaining: int  # whole units left in the org's bucket (x-rate-limit-remaining)
    retry_after_s: int  # seconds until the request would fit; 0 when allowed


_UNLIMITED = Admission(True, 0, 0)


class RateLimiter:
    """Token buckets keyed by org; `capacity` units per second, 0 meaning no limit."""

    __slots__ = ("_buckets", "_clock", "capacity")

    def __init__(self, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}  # org -> [tokens, last refill time]

    def reset(self) -> None:
        self._buckets.clear()

    def admit(self, org_id: str, units: int) -> Admission:
        capacity = self.capacity
        if capacity <= 0:
            return _UNLIMITED
        now = self._clock()
        bucket = self._buckets.get(org_id)
        if bucket is None:
            tokens = float(capacity)
            bucket = self._buckets[org_id] = [tokens, now]
        else:
            tokens = bucket[0] + (now - bucket[1]) * capacity
            if tokens > capacity:  # comparisons, not min(): every request comes here
                tokens = float(capacity)
            bucket[1] = now
        # A request larger than a whole second's capacity still passes once the bucket is full.
        need = units if units < capacity else capacity
        if tokens >= need:
            tokens -= need
            bucket[0] = tokens
            return Admission(True, int(tokens), 0)
        bucket[0] = tokens
        return Admission(False, int(tokens), max(1, math.ceil((need - tokens) / capacity)))
