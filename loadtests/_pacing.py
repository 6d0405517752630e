"""When each user sends its next request: per-user pacing and the global open-model rate.

Locust's `constant_throughput` paces each user from its own last task start, and all users' clocks start together: paced
users fire in lock-step and the reported latency grows with the user count
(https://github.com/locustio/locust/blob/master/locust/wait_time.py; measured here: p50 1, 5 and 22 ms at 10, 100 and
300 users for the same 1,000 requests/s). Both pacers here keep an absolute schedule instead and spread it over the
users:

- `UserPacing`: each user's clock starts at its own phase of the interval, taken from a low-discrepancy sequence
  (the golden-ratio sequence) so that any number of users covers the interval evenly, not just on average.
- `GlobalRate`: one schedule per process for a target rate that holds whatever the user count. Request
  number n (counted over all workers) is due when the integral of the rate profile reaches n + 1/2; a process
  of `stride` processes takes every stride-th of them, so the workers interleave instead of doubling up.

A request sent more than `late_after` behind its due time is counted late (`on_late`). In the open model every
slot of the schedule is accounted exactly once (`GlobalRate.slots()`): sent on time, sent late (both judged when
the request actually goes out, `sent()`), or never sent: a backlog older than `max_lag` is skipped, because
sending it would be a burst that the profile never asked for, and slots that fell due while every user was busy
until the end are never claimed at all. Nothing here sleeps: callers sleep for the returned delay (in Locust's
`wait_time`), tests use a fake clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import NamedTuple

from loadtests._shape_math import LoadProfile

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
LATE_AFTER_S = 0.010  # gevent wakes within a millisecond or two; 10 ms behind means no free user or no CPU
MAX_LAG_S = 1.0
IDLE_S = 0.5  # how long a user waits before asking again once the profile has no more requests


def spread_phase(index: int) -> float:
    """The phase in [0, 1) of user number `index`: the golden-ratio sequence, evenly spread for any count."""
    return (index * GOLDEN) % 1.0


_EPSILON = 1e-9  # the integral of the profile at a slot's own due time may fall short of it by a rounding error


def _ignore(_n: int) -> None:
    return None


class SlotCounts(NamedTuple):
    """Where every slot of one schedule went: scheduled == on_time + late + never_sent, exactly."""

    scheduled: int  # slots due by the end of the run (and any sent after it)
    on_time: int  # sent within `late_after` of their due time
    late: int  # sent, but more than `late_after` behind
    never_sent: int  # due and not sent: skipped as a stale backlog, or no user was free before the end
    skipped: int  # of never_sent: skipped because they were more than `max_lag` behind


class UserPacing:
    """One user's closed-model pacing at `rate` requests/s, its clock started at `phase` of the interval."""

    def __init__(
        self,
        rate: float,
        phase: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_late: Callable[[int], None] = _ignore,
        late_after: float = LATE_AFTER_S,
    ) -> None:
        if rate <= 0:
            raise ValueError("a paced user needs a rate above 0")
        self.interval = 1.0 / rate
        self.phase = phase % 1.0
        self._clock = clock
        self._on_late = on_late
        self._late_after = late_after
        self._due: float | None = None

    def delay(self) -> float:
        """Seconds to wait before the next request (0 when it is already due)."""
        now = self._clock()
        if self._due is None:
            # The clock starts after the phase offset (measured: a random start delay alone does not help).
            self._due = now + self.phase * self.interval
            return self._due - now
        self._due += self.interval
        lag = now - self._due
        if lag > self._late_after:
            self._on_late(1)
            if lag > self.interval:
                self._due = now  # a closed model has no backlog: restart the clock rather than burst
        return max(0.0, self._due - now)


class GlobalRate:
    """The shared schedule of one process for a rate `profile` (requests/s over seconds since `start()`)."""

    def __init__(
        self,
        profile: LoadProfile,
        *,
        stride: int = 1,
        offset: int = 0,
        clock: Callable[[], float] = time.monotonic,
        on_late: Callable[[int], None] = _ignore,
        late_after: float = LATE_AFTER_S,
        max_lag: float = MAX_LAG_S,
    ) -> None:
        if stride < 1 or not 0 <= offset < stride:
            raise ValueError(f"need 0 <= offset < stride, got offset {offset} and stride {stride}")
        self.profile = profile
        self.stride = stride
        self.offset = offset
        self._clock = clock
        self._on_late = on_late
        self._late_after = late_after
        self._max_lag = max_lag
        self._t0: float | None = None
        self._k = 0  # this process's next slot
        # Earlier parts of the schedule, when a lost worker's share was handed over (`restride`):
        # (first local slot, global slot it maps to minus offset, stride, offset), oldest first.
        self._earlier: list[tuple[int, int, int, int]] = []
        self._first_k = 0  # the current part: local slot k is global slot _base + (k - _first_k) * stride + offset
        self._base = 0
        self._last_sent_due = -math.inf
        self.claimed = 0
        self.on_time = 0
        self.late = 0
        self.skipped = 0

    def start(self, at: float | None = None) -> None:
        """Start the schedule's clock (Locust's test_start); slots before it do not exist."""
        self._t0 = self._clock() if at is None else at
        self._k = 0
        if self._earlier:  # a new run starts from the stride it was first given
            _, self._base, self.stride, self.offset = self._earlier[0]
            self._earlier = []
        self._first_k = self._base = 0
        self._last_sent_due = -math.inf
        self.claimed = self.on_time = self.late = self.skipped = 0

    @property
    def started(self) -> bool:
        return self._t0 is not None

    def _global(self, k: int) -> int:
        """The global slot number of this process's local slot k."""
        if k >= self._first_k:
            return self._base + (k - self._first_k) * self.stride + self.offset
        for first_k, base, stride, offset in reversed(self._earlier):
            if k >= first_k:
                return base + (k - first_k) * stride + offset
        raise ValueError(f"slot {k} precedes the schedule")  # unreachable: the first part starts at 0

    def _due(self, k: int) -> float:
        assert self._t0 is not None
        return self._t0 + self.profile.time_of(self._global(k) + 0.5)

    def restride(self, stride: int, offset: int, from_slot: int) -> None:
        """From global slot `from_slot` on, take every stride-th slot at `offset` (a worker was lost and the
        survivors share its part; loadtests._rebalance). Slots before it keep the old interleave."""
        if stride < 1 or not 0 <= offset < stride:
            raise ValueError(f"need 0 <= offset < stride, got offset {offset} and stride {stride}")
        # Local slots of the current part that fall before from_slot stay; the new part starts after them.
        kept = max(0, math.ceil((from_slot - self._base - self.offset) / self.stride))
        first_k = self._first_k + kept
        self._earlier.append((self._first_k, self._base, self.stride, self.offset))
        self._first_k, self._base, self.stride, self.offset = first_k, from_slot, stride, offset
        if self._k > first_k:  # claimed past the switch already (the switch is meant to be in the future)
            self._first_k = self._k
            self._base = from_slot + (self._k - first_k) * stride

    def claim(self) -> float | None:
        """The due time (on the clock) of the next request this process sends; None once the profile is over.

        Each call hands out a distinct slot, so users that call it in turn interleave on one schedule.
        """
        if self._t0 is None:
            self.start()
        due = self._due(self._k)
        if math.isinf(due):
            return None
        now = self._clock()
        lag = now - due
        if lag > self._max_lag:
            # Skip to the first slot due within max_lag; the skipped ones are never sent (slots() counts them).
            first = max(self._k + 1, self.due_by(now - self._max_lag))
            self.skipped += first - self._k
            self._k = first
            due = self._due(self._k)
            if math.isinf(due):
                return None
        self._k += 1
        self.claimed += 1
        return due

    def sent(self, due: float, at: float | None = None) -> float:
        """The request of the slot due at `due` goes out now (or `at`): count it on time or late, and return how
        far behind its schedule it is, in seconds (0 when early). Judged here, not at claim time, because a user
        that claimed a slot on time can still wake late when the process waits for a CPU core."""
        lag = (self._clock() if at is None else at) - due
        if lag > self._late_after:
            self.late += 1
            self._on_late(1)
        else:
            self.on_time += 1
        if due > self._last_sent_due:
            self._last_sent_due = due
        return max(0.0, lag)

    def due_by(self, t: float) -> int:
        """How many of this process's slots are due by clock time `t`: local slot k is due when the profile's
        integral reaches its global number + 1/2 (see _due), over each part of the schedule."""
        if self._t0 is None:
            return 0
        total = self.profile.total(t - self._t0) + _EPSILON
        count = 0
        parts = [*self._earlier, (self._first_k, self._base, self.stride, self.offset)]
        for i, (first_k, base, stride, offset) in enumerate(parts):
            due = max(0, math.floor((total - base - offset - 0.5) / stride) + 1)
            if i + 1 < len(parts):
                due = min(due, parts[i + 1][0] - first_k)
            count += due
            if i + 1 < len(parts) and due < parts[i + 1][0] - first_k:
                break
        return count

    def slots(self, end: float | None = None) -> SlotCounts:
        """Every slot due by `end` (default now), or sent, accounted once: on time, late or never sent."""
        horizon = self._clock() if end is None else end
        scheduled = max(self.due_by(max(horizon, self._last_sent_due)), self.on_time + self.late)
        never_sent = scheduled - self.on_time - self.late
        return SlotCounts(scheduled, self.on_time, self.late, never_sent, min(self.skipped, never_sent))

    def delay(self) -> float | None:
        """Seconds to wait before sending the next claimed request; None once the profile is over."""
        due = self.claim()
        return None if due is None else max(0.0, due - self._clock())
