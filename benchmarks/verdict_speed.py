"""How long the contract verdict takes on one 200 interact response, against schemathesis' own validation.

Run: `.venv/bin/python -m benchmarks.verdict_speed [--seconds S]`. Both judge the same response in the same run, on one
core: `contracts.judge` (all 7 checks) and schemathesis' `Case.validate_response` with its three comparable
built-in checks (status code, content type, response schema). The target is a median of at most 30 µs; an earlier
measurement on this kind of machine found about 160 µs for schemathesis. Figures are medians of per-batch means; each
call gets a fresh response object, so both parse the body.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson
import requests
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contracts._exchange import Exchange
from contracts._operations import INTERACT_V2
from contracts._schemas import CONTRACT_PATH
from contracts._verdict import judge

BUDGET_US = 30.0
SENT_ID = "708e4f90-5bff-41c5-8f4b-6c15bab76b11"
REQUEST: dict[str, Any] = {"event": {"xdm": {"eventType": "web.webpagedetails.pageViews",
                             "identityMap": {"FPID": [{"id": "4b5f2c76-9e3b", "primary": True}]}}},
           "query": {"personalization": {"decisionScopes": ["__view__"]}}}
# A typical emulator answer: location hints, three state entries, one Target decision (about 1.2 KB).
RESPONSE: dict[str, Any] = {
    "requestId": f"{SENT_ID}-f46e48eb52594815",
    "handle": [
        {"type": "locationHint:result", "payload": [{"scope": "Target", "hint": "35", "ttlSeconds": 1800},
                                                    {"scope": "EdgeNetwork", "hint": "or2", "ttlSeconds": 1800}]},
        {"type": "state:store", "payload": [
            {"key": "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_identity",
             "value": "CiYwNTkwNzYzODExMjkyNDQ4NDI0MTAyOTA4MjQwNTI5NzE1MTc2M1IOCL", "maxAge": 34128000,
             "attrs": {"SameSite": "None"}},
            {"key": "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_cluster", "value": "or2", "maxAge": 1800},
            {"key": "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_consent_check", "value": "1", "maxAge": 7200}]},
        {"type": "personalization:decisions", "eventIndex": 0, "payload": [{
            "id": "AT:eyJhY3Rpdml0eUlkIjoiMTMxMDEwIiwiZXhwZXJpZW5jZUlkIjoiMCJ9", "scope": "__view__",
            "scopeDetails": {"decisionProvider": "TGT", "activity": {"id": "131010"}, "experience": {"id": "0"},
                             "strategies": [{"algorithmID": "0", "trafficType": "0"}]},
            "items": [{"id": "0", "schema": "https://ns.adobe.com/personalization/dom-action",
                       "data": {"type": "setHtml", "format": "application/vnd.adobe.target.dom-action",
                                "content": "Welcome back", "selector": "#hero > h1"}}]}]},
    ],
}
HEADERS = {"content-type": "application/json;charset=utf-8", "x-request-id": f"{SENT_ID}-f46e48eb52594815"}


def per_call_us(call: Callable[[], object], seconds: float, batch: int) -> list[float]:
    """Mean microseconds per call of each batch, batches repeated for about `seconds`."""
    for _ in range(batch):  # warm caches and lazily compiled state
        call()
    means: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(means) < 5:
        start = time.perf_counter_ns()
        for _ in range(batch):
            call()
        means.append((time.perf_counter_ns() - start) / batch / 1000)
    return means


def schemathesis_call(body: bytes) -> Callable[[], None]:
    schema = schemathesis.openapi.from_path(CONTRACT_PATH)
    case = schema["/ee/v2/interact"]["POST"].Case(query={"datastreamId": "ds", "requestId": SENT_ID}, body=REQUEST,
                                                  media_type="application/json")
    prepared = requests.Request("POST", "http://127.0.0.1/ee/v2/interact", params={"requestId": SENT_ID},
                                json=REQUEST).prepare()
    headers = {name: [value] for name, value in HEADERS.items()}
    checks: list[Any] = [status_code_conformance, content_type_conformance, response_schema_conformance]

    def validate() -> None:
        # A fresh Response per call, as each HTTP response is: schemathesis caches the parsed body on it.
        response = schemathesis.Response(200, headers, body, prepared, elapsed=0.001, verify=False)
        case.validate_response(response, checks=checks)

    return validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.verdict_speed", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per contender (default 2)")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})  # one core: no migration noise
    body = orjson.dumps(RESPONSE)
    exchange = Exchange(INTERACT_V2, {"datastreamId": "ds", "requestId": SENT_ID}, {}, REQUEST, 200, HEADERS, body)
    assert judge(exchange) == [], "the benchmark response must keep the contract"
    ours = per_call_us(lambda: judge(exchange), args.seconds, batch=1000)
    theirs = per_call_us(schemathesis_call(body), args.seconds, batch=50)
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"verdict on one {INTERACT_V2} 200 response ({len(body):,}-byte body), one core")
    print(f"  contracts._verdict.judge, 7 checks:                    median {ours_median:8.2f} µs "
          f"(p90 {statistics.quantiles(ours, n=10)[-1]:.2f}, {len(ours)} batches)")
    print(f"  schemathesis Case.validate_response, 3 checks:        median {theirs_median:8.2f} µs "
          f"(p90 {statistics.quantiles(theirs, n=10)[-1]:.2f}, {len(theirs)} batches)")
    print(f"  ratio schemathesis / judge: {theirs_median / ours_median:.1f}x; "
          f"budget {BUDGET_US:.0f} µs: {'within' if ours_median <= BUDGET_US else 'EXCEEDED'}")
    return 0 if ours_median <= BUDGET_US else 1


if __name__ == "__main__":
    raise SystemExit(main())
