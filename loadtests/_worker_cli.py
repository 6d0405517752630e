"""`edgeload worker --master HOST[:PORT] [run options]`: this machine's share of a run started elsewhere with
`edgeload run --master` (loadtests._distributed; docs/distributed.md).

The options are `edgeload run`'s, read the same way (flags over `[run]` of a config file), and the target profile
is resolved here, so secrets come from this machine's environment and never cross the wire; the load, the rate
and the seed come from the master with Locust's spawn message. `--workers N` forks N worker processes here.
`--connect-timeout S` bounds how long the master may take to appear (default 60 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from contracts import ExitCode
from loadtests import _target_profile as target_profile
from loadtests._distributed import (
    DEFAULT_WAIT_S,
    Child,
    DistributedError,
    parse_master_address,
    wait_reachable,
    worker_command,
)
from loadtests._run import LOCUSTFILE, PROJECT_ROOT
from loadtests._settings import SettingsError, load
from loadtests._settings import build_parser as settings_parser
from targets import RESOLVED_ENV, AuthError, credentials_for, redact

USAGE = "usage: edgeload worker --master HOST[:PORT] [--connect-timeout S] [edgeload run options]"


def _say(line: str) -> None:
    print(f"edgeload worker: {redact(line)}", file=sys.stderr, flush=True)


def _take(argv: list[str], flag: str) -> str | None:
    """Remove `flag VALUE` or `flag=VALUE` from argv and return VALUE (None when absent)."""
    for i, arg in enumerate(argv):
        if arg == flag:
            if i + 1 >= len(argv):
                raise DistributedError(f"{flag} needs a value; {USAGE}")
            value = argv[i + 1]
            del argv[i:i + 2]
            return value
        if arg.startswith(flag + "="):
            del argv[i]
            return arg.split("=", 1)[1]
    return None


def build_parser() -> argparse.ArgumentParser:
    """`edgeload run`'s options plus this command's own two: what its --help shows and what checks its
    arguments (loadtests._cli)."""
    parser = settings_parser()
    parser.prog, parser.usage = "edgeload worker", USAGE.removeprefix("usage: ")
    parser.description = __doc__.split("\n\n")[0].replace("\n", " ") if __doc__ else None
    parser.epilog = ("examples:\n  edgeload worker --master 10.0.0.5\n"
                     "  edgeload worker --master 10.0.0.5:5557 --workers 2 --connect-timeout 120")
    parser.add_argument("--master", metavar="HOST[:PORT]", required=True,
                        help="the machine running edgeload run --master (default port 5557)")
    parser.add_argument("--connect-timeout", type=float, metavar="S",
                        help=f"how long the master may take to appear, in seconds (default {DEFAULT_WAIT_S:g})")
    return parser


def main(argv: Sequence[str]) -> int:
    rest = list(argv)
    if any(arg in ("-h", "--help") for arg in rest):
        print(f"{USAGE}\n\n{__doc__}")
        return ExitCode.OK
    try:
        master = _take(rest, "--master")
        if master is None:
            raise DistributedError(f"--master HOST[:PORT] is required (the machine running edgeload run --master); "
                                   f"{USAGE}")
        host, port = parse_master_address(master)
        timeout_text = _take(rest, "--connect-timeout")
        try:
            connect_s = DEFAULT_WAIT_S if timeout_text is None else float(timeout_text)
        except ValueError:
            raise DistributedError(f"--connect-timeout {timeout_text!r} is not a number of seconds") from None
        if connect_s <= 0:
            raise DistributedError("--connect-timeout must be a number of seconds above 0")
        settings = load(rest)
        if settings.web or settings.emulator_args:
            raise DistributedError("--web and --emulator-arg are the master's: a worker sends load where the master "
                                   "says")
        profile = target_profile.resolve_for_run(settings.load.target, settings.target, settings.config_file)
        credentials_for(profile)  # secrets missing from this machine's environment: one line now
    except (DistributedError, SettingsError, target_profile.TargetError, AuthError) as error:
        _say(str(error))
        return ExitCode.COULD_NOT_RUN
    reason = wait_reachable(host, port, connect_s)
    if reason is not None:
        _say(f"cannot reach the master at {host}:{port} within {connect_s:g} s ({reason}); start `edgeload run "
             "--master` there first, or fix --master, its --master-bind-host or a firewall")
        return ExitCode.COULD_NOT_RUN
    env = {**os.environ, RESOLVED_ENV: replace(profile, base_url=settings.target).to_json()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    command = worker_command(LOCUSTFILE, host, port, settings.options, settings.workers)
    _say(f"joining the master at {host}:{port}" + (f" with {settings.workers} processes" if settings.workers else ""))
    returncode = Child(command, env).run()
    if returncode != 0:
        _say(f"the worker ended with Locust exit code {returncode}; see its output above")
        return ExitCode.COULD_NOT_RUN
    return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
