"""Load shapes for Locust: thin `LoadTestShape`s over the maths of `loadtests._shape_math`.

A shape moves a level: the user count, or, when a global target rate is set (`--target-rps`), the request rate,
while the user count stays at `--users` (the pool that sends it). The rate itself is followed by each process's
schedule (loadtests._pacing.GlobalRate) from the same profile (loadtests._run_settings), so a step or a ramp in the
rate is exact rather than updated once a second by `tick()`.

Locust runs every shape class a locustfile holds (https://docs.locust.io/en/stable/custom-load-shape.html): the default
locustfile holds `ConfiguredShape`, which picks the shape named by `--shape`; a locustfile of one's own may import one
named shape instead. Each follows Locust's own `--users`, `--spawn-rate` and `--run-time` (`use_common_options`) as
parsed once into the process's settings (loadtests._run_settings), and ends the run on time rather than on its next
one-second tick, so that the run lasts what was asked.
"""

from __future__ import annotations

import contextlib
import time
from typing import ClassVar

import gevent
from locust import LoadTestShape

from loadtests._process_state import process_state


class EdgeShape(LoadTestShape):
    """A shape named by `shape_name` (None: the one `--shape` names)."""

    abstract = True
    use_common_options = True
    shape_name: ClassVar[str | None] = None
    completed = False  # set once the shape ended the run on its own (not interrupted)

    def reset_time(self) -> None:
        """Locust calls this as a shape run starts, before the first tick: the web UI's form may have changed the
        options, so the settings are parsed again here if (and only if) it did (loadtests._run_settings)."""
        super().reset_time()  # type: ignore[no-untyped-call]
        environment = self.runner.environment if self.runner is not None else None
        if environment is not None:
            # A bad value: the start listener parses them too, says why in one line and stops the run.
            with contextlib.suppress(ValueError):
                process_state(environment).refresh_settings()


    def tick(self) -> tuple[int, float] | None:
        # Reads the typed settings only: nothing is parsed here, once a second.
        environment = self.runner.environment if self.runner is not None else None
        state = process_state(environment) if environment is not None else None
        if state is None:
            return None
        settings = state.settings
        profile = settings.level_profile
        # Seconds since this run's load started (on a master: since its last worker started, loadtests._listeners).
        now = time.time() - state.start_at if state.start_at else (
            time.perf_counter() - self.start_time)  # what get_run_time() returns (untyped in Locust)
        if profile.end is not None:
            remaining = profile.end - now
            if remaining < 1.0:  # Locust ticks once a second: end on time, not up to a second late
                gevent.sleep(max(0.0, remaining))
                self.completed = True
                return None
        if settings.rate_mode:
            return settings.users, settings.spawn_rate
        return round(profile.level_at(now)), settings.spawn_rate


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
