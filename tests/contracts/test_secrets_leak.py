"""`edgeload contract` with known fake secrets (issue 6, end to end): against an emulator answering as
server.adobedc.net (every datastream authenticates), with OAuth or a bearer token from the environment, the run
passes, and no secret, nor any token, is in any file of the report folder or anything printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest

from emulator.auth import mint
from emulator.server import spawn
from tests.contracts.reference import CHECKOUT

ORG = "8B1F4A6E5CC1D3760A495C11@AdobeOrg"
SECRETS = {
    "EDGELOAD_CLIENT_ID": "fake-client-id-7e2b4c1d",
    "EDGELOAD_CLIENT_SECRET": "fake-client-secret-Vx3Np8",
    "EDGELOAD_API_KEY": "fake-api-key-Lq6Wd2Zs",
    "EDGELOAD_BEARER_TOKEN": mint("fake-client-id-7e2b4c1d", ORG, "openid", 0.0, 4102444800.0),
}
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+")
QUICK = ["--phases", "examples,fuzzing", "--max-examples", "2"]


def leaks(text: str) -> list[str]:
    found = [name for name, value in SECRETS.items() if value in text]
    return found + (["a token (JWT)"] if JWT.search(text) else [])


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["oauth", "bearer"])
def test_contract_run_with_fake_secrets_passes_and_leaks_none(tmp_path, auth):
    config = tmp_path / "emulator.toml"
    config.write_text(f'[[clients]]\nid = "{SECRETS["EDGELOAD_CLIENT_ID"]}"\nsecret = '
                      f'"{SECRETS["EDGELOAD_CLIENT_SECRET"]}"\norg_id = "{ORG}"\n', encoding="utf-8")
    report_dir = tmp_path / "reports"
    env = {**os.environ, **SECRETS, "EDGELOAD_ORG_ID": ORG}
    with spawn(["--config", str(config), "--server-host"]) as emulator:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests.cli", "contract", "--target", emulator.url, "--auth", auth,
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
