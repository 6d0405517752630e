"""Our options as fields of Locust's web UI: every one docs/reports.md names is there, labelled so it fits,
and the gates have a field of their own."""

from __future__ import annotations

import argparse

import pytest
from locust.argument_parser import ui_extra_args_dict

from loadtests import _listeners as listeners  # noqa: F401  (registers our options on Locust's parser)
from loadtests._options import LoadOptions, add_run_options, split_gates

# The fields a run needs: target profile or URL (Locust's own host and profile fields), datastream id, target rate,
# load shape and stages, event mix, seed, gates.
ISSUE_FIELDS = ("datastream_id", "target_rps", "shape", "stages", "mix", "seed", "gates")
# The React UI writes "Title Case Name (help)" on one line of a 1066-pixel field and cuts what does not fit.
LABEL_LIMIT = 110


def _label(dest: str, help_text: str) -> str:
    return f"{dest.replace('_', ' ').title()} ({help_text})"


def test_web_ui_has_a_field_with_help_for_each_option_the_issue_names() -> None:
    fields = ui_extra_args_dict([])
    assert set(ISSUE_FIELDS) <= set(fields)
    assert all(fields[dest]["help_text"] for dest in ISSUE_FIELDS)


def test_web_ui_labels_fit_on_one_line() -> None:
    fields = ui_extra_args_dict([])
    too_long = {dest: _label(dest, str(field["help_text"])) for dest, field in fields.items()
                if len(_label(dest, str(field["help_text"]))) > LABEL_LIMIT}
    assert too_long == {}


def test_web_ui_help_shows_no_argparse_escape() -> None:
    fields = ui_extra_args_dict([])
    assert [dest for dest, field in fields.items() if "%%" in str(field["help_text"])] == []


@pytest.mark.parametrize(("text", "gates"), [
    pytest.param("p99<50ms; error_rate<0.01", ("p99<50ms", "error_rate<0.01"), id="semicolons"),
    pytest.param("p99<50ms,rps>=800 ,", ("p99<50ms", "rps>=800"), id="commas-and-blanks"),
    pytest.param("POST /ee/v2/interact: p95<20ms", ("POST /ee/v2/interact: p95<20ms",), id="scoped"),
    pytest.param("  ", (), id="empty"),
])
def test_split_gates_reads_the_web_ui_field(text: str, gates: tuple[str, ...]) -> None:
    assert split_gates(text) == gates


def test_load_options_gates_are_the_gate_flags_then_the_web_ui_field() -> None:
    options = LoadOptions.from_namespace(argparse.Namespace(gate=["p99<5ms"], gates="violations==0; cpu<80"))
    assert [gate.text for gate in options.gates] == ["p99<5ms", "violations==0", "cpu<80"]


def test_edgeload_run_has_no_gates_flag() -> None:
    parser = argparse.ArgumentParser()
    add_run_options(parser)
    flags = {flag for action in parser._actions for flag in action.option_strings}
    assert "--gate" in flags
    assert "--gates" not in flags
