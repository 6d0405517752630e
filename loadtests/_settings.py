"""The settings of `edgeload run`: defaults, then a TOML config file, then command-line flags.

The config file (`--config FILE`, or `edgeload.toml` in the current folder when present) holds a `[run]` table
whose keys are the long flags without dashes, in either spelling (`target-rps` or `target_rps`):

    [run]
    users = 20
    target-rps = 200
    run-time = "1m"
    shape = "ramp"
    gates = ["p95<50ms", "error_rate<1%", "rps>=95%"]
    emulator-args = ["--fault=latency,dist=lognormal,median_ms=2,sigma=0.5"]

Flags win over the file; `--gate` flags replace the file's gates. Every value is checked here, before anything
starts, so a bad one costs one clear line and exit code 2 rather than a half-started run.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from loadtests._baseline import resolve as resolve_baseline
from loadtests._gates import GateError, describe_defaults
from loadtests._options import OPTIONS, add_run_options
from loadtests._run_settings import RunSettings, parse
from targets import DEFAULT_CONFIG, read_config

# `edgeload run` with no options: a steady, unsaturated run that passes against the emulator. The open model
# (a target rate) by default: a closed model flat out measures the generator's own limit, not the target's.
RUN_DEFAULTS: dict[str, Any] = {"users": 10, "run_time": "30s", "target_rps": 100.0, "report_dir": "reports",
                                "console": "progress"}
_RUN_KEYS = ("target", "users", "spawn_rate", "run_time", "workers", "emulator_args", "config")


class SettingsError(ValueError):
    """A setting that cannot be used; str() is one line naming it and how to fix it."""


@dataclass(frozen=True, kw_only=True)
class RunCommand(RunSettings):
    """`edgeload run`: the run's settings, parsed as its Locust process parses them (loadtests._run_settings), and
    what the command does around Locust."""

    run_time: float = 30.0  # seconds: a run of `edgeload run` always has one
    target: str | None = None  # None: start the embedded emulator
    workers: int = 0  # Locust worker processes on this machine; 0 = one process
    emulator_args: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # OPTIONS dest -> value, passed on to Locust
    config_file: str | None = None
    explicit: frozenset[str] = frozenset()  # settings given by a flag or the config file, not by a default
    web: bool = False  # Locust's web UI instead of a headless run
    web_port: int = 0  # 0: a free port, printed once the UI listens
    console: str = "progress"  # a progress line, Locust's tables (--verbose) or the summary only (--quiet)


EXAMPLES = """examples:
  edgeload run                                    10 users holding 100 req/s for 30 s against the embedded emulator
  edgeload run -u 50 -t 2m --target-rps 500 --gate 'p95<50ms'
  edgeload run -H http://127.0.0.1:8080 --shape ramp --ramp-up 20s -t 1m --quiet

The target rate holds whatever the user count: more users add capacity, not load (--target-rps 0 for a closed
model, users sending flat out). Exit 0 PASS, 1 FAIL, 2 COULD NOT RUN, 3 NOT TRUSTWORTHY, 4 INTERRUPTED."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edgeload run", usage="edgeload run [options]",
        description="Headless load test of the Edge Network interact endpoint, every response judged by the "
                    "contract, gates evaluated, reports written to REPORT_DIR/RUN_ID/. The verdict and its exit "
                    "code: 0 PASS, 1 FAIL (a gate failed), 2 COULD NOT RUN, 3 NOT TRUSTWORTHY (the trust gate "
                    "failed), 4 INTERRUPTED (Ctrl-C, SIGTERM, a dead child). "
                    f"{describe_defaults().capitalize()}. Unset options fall back to the [run] table of --config, "
                    "then to the defaults shown.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Locust's own short options where they mean the same (https://docs.locust.io/en/stable/configuration.html);
    # -H/--host is Locust's name for the target, accepted as an alias.
    parser.add_argument("-H", "--target", "--host", dest="target", metavar="URL",
                        help="base URL of the target (default: start the embedded emulator)")
    parser.add_argument("-u", "--users", type=int, metavar="N",
                        help=f"simulated users (default {RUN_DEFAULTS['users']})")
    parser.add_argument("-r", "--spawn-rate", type=float, metavar="N",
                        help="users started per second (default: all within 1 s)")
    parser.add_argument("-t", "--run-time", metavar="DURATION",
                        help=f"how long the load runs, e.g. 30s, 2m (default {RUN_DEFAULTS['run_time']})")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="Locust worker processes on this machine (default 0: one process); each uses one core")
    parser.add_argument("--emulator-arg", action="append", dest="emulator_args", metavar="ARG",
                        help="argument for the embedded emulator, repeatable, e.g. --emulator-arg=--fault=stall:0.01 "
                             "(default: none)")
    parser.add_argument("--config", metavar="FILE",
                        help=f"TOML file with a [run] table (default: ./{DEFAULT_CONFIG} if present)")
    parser.add_argument("--web", action="store_true", default=None,
                        help="start Locust's web UI on 127.0.0.1 instead of a headless run: our options are fields of "
                             "its start form, gates and violations are shown live in the edgeload tab; each run "
                             "started there writes its reports; Ctrl-C ends")
    parser.add_argument("--web-port", type=int, metavar="PORT",
                        help="port of the web UI (default 0: a free one, printed)")
    console = parser.add_mutually_exclusive_group()
    console.add_argument("-v", "--verbose", action="store_const", const="tables", dest="console",
                         help="print Locust's own periodic statistics tables and log lines instead of the progress "
                              "line")
    console.add_argument("-q", "--quiet", action="store_const", const="quiet", dest="console",
                         help="print the summary only (default: a progress line on stderr, at most once a second)")
    add_run_options(parser, RUN_DEFAULTS)
    return parser


def _config(path: str | None) -> tuple[dict[str, Any], str | None]:
    if path is None:
        if not Path(DEFAULT_CONFIG).is_file():
            return {}, None
        path = DEFAULT_CONFIG
    document = read_config(path, "--config: ", SettingsError)
    table = document.get("run", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [run] must be a table of settings")
    known = set(_RUN_KEYS) | {option.dest for option in OPTIONS} | {"gates"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        dest = key.replace("-", "_")
        if dest not in known or dest in ("config", "verdict_file"):
            raise SettingsError(f"{path}: unknown key {key!r} in [run]; known keys: "
                                f"{', '.join(sorted(k.replace('_', '-') for k in known - {'config', 'verdict_file'}))}")
        values["gate" if dest == "gates" else dest] = value
    return values, path


def load(argv: Sequence[str]) -> RunCommand:
    """Parse flags, read the config file, check every value; raises SettingsError (one line) on a bad one."""
    flags = {key: value for key, value in vars(build_parser().parse_args(list(argv))).items() if value is not None}
    file_values, config_file = _config(flags.pop("config", None))
    values = {**RUN_DEFAULTS, **file_values, **flags}
    for key in ("gate", "emulator_args"):
        if key in values and isinstance(values[key], str):
            values[key] = [values[key]]
        if key in values and not (isinstance(values[key], list) and all(isinstance(v, str) for v in values[key])):
            raise SettingsError(f"{key.replace('_', '-')} must be a list of strings")
    target = values.get("target") or None
    users = _int(values, "users", 1)
    emulator_args = tuple(values.get("emulator_args") or ())
    if target is not None and emulator_args:
        raise SettingsError("--emulator-arg only applies to the embedded emulator; drop it or drop --target")
    if target is not None and not str(target).startswith(("http://", "https://")):
        raise SettingsError(f"--target {target!r} is not an http:// or https:// URL")
    options = {option.dest: values[option.dest] for option in OPTIONS if values.get(option.dest) is not None}
    try:  # the one parse of the run's settings, as the Locust process will parse them (loadtests._run_settings)
        run = parse(argparse.Namespace(**options, num_users=users, spawn_rate=values.get("spawn_rate") or users,
                                       run_time=str(values["run_time"])))
        load_options, run_time = run.load, run.run_time or 0.0
        if load_options.baseline:  # a missing baseline is one line now, not a failed gate after the run
            resolve_baseline(load_options.baseline, load_options.report_dir or "reports")
    except (ValueError, GateError) as error:
        raise SettingsError(str(error)) from None
    if run_time <= 0:
        raise SettingsError("--run-time must be more than 0, e.g. 30s")
    if run_time != int(run_time):  # Locust's --run-time takes whole seconds: 1.5s would stop it at start-up
        raise SettingsError(f"--run-time must be a whole number of seconds, e.g. {max(1, round(run_time))}s")
    parsed = {item.name: getattr(run, item.name) for item in fields(RunSettings)}
    return RunCommand(
        **{**parsed, "run_time": run_time}, target=str(target).rstrip("/") if target else None,
        workers=_int(values, "workers", 0, default=0), emulator_args=emulator_args, options=options,
        config_file=config_file, explicit=frozenset({*file_values, *flags}),
        web=bool(flags.get("web")), web_port=_int(values, "web_port", 0, default=0), console=load_options.console,
    )


def _int(values: dict[str, Any], key: str, minimum: int, default: int | None = None) -> int:
    value = values.get(key, default)
    flag = "--" + key.replace("_", "-")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SettingsError(f"{flag} must be a whole number of {minimum} or more")
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{flag}: {value!r} is not a whole number") from None
    if number < minimum:
        raise SettingsError(f"{flag} must be {minimum} or more, got {number}")
    return number
