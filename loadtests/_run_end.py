"""The end of a run in the Locust master (or the only process): gates, reports, console table, exit code.

Runs on what was measured, however the run ended (its time, an abort gate, Ctrl-C, SIGTERM, a target that went
away): every report is written and the gates evaluated even then, and the verdict says INTERRUPTED when the run
did not run its course (loadtests._verdict). Also the small pieces the
listeners need around it: persona weights and the example exchange of a failure category.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import locust
import orjson

from contracts import Exchange
from loadtests._baseline import BaselineError
from loadtests._baseline import resolve as resolve_baseline
from loadtests._exchange_adapter import CheckFailed
from loadtests._gates import describe_defaults, evaluate, run_gates
from loadtests._history import record_run
from loadtests._options import LoadOptions
from loadtests._personas import PERSONAS
from loadtests._process_state import ProcessState
from loadtests._report_folder import claim
from loadtests._reports import format_exchange, format_gate_table, format_summary, redact, write_reports
from loadtests._run_settings import rate_profile
from loadtests._run_summary import ExampleExchange, RunSummary
from loadtests._verdict import verdict
from reporting import write_atomic
from targets import RULES as TRANSPORT_RULES

ON_TIME_S = 0.5  # a run that ended within this of its run time ran its course (Locust's own quit takes ~0.5 s)
LOCUST_HTML = "locust.html"


def apply_persona_weights(environment: Any, options: LoadOptions) -> None:
    """Give our personas their `--persona-weights`; a weight of 0 leaves a persona out of the run.

    Locust's dispatcher cannot take a weight of 0 (its weighted generator divides by it), so such classes are
    taken out of `environment.user_classes` instead, which the runner reads at each start.
    """
    weights = options.persona_weights or {}
    keep = []
    for user_class in environment.user_classes:
        persona: str = getattr(user_class, "persona", "")  # a user class of one's own has none
        if persona in PERSONAS and persona in weights:
            if weights[persona] <= 0:
                continue
            user_class.weight = weights[persona]
        keep.append(user_class)
    if not keep:
        raise ValueError("--persona-weights leaves no user class to run; give at least one persona a weight above 0")
    environment.user_classes[:] = keep


def example_of(operation: str, exception: BaseException | None, request: dict[str, Any],
               category: str = "") -> ExampleExchange:
    """The rendered, redacted example exchange of one failed request, kept for `category` (one per category)."""
    method = str(request.get("request_type") or "POST")
    url = str(request.get("url") or operation)
    exchange = exception.exchange if isinstance(exception, CheckFailed) else None
    rule = broken_rule(category, exception) if category else ""
    if exchange is None:
        return format_exchange(operation, method=method, url=url, request_headers={}, request_body=None, status=None,
                               response_headers={}, response_body=None, note=repr(exception), rule=rule)
    transport = exchange.status == 0
    return format_exchange(
        operation, method=method, url=url, request_headers=exchange.request_headers,
        request_body=exchange.request_body, status=None if transport else exchange.status,
        response_headers=exchange.response_headers, response_body=exchange.response_body,
        note=f"{exception!r}: no complete response" if transport else "",
        cause="\n".join(getattr(exception, "causes", ())),  # the concrete cause of each broken rule
        rule=rule,
    )


def broken_rule(category: str, failure: BaseException | None) -> str:
    """Which check or category failed and why, in one line: "request_id_echo: sent 'x', the body's ... is 'y'".

    A violation's concrete cause when it has one, else its rule (contracts._violations); a transport category's rule
    (targets._transport); a status category's status and problem type.
    """
    if isinstance(failure, CheckFailed):
        violation = next((v for v in failure.violations if v.check == category), None)
        if violation is not None:
            return f"{category}: {violation.detail}" if violation.detail else str(violation)
        if category in TRANSPORT_RULES:
            return f"{category}: {TRANSPORT_RULES[category]}"
        if failure.exchange is not None and failure.exchange.status:
            return f"{category}: the target answered HTTP {failure.exchange.status}{_problem(failure.exchange)}"
    return f"{category}: {failure!r}"  # a user of one's own raised it: what it raised is all there is


def _problem(exchange: Exchange) -> str:
    """" (EXEG-0003-400: title)" from a problem+json body (RFC 9457 `type` and `title`), else ""."""
    try:
        body = orjson.loads(exchange.response_body)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(body, dict):
        return ""
    code = str(body.get("type") or "").rsplit("/", 1)[-1]
    title = str(body.get("title") or "")
    return f" ({code}: {title})" if code and title else f" ({code or title})" if code or title else ""


def run_settings(environment: Any, state: ProcessState) -> dict[str, Any]:
    """The settings a report shows: ours, and Locust's that shape the run (secrets are redacted by the writer)."""
    parsed = environment.parsed_options
    settings = state.settings
    options = settings.load
    return {
        "target": environment.host,
        "run_id": state.run_id,
        "users": settings.users,
        "spawn_rate": settings.spawn_rate,
        "run_time_s": settings.run_time,
        "workers": getattr(parsed, "expect_workers", 1) if getattr(parsed, "master", False) else 1,
        "shape": settings.shape,
        "target_rps": options.target_rps or None,
        "user_rps": options.user_rps or None,
        "persona_weights": dict(options.persona_weights or {}),
        "mix": dict(options.mix) if options.mix else None,
        "datastream_id": options.datastream_id,
        "seed": options.seed,
        "warmup_s": options.warmup,
        "gates": [gate.text for gate in options.gates],
        "respect_retry_after": options.respect_retry_after,
        "request_timeout_s": options.request_timeout,
        "locust": locust.__version__,
    }


def _stop_reason(environment: Any, state: ProcessState) -> str | None:
    """Why the run ended early, and what went wrong on the way (a lost worker): None when nothing did."""
    return "; ".join(filter(None, [_early_end(environment, state), *state.incidents])) or None


def _interrupted(environment: Any, state: ProcessState) -> str | None:
    """What cut the run short (a signal, a lost worker, an early end that no gate asked for); None if nothing."""
    if state.stop_reason and not state.interrupted_by:  # an abort gate ended it: a FAIL, not an interruption
        return "; ".join(state.incidents) or None
    early = _early_end(environment, state)
    signal = f"stopped by {state.interrupted_by}" if state.interrupted_by else None
    return "; ".join(filter(None, [signal, early, *state.incidents])) or None


def _early_end(environment: Any, state: ProcessState) -> str | None:
    if state.stop_reason:
        return state.stop_reason
    if state.count_reached:  # --requests: the run's course is its count, not its time
        return None
    measurements = state.measurements
    run_time = state.settings.run_time
    if getattr(environment.shape_class, "completed", False) or measurements is None or run_time is None:
        return None
    elapsed = (measurements.ended or time.time()) - measurements.started
    if elapsed < run_time - ON_TIME_S:
        return f"interrupted after {elapsed:.1f} s of {run_time:g} s: figures cover what was measured"
    return None


def rate_target(environment: Any, state: ProcessState, summary: RunSummary) -> float | None:
    """The rate a relative `rps` gate compares with: the shape's mean rate over the measured period (the target
    itself for a constant shape), None in a closed-model run."""
    options = state.options
    profile = rate_profile(options, state.settings.shape, state.settings.run_time)
    if profile is None or summary.measured_s <= 0:
        return options.target_rps or None
    begin = (summary.warmup_until or summary.started) - summary.started
    end = begin + summary.measured_s
    scheduled = profile.total(end) - profile.total(begin)
    return scheduled / summary.measured_s if scheduled > 0 else options.target_rps or None


def report_folder(options: LoadOptions, run_id: str) -> Path:
    """The run's report folder: made by `edgeload run` already (it passes --verdict-file), else claimed here; a
    taken name gets a suffix, since refusing now would lose the reports (loadtests._report_folder)."""
    directory = Path(options.report_dir) / run_id
    if options.verdict_file:
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return claim(Path(options.report_dir), run_id, explicit=False)


def write_locust_html(environment: Any, directory: Path) -> Path:
    """Locust's own HTML report, written here rather than by Locust's --html: Locust writes that before its
    `quitting` event, so a failed write there cost every report of ours (docs/reliability.md#nothing-is-lost)."""
    from locust.html import get_html_report

    page = get_html_report(environment, show_download_link=False)  # type: ignore[no-untyped-call]
    return write_atomic(directory / LOCUST_HTML, redact(str(page)))
def baseline_of(options: LoadOptions) -> dict[str, Any] | str | None:
    """The --baseline run's record, or why there is none (the baseline gates then fail saying so)."""
    if not options.baseline:
        return None
    try:
        return resolve_baseline(options.baseline, options.report_dir or "reports")
    except BaselineError as error:
        return str(error)


def finish(environment: Any, state: ProcessState) -> None:
    """Evaluate the gates, write every report, show the verdict and set the exit code (loadtests._verdict)."""
    measurements = state.measurements
    if measurements is None or state.finished:
        return
    state.finished = True
    if measurements.ended is None:
        measurements.finish(time.time())
    options = state.options
    settings = run_settings(environment, state)
    summary = measurements.summary(settings=settings)
    summary.stop_reason = _stop_reason(environment, state)
    summary.interrupted = _interrupted(environment, state)
    results = evaluate(run_gates(options), summary, rate_target(environment, state, summary), baseline_of(options))
    outcome = verdict(summary, results)
    state.verdict = outcome.headline
    problems: list[str] = []
    defaults = ("default gates dropped (--no-default-gates)" if options.no_default_gates
                else describe_defaults(options.target_rps or None))
    text = format_summary(summary) + "\n\n" + format_gate_table(results, outcome, defaults)
    if summary.stop_reason:
        text = f"{summary.stop_reason}\n{text}"
    if options.report_dir:
        try:
            directory = report_folder(options, state.run_id)
        except (OSError, ValueError) as error:
            problems.append(f"could not create the report folder: {error}")
        else:
            try:  # Locust's own report first: index.html links it when present
                write_locust_html(environment, directory)
            except Exception as error:  # one report that fails costs no other (docs/reliability.md#nothing-is-lost)
                problems.append(f"could not write {directory / LOCUST_HTML}: {type(error).__name__}: {error}")
            written = write_reports(directory, summary, results, settings, on_error=problems.append)
            if any(path.name == "index.html" for path in written):
                text += f"\nreports: {directory}/index.html"
        problem = record_run(options.report_dir, summary, results)  # the run history (docs/regressions.md#run-history)
        if problem:
            problems.append(problem)
    text += "".join(f"\n{redact(problem)}" for problem in problems)
    environment.process_exit_code = outcome.outcome.exit_code
    if options.verdict_file:
        try:
            # `edgeload run` prints this after Locust's own final tables, so that the console ends with the gates.
            write_atomic(options.verdict_file, outcome.outcome.slug + "\n" + text + "\n")
            return
        except OSError as error:  # the console still gets the verdict; edgeload run will say it found none
            text += f"\n{redact(f'could not hand the verdict to edgeload run: {error}')}"
    print(text, flush=True)
