"""The thin LoadTestShapes over shape_math, and the profile each run follows."""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace
from typing import Any

import pytest

from loadtests import _run_settings as run_settings
from loadtests._options import LoadOptions
from loadtests._process_state import process_state
from loadtests._shapes import ConfiguredShape, EdgeShape, RampShape, StepShape


class FakeEnvironment:
    def __init__(self, parsed: argparse.Namespace) -> None:
        self.parsed_options = parsed
        self.shape_class: EdgeShape | None = None
        self.host = None


def _shape(kind: type[EdgeShape], elapsed: float, **parsed: Any) -> EdgeShape:
    defaults: dict[str, Any] = {"num_users": 40, "spawn_rate": 8.0, "run_time": 60}
    environment = FakeEnvironment(argparse.Namespace(**{**defaults, **parsed}))
    shape = kind()
    shape.runner = SimpleNamespace(environment=environment)  # type: ignore[assignment]
    environment.shape_class = shape
    state = process_state(environment)
    state.refresh_settings()  # what the init listener does: the one parse
    state.start_at = time.time() - elapsed
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


def test_shape_tick_parses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    shape = _shape(ConfiguredShape, 12.0, shape="step", steps=4, step_time="10s")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the settings were parsed again after init")

    monkeypatch.setattr(LoadOptions, "from_namespace", refuse)
    monkeypatch.setattr(run_settings, "parse", refuse)
    assert [shape.tick() for _ in range(3)] == [(20, 8.0)] * 3


def test_shape_start_parses_again_only_when_the_web_ui_changed_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    shape = _shape(ConfiguredShape, 5.0)
    calls: list[object] = []
    parse = run_settings.parse
    monkeypatch.setattr(run_settings, "parse", lambda *args: calls.append(args) or parse(*args))
    shape.reset_time()  # a headless start: the options are those parsed at init
    assert calls == []
    environment = shape.runner.environment  # type: ignore[union-attr]
    environment.parsed_options.num_users = 10  # the web UI's start form
    shape.reset_time()
    assert len(calls) == 1
    assert shape.tick() == (10, 8.0)
