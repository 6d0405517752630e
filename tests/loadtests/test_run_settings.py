"""The run's settings, parsed once per process into typed values (loadtests._run_settings)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import gevent
import locust
import pytest
from locust.argument_parser import get_parser
from locust.env import Environment

from emulator._server import RunningEmulator
from loadtests import _listeners as listeners  # noqa: F401  (listeners: our options on Locust's parser, our events)
from loadtests import _run_settings as run_settings
from loadtests._options import LoadOptions
from loadtests._process_state import process_state
from loadtests._run import locust_command
from loadtests._run_settings import Fingerprint, RunSettings, parse, rate_profile, shape_profile
from loadtests._settings import SettingsError, load
from loadtests._shape_math import Stage
from loadtests._shapes import ConfiguredShape
from loadtests._users import ServerForwarder

ROOT = Path(__file__).resolve().parents[2]


def _locust(*argv: str) -> RunSettings:
    """What a Locust process parses: its own command line, then our one parse of it."""
    return parse(get_parser().parse_args(["--headless", *argv]))


def test_parse_reads_locust_options_into_typed_settings() -> None:
    settings = _locust("-u", "40", "-r", "8", "-t", "1m", "--target-rps", "200", "--shape", "ramp", "--ramp-up",
                       "20s", "--persona-weights", "forwarder=1,visitor=0,collector=0", "--mix", "page-view=3",
                       "--stages", "5s:10,5s:20", "--header", "X-A: 1", "--datastream-id", "ds-1")
    assert (settings.users, settings.spawn_rate, settings.run_time, settings.shape) == (40, 8.0, 60.0, "ramp")
    assert (settings.load.target_rps, settings.load.ramp_up, settings.load.stages) == (
        200.0, 20.0, (Stage(5, 10), Stage(5, 20)))
    assert dict(settings.load.persona_weights or {}) == {"forwarder": 1.0, "visitor": 0.0, "collector": 0.0}
    assert dict(settings.load.mix or {}) == {"page-view": 3.0}
    assert (settings.load.target.headers, settings.load.target.datastream_id) == (("X-A: 1",), "ds-1")


def test_parse_takes_the_shape_of_a_named_shape_class_over_the_option() -> None:
    namespace = get_parser().parse_args(["--shape", "ramp"])
    assert (parse(namespace).shape, parse(namespace, "step").shape) == ("ramp", "step")


def test_parse_leaves_the_target_profile_flags_unset_when_not_given() -> None:
    target = _locust().load.target
    assert (target.profile, target.datastream_id, target.auth, target.location_hint) == (None, None, None, None)


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--mix", "page-view"], "--mix: 'page-view' is not NAME=WEIGHT", id="mix"),
    pytest.param(["--shape", "stages"], "--shape stages needs --stages", id="stages"),
    pytest.param(["--stages", "10s"], "--stages: '10s' is not DURATION:LEVEL", id="stage"),
    pytest.param(["--ramp-up", "soon"], "--ramp-up: 'soon' is not a duration", id="duration"),
    pytest.param(["--persona-weights", "robot=1"], "--persona-weights: unknown name 'robot'", id="persona"),
])
def test_edgeload_run_and_locust_refuse_a_bad_value_with_the_same_line(argv: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as in_locust:
        _locust(*argv)
    with pytest.raises(SettingsError) as in_run:
        load(argv)
    assert str(in_run.value) == str(in_locust.value)


def test_edgeload_run_hands_its_parsed_settings_to_locust_unchanged(tmp_path: Path) -> None:
    settings = load(["-u", "7", "-t", "2m", "--target-rps", "50", "--shape", "spike", "--stages", "1s:5",
                     "--mix", "page-view=1", "--header", "X-A: 1", "--seed", "9"])
    assert isinstance(settings, RunSettings)
    assert (settings.users, settings.spawn_rate, settings.run_time, settings.shape) == (7, 7.0, 120.0, "spike")
    command = locust_command(settings, "http://127.0.0.1:1", tmp_path, "r1", tmp_path / "verdict")
    assert command[1:3] == ["-m", "locust"]
    in_locust = parse(get_parser().parse_args(command[3:]))
    handed = {"report_dir": str(tmp_path), "run_id": "r1", "verdict_file": str(tmp_path / "verdict")}
    assert in_locust.load == replace(settings.load, **handed)
    assert (in_locust.users, in_locust.spawn_rate, in_locust.run_time, in_locust.shape) == (7, 7.0, 120.0, "spike")


def test_level_profile_follows_users_or_the_target_rate() -> None:
    closed = RunSettings(users=30, run_time=10.0, shape="ramp", load=LoadOptions(ramp_up=10.0))
    open_model = RunSettings(users=30, run_time=10.0, load=LoadOptions(target_rps=200.0))
    assert (closed.level_profile.level_at(5), open_model.level_profile.level_at(5)) == (15.0, 200.0)
    assert (closed.rate_mode, open_model.rate_mode) == (False, True)


def test_fingerprint_changes_with_the_options_the_host_and_the_shape_class() -> None:
    class Environment:
        def __init__(self) -> None:
            self.parsed_options = argparse.Namespace(num_users=3, header=["X-A: 1"])
            self.host: str | None = "http://127.0.0.1:1"
            self.shape_class: Any = None

    environment = Environment()
    first = Fingerprint.of(environment)
    assert Fingerprint.of(environment) == first
    environment.parsed_options.header.append("X-B: 2")  # a list changed in place counts too
    assert Fingerprint.of(environment) != first
    second = Fingerprint.of(environment)
    environment.host = "http://127.0.0.1:2"
    assert Fingerprint.of(environment) != second
    third = Fingerprint.of(environment)
    environment.shape_class = object()
    assert Fingerprint.of(environment) != third


def test_rate_profile_only_in_the_global_rate_mode() -> None:
    assert rate_profile(LoadOptions(), "constant", 30) is None
    profile = rate_profile(LoadOptions(target_rps=200.0), "spike", 30)
    assert profile is not None
    assert (profile.level_at(5), profile.level_at(12), profile.total(30)) == (200, 600, 200 * 30 + 400 * 5)


def test_shape_profile_uses_explicit_stages_and_names_a_missing_one() -> None:
    profile = shape_profile("constant", LoadOptions(stages=(Stage(5, 10), Stage(5, 10))), 99, run_time=None)
    assert (profile.end, profile.level_at(2.5)) == (10.0, 5.0)
    with pytest.raises(ValueError, match="--shape stages needs --stages"):
        shape_profile("stages", LoadOptions(), 99, run_time=None)


@pytest.mark.slow
def test_a_whole_run_in_one_process_parses_its_settings_once(
        emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Init, the shape's ticks, the users, the start and stop listeners and the reports: one parse in all."""
    parsed: list[object] = []
    parse_once, from_namespace = run_settings.parse, LoadOptions.from_namespace
    monkeypatch.setattr(run_settings, "parse", lambda *args: parsed.append(args) or parse_once(*args))
    monkeypatch.setattr(LoadOptions, "from_namespace",
                        classmethod(lambda cls, namespace: parsed.append(namespace) or from_namespace(namespace)))
    options = get_parser().parse_args(["-u", "2", "-r", "2", "--target-rps", "40", "--shape", "step", "--steps", "2",
                                       "--step-time", "1s", "--report-dir", str(tmp_path), "--run-id", "once"])
    options.run_time = 3  # Locust's main turns --run-time into seconds before its init event
    environment = Environment(user_classes=[ServerForwarder], shape_class=ConfiguredShape(), events=locust.events,
                              host=emulator.url, parsed_options=options)
    runner = environment.create_local_runner()
    environment.events.init.fire(environment=environment, runner=runner, web_ui=None)
    runner.start_shape()
    deadline = time.monotonic() + 30.0
    while not process_state(environment).finished and time.monotonic() < deadline:
        gevent.sleep(0.05)
    runner.quit()
    assert len(parsed) == 2  # run_settings.parse once, LoadOptions.from_namespace once inside it
    summary = json.loads((tmp_path / "once" / "summary.json").read_text(encoding="utf-8"))
    assert summary["settings"]["shape"] == "step"
    assert summary["settings"]["users"] == 2
    # 20 requests/s for 1 s, then 40/s for 2 s: 100 slots scheduled (a constant 40/s would be 120), the steps
    # followed from the typed settings; how many were sent on time depends on the machine, not on the settings.
    assert 98 <= summary["slots"]["scheduled"] <= 100
    assert summary["total_requests"] > 0


@pytest.mark.slow
def test_a_headless_locust_run_parses_its_settings_once(emulator: RunningEmulator, tmp_path: Path) -> None:
    """Through Locust's own main, which writes its headless defaults (--users, --spawn-rate) into its namespace
    after init: those are no change of the settings."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.loadtests.parse_counter", "--headless", "--host", emulator.url, "-t", "2s",
         "--target-rps", "20", "--shape", "step", "--steps", "2", "--step-time", "1s", "--report-dir",
         str(tmp_path), "--run-id", "once", "--only-summary", "--console", "quiet", "--no-default-gates"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.stderr.splitlines()[-1] == "parses: 1", done.stderr[-2000:]
    summary = json.loads((tmp_path / "once" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["settings"]["users"], summary["settings"]["spawn_rate"]) == (1, 1.0)  # Locust's defaults
    assert summary["slots"]["scheduled"] in (29, 30)  # 10/s for 1 s, then 20/s for 1 s (constant: 40)
