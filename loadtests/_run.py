"""`edgeload run`: the main job. Start the target (the embedded emulator unless --target), run Locust headless,
judge every response, evaluate the gates, write the reports; exit with the verdict's code (loadtests._verdict:
0 PASS, 1 FAIL, 2 COULD NOT RUN, 3 NOT TRUSTWORTHY, 4 INTERRUPTED).

Locust runs as a child process, not in this one, for three reasons:
- signals: this process never imports Locust, so gevent does not monkey-patch it and plain `signal` handlers work.
  It turns Ctrl-C or SIGTERM into one SIGINT for the Locust master, the one signal on which Locust both writes its
  HTML report and fires `quitting` (its SIGTERM handler skips the HTML report), and it can still kill a run that
  hangs. The child runs in its own session, so a terminal's Ctrl-C reaches it once, through here, not twice;
- `--workers N` is Locust's own `--processes N`, which forks the process that calls it: better a fresh one;
- the target: if the embedded emulator dies mid-run, this process sees it and stops the run, whose listeners then
  evaluate the gates on what was measured and write every report (loadtests._run_end).

Its children die with it, however it dies (kill -9 included): the emulator and the Locust master get SIGKILL
from the kernel when this process dies, and every Locust process, forked workers included, exits when the pipe
only this process writes to reaches its end (emulator._lifeline).

`edgeload run --web` runs the same Locust child with its web UI on 127.0.0.1 instead of headless: the
child prints the UI's address once it listens (loadtests._web_ui), each run started there writes its own report
folder, and Ctrl-C ends it all, the embedded emulator included.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from contracts import ExitCode
from emulator import EmulatorStartError, Lifeline, RunningEmulator, die_with_parent, spawn
from loadtests import _distributed as distributed
from loadtests import _progress as progress
from loadtests import _target_profile as target_profile
from loadtests._gates import describe_defaults
from loadtests._options import option_argv
from loadtests._report_folder import ReportFolderTaken, claim
from loadtests._settings import RunCommand, SettingsError, load
from loadtests._verdict import Outcome
from targets import RESOLVED_ENV, AuthError, Profile, credentials_for, redact, redact_tree

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
HANG_MARGIN_S = 120.0  # beyond run time + stop timeout: a Locust that has not ended by then is hung
POLL_S = 0.2


def _say(line: str) -> None:
    print(f"edgeload run: {redact(line)}", file=sys.stderr, flush=True)


def _could_not_run(problem: str) -> int:
    """One line on stderr naming the problem and its fix, the verdict on stdout; exit code 2."""
    _say(problem)
    print(f"verdict: {Outcome.COULD_NOT_RUN.word}: {redact(problem)}", flush=True)
    return Outcome.COULD_NOT_RUN.exit_code


def check_reachable(url: str, timeout: float = 3.0) -> str | None:
    """None when a TCP connection to the URL's host and port opens; else why not, in a few words."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout):
            return None
    except OSError as error:
        return error.strerror or type(error).__name__


def locust_command(settings: RunCommand, target: str, report_dir: Path, run_id: str, verdict: Path) -> list[str]:
    """The Locust command line: our locustfile, headless, into the run's report folder.

    No --html and no --csv: our listeners write Locust's HTML report themselves once the run is over, where a
    failed write costs no other report (Locust writes its own before its `quitting` event, where ours are
    written), and Locust's CSVs are left out because they lag the final figures (docs/reliability.md#nothing-is-lost).
    """
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", target,
        "--users", str(settings.users), "--spawn-rate", f"{settings.spawn_rate:g}",
        "--run-time", f"{settings.run_time:g}s", "--stop-timeout",
        # Locust takes whole seconds only ("1.5" is refused): a --request-timeout of 0.5 must not stop the run.
        str(math.ceil(settings.load.request_timeout + 1)),
        *option_argv({**settings.options, "report_dir": str(report_dir), "run_id": run_id}),
        "--verdict-file", str(verdict),
    ]
    if settings.console != "tables":  # Locust's periodic tables and info lines: --verbose only (loadtests._progress)
        command += ["--only-summary", "--loglevel", "WARNING"]
    return command + _worker_argv(settings)


def _worker_argv(settings: RunCommand) -> list[str]:
    """`--processes N`, with the master bound to loopback on a free port.

    Locust's defaults bind the master to every interface on port 5557: a second run on the machine (or anything
    else on 5557) then fails to start, and the port would be open beyond loopback.
    """
    if not settings.workers:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    return ["--processes", str(settings.workers), "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
            "--master-host", "127.0.0.1", "--master-port", port]


def locust_web_command(settings: RunCommand, target: str, report_dir: Path) -> list[str]:
    """The Locust command line of `--web`: the web UI on 127.0.0.1, our options as its form's defaults."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", target, "--web-host", "127.0.0.1",
        "--web-port", str(settings.web_port), "--users", str(settings.users),
        "--spawn-rate", f"{settings.spawn_rate:g}", "--stop-timeout", str(math.ceil(settings.load.request_timeout + 1)),
        # No --run-id: every run started from the UI gets a folder of its own (a timestamp).
        *option_argv({**settings.options, "report_dir": str(report_dir), "run_id": None}),
    ]
    if "run_time" in settings.explicit:  # else the UI's run time field stays empty: the run goes on until stopped
        command += ["--run-time", f"{settings.run_time:g}s"]
    if settings.console != "tables":  # Locust's info lines, its "web interface at http://127.0.0.1:0" among them
        command += ["--loglevel", "WARNING"]
    return command + _worker_argv(settings)


def _run_web(settings: RunCommand, target: str, report_dir: Path, emulator: RunningEmulator | None,
             extra_env: dict[str, str]) -> int:
    started = time.time()
    report_dir.mkdir(parents=True, exist_ok=True)
    _say(f"starting Locust's web UI against {target}; Ctrl-C ends it")
    supervisor = _Supervisor(locust_web_command(settings, target, report_dir), emulator, math.inf, extra_env)
    returncode = supervisor.run()
    for folder in report_dir.iterdir():  # the folders of the runs started from the UI
        if folder.is_dir() and folder.stat().st_mtime >= started:
            redact_tree(folder)
    return returncode if returncode in {outcome.exit_code for outcome in Outcome} else ExitCode.COULD_NOT_RUN


class _Supervisor:
    """Runs the Locust child; forwards the first Ctrl-C or SIGTERM as one SIGINT, a second one kills it."""

    def __init__(self, command: list[str], emulator: RunningEmulator | None, deadline_s: float,
                 extra_env: dict[str, str] | None = None) -> None:
        self.command = command
        self.extra_env = extra_env or {}  # the resolved target profile: no secret, those stay in env
        self.emulator = emulator
        self.deadline_s = deadline_s
        self.interrupted: str | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = False

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._stopping:
            _say(f"{name} again: killing the load test")
            self._kill()
            return
        self.interrupted = name
        _say(f"{name}: stopping the load test; gates and reports follow on what was measured")
        self._stop()

    def _stop(self) -> None:
        self._stopping = True
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the master and its forked workers

    def run(self) -> int:
        lifeline = Lifeline()
        env = {**os.environ, **self.extra_env, **lifeline.env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.process = subprocess.Popen(self.command, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
                                            preexec_fn=die_with_parent(), pass_fds=(lifeline.fd,))
            lifeline.handed_over()
            started = time.monotonic()
            while self.process.poll() is None:
                time.sleep(POLL_S)
                if self.emulator is not None and self.emulator.process.poll() is not None and not self._stopping:
                    _say(f"the embedded emulator exited mid-run (code {self.emulator.process.returncode}); "
                         "stopping the load test")
                    self.interrupted = "target exited"
                    self._stop()
                elapsed = time.monotonic() - started
                if elapsed > self.deadline_s and not self._stopping:
                    _say(f"the load test is still running {elapsed:.0f} s after it started; stopping it")
                    self._stop()
                elif elapsed > self.deadline_s + HANG_MARGIN_S:
                    _say("the load test does not stop; killing it")
                    self._kill()
            return self.process.returncode
        finally:
            lifeline.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _verdict(path: Path, supervisor: _Supervisor, returncode: int) -> int:
    """Print the Locust process's table and verdict; the exit code of the verdict, INTERRUPTED if this process
    stopped the run and the Locust process did not know (loadtests._verdict)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        why = f"the load test ended without a verdict (Locust exit code {returncode}); see its output above"
        if supervisor.interrupted:
            _say(why)
            print(f"verdict: {Outcome.INTERRUPTED.word}: {supervisor.interrupted}, before any verdict", flush=True)
            return Outcome.INTERRUPTED.exit_code
        return _could_not_run(why)
    slug, _, table = text.partition("\n")
    print(table.rstrip(), flush=True)
    try:
        outcome = Outcome.from_slug(slug)
    except ValueError:
        return _could_not_run(f"the load test wrote an unreadable verdict {slug[:40]!r}")
    if supervisor.interrupted and outcome.worst(Outcome.INTERRUPTED) is not outcome:
        print(f"verdict: {Outcome.INTERRUPTED.word}: {supervisor.interrupted}; the gates above judged part of the "
              "run", flush=True)
        return Outcome.INTERRUPTED.exit_code
    return outcome.exit_code


def main(argv: Sequence[str]) -> int:
    try:
        master, argv = distributed.master_from(argv)  # `--master`: workers on other machines (loadtests._distributed)
        settings = load(argv)
        problem = distributed.master_problem(master, settings.workers, settings.web, settings.target)
        if problem is not None:
            raise SettingsError(problem)
        profile = target_profile.resolve_for_run(settings.load.target, settings.target, settings.config_file)
        credentials_for(profile)  # secrets missing from the environment: one line now, not after start-up
    except (SettingsError, distributed.DistributedError, target_profile.TargetError, AuthError) as error:
        return _could_not_run(str(error))
    if profile.base_url is not None and settings.emulator_args:
        return _could_not_run(f"--emulator-arg only applies to the embedded emulator, but profile {profile.name} "
                              f"targets {profile.base_url}; drop --emulator-arg or the target")
    # A non-local target needs an explicit ceiling on the rate: the real service bills and rate-limits.
    explicit_rate = "target_rps" in settings.explicit
    problem = target_profile.ceiling_problem(profile, settings.load, explicit_rate)
    if problem is not None:
        return _could_not_run(problem)
    held = target_profile.held_rate(settings.load, explicit_rate)
    if held is not None:  # --max-rps without --target-rps: the run holds the ceiling
        settings = replace(settings, options={**settings.options, "target_rps": held},
                           load=replace(settings.load, target_rps=held))
    if not profile.verify_tls:
        _say(target_profile.insecure_warning(profile))
    if not profile.is_local:
        _say(target_profile.plan(profile, settings.load, settings.users, settings.run_time, settings.workers))
    report_dir = Path(settings.load.report_dir or "reports")
    given_id = settings.load.run_id
    folder: Path | None = None
    if not settings.web:
        try:  # before anything starts: a taken --run-id is refused, never overwritten (loadtests._report_folder)
            folder = claim(report_dir, given_id or time.strftime("%Y%m%d-%H%M%S"), explicit=bool(given_id))
        except (ReportFolderTaken, OSError) as error:
            return _could_not_run(f"report folder: {error}")
    try:
        return _run(settings, profile, report_dir, folder, master)
    finally:
        if folder is not None and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a run that never started leaves no empty folder behind


def _run(settings: RunCommand, profile: Profile, report_dir: Path, folder: Path | None,
         master: distributed.MasterOptions | None = None) -> int:
    emulator: RunningEmulator | None = None
    if profile.base_url is None:
        try:
            emulator = spawn(settings.emulator_args, tied=True)
        except (EmulatorStartError, OSError) as error:
            return _could_not_run(
                f"the embedded emulator did not start: {str(error).splitlines()[0] if str(error) else error!r}")
        target = emulator.url
    else:
        target = profile.base_url
        reason = check_reachable(target)
        if reason is not None:
            return _could_not_run(f"target {target} is not reachable ({reason}); start it, fix --target, or leave "
                                  "--target out to use the embedded emulator")
    try:
        if settings.web or folder is None:
            return _run_web(settings, target, report_dir, emulator,
                            {RESOLVED_ENV: replace(profile, base_url=target).to_json()})
        if settings.console != "quiet":
            _say(progress.start_line(settings.users, settings.load.target_rps, settings.load.user_rps,
                                     settings.load.shape, settings.run_time, target))
            _say(describe_defaults(settings.load.target_rps or None) if not settings.load.no_default_gates
                 else "default gates dropped (--no-default-gates): only your --gate ones judge the run")
        with tempfile.TemporaryDirectory(prefix="edgeload-run-") as scratch:
            verdict = Path(scratch) / "verdict"
            command = locust_command(settings, target, report_dir, folder.name, verdict)
            deadline = settings.run_time + settings.load.request_timeout + 30.0
            if master is not None:
                command += master.locust_argv()
                deadline += master.wait_s
                _say(master.announcement())
            resolved = replace(profile, base_url=target)  # the Locust process resolves nothing again
            supervisor = _Supervisor(command, emulator, deadline, {RESOLVED_ENV: resolved.to_json()})
            returncode = supervisor.run()
            try:  # Locust's own HTML too: the secrets this process read are masked wherever they are
                redact_tree(folder)
            except OSError as error:
                _say(f"could not redact the reports in {folder} ({error}); check them before sharing")
            return _verdict(verdict, supervisor, returncode)
    except OSError as error:
        return _could_not_run(f"could not run the load test: {error}")
    finally:
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
