"""Our command-line options: one table for Locust's parser (and web UI) and `edgeload run`; value parsing."""

from __future__ import annotations

import argparse

import pytest
from locust.argument_parser import ui_extra_args_dict

from loadtests import _listeners as listeners  # noqa: F401  (registers our options on Locust's parser)
from loadtests._options import OPTIONS, LoadOptions, option_argv, parse_duration, parse_stages, parse_weights
from loadtests._shape_math import Stage


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30.0), ("1m30s", 90.0), ("500ms", 0.5), ("2h", 7200.0), ("45", 45.0), ("1.5m", 90.0), ("0s", 0.0)],
)
def test_parse_duration_reads_locust_style_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, "--run-time") == seconds


@pytest.mark.parametrize("text", ["soon", "", "10x", "-5", "5s10"])
def test_parse_duration_names_the_flag_on_a_bad_value(text: str) -> None:
    with pytest.raises(ValueError, match=r"^--warmup: .* is not a duration; write e\.g\. 30s"):
        parse_duration(text, "--warmup")


def test_parse_weights_reads_names_and_weights() -> None:
    assert parse_weights("forwarder=6, visitor=0,collector=1.5", "--persona-weights") == {
        "forwarder": 6.0, "visitor": 0.0, "collector": 1.5}


@pytest.mark.parametrize(("text", "message"), [("forwarder", "is not NAME=WEIGHT"), ("a=-1", "is not NAME=WEIGHT"),
                                               ("robot=1", "unknown name 'robot'")])
def test_parse_weights_names_the_bad_item(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weights(text, "--persona-weights", ("forwarder", "visitor"))


def test_parse_stages_reads_duration_level_pairs() -> None:
    assert parse_stages("10s:100, 30s:100,0s:20") == (Stage(10, 100), Stage(30, 100), Stage(0, 20))
    with pytest.raises(ValueError, match="is not DURATION:LEVEL"):
        parse_stages("10s")


def test_load_options_from_locusts_namespace_parses_every_value() -> None:
    namespace = argparse.Namespace(target_rps=250.0, ramp_up="1m", gate=["p95<20ms"], mix="page_view=1",
                                   persona_weights="forwarder=1,collector=0", num_users=5)
    options = LoadOptions.from_namespace(namespace)
    assert (options.target_rps, options.ramp_up, [gate.text for gate in options.gates]) == (250.0, 60.0, ["p95<20ms"])
    assert (options.mix, options.persona_weights) == ({"page_view": 1.0}, {"forwarder": 1.0, "collector": 0.0})
    defaults = LoadOptions.from_namespace(None)  # a locustfile run without our parser: the table's defaults
    assert (defaults.target_rps, defaults.shape) == (0.0, "constant")
    assert defaults.persona_weights == {"forwarder": 6.0, "visitor": 3.0, "collector": 1.0}


def test_load_options_reject_a_negative_rate_naming_the_flag() -> None:
    with pytest.raises(ValueError, match=r"^--target-rps must be 0 or more, got -1$"):
        LoadOptions.from_namespace(argparse.Namespace(target_rps=-1.0))


def test_option_argv_round_trips_through_locusts_parser() -> None:
    argv = option_argv({"target_rps": 80.0, "gate": ["p99<5ms", "violations==0"], "respect_retry_after": True,
                        "shape": "spike"})
    assert argv == ["--target-rps", "80.0", "--shape", "spike", "--respect-retry-after", "--gate", "p99<5ms",
                    "--gate", "violations==0"]


def test_options_are_fields_of_locusts_web_ui_with_help_text() -> None:
    fields = ui_extra_args_dict([])
    shown = {option.dest for option in OPTIONS if option.web_ui}
    assert shown <= set(fields)
    assert all(fields[dest]["help_text"] for dest in shown)
    assert fields["shape"]["choices"] == ["constant", "ramp", "step", "spike", "soak", "stages"]
    assert "verdict_file" not in fields  # internal between edgeload run and Locust
