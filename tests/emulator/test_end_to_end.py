"""Every fault and the admin endpoints over real sockets, against one shared emulator subprocess.

Transport faults are observed as a client sees them: a reset, a short read, a read timeout (short client
timeouts, no sleeps). Faults are switched with `PUT /_emulator/faults`; the `emulator` fixture resets between tests.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from emulator._config import DEFAULT_DATASTREAM_ID
from tests.emulator.asgi_client import interact_body
from tests.emulator.conftest import admin

pytestmark = pytest.mark.slow
QUERY = f"?datastreamId={DEFAULT_DATASTREAM_ID}&requestId=e2e-1"
BODY = json.dumps(interact_body())


def post(url, path="/ee/v2/interact", body=BODY, timeout=2.0, headers=None):
    """(status, lower-cased headers, body) of one POST on a fresh connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", path + QUERY, body, {"content-type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def set_faults(url, *specs):
    return admin(url, "PUT", "/_emulator/faults", {"faults": list(specs)})


def test_e2e_interact_answers_200_over_a_socket(emulator):
    status, headers, body = post(emulator.url)
    assert status == 200
    assert headers["content-type"] == "application/json;charset=utf-8"
    assert re.fullmatch(r"e2e-1-[0-9a-f]{16}", json.loads(body)["requestId"])
    assert "server" not in headers  # no uvicorn banner: the real service's header is its own


def test_e2e_connection_reset_is_a_tcp_reset_without_response(emulator):
    set_faults(emulator.url, "connection-reset")
    with pytest.raises(ConnectionResetError):
        post(emulator.url)
    assert admin(emulator.url, "GET", "/_emulator/stats")["faults"] == {"connection-reset": 1}


def test_e2e_truncated_body_is_a_short_read_of_the_announced_length(emulator):
    set_faults(emulator.url, "truncated-body")
    with pytest.raises(http.client.IncompleteRead) as caught:
        post(emulator.url)
    partial, missing = len(caught.value.partial), caught.value.expected
    assert partial > 0
    assert abs(partial - missing) <= 1  # half of the announced body arrived


def test_e2e_stall_answers_nothing_until_the_client_gives_up(emulator):
    set_faults(emulator.url, "stall")
    with pytest.raises(socket.timeout):
        post(emulator.url, timeout=0.3)
    set_faults(emulator.url)  # the emulator still serves others while a stalled request waits
    assert post(emulator.url)[0] == 200


def test_e2e_latency_delays_the_answer(emulator):
    set_faults(emulator.url, "latency,dist=fixed,ms=400")
    with pytest.raises(socket.timeout):
        post(emulator.url, timeout=0.1)
    assert post(emulator.url, timeout=5)[0] == 200


@pytest.mark.parametrize(
    ("spec", "status", "check"),
    [
        ("server-error", 503, lambda h, b: h["retry-after"] == "1" and b"EXEG-0000-503" in b),
        ("server-error,status=500", 500, lambda h, b: b"EXEG-0001-500" in b and "retry-after" not in h),
        ("rate-limit", 429, lambda h, b: h["retry-after"] == "1"),
        ("retry-after-missing", 429, lambda h, b: "retry-after" not in h),
        ("problem-type-mismatch", 400, lambda h, b: b"-422" in b),
        ("upstream-error", 207, lambda h, b: b"EXEG-0201-503" in b),
        ("request-id-not-echoed", 200, lambda h, b: not json.loads(b)["requestId"].startswith("e2e-1")),
        ("request-id-wrong", 200, lambda h, b: json.loads(b)["requestId"] != h["x-request-id"]),
        ("undocumented-status", 299, lambda h, b: "handle" in json.loads(b)),
        ("wrong-content-type", 200, lambda h, b: h["content-type"].startswith("text/html")),
        ("handle-not-array", 200, lambda h, b: isinstance(json.loads(b)["handle"], dict)),
        ("handle-item-no-type", 200, lambda h, b: any("type" not in x for x in json.loads(b)["handle"])),
        ("handle-payload-invalid", 200, lambda h, b: b'"key"' in b and b.count(b'"key"') == 1),
        ("bad-event-index", 200, lambda h, b: json.loads(b)["handle"][0]["eventIndex"] == 1),
        ("malformed-json", 200, lambda h, b: h["content-type"].startswith("application/json") and not b.endswith(b"}")),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_e2e_each_fault_acts_over_a_socket(emulator, spec, status, check):
    set_faults(emulator.url, spec)
    got_status, headers, body = post(emulator.url)
    assert got_status == status
    assert check(headers, body)
    assert admin(emulator.url, "GET", "/_emulator/stats")["faults"] == {spec.split(",")[0]: 1}


def test_e2e_stats_count_every_edge_request_including_faulted_ones(emulator):
    post(emulator.url)
    post(emulator.url, "/ee/v2/collect", json.dumps({"events": [interact_body()["event"]]}))
    post(emulator.url, "/ee/bad9/v2/interact")
    set_faults(emulator.url, "connection-reset")
    with pytest.raises(ConnectionResetError):
        post(emulator.url)
    stats = admin(emulator.url, "GET", "/_emulator/stats")
    assert stats == {
        "total": 4,
        "by_operation": {"POST /ee/v2/interact": 2, "POST /ee/v2/collect": 1},
        "by_status": {"200": 1, "202": 1, "404": 1},
        "faults": {"connection-reset": 1},
    }


def test_e2e_reset_zeroes_the_counters(emulator):
    post(emulator.url)
    assert admin(emulator.url, "POST", "/_emulator/reset") == {"reset": True}
    assert admin(emulator.url, "GET", "/_emulator/stats")["total"] == 0


def test_e2e_put_faults_replaces_and_get_lists_them(emulator):
    assert set_faults(emulator.url, "stall:0.5", "latency,ms=3") == {"faults": ["stall:0.5", "latency:1,ms=3"]}
    assert set_faults(emulator.url, "rate-limit") == {"faults": ["rate-limit:1"]}
    assert admin(emulator.url, "GET", "/_emulator/faults") == {"faults": ["rate-limit:1"]}


def test_e2e_put_faults_with_a_bad_spec_is_400_and_keeps_the_old_faults(emulator):
    set_faults(emulator.url, "stall:0.5")
    with pytest.raises(urllib.error.HTTPError) as caught:
        set_faults(emulator.url, "nope")
    assert caught.value.code == 400
    assert "unknown fault 'nope'" in json.loads(caught.value.read())["error"]
    assert admin(emulator.url, "GET", "/_emulator/faults") == {"faults": ["stall:0.5"]}


def test_e2e_admin_wrong_method_is_405_with_allow(emulator):
    request = urllib.request.Request(emulator.url + "/_emulator/stats", method="POST", data=b"")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert (caught.value.code, caught.value.headers["allow"]) == (405, "GET")


def test_e2e_silent_collect_is_204_and_the_connection_stays_usable(emulator):
    parts = urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    body = json.dumps({"events": [interact_body()["event"]]})
    statuses = []
    for _ in range(2):  # keep-alive: the second request reuses the connection after a body-less 204
        connection.request(
            "POST",
            f"/ee/v2/collect?datastreamId={DEFAULT_DATASTREAM_ID}&silent=true",
            body,
            {"content-type": "text/plain;charset=UTF-8"},
        )
        response = connection.getresponse()
        statuses.append((response.status, response.read()))
    connection.close()
    assert statuses == [(204, b""), (204, b"")]
