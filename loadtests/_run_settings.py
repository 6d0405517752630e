"""The settings of one run, parsed once per process into typed values that travel as such.

`parse` is the one function that turns command-line values into a `RunSettings`: `edgeload run` and `edgeload
worker` call it to check their options before anything starts (loadtests._settings), and each Locust process calls
it once at init on the options Locust parsed in its own process (`environment.parsed_options`, loadtests._listeners).
From then on every consumer (the users, the shape's `tick`, the listeners, the reports, the web UI tab) reads the
typed value held by the process state (`ProcessState.settings`); none of them reads our options from Locust's
namespace again. Locust changes that namespace in two places only: the web UI's start form and, on a worker, the
master's spawn message (https://docs.locust.io/en/stable/extending-locust.html#adding-custom-arguments); then, and
only then, the settings are parsed again, once per start (`Fingerprint`, `ProcessState.refresh_settings`).

No Locust import here: `edgeload run` parses with it and must stay un-patched by gevent (loadtests._run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from loadtests import _shape_math as shape_math
from loadtests._options import CONSOLES, LoadOptions, parse_duration
from loadtests._shape_math import LoadProfile

# What Locust takes for --users and --spawn-rate when they are not given; it writes them into its namespace only
# after the init event, as a headless run starts (locust/main.py, https://docs.locust.io/en/stable/configuration.html).
LOCUST_DEFAULTS: Mapping[str, int] = {"num_users": 1, "spawn_rate": 1}


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """What one run does: our options (`load`: target profile flags, rates, shape, personas, mix, gates, reports)
    and Locust's own that shape it (users, spawn rate, run time), with the shape the run follows."""

    load: LoadOptions = field(default_factory=LoadOptions)
    users: int = 1
    spawn_rate: float = 1.0
    run_time: float | None = None  # seconds; None: until stopped
    shape: str = "constant"  # the shape the run follows: a named shape class's, else --shape

    @property
    def rate_mode(self) -> bool:
        """The open model: the shape moves a global request rate and the user count stays put."""
        return self.load.target_rps > 0

    @cached_property
    def level_profile(self) -> LoadProfile:
        """The shape's level over the run: requests/s with a target rate, else the user count (built once)."""
        return shape_profile(self.shape, self.load, self.load.target_rps if self.rate_mode else self.users,
                             self.run_time)


def parse(namespace: Any, shape: str | None = None) -> RunSettings:
    """The run's settings from parsed command-line values (Locust's namespace or `edgeload run`'s); `shape`: the
    shape a named shape class follows ("constant" without a shape class), None for the one --shape names.

    Raises `ValueError` with one line naming the option and the fix.
    """
    load = LoadOptions.from_namespace(namespace)
    if load.console not in CONSOLES:
        raise ValueError(f"--console: {load.console!r} is not one of {', '.join(CONSOLES)}")
    users = _whole(_locust_value(namespace, "num_users"), "--users")
    spawn_rate = _number(_locust_value(namespace, "spawn_rate"), "--spawn-rate")
    if spawn_rate <= 0:
        raise ValueError("--spawn-rate must be more than 0")
    run_time = getattr(namespace, "run_time", None)
    seconds = (parse_duration(run_time, "--run-time") if isinstance(run_time, str) else
               _number(run_time, "--run-time")) if run_time else None
    settings = RunSettings(load=load, users=users, spawn_rate=spawn_rate, run_time=seconds,
                           shape=shape or load.shape)
    if load.stages or settings.shape != "constant":
        _ = settings.level_profile  # a shape it cannot build (stages without --stages) is one line now
    return settings


def from_environment(environment: Any) -> RunSettings:
    """The settings of a Locust process, from the options Locust parsed and the shape class it runs."""
    shape_class = getattr(environment, "shape_class", None)
    named = "constant" if shape_class is None else getattr(shape_class, "shape_name", None)
    return parse(environment.parsed_options, named)


@dataclass(frozen=True)
class Fingerprint:
    """What the settings were parsed from: Locust's namespace, the host and the shape class, by value.

    Comparing two is cheap and parses nothing: the settings are parsed again only when this changed."""

    values: Mapping[str, Any]
    host: str | None
    shape_class: int

    @classmethod
    def of(cls, environment: Any) -> Fingerprint:
        parsed = vars(environment.parsed_options) if environment.parsed_options is not None else {}
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in parsed.items()}
        values.update({key: _locust_value(environment.parsed_options, key) for key in LOCUST_DEFAULTS})
        return cls(values, environment.host, id(getattr(environment, "shape_class", None)))


def shape_profile(name: str, options: LoadOptions, level: float, run_time: float | None) -> LoadProfile:
    """The profile of shape `name` around `level` (users or requests/s) for a run of `run_time` seconds."""
    return shape_math.build_shape(name, options, level, run_time)


def rate_profile(options: LoadOptions, shape_name: str, run_time: float | None) -> LoadProfile | None:
    """The request-rate profile of a run, None without a global target rate."""
    if options.target_rps <= 0:
        return None
    return shape_profile(shape_name, options, options.target_rps, run_time)


def _locust_value(namespace: Any, key: str) -> object:
    value = getattr(namespace, key, None)
    return LOCUST_DEFAULTS[key] if value is None else value


def _number(value: object, flag: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]  # a namespace value: checked here
    except (TypeError, ValueError):
        raise ValueError(f"{flag}: {value!r} is not a number") from None
    if not number >= 0:
        raise ValueError(f"{flag} must be 0 or more, got {number:g}")
    return number


def _whole(value: object, flag: str) -> int:
    number = _number(value, flag)
    if number != int(number) or number < 1:
        raise ValueError(f"{flag} must be a whole number of 1 or more, got {number:g}")
    return int(number)
