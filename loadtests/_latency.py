"""Exact latency percentiles: an HDR histogram in microseconds.

Locust keeps whole milliseconds below 100 ms and two significant digits above, and computes its percentiles from those
buckets (https://github.com/locustio/locust/blob/master/locust/stats.py), so a true 0.6 ms p50 reads as 1 ms.
Percentiles here are exact, proven on a known distribution to within 1 %: an HDR histogram with three significant digits
is within 0.1 % of the recorded value over the whole range, costs a fixed amount of memory and merges exactly, which is
what the Locust master needs to aggregate its workers.

The minimum, maximum and sum are also kept exactly beside the histogram so `max_ms` and `mean_ms` are the
recorded values, not bucket edges; all four travel in `encode()`.
"""

from __future__ import annotations

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 120_000_000  # 120 s: longer than any sane client timeout; longer values are clamped to it
SIGNIFICANT_DIGITS = 3
_WIRE_VERSION = "hdr1"


class LatencyHistogram:
    """Latencies in microseconds, 1 µs .. 120 s, three significant digits.

    Values outside the range are clamped (0 µs to 1 µs, beyond 120 s to 120 s) and counted in `clamped`, so a
    run never loses a request from its counts.
    """

    __slots__ = ("_hist", "_max_us", "_min_us", "_sum_us", "clamped", "significant_digits")

    def __init__(self, significant_digits: int = SIGNIFICANT_DIGITS) -> None:
        self.significant_digits = significant_digits
        self._hist = HdrHistogram(LOWEST_US, HIGHEST_US, significant_digits)
        self._sum_us = 0
        self._min_us = 0
        self._max_us = 0
        self.clamped = 0

    def record_us(self, us: int) -> None:
        """Record one latency in microseconds."""
        if us < LOWEST_US or us > HIGHEST_US:
            self.clamped += 1
            us = LOWEST_US if us < LOWEST_US else HIGHEST_US
        self._hist.record_value(us)
        self._sum_us += us
        if us > self._max_us:
            self._max_us = us
        if us < self._min_us or self._min_us == 0:
            self._min_us = us

    @property
    def count(self) -> int:
        """Number of recorded latencies."""
        return int(self._hist.get_total_count())

    def percentile_ms(self, q: float) -> float:
        """The q-th percentile (q in 0..100) in milliseconds, to HDR precision; 0.0 when empty."""
        if not 0.0 <= q <= 100.0:
            raise ValueError(f"percentile {q} is outside 0..100")
        if self.count == 0:
            return 0.0
        if q >= 100.0:
            return self.max_ms
        # HDR answers with the highest value equivalent to the bucket; never report more than was recorded.
        return min(int(self._hist.get_value_at_percentile(q)), self._max_us) / 1000.0

    @property
    def mean_ms(self) -> float:
        """Exact mean of the recorded values in milliseconds; 0.0 when empty."""
        count = self.count
        return self._sum_us / count / 1000.0 if count else 0.0

    @property
    def max_ms(self) -> float:
        """Exact largest recorded value in milliseconds; 0.0 when empty."""
        return self._max_us / 1000.0

    @property
    def min_ms(self) -> float:
        """Exact smallest recorded value in milliseconds; 0.0 when empty."""
        return self._min_us / 1000.0

    def buckets_us(self) -> list[tuple[int, int]]:
        """(value, count) of every non-empty bucket, ascending; a value is its bucket's highest equivalent value,
        as percentiles read it, capped at the exact maximum (what the bootstrap of loadtests._significance redraws)."""
        return [(min(int(item.value_iterated_to), self._max_us), int(item.count_at_value_iterated_to))
                for item in self._hist.get_recorded_iterator()]

    def merge(self, other: LatencyHistogram) -> None:
        """Add every value of `other` into this histogram (exact: counts add up)."""
        if other.count == 0:
            return
        self._hist.add(other._hist)
        self._sum_us += other._sum_us
        self._max_us = max(self._max_us, other._max_us)
        self._min_us = other._min_us if self._min_us == 0 else min(self._min_us, other._min_us)
        self.clamped += other.clamped

    def encode(self) -> str:
        """A compact ASCII form (HDR V2 histoblob plus exact min/max/sum) for worker -> master transport."""
        blob = self._hist.encode()
        text = blob.decode("ascii") if isinstance(blob, bytes) else str(blob)
        fields = (_WIRE_VERSION, self.significant_digits, self._min_us, self._max_us, self._sum_us, self.clamped)
        return ":".join(str(field) for field in fields) + ":" + text

    @classmethod
    def decode(cls, text: str) -> LatencyHistogram:
        """The inverse of `encode()`; raises ValueError on text that `encode()` did not produce."""
        parts = text.split(":", 6)
        if len(parts) != 7 or parts[0] != _WIRE_VERSION:
            raise ValueError("not an encoded LatencyHistogram (expected 'hdr1:...')")
        digits, min_us, max_us, sum_us, clamped = (int(part) for part in parts[1:6])
        hist = cls(digits)
        if max_us:  # an empty histogram is rebuilt, not decoded
            hist._hist = HdrHistogram.decode(parts[6].encode("ascii"))
        hist._min_us, hist._max_us, hist._sum_us, hist.clamped = min_us, max_us, sum_us, clamped
        return hist

    def __repr__(self) -> str:
        return f"LatencyHistogram(count={self.count}, p50={self.percentile_ms(50):.3f}ms, max={self.max_ms:.3f}ms)"
