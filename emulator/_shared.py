"""State the processes of `edgeload emulator --workers N` share: the rate-limit buckets, the stats, the faults and
resets (docs/emulator.md#several-processes).

One anonymous `MAP_SHARED` mmap, made before the workers fork, holds it all:

- the token buckets, one table per endpoint, under one process-shared lock. The bucket must be global: a client
  with one keep-alive connection talks to one process, so splitting the limit `rate/N` per process would let it
  through at a N-th of its limit, and N clients would each see a different limit. A bucket update is a few
  microseconds under a lock no process holds for longer; CLOCK_MONOTONIC is the same clock in every process
  (https://man7.org/linux/man-pages/man2/clock_gettime.2.html), so refills agree.
- the stats as one row of counters per worker, each written only by its own process (no lock on the hot path)
  and summed by whoever answers `GET /_emulator/stats`. A reset records the sums as a baseline instead of zeroing
  rows other processes are writing.
- the faults and a reset generation, each with a version number a worker compares on every request (one read)
  and acts on when it changed: reseeding its ids and fault draws, replacing its faults.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
from collections.abc import Callable, Iterable

import orjson

from emulator._ratelimit import Admission, RateLimiter
from emulator._stats import StatsSnapshot

_BUCKET_SLOTS = 4096  # orgs per endpoint; past that an org is not limited (load runs use a handful)
_SLOT = struct.Struct("<qdd")  # org key (nonzero), tokens, last refill time
_FAULTS_BYTES = 1 << 16  # the admin body limit of faults (64 KB of spec text is far more than any list)
_STATUSES = range(100, 600)
_ENDPOINTS = ("interact", "collect")
_HEADER = struct.Struct("<qqq")  # reset generation, faults version, faults length


def _org_key(org_id: str) -> int:
    """A stable nonzero 64-bit key: Python's hash() differs between processes started with their own seed."""
    key = int.from_bytes(hashlib.blake2b(org_id.encode(), digest_size=8).digest(), "little", signed=True)
    return key or 1


class SharedState:
    """Made once in the parent before forking; every worker then calls `stats(index)` and `limiter(...)`."""

    def __init__(self, workers: int, operations: Iterable[str], faults: Iterable[str]) -> None:
        self.workers = workers
        names = ["total", "tokens", *(f"op:{o}" for o in operations), *(f"fault:{f}" for f in faults)]
        names += [f"status:{s}" for s in _STATUSES]
        self.index = {name: i for i, name in enumerate(names)}
        self.width = len(names)
        self._tables = _HEADER.size + _FAULTS_BYTES
        self._counters = self._tables + len(_ENDPOINTS) * _BUCKET_SLOTS * _SLOT.size
        self._baseline = self._counters + workers * self.width * 8
        self.memory = mmap.mmap(-1, self._baseline + self.width * 8)
        self.lock = multiprocessing.get_context("fork").Lock()
        self.words = memoryview(self.memory)[:_HEADER.size].cast("q")  # the header, read on every request
        self.counters = memoryview(self.memory)[self._counters:self._baseline].cast("q")
        self.baseline = memoryview(self.memory)[self._baseline:].cast("q")

    # Admin state: resets and faults.
    def header(self) -> tuple[int, int, int]:
        return _HEADER.unpack_from(self.memory, 0)

    def publish_faults(self, specs: list[str]) -> None:
        data = orjson.dumps(specs)
        if len(data) > _FAULTS_BYTES:
            raise ValueError(f"fault specs over {_FAULTS_BYTES} bytes")
        with self.lock:
            generation, version, _ = self.header()
            self.memory[_HEADER.size:_HEADER.size + len(data)] = data
            _HEADER.pack_into(self.memory, 0, generation, version + 1, len(data))

    def faults(self) -> list[str]:
        with self.lock:
            _, _, length = self.header()
            return list(orjson.loads(self.memory[_HEADER.size:_HEADER.size + length]))

    def reset(self) -> None:
        """Zero every bucket and the stats (as seen through `snapshot`), and tell the workers to reseed."""
        with self.lock:
            start = self._tables
            self.memory[start:self._counters] = bytes(self._counters - start)
            sums = self._sums()
            for i, value in enumerate(sums):
                self.baseline[i] = value
            generation, version, length = self.header()
            _HEADER.pack_into(self.memory, 0, generation + 1, version, length)

    def _sums(self) -> list[int]:
        width, counters = self.width, self.counters
        return [sum(counters[w * width + i] for w in range(self.workers)) for i in range(width)]

    # Stats.
    def stats(self, worker: int) -> SharedStats:
        return SharedStats(self, worker)

    def snapshot(self) -> StatsSnapshot:
        sums = self._sums()
        counts = {name: sums[i] - self.baseline[i] for name, i in self.index.items()}
        return {
            "total": counts["total"],
            "by_operation": {n[3:]: c for n, c in counts.items() if n.startswith("op:") and c},
            "by_status": {n[7:]: c for n, c in counts.items() if n.startswith("status:") and c},
            "faults": {n[6:]: c for n, c in counts.items() if n.startswith("fault:") and c},
        }

    def tokens_issued(self) -> int:
        i = self.index["tokens"]
        return sum(self.counters[w * self.width + i] for w in range(self.workers)) - self.baseline[i]

    # Rate limits.
    def limiter(self, endpoint: str, capacity: int, clock: Callable[[], float]) -> SharedRateLimiter:
        table = self._tables + _ENDPOINTS.index(endpoint) * _BUCKET_SLOTS * _SLOT.size
        return SharedRateLimiter(self, table, capacity, clock)


class SharedStats:
    """`stats.Stats`' interface over one worker's row of counters (indexes computed once: this is the hot path)."""

    __slots__ = ("_base", "_faults", "_operations", "_row", "_shared", "_statuses", "_tokens")

    def __init__(self, shared: SharedState, worker: int) -> None:
        self._shared = shared
        self._row = shared.counters
        base = self._base = worker * shared.width
        at = {name: base + i for name, i in shared.index.items()}
        self._operations = {name[3:]: i for name, i in at.items() if name.startswith("op:")}
        self._faults = {name[6:]: i for name, i in at.items() if name.startswith("fault:")}
        self._statuses = {int(name[7:]): i for name, i in at.items() if name.startswith("status:")}
        self._tokens = at["tokens"]

    @property
    def total(self) -> int:
        return self._row[self._base]

    @total.setter
    def total(self, value: int) -> None:  # `stats.total += 1` on the hot path: only this worker writes its row
        self._row[self._base] = value

    def operation(self, label: str) -> None:
        at = self._operations.get(label)
        if at is not None:
            self._row[at] += 1

    def status(self, status: int) -> None:
        at = self._statuses.get(status)
        if at is not None:
            self._row[at] += 1

    def fault(self, name: str) -> None:
        at = self._faults.get(name)
        if at is not None:
            self._row[at] += 1

    def token(self) -> None:
        self._row[self._tokens] += 1

    def reset(self) -> None:
        self._shared.reset()

    def snapshot(self) -> StatsSnapshot:
        return self._shared.snapshot()


class SharedRateLimiter(RateLimiter):
    """`RateLimiter` whose buckets live in the shared table (open addressing by org key), updated under the lock.

    A slot is three 8-byte words read through two views of the table: `keys` (int64) and `values` (float64), at
    word 3i (key), 3i+1 (tokens) and 3i+2 (last refill time).
    """

    __slots__ = ("_cache", "_keys", "_lock", "_shared", "_values")

    def __init__(self, shared: SharedState, table: int, capacity: int, clock: Callable[[], float]) -> None:
        super().__init__(capacity, clock)
        self._shared = shared
        self._lock = shared.lock
        words = memoryview(shared.memory)[table:table + _BUCKET_SLOTS * _SLOT.size]
        self._keys = words.cast("q")
        self._values = words.cast("d")
        self._cache: dict[str, tuple[int, int]] = {}  # org -> (word index of its slot, its key)

    def reset(self) -> None:
        self._shared.reset()

    def _slot(self, org_id: str) -> tuple[int, int] | None:
        """The org's slot and key, claiming a free slot the first time (or after a reset emptied it)."""
        keys = self._keys
        key = _org_key(org_id)
        start = key % _BUCKET_SLOTS
        for probe in range(_BUCKET_SLOTS):
            word = ((start + probe) % _BUCKET_SLOTS) * 3
            found = keys[word]
            if found == 0:
                keys[word] = key
                self._values[word + 1] = float(self.capacity)
                self._values[word + 2] = self._clock()
            if found in (0, key):
                self._cache[org_id] = (word, key)
                return word, key
        return None

    def admit(self, org_id: str, units: int) -> Admission:
        capacity = self.capacity
        if capacity <= 0:
            return super().admit(org_id, units)
        values = self._values
        lock = self._lock
        lock.acquire()  # not `with`: the context manager costs four times the acquire and release (211 against 52 ns)
        try:
            slot = self._cache.get(org_id)
            if slot is None or self._keys[slot[0]] != slot[1]:
                slot = self._slot(org_id)
                if slot is None:  # the table is full: more orgs than any test or load run uses
                    return Admission(True, capacity, 0)
            word = slot[0]
            now = self._clock()
            # The same arithmetic as RateLimiter.admit, on the shared slot.
            tokens = values[word + 1] + (now - values[word + 2]) * capacity
            if tokens > capacity:
                tokens = float(capacity)
            need = units if units < capacity else capacity
            allowed = tokens >= need
            if allowed:
                tokens -= need
            values[word + 1] = tokens
            values[word + 2] = now
        finally:
            lock.release()
        if allowed:
            return Admission(True, int(tokens), 0)
        return Admission(False, int(tokens), max(1, math.ceil((need - tokens) / capacity)))
