"""Our tab in Locust's web UI, wired into a real (unstarted) Locust WebUI and asked through Flask's test client:
the page declares the tab and its table, `/stats/requests` carries its rows, `/edgeload/live` the whole document.
The browser test (tests/ui) shows the same tab rendered."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from locust.argument_parser import get_parser
from locust.env import Environment

from loadtests import _listeners as listeners  # noqa: F401  (registers our options on Locust's parser)
from loadtests._gates import parse_gate
from loadtests._options import LoadOptions
from loadtests._process_state import ProcessState, set_state
from loadtests._run_settings import RunSettings
from loadtests._users import ServerForwarder
from loadtests._web_ui import LIVE_PATH, TAB_KEY, URL_LINE, embedded_emulator, install
from targets._profiles import Overrides

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def web_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr("sys.argv", ["locust"])  # Locust's UI reads its form's defaults from the command line
    environment = Environment(user_classes=[ServerForwarder], parsed_options=get_parser().parse_args([]))
    environment.create_local_runner()
    environment.create_web_ui(host="127.0.0.1", port=0, delayed_start=True)
    settings = RunSettings(load=replace(LoadOptions(), gates=(parse_gate("p99<5ms"),)))
    set_state(environment, ProcessState(environment, settings))
    announcer = install(environment)
    yield environment
    announcer.kill()  # it waits for a server this test never starts


def test_index_page_declares_our_tab_and_its_columns(web_environment: Any) -> None:
    page = web_environment.web_ui.app.test_client().get("/").get_data(as_text=True)
    args = json.loads(re.search(r"window\.templateArgs = (\{.*\})", page).group(1))  # type: ignore[union-attr]
    assert args["extended_tabs"] == [{"title": "edgeload: gates, violations, CPU", "key": TAB_KEY}]
    columns = [column["key"] for column in args["extended_tables"][0]["structure"]]
    assert columns == ["kind", "item", "threshold", "current", "result", "example"]
    assert "table:has(th[data-sortkey=example])" in page  # example cells keep their lines


def test_stats_requests_carries_our_rows_on_each_poll(web_environment: Any) -> None:
    client = web_environment.web_ui.app.test_client()
    for _ in range(2):  # Locust memoizes the answer: the second poll must not double the rows
        stats = client.get("/stats/requests").get_json()
        assert "stats" in stats  # Locust's own answer is kept
        [extended] = stats["extended_stats"]
        assert extended["key"] == TAB_KEY
        assert [(row["kind"], row["item"]) for row in extended["data"]] == [
            ("run", "-"), ("gate", "p99<5ms"), ("gate", "violations==0"), ("gate", "error_rate<1%"),
            ("gate", "late<=1%"), ("gate", "cpu<90%"), ("gate", "trust<=100%")]


def test_live_route_serves_the_whole_document(web_environment: Any) -> None:
    document = web_environment.web_ui.app.test_client().get(LIVE_PATH).get_json()
    assert document["state"] == "ready"
    assert [gate["gate"] for gate in document["gates"]] == ["p99<5ms", "violations==0", "error_rate<1%", "late<=1%",
                                                           "cpu<90%", "trust<=100%"]


def test_embedded_emulator_is_not_started_when_a_host_is_given(web_environment: Any) -> None:
    web_environment.host = "http://127.0.0.1:9"
    assert embedded_emulator(web_environment, Overrides()) is None


@pytest.mark.slow
def test_plain_locust_web_ui_without_a_host_runs_against_the_embedded_emulator(tmp_path: Path) -> None:
    """`locust` with its web UI and no --host starts the emulator, runs against it from the UI's start, and stops
    it when Locust exits."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = tmp_path / "locust.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "locustfile.py"), "--web-host",
             "127.0.0.1", "--web-port", "0", "--users", "2", "--spawn-rate", "2", "--report-dir", "",
             "--target-rps", "20"],  # paced: flat out, the emulator's request-unit limit answers 429
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        url = next((line.split()[-1].decode() for line in process.stdout if line.startswith(URL_LINE.encode())),
                   None)
        assert url is not None, log.read_text()[-2000:]
        page = urllib.request.urlopen(url, timeout=5).read().decode()
        host = json.loads(re.search(r"window\.templateArgs = (\{.*\})", page).group(1))["host"]  # type: ignore[union-attr]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", host)
        def swarm(gates: str) -> None:
            form = urllib.parse.urlencode({"user_count": 2, "spawn_rate": 2, "host": host, "gates": gates}).encode()
            assert json.loads(urllib.request.urlopen(url + "swarm", data=form, timeout=5).read())["success"] is True

        swarm("p99 under 5ms")  # a gate the run cannot read: that start is refused, and our tab says why
        problem, state = None, ""
        deadline = time.monotonic() + 20
        while (problem is None or state != "stopped") and time.monotonic() < deadline:
            problem = json.loads(urllib.request.urlopen(url + LIVE_PATH.lstrip("/"), timeout=5).read())["problem"]
            state = json.loads(urllib.request.urlopen(url + "stats/requests", timeout=5).read())["state"]
        swarm("p99<500ms")
        deadline = time.monotonic() + 20
        requests = 0
        while requests == 0 and time.monotonic() < deadline:  # until the emulator has answered some
            stats = json.loads(urllib.request.urlopen(url + "stats/requests", timeout=5).read())
            requests = stats["stats"][-1]["num_requests"]
            failures = stats["stats"][-1]["num_failures"]
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert state == "stopped"
    assert problem is not None
    assert "gate 'p99 under 5ms' is not METRIC OP VALUE" in problem
    assert requests > 0
    assert failures == 0, stats["errors"]
    with pytest.raises(ConnectionRefusedError):  # the embedded emulator left with Locust
        socket.create_connection(("127.0.0.1", int(host.rsplit(":", 1)[1])), timeout=2).close()


def test_locusts_own_web_interface_line_is_dropped_for_ours() -> None:
    logger = logging.getLogger("locust.main")
    starting = logger.makeRecord("locust.main", logging.INFO, __file__, 1, "Starting web interface at "
                                 "http://127.0.0.1:0, press enter to open your default browser.", (), None)
    other = logger.makeRecord("locust.main", logging.INFO, __file__, 1, "Starting Locust %s", ("2.47.0",), None)
    assert (logger.filter(starting), bool(logger.filter(other))) == (False, True)


@pytest.mark.slow
def test_edgeload_run_web_prints_one_address_to_open_even_when_verbose(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "loadtests._cli", "run", "--web", "--verbose", "--report-dir", str(tmp_path)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=stderr,
            stdin=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        first = next((line.decode() for line in process.stdout if line.startswith(URL_LINE.encode())), "")
        assert first, log.read_text()[-2000:]
        url = first.split()[-1]
        assert urllib.request.urlopen(url, timeout=5).status == 200  # the address printed is the one listening
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    printed = first + rest.decode(errors="replace") + log.read_text(errors="replace")
    addresses = re.findall(r"https?://\S+:(\d+)", printed)
    assert "0" not in addresses, printed
    assert "web interface at" not in printed
    assert printed.count(URL_LINE) == 1
