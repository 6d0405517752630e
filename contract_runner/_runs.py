"""The two runners `edgeload contract` drives, each as a subprocess, and their results as `CaseRecord`s.

Subprocesses, not in-process calls: schemathesis has no in-process CLI mode, and the pytest suite
must run with its own options and conftest, whatever the calling process has imported.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import yaml

from contract_runner import _records as records
from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES
from contract_runner._progress import INTERVAL_S, SchemathesisWatcher, SuiteWatcher, Watcher
from contract_runner._reproduction import curl_command
from contract_runner._st_config import render
from contracts import CAUSE_PREFIX, CONTRACT_PATH, label_for, shorten
from targets import EXCHANGE_LOG_ENV, MAX_RESPONSE_ENV, RULES, TOO_LARGE, Tally, redact

SUITE = Path(__file__).with_name("suite")
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
SUITE_ERROR = "suite_error"  # a suite test that failed outside the verdict (a fixture, the target going away)
Report = Callable[[str], None]  # receives a runner's progress line, at most once a second (contract_runner._progress)


@dataclass
class RunResult:
    runner: str
    exit_code: int
    records: list[records.CaseRecord] = field(default_factory=list)
    output_tail: str = ""
    tally: Tally | None = None  # what it sent and got back; None when the runner left no count (it crashed)

    @property
    def could_run(self) -> bool:
        # pytest: 0 passed, 1 failures; schemathesis: 0 clean, 1 failures. Anything else means it did not run.
        return self.exit_code in (0, 1)


def _environment(extra: Mapping[str, str] = {}) -> dict[str, str]:
    # The hooks module and the suite's conftest import `contracts`: make it importable from any working directory.
    # `extra`: the resolved target profile; secrets stay in the inherited environment, never in argv.
    environment = {**os.environ, **extra}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), environment.get("PYTHONPATH")]))
    return environment


def _run(command: Sequence[str], env: Mapping[str, str] = {}, watch: Callable[[Path], Watcher] | None = None,
         report: Report | None = None) -> tuple[int, str]:
    """Run to the end, its output (stdout and stderr in one file) polled by `watch` once a second for `report`."""
    with tempfile.TemporaryDirectory(prefix="edgeload-contract-") as scratch:
        output = Path(scratch) / "output"
        with output.open("wb") as sink:
            # Unbuffered: pytest's progress counter reaches the file as it is printed.
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                       env={**_environment(env), "PYTHONUNBUFFERED": "1"})
            watcher = watch(output) if watch is not None and report is not None else None
            started = time.monotonic()
            while True:
                try:
                    process.wait(timeout=INTERVAL_S)
                    break
                except subprocess.TimeoutExpired:
                    line = None if watcher is None else watcher.poll(time.monotonic() - started)
                    if line is not None and report is not None:
                        report(redact(line))
        text = output.read_text(encoding="utf-8", errors="replace")
    return process.returncode, redact(text[-4000:])


def _operation_count() -> int:
    """Operations (method and path) in the contract: what schemathesis tests once per phase."""
    paths = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8")).get("paths", {})
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(1 for item in paths.values() for method in item if method in methods)


def run_suite(target: str, datastream_id: str, report_dir: Path, extra: Sequence[str] = (),
              env: Mapping[str, str] = {}, report: Report | None = None) -> RunResult:
    """The contract suite against `target`; JUnit XML and the verdict log land in `report_dir`."""
    junit, log = report_dir / "suite-junit.xml", report_dir / "suite-verdicts.jsonl"
    exchanges = report_dir / "suite-exchanges.json"
    exchanges.unlink(missing_ok=True)  # a count left by an earlier run must not pass for this one's
    command = [sys.executable, "-m", "pytest", str(SUITE), "-q", "-p", "no:cacheprovider", "--target", target,
               "--datastream-id", datastream_id, f"--junitxml={junit}", "--verdict-log", str(log),
               "--exchange-log", str(exchanges), "-o", "console_output_style=count", *extra]
    exit_code, tail = _run(command, env, SuiteWatcher, report)
    result = RunResult("pytest", exit_code, output_tail=tail, tally=Tally.read(exchanges))
    if log.exists():
        result.records.extend(records.read(log))
    if junit.exists():
        result.records.extend(_unexplained_failures(junit, result.records))
    return result


def _unexplained_failures(junit: Path, known: list[records.CaseRecord]) -> Iterator[records.CaseRecord]:
    """Suite tests that failed or errored without a recorded violation: reported, never dropped."""
    explained = {record["case"].rpartition("::")[2] for record in known if record["violations"]}
    for case in ET.parse(junit).iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        name = case.get("name", "")
        if problem is None or name in explained:
            continue
        message = (problem.get("message") or problem.tag).splitlines()[0][:300]
        # A body past --max-response-bytes (targets.ResponseTooLarge) is a category of its own.
        check = TOO_LARGE if f"{TOO_LARGE}:" in message else SUITE_ERROR
        yield records.CaseRecord(runner="pytest", operation="(suite)", case=name, checks=[check],
                                 violations=[records.Violation(check=check, message=message)])


def run_schemathesis(
    target: str, datastream_id: str, report_dir: Path, max_examples: int, phases: str, exclude_checks: Sequence[str],
    env: Mapping[str, str] = {}, tls_verify: bool = True, max_rps: int = 0, report: Report | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> RunResult:
    """`st run` on our contract with our checks (hooks) and the built-in ones; JUnit XML lands in `report_dir`."""
    config = report_dir / "schemathesis.toml"
    config.write_text(render(datastream_id, max_examples), encoding="utf-8")
    raw = report_dir / "schemathesis"
    ndjson, exchanges = raw / "events.ndjson", raw / "exchanges.json"
    exchanges.unlink(missing_ok=True)
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(CONTRACT_PATH),
               "-u", target, "--phases", phases, "--max-examples", str(max_examples), "--report", "junit,ndjson",
               "--report-dir", str(raw), "--report-junit-path", str(raw / "junit.xml"),
               "--report-ndjson-path", str(ndjson), "--no-color"]
    if exclude_checks:
        command += ["--exclude-checks", ",".join(exclude_checks)]
    if not tls_verify:
        command += ["--tls-verify", "false"]  # --insecure
    if max_rps > 0:
        command += ["--rate-limit", f"{max_rps}/s"]  # the ceiling of `edgeload contract --max-rps` (targets._guard)
    test_phases = tuple(name.strip() for name in phases.split(",") if name.strip())
    operations = _operation_count()
    exit_code, tail = _run(command, {**env, EXCHANGE_LOG_ENV: str(exchanges),
                                     MAX_RESPONSE_ENV: str(max_response_bytes)},
                           lambda _output: SchemathesisWatcher(ndjson, operations, test_phases), report)
    result = RunResult("schemathesis", exit_code, output_tail=tail, tally=Tally.read(exchanges))
    if ndjson.exists():
        result.records.extend(schemathesis_records(ndjson, insecure=not tls_verify))
        ndjson.unlink()  # tens of MB with every interaction; the records and the JUnit file keep what matters
    if result.tally is not None:
        result.records.extend(transport_records("schemathesis", result.tally))
    return result


def transport_records(runner: str, tally: Tally) -> Iterator[records.CaseRecord]:
    """One failed record per request that got no complete answer (schemathesis may have resent it unseen)."""
    for (operation, category), count in sorted(tally.transport.items()):
        cause = redact(tally.causes.get((operation, category), ""))
        for number in range(1, count + 1):
            violation = records.Violation(check=category, message=f"{category}: {RULES[category]}")
            if cause:
                violation["detail"] = cause
            yield records.CaseRecord(runner=runner, operation=operation, case=f"{category} {number} of {count}",
                                     checks=[category], violations=[violation])


def schemathesis_records(ndjson: Path, insecure: bool = False) -> Iterator[records.CaseRecord]:
    """One record per schemathesis test case, from its NDJSON event stream; a failing one with the curl command
    of the request schemathesis recorded for it (after its auth hook: what went on the wire)."""
    with ndjson.open("rb") as handle:
        for line in handle:
            if not line.startswith(b'{"ScenarioFinished"'):
                continue
            recorder = orjson.loads(line)["ScenarioFinished"]["recorder"]
            method, _, path = recorder["label"].partition(" ")
            operation = label_for(method, path) or recorder["label"]
            for case_id, checks in recorder.get("checks", {}).items():
                violations = [_violation(check) for check in checks if check["status"] == "failure"]
                names = list(dict.fromkeys(check["name"] for check in checks))
                record = records.CaseRecord(runner="schemathesis", operation=operation, case=case_id, checks=names,
                                            violations=violations)
                interaction = recorder.get("interactions", {}).get(case_id) or {}
                response, request = interaction.get("response"), interaction.get("request")
                if isinstance(response, dict) and isinstance(response.get("status_code"), int):
                    record["status"] = response["status_code"]
                if violations and isinstance(request, dict):
                    record["curl"] = _curl(request, insecure)
                yield record


def _curl(request: dict[str, object], insecure: bool) -> str:
    """The curl command of a request as schemathesis serialises it: headers as lists, the body base64-encoded
    (`schemathesis.engine.recorder.Request`)."""
    headers = request.get("headers")
    pairs = [(str(name), str(value)) for name, values in (headers.items() if isinstance(headers, dict) else ())
             for value in (values if isinstance(values, list) else [values])]
    body = request.get("body")
    if isinstance(body, dict) and isinstance(body.get("$base64"), str):
        raw: bytes | None = base64.b64decode(body["$base64"])
    else:
        raw = body.encode() if isinstance(body, str) else None
    return curl_command(str(request.get("method") or "GET"), str(request.get("uri") or ""), pairs, raw,
                        insecure=insecure)


def _violation(check: dict[str, object]) -> records.Violation:
    """The stable message of a failed check (the grouping key) and its cause apart, redacted."""
    name = str(check["name"])
    info = check.get("failure_info")
    failure = info.get("failure") if isinstance(info, dict) else None
    if not isinstance(failure, dict):
        return records.Violation(check=name, message=f"{name}: failed")
    text = str(failure.get("message") or "")
    first, _, rest = text.partition("\n")
    if first.startswith(f"{name}: "):  # one of ours: the rule, then its cause on the next line (st_hooks)
        violation = records.Violation(check=name, message=first)
        cause = rest.strip().removeprefix(CAUSE_PREFIX) if rest.strip().startswith(CAUSE_PREFIX) else ""
    else:  # a schemathesis built-in: its title is the rule, its message the cause
        violation = records.Violation(check=name, message=f"{name}: {failure.get('code', '')} "
                                                           f"{failure.get('title', '')}".strip())
        cause = _builtin_cause(text)
    if cause:
        violation["detail"] = redact(cause[:300])
    return violation


def _builtin_cause(message: str) -> str:
    """The first line of a schemathesis failure message, and where a schema error lies when it says so."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    where = next((line.rstrip(":") for line in lines if line.startswith("Schema at ")), None)
    first = shorten(lines[0], 200)
    return f"{first} (s{where[1:]})" if where else first
