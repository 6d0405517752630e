"""`edgeload contract` with known fake secrets (end to end): against an emulator answering as
server.adobedc.net (every datastream authenticates), with OAuth or a bearer token from the environment, the run
passes, and no secret, nor any token, is in any file of the report folder or anything printed."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from emulator._server import spawn
from tests.contracts.reference import CHECKOUT
from tests.fake_secrets import emulator_config, leaks, secret_env, with_userinfo

QUICK = ["--phases", "examples,fuzzing", "--max-examples", "2"]


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["oauth", "bearer"])
def test_contract_run_with_fake_secrets_passes_and_leaks_none(tmp_path, auth):
    config = emulator_config(tmp_path)
    report_dir = tmp_path / "reports"
    env = secret_env()
    with spawn(["--config", str(config), "--server-host"]) as emulator:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests._cli", "contract", "--target", emulator.url, "--auth", auth,
             "--report-dir", str(report_dir), *QUICK],
            cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=120, check=False)
        with urllib.request.urlopen(emulator.url + "/_emulator/tokens", timeout=5) as response:
            issued = json.loads(response.read())["issued"]
        with urllib.request.urlopen(emulator.url + "/_emulator/stats", timeout=5) as response:
            statuses = json.loads(response.read())["by_status"]
    assert run.returncode == 0, run.stdout + run.stderr
    # The emulator demands credentials on every datastream: both runners sent them on every request.
    assert "401" not in statuses
    assert statuses["200"] > 10
    # OAuth: one token per process (edgeload contract's check, the suite, schemathesis); bearer: none fetched.
    assert issued == (3 if auth == "oauth" else 0)
    files = [path for path in report_dir.rglob("*") if path.is_file()]
    assert {"summary.json", "junit.xml", "report.html", "suite-junit.xml"} <= {path.name for path in files}
    found = {str(path.relative_to(report_dir)): leaks(path.read_text(errors="replace")) for path in files}
    found["stdout"], found["stderr"] = leaks(run.stdout), leaks(run.stderr)
    assert {where: what for where, what in found.items() if what} == {}


@pytest.mark.slow
def test_contract_run_against_a_url_with_a_password_shows_it_nowhere(tmp_path):
    """The userinfo goes as `Authorization: Basic` (the emulator, knowing bearer tokens only, refuses it: the run
    fails), and neither it nor the password is in any report file or anything printed."""
    report_dir = tmp_path / "reports"
    with spawn(["--server-host"]) as emulator:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests._cli", "contract", "--target", with_userinfo(emulator.url),
             "--report-dir", str(report_dir), *QUICK],
            cwd=CHECKOUT, env=secret_env(), capture_output=True, text=True, timeout=120, check=False)
        with urllib.request.urlopen(emulator.url + "/_emulator/stats", timeout=5) as response:
            statuses = json.loads(response.read())["by_status"]
    assert run.returncode == 1, run.stdout + run.stderr
    assert statuses["401"] > 10  # both runners sent the Basic credentials
    assert "200" not in statuses
    files = [path for path in report_dir.rglob("*") if path.is_file()]
    assert {"summary.json", "junit.xml", "report.html", "suite-junit.xml"} <= {path.name for path in files}
    found = {str(path.relative_to(report_dir)): leaks(path.read_text(errors="replace")) for path in files}
    found["stdout"], found["stderr"] = leaks(run.stdout), leaks(run.stderr)
    assert {where: what for where, what in found.items() if what} == {}
