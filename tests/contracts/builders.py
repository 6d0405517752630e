"""Hand-built exchanges for the unit tests: one valid exchange per kind of response, changed one field at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson

from contracts._exchange import Exchange
from contracts._operations import COLLECT_V1, COLLECT_V2, INTERACT_V1, INTERACT_V2

SENT_ID = "708e4f90-5bff-41c5-8f4b-6c15bab76b11"
ENTROPY = "f46e48eb52594815"
JSON = "application/json;charset=utf-8"
PROBLEM = "application/problem+json"


def interact_body(request_id: str = f"{SENT_ID}-{ENTROPY}", **extra: Any) -> dict[str, Any]:
    return {
        "requestId": request_id,
        "handle": [
            {"type": "state:store", "payload": [{"key": "kndctr_X_AdobeOrg_identity", "value": "CiY", "maxAge": 3600}]},
            {"type": "locationHint:result", "payload": [{"scope": "EdgeNetwork", "hint": "or2", "ttlSeconds": 1800}]},
            {"type": "personalization:decisions", "eventIndex": 0, "payload": [{"id": "AT:1", "scope": "__view__"}]},
        ],
        **extra,
    }


def exchange(
    body: object = None,
    *,
    operation: str = INTERACT_V2,
    status: int = 200,
    content_type: str | None = JSON,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    request_headers: dict[str, str] | None = None,
    request_body: object = None,
    raw: bytes | None = None,
) -> Exchange:
    response_headers = {} if content_type is None else {"content-type": content_type}
    response_headers.update(headers or {})
    if raw is None:
        raw = b"" if body is None else orjson.dumps(body)
    return Exchange(
        operation=operation,
        request_query={"datastreamId": "ds", **(query or {})},
        request_headers=request_headers or {},
        request_body=request_body if request_body is not None else {"event": {"xdm": {}}},
        status=status,
        response_headers=response_headers,
        response_body=raw,
    )


def interact_ok(**changes: Any) -> Exchange:
    base = exchange(interact_body(), query={"requestId": SENT_ID}, headers={"x-request-id": f"{SENT_ID}-{ENTROPY}"})
    return replace(base, **changes)


def problem(status: int, code: str | None = None, **changes: Any) -> Exchange:
    code = code or f"EXEG-0000-{status}"
    body = {
        "type": f"https://ns.adobe.com/aep/errors/{code}",
        "status": status,
        "title": "Some title",
        "detail": "Some detail",
        "report": {"requestId": f"{SENT_ID}-{ENTROPY}"},
    }
    headers = {"retry-after": "2"} if status in (429, 503) else {}
    base = exchange(body, status=status, content_type=PROBLEM, headers=headers, query={"requestId": SENT_ID})
    return replace(base, **changes)


def collect_accepted(**changes: Any) -> Exchange:
    base = exchange({"requestId": f"{SENT_ID}-{ENTROPY}"}, operation=COLLECT_V2, status=202,
                    request_body={"events": [{}, {}]}, query={"requestId": SENT_ID})
    return replace(base, **changes)


def collect_silent(operation: str = COLLECT_V2, **changes: Any) -> Exchange:
    base = exchange(None, operation=operation, status=204, content_type=None, request_body={"events": [{}]})
    return replace(base, **changes)


def v1_interact(events: int, handle: list[dict[str, Any]]) -> Exchange:
    return exchange({"requestId": "r", "handle": handle}, operation=INTERACT_V1,
                    request_body={"events": [{} for _ in range(events)]})


__all__ = ["COLLECT_V1", "ENTROPY", "JSON", "PROBLEM", "SENT_ID", "collect_accepted", "collect_silent", "exchange",
           "interact_body", "interact_ok", "problem", "v1_interact"]
