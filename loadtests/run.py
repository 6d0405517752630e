"""`edgeload run`: the main job. Start the target (the embedded emulator unless --target), run Locust headless,
judge every response, evaluate the gates, write the reports; exit 0 pass, 1 a gate failed, 2 could not run.

Locust runs as a child process, not in this one, for three reasons:
- signals: this process never imports Locust, so gevent does not monkey-patch it and plain `signal` handlers work.
  It turns Ctrl-C or SIGTERM into one SIGINT for the Locust master, the one signal on which Locust both writes its
  HTML report and fires `quitting` (its SIGTERM handler skips the HTML report), and it can still kill a run that
  hangs. The child runs in its own session, so a terminal's Ctrl-C reaches it once, through here, not twice;
- `--workers N` is Locust's own `--processes N`, which forks the process that calls it: better a fresh one;
- the target: if the embedded emulator dies mid-run, this process sees it and stops the run, whose listeners then
  evaluate the gates on what was measured and write every report (loadtests.run_end).

`edgeload run --web` (issue 9) runs the same Locust child with its web UI on 127.0.0.1 instead of headless: the
child prints the UI's address once it listens (loadtests.web_ui), each run started there writes its own report
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

from contracts.auth import AuthError, credentials_for
from contracts.redaction import redact, redact_tree
from contracts.targets import RESOLVED_ENV
from emulator.server import EmulatorStartError, RunningEmulator, spawn
from loadtests import distributed, target_profile
from loadtests.options import option_argv
from loadtests.settings import RunSettings, SettingsError, load

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXIT_PASS, EXIT_FAILED, EXIT_NOT_RUN = 0, 1, 2
HANG_MARGIN_S = 120.0  # beyond run time + stop timeout: a Locust that has not ended by then is hung
POLL_S = 0.2


def _say(line: str) -> None:
    print(f"edgeload run: {redact(line)}", file=sys.stderr, flush=True)


def check_reachable(url: str, timeout: float = 3.0) -> str | None:
    """None when a TCP connection to the URL's host and port opens; else why not, in a few words."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout):
            return None
    except OSError as error:
        return error.strerror or type(error).__name__


def locust_command(settings: RunSettings, target: str, report_dir: Path, run_id: str, verdict: Path) -> list[str]:
    """The Locust command line: our locustfile, headless, Locust's own HTML and CSV into the run's folder."""
    directory = report_dir / run_id
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", target,
        "--users", str(settings.users), "--spawn-rate", f"{settings.spawn_rate:g}",
        "--run-time", f"{settings.run_time:g}s", "--stop-timeout",
        # Locust takes whole seconds only ("1.5" is refused): a --request-timeout of 0.5 must not stop the run.
        str(math.ceil(settings.load.request_timeout + 1)),
        "--html", str(directory / "locust.html"), "--csv", str(directory / "locust"),
        *option_argv({**settings.options, "report_dir": str(report_dir), "run_id": run_id}),
        "--verdict-file", str(verdict),
    ]
    return command + _worker_argv(settings)


def _worker_argv(settings: RunSettings) -> list[str]:
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


def locust_web_command(settings: RunSettings, target: str, report_dir: Path) -> list[str]:
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
    return command + _worker_argv(settings)


def _run_web(settings: RunSettings, target: str, report_dir: Path, emulator: RunningEmulator | None,
             extra_env: dict[str, str]) -> int:
    started = time.time()
    report_dir.mkdir(parents=True, exist_ok=True)
    _say(f"starting Locust's web UI against {target}; Ctrl-C ends it")
    supervisor = _Supervisor(locust_web_command(settings, target, report_dir), emulator, math.inf, extra_env)
    returncode = supervisor.run()
    for folder in report_dir.iterdir():  # the folders of the runs started from the UI
        if folder.is_dir() and folder.stat().st_mtime >= started:
            redact_tree(folder)
    return {0: EXIT_PASS, 1: EXIT_FAILED}.get(returncode, EXIT_NOT_RUN)


class _Supervisor:
    """Runs the Locust child; forwards the first Ctrl-C or SIGTERM as one SIGINT, a second one kills it."""

    def __init__(self, command: list[str], emulator: RunningEmulator | None, deadline_s: float,
                 extra_env: dict[str, str] | None = None) -> None:
        self.command = command
        self.extra_env = extra_env or {}  # the resolved target profile (issue 6): no secret, those stay in env
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
        env = {**os.environ, **self.extra_env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.process = subprocess.Popen(self.command, env=env, start_new_session=True, stdin=subprocess.DEVNULL)
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
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _verdict(path: Path, supervisor: _Supervisor, returncode: int) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _say(f"the load test ended without a verdict (Locust exit code {returncode}); see its output above")
        return EXIT_NOT_RUN
    verdict, _, table = text.partition("\n")
    print(table.rstrip(), flush=True)
    word = verdict.strip()
    if word not in ("pass", "incomplete"):
        return EXIT_FAILED
    if word == "incomplete":
        _say("the gates passed on what was measured, but part of the run's measurements was lost (see above)")
        return EXIT_NOT_RUN
    if supervisor.interrupted:
        _say(f"the gates passed on what was measured, but the run did not complete ({supervisor.interrupted})")
        return EXIT_NOT_RUN
    return EXIT_PASS


def main(argv: Sequence[str]) -> int:
    try:
        master, argv = distributed.master_from(argv)  # `--master`: workers on other machines (loadtests.distributed)
        settings = load(argv)
        problem = distributed.master_problem(master, settings.workers, settings.web, settings.target)
        if problem is not None:
            raise SettingsError(problem)
        profile = target_profile.resolve_for_run(settings.options, settings.target, settings.config_file)
        credentials_for(profile)  # secrets missing from the environment: one line now, not after start-up
    except (SettingsError, distributed.DistributedError, target_profile.TargetError, AuthError) as error:
        _say(str(error))
        return EXIT_NOT_RUN
    if profile.base_url is not None and settings.emulator_args:
        _say(f"--emulator-arg only applies to the embedded emulator, but profile {profile.name} targets "
             f"{profile.base_url}; drop --emulator-arg or the target")
        return EXIT_NOT_RUN
    # A non-local target needs an explicit ceiling on the rate (issue 6): the real service bills and rate-limits.
    explicit_rate = "target_rps" in settings.explicit
    problem = target_profile.ceiling_problem(profile, settings.load, explicit_rate)
    if problem is not None:
        _say(problem)
        return EXIT_NOT_RUN
    held = target_profile.held_rate(settings.load, explicit_rate)
    if held is not None:  # --max-rps without --target-rps: the run holds the ceiling
        settings = replace(settings, options={**settings.options, "target_rps": held},
                           load=replace(settings.load, target_rps=held))
    if not profile.verify_tls:
        _say(target_profile.insecure_warning(profile))
    if not profile.is_local:
        _say(target_profile.plan(profile, settings.load, settings.users, settings.run_time, settings.workers))
    report_dir = Path(str(settings.options.get("report_dir") or "reports"))
    run_id = str(settings.options.get("run_id") or "") or time.strftime("%Y%m%d-%H%M%S")
    emulator: RunningEmulator | None = None
    if profile.base_url is None:
        try:
            emulator = spawn(settings.emulator_args)
        except (EmulatorStartError, OSError) as error:
            _say(f"the embedded emulator did not start: {str(error).splitlines()[0] if str(error) else error!r}")
            return EXIT_NOT_RUN
        target = emulator.url
    else:
        target = profile.base_url
        reason = check_reachable(target)
        if reason is not None:
            _say(f"target {target} is not reachable ({reason}); start it, fix --target, or leave --target out "
                 "to use the embedded emulator")
            return EXIT_NOT_RUN
    try:
        if settings.web:
            return _run_web(settings, target, report_dir, emulator,
                            {RESOLVED_ENV: replace(profile, base_url=target).to_json()})
        (report_dir / run_id).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="edgeload-run-") as scratch:
            verdict = Path(scratch) / "verdict"
            command = locust_command(settings, target, report_dir, run_id, verdict)
            deadline = settings.run_time + settings.load.request_timeout + 30.0
            if master is not None:
                command += master.locust_argv()
                deadline += master.wait_s
                _say(master.announcement())
            resolved = replace(profile, base_url=target)  # the Locust process resolves nothing again
            supervisor = _Supervisor(command, emulator, deadline, {RESOLVED_ENV: resolved.to_json()})
            returncode = supervisor.run()
            # Locust's own HTML and CSV files too: the secrets this process read are masked wherever they are.
            redact_tree(report_dir / run_id)
            return _verdict(verdict, supervisor, returncode)
    except OSError as error:
        _say(f"could not run the load test: {error}")
        return EXIT_NOT_RUN
    finally:
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
