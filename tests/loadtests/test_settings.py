"""`edgeload run` settings: defaults, then the TOML config, then flags; every value checked up front."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests._run import locust_command, locust_web_command
from loadtests._settings import SettingsError, load


def test_load_without_anything_gives_an_unsaturated_steady_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no edgeload.toml here
    settings = load([])
    assert (settings.target, settings.users, settings.run_time, settings.workers) == (None, 10, 30.0, 0)
    assert settings.load.target_rps == 100.0
    assert settings.spawn_rate == 10.0
    assert settings.config_file is None


def test_load_reads_the_config_and_flags_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("edgeload.toml").write_text(
        '[run]\nusers = 25\ntarget-rps = 300\nrun_time = "1m"\nshape = "ramp"\ngates = ["p95<50ms"]\n'
        'emulator-args = ["--fault=stall:0.01"]\n', encoding="utf-8")
    settings = load(["--users", "40", "--gate", "p99<80ms", "--gate", "error_rate<1%"])
    assert settings.config_file == "edgeload.toml"
    assert (settings.users, settings.run_time, settings.load.shape) == (40, 60.0, "ramp")
    assert settings.load.target_rps == 300.0
    # Flags replace the file's gates.
    assert [gate.text for gate in settings.load.gates] == ["p99<80ms", "error_rate<1%"]
    assert settings.emulator_args == ("--fault=stall:0.01",)


@pytest.mark.parametrize(
    ("config", "argv", "message"),
    [
        pytest.param("", ["--run-time", "0s"], "--run-time must be more than 0", id="zero-run-time"),
        pytest.param("", ["--run-time", "1500ms"], "--run-time must be a whole number of seconds, e.g. 2s",
                     id="fractional-run-time"),  # Locust's --run-time takes whole seconds
        pytest.param("", ["--users", "0"], "--users must be 1 or more, got 0", id="no-users"),
        pytest.param("", ["--target", "localhost:8080"], "is not an http:// or https:// URL", id="target-scheme"),
        pytest.param("", ["--target", "http://127.0.0.1:1", "--emulator-arg=--fault=stall"],
                     "--emulator-arg only applies to the embedded emulator", id="emulator-arg-with-target"),
        pytest.param("", ["--gate", "rps>=95%", "--target-rps", "0"], "no --target-rps is set", id="relative-rps"),
        pytest.param("[run]\nspeed = 3\n", [], r"unknown key 'speed' in \[run\]", id="unknown-key"),
        pytest.param("[run\n", [], "is not a readable TOML file", id="bad-toml"),
        pytest.param('[run]\ngates = "p95<1ms"\nusers = "many"\n', [], "--users: 'many' is not a whole number",
                     id="users-text"),
    ],
)
def test_load_names_a_bad_setting_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if config:
        Path("edgeload.toml").write_text(config, encoding="utf-8")
    with pytest.raises(SettingsError, match=message) as caught:
        load(argv)
    assert "\n" not in str(caught.value)


def test_load_names_a_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"--config: .*nowhere.toml does not exist"):
        load(["--config", str(tmp_path / "nowhere.toml")])


def test_locust_command_gives_locust_a_stop_timeout_in_whole_seconds(tmp_path: Path) -> None:
    command = locust_command(load(["--request-timeout", "0.5"]), "http://127.0.0.1:1", tmp_path, "r", tmp_path / "v")
    assert command[command.index("--stop-timeout") + 1] == "2"  # "1.5" made Locust refuse to start


def test_load_takes_locusts_short_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(["-u", "5", "-r", "2.5", "-t", "7s", "-H", "http://127.0.0.1:9/"])
    assert (settings.users, settings.spawn_rate, settings.run_time, settings.target) == (
        5, 2.5, 7.0, "http://127.0.0.1:9")


def test_load_takes_locusts_host_as_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(["--host", "http://127.0.0.1:9"]).target == "http://127.0.0.1:9"


@pytest.mark.parametrize(("argv", "console"), [([], "progress"), (["--verbose"], "tables"), (["-v"], "tables"),
                                               (["--quiet"], "quiet"), (["-q"], "quiet")])
def test_load_console_is_a_progress_line_unless_verbose_or_quiet(
    argv: list[str], console: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(argv).console == console


def test_load_refuses_an_unknown_console_in_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("edgeload.toml").write_text('[run]\nconsole = "loud"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="console: 'loud' is not one of progress, tables, quiet"):
        load([])


@pytest.mark.parametrize(("argv", "console", "quiet_locust"), [
    ([], "progress", True), (["-v"], "tables", False), (["-q"], "quiet", True)])
def test_locust_command_silences_locusts_tables_unless_verbose(
    argv: list[str], console: str, quiet_locust: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = locust_command(load(argv), "http://127.0.0.1:1", tmp_path, "r", tmp_path / "v")
    assert command[command.index("--console") + 1] == console
    assert ("--only-summary" in command) == quiet_locust
    assert (command[command.index("--loglevel") + 1] == "WARNING") if quiet_locust else "--loglevel" not in command


@pytest.mark.parametrize(("argv", "quiet_locust"), [([], True), (["--verbose"], False)])
def test_locust_web_command_keeps_locusts_info_lines_for_verbose_only(
    argv: list[str], quiet_locust: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Locust logs "Starting web interface at http://127.0.0.1:0" (the port it was asked for, not the one it got);
    # edgeload prints the real address itself (loadtests._web_ui).
    monkeypatch.chdir(tmp_path)
    command = locust_web_command(load(["--web", *argv]), "http://127.0.0.1:1", tmp_path)
    assert ("--loglevel" in command) == quiet_locust
    if quiet_locust:
        assert command[command.index("--loglevel") + 1] == "WARNING"
