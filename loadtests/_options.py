"""Our command-line options, one table shared by Locust's parser and `edgeload run`.

Locust forwards custom options from the master to its workers and shows them in the web UI when `include_in_web_ui` is
set (https://github.com/locustio/locust/blob/master/examples/add_command_line_argument.py); `edgeload run` passes the
same flags on to the Locust process it starts, so one table keeps the two spellings from drifting. Durations stay
strings ("30s") in Locust's namespace because the web UI keeps a field's type from its default and has no duration type;
`LoadOptions` parses them.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contract_runner import DEFAULT_MAX_RESPONSE_BYTES
from emulator import DEFAULT_DATASTREAM_ID
from loadtests import _gate_metrics as gate_metrics
from loadtests._gates import Gate, option_gates
from loadtests._personas import PERSONAS, default_weights
from loadtests._shape_math import SHAPE_NAMES, Stage
from targets import Overrides

CONSOLES = ("progress", "tables", "quiet")  # what a headless run's console shows while it goes on


@dataclass(frozen=True, slots=True)
class CustomOption:
    flag: str
    help: str
    default: str | int | float | bool
    web_ui: bool = True
    repeat: bool = False
    choices: tuple[str, ...] | None = None
    native: bool = False  # Locust has this option (and its web UI field) itself: not registered on its parser
    # Locust's web UI labels a field "Name (help)" on one line and cuts it at the field's width: a long
    # help gets a short form for Locust's parser; `edgeload run --help` keeps the long one.
    ui_help: str = ""

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


OPTIONS: tuple[CustomOption, ...] = (
    CustomOption("--datastream-id", "datastream id sent as ?datastreamId= (default: the target profile's; the "
                 "emulator profile's is the emulator's default datastream)", "",
                 ui_help="?datastreamId= sent; empty: the target profile's"),
    # The target profile (targets._profiles): secrets never appear here, only in environment variables.
    # Locust's own --profile ("group the test runs") and its web UI's Profile field name the target profile.
    CustomOption("--profile", "target profile: emulator, adobe-server, adobe-edge or [profiles.NAME] of edgeload.toml "
                 "(default: $EDGELOAD_PROFILE, else emulator); URL, datastream, auth and headers", "", web_ui=False,
                 native=True),
    CustomOption("--auth", "authentication: none, bearer or oauth; secrets come only from environment variables "
                 "(default: the profile's)", "", ui_help="none, bearer or oauth; secrets only from the environment"),
    CustomOption("--location-hint", "put /ee/HINT/ in request paths, e.g. or2 (default: the profile's)", ""),
    CustomOption("--header", "extra request header 'Name: value', repeatable (default: none)", "", web_ui=False,
                 repeat=True),
    CustomOption("--insecure", "do not verify TLS certificates of the target (prints a warning)", False),
    CustomOption("--target-rps", "global target rate in requests/s, held whatever the user count and split across "
                 "workers; 0 = closed model, users send as fast as they can", 0.0,
                 ui_help="requests/s held by all users together; 0: users send flat out"),
    CustomOption("--user-rps", "per-user pacing in requests/s (clocks spread, never in lock-step); 0 = no pacing",
                 0.0),
    CustomOption("--max-rps", "ceiling on the request rate, checked against the shape's peak; without --target-rps "
                 "the run holds it. A non-local target needs --target-rps or --max-rps", 0.0,
                 ui_help="ceiling on the shape's peak rate; a non-local target needs one"),
    CustomOption("--shape", "load shape over the level (users, or requests/s with --target-rps)", "constant",
                 choices=SHAPE_NAMES, ui_help="over the users, or over the target rate when one is set"),
    CustomOption("--stages", "explicit stages DURATION:LEVEL,... each moving linearly to LEVEL (0s = a jump), "
                 "e.g. 10s:100,30s:100,10s:0; replaces the constant shape", "",
                 ui_help="DURATION:LEVEL,... e.g. 10s:100,30s:100,10s:0"),
    CustomOption("--ramp-up", "ramp and soak shapes: time to reach the level", "10s"),
    CustomOption("--ramp-down", "ramp and soak shapes: time to fall back to 0 at the end (default: 0 for ramp, "
                 "the ramp-up time for soak)", "", ui_help="ramp and soak shapes: time to fall back to 0"),
    CustomOption("--steps", "step shape: number of equal steps up to the level", 4),
    CustomOption("--step-time", "step shape: how long each step holds", "10s"),
    CustomOption("--spike-factor", "spike shape: peak level as a multiple of the level", 3.0),
    CustomOption("--spike-at", "spike shape: when the spike starts", "10s"),
    CustomOption("--spike-duration", "spike shape: how long the spike lasts", "5s"),
    CustomOption("--persona-weights", "relative weights of the personas " + ", ".join(
                     f"{persona.name} ({persona.sends})" for persona in PERSONAS.values()) + "; 0 leaves one out",
                 default_weights(), ui_help=", ".join(PERSONAS) + "; 0 leaves one out"),
    CustomOption("--mix", "event mix for the generators, NAME=WEIGHT,... (empty: the generators' default)", "",
                 ui_help="NAME=WEIGHT,... e.g. page-view=70,link-click=20,purchase=10"),
    CustomOption("--batch-size", "events per v2 collect request (collector persona)", 10),
    CustomOption("--seed", "base seed of the generated traffic; each worker derives its own", 1),
    CustomOption("--warmup", "leading period excluded from the gates (violations still count)", "0s"),
    CustomOption("--request-timeout", "seconds before a request counts as a timeout", 10.0),
    CustomOption("--max-response-bytes", "read at most this much of a response body; a larger one is not read "
                 "further and counts as response_too_large", DEFAULT_MAX_RESPONSE_BYTES,
                 ui_help="a larger response body counts as response_too_large"),
    CustomOption("--requests", "end the run once this many requests were measured, warm-up included, however long "
                 "that takes (--run-time stays a ceiling); 0: run for --run-time", 0,
                 ui_help="end the run after this many requests; 0: run for the run time"),
    CustomOption("--respect-retry-after", "users wait for Retry-After on 429/503 before their next request", False),
    # The metrics and their units come from their registry (loadtests._gate_metrics).
    CustomOption("--gate", "pass/fail gate [OPERATION:] METRIC OP VALUE [over DURATION] [!abort[=GRACE] [after "
                 "DURATION]], repeatable, e.g. 'p95<200ms', 'error_rate<1%', 'rps>=95%'; OP is one of < <= > >= ==; "
                 f"METRIC is one of {'; '.join(gate_metrics.grammar())}; "
                 "VALUE may be baseline[+|-MARGIN] with --baseline (default: the default gates; one on the same "
                 "metric replaces its default)",
                 "", web_ui=False, repeat=True),
    # The web UI has no repeatable text field (a list option becomes a multi-select of fixed choices): its gates
    # are one text, added to any --gate. No percent sign in the help: the UI shows it as argparse's '%%'.
    CustomOption("--gates", f"METRIC OP VALUE; ... METRIC: {gate_metrics.short_names()}", ""),
    CustomOption("--no-default-gates", "drop the default gates (violations==0, error_rate<1%, late<=1%, cpu<90%, "
                 "trust<=100%, and rps>=95% with --target-rps): only the --gate ones judge the run", False,
                 ui_help="only the gates above judge the run"),
    CustomOption("--baseline", "the run that `baseline` in a gate means: latest-pass, a run id of the report "
                 "folder's history, or a summary.json, run folder or history.jsonl (e.g. p95<=baseline+10%)", "",
                 web_ui=False),
    CustomOption("--report-dir", "folder receiving one report folder per run (empty: no edgeload reports)",
                 "reports"),
    CustomOption("--run-id", "name of this run's report folder (default: a timestamp)", ""),
    CustomOption("--verdict-file", "write 'pass' or 'fail' here once reports are written (used by edgeload run)",
                 "", web_ui=False),
    # Set by `edgeload run` from --verbose / --quiet; plain `locust` keeps its own tables (loadtests._progress).
    CustomOption("--console", "headless console: progress (one line a second), tables (Locust's) or quiet",
                 "tables", web_ui=False, choices=CONSOLES),
)


def add_locust_options(parser: Any) -> None:
    """Register OPTIONS on Locust's parser (a LocustArgumentParser: `include_in_web_ui` is its keyword)."""
    for option in OPTIONS:
        if option.native:
            continue
        # argparse %-formats help texts ('error_rate<1%' would crash --help): escape the percent signs.
        kwargs: dict[str, Any] = {"help": (option.ui_help or option.help).replace("%", "%%"), "dest": option.dest,
                                  "include_in_web_ui": option.web_ui}
        if option.repeat:
            # A list default would make the web UI cast form values to int (locust/web.py): keep lists out of it.
            kwargs.update(action="append", default=[])
        elif isinstance(option.default, bool):
            kwargs.update(action="store_true", default=option.default)
        else:
            kwargs.update(type=type(option.default), default=option.default)
            if option.choices:
                kwargs["choices"] = list(option.choices)
        parser.add_argument(option.flag, **kwargs)


# Not flags of `edgeload run`: --verdict-file is internal between it and its Locust process; --gates is the web
# UI's spelling of --gate (edgeload run has --gate and its config file's `gates` list); --console is set by
# edgeload run's --verbose and --quiet.
LOCUST_ONLY = ("--verdict-file", "--gates", "--console")


def add_run_options(parser: argparse.ArgumentParser, run_defaults: Mapping[str, object] | None = None) -> None:
    """The same options for `edgeload run`, with no defaults: unset flags fall back to the config file.

    The help shows each default (`run_defaults` first: `edgeload run` holds 100 req/s where Locust's default is 0).
    """
    for option in OPTIONS:
        if option.flag in LOCUST_ONLY:
            continue
        kwargs: dict[str, Any] = {"help": _with_default(option, run_defaults or {}).replace("%", "%%"),
                                  "dest": option.dest, "default": None}
        if not isinstance(option.default, bool) and not option.choices:
            kwargs["metavar"] = _metavar(option)
        if option.repeat:
            kwargs["action"] = "append"
        elif isinstance(option.default, bool):
            # A flag already spelled as a negation gets no --no-no- twin.
            kwargs["action"] = "store_true" if option.flag.startswith("--no-") else argparse.BooleanOptionalAction
        else:
            kwargs["type"] = type(option.default)
            if option.choices:
                kwargs["choices"] = list(option.choices)
        parser.add_argument(option.flag, **kwargs)


def _metavar(option: CustomOption) -> str:
    if isinstance(option.default, int | float):
        return "N"
    return "DURATION" if option.default.endswith("s") and option.default[:-1].isdigit() else option.dest.upper()


def _with_default(option: CustomOption, run_defaults: Mapping[str, object]) -> str:
    if "default" in option.help or option.repeat:
        return option.help
    default = run_defaults.get(option.dest, option.default)
    if isinstance(default, bool):
        return option.help  # a switch: off unless given
    shown = "empty" if default == "" else f"{default:g}" if isinstance(default, float) else str(default)
    return f"{option.help} (default {shown})"


def option_argv(values: Mapping[str, object]) -> list[str]:
    """Locust command-line flags for the given option values (dest -> value); None values are left out."""
    argv: list[str] = []
    for option in OPTIONS:
        value = values.get(option.dest)
        if value is None:
            continue
        if option.repeat:
            assert isinstance(value, list | tuple)
            for item in value:
                argv += [option.flag, str(item)]
        elif isinstance(option.default, bool):
            if value:
                argv.append(option.flag)
        else:
            argv += [option.flag, str(value)]
    return argv


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)")


def parse_duration(text: str, flag: str) -> float:
    """'30s', '1m30s', '500ms', '2h' or a plain number of seconds -> seconds; ValueError names the flag."""
    cleaned = text.strip().lower()
    try:
        return _non_negative(float(cleaned), flag)
    except ValueError:
        pass
    parts = _DURATION_PART.findall(cleaned)
    if not cleaned or "".join(number + unit for number, unit in parts) != cleaned:
        raise ValueError(f"{flag}: {text!r} is not a duration; write e.g. 30s, 1m30s, 500ms or 2h")
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return sum(float(number) * scale[unit] for number, unit in parts)


def parse_weights(text: str, flag: str, allowed: tuple[str, ...] | None = None) -> dict[str, float]:
    """'a=3,b=1' -> {'a': 3.0, 'b': 1.0}; ValueError names the flag and the bad item."""
    weights: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        name = name.strip()
        try:
            weight = float(value) if sep else float("nan")
        except ValueError:
            weight = float("nan")
        if not name or not weight >= 0:
            raise ValueError(f"{flag}: {item!r} is not NAME=WEIGHT with a weight of 0 or more")
        if allowed is not None and name not in allowed:
            raise ValueError(f"{flag}: unknown name {name!r}; choose from {', '.join(allowed)}")
        weights[name] = weight
    return weights


def parse_stages(text: str, flag: str = "--stages") -> tuple[Stage, ...]:
    """'10s:100,30s:100,10s:0' -> stages; ValueError names the flag and the bad item."""
    stages: list[Stage] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        duration, sep, level = item.partition(":")
        try:
            value = float(level) if sep else float("nan")
        except ValueError:
            value = float("nan")
        if not value >= 0:
            raise ValueError(f"{flag}: {item!r} is not DURATION:LEVEL with a level of 0 or more, e.g. 30s:100")
        stages.append(Stage(parse_duration(duration, flag), value))
    if not stages and text.strip():
        raise ValueError(f"{flag}: {text!r} holds no stage; write e.g. 10s:100,30s:100,10s:0")
    return tuple(stages)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """The parsed, typed view of OPTIONS that users, shapes and listeners read."""

    datastream_id: str = DEFAULT_DATASTREAM_ID
    target_rps: float = 0.0
    user_rps: float = 0.0
    max_rps: float = 0.0
    # The target profile flags (--profile, --datastream-id, --auth, --location-hint, --header, --insecure) as
    # targets._profiles resolves them; the host is Locust's, set on the environment.
    target: Overrides = field(default_factory=Overrides)
    shape: str = "constant"
    stages: tuple[Stage, ...] = ()
    ramp_up: float = 10.0
    ramp_down: float | None = None
    steps: int = 4
    step_time: float = 10.0
    spike_factor: float = 3.0
    spike_at: float = 10.0
    spike_duration: float = 5.0
    persona_weights: Mapping[str, float] | None = None
    mix: Mapping[str, float] | None = None
    batch_size: int = 10
    seed: int = 1
    warmup: float = 0.0
    request_timeout: float = 10.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    requests: int = 0
    respect_retry_after: bool = False
    gates: tuple[Gate, ...] = ()  # the run's own gates, parsed once here; loadtests._gates.run_gates adds defaults
    no_default_gates: bool = False
    baseline: str = ""  # loadtests._baseline: what baseline gates compare with
    report_dir: str = "reports"
    run_id: str = ""
    verdict_file: str = ""
    console: str = "tables"

    @classmethod
    def from_namespace(cls, namespace: argparse.Namespace | None) -> LoadOptions:
        """Read Locust's parsed options; missing ones (a locustfile run without our parser) take the defaults.

        Raises `ValueError` with a one-line message naming the option on a bad value.
        """
        values: dict[str, Any] = {option.dest: option.default for option in OPTIONS}
        values["gate"] = []
        values["header"] = []
        if namespace is not None:
            values.update({key: value for key, value in vars(namespace).items() if key in values})

        def text(dest: str) -> str:
            return "" if values[dest] is None else str(values[dest])

        def number(dest: str, minimum: float = 0.0) -> float:
            flag = "--" + dest.replace("_", "-")
            try:
                value = float(values[dest])
            except (TypeError, ValueError):
                raise ValueError(f"{flag}: {values[dest]!r} is not a number") from None
            if not value >= minimum:
                raise ValueError(f"{flag} must be {minimum:g} or more, got {value:g}")
            return value

        def duration(dest: str) -> float:
            return parse_duration(text(dest), "--" + dest.replace("_", "-"))

        return cls(
            datastream_id=text("datastream_id") or DEFAULT_DATASTREAM_ID,  # the profile's, once applied
            target_rps=number("target_rps"),
            user_rps=number("user_rps"),
            max_rps=number("max_rps"),
            target=Overrides(profile=text("profile") or None, datastream_id=text("datastream_id") or None,
                             auth=text("auth") or None, location_hint=text("location_hint") or None,
                             headers=tuple(str(header) for header in values["header"] or ()),
                             insecure=bool(values["insecure"])),
            shape=text("shape"),
            stages=parse_stages(text("stages")),
            ramp_up=duration("ramp_up"),
            ramp_down=duration("ramp_down") if text("ramp_down") else None,
            steps=int(number("steps", 1)),
            step_time=duration("step_time"),
            spike_factor=number("spike_factor"),
            spike_at=duration("spike_at"),
            spike_duration=duration("spike_duration"),
            persona_weights=parse_weights(text("persona_weights"), "--persona-weights", tuple(PERSONAS)),
            mix=parse_weights(text("mix"), "--mix") or None,
            batch_size=int(number("batch_size", 1)),
            seed=int(number("seed", -(2**63))),
            warmup=duration("warmup"),
            request_timeout=number("request_timeout", 0.001),
            max_response_bytes=int(number("max_response_bytes", 1)),
            requests=int(number("requests")),
            respect_retry_after=bool(values["respect_retry_after"]),
            gates=option_gates((*(str(gate) for gate in values["gate"] or ()), *split_gates(text("gates"))),
                               number("target_rps") or None, text("baseline")),
            no_default_gates=bool(values["no_default_gates"]),
            baseline=text("baseline"),
            report_dir=text("report_dir"),
            run_id=text("run_id"),
            verdict_file=text("verdict_file"),
            console=text("console"),
        )


def split_gates(text: str) -> tuple[str, ...]:
    """'p99<50ms; error_rate<0.01' -> ('p99<50ms', 'error_rate<0.01'); commas separate too (no gate holds one)."""
    return tuple(part.strip() for part in re.split(r"[;,]", text) if part.strip())


def _non_negative(value: float, flag: str) -> float:
    if not value >= 0:
        raise ValueError(f"{flag} must be 0 or more, got {value:g}")
    return value
