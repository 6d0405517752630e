"""The `edgeload` dispatcher teaches: --version, one-line usage errors with a "did you mean", help with defaults
and examples, and a quiet end when the reader closes the pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from loadtests._cli import SUBCOMMANDS, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_cli_version_prints_the_installed_version(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([flag]) == 0
    assert capsys.readouterr().out == f"edgeload {version('edgeload')}\n"


@pytest.mark.parametrize(("argv", "suggestion"), [
    pytest.param(["generat"], "did you mean generate?", id="typo"),
    pytest.param(["gen"], "did you mean generate?", id="prefix"),
    pytest.param(["--verison"], "did you mean --version?", id="top-option"),
    pytest.param(["-u", "5"], "options go after the command", id="option-before-command"),
    pytest.param(["run", "--spwan-rate", "3"], "did you mean --spawn-rate?", id="run-option"),
    pytest.param(["run", "--target-rsp=5"], "did you mean --target-rps?", id="run-option-with-value"),
    pytest.param(["run", "--shape", "rmap"], "did you mean ramp?", id="run-choice"),
    pytest.param(["run", "--user", "5"], "did you mean --users or --user-rps?", id="run-ambiguous"),
    pytest.param(["contract", "--max-exmaples", "3"], "did you mean --max-examples?", id="contract"),
    pytest.param(["emulator", "--prot", "0"], "did you mean --port?", id="emulator"),
    pytest.param(["generate", "--bach", "3"], "did you mean --batch-size?", id="generate-not-the-hidden-alias"),
    pytest.param(["validate-events", "x.jsonl", "--schema-dri", "d"], "did you mean --schema-dir?", id="validate"),
])
def test_cli_misspelling_gets_one_line_with_a_suggestion_and_exit_2(
    argv: list[str], suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert suggestion in captured.err
    assert "--help`)" in captured.err


def test_cli_unknown_option_without_a_near_one_names_it_and_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--zzzzzz"]) == 2
    assert capsys.readouterr().err == "edgeload run: unknown option --zzzzzz (see `edgeload run --help`)\n"


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_cli_every_subcommand_help_shows_defaults_and_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    examples = out.split("examples:\n", 1)[1].splitlines()
    assert sum(line.startswith(f"  edgeload {name.split()[0]}") or line.startswith("  edgeload generate")
               for line in examples) >= 2
    assert "default" in out


def test_cli_run_help_names_the_default_target_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # help wraps to the terminal's width
    assert "users send as fast as they can (default 100)" in out
    assert "-u N, --users N simulated users (default 10)" in out


@pytest.mark.parametrize("argv", [["-h"], ["run", "--help"], ["generate", "-n", "100000"]],
                         ids=["top-help", "run-help", "generate"])
def test_cli_output_into_a_closed_pipe_ends_quietly(argv: list[str]) -> None:
    # The reader is gone before anything is written: every write raises BrokenPipeError (Python ignores SIGPIPE).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        completed = subprocess.run([sys.executable, "-m", "loadtests._cli", *argv], cwd=ROOT, stdout=write_end,
                                   stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    finally:
        os.close(write_end)
    assert completed.stderr == ""
    assert completed.returncode == 0
