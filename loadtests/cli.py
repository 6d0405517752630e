"""The `edgeload` command: one registry of subcommands, each owned by the package it drives.

The dispatcher lives in `loadtests`, the top layer (the only one allowed to import every other package), but it
imports a subcommand's module only when that subcommand runs: `edgeload emulator` must never import Locust,
whose gevent monkey-patching would change the emulator's event loop and sockets.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Subcommand:
    name: str
    target: str  # "package.module:function"; the function takes argv and returns an exit code
    summary: str


# The registry: add a subcommand by adding a row. Modules are imported lazily (see module docstring).
SUBCOMMANDS: dict[str, Subcommand] = {
    sub.name: sub
    for sub in (
        Subcommand("run", "loadtests.run:main", "headless load test with contract verdict, gates and reports"),
        Subcommand("worker", "loadtests.worker_cli:main", "this machine's workers of an `edgeload run --master`"),
        Subcommand("plan", "loadtests.plan:main", "worker processes, cores and request units a target rate needs"),
        Subcommand("emulator", "emulator.cli:main", "serve the local Edge Network emulator"),
        Subcommand("contract", "contracts.cli:main", "run the contract suite and schemathesis against a target"),
        Subcommand("generate", "generators.cli:main", "print generated XDM events or request bodies as JSON lines"),
        Subcommand("validate-events", "contracts.xdm_cli:main", "validate a JSON-lines file against XDM schemas"),
    )
}

# Exit codes shared by every subcommand: 0 pass, 1 a verdict or gate failed, 2 the command could not run.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    rows = "\n".join(f"  {sub.name.ljust(width)}  {sub.summary}" for sub in SUBCOMMANDS.values())
    return f"usage: edgeload COMMAND [options]\n\ncommands:\n{rows}\n\n`edgeload COMMAND --help` describes each."


def _resolve(target: str) -> Callable[[Sequence[str]], int]:
    module_name, _, function_name = target.partition(":")
    function: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module_name), function_name)
    return function


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return EXIT_OK if args else EXIT_USAGE
    sub = SUBCOMMANDS.get(args[0])
    if sub is None:
        print(f"edgeload: unknown command {args[0]!r}; choose one of: {', '.join(SUBCOMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    return _resolve(sub.target)(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
