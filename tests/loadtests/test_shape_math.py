"""Load-shape maths with plain numbers: levels, integrals and their inverse."""

from __future__ import annotations

import math

import pytest

from loadtests import _shape_math as shape_math
from loadtests._options import LoadOptions
from loadtests._shape_math import LoadProfile, Stage


def test_profile_level_at_follows_linear_stages_then_holds() -> None:
    profile = LoadProfile([Stage(10, 100), Stage(10, 100), Stage(0, 40)])
    assert [profile.level_at(t) for t in (0, 5, 10, 19.9, 20, 1000)] == pytest.approx([0, 50, 100, 100, 40, 40])


def test_profile_level_is_zero_from_the_end_on() -> None:
    profile = shape_math.constant(80, run_time=30)
    assert (profile.level_at(29.99), profile.level_at(30), profile.level_at(-1)) == (80, 0, 0)


def test_profile_total_is_the_area_under_the_level() -> None:
    profile = LoadProfile([Stage(10, 100), Stage(10, 100)], end=30)
    # a triangle (500) then a rectangle (1000) then the hold to the end (1000)
    assert [profile.total(t) for t in (0, 10, 20, 30, 99)] == pytest.approx([0, 500, 1500, 2500, 2500])


@pytest.mark.parametrize(
    "profile",
    [
        pytest.param(shape_math.constant(50, 60), id="constant"),
        pytest.param(shape_math.ramp(200, 10, 60, ramp_down=5), id="ramp"),
        pytest.param(shape_math.step(120, 4, 5, 60), id="step"),
        pytest.param(shape_math.spike(40, 5, 10, 3, 60), id="spike"),
        pytest.param(LoadProfile([Stage(7, 0), Stage(13, 90), Stage(5, 10)], end=40), id="falling"),
    ],
)
def test_profile_time_of_inverts_total(profile: LoadProfile) -> None:
    for n in (0.5, 1, 17.25, 100, 333.3, profile.total(40) - 0.5):
        t = profile.time_of(n)
        assert profile.total(t) == pytest.approx(n, rel=1e-9, abs=1e-9)
        assert profile.total(t - 1e-6) < n  # the first time, not a later one


def test_profile_time_of_is_infinite_past_the_end() -> None:
    profile = shape_math.constant(10, run_time=3)
    assert profile.time_of(29.5) == pytest.approx(2.95)
    assert math.isinf(profile.time_of(30.5))


def test_profile_time_of_on_a_ramp_from_zero_is_the_square_root() -> None:
    profile = LoadProfile([Stage(10, 100)])  # level 10 t, total 5 t^2
    assert profile.time_of(5 * 16) == pytest.approx(4.0)


def test_ramp_holds_and_ramps_down_at_the_end_of_the_run() -> None:
    profile = shape_math.ramp(100, ramp_up=10, run_time=60, ramp_down=20)
    assert [profile.level_at(t) for t in (5, 10, 40, 50, 59.9)] == pytest.approx([50, 100, 100, 50, 0.5])


def test_soak_ramps_down_as_long_as_it_ramped_up_by_default() -> None:
    profile = shape_math.soak(60, ramp_up=30, run_time=300)
    assert [profile.level_at(t) for t in (15, 30, 270, 285)] == pytest.approx([30, 60, 60, 30])


def test_step_climbs_in_equal_steps_and_holds_the_top() -> None:
    profile = shape_math.step(100, steps=4, step_time=10, run_time=None)
    assert [profile.level_at(t) for t in (0, 9.9, 10, 25, 39.9, 500)] == pytest.approx([25, 25, 50, 75, 100, 100])


def test_spike_jumps_to_the_peak_and_back() -> None:
    profile = shape_math.spike(20, factor=3, at=10, duration=5, run_time=30)
    assert [profile.level_at(t) for t in (0, 9.9, 10, 14.9, 15, 29)] == pytest.approx([20, 20, 60, 60, 20, 20])


def test_staged_ends_with_its_last_stage_or_the_run_time() -> None:
    stages = [Stage(5, 10), Stage(5, 10)]
    assert shape_math.staged(stages, run_time=None).end == 10
    assert shape_math.staged(stages, run_time=7).end == 7


def test_profile_rejects_a_negative_stage() -> None:
    with pytest.raises(ValueError, match="duration and a level of 0 or more"):
        LoadProfile([Stage(-1, 10)])


@pytest.mark.parametrize("name", shape_math.SHAPE_NAMES)
def test_shape_registry_builds_every_named_shape_around_its_level(name: str) -> None:
    options = LoadOptions(target_rps=40, stages=(Stage(5, 10), Stage(5, 40)) if name == "stages" else ())
    profile = shape_math.build_shape(name, options, 40.0, 60.0)
    assert shape_math.peak_level(profile) == (40.0 * options.spike_factor if name == "spike" else 40.0)


def test_shape_registry_refuses_an_unknown_shape_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"^--shape: unknown shape 'wave'; choose from constant, ramp"):
        shape_math.build_shape("wave", LoadOptions(), 10.0, None)


def test_shape_registry_entry_is_all_a_new_shape_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(shape_math.SHAPES, "double", lambda o, level, end: shape_math.constant(2 * level, end))
    assert shape_math.peak_level(shape_math.build_shape("double", LoadOptions(), 10.0, None)) == 20.0
