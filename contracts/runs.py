"""The two runners `edgeload contract` drives, each as a subprocess, and their results as `CaseRecord`s.

Subprocesses, not in-process calls: schemathesis has no in-process CLI mode, and the pytest suite
must run with its own options and conftest, whatever the calling process has imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

import contracts
from contracts import records
from contracts.operations import label_for
from contracts.redaction import redact
from contracts.schemas import CONTRACT_PATH
from contracts.st_config import render
from contracts.transport import EXCHANGE_LOG_ENV, RULES, TOO_LARGE, Tally
from contracts.violations import CAUSE_PREFIX, shorten

SUITE = Path(contracts.__file__).parent / "suite"
_PACKAGE_ROOT = Path(contracts.__file__).resolve().parents[1]
SUITE_ERROR = "suite_error"  # a suite test that failed outside the verdict (a fixture, the target going away)


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


def _run(command: Sequence[str], env: Mapping[str, str] = {}) -> tuple[int, str]:
    completed = subprocess.run(command, capture_output=True, text=True, env=_environment(env), check=False)
    return completed.returncode, redact((completed.stdout + completed.stderr)[-4000:])


def run_suite(target: str, datastream_id: str, report_dir: Path, extra: Sequence[str] = (),
              env: Mapping[str, str] = {}) -> RunResult:
    """The contract suite against `target`; JUnit XML and the verdict log land in `report_dir`."""
    junit, log = report_dir / "suite-junit.xml", report_dir / "suite-verdicts.jsonl"
    exchanges = report_dir / "suite-exchanges.json"
    exchanges.unlink(missing_ok=True)  # a count left by an earlier run must not pass for this one's
    command = [sys.executable, "-m", "pytest", str(SUITE), "-q", "-p", "no:cacheprovider", "--target", target,
               "--datastream-id", datastream_id, f"--junitxml={junit}", "--verdict-log", str(log),
               "--exchange-log", str(exchanges), *extra]
    exit_code, tail = _run(command, env)
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
        # A body past --max-response-bytes (contracts.transport.ResponseTooLarge) is a category of its own.
        check = TOO_LARGE if f"{TOO_LARGE}:" in message else SUITE_ERROR
        yield records.CaseRecord(runner="pytest", operation="(suite)", case=name, checks=[check],
                                 violations=[records.Violation(check=check, message=message)])


def run_schemathesis(
    target: str, datastream_id: str, report_dir: Path, max_examples: int, phases: str, exclude_checks: Sequence[str],
    env: Mapping[str, str] = {}, tls_verify: bool = True, max_rps: int = 0,
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
        command += ["--rate-limit", f"{max_rps}/s"]  # the ceiling of `edgeload contract --max-rps` (contracts.guard)
    exit_code, tail = _run(command, {**env, EXCHANGE_LOG_ENV: str(exchanges)})
    result = RunResult("schemathesis", exit_code, output_tail=tail, tally=Tally.read(exchanges))
    if ndjson.exists():
        result.records.extend(schemathesis_records(ndjson))
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


def schemathesis_records(ndjson: Path) -> Iterator[records.CaseRecord]:
    """One record per schemathesis test case, from its NDJSON event stream."""
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
                yield records.CaseRecord(runner="schemathesis", operation=operation, case=case_id, checks=names,
                                         violations=violations)


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
