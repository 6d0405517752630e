"""`edgeload contract` accounts for every exchange: 207 successes with their EXEG codes, transport failures by
category in either runner, requests sent and answered, and failing checks named with their causes (slow: each
test runs the command against an emulator injecting one fault)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from typing import Any

import pytest

from contract_runner._cli import main
from emulator._server import spawn
from tests.contracts.reference import CHECKOUT

QUICK = ["--phases", "examples,fuzzing", "--max-examples", "2"]


def edgeload_contract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loadtests._cli", "contract", *args], capture_output=True,
                          text=True, cwd=CHECKOUT, timeout=120, check=False)


def stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_emulator/stats", timeout=5) as answer:
        result: dict[str, Any] = json.load(answer)
    return result


@pytest.mark.slow
def test_edgeload_contract_passes_when_every_interact_answers_a_documented_207(tmp_path):
    with spawn(["--fault", "upstream-error"]) as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), *QUICK)
        injected = stats(emulator.url)["faults"]["upstream-error"]
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["runners"]["pytest"]["failed_cases"] == 0
    multi = summary["exchanges"]["multi_status"]
    assert multi["answers"] == injected > 0  # every 207 the emulator sent, counted as a success
    assert multi["exeg_codes"] == {"EXEG-0201-503": injected}
    assert summary["runners"]["pytest"]["exchanges"]["multi_status"]["by_operation"]["POST /ee/v2/interact"] >= 9
    assert f"207 answers kept the contract and count as successes: {injected} (EXEG codes: EXEG-0201-503 " \
           f"{injected})" in run.stdout
    assert "EXEG-0201-503" in (tmp_path / "report.html").read_text()


@pytest.mark.slow
def test_edgeload_contract_fails_naming_resets_injected_into_the_schemathesis_phase_only(tmp_path):
    with spawn(["--fault", "connection-reset,count=2"]) as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), "--runners", "schemathesis",
                                *QUICK)
        injected = stats(emulator.url)["faults"]["connection-reset"]
    assert injected == 2
    assert run.returncode == 1, run.stdout + run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith("edgeload contract: fail (")
    assert "failing: connection_reset 2)" in first
    exchanges = json.loads((tmp_path / "summary.json").read_text())["exchanges"]
    assert exchanges["transport_failures"] == {"connection_reset": 2}
    assert exchanges["answered"] == exchanges["sent"] - 2
    assert f"requests: {exchanges['sent']} sent, {exchanges['sent'] - 2} answered; transport failures: " \
           "connection_reset 2" in run.stdout
    assert "ConnectionResetError" in run.stdout  # the cause, beside the rule


@pytest.mark.slow
def test_edgeload_contract_fails_naming_a_reset_in_the_suite_under_its_category(tmp_path):
    with spawn(["--fault", "connection-reset,count=1"]) as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), "--runners", "suite")
    assert run.returncode == 1, run.stdout + run.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    [row] = summary["failing_checks"]
    assert (row["runner"], row["check"], row["failures"]) == ("pytest", "connection_reset", 1)
    assert list(row["causes"]) == ["ConnectionResetError: [Errno 104] Connection reset by peer"]
    assert summary["exchanges"]["sent"] == summary["exchanges"]["answered"] + 1
    [(case, curl)] = row["reproductions"].items()  # the request that got no answer, to send again
    assert case == row["failed_cases"][0]
    assert curl.split()[:5] == ["curl", "-sS", "-i", "-X", "POST"]
    assert f"{emulator.url}/ee/" in curl.splitlines()[0]


@pytest.mark.slow
def test_edgeload_contract_failure_lines_show_the_check_rule_and_cause(tmp_path):
    with spawn(["--fault", "handle-not-array,operation=POST /ee/v2/interact"]) as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), *QUICK)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "POST /ee/v2/interact :: handle_shape (pytest): " in run.stdout
    assert "handle_shape: `handle` must be an array; cause: `handle` is an object, not an array" in run.stdout
    failing = json.loads((tmp_path / "summary.json").read_text())["failing_checks"]
    schema = next(row for row in failing if row["check"] == "response_schema" and row["runner"] == "schemathesis")
    assert all(cause.endswith('is not of type "array" at $.handle') for cause in schema["causes"])
    html = (tmp_path / "report.html").read_text()
    assert "`handle` is an object, not an array" in html


def test_main_refuses_an_unknown_runner_with_one_line(capsys):
    assert main(["--runners", "suite,locust"]) == 2
    assert capsys.readouterr().err == ("edgeload contract: --runners 'suite,locust': expected a comma-separated "
                                       "choice of suite, schemathesis\n")
