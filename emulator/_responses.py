"""One Edge response before it is written, and the headers the real service sends with it.

Headers follow a capture of edge.adobedc.net
(tests/reference/samples/eplen-media-edge-sessionstart-raw-http-response.txt): `x-request-id`, `x-adobe-edge: OR2;9`
(region;regionId, the Web SDK parses the number), `x-konductor` (gateway build), `cache-control`, `vary: Origin`,
`x-content-type-options`, `x-xss-protection`, `x-rate-limit-remaining`. `strict-transport-security` is left out: the
emulator speaks plain HTTP. Cross-origin callers get the CORS headers the Web SDK needs
(https://github.com/adobe/alloy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from emulator._asgi import Send

JSON_CONTENT_TYPE = b"application/json;charset=utf-8"

# Region ids: OR2;9 and IRL1;6 are observed; the others are the emulator's own, unique per region.
REGION_IDS = {"or2": 9, "va6": 7, "irl1": 6, "ind1": 12, "jpn3": 10, "sgp3": 11, "aus3": 8}
EDGE_HEADER = {hint: f"{hint.upper()};{region}".encode() for hint, region in REGION_IDS.items()}

_STATIC_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-cache, no-store, max-age=0, no-transform"),
    (b"vary", b"Origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-xss-protection", b"1; mode=block"),
    (b"x-konductor", b"26.6.0:edgeload"),
)
# Per cluster, the headers every reply starts with (built once: replies are the hot path).
_PREFIX = {hint: [*_STATIC_HEADERS, (b"x-adobe-edge", edge)] for hint, edge in EDGE_HEADER.items()}
_EXPOSED = b"x-adobe-edge, x-request-id, x-rate-limit-remaining, Retry-After"


@dataclass(slots=True)
class Reply:
    """An Edge response: `document` (a JSON object, serialised at send time) or raw `body` bytes."""

    status: int
    request_id: str  # the response requestId (sent prefix + "-" + 16 hex)
    document: dict[str, Any] | None = None
    body: bytes = b""
    content_type: bytes | None = JSON_CONTENT_TYPE
    hint: str = "or2"
    header_request_id: str | None = None  # when the x-request-id header must differ from the body
    retry_after: int | None = None
    remaining: int | None = None
    close: bool = False  # ask the server to close the connection (413: the rest of the body is unread)
    events: int = 1  # events in the request, for eventIndex faults
    origin: bytes | None = None
    org_id: str | None = None  # known once the datastream is: fault replies put them in their report
    config_id: str | None = None
    # A tuple: a default list would be one more allocation on every request, and nothing appends to it.
    extra: tuple[tuple[bytes, bytes], ...] = ()

    @property
    def success(self) -> bool:
        return 200 <= self.status < 300

    def payload(self) -> bytes:
        if self.document is not None:
            self.body = orjson.dumps(self.document)
            self.document = None
        return self.body

    def headers(self, body: bytes) -> list[tuple[bytes, bytes]]:
        headers = _PREFIX[self.hint].copy()
        headers.append((b"x-request-id", (self.header_request_id or self.request_id).encode()))
        if self.content_type is not None and (body or self.status != 204):
            headers.append((b"content-type", self.content_type))
        if self.status != 204:  # RFC 9110 §8.6: no Content-Length on a 204
            headers.append((b"content-length", str(len(body)).encode()))
        if self.retry_after is not None:
            headers.append((b"retry-after", str(self.retry_after).encode()))
        if self.remaining is not None:
            headers.append((b"x-rate-limit-remaining", str(self.remaining).encode()))
        if self.origin is not None:
            headers.append((b"access-control-allow-origin", self.origin))
            headers.append((b"access-control-allow-credentials", b"true"))
            headers.append((b"access-control-expose-headers", _EXPOSED))
        if self.close:
            headers.append((b"connection", b"close"))
        headers.extend(self.extra)
        return headers


async def send_reply(send: Send, reply: Reply) -> None:
    body = reply.payload()
    await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers(body)})
    await send({"type": "http.response.body", "body": body})


async def send_empty(send: Send, status: int, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """404/405 answers: no body at all, as the real service answers an unknown location hint."""
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0"), *(headers or [])]}
    )
    await send({"type": "http.response.body", "body": b""})


async def send_json(send: Send, status: int, document: object) -> None:
    """Admin endpoint answers (not part of the Edge API)."""
    body = orjson.dumps(document)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
