"""Plain `locust` from the checkout root finds our locustfile through `[tool.locust]` and behaves as Locust does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulator._server import RunningEmulator
from tests.edgeload_runs import expected_exit, verdict_line
from tests.loadtests.conftest import received

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_plain_locust_from_the_checkout_root_runs_our_users_and_reports(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    # No -f: pyproject.toml's [tool.locust] names loadtests/locustfile.py; --headless overrides its headless = false.
    result = subprocess.run(
        [sys.executable, "-m", "locust", "--headless", "--users", "10", "--spawn-rate", "10", "--run-time", "2s",
         "--host", emulator.url, "--target-rps", "50", "--report-dir", str(tmp_path), "--run-id", "plain"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    summary = json.loads((tmp_path / "plain" / "summary.json").read_text(encoding="utf-8"))
    expected = expected_exit(summary, 0)
    assert result.returncode == expected, result.stderr[-2000:]
    assert summary["total_requests"] == received(emulator.url)
    # every persona of the default weights 6:3:1 ran (the browser-like one speaks v1)
    assert {"POST /ee/v2/interact", "POST /ee/v2/collect", "POST /ee/v1/interact"} == set(summary["operations"])
    assert verdict_line(expected) in result.stdout
