"""The thin LoadTestShapes over shape_math, and the profile each run follows."""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace
from typing import Any

import pytest

from loadtests.options import LoadOptions
from loadtests.process_state import process_state
from loadtests.shapes import ConfiguredShape, EdgeShape, RampShape, StepShape, rate_profile, shape_profile


class FakeEnvironment:
    def __init__(self, parsed: argparse.Namespace) -> None:
        self.parsed_options = parsed
        self.shape_class = None


def _shape(kind: type[EdgeShape], elapsed: float, **parsed: Any) -> EdgeShape:
    defaults: dict[str, Any] = {"num_users": 40, "spawn_rate": 8.0, "run_time": 60}
    environment = FakeEnvironment(argparse.Namespace(**{**defaults, **parsed}))
    shape = kind()
    shape.runner = SimpleNamespace(environment=environment)  # type: ignore[assignment]
    process_state(environment).start_at = time.time() - elapsed
    return shape


def test_configured_shape_follows_the_shape_named_by_the_option() -> None:
    assert _shape(ConfiguredShape, 5.0, shape="ramp", ramp_up="10s").tick() == (20, 8.0)
    assert _shape(ConfiguredShape, 5.0).tick() == (40, 8.0)  # constant


def test_named_shape_class_overrides_the_option() -> None:
    assert _shape(StepShape, 12.0, shape="ramp", steps=4, step_time="10s").tick() == (20, 8.0)


def test_shape_holds_the_user_pool_while_the_rate_moves() -> None:
    # With a target rate the level is requests/s (the schedule follows it); the users stay at --users.
    assert _shape(RampShape, 2.0, target_rps=500.0, ramp_up="10s").tick() == (40, 8.0)


def test_shape_ends_the_run_on_time() -> None:
    shape = _shape(ConfiguredShape, 59.95)
    started = time.monotonic()
    assert shape.tick() is None
    assert 0.03 <= time.monotonic() - started < 0.5  # slept the last 50 ms, not a whole tick
    assert shape.completed is True


def test_rate_profile_only_in_the_global_rate_mode() -> None:
    assert rate_profile(LoadOptions(), "constant", 30) is None
    profile = rate_profile(LoadOptions(target_rps=200.0), "spike", 30)
    assert profile is not None
    assert (profile.level_at(5), profile.level_at(12), profile.total(30)) == (200, 600, 200 * 30 + 400 * 5)


def test_shape_profile_uses_explicit_stages_and_names_a_missing_one() -> None:
    profile = shape_profile("constant", LoadOptions(stages="5s:10,5s:10"), 99, run_time=None)
    assert (profile.end, profile.level_at(2.5)) == (10.0, 5.0)
    with pytest.raises(ValueError, match="--shape stages needs --stages"):
        shape_profile("stages", LoadOptions(), 99, run_time=None)
