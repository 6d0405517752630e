"""A tiny in-process ASGI client: drives `EmulatorApp` without sockets, on the default asyncio loop.

The test run is gevent-monkey-patched; asyncio's default selector loop works there (uvloop is never used
in-process). Tests needing real sockets use `emulator.spawn` instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from emulator._app import EmulatorApp
from emulator._auth import mint
from emulator._config import DEFAULT_DATASTREAM_ID, Settings, load_datastreams


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    header_list: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


class FakeClock:
    """Rate-limit time under the test's control: `advance(seconds)` instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_app(seed: int = 7, clock: FakeClock | None = None, **overrides: Any) -> EmulatorApp:
    settings = Settings(datastreams=load_datastreams(), seed=seed, **overrides)
    return EmulatorApp(settings, clock=clock or FakeClock())


def call(
    app: EmulatorApp,
    path: str = "/ee/v2/interact",
    body: bytes | object = b"",
    *,
    method: str = "POST",
    query: Mapping[str, str] | str | None = None,
    headers: Mapping[str, str] | list[tuple[bytes, bytes]] | None = None,
    content_type: str | None = "application/json",
    chunk: int | None = None,
) -> Answer:
    """One request; `body` may be bytes or a JSON-able object; `chunk` splits the body into several messages."""
    # stdlib json: it also writes what orjson refuses (integers past 64 bits, Infinity), for the fuzz tests.
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    query_string = query if isinstance(query, str) else urlencode(query or {})
    header_list: list[tuple[bytes, bytes]] = []
    given = [name.lower() for name, _ in headers] if isinstance(headers, list) else [k.lower() for k in headers or {}]
    if "host" not in given and b"host" not in given:  # as every HTTP/1.1 client sends it (RFC 9112 §3.2)
        header_list.append((b"host", b"127.0.0.1"))
    if content_type is not None:
        header_list.append((b"content-type", content_type.encode()))
    if isinstance(headers, list):
        header_list.extend(headers)
    else:
        header_list.extend((k.lower().encode(), v.encode("latin-1")) for k, v in (headers or {}).items())
    parts = [raw[i : i + chunk] for i in range(0, len(raw), chunk)] if chunk and raw else [raw]
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1} for i, part in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query_string.encode("latin-1"),
        "headers": header_list,
    }
    asyncio.run(app(scope, receive, send))
    start = sent[0]
    assert start["type"] == "http.response.start"
    pairs = [(k.decode(), v.decode("latin-1")) for k, v in start["headers"]]
    return Answer(start["status"], dict(pairs), pairs, b"".join(m.get("body", b"") for m in sent[1:]))


def interact_body(primary: str | None = "visitor-1", **extra: Any) -> dict[str, Any]:
    """A v2 interact body; `primary` is the FPID marked primary (None: no identity at all)."""
    xdm: dict[str, Any] = {"eventType": "web.webpagedetails.pageViews", "timestamp": "2026-06-01T10:00:00Z"}
    if primary is not None:
        xdm["identityMap"] = {"FPID": [{"id": primary, "authenticatedState": "ambiguous", "primary": True}]}
    return {"event": {"xdm": xdm, "data": {"prop1": "x"}}, **extra}


def collect_body(*primaries: str | None) -> dict[str, Any]:
    return {"events": [interact_body(p)["event"] for p in primaries]}


DEFAULT = {"datastreamId": DEFAULT_DATASTREAM_ID}
DISABLED_ID = "9d2b7f40-1c3e-4a8b-b6d5-7e0f2a4c6e02"
AUTHENTICATED_ID = "c5e1a9b3-7d2f-4e6a-8c0b-3f5d7e9a1b03"
# A token the emulator signed (emulator/_auth.py), valid until 2100: an arbitrary string is refused (EXEG-0500-401).
AUTH = {
    "authorization": "Bearer " + mint("client-id", "8B1F4A6E5CC1D3760A495C11@AdobeOrg", "openid", 0.0, 4102444800.0),
    "x-api-key": "client-id",
    "x-gw-ims-org-id": "8B1F4A6E5CC1D3760A495C11@AdobeOrg",
}
