"""The units a gate metric's threshold is written in: how a VALUE of the gate grammar is read, and how a value of
that unit is shown in the console, the reports and the web UI tab (loadtests._gate_metrics names one per metric).

Each unit reads the number and the unit text the grammar matched (`200` and `ms` in `p95<200ms`) into the
threshold in the unit gates compare in: milliseconds for latency, a fraction for rates and shares, requests/s,
counts, percent. A reading it cannot take raises ValueError naming the problem and the fix in one line, which
loadtests._gates prefixes with the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

LATENCY_SCALES = {"ms": 1.0, "s": 1000.0, "us": 0.001, "µs": 0.001, "": 1.0}


class Unit(Protocol):
    """How one kind of threshold is read and shown."""

    @property
    def suffix(self) -> str:
        """After a number in a windowed gate's limit: " ms", "/s"."""
        ...

    @property
    def needs_target(self) -> bool:
        """A relative threshold is a share of --target-rps: the run must set one."""
        ...

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        """(threshold, relative) of `METRIC OP NUMBER UNIT`; relative: a share of something the run knows."""
        ...

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        """(margin, relative) of `METRIC OP baseline+NUMBER UNIT`; relative: a share of the baseline's value."""
        ...

    def format(self, value: float, relative: bool) -> str:
        """A measured value or a threshold, e.g. '183.204 ms', '0.5%', '800/s'."""
        ...

    def limit(self, value: float, relative: bool) -> str:
        """A threshold as the tables show it after the operator."""
        ...

    def margin_text(self, size: float, relative: bool) -> str:
        """A baseline margin without its sign: '10%', '5 ms'."""
        ...


def percent(value: float) -> str:
    """A fraction as a percentage with two decimals, whole ones bare: 0.005 -> '0.5%', 0.01 -> '1%'."""
    return f"{100 * value:.2f}%".replace(".00%", "%")


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds, written with ms, s or us (ms when bare); a baseline margin in % or ms."""

    suffix: str = " ms"
    needs_target: bool = False

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit not in LATENCY_SCALES:
            raise ValueError(f"unit {unit!r} is not a latency unit; use ms, s or us "
                            f"(e.g. {metric}<200ms)")
        return number * LATENCY_SCALES[unit], False

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        if unit == "%":
            return number / 100.0, True
        if unit not in LATENCY_SCALES:
            raise ValueError(f"margin unit {unit!r} unknown; use % or ms (e.g. {metric}<=baseline+10%)")
        return number * LATENCY_SCALES[unit], False

    def format(self, value: float, relative: bool) -> str:
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"

    def limit(self, value: float, relative: bool) -> str:
        return f"{value:g} ms"  # as written, not padded: "< 200 ms"

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{100 * size:g}%" if relative else f"{size:g} ms"


@dataclass(frozen=True, slots=True)
class Fraction:
    """A share of the requests, written as a percentage or a fraction; a baseline margin in percentage points."""

    suffix: str = "%"
    needs_target: bool = False

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit not in ("%", ""):
            raise ValueError(f"{metric} takes a percentage or a fraction (e.g. {metric}<1%)")
        threshold = number / 100.0 if unit == "%" else number
        if threshold > 1.0:
            raise ValueError(f"an error rate above 100% can never be measured; write e.g. {metric}<1%")
        return threshold, False

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        if unit not in ("%", ""):
            raise ValueError(f"{metric}'s margin is in percentage points "
                            f"(e.g. {metric}<=baseline+0.5%)")
        return (number / 100.0 if unit == "%" else number), False  # points, not a share of the baseline

    def format(self, value: float, relative: bool) -> str:
        return percent(value)

    def limit(self, value: float, relative: bool) -> str:
        return percent(value)

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{100 * size:g}%"


@dataclass(frozen=True, slots=True)
class Rate:
    """Requests/s, or a percentage of --target-rps for the whole run; a baseline margin in % of its rate."""

    suffix: str = "/s"
    needs_target: bool = True

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit not in ("%", "", "/s", "rps"):
            raise ValueError(f"{metric} takes a percentage of --target-rps or a rate "
                            f"(e.g. {metric}>=95%, {metric}>=800)")
        relative = unit == "%"
        if relative and scope is not None:
            raise ValueError(f"a percentage compares the whole run with --target-rps; for one operation "
                            f"give an absolute rate (e.g. '{scope}: {metric}>=400')")
        return (number / 100.0 if relative else number), relative

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        if unit != "%":
            raise ValueError(f"{metric}'s margin is a percentage of the baseline's rate "
                            f"(e.g. {metric}>=baseline-5%)")
        return number / 100.0, True

    def format(self, value: float, relative: bool) -> str:
        return percent(value) if relative else f"{value:g}/s"

    def limit(self, value: float, relative: bool) -> str:
        return self.format(value, relative)

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{100 * size:g}%"


@dataclass(frozen=True, slots=True)
class ShareOrCount:
    """A percentage of a whole the run counts (relative), or a plain count."""

    example: str  # e.g. "late<=1%, late==0"
    of: str  # what the percentage is of, e.g. "the scheduled requests"
    suffix: str = ""
    needs_target: bool = False

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit not in ("%", ""):
            raise ValueError(f"{metric} takes a percentage of {self.of} or a count (e.g. {self.example})")
        relative = unit == "%"
        return (number / 100.0 if relative else number), relative

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        raise ValueError(f"{metric} cannot be compared with a baseline")

    def format(self, value: float, relative: bool) -> str:
        return percent(value) if relative else f"{value:.0f}"

    def limit(self, value: float, relative: bool) -> str:
        return self.format(value, relative)

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{100 * size:g}%" if relative else f"{size:g}"


@dataclass(frozen=True, slots=True)
class Count:
    """A whole count with no unit."""

    suffix: str = ""
    needs_target: bool = False

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit or not number.is_integer():
            raise ValueError(f"{metric} is a whole count with no unit (e.g. {metric}==0)")
        return number, False

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        raise ValueError(f"{metric} cannot be compared with a baseline")

    def format(self, value: float, relative: bool) -> str:
        return f"{value:.0f}"

    def limit(self, value: float, relative: bool) -> str:
        return self.format(value, relative)

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{size:g}"


@dataclass(frozen=True, slots=True)
class Percent:
    """A percentage kept as written (percent, not a fraction), e.g. of one core."""

    of: str  # what it is a percentage of, with an example: "of one core (e.g. cpu<90%)"
    suffix: str = "%"
    needs_target: bool = False

    def threshold(self, metric: str, number: float, unit: str, scope: str | None) -> tuple[float, bool]:
        if unit not in ("%", ""):
            raise ValueError(f"{metric} is a percentage {self.of}")
        return number, False

    def margin(self, metric: str, number: float, unit: str) -> tuple[float, bool]:
        raise ValueError(f"{metric} cannot be compared with a baseline")

    def format(self, value: float, relative: bool) -> str:
        return f"{value:g}%"

    def limit(self, value: float, relative: bool) -> str:
        return self.format(value, relative)

    def margin_text(self, size: float, relative: bool) -> str:
        return f"{size:g}%"
