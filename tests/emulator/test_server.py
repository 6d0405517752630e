"""`emulator.spawn` and the real command: URL line, stop, early death, determinism, an end-to-end 429."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import EmulatorStartError, spawn
from tests.emulator.asgi_client import interact_body

pytestmark = pytest.mark.slow
BODY = json.dumps({**interact_body(), "query": {"identity": {"fetch": ["ECID"]}}}).encode()


def post(url: str, path: str = "/ee/v2/interact") -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{url}{path}?datastreamId={DEFAULT_DATASTREAM_ID}", data=BODY, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_server_spawn_reads_the_url_and_stop_ends_the_process():
    running = spawn(["--seed", "1"])
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", running.url)
    assert post(running.url)[0] == 200
    running.stop()
    assert running.process.poll() is not None
    running.stop()  # idempotent


def test_server_spawn_raises_with_the_stderr_tail_when_the_child_dies_early():
    with pytest.raises(
        EmulatorStartError, match=r"exited with code 2; stderr tail:\nedgeload emulator: .*unknown fault"
    ):
        spawn(["--fault", "nope"])


def test_server_command_prints_exactly_one_line_and_exits_2_on_bad_flags():
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "-5"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "edgeload emulator: --port must be an integer from 0 (any free port) to 65535, got -5"
    ]


def test_server_same_seed_answers_the_same_bodies_and_429s_past_the_rate_limit():
    args = ["--seed", "99", "--rate-limit", "8"]  # two page views of 4 request units each per second
    with spawn(args) as first, spawn(args) as second:
        answers = [[post(running.url) for _ in range(3)] for running in (first, second)]
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[0]] == [200, 200, 429]
    assert json.loads(answers[0][2][1])["type"].endswith("EXEG-0000-429")


def test_server_edgeload_dispatcher_runs_the_emulator():
    from loadtests._cli import SUBCOMMANDS

    assert SUBCOMMANDS["emulator"].target == "emulator:main"
    done = subprocess.run(
        [sys.executable, "-m", "loadtests._cli", "emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert "--rate-limit" in done.stdout
