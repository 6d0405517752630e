"""`edgeload emulator --workers 2` over real sockets: one port, two processes, one rate limit and admin state."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import psutil
import pytest

from emulator._config import DEFAULT_DATASTREAM_ID, load_settings
from emulator._ratelimit import request_units
from emulator._server import spawn
from tests.emulator.asgi_client import interact_body
from tests.emulator.conftest import admin

pytestmark = pytest.mark.slow
PATH = f"/ee/v2/interact?datastreamId={DEFAULT_DATASTREAM_ID}"
BODY = json.dumps(interact_body())
CONNECTIONS = 24
UNITS = request_units(len(BODY), len(load_settings(None).datastreams[DEFAULT_DATASTREAM_ID].services))


def connect(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)


def post(connection: http.client.HTTPConnection) -> int:
    connection.request("POST", PATH, BODY, {"content-type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def test_workers_serve_one_port_from_every_process_with_one_rate_limit():
    with spawn(["--workers", "2", "--seed", "3", "--rate-limit", str(UNITS * CONNECTIONS // 2)]) as emulator:
        connections = [connect(emulator.url) for _ in range(CONNECTIONS)]
        try:
            statuses = [post(connection) for connection in connections]
            workers = psutil.Process(emulator.process.pid).children()
            # SO_REUSEPORT spreads connections by address hash: all 24 on one worker has odds of 2 in 2**24.
            held = [sum(1 for c in worker.net_connections("tcp") if c.status == psutil.CONN_ESTABLISHED)
                    for worker in workers]
        finally:
            for connection in connections:
                connection.close()
        assert len(workers) == 2
        assert all(held), held
        # One bucket of 12 requests' units for both processes: 12 admitted, plus what refilled while the rest ran.
        admitted = statuses.count(200)
        assert CONNECTIONS // 2 <= admitted < CONNECTIONS // 2 + 6, statuses
        assert statuses.count(429) == CONNECTIONS - admitted
        stats = admin(emulator.url, "GET", "/_emulator/stats")
        assert stats == {"total": CONNECTIONS, "by_operation": {"POST /ee/v2/interact": CONNECTIONS},
                         "by_status": {"200": admitted, "429": CONNECTIONS - admitted}, "faults": {}}


def test_workers_share_faults_and_resets_whichever_process_answers():
    with spawn(["--workers", "2", "--seed", "3"]) as emulator:
        assert admin(emulator.url, "PUT", "/_emulator/faults", {"faults": ["wrong-content-type:1"]})
        # Every fresh connection, whichever worker it lands on, sees the faults one worker was given.
        seen = [admin(emulator.url, "GET", "/_emulator/faults") for _ in range(CONNECTIONS)]
        assert seen == [{"faults": ["wrong-content-type:1"]}] * CONNECTIONS
        connections = [connect(emulator.url) for _ in range(CONNECTIONS)]
        try:
            assert [post(connection) for connection in connections] == [200] * CONNECTIONS
        finally:
            for connection in connections:
                connection.close()
        assert admin(emulator.url, "GET", "/_emulator/stats")["faults"] == {"wrong-content-type": CONNECTIONS}
        admin(emulator.url, "POST", "/_emulator/reset")
        snapshots = [admin(emulator.url, "GET", "/_emulator/stats") for _ in range(CONNECTIONS)]
        assert snapshots == [{"total": 0, "by_operation": {}, "by_status": {}, "faults": {}}] * CONNECTIONS


def test_workers_stop_together_on_sigterm():
    with spawn(["--workers", "2"]) as emulator:
        workers = psutil.Process(emulator.process.pid).children()
        assert len(workers) == 2
        emulator.stop()
        assert emulator.process.returncode == 0
        _, alive = psutil.wait_procs(workers, timeout=10)  # the parent joined them before it exited
        assert alive == []
