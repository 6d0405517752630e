"""What each fault does to a reply or to the connection: the code each entry of `fault_kinds.REGISTRY` holds.

Every effect has one signature, `effect(params, hit) -> acted`: `replace` effects answer with an error of their own,
`shape` effects damage a successful reply (an error reply is left alone: the rule they break concerns successful
bodies), `transport` effects misbehave on the socket and answer (or not) themselves. A `delay` effect draws how long
to wait. The fault table of docs/emulator.md#faults is the specification.
"""

from __future__ import annotations

import asyncio
import math
import random
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from emulator import problems as P
from emulator.asgi import TRANSPORT_EXTENSION, Receive, Scope, Send
from emulator.ids import IdSource
from emulator.responses import JSON_CONTENT_TYPE, Reply
from emulator.stats import Stats

ParamValue = float | str
Params = Mapping[str, ParamValue]


@dataclass(slots=True)
class Hit:
    """The request a fault acts on: the reply the Edge behaviour made, and the connection it goes out on."""

    reply: Reply
    ids: IdSource
    stats: Stats
    scope: Scope
    receive: Receive
    send: Send


Effect = Callable[[Params, Hit], Awaitable[bool]]  # True when the fault acted (counted in the stats' `faults`)
Delay = Callable[[Params, random.Random], float]  # seconds to wait, drawn from the fault board's generator

MAX_LATENCY_MS = 600_000.0  # 10 minutes: a longer delay is a hung emulator, not a slow one


def latency_s(params: Params, rng: random.Random) -> float:
    dist = params["dist"]
    if dist == "normal":
        ms = rng.gauss(float(params["mean_ms"]), float(params["sd_ms"]))
    elif dist == "lognormal":
        ms = rng.lognormvariate(math.log(max(float(params["median_ms"]), 1e-6)), float(params["sigma"]))
    else:
        ms = float(params["ms"])
    return min(max(ms, 0.0), MAX_LATENCY_MS) / 1000.0  # a distribution's tail is cut at the ceiling too


# ---- replace: an error answer of the fault's own ---------------------------------------------------------------

def _problem(reply: Reply, kind: P.ProblemKind, code: str | None = None, status: int | None = None) -> Reply:
    body = dict(P.problem_body(kind, reply.request_id, org_id=reply.org_id, config_id=reply.config_id))
    if code is not None:
        body["type"] = P.TYPE_PREFIX + code
    reply.status = status or int(str(body["type"])[-3:])
    body["status"] = reply.status
    reply.document = body
    reply.body = b""
    reply.content_type = P.PROBLEM_CONTENT_TYPE
    reply.remaining = None
    reply.header_request_id = None
    return reply


async def server_error(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    status = int(float(params["status"]))
    if status == 500:
        _problem(reply, P.INTERNAL)
        return True
    _problem(reply, P.UNAVAILABLE, code=f"EXEG-0000-{status}")
    # troubleshooting.md: 503 "may retry ... must respect Retry-After"; 502/504 carry none.
    reply.retry_after = int(float(params["retry_after"])) if status == 503 else None
    return True


async def rate_limit(params: Params, hit: Hit) -> bool:
    _problem(hit.reply, P.TOO_MANY_REQUESTS)
    hit.reply.retry_after = int(float(params["retry_after"]))
    return True


async def retry_after_missing(params: Params, hit: Hit) -> bool:
    _problem(hit.reply, P.TOO_MANY_REQUESTS)
    hit.reply.retry_after = None
    return True


async def problem_type_mismatch(params: Params, hit: Hit) -> bool:
    hit.reply.retry_after = None
    _problem(hit.reply, P.INVALID_JSON, code="EXEG-0104-422", status=400)  # a 400 whose type says 422
    return True


# ---- shape: damage to a successful answer ----------------------------------------------------------------------

def _document(reply: Reply) -> dict[str, Any] | None:
    """The reply's body as a dict to damage; None when the reply is an error, which shape faults leave alone."""
    if not reply.success:
        return None
    if reply.document is None and reply.body:  # serialised up front (handles.interact_body): shape its parsed form
        reply.document = orjson.loads(reply.body)
    elif reply.document is None:  # silent collect (204): the fault needs a body, answer as without silent
        reply.status = 202
        reply.document = {"requestId": reply.request_id}
    return reply.document


def _handles(reply: Reply) -> list[dict[str, Any]] | None:
    """The successful reply's `handle` list; None on an error or a reply without one (collect)."""
    document = _document(reply)
    found = None if document is None else document.get("handle")
    return found if isinstance(found, list) else None


async def upstream_error(params: Params, hit: Hit) -> bool:
    # Non-fatal upstream errors answer 207 with errors[] (troubleshooting.md; the nonfatal sample's wording).
    reply = hit.reply
    document = _document(reply)
    if document is None:
        return False
    reply.status = 207
    title = f"The '{params['service']}' service is temporarily unable to serve this request. Please try again later."
    document["errors"] = [{"type": P.TYPE_PREFIX + "EXEG-0201-503", "status": 503, "title": title}]
    return True


async def request_id_not_echoed(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    document = _document(reply)
    if document is None:
        return False
    reply.request_id = document["requestId"] = hit.ids.uuid() + "-" + hit.ids.entropy()
    return True


async def request_id_wrong(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    document = _document(reply)
    if document is None:
        return False
    prefix = reply.request_id.rsplit("-", 1)[0]
    document["requestId"] = prefix + "-" + hit.ids.entropy()[:8]  # 8 hex characters, not 16
    reply.header_request_id = reply.request_id
    return True


async def undocumented_status(params: Params, hit: Hit) -> bool:
    if _document(hit.reply) is None:
        return False
    hit.reply.status = int(float(params["status"]))
    return True


async def wrong_content_type(params: Params, hit: Hit) -> bool:
    if _document(hit.reply) is None:
        return False
    hit.reply.content_type = b"text/html;charset=utf-8"
    return True


async def malformed_json(params: Params, hit: Hit) -> bool:
    reply = hit.reply
    if _document(reply) is None:
        return False
    reply.body = reply.payload()[:-1]  # the closing brace dropped: not JSON, same content type
    reply.content_type = JSON_CONTENT_TYPE
    return True


async def handle_not_array(params: Params, hit: Hit) -> bool:
    handles = _handles(hit.reply)
    if handles is None or hit.reply.document is None:
        return False
    hit.reply.document["handle"] = handles[0]
    return True


async def handle_item_no_type(params: Params, hit: Hit) -> bool:
    handles = _handles(hit.reply)
    if handles is None:
        return False
    handles[0] = dict(handles[0])  # a copy: handles may be shared by every reply (handles.py)
    del handles[0]["type"]
    return True


async def handle_payload_invalid(params: Params, hit: Hit) -> bool:
    handles = _handles(hit.reply)
    if handles is None:
        return False
    del next(h for h in handles if h.get("type") == "state:store")["payload"][0]["key"]
    return True


async def bad_event_index(params: Params, hit: Hit) -> bool:
    handles = _handles(hit.reply)
    if handles is None:
        return False
    handles[0] = {**handles[0], "eventIndex": hit.reply.events}
    return True


# ---- transport: misbehaviour on the connection -----------------------------------------------------------------

def _transport(scope: Scope) -> asyncio.Transport | None:
    extensions = scope.get("extensions") or {}
    transport = extensions.get(TRANSPORT_EXTENSION)
    # uvloop's transports are not asyncio.BaseTransport subclasses: check the one method we need.
    return transport if hasattr(transport, "abort") else None


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def connection_reset(params: Params, hit: Hit) -> bool:
    """RST without a response: SO_LINGER 0 then abort (a plain close would send FIN, an orderly end)."""
    transport = _transport(hit.scope)
    if transport is None:
        raise ConnectionResetError("connection-reset fault needs the emulator's uvicorn protocol")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await _until_disconnect(hit.receive)
    return True


async def truncated_body(params: Params, hit: Hit) -> bool:
    """Announce the full Content-Length, write half the body, close: the client sees a short read."""
    reply = hit.reply
    hit.stats.status(reply.status)  # a status line goes out, unlike a reset or a stall
    body = reply.payload()
    await hit.send({"type": "http.response.start", "status": reply.status, "headers": reply.headers(body)})
    await hit.send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    transport = _transport(hit.scope)
    if transport is None:
        raise ConnectionAbortedError("truncated-body fault needs the emulator's uvicorn protocol")
    transport.close()  # flushes what was written, then FIN
    await _until_disconnect(hit.receive)
    return True


async def stall(params: Params, hit: Hit) -> bool:
    """Answer nothing until the client gives up and disconnects."""
    await _until_disconnect(hit.receive)
    return True
