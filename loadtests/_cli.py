"""The `edgeload` command: one registry of subcommands, each owned by the package it drives.

The dispatcher lives in `loadtests`, the top layer (the only one allowed to import every other package), but it
imports a subcommand's module only when that subcommand runs: `edgeload emulator` must never import Locust,
whose gevent monkey-patching would change the emulator's event loop and sockets.

It also teaches, for every subcommand alike: `--version`; a misspelled command or option answered with one line
and a "did you mean" (loadtests._cli_errors) instead of argparse's usage dump; and a reader that closes the pipe
(`edgeload -h | head -3`) ends the command quietly. The packages may not import one another's parser code
(docs/architecture.md), so the dispatcher checks the arguments with each subcommand's own parser first.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from contracts import ExitCode
from loadtests._cli_errors import UsageError, closest, deprecated_spellings, one_line


@dataclass(frozen=True)
class Subcommand:
    name: str
    target: str  # "package.module:function"; the function takes argv and returns an exit code
    summary: str
    parser: str  # "package.module:function" building the subcommand's argparse parser, imported as lazily


# The registry: add a subcommand by adding a row. Modules are imported lazily (see module docstring).
SUBCOMMANDS: dict[str, Subcommand] = {
    sub.name: sub
    for sub in (
        Subcommand("run", "loadtests._run:main", "headless load test with contract verdict, gates and reports",
                   "loadtests._distributed:run_parser"),
        Subcommand("worker", "loadtests._worker_cli:main", "this machine's workers of an `edgeload run --master`",
                   "loadtests._worker_cli:build_parser"),
        Subcommand("plan", "loadtests._plan:main", "worker processes, cores and request units a target rate needs",
                   "loadtests._plan:build_parser"),
        Subcommand("emulator", "emulator:main", "serve the local Edge Network emulator",
                   "emulator:build_parser"),
        Subcommand("contract", "contract_runner:main", "run the contract suite and schemathesis against a target",
                   "contract_runner:parser"),
        Subcommand("generate", "generators:main", "print generated XDM events or request bodies as JSON lines",
                   "generators:build_parser"),
        Subcommand("history", "loadtests._history_cli:main", "list the run history and chart it (history.html)",
                   "loadtests._history_cli:build_parser"),
        Subcommand("compare", "loadtests._compare:main", "two runs side by side, each difference significant or not",
                   "loadtests._compare:build_parser"),
        Subcommand("validate-events", "xdm:main", "validate a JSON-lines file against XDM schemas",
                   "xdm:build_parser"),
    )
}

# Exit codes shared by every subcommand: 0 pass, 1 a verdict or gate failed, 2 the command could not run.


EXAMPLES = """examples:
  edgeload run                                  30 s at 100 req/s against the embedded emulator
  edgeload run -u 50 -t 2m --target-rps 500     50 users holding 500 req/s for two minutes
  edgeload contract --target http://127.0.0.1:8080"""


def installed_version() -> str:
    """The installed distribution's version (its metadata, so it cannot drift from pyproject.toml)."""
    try:
        return version("edgeload")
    except PackageNotFoundError:  # a checkout run without `pip install -e .`
        return "unknown (not installed)"


def _usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    rows = "\n".join(f"  {sub.name.ljust(width)}  {sub.summary}" for sub in SUBCOMMANDS.values())
    return (f"usage: edgeload [-V] COMMAND [options]\n\ncommands:\n{rows}\n\n{EXAMPLES}\n\n"
            "`edgeload COMMAND --help` describes each, with its defaults and examples.")


def _resolve(target: str) -> Callable[..., object]:
    module_name, _, function_name = target.partition(":")
    function: Callable[..., object] = getattr(importlib.import_module(module_name), function_name)
    return function


def check_arguments(sub: Subcommand, args: list[str]) -> None:
    """Parse the arguments with the subcommand's own parser; raises UsageError (one line) where argparse would
    print its usage and exit 2. `--help` prints and exits here, as it would in the subcommand. A former spelling
    of a flag (a hidden alias) still works and gets one line on stderr naming the current one, once: the
    subcommand parses the arguments again, silently."""
    parser = _resolve(sub.parser)()
    assert isinstance(parser, argparse.ArgumentParser)
    one_line(parser, f"edgeload {sub.name}").parse_args(args)
    for old, canonical in deprecated_spellings(parser, args):
        print(f"edgeload {sub.name}: {old} is deprecated, spell it {canonical} (the old spelling still works)",
              file=sys.stderr)


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return ExitCode.OK if args else ExitCode.COULD_NOT_RUN
    if args[0] in {"-V", "--version"}:
        print(f"edgeload {installed_version()}")
        return ExitCode.OK
    sub = SUBCOMMANDS.get(args[0])
    if sub is None and args[0].startswith("-"):
        hint = closest(args[0], ("--version", "--help")) or "; options go after the command, e.g. edgeload run -u 5"
        print(f"edgeload: unknown option {args[0]}{hint} (see `edgeload --help`)", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    if sub is None:
        hint = closest(args[0], SUBCOMMANDS) or f"; choose one of: {', '.join(SUBCOMMANDS)}"
        print(f"edgeload: unknown command {args[0]!r}{hint} (see `edgeload --help`)", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    try:
        check_arguments(sub, args[1:])
    except UsageError as error:
        print(error, file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    except SystemExit as exit_:  # --help printed
        return int(exit_.code or 0)
    code = _resolve(sub.target)(args[1:])
    assert isinstance(code, int)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader closed the pipe (`edgeload -h | head -3`): not an error. Point stdout at nothing so the
        # interpreter's final flush does not raise again; see "Note on SIGPIPE" in
        # https://docs.python.org/3/library/signal.html#note-on-sigpipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())
