"""The end of a run in the Locust master (or the only process): gates, reports, console table, exit code.

Runs on what was measured, however the run ended (its time, an abort gate, Ctrl-C, SIGTERM, a target that went
away): issue 5 asks that every report be written and the gates evaluated even then. Also the small pieces the
listeners need around it: persona weights and the example exchange of a failure category.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import locust

from loadtests.atomic import write_atomic
from loadtests.baseline import BaselineError
from loadtests.baseline import resolve as resolve_baseline
from loadtests.exchange_adapter import CheckFailed
from loadtests.gates import evaluate, parse_gates, passed
from loadtests.history import record_run
from loadtests.options import PERSONAS, LoadOptions
from loadtests.process_state import ProcessState
from loadtests.reports import format_exchange, format_gate_table, format_summary, write_reports
from loadtests.run_summary import ExampleExchange
from loadtests.shapes import run_time_of, shape_name_of

ON_TIME_S = 0.5  # a run that ended within this of its run time ran its course (Locust's own quit takes ~0.5 s)


def apply_persona_weights(environment: Any, options: LoadOptions) -> None:
    """Give our personas their `--persona-weights`; a weight of 0 leaves a persona out of the run.

    Locust's dispatcher cannot take a weight of 0 (its weighted generator divides by it), so such classes are
    taken out of `environment.user_classes` instead, which the runner reads at each start.
    """
    weights = options.persona_weights or {}
    keep = []
    for user_class in environment.user_classes:
        persona = getattr(user_class, "persona", None)
        if persona in PERSONAS and persona in weights:
            if weights[persona] <= 0:
                continue
            user_class.weight = weights[persona]
        keep.append(user_class)
    if not keep:
        raise ValueError("--persona-weights leaves no user class to run; give at least one persona a weight above 0")
    environment.user_classes[:] = keep


def example_of(operation: str, exception: BaseException | None, request: dict[str, Any]) -> ExampleExchange:
    """The rendered, redacted example exchange of one failed request (once per failure category)."""
    method = str(request.get("request_type") or "POST")
    url = str(request.get("url") or operation)
    exchange = exception.exchange if isinstance(exception, CheckFailed) else None
    if exchange is None:
        return format_exchange(operation, method=method, url=url, request_headers={}, request_body=None, status=None,
                               response_headers={}, response_body=None, note=repr(exception))
    transport = exchange.status == 0
    return format_exchange(
        operation, method=method, url=url, request_headers=exchange.request_headers,
        request_body=exchange.request_body, status=None if transport else exchange.status,
        response_headers=exchange.response_headers, response_body=exchange.response_body,
        note=f"{exception!r}: no complete response" if transport else "",
        cause="\n".join(getattr(exception, "causes", ())),  # the concrete cause of each broken rule
    )


def run_settings(environment: Any, state: ProcessState) -> dict[str, Any]:
    """The settings a report shows: ours, and Locust's that shape the run (secrets are redacted by the writer)."""
    parsed = environment.parsed_options
    options = state.options
    return {
        "target": environment.host,
        "run_id": state.run_id,
        "users": getattr(parsed, "num_users", None),
        "spawn_rate": getattr(parsed, "spawn_rate", None),
        "run_time_s": run_time_of(environment),
        "workers": getattr(parsed, "expect_workers", 1) if getattr(parsed, "master", False) else 1,
        "shape": shape_name_of(environment, options),
        "target_rps": options.target_rps or None,
        "user_rps": options.user_rps or None,
        "persona_weights": dict(options.persona_weights or {}),
        "mix": dict(options.mix) if options.mix else None,
        "datastream_id": options.datastream_id,
        "seed": options.seed,
        "warmup_s": options.warmup,
        "gates": list(options.gates),
        "respect_retry_after": options.respect_retry_after,
        "request_timeout_s": options.request_timeout,
        "locust": locust.__version__,
    }


def _stop_reason(environment: Any, state: ProcessState) -> str | None:
    """Why the run ended early, and what went wrong on the way (a lost worker): None when nothing did."""
    return "; ".join(filter(None, [_early_end(environment, state), *state.incidents])) or None


def _early_end(environment: Any, state: ProcessState) -> str | None:
    if state.stop_reason:
        return state.stop_reason
    measurements = state.measurements
    run_time = run_time_of(environment)
    if getattr(environment.shape_class, "completed", False) or measurements is None or run_time is None:
        return None
    elapsed = (measurements.ended or time.time()) - measurements.started
    if elapsed < run_time - ON_TIME_S:
        return f"interrupted after {elapsed:.1f} s of {run_time:g} s: figures cover what was measured"
    return None


def baseline_of(options: LoadOptions) -> dict[str, Any] | str | None:
    """The --baseline run's record, or why there is none (the baseline gates then fail saying so)."""
    if not options.baseline:
        return None
    try:
        return resolve_baseline(options.baseline, options.report_dir or "reports")
    except BaselineError as error:
        return str(error)


def finish(environment: Any, state: ProcessState) -> None:
    """Evaluate the gates, write every report, show the verdict and set the exit code (0 pass, 1 a gate failed)."""
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
    results = evaluate(parse_gates(options.gates), summary, options.target_rps or None, baseline_of(options))
    ok = passed(results)
    text = format_summary(summary) + "\n\n" + format_gate_table(results)
    if summary.stop_reason:
        text = f"{summary.stop_reason}\n{text}"
    if options.report_dir:
        directory = Path(options.report_dir) / state.run_id
        write_reports(directory, summary, results, settings)
        problem = record_run(options.report_dir, summary, results)  # the run history (README "Run history")
        if problem:
            print(problem, flush=True)
        text += f"\nreports: {directory}/index.html"
    if options.verdict_file:
        # `edgeload run` prints this after Locust's own final tables, so that the console ends with the gates.
        # "incomplete": the gates passed, but part of what was sent was not measured (edgeload run exits 2).
        word = "fail" if not ok else "incomplete" if state.incidents else "pass"
        write_atomic(options.verdict_file, word + "\n" + text + "\n")
    else:
        print(text, flush=True)
    environment.process_exit_code = 0 if ok else 1
