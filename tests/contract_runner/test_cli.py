"""`edgeload contract` end to end, as a subprocess through the `edgeload` dispatcher (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from contract_runner._cli import main, parser
from contracts._checks import REGISTRY
from emulator._server import spawn
from tests.contracts.reference import CHECKOUT

# Bounded schemathesis: its coverage phase alone sends thousands of requests (docs/contract.md).
QUICK = ["--phases", "examples,fuzzing", "--max-examples", "2"]
def edgeload_contract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loadtests._cli", "contract", *args], capture_output=True,
                          text=True, cwd=CHECKOUT, timeout=120, check=False)


@pytest.mark.slow
def test_edgeload_contract_passes_on_the_embedded_emulator_and_writes_the_reports(tmp_path):
    run = edgeload_contract("--report-dir", str(tmp_path), *QUICK)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("edgeload contract: pass (")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["verdict"] == "pass"
    assert summary["runners"]["pytest"]["cases"] >= 40
    assert summary["runners"]["schemathesis"]["cases"] >= 10
    names = {case.get("name") for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert {"POST /ee/v2/interact :: request_id_echo", "POST /ee/v1/collect :: status_code_documented",
            "POST /ee/v2/interact :: expected_response", "POST /ee/v2/collect :: not_a_server_error"} <= names
    assert (tmp_path / "report.html").read_text().count("Verdict: pass") == 1


@pytest.mark.slow
def test_edgeload_contract_fails_with_exit_1_on_a_target_that_breaks_a_rule(tmp_path):
    with spawn(["--fault", "request-id-not-echoed,operation=POST /ee/v2/interact"]) as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), *QUICK)
    assert run.returncode == 1, run.stdout + run.stderr
    failing = json.loads((tmp_path / "summary.json").read_text())["failing_checks"]
    broken = {(row["runner"], row["operation"], row["check"]) for row in failing}
    assert ("pytest", "POST /ee/v2/interact", "request_id_echo") in broken
    assert ("schemathesis", "POST /ee/v2/interact", "request_id_echo") in broken
    assert {(check, operation) for _, operation, check in broken} == {("request_id_echo", "POST /ee/v2/interact")}


@pytest.mark.slow
def test_edgeload_contract_exits_2_with_one_line_when_the_target_is_down(tmp_path):
    run = edgeload_contract("--target", "http://127.0.0.1:9", "--report-dir", str(tmp_path))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("edgeload contract: target http://127.0.0.1:9 is not reachable")
    assert "Traceback" not in run.stderr


def test_main_refuses_zero_examples_with_exit_2(capsys):
    assert main(["--max-examples", "0"]) == 2
    assert capsys.readouterr().err == "edgeload contract: --max-examples must be at least 1\n"


def test_main_refuses_a_target_that_is_not_a_url(capsys):
    assert main(["--target", "ftp://x"]) == 2
    assert "is not an http(s):// URL" in capsys.readouterr().err


@pytest.mark.slow
def test_edgeload_contract_exits_2_when_a_runner_cannot_run(tmp_path):
    with spawn() as emulator:
        run = edgeload_contract("--target", emulator.url, "--report-dir", str(tmp_path), "--phases", "nonsense")
    assert run.returncode == 2
    *progress, last = run.stderr.splitlines()
    assert last.startswith("edgeload contract: schemathesis could not run (exit code 2): ")
    assert all(line.startswith(("suite: ", "schemathesis: ")) for line in progress)  # contract_runner._progress
    assert not (tmp_path / "summary.json").exists()


@pytest.mark.parametrize("name", list(REGISTRY))
def test_contract_help_lists_each_check_with_its_rule(name):
    text = " ".join(parser().format_help().split())  # unwrapped
    assert f" {name}: {REGISTRY[name].description} " in text
