"""Admin endpoints under `/_emulator/` (not part of the Edge API; for tests and the load-test harness).

`GET /_emulator/stats`, `GET|PUT /_emulator/faults` (`{"faults": ["spec", ...]}` replaces the active faults) and
`POST /_emulator/reset` (zeroes counters and rate-limit state and reseeds the generators, so a test starts from
the same state as a fresh emulator), `GET /_emulator/tokens` (`{"issued": N}`, tokens of POST /ims/token/v3).
Answers are JSON; a bad fault spec is a 400 with a one-line `error`. Who may call them is `admin_access.py`'s
question, asked first: a refusal is a 401, 403 or 415 with a one-line `error` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from emulator._asgi import Receive, Scope, Send
from emulator._edge import ClientGone, read_body
from emulator._errors import ConfigError
from emulator._faults import parse_spec, specs
from emulator._responses import send_empty, send_json

if TYPE_CHECKING:
    from emulator._app import EmulatorApp

_ALLOWED = {"/_emulator/stats": "GET", "/_emulator/faults": "GET, PUT", "/_emulator/reset": "POST",
            "/_emulator/tokens": "GET"}
_MAX_ADMIN_BODY = 1 << 20


async def handle_admin(app: EmulatorApp, scope: Scope, receive: Receive, send: Send) -> None:
    path, method = scope["path"], scope["method"]
    allowed = _ALLOWED.get(path)
    refusal = app.admin_access.refusal(scope)  # before anything else: who may ask (admin_access.py)
    if refusal is None and allowed is not None and method in ("PUT", "POST") and method in allowed.split(", "):
        refusal = app.admin_access.body_refusal(scope)
    if refusal is not None:
        await send_json(send, refusal.status, {"error": refusal.error})
    elif allowed is None:
        await send_empty(send, 404)
    elif method not in allowed.split(", "):
        await send_empty(send, 405, [(b"allow", allowed.encode())])
    elif path == "/_emulator/stats":
        await send_json(send, 200, app.stats.snapshot())
    elif path == "/_emulator/tokens":  # what the token endpoint issued since the last reset
        await send_json(send, 200, {"issued": app.tokens_issued()})
    elif path == "/_emulator/reset":
        app.reset()
        await send_json(send, 200, {"reset": True})
    elif method == "GET":
        await send_json(send, 200, {"faults": specs(app.board.faults)})
    else:
        await _put_faults(app, receive, send)


async def _put_faults(app: EmulatorApp, receive: Receive, send: Send) -> None:
    try:
        body = await read_body(receive, _MAX_ADMIN_BODY)
    except ClientGone:
        return
    try:
        document = orjson.loads(body or b"")
    except orjson.JSONDecodeError:
        document = None
    entries = document.get("faults") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        await send_json(
            send, 400, {"error": 'body must be JSON {"faults": ["spec", ...]}, e.g. {"faults": ["stall:0.1"]}'}
        )
        return
    try:
        faults = [parse_spec(entry) for entry in entries]
    except ConfigError as exc:
        await send_json(send, 400, {"error": str(exc)})
        return
    app.replace_faults(faults)  # every worker's faults with --workers N (workers.py)
    await send_json(send, 200, {"faults": specs(app.board.faults)})
