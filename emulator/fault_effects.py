"""What each fault of `faults.REGISTRY` does to a reply or to the connection.

`replace` faults answer with an error of their own, `shape` faults damage a successful reply (an error reply is
left alone: the check they prove concerns successful bodies), `transport` faults misbehave on the socket. The
fault table of docs/emulator.md#faults is the specification; each fault makes exactly one contract check fire.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Callable
from typing import Any

import orjson

from emulator import problems as P
from emulator.asgi import TRANSPORT_EXTENSION, Receive, Scope, Send
from emulator.faults import Fault
from emulator.ids import IdSource
from emulator.responses import JSON_CONTENT_TYPE, Reply


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


def replace(fault: Fault, reply: Reply) -> Reply:
    name = fault.name
    if name == "server-error":
        status = int(float(fault.params["status"]))
        if status == 500:
            return _problem(reply, P.INTERNAL)
        _problem(reply, P.UNAVAILABLE, code=f"EXEG-0000-{status}")
        # troubleshooting.md: 503 "may retry ... must respect Retry-After"; 502/504 carry none.
        reply.retry_after = int(float(fault.params["retry_after"])) if status == 503 else None
        return reply
    if name in ("rate-limit", "retry-after-missing"):
        _problem(reply, P.TOO_MANY_REQUESTS)
        reply.retry_after = int(float(fault.params["retry_after"])) if name == "rate-limit" else None
        return reply
    # problem-type-mismatch: a 400 whose type says 422.
    reply.retry_after = None
    return _problem(reply, P.INVALID_JSON, code="EXEG-0104-422", status=400)



def _first_state_store(handles: list[dict[str, Any]]) -> dict[str, Any]:
    return next(h for h in handles if h.get("type") == "state:store")


def damage(fault: Fault, reply: Reply, ids: IdSource) -> bool:
    """Apply a shape fault to a successful reply; False (nothing done) when the reply is an error."""
    if not reply.success:
        return False
    if reply.document is None and reply.body:  # serialised up front (handles.interact_body): shape its parsed form
        reply.document = orjson.loads(reply.body)
    elif reply.document is None:  # silent collect (204): the fault needs a body, answer as without silent
        reply.status = 202
        reply.document = {"requestId": reply.request_id}
    found = reply.document.get("handle")
    handles: list[dict[str, Any]] | None = found if isinstance(found, list) else None  # None: collect
    name = fault.name
    actions: dict[str, Callable[[], None]] = {
        "upstream-error": lambda: _upstream_error(reply, str(fault.params["service"])),
        "request-id-not-echoed": lambda: _new_request_id(reply, ids),
        "request-id-wrong": lambda: _wrong_request_id(reply, ids),
        "undocumented-status": lambda: setattr(reply, "status", int(float(fault.params["status"]))),
        "wrong-content-type": lambda: setattr(reply, "content_type", b"text/html;charset=utf-8"),
        "malformed-json": lambda: _malformed(reply),
    }
    if name in actions:
        actions[name]()
    elif handles is None:  # handle faults never apply to collect (faults.FaultKind.handles_only)
        return False
    elif name == "handle-not-array":
        reply.document["handle"] = handles[0]
    elif name == "handle-item-no-type":
        handles[0] = dict(handles[0])  # a copy: handles may be shared by every reply (handles.py)
        del handles[0]["type"]
    elif name == "handle-payload-invalid":
        del _first_state_store(handles)["payload"][0]["key"]
    elif name == "bad-event-index":
        handles[0] = {**handles[0], "eventIndex": reply.events}
    return True



def _upstream_error(reply: Reply, service: str) -> None:
    # Non-fatal upstream errors answer 207 with errors[] (troubleshooting.md; the nonfatal sample's wording).
    assert reply.document is not None
    reply.status = 207
    title = f"The '{service}' service is temporarily unable to serve this request. Please try again later."
    reply.document["errors"] = [{"type": P.TYPE_PREFIX + "EXEG-0201-503", "status": 503, "title": title}]


def _new_request_id(reply: Reply, ids: IdSource) -> None:
    assert reply.document is not None
    reply.request_id = reply.document["requestId"] = ids.uuid() + "-" + ids.entropy()


def _wrong_request_id(reply: Reply, ids: IdSource) -> None:
    assert reply.document is not None
    prefix = reply.request_id.rsplit("-", 1)[0]
    reply.document["requestId"] = prefix + "-" + ids.entropy()[:8]  # 8 hex characters, not 16
    reply.header_request_id = reply.request_id


def _malformed(reply: Reply) -> None:
    reply.body = reply.payload()[:-1]  # the closing brace dropped: not JSON, same content type
    reply.content_type = JSON_CONTENT_TYPE


def _transport(scope: Scope) -> asyncio.Transport | None:
    extensions = scope.get("extensions") or {}
    transport = extensions.get(TRANSPORT_EXTENSION)
    # uvloop's transports are not asyncio.BaseTransport subclasses: check the one method we need.
    return transport if hasattr(transport, "abort") else None


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def connection_reset(scope: Scope, receive: Receive) -> None:
    """RST without a response: SO_LINGER 0 then abort (a plain close would send FIN, an orderly end)."""
    transport = _transport(scope)
    if transport is None:
        raise ConnectionResetError("connection-reset fault needs the emulator's uvicorn protocol")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await _until_disconnect(receive)


async def truncated_body(reply: Reply, scope: Scope, receive: Receive, send: Send) -> None:
    """Announce the full Content-Length, write half the body, close: the client sees a short read."""
    body = reply.payload()
    await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers(body)})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    transport = _transport(scope)
    if transport is None:
        raise ConnectionAbortedError("truncated-body fault needs the emulator's uvicorn protocol")
    transport.close()  # flushes what was written, then FIN
    await _until_disconnect(receive)


async def stall(receive: Receive) -> None:
    """Answer nothing until the client gives up and disconnects."""
    await _until_disconnect(receive)
