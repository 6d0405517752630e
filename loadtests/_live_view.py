"""What our tab of Locust's web UI shows while a run goes on: each gate with its threshold and current
value, contract violations by check with one example exchange each (redacted), and the generator's CPU.

Pure: a `LiveDocument` from the process's state, then rows for Locust's table. The gates are evaluated on a live
summary exactly as at the end of the run (loadtests._gates), so what the tab says "fails" is what the verdict will
say unless the figures change. Flask and Locust's UI wiring live in loadtests._web_ui.
"""

from __future__ import annotations

import re
from typing import TypedDict

from loadtests._gates import GateResult, evaluate, run_gates
from loadtests._process_state import ProcessState
from loadtests._reports.exchange import redact_example
from loadtests._run_summary import ExampleExchange, RunSummary, rule_of
from loadtests._verdict import decide
from targets import redact

BODY_CHARS = 300  # per body in the table's example cell; the JSON route has the whole example
NOT_YET = "not measured yet"


class LiveGate(TypedDict):
    gate: str
    metric: str
    threshold: str
    current: str
    passed: bool | None  # None: nothing measured yet


class LiveViolation(TypedDict):
    check: str
    rule: str  # the check's rule, from the contract registry
    count: int
    example: ExampleExchange | None  # the first failing exchange of the check, redacted


class LiveCpu(TypedDict):
    source: str  # "local", "master", "worker-1" ...
    now: float | None  # percent of one core over the last sample
    max: float | None


class LiveDocument(TypedDict):
    state: str  # "ready" (no run yet), "running", "stopped"
    run_id: str
    elapsed_s: float
    requests: int
    problem: str | None  # why the last start was refused, or why the run ended early
    verdict: str  # "" before a run; "PASS so far" / "FAIL so far" while running; the reports' headline after
    gates: list[LiveGate]
    violations: list[LiveViolation]
    cpu: list[LiveCpu]


class LiveRow(TypedDict):
    """One row of Locust's extended table; keys stay single words (the UI camel-cases keys it receives).

    No `name` key: Locust sorts table rows by `name` unless a header is clicked, and rows without one keep the
    order given here (run, gates, violations, CPU).
    """

    kind: str
    item: str
    threshold: str
    current: str
    result: str
    example: str


def live_document(state: ProcessState, now: float) -> LiveDocument:
    """The state's live figures; `now` ends the measured time of a running run."""
    problem = state.stop_reason
    gates = run_gates(state.options)  # parsed with the options: a bad gate never became the state's options
    measurements = state.measurements
    if measurements is None:
        return LiveDocument(state="ready", run_id="", elapsed_s=0.0, requests=0, problem=problem, verdict="",
                            gates=[LiveGate(gate=g.text, metric=g.metric, threshold=g.threshold_text(), current=NOT_YET,
                                            passed=None)
                                   for g in gates], violations=[], cpu=[])
    summary = measurements.summary(now if state.running else None, timeline=False)
    results = evaluate(gates, summary, state.options.target_rps or None)
    # Gates without a value yet are waiting, not failed (see _gate); the end of the run decides.
    so_far = decide([result for result in results if result.value is not None]).word + " so far"
    return LiveDocument(
        state="running" if state.running else "stopped",
        run_id=state.run_id,
        elapsed_s=round(summary.duration_s, 1),
        requests=summary.total_requests,
        problem=problem,
        verdict=so_far if state.running else state.verdict or so_far,
        gates=[_gate(result) for result in results],
        violations=[LiveViolation(check=check, rule=rule_of(check), count=count,
                                  example=_redacted(summary.examples.get(check)))
                    for check, count in summary.violations_by_check.items()],
        cpu=_cpu(summary, measurements.cpu_samples),
    )


def live_rows(document: LiveDocument) -> list[LiveRow]:
    """The table of our tab: the run, then gates, violations by check, the generator's CPU."""
    word = {"ready": "no run yet", "running": "running", "stopped": "stopped"}[document["state"]]
    rows = [LiveRow(kind="run", item=document["run_id"] or "-", threshold="",
                    current=f"{word}, {document['requests']} requests in {document['elapsed_s']:g} s",
                    result=document["verdict"], example="")]
    if document["problem"]:
        rows.append(LiveRow(kind="problem", item="", threshold="", current=document["problem"], result="",
                            example=""))
    rows += [LiveRow(kind="gate", item=gate["gate"], threshold=gate["threshold"], current=gate["current"],
                     result={True: "pass", False: "FAIL", None: "waiting"}[gate["passed"]], example="")
             for gate in document["gates"]]
    # A check's threshold is its rule: every response must keep it.
    rows += [LiveRow(kind="violation", item=violation["check"], threshold=violation["rule"],
                     current=f"{violation['count']}",
                     result="FAIL", example=compact_example(violation["example"]))
             for violation in document["violations"]]
    cpu_gate = next((gate for gate in document["gates"] if gate["metric"] == "cpu"), None)
    rows += [LiveRow(kind="cpu", item=f"generator CPU ({cpu['source']})",
                     threshold=cpu_gate["threshold"] + " (max)" if cpu_gate else "",
                     current=f"now {_percent(cpu['now'])}, max {_percent(cpu['max'])} of one core", result="",
                     example="") for cpu in document["cpu"]]
    return rows


def compact_example(example: ExampleExchange | None) -> str:
    """An example exchange for a table cell: the rule it broke; the request line, headers on one line, body cut;
    then the response."""
    if example is None:
        return "(no example: this check always failed together with another one, whose example is kept)"
    cause = f"\ncause: {example['cause']}" if "cause" in example else ""
    rule = f"{example['rule']}\n" if "rule" in example else ""  # which check failed and why, first
    return f"{rule}{_compact(example['request'])}\n→ {_compact(example['response'])}{cause}"


def _compact(text: str) -> str:
    head, _, body = text.partition("\n\n")
    first, *headers = head.splitlines() or [""]
    body = re.sub(r"\s*\n\s*", " ", body.strip())  # the report's indented JSON, on as few lines as it takes
    if len(body) > BODY_CHARS:
        body = f"{body[:BODY_CHARS]}… ({len(body) - BODY_CHARS} more characters)"
    return "\n".join(part for part in (first, "; ".join(headers), body) if part)


def _gate(result: GateResult) -> LiveGate:
    # No value yet (no request after the warm-up, no CPU sample): waiting, not failed; the end of the run decides.
    return LiveGate(gate=result.name, metric=result.gate.metric, threshold=result.threshold, current=result.measured,
                    passed=None if result.value is None else result.passed)


def _redacted(example: ExampleExchange | None) -> ExampleExchange | None:
    # Examples are redacted when recorded; again here because a secret may have been registered since.
    if example is None:
        return None
    return redact_example(example, redact)


def _cpu(summary: RunSummary, samples: list[tuple[float, float, str]]) -> list[LiveCpu]:
    latest: dict[str, float] = {}
    for _, percent, source in sorted(samples):
        latest[source] = percent
    return [LiveCpu(source=source, now=latest.get(source), max=peak)
            for source, peak in summary.cpu["by_source"].items()]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"
