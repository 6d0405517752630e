"""The report's curl reproductions, run with the real curl against the emulator: the same answer as in the run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from contract_runner import _records as records
from contract_runner._runs import run_schemathesis, run_suite
from emulator._server import spawn
from targets._defaults import DEFAULT_DATASTREAM_ID

# Two broken rules: one on successes, one on every documented error (their statuses follow from the exact body,
# headers and query sent).
FAULTS = ["--fault", "request-id-not-echoed,operation=POST /ee/v2/interact", "--fault", "problem-type-mismatch"]


def _status_of(command: str) -> int:
    """The status line of what curl -i printed (the last one: curl may print a 100 Continue before it)."""
    run = subprocess.run(["bash", "-c", command], capture_output=True, timeout=60, check=True)
    statuses = [line.split()[1] for line in run.stdout.decode("latin-1").splitlines() if line.startswith("HTTP/")]
    return int(statuses[-1])


def _failing(case_records: list[records.CaseRecord]) -> list[records.CaseRecord]:
    return [record for record in case_records if record["violations"]]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl command")
@pytest.mark.parametrize("runner", ["pytest", "schemathesis"])
def test_reproduction_of_each_failing_case_gets_the_status_of_the_run(tmp_path: Path, runner: str) -> None:
    with spawn(FAULTS) as emulator:
        if runner == "pytest":
            result = run_suite(emulator.url, DEFAULT_DATASTREAM_ID, tmp_path)
        else:
            result = run_schemathesis(emulator.url, DEFAULT_DATASTREAM_ID, tmp_path, max_examples=2,
                                      phases="examples,fuzzing", exclude_checks=())
        failing = _failing(result.records)
        assert failing, result.output_tail
        for record in failing:
            assert "curl" in record, record
            assert _status_of(record["curl"]) == record["status"], record["curl"]
    if runner == "pytest":
        assert {200, 400} <= {record["status"] for record in failing}
