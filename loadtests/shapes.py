"""Load shapes for Locust: thin `LoadTestShape`s over the maths of `loadtests.shape_math`.

A shape moves a level: the user count, or, when a global target rate is set (`--target-rps`), the request rate,
while the user count stays at `--users` (the pool that sends it). The rate itself is followed by each process's
schedule (loadtests.pacing.GlobalRate) from the same profile, `rate_profile()`, so a step or a ramp in the rate is
exact rather than updated once a second by `tick()`.

Locust runs every shape class a locustfile holds (https://docs.locust.io/en/stable/custom-load-shape.html): the default
locustfile holds `ConfiguredShape`, which picks the shape named by `--shape`; a locustfile of one's own may import one
named shape instead. Each reads Locust's own `--users`, `--spawn-rate` and `--run-time` (`use_common_options`), and ends
the run on time rather than on its next one-second tick, so that the run lasts what was asked.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import gevent
from locust import LoadTestShape

from loadtests import shape_math
from loadtests.options import LoadOptions, parse_stages
from loadtests.process_state import process_state
from loadtests.shape_math import Profile


def shape_profile(name: str, options: LoadOptions, level: float, run_time: float | None) -> Profile:
    """The profile of shape `name` around `level` (users or requests/s) for a run of `run_time` seconds."""
    if options.stages and name in ("constant", "stages"):
        return shape_math.staged(parse_stages(options.stages), run_time)
    if name == "stages":
        raise ValueError("--shape stages needs --stages, e.g. --stages 10s:100,30s:100,10s:0")
    if name == "ramp":
        return shape_math.ramp(level, options.ramp_up, run_time, options.ramp_down or 0.0)
    if name == "soak":
        return shape_math.soak(level, options.ramp_up, run_time, options.ramp_down)
    if name == "step":
        return shape_math.step(level, options.steps, options.step_time, run_time)
    if name == "spike":
        return shape_math.spike(level, options.spike_factor, options.spike_at, options.spike_duration, run_time)
    if name == "constant":
        return shape_math.constant(level, run_time)
    raise ValueError(f"--shape: unknown shape {name!r}; choose from {', '.join(shape_math.SHAPE_NAMES)}")


def shape_name_of(environment: Any, options: LoadOptions) -> str:
    """The shape this run follows: the named shape class in use, else `--shape` (default locustfile: constant)."""
    shape = getattr(environment, "shape_class", None)
    return getattr(shape, "shape_name", None) or options.shape if shape is not None else "constant"


def run_time_of(environment: Any) -> float | None:
    parsed = getattr(environment, "parsed_options", None)
    run_time = getattr(parsed, "run_time", None)
    return float(run_time) if run_time else None


def rate_profile(options: LoadOptions, shape_name: str, run_time: float | None) -> Profile | None:
    """The request-rate profile of a run, None without a global target rate."""
    if options.target_rps <= 0:
        return None
    return shape_profile(shape_name, options, options.target_rps, run_time)


class EdgeShape(LoadTestShape):
    """A shape named by `shape_name` (None: the one `--shape` names)."""

    abstract = True
    use_common_options = True
    shape_name: ClassVar[str | None] = None
    completed = False  # set once the shape ended the run on its own (not interrupted)

    def tick(self) -> tuple[int, float] | None:
        environment = self.runner.environment if self.runner is not None else None
        parsed = getattr(environment, "parsed_options", None)
        state = process_state(environment) if environment is not None else None
        try:  # read again only if a web UI start changed them: the gates are parsed with them
            options = state.read_options(parsed) if state is not None else LoadOptions.from_namespace(parsed)
        except ValueError:
            if state is None:
                raise
            options = state.options  # the start listener refuses the new ones, says why and stops the run
        users = int(getattr(parsed, "num_users", None) or 1)
        spawn_rate = float(getattr(parsed, "spawn_rate", None) or users)
        rate_mode = options.target_rps > 0
        name = self.shape_name or options.shape
        profile = shape_profile(name, options, options.target_rps if rate_mode else users, run_time_of(environment))
        # Seconds since this run's load started (on a master: since its last worker started, loadtests.listeners).
        now = time.time() - state.start_at if state is not None and state.start_at else (
            time.perf_counter() - self.start_time)  # what get_run_time() returns (untyped in Locust)
        if profile.end is not None:
            remaining = profile.end - now
            if remaining < 1.0:  # Locust ticks once a second: end on time, not up to a second late
                gevent.sleep(max(0.0, remaining))
                self.completed = True
                return None
        if rate_mode:
            return users, spawn_rate
        return round(profile.level_at(now)), spawn_rate


class ConfiguredShape(EdgeShape):
    """The shape `--shape` names (constant by default): the default locustfile's one shape."""


class RampShape(EdgeShape):
    shape_name = "ramp"


class StepShape(EdgeShape):
    shape_name = "step"


class SpikeShape(EdgeShape):
    shape_name = "spike"


class SoakShape(EdgeShape):
    shape_name = "soak"


class StagesShape(EdgeShape):
    shape_name = "stages"
