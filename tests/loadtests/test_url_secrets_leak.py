"""Credentials in the target URL (a user name and password, a secret-named query value) reach no output: a
headless load test's files and console, and every route of Locust's web UI, whatever is typed in its host field.
The userinfo is sent as `Authorization: Basic`, never shown; a target with a query is refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from emulator._server import spawn
from loadtests._web_ui import LIVE_PATH, URL_LINE
from tests.edgeload_runs import expected_exit
from tests.fake_secrets import leaks, secret_env, with_secret_query, with_userinfo

ROOT = Path(__file__).resolve().parents[2]


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        document: dict[str, object] = json.loads(response.read())
        return document


def found_in(files: list[Path], base: Path, **outputs: bytes | str) -> dict[str, list[str]]:
    found = {str(path.relative_to(base)): leaks(path.read_bytes()) for path in files}
    found.update({name: leaks(data) for name, data in outputs.items()})
    return {where: what for where, what in found.items() if what}


@pytest.mark.slow
def test_load_test_against_a_url_with_a_password_sends_basic_auth_and_shows_it_nowhere(tmp_path):
    with spawn(["--rate-limit", "0"]) as emulator:
        run = subprocess.run(
            [sys.executable, "-m", "loadtests._cli", "run", "--target", with_userinfo(emulator.url), "--users", "2",
             "--run-time", "2s", "--target-rps", "20", "--persona-weights", "forwarder=1,visitor=0,collector=0",
             "--report-dir", str(tmp_path / "reports"), "--run-id", "url"],
            cwd=ROOT, env=secret_env(), capture_output=True, timeout=120, check=False)
        stats = get_json(emulator.url + "/_emulator/stats")
    # The emulator knows only bearer tokens: every request carried the Basic credentials, and each was refused,
    # so the default error_rate gate fails the run.
    assert stats["by_status"] == {"401": stats["total"]}
    files = [path for path in (tmp_path / "reports").rglob("*") if path.is_file()]
    assert {"index.html", "summary.json", "junit.xml", "summary.md", "locust.html"} <= {path.name for path in files}
    summary = json.loads((tmp_path / "reports" / "url" / "summary.json").read_text())
    assert run.returncode == expected_exit(summary, 1), run.stderr[-2000:]
    assert summary["settings"]["target"] == emulator.url  # the target as resolved: no userinfo left to redact
    assert found_in(files, tmp_path, stdout=run.stdout, stderr=run.stderr) == {}


def test_load_test_against_a_url_with_a_secret_query_is_refused_in_one_line_without_it(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "loadtests._cli", "run", "--target", with_secret_query("http://127.0.0.1:9"),
         "--report-dir", str(tmp_path)], cwd=ROOT, env=secret_env(), capture_output=True, text=True, timeout=60,
        check=False)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "has a query or fragment, which is never sent" in run.stderr
    assert leaks(run.stderr + run.stdout) == []


@pytest.mark.slow
def test_locust_web_ui_shows_no_url_credential_typed_in_its_host_field(tmp_path):
    """Locust's own routes (`/`, `/swarm`, `/stats/requests`, its CSVs and report) and ours (`/edgeload/live`)
    pass through the redaction: what was typed in the host field is shown without its userinfo or secret query."""
    with spawn(["--rate-limit", "0"]) as emulator:
        process = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "locustfile.py"), "--host",
             with_userinfo(emulator.url), "--web-host", "127.0.0.1", "--web-port", "0", "--users", "2",
             "--spawn-rate", "2", "--report-dir", "", "--target-rps", "20",
             "--persona-weights", "forwarder=1,visitor=0,collector=0"],
            cwd=tmp_path, env=secret_env(PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        pages: dict[str, bytes] = {}
        try:
            assert process.stdout is not None
            url = next((line.split()[-1].decode() for line in process.stdout if line.startswith(URL_LINE.encode())),
                       None)
            assert url is not None

            def swarm(host: str) -> bytes:
                form = urllib.parse.urlencode({"user_count": 2, "spawn_rate": 2, "host": host}).encode()
                answer: bytes = urllib.request.urlopen(url + "swarm", data=form, timeout=5).read()
                return answer

            pages["/ (before a run)"] = urllib.request.urlopen(url, timeout=5).read()
            pages["/swarm (secret query)"] = swarm(with_secret_query(with_userinfo(emulator.url)))
            problem, deadline = None, time.monotonic() + 20
            while problem is None and time.monotonic() < deadline:  # that start is refused: the query
                problem = get_json(url + LIVE_PATH.lstrip("/"))["problem"]
            pages["/edgeload/live (refused)"] = urllib.request.urlopen(url + LIVE_PATH.lstrip("/"), timeout=5).read()
            while get_json(url + "stats/requests")["state"] != "stopped" and time.monotonic() < deadline:
                pass
            pages["/swarm (userinfo)"] = swarm(with_userinfo(emulator.url))
            requests = 0
            while requests == 0 and time.monotonic() < deadline:
                stats = get_json(url + "stats/requests")
                requests = stats["stats"][-1]["num_requests"]  # type: ignore[index]
            for path in ("", "stats/requests", "stats/requests/csv", "stats/failures/csv", "stats/report",
                         "exceptions", LIVE_PATH.lstrip("/")):
                pages[f"/{path}"] = urllib.request.urlopen(url + path, timeout=5).read()
        finally:
            process.terminate()
            out, err = process.communicate(timeout=30)
        received = get_json(emulator.url + "/_emulator/stats")
    assert problem is not None
    assert "has a query or fragment, which is never sent" in str(problem)
    assert requests > 0
    assert received["by_status"] == {"401": received["total"]}  # sent as Basic credentials, refused by the emulator
    host = json.loads(pages["/swarm (userinfo)"])["host"]
    assert host == "http://[REDACTED]@" + emulator.url.removeprefix("http://")  # Locust echoes what was typed
    found = {path: leaks(data) for path, data in pages.items()}
    found["stdout"], found["stderr"] = leaks(out), leaks(err)
    assert {where: what for where, what in found.items() if what} == {}
