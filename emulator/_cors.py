"""CORS preflight for browser pages calling the Edge Network from another origin (the Web SDK).

The Web SDK posts `text/plain` with `credentials: "include"` (https://github.com/adobe/alloy), a "simple" request that
needs no preflight; a page that adds a header (e.g. `x-request-id`) or sends `application/json` makes the browser ask
first with `OPTIONS`. The answer mirrors what credentialed CORS requires (Fetch standard, "CORS protocol"): the exact
`Origin` echoed (never `*` with credentials), `Access-Control-Allow-Credentials: true`, the requested headers allowed,
and `Vary` so a cache never serves one origin's answer to another. The actual responses carry their CORS headers from
`responses.Reply` (the same origin echo plus the exposed headers).
"""

from __future__ import annotations

import re

from emulator._asgi import Scope, Send

_VISIBLE = re.compile(rb"[!-~][ -~]{0,1023}")  # an echoed header value: visible ASCII, bounded
_ALLOW_METHODS = b"POST, OPTIONS"
# Browsers cap this (Chromium at 2 h); the value only saves repeated preflights during a page's life.
_MAX_AGE = b"7200"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value if _VISIBLE.fullmatch(value) else None
    return None


def preflight_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """Headers of the 204 answer to an `OPTIONS` preflight; only `Vary` when the request has no usable Origin."""
    headers = [(b"content-length", b"0"), (b"vary", b"Origin, Access-Control-Request-Headers")]
    origin = _header(scope, b"origin")
    if origin is None:
        return headers
    headers += [
        (b"access-control-allow-origin", origin),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-allow-methods", _ALLOW_METHODS),
        (b"access-control-max-age", _MAX_AGE),
    ]
    requested = _header(scope, b"access-control-request-headers")
    if requested is not None:
        headers.append((b"access-control-allow-headers", requested))
    return headers


async def send_preflight(scope: Scope, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": preflight_headers(scope)})
    await send({"type": "http.response.body", "body": b""})
