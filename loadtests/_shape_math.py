"""Load shapes as plain maths: a piecewise-linear level over time, its integral and the integral's inverse.

A level is a user count, or a request rate when a global target rate is set. Stages follow k6's
`stages`: each moves linearly from the previous level to its own over its duration; a zero duration is a jump.
After the last stage the level holds until `end`, and is 0 from `end` on. The global-rate scheduler places request
number n at `time_of(n)`, the moment the integral of the rate reaches n, so a ramp or a step is followed exactly,
however far ahead a user claims its slot. Nothing here sleeps or reads a clock: tests feed plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Stage:
    duration: float  # seconds; 0 jumps straight to `level`
    level: float  # the level reached at the end of the stage


@dataclass(frozen=True, slots=True)
class _Segment:
    start: float
    stop: float  # math.inf for the final hold without an end
    level0: float
    level1: float
    area_before: float  # integral of the level from 0 to `start`

    def level_at(self, t: float) -> float:
        if self.level0 == self.level1 or math.isinf(self.stop):
            return self.level0
        return self.level0 + (self.level1 - self.level0) * (t - self.start) / (self.stop - self.start)

    def area_to(self, t: float) -> float:
        """Integral of the level over [start, t] (t within the segment): a trapezoid."""
        dt = t - self.start
        return 0.0 if dt <= 0 else dt * (self.level0 + self.level_at(t)) / 2.0


class LoadProfile:
    """A level over time: `stages` from `start`, then the last level held until `end` (None: forever)."""

    def __init__(self, stages: Sequence[Stage], *, start: float = 0.0, end: float | None = None) -> None:
        for stage in stages:
            if stage.duration < 0 or stage.level < 0 or not math.isfinite(stage.duration + stage.level):
                raise ValueError(f"a stage needs a duration and a level of 0 or more, got {stage}")
        self.stages = tuple(stages)
        self.end = end
        segments: list[_Segment] = []
        t, level, area = 0.0, start, 0.0
        for stage in stages:
            if stage.duration > 0:
                segment = _Segment(t, t + stage.duration, level, stage.level, area)
                segments.append(segment)
                area += segment.area_to(segment.stop)
                t = segment.stop
            level = stage.level
        segments.append(_Segment(t, math.inf, level, level, area))
        if end is not None:
            segments = _cut(segments, end)
        self._segments = segments

    def level_at(self, t: float) -> float:
        """The level at `t` seconds (0 before 0 and from `end` on)."""
        if t < 0 or (self.end is not None and t >= self.end):
            return 0.0
        return self._segment_at(t).level_at(t)

    def total(self, t: float) -> float:
        """The integral of the level from 0 to `t`: requests due by `t` when the level is a rate."""
        if t <= 0:
            return 0.0
        if self.end is not None:
            t = min(t, self.end)
        segment = self._segment_at(t)
        return segment.area_before + segment.area_to(t)

    def time_of(self, n: float) -> float:
        """The first time the integral reaches `n` (0 for n <= 0); math.inf if it never does."""
        if n <= 0:
            return 0.0
        for segment in self._segments:
            area = segment.area_to(segment.stop) if math.isfinite(segment.stop) else math.inf
            if segment.level0 == 0 and segment.level1 == 0:
                continue
            if segment.area_before + area >= n:
                return segment.start + _solve(segment, n - segment.area_before)
        return math.inf

    def _segment_at(self, t: float) -> _Segment:
        for segment in self._segments:
            if t < segment.stop:
                return segment
        return self._segments[-1]


def _solve(segment: _Segment, m: float) -> float:
    """τ with r0·τ + (r1 - r0)/(2D)·τ² = m, the rationalised root (stable for a ≈ 0 and for falling ramps)."""
    r0, r1 = segment.level0, segment.level1
    if r0 == r1 or math.isinf(segment.stop):
        return m / r0
    a = (r1 - r0) / (2.0 * (segment.stop - segment.start))
    return 2.0 * m / (r0 + math.sqrt(max(0.0, r0 * r0 + 4.0 * a * m)))


def _cut(segments: list[_Segment], end: float) -> list[_Segment]:
    kept: list[_Segment] = []
    for segment in segments:
        if segment.start >= end:
            break
        if segment.stop > end:
            segment = _Segment(segment.start, end, segment.level0, segment.level_at(end), segment.area_before)
        kept.append(segment)
    if not kept:  # end == 0: nothing at all
        kept.append(_Segment(0.0, 0.0, 0.0, 0.0, 0.0))
    return kept


# --- the named shapes: each a list of stages (ramp, step, spike, soak) ---------------------------------

def constant(level: float, run_time: float | None) -> LoadProfile:
    return LoadProfile([Stage(0, level)], end=run_time)


def ramp(level: float, ramp_up: float, run_time: float | None, ramp_down: float = 0.0) -> LoadProfile:
    """0 -> level over `ramp_up`, hold, and back to 0 over the last `ramp_down` seconds of `run_time`."""
    if run_time is None or ramp_down <= 0:
        return LoadProfile([Stage(ramp_up, level)], end=run_time)
    hold = max(0.0, run_time - ramp_up - ramp_down)
    return LoadProfile([Stage(ramp_up, level), Stage(hold, level), Stage(ramp_down, 0.0)], end=run_time)


def soak(level: float, ramp_up: float, run_time: float | None, ramp_down: float | None = None) -> LoadProfile:
    """A long hold between a ramp up and a ramp down (the ramp-down defaults to the ramp-up)."""
    return ramp(level, ramp_up, run_time, ramp_up if ramp_down is None else ramp_down)


def step(level: float, steps: int, step_time: float, run_time: float | None) -> LoadProfile:
    """`steps` equal jumps up to `level`, each held `step_time`, then the top held."""
    stages: list[Stage] = []
    for k in range(1, steps + 1):
        stages += [Stage(0, level * k / steps), Stage(step_time, level * k / steps)]
    return LoadProfile(stages, end=run_time)


def spike(level: float, factor: float, at: float, duration: float, run_time: float | None) -> LoadProfile:
    """`level`, jumping to `level * factor` at `at` for `duration`, then back to `level`."""
    peak = level * factor
    stages = [Stage(0, level), Stage(at, level), Stage(0, peak), Stage(duration, peak), Stage(0, level)]
    return LoadProfile(stages, end=run_time)


def staged(stages: Sequence[Stage], run_time: float | None) -> LoadProfile:
    """Explicit stages, ending with the last one (k6's semantics) or at `run_time` if that comes first."""
    total = sum(stage.duration for stage in stages)
    return LoadProfile(stages, end=total if run_time is None else min(total, run_time))


# --- the registry: `--shape NAME` looks its builder up here; a new shape is one entry ----------------------------

class ShapeOptions(Protocol):
    """The options a shape reads (loadtests._options.LoadOptions has them all)."""

    @property
    def stages(self) -> tuple[Stage, ...]: ...
    @property
    def ramp_up(self) -> float: ...
    @property
    def ramp_down(self) -> float | None: ...
    @property
    def steps(self) -> int: ...
    @property
    def step_time(self) -> float: ...
    @property
    def spike_factor(self) -> float: ...
    @property
    def spike_at(self) -> float: ...
    @property
    def spike_duration(self) -> float: ...


# A shape builds its profile around `level` (users, or requests/s with a target rate) for a run of `run_time` s.
ShapeBuilder = Callable[[ShapeOptions, float, "float | None"], LoadProfile]


def _constant(options: ShapeOptions, level: float, run_time: float | None) -> LoadProfile:
    # --stages with the default shape means the stages (k6's habit: stages alone describe the load).
    return staged(options.stages, run_time) if options.stages else constant(level, run_time)


def _stages(options: ShapeOptions, level: float, run_time: float | None) -> LoadProfile:
    if not options.stages:
        raise ValueError("--shape stages needs --stages, e.g. --stages 10s:100,30s:100,10s:0")
    return staged(options.stages, run_time)


SHAPES: dict[str, ShapeBuilder] = {
    "constant": _constant,
    "ramp": lambda o, level, run_time: ramp(level, o.ramp_up, run_time, o.ramp_down or 0.0),
    "step": lambda o, level, run_time: step(level, o.steps, o.step_time, run_time),
    "spike": lambda o, level, run_time: spike(level, o.spike_factor, o.spike_at, o.spike_duration, run_time),
    "soak": lambda o, level, run_time: soak(level, o.ramp_up, run_time, o.ramp_down),
    "stages": _stages,
}
SHAPE_NAMES = tuple(SHAPES)


def build_shape(name: str, options: ShapeOptions, level: float, run_time: float | None) -> LoadProfile:
    """The profile of shape `name`; ValueError (one line) for an unknown name or options it cannot use."""
    builder = SHAPES.get(name)
    if builder is None:
        raise ValueError(f"--shape: unknown shape {name!r}; choose from {', '.join(SHAPE_NAMES)}")
    return builder(options, level, run_time)


def peak_level(profile: LoadProfile) -> float:
    """The highest level a profile reaches."""
    return max((stage.level for stage in profile.stages), default=0.0)
