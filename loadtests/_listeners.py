"""Every Locust event listener of edgeload, in one module; each takes **kwargs
(https://docs.locust.io/en/stable/extending-locust.html).

What they wire, per Locust process:
- settings: our command-line options on Locust's parser (web UI fields included), parsed once at init into the
  typed `RunSettings` every other part reads, and again only when the web UI or the master changed them
  (loadtests._run_settings);
- measurements: every request's latency in microseconds from the request event's float `response_time` (not
  Locust's rounded statistics) and, in the open model, from its scheduled time; its failure categories, late
  requests and the process's CPU every 0.5 s from the start of the run, into one `Measurements`;
- trust: where users run, a probe greenlet that wakes every 5 ms and records how late, and the event loop
  thread's run-queue wait every 0.5 s (loadtests._trust);
- distribution: workers ship `Measurements.to_wire()` in Locust's own reports; when a run stops, the master asks
  each worker to stop its users and send a final report, and waits for it, so every request a worker sent is in
  the totals (Locust's own quit waits only 0.5 s for its workers' last statistics);
- the schedule: the master hands each worker its share of the global target rate (its place in the interleave);
- the end: gates that abort early, then gates, reports, the console table and the exit code (loadtests._run_end);
- the web UI: our tab, its live route, and the embedded emulator when it has no target (loadtests._web_ui);
- the console of a headless run: Locust's tables, or our progress line once a second (loadtests._progress).
"""

# Locust's EventHook.add_listener is untyped; this one relaxation is local to the listeners.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Any

import gevent
from gevent.socket import wait_read
from locust import events
from locust.runners import STATE_RUNNING, STATE_SPAWNING, WORKER_REPORT_INTERVAL, MasterRunner, WorkerRunner

from contracts import ExitCode
from emulator import inherited_lifeline
from loadtests import _progress as progress
from loadtests import _rebalance as rebalance
from loadtests import _run_end as run_end
from loadtests import _target_profile as target_profile
from loadtests import _web_ui as web_ui
from loadtests._exchange_adapter import CheckFailed, status_category, transport_category
from loadtests._gates import GateError, run_gates
from loadtests._options import add_locust_options
from loadtests._pacing import GlobalRate
from loadtests._preload import preload
from loadtests._process_state import ProcessState, Schedule, current_state, process_state, set_state
from loadtests._run_settings import Fingerprint, from_environment, rate_profile
from loadtests._trust import PROBE_INTERVAL_S
from loadtests._windows import AbortWatch

logger = logging.getLogger("edgeload")
CPU_INTERVAL_S = 0.5
ABORT_CHECK_S = 1.0
DRAIN_MARGIN_S = 5.0
LOCAL_COUNT_S, MASTER_COUNT_S = 0.02, 1.0  # --requests: how often the count is read (a master's costs a summary)
SCHEDULE, STARTED, DRAIN, FINAL = "edgeload_schedule", "edgeload_started", "edgeload_drain", "edgeload_final"


@events.init_command_line_parser.add_listener
def on_init_command_line_parser(parser: Any, **kwargs: Any) -> None:
    add_locust_options(parser)


@events.init.add_listener
def on_init(environment: Any, **kwargs: Any) -> None:
    runner = environment.runner
    try:
        settings = from_environment(environment)  # the one parse of this process's settings
        options = settings.load
        if not isinstance(runner, WorkerRunner):
            run_end.apply_persona_weights(environment, options)
    except (ValueError, GateError) as error:
        # Bad input: one line naming the problem, no traceback.
        print(f"edgeload: {error}", file=sys.stderr)
        sys.exit(ExitCode.COULD_NOT_RUN)
    state = set_state(environment, ProcessState(environment, settings))
    embedded = web_ui.embedded_emulator(environment, options.target)  # plain `locust`: a web UI, no --host
    if embedded is not None:
        environment.host = embedded
    try:  # the target profile: host, datastream, credentials (a token fetched now where users run)
        target_profile.apply(environment, state, prime=not isinstance(runner, MasterRunner))
    except target_profile.TargetError as error:
        print(f"edgeload: {error}", file=sys.stderr)
        sys.exit(ExitCode.COULD_NOT_RUN)
    state.parsed_from = state.applied = Fingerprint.of(environment)  # after apply: it sets the resolved host
    if not environment.stop_timeout:
        # Without a stop timeout Locust kills users mid-request: the target would count requests the run never
        # recorded. Let in-flight requests finish (they end by the request timeout at the latest).
        environment.stop_timeout = options.request_timeout + 1.0
    if environment.web_ui is not None:
        web_ui.install(environment)
    if isinstance(runner, MasterRunner):
        runner.register_message(FINAL, _on_final)
        runner.register_message(STARTED, _on_started)
    elif isinstance(runner, WorkerRunner):
        runner.register_message(SCHEDULE, _on_schedule)
        runner.register_message(DRAIN, _on_drain, concurrent=True)
        runner.register_message(rebalance.RESCHEDULE, rebalance.on_reschedule)
    preload()  # nothing that blocks the event loop for milliseconds may happen mid-run (loadtests._preload)
    state.sampler_primed()
    if not isinstance(runner, MasterRunner):  # the master runs no users
        state.prepare_traffic()
    if _headless(environment) and not isinstance(runner, WorkerRunner):
        gevent.signal_handler(signal.SIGINT, _on_interrupt)
    lifeline = inherited_lifeline()
    if lifeline is not None:  # started by edgeload run: die with it (forked workers too, they inherit the pipe)
        gevent.spawn(_watch_lifeline, lifeline)
    if options.console != "tables":  # Locust prints its tables, periodic and final, on this logger
        logging.getLogger("locust.stats_logger").setLevel(logging.WARNING)


@events.test_start.add_listener
def on_test_start(environment: Any, **kwargs: Any) -> None:
    state = process_state(environment)
    runner = environment.runner
    # The web UI's form or a master's spawn message may have changed the options, the host or the profile: then
    # (only then) they are parsed again (gates checked with them), and a value that cannot be used stops the run.
    try:
        state.refresh_settings()
        if state.applied != state.parsed_from:
            target_profile.apply(environment, state, prime=not isinstance(runner, MasterRunner))
            state.parsed_from = state.applied = Fingerprint.of(environment)
    except (ValueError, GateError) as error:  # TargetError is a ValueError
        state.stop_reason = f"not started: {error}"  # our web UI tab shows it (loadtests._live_view)
        logger.error("edgeload: %s", error)
        gevent.spawn(runner.stop)
        return
    state.begin_run(source=_source(runner))
    gevent.spawn(_sample_cpu, state, state.run_number)
    if state.options.requests and not isinstance(runner, WorkerRunner):
        gevent.spawn(_watch_request_count, environment, state, state.run_number)
    if _headless(environment) and state.options.console == "progress" and not isinstance(runner, WorkerRunner):
        gevent.spawn(_print_progress, environment, state, state.run_number)
    if isinstance(runner, MasterRunner):
        state.worker_starts = {}
        _send_schedules(environment, state)
        gevent.spawn(rebalance.watch, environment, state, state.run_number, rebalance.live_workers(runner))
        gevent.spawn(_watch_abort_gates, environment, state, state.run_number)
        return
    gevent.spawn(_probe_lag, state, state.run_number)  # the master times no request: its clock is not measured
    if isinstance(runner, WorkerRunner):
        # Workers start on Locust's spawn message, from tens of milliseconds to a second after the master on a
        # busy machine: each runs its whole schedule from its own start and tells the master, whose shape ends
        # the run once the last worker has had its full run time (loadtests._shapes).
        runner.send_message(STARTED, {"at": state.start_at})
    else:
        run_end.apply_persona_weights(environment, state.options)
        gevent.spawn(_watch_abort_gates, environment, state, state.run_number)
    state.prepare_traffic()  # a no-op unless the web UI changed the seed or the mix
    schedule = state.schedule or Schedule(1, 0, state.settings.shape, state.settings.run_time)
    profile = rate_profile(state.options, schedule.shape, schedule.run_time)
    state.rate = None if profile is None else GlobalRate(profile, stride=schedule.stride, offset=schedule.offset,
                                                         on_late=state.record_late)
    if state.rate is not None:
        state.rate.start()


@events.request.add_listener
def on_request(name: str, response_time: float, exception: BaseException | None, **kwargs: Any) -> None:
    state = current_state()
    if state is None or state.measurements is None:
        return
    if exception is None:
        failure: tuple[str, ...] | None = None
    elif isinstance(exception, CheckFailed):
        failure = exception.categories
    else:  # a user of one's own, not judged by our personas: categorise by what happened
        response = kwargs.get("response")
        status = getattr(response, "status_code", 0) or 0
        failure = (status_category(status) or "http_error",) if status else (transport_category(exception),)
    at = time.time()
    schedule = kwargs.get("schedule_response_time")  # ms from the slot's due time, open model only (users.py)
    state.requests_seen += 1
    state.measurements.record(name, int(response_time * 1000.0), failure, at,
                              None if schedule is None else int(schedule * 1000.0))
    # One example per category, each naming its own rule: a request failing two checks may be the only example
    # of the second one.
    for category in failure or ():
        if state.measurements.wants_example(category):
            state.measurements.record_example(category, run_end.example_of(name, exception, kwargs, category))


@events.report_to_master.add_listener
def on_report_to_master(data: dict[str, Any], **kwargs: Any) -> None:
    state = current_state()
    if state is not None and state.measurements is not None:
        data["edgeload"] = state.measurements.to_wire(reset=True)


@events.worker_report.add_listener
def on_worker_report(data: dict[str, Any], **kwargs: Any) -> None:
    state = current_state()
    wire = data.get("edgeload")
    if state is not None and state.measurements is not None and wire:
        state.measurements.merge_wire(wire)


@events.test_stopping.add_listener
def on_test_stopping(environment: Any, **kwargs: Any) -> None:
    state = process_state(environment)
    state.stopping()
    if isinstance(environment.runner, MasterRunner):
        _drain_workers(environment, state)


@events.test_stop.add_listener
def on_test_stop(environment: Any, **kwargs: Any) -> None:
    state = process_state(environment)
    runner = environment.runner
    state.end_run(finish=not isinstance(runner, WorkerRunner))
    _CONSOLE.close()  # the progress line, before anything else is printed
    if isinstance(runner, WorkerRunner):
        wire = None if state.measurements is None else state.measurements.to_wire(reset=True)
        runner.send_message(FINAL, {"wire": wire})
    if not isinstance(runner, MasterRunner) and not _headless(environment):
        gevent.spawn(state.rebuild_traffic)  # for the next web UI run; after the final report, awaited by the master
    if isinstance(runner, WorkerRunner):
        return
    if not _headless(environment):
        run_end.finish(environment, state)  # a web UI run: its reports now, it may start again


@events.quitting.add_listener
def on_quitting(environment: Any, **kwargs: Any) -> None:
    state = process_state(environment)
    if not isinstance(environment.runner, WorkerRunner) and _headless(environment):
        run_end.finish(environment, state)


# --- helpers ----------------------------------------------------------------------------------------------------

def _headless(environment: Any) -> bool:
    return bool(getattr(environment.parsed_options, "headless", False))


def _source(runner: Any) -> str:
    if isinstance(runner, WorkerRunner):
        return f"worker-{runner.worker_index}"
    return "master" if isinstance(runner, MasterRunner) else "local"


def _sample_cpu(state: ProcessState, run_number: int) -> None:
    # A greenlet, not a thread: psutil reads /proc without blocking, and cpu_percent averages over the time that
    # actually passed, so a starved sampler reports late, not wrong (loadtests._cpu).
    while True:
        gevent.sleep(CPU_INTERVAL_S)
        if state.run_number != run_number or not state.running:
            return
        state.sample_cpu()
        state.sample_runqueue()


_CONSOLE = progress.ConsoleLine(sys.stderr, sys.stderr.isatty())


def _print_progress(environment: Any, state: ProcessState, run_number: int) -> None:
    rate = progress.RecentRate(WORKER_REPORT_INTERVAL + 1.0 if isinstance(environment.runner, MasterRunner) else 0.0)
    total_s = state.settings.run_time
    while True:
        gevent.sleep(progress.INTERVAL_S)
        measurements = state.measurements
        if state.run_number != run_number or not state.running or measurements is None:
            return
        if not rate.samples:  # the load began at the start, not at the first sample (a master's may be seconds late)
            rate.add(measurements.started, 0)
        now = time.time()
        requests, failures, p95_ms = measurements.live_totals()
        _CONSOLE.show(progress.progress_text(now - measurements.started, total_s, rate.add(now, requests),
                                             state.options.target_rps, requests, failures, p95_ms))


def _probe_lag(state: ProcessState, run_number: int) -> None:
    # Relative, not absolute, wake-up times: each wake-up measures one delay, and one long stall is not counted
    # again in every wake-up after it.
    while True:
        intended = time.monotonic() + PROBE_INTERVAL_S
        gevent.sleep(PROBE_INTERVAL_S)
        woke = time.monotonic()
        measurements = state.measurements
        if state.run_number != run_number or not state.running or measurements is None:
            return
        measurements.trust.observe_wake(intended, woke)


def _watch_abort_gates(environment: Any, state: ProcessState, run_number: int) -> None:
    gates = [gate for gate in run_gates(state.options) if gate.abort]
    watch = AbortWatch(gates)  # remembers since when each gate fails, for `!abort after 30s`
    while gates and state.run_number == run_number and state.running:
        gevent.sleep(ABORT_CHECK_S)
        measurements = state.measurements
        if measurements is None or state.run_number != run_number:
            return
        summary = measurements.summary(time.time(), timeline=False)
        gate = watch.check(summary, time.time() - measurements.started, state.options.target_rps or None)
        if gate is not None:
            state.stop_reason = f"aborted early: gate {gate.text!r} failed"
            logger.error("edgeload: %s", state.stop_reason)
            (environment.runner.quit if _headless(environment) else environment.runner.stop)()
            return


def _watch_request_count(environment: Any, state: ProcessState, run_number: int) -> None:
    """End the run once `--requests` requests were measured. A master counts what its workers reported (every
    few seconds): a distributed run may overshoot by one report interval of load."""
    master = isinstance(environment.runner, MasterRunner)
    while state.run_number == run_number and state.running:
        gevent.sleep(MASTER_COUNT_S if master else LOCAL_COUNT_S)
        measurements = state.measurements
        if measurements is None or state.run_number != run_number:
            return
        seen = measurements.summary(time.time(), timeline=False).total_requests if master else state.requests_seen
        if seen >= state.options.requests:
            state.count_reached = True
            logger.info("edgeload: %d requests measured (--requests %d): ending the run", seen, state.options.requests)
            (environment.runner.quit if _headless(environment) else environment.runner.stop)()
            return


def _send_schedules(environment: Any, state: ProcessState) -> None:
    """Give each worker its place in the global interleave (sent before Locust's spawn messages: same socket)."""
    runner = environment.runner
    workers = rebalance.live_workers(runner)
    shape, run_time = state.settings.shape, state.settings.run_time
    for offset, client_id in enumerate(workers):
        data = {"stride": len(workers), "offset": offset, "shape": shape, "run_time": run_time}
        runner.send_message(SCHEDULE, data, client_id=client_id)


def _on_schedule(environment: Any, msg: Any, **kwargs: Any) -> None:
    data = msg.data
    run_time = data["run_time"]
    process_state(environment).schedule = Schedule(
        int(data["stride"]), int(data["offset"]), str(data["shape"]), None if run_time is None else float(run_time))


def _on_started(environment: Any, msg: Any, **kwargs: Any) -> None:
    """A worker's load started: the run's load spans from the first worker's start to the last one's end."""
    state = process_state(environment)
    state.worker_starts[msg.node_id] = float(msg.data["at"])
    state.start_at = max(state.worker_starts.values())
    if state.measurements is not None:
        state.measurements.started = min(state.worker_starts.values())


def _watch_lifeline(fd: int) -> None:
    """Exit at once when `edgeload run` has died (its pipe reaches end-of-file): nobody is left to read what this
    process measures, and its load must stop with the run (emulator._lifeline). Silently: the output it shared
    with the dead parent may be a pipe nobody reads any more, where a log line would block this exit for good."""
    try:
        while True:
            wait_read(fd)
            if not os.read(fd, 64):
                break
    except OSError:
        pass
    os._exit(ExitCode.INTERRUPTED)


def _on_interrupt() -> None:
    """Ctrl-C in a headless run: Locust's own KeyboardInterrupt, delivered to the main greenlet where Locust waits
    for it (it then stops the run, writes its HTML report and fires `quitting`, where ours are written).

    Python raises the KeyboardInterrupt of a SIGINT in whichever greenlet happens to run; measured here, about
    one interrupt in eight was lost that way and the run went on to its end (tests/loadtests/test_run.py).
    The run's verdict is then INTERRUPTED (loadtests._verdict), whatever its gates say.
    """
    state = current_state()
    if state is not None and state.running and state.interrupted_by is None:
        state.interrupted_by = "SIGINT (Ctrl-C, or edgeload run stopping it)"
    gevent.get_hub().parent.throw(KeyboardInterrupt())


def _drain_workers(environment: Any, state: ProcessState) -> None:
    """Stop every worker's users and wait for their final measurements (bounded by the stop timeout)."""
    runner = environment.runner
    # A worker without a heartbeat for 3 s is killed or hung (Locust marks it missing): waiting for it would only
    # delay the reports by the stop timeout.
    lost = {client.id for client in runner.clients.missing}
    pending = {client.id for client in runner.clients.all} - lost
    state.finals_pending = pending
    for client_id in pending:
        runner.send_message(DRAIN, None, client_id=client_id)
    deadline = time.monotonic() + (environment.stop_timeout or 0.0) + DRAIN_MARGIN_S
    while state.finals_pending and time.monotonic() < deadline:
        gevent.sleep(0.02)
    lost |= state.finals_pending
    if lost:
        names = ", ".join(sorted(f"worker-{runner.get_worker_index(client_id)}" for client_id in lost))
        state.incidents.append(f"lost {names} mid-run: the requests sent after its last report (they come every "
                               f"{WORKER_REPORT_INTERVAL:g} s) are missing from the figures")
        logger.warning("edgeload: %s", state.incidents[-1])


def _on_drain(environment: Any, **kwargs: Any) -> None:
    runner = environment.runner
    if runner.state in (STATE_RUNNING, STATE_SPAWNING):
        runner.stop()  # users finish their request; test_stop then sends the final measurements
    else:  # nothing running (never started, or already stopped): answer at once, the master is waiting
        measurements = process_state(environment).measurements
        runner.send_message(FINAL, {"wire": None if measurements is None else measurements.to_wire(reset=True)})


def _on_final(environment: Any, msg: Any, **kwargs: Any) -> None:
    state = process_state(environment)
    if state.measurements is not None and msg.data.get("wire"):
        state.measurements.merge_wire(msg.data["wire"])
    state.finals_pending.discard(msg.node_id)
