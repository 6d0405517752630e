"""`edgeload contract`: the pytest contract suite and schemathesis against one target, one verdict, one report.

Exit code (loadtests._cli): 0 the target keeps the contract, 1 a check failed, 2 the run could not happen (target
down, a runner crashed), with one line saying what to do.

The target is a profile (targets._profiles): `--profile` and the flags below over the config file and
the environment. Its credentials are checked (a token fetched) before anything runs; both runners get the resolved
profile through their environment, never a secret on a command line; every file they leave in the report folder
and every line printed is redacted with the secrets this process knows.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from contract_runner import _records as records
from contract_runner import _report as report
from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES, reachable
from contract_runner._progress import ConsoleLine
from contract_runner._runs import RunResult, run_schemathesis, run_suite
from contracts import REGISTRY as CHECKS
from contracts import ExitCode
from targets import (
    AUTH_METHODS,
    AUTHENTICATED_DATASTREAM_ID,
    DEFAULT_DATASTREAM_ID,
    DISABLED_DATASTREAM_ID,
    RESOLVED_ENV,
    AuthError,
    Overrides,
    Profile,
    ProfileError,
    credentials_for,
    redact,
    redact_tree,
    refusal,
    require_datastream,
    resolve,
)

RUNNER_ERROR = "runner_error"
RUNNERS = ("suite", "schemathesis")


class CouldNotRun(Exception):
    """The run cannot start or finish; the message is the one line shown to the user."""


EXAMPLES = """examples:
  edgeload contract                                   the embedded emulator, both runners (about 90 s)
  edgeload contract --runners suite                   the pytest suite only (seconds)
  edgeload contract -H http://127.0.0.1:8080 --max-examples 5 --report-dir reports/mine

Exit 0 the target keeps the contract, 1 a check failed, 2 the run could not happen."""


def checks_help() -> str:
    """The checks every response is held to, one wrapped paragraph each, as `--help` lists them."""
    lines = ["checks (besides schemathesis' own):"]
    lines += [textwrap.fill(f"{entry.name}: {entry.description}", 100, initial_indent="  ", subsequent_indent="    ")
              for entry in CHECKS.values()]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edgeload contract", description=__doc__.splitlines()[0],
                                epilog=f"{checks_help()}\n\n{EXAMPLES}",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    # -H/--host as in `edgeload run` (Locust's names for the target).
    p.add_argument("-H", "--target", "--host", dest="target", metavar="URL",
                   help="base URL of the Edge Network to judge (default: start the embedded emulator)")
    p.add_argument("--report-dir", type=Path, default=Path("reports/contract"), metavar="DIR",
                   help="where the reports go (default: %(default)s)")
    p.add_argument("--datastream-id", help=f"an enabled datastream of the target (default {DEFAULT_DATASTREAM_ID})")
    p.add_argument("--max-examples", type=int, default=20, help="schemathesis examples per operation (default 20)")
    p.add_argument("--phases", default="examples,coverage,fuzzing", help="schemathesis phases (default: %(default)s)")
    p.add_argument("--exclude-checks", default="", help="comma-separated schemathesis checks to skip (default: none)")
    p.add_argument("--runners", default=",".join(RUNNERS),
                   help="which runners to run: suite, schemathesis or both (default: %(default)s)")
    p.add_argument("--profile", help="target profile: emulator (default), adobe-server, adobe-edge or [profiles.NAME]")
    p.add_argument("--config", help="TOML file with [profiles.NAME] tables (default: ./edgeload.toml if present)")
    p.add_argument("--auth", choices=AUTH_METHODS,
                   help="authentication: none, bearer or oauth; secrets come only from environment variables "
                        "(default: the profile's)")
    p.add_argument("--location-hint", help="put /ee/HINT/ in the suite's paths, e.g. or2 (default: the profile's)")
    p.add_argument("--header", action="append", default=[],
                   help="extra request header 'Name: value', repeatable (default: none)")
    p.add_argument("--insecure", action="store_true",
                   help="do not verify TLS certificates of the target (prints a warning)")
    p.add_argument("--max-rps", type=int, default=0, metavar="N",
                   help="send at most N requests per second, in both runners (default 0: no ceiling; required "
                        "against a non-local target)")
    p.add_argument("--max-response-bytes", type=int, default=DEFAULT_MAX_RESPONSE_BYTES, metavar="N",
                   help="both runners read at most N bytes of a response body; a larger one fails as "
                        "response_too_large (default %(default)s)")
    return p


def profile_of(args: argparse.Namespace) -> Profile:
    return resolve(Overrides(profile=args.profile, target=args.target, datastream_id=args.datastream_id,
                             auth=args.auth, location_hint=args.location_hint, headers=tuple(args.header),
                             insecure=args.insecure, config=args.config))


@contextmanager
def target_url(url: str | None, verify_tls: bool = True) -> Iterator[str]:
    """The given target once it answers, or the embedded emulator started for the run."""
    if url:
        problem = reachable(url, verify_tls=verify_tls)
        if problem is not None:
            raise CouldNotRun(problem)
        yield url.rstrip("/")
        return
    from emulator import EmulatorStartError, spawn  # starting a default target is not verdict code

    try:
        emulator = spawn()
    except (EmulatorStartError, OSError) as error:
        raise CouldNotRun(f"the embedded emulator did not start ({error}); pass --target URL instead") from error
    with emulator:
        yield emulator.url


def _last_line(result: RunResult) -> str:
    line = next((line.strip() for line in reversed(result.output_tail.splitlines()) if line.strip()), "no output")
    return redact(line)


def _runner_error(result: RunResult) -> records.CaseRecord:
    last = _last_line(result)
    message = f"{RUNNER_ERROR}: {result.runner} exited {result.exit_code} without a recorded check failure"
    return records.CaseRecord(runner=result.runner, operation="(run)", case=last[:300], checks=[RUNNER_ERROR],
                              violations=[records.Violation(check=RUNNER_ERROR, message=message)])


def _runners(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in RUNNERS]
    if unknown or not names:
        raise CouldNotRun(f"--runners {text!r}: expected a comma-separated choice of {', '.join(RUNNERS)}")
    return names


def run(args: argparse.Namespace) -> report.Report:
    try:
        _runners(args.runners)  # a typo: one line before a target starts
        profile = profile_of(args)
        datastream = require_datastream(profile)
        credentials_for(profile)  # a secret missing from the environment: one line before anything starts
    except (ProfileError, AuthError) as error:
        raise CouldNotRun(str(error)) from None
    # Before any connection, the reachability probe and the token fetch included (targets._guard).
    problem = refusal(profile, sender="a contract run", ceiling=args.max_rps, ceiling_flags="--max-rps N")
    if problem is not None:
        raise CouldNotRun(problem)
    if not profile.verify_tls:
        print(f"edgeload contract: warning: --insecure: TLS certificates of {profile.base_url or 'the target'} are "
              "not verified; credentials may reach whoever answers", file=sys.stderr)
    report_dir: Path = args.report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    with target_url(profile.base_url, profile.verify_tls) as url:
        resolved = replace(profile, base_url=url)
        try:
            credentials_for(resolved).prime()  # bad credentials: one line now, not two runners failing later
        except AuthError as error:
            raise CouldNotRun(str(error)) from None
        env = {RESOLVED_ENV: resolved.to_json()}
        # Against the embedded emulator, its disabled and authenticated datastreams provoke 422 and 401 too.
        extra = [] if profile.base_url else ["--disabled-datastream-id", DISABLED_DATASTREAM_ID,
                                             "--authenticated-datastream-id", AUTHENTICATED_DATASTREAM_ID]
        extra += ["--max-response-bytes", str(args.max_response_bytes)]
        if args.max_rps:
            extra += ["--max-rps", str(args.max_rps)]
        excluded = [name for name in args.exclude_checks.split(",") if name]
        runners = _runners(args.runners)
        results = []
        # Progress on stderr once a second: a whole run takes a minute and a half
        # (docs/contract.md#three-runners-one-verdict).
        console = ConsoleLine(sys.stderr, sys.stderr.isatty())
        try:
            if "suite" in runners:
                results.append(run_suite(url, datastream, report_dir, extra, env, console.show))
                console.close()
            if "schemathesis" in runners:
                results.append(run_schemathesis(url, datastream, report_dir, args.max_examples, args.phases,
                                                excluded, env, profile.verify_tls, args.max_rps, console.show,
                                                args.max_response_bytes))
        finally:
            console.close()
    redact_tree(report_dir)  # what the runners wrote: their masking first, ours with the exact values second
    for result in results:
        if not result.could_run:
            raise CouldNotRun(f"{result.runner} could not run (exit code {result.exit_code}): {_last_line(result)}")
        # pytest and schemathesis exit 1 when a test failed (https://docs.pytest.org/en/stable/reference/exit-codes.html)
        if result.exit_code == 1 and not any(record["violations"] for record in result.records):
            result.records.append(_runner_error(result))
    failed = any(record["violations"] for result in results for record in result.records)
    return report.Report(url, datastream, ExitCode.FAILED if failed else ExitCode.OK, results,
                         report.rows(record for result in results for record in result.records))


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse already printed the usage line
        return int(exit_.code or 0)
    if args.max_examples < 1:
        print("edgeload contract: --max-examples must be at least 1", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    if args.max_response_bytes < 1:
        print("edgeload contract: --max-response-bytes must be at least 1", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    if args.max_rps < 0:
        print("edgeload contract: --max-rps must be a positive number of requests per second", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    try:
        outcome = run(args)
    except CouldNotRun as error:
        print(f"edgeload contract: {redact(str(error))}", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    written = report.write(outcome, args.report_dir)
    redact_tree(args.report_dir)
    # The page when it was written (it comes last), else whatever was: a failed write was reported on stderr.
    print(redact("\n".join(report.console_summary(outcome, written[-1] if written else args.report_dir))))
    return outcome.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
