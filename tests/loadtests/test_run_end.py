"""The end of a run: the rate a relative rps gate compares with, and whether the run was interrupted."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from loadtests._measurements import Measurements
from loadtests._options import LoadOptions
from loadtests._process_state import ProcessState
from loadtests._run_end import _interrupted, rate_target
from loadtests._run_settings import RunSettings

STARTED = 1_700_000_000.0


class _Shape:
    shape_name = None
    completed = True


class _Environment:
    runner = None

    def __init__(self, run_time: float) -> None:
        self.parsed_options = SimpleNamespace(run_time=run_time)
        self.shape_class = _Shape()


def _state(environment: _Environment, **options: object) -> ProcessState:
    load = replace(LoadOptions(), **options)
    settings = RunSettings(load=load, run_time=environment.parsed_options.run_time, shape=load.shape)
    return ProcessState(environment, settings)


def _summary(seconds: float, warmup: float | None = None):
    m = Measurements(STARTED, warmup_until=STARTED + warmup if warmup else None)
    m.record("POST /ee/v2/interact", 1000, None, STARTED + seconds / 2)
    return m.summary(STARTED + seconds)


def test_rate_target_of_a_constant_shape_is_the_target_rate() -> None:
    environment = _Environment(10.0)
    state = _state(environment, target_rps=200.0)
    assert rate_target(environment, state, _summary(10.0, warmup=2.0)) == pytest.approx(200.0)


def test_rate_target_of_a_ramp_is_its_mean_over_the_measured_period() -> None:
    # 100/s reached linearly over 10 s, then held to 20 s: 500 + 1000 requests scheduled in 20 s.
    environment = _Environment(20.0)
    state = _state(environment, target_rps=100.0, shape="ramp", ramp_up=10.0)
    environment.shape_class.shape_name = "ramp"
    assert rate_target(environment, state, _summary(20.0)) == pytest.approx(75.0)
    # After a 10 s warm-up only the held part is measured.
    assert rate_target(environment, state, _summary(20.0, warmup=10.0)) == pytest.approx(100.0)


def test_rate_target_of_a_closed_model_run_is_none() -> None:
    environment = _Environment(10.0)
    assert rate_target(environment, _state(environment), _summary(10.0)) is None


def test_interrupted_by_a_signal_or_a_lost_worker_but_not_by_an_abort_gate() -> None:
    environment = _Environment(10.0)
    state = _state(environment)
    state.measurements = Measurements(STARTED)
    state.measurements.finish(STARTED + 10.0)
    assert _interrupted(environment, state) is None
    state.interrupted_by = "SIGINT"
    assert _interrupted(environment, state) == "stopped by SIGINT"
    state.interrupted_by = None
    state.stop_reason = "aborted early: gate 'violations==0!abort' failed"
    assert _interrupted(environment, state) is None
    state.incidents.append("lost worker-1 mid-run")
    assert _interrupted(environment, state) == "lost worker-1 mid-run"
