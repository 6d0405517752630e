"""A load test with OAuth from the environment, against an emulator whose tokens live 1 s (end to end):
every user of the process shares a token that is refreshed before it expires (not one 401), and none of the
known fake secrets, nor any token, is in any file written or anything printed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from emulator._server import spawn
from targets._defaults import AUTHENTICATED_DATASTREAM_ID
from tests.edgeload_runs import expected_exit, summary_of
from tests.fake_secrets import emulator_config, leaks, secret_env

ROOT = Path(__file__).resolve().parents[2]


def get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        document: dict[str, object] = json.loads(response.read())
        return document


@pytest.mark.slow
def test_load_test_with_oauth_shares_refreshed_tokens_and_leaks_no_secret(tmp_path):
    config = emulator_config(tmp_path)
    env = secret_env()
    with spawn(["--config", str(config), "--token-ttl", "1", "--rate-limit", "0"]) as emulator:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests._cli", "run", "--target", emulator.url, "--auth", "oauth",
             "--datastream-id", AUTHENTICATED_DATASTREAM_ID, "--persona-weights", "forwarder=3,visitor=0,collector=1",
             "--users", "5", "--run-time", "3s", "--target-rps", "40", "--report-dir", str(tmp_path / "reports"),
             "--run-id", "leak"],
            cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)
        stats = get(emulator.url + "/_emulator/stats")
        issued = get(emulator.url + "/_emulator/tokens")["issued"]
    assert run.returncode == expected_exit(summary_of(tmp_path / "reports" / "leak"), 0), run.stderr[-2000:]
    assert stats["by_status"] == {"200": stats["by_operation"]["POST /ee/v2/interact"],  # type: ignore[index]
                                  "202": stats["by_operation"]["POST /ee/v2/collect"]}  # type: ignore[index]
    total = stats["total"]
    assert isinstance(total, int)
    assert isinstance(issued, int)
    # Fetched at start-up, then about every 0.9 s (a tenth of the lifetime early): never per request.
    assert 3 <= issued <= 6, issued
    assert total >= 100
    files = [path for path in (tmp_path / "reports").rglob("*") if path.is_file()]
    assert {"index.html", "summary.json", "junit.xml", "summary.md", "locust.html"} <= {
        path.name for path in files}
    found = {str(path.relative_to(tmp_path)): leaks(path.read_bytes()) for path in files}
    found["stdout"], found["stderr"] = leaks(run.stdout), leaks(run.stderr)
    assert {where: what for where, what in found.items() if what} == {}


WEB_UI_LOCUSTFILE = '''
from locust import events

from loadtests.locustfile import *  # noqa: F403  (our users, shape and listeners)


@events.test_start.add_listener
def announce_web_port(environment, **kwargs):
    print("edgeload-test web port", environment.web_ui.server.server_port, flush=True)
'''


@pytest.mark.slow
def test_locust_web_ui_shows_operation_labels_and_no_secret(tmp_path):
    """Locust with its web UI on port 0: what the UI serves (page, stats, CSV, report) holds no secret and every
    request name is an operation label, never a URL that could carry a credential."""
    config = emulator_config(tmp_path)
    locustfile = tmp_path / "web_ui_locustfile.py"
    locustfile.write_text(WEB_UI_LOCUSTFILE, encoding="utf-8")
    env = secret_env(PYTHONPATH=str(ROOT))
    with spawn(["--config", str(config), "--rate-limit", "0"]) as emulator:
        process = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(locustfile), "--host", emulator.url, "--web-host",
             "127.0.0.1", "--web-port", "0", "--autostart", "--autoquit", "5", "--users", "4", "--run-time", "30s",
             "--auth", "oauth", "--datastream-id", AUTHENTICATED_DATASTREAM_ID, "--target-rps", "20",
             "--persona-weights", "forwarder=3,visitor=0,collector=1", "--report-dir", ""],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert process.stdout is not None
            port = None
            for line in process.stdout:
                if line.startswith(b"edgeload-test web port"):
                    port = int(line.split()[-1])
                    break
            assert port, process.stderr.read().decode()[-2000:] if process.stderr else ""
            base = f"http://127.0.0.1:{port}"
            names: set[str] = set()
            deadline = time.monotonic() + 20
            while "POST /ee/v2/collect" not in names and time.monotonic() < deadline:  # both operations sent
                stats = json.loads(urllib.request.urlopen(base + "/stats/requests", timeout=5).read())
                names = {row["name"] for row in stats["stats"]}
            pages = {path: urllib.request.urlopen(base + path, timeout=5).read()
                     for path in ("/", "/stats/requests", "/stats/requests/csv", "/stats/failures/csv",
                                  "/stats/report", "/exceptions")}
        finally:
            process.terminate()
            out, err = process.communicate(timeout=30)
        issued = get(emulator.url + "/_emulator/tokens")["issued"]
    assert issued == 1  # one Locust process, 4 users, tokens living a day: one fetch, shared
    assert names == {"POST /ee/v2/interact", "POST /ee/v2/collect", "Aggregated"}
    assert stats["fail_ratio"] == 0  # every request authenticated
    found = {path: leaks(data) for path, data in pages.items()}
    found["stdout"], found["stderr"] = leaks(out), leaks(err)
    assert {where: what for where, what in found.items() if what} == {}
